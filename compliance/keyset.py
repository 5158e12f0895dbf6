"""A list's order as a keyset: the columns it sorts by, ending with one that no two rows share, and where a page
starts in it.

A page after a position is the rows whose columns compare greater, as one row value: `(due_on, id) > (x, 17)`.
PostgreSQL reads that from an index on the same columns, from the position on: the hundredth page costs what the
first does, and rows that tie on the first column neither repeat nor go missing (an OFFSET over the ties would).

An empty value sorts as the greatest (PostgreSQL's order: last going up, first going down). A column that may be
empty is compared as `COALESCE(column, 'infinity')`, the same expression the ORDER BY and the index use, so that
a row value never meets a null (which would compare as unknown); its index is declared with `keyset_index`. Text
that may be empty (a value hidden from the person reads as empty) is compared as the pair (is empty, text or '').
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Expression, F, OrderBy, Q, Value
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import IsNull

SMALLEST_INTEGER = -(2**31)
LARGEST_INTEGER = 2**31 - 1
INTEGER_FIELDS = (models.IntegerField, models.SmallIntegerField, models.BigIntegerField)
END_VALUED = (models.DateField, *INTEGER_FIELDS)  # DateTimeField is a DateField


class NotAPosition(Exception):
    """A cursor's values are not a position in the list's order."""


def _end(field: models.Field, low: bool) -> Expression:
    """A value below (`low`) or above every value the field can hold, as SQL: where empty values sort."""
    if isinstance(field, models.DateTimeField):
        return Cast(Value("-infinity" if low else "infinity"), models.DateTimeField())
    if isinstance(field, models.DateField):
        return Cast(Value("-infinity" if low else "infinity"), models.DateField())
    if isinstance(field, INTEGER_FIELDS):
        return Value(SMALLEST_INTEGER if low else LARGEST_INTEGER, output_field=models.IntegerField())
    raise ImproperlyConfigured(f"{field!r} may be empty and sorts a list: give it an end value in keyset._end")


def sortable(expression: Expression, field: models.Field, nulls_low: bool = False, nullable: bool = True) -> Expression:
    """The expression as the keyset compares and sorts it: never null when it may be."""
    if not nullable:
        return expression
    return Coalesce(
        expression, _end(field, nulls_low), output_field=type(field)() if hasattr(field, "model") else field
    )


def keyset_index(
    *columns: str | tuple[str, type[models.Field]], name: str, descending_first: bool = False, nulls_low: bool = False
) -> models.Index:
    """An index serving a keyset order: column names, or (name, field class) for a column that may be empty (its
    empty values sorting below every other when `nulls_low`)."""
    parts = []
    for column in columns:
        if isinstance(column, tuple):
            parts.append(sortable(F(column[0]), column[1](), nulls_low))
        else:
            parts.append(F(column))
    if descending_first:
        parts[0] = parts[0].desc()
    return models.Index(*parts, name=name)


@dataclass(frozen=True)
class Term:
    """One column of the order: what it reads, the field that types it, which way it sorts, where empties go."""

    name: str
    expression: Expression
    field: models.Field
    descending: bool
    nulls_low: bool = False

    @property
    def alias(self) -> str:
        return f"keyset_{self.name.replace('__', '_')}"

    @property
    def label(self) -> str:
        return f"-{self.name}" if self.descending else self.name

    @property
    def nullable(self) -> bool:
        """A column that may be empty, or a value computed for the person (null where it is hidden from them)."""
        return self.field.null or not isinstance(self.expression, F)

    @property
    def has_end_value(self) -> bool:
        """True when empty values can be compared as a value beyond every other (dates, times, whole numbers);
        else (text) as the pair (is empty, value or '')."""
        return not self.nullable or isinstance(self.field, END_VALUED)

    def ordered(self, backwards: bool) -> list[OrderBy]:
        return [OrderBy(part, descending=self.descending != backwards) for part in self.compared()]

    def compared(self) -> list[Expression]:
        if self.has_end_value:
            return [sortable(F(self.alias), self.field, self.nulls_low, self.nullable)]
        empty = IsNull(F(self.alias), not self.nulls_low)  # the flag sorts empty values last (first when low)
        return [empty, Coalesce(F(self.alias), Value(""), output_field=self.field)]

    def value_of(self, value) -> list[Expression]:
        if value is None and not self.nullable:
            raise NotAPosition(self.name)
        if self.has_end_value:
            return [_end(self.field, self.nulls_low) if value is None else Value(value, output_field=self.field)]
        empty = value is None
        flag = Value(not empty if self.nulls_low else empty, output_field=models.BooleanField())
        return [flag, Value("" if empty else value, output_field=self.field)]

    def to_json(self, value):
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        return value

    def from_json(self, value):
        if value is None:
            return None
        if isinstance(value, bool | dict) or (isinstance(value, list) and not isinstance(self.field, ArrayField)):
            raise NotAPosition(self.name)
        try:
            return self.field.to_python(value)
        except (DjangoValidationError, TypeError, ValueError, OverflowError):
            raise NotAPosition(self.name) from None


def _field_along(model: type[models.Model], path: str) -> models.Field:
    field = None
    for name in path.split("__"):
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if field.is_relation and name != path.split("__")[-1]:
            model = field.related_model
    if field.is_relation and not field.concrete:
        raise ImproperlyConfigured(f"{model._meta.label} is ordered by the relation {path}: order by its columns")
    return field


def _nulls_low(item: OrderBy) -> bool:
    """True when the order puts empty values below every other (first going up, last going down)."""
    return bool(item.nulls_last if item.descending else item.nulls_first)


def _term(model: type[models.Model], item, position: int) -> Term:
    """One entry of `order_by` as a term; a relation name (which Django expands to the related model's order,
    through a join) is refused: order by the column (`measure_id`)."""
    if isinstance(item, str):
        descending = item.startswith("-")
        name = item.removeprefix("-")
        field = _field_along(model, name)
        if field.is_relation and name != field.attname:
            raise ImproperlyConfigured(f"{model._meta.label} is ordered by the relation {name}: order by its column")
        return Term(name, F(name), field, descending)
    if isinstance(item, OrderBy):
        inner = item.expression
        if isinstance(inner, F):
            return Term(inner.name, inner, _field_along(model, inner.name), item.descending, _nulls_low(item))
        return Term(f"value{position}", inner, inner.output_field, item.descending, _nulls_low(item))
    if isinstance(item, F):
        return Term(item.name, item, _field_along(model, item.name), False)
    raise ImproperlyConfigured(f"{model._meta.label} is ordered by {item!r}: the keyset cannot follow it")


def _is_unique(model: type[models.Model], terms: list[Term]) -> bool:
    """True when no two rows share the terms' values: one of them is a unique column, or they cover a unique
    constraint of columns that are never empty."""
    names = set()
    for term in terms:
        if not isinstance(term.expression, F) or "__" in term.name:
            continue
        field = term.field
        if field.unique and not field.null:
            return True
        if not field.null:
            names.add(field.name)
    return any(
        set(constraint.fields) <= names
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None
    )


def keyset_order(queryset: models.QuerySet) -> list[Term]:
    """The queryset's order as terms, its key last (in the direction of the last term) unless the order is
    already total."""
    model = queryset.model
    query = queryset.query
    items = list(query.order_by) or (list(model._meta.ordering) if query.default_ordering else [])
    terms = []
    for position, item in enumerate(items):
        term = _term(model, item, position)
        if term.field.primary_key:
            term = Term("pk", F("pk"), term.field, term.descending)
        if term.name not in {t.name for t in terms}:
            terms.append(term)
    if not terms or not _is_unique(model, terms):
        terms.append(Term("pk", F("pk"), model._meta.pk, terms[-1].descending if terms else False))
    return terms


class RowComparison(Expression):
    """`(a, b) > (x, y)` (or `<`, `=`): true or false, never unknown, as its sides are never null."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, left: list[Expression], operator: str, right: list[Expression]) -> None:
        super().__init__()
        self.left, self.operator, self.right = left, operator, right

    def get_source_expressions(self):
        return [*self.left, *self.right]

    def set_source_expressions(self, expressions):
        self.left, self.right = expressions[: len(self.left)], expressions[len(self.left) :]

    def as_sql(self, compiler, connection):
        sides, params = [], []
        for side in (self.left, self.right):
            parts = []
            for expression in side:
                sql, part_params = compiler.compile(expression)
                parts.append(sql)
                params.extend(part_params)
            sides.append(f"({', '.join(parts)})" if len(parts) > 1 else parts[0])
        return f"{sides[0]} {self.operator} {sides[1]}", params


def after(terms: list[Term], values: list, backwards: bool) -> Q:
    """The rows after the position `values` in the order (before it when `backwards`).

    Terms that sort the same way are compared as one row value, which an index on them serves; where the direction
    changes, the comparison goes on among the rows equal so far.
    """
    runs: list[list[tuple[Term, object]]] = []
    for term, value in zip(terms, values, strict=True):
        if runs and runs[-1][0][0].descending == term.descending:
            runs[-1].append((term, value))
        else:
            runs.append([(term, value)])
    condition = None
    for run in reversed(runs):
        left = [part for term, _value in run for part in term.compared()]
        right = [part for term, value in run for part in term.value_of(value)]
        operator = "<" if run[0][0].descending != backwards else ">"
        beyond = Q(RowComparison(left, operator, right))
        condition = beyond if condition is None else beyond | (Q(RowComparison(left, "=", right)) & condition)
    return condition
