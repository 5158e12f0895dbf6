"""Filtering and ordering in the API: django-filter, with date-times taken to UTC before they reach PostgreSQL.

PostgreSQL refuses UTC offsets beyond ±15:59 that Python accepts (`+20:35`); in UTC every instant is
expressible, and one outside PostgreSQL's range is refused as invalid input, never a server error.

Filters and orderings go through the field wall (`compliance.access`): a filter on a field applies to the rows in
which the person sees it (another company's rows never match a filter on its internal fields), and an ordering
sorts the rows in which the field is hidden from them as if it were empty.

`case` is the one name of the filter by case on every list that belongs to a case (the view names the paths from
its rows to their case in `case_paths`): the rows of the case with that code, and none for a code no case has or
a case the person may not see, as any filter matches nothing for a value no row has.

`ordering` is offered by the lists that name their `ordering_fields`, and takes one of those alone: anything else
is refused with 400 naming the fields it takes (DRF would ignore it).

A filter takes what it is given as given or refuses it with 400: a date is YYYY-MM-DD, a yes-or-no `true` or
`false`, and a parameter named with no value is an error, not "no filter" (django-filter would read other date
formats, ignore a yes-or-no it cannot read and an empty value). A filter naming a related record by id matches
nothing when there is no such record (or none the person may see), as a filter on any other value does.
"""

from __future__ import annotations

import datetime
import re
from typing import ClassVar

from django import forms
from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import IsoDateTimeField
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from compliance.access import as_seen_by
from compliance.list_filters import FieldWallFilters

EARLIEST = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, as the same instant in UTC."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            in_utc = parsed.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(_("That date and time is out of range.")) from None
        if in_utc < EARLIEST:
            raise forms.ValidationError(_("That date and time is out of range."))
        return in_utc


class UtcIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class IsoDateField(forms.DateField):
    """A date as YYYY-MM-DD only."""

    ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not self.ISO_DATE.fullmatch(str(value)):
            raise forms.ValidationError(_("Give a date as YYYY-MM-DD."), code="invalid")
        return super().to_python(value)


class IsoDateFilter(filters.DateFilter):
    field_class = IsoDateField


class TrueOrFalseField(forms.Field):
    """`true` or `false`, nothing else."""

    VALUES = {"true": True, "false": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value not in self.VALUES:
            raise forms.ValidationError(_("Give true or false."), code="invalid")
        return self.VALUES[value]


class TrueOrFalseFilter(filters.BooleanFilter):
    field_class = TrueOrFalseField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", forms.TextInput)  # django-filter's widget reads what it cannot as no filter
        super().__init__(*args, **kwargs)


class WholeNumberFilter(filters.NumberFilter):
    """A whole number: 0.5 is refused, not compared."""

    field_class = forms.IntegerField


WHOLE_NUMBERS = {"filter_class": WholeNumberFilter}


class RelatedIdFilter(WholeNumberFilter):
    """A related record by its id: no such record (or none the person may see) matches nothing."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.pop("queryset", None)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


RELATIONS = {"filter_class": RelatedIdFilter}


class ApiFilterSet(FieldWallFilters, filters.FilterSet):
    """The filter set every API endpoint's `filterset_fields` are built on."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.DateTimeField: {"filter_class": UtcIsoDateTimeFilter},
        models.DateField: {"filter_class": IsoDateFilter},
        models.BooleanField: {"filter_class": TrueOrFalseFilter},
        **dict.fromkeys(
            [models.IntegerField, models.SmallIntegerField, models.PositiveIntegerField, models.BigIntegerField],
            WHOLE_NUMBERS,
        ),
        models.PositiveSmallIntegerField: WHOLE_NUMBERS,
        models.ForeignKey: RELATIONS,
        models.OneToOneField: RELATIONS,
    }

    def is_valid(self) -> bool:
        # Named with no value: django-filter would read it as no filter at all.
        valid = super().is_valid()
        named_empty = [name for name in self.filters if self.data.get(name, None) == ""]
        for name in named_empty:
            self.form.add_error(name, _("Give a value, or leave the parameter out."))
        return valid and not named_empty


class CaseFilter(filters.CharFilter):
    """`case`: the rows of the case with this code, reached along one of `paths` (a row's case, or its item's).

    A case the person may not see is no case (the scoping rule): its code matches nothing, as a code no case has.
    """

    def __init__(self, paths: tuple[str, ...], **kwargs) -> None:
        kwargs.setdefault("label", "The case's code: the rows of that case (none for a code of no case you may see).")
        super().__init__(field_name=f"{paths[0]}__code", **kwargs)
        self.paths = paths
        self.reads = tuple(f"{path}__code" for path in paths)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        user = getattr(self.parent.request, "user", None)
        cases = _related_model(qs.model, self.paths[0]).objects.visible_to(user).filter(code=value)
        of_case = Q()
        for path in self.paths:
            of_case |= Q(**{f"{path}__in": cases})
        if any(_is_many(qs.model, path) for path in self.paths):  # each row once
            return qs.filter(pk__in=qs.model._base_manager.filter(of_case).values("pk"))
        return qs.filter(of_case)


def _steps(model: type[models.Model], path: str):
    for name in path.split("__"):
        field = model._meta.get_field(name)
        yield field
        model = field.related_model


def _related_model(model: type[models.Model], path: str) -> type[models.Model]:
    return list(_steps(model, path))[-1].related_model


def _is_many(model: type[models.Model], path: str) -> bool:
    return any(field.many_to_many or field.one_to_many for field in _steps(model, path))


class ApiFilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, building its filter sets on `ApiFilterSet`, with `case` where the view has
    `case_paths`."""

    filterset_base = ApiFilterSet
    # The filter set class of each view class and model: it depends on the view's class attributes alone, and
    # django-filter would build it again for every request (half a millisecond).
    built: ClassVar[dict[tuple[type, type | None], type | None]] = {}

    def get_filterset_class(self, view, queryset=None):
        key = (type(view), None if queryset is None else queryset.model)
        if key not in self.built:
            self.built[key] = self.build_filterset_class(view, queryset)
        return self.built[key]

    def build_filterset_class(self, view, queryset):
        filterset_class = super().get_filterset_class(view, queryset)
        paths = tuple(getattr(view, "case_paths", ()))
        if filterset_class is None or not paths:
            return filterset_class
        return type(filterset_class.__name__, (filterset_class,), {"case": CaseFilter(paths)})

    def filter_queryset(self, request, queryset, view):
        # A request that names no filter is not filtered: building the filter form would cost it a millisecond.
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or filterset_class.base_filters.keys().isdisjoint(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class ApiOrderingFilter(OrderingFilter):
    """`?ordering=`: one of the view's `ordering_fields` (`-` before it for the reverse), by the values the person
    sees; those hidden from them sort as if empty. Anything else is a 400 naming the fields it takes (DRF would
    ignore it).

    The key breaks ties, in the same direction: without it, rows that tie (every hidden value does) come in the
    order PostgreSQL finds them, which changes when a row is updated, and would tell that it was. One field and the
    key is an order an index serves, page after page (`compliance.keyset`).
    """

    def get_valid_fields(self, queryset, view, context=None) -> list[tuple[str, str]]:
        return [(name, name) for name in getattr(view, "ordering_fields", None) or []]

    def get_ordering(self, request, queryset, view):
        given = request.query_params.get(self.ordering_param)
        if given is None:
            return self.get_default_ordering(view)
        allowed = [name for name, _label in self.get_valid_fields(queryset, view)]
        if not allowed or given.strip().removeprefix("-") not in allowed:
            choices = ", ".join(allowed) or "—"
            message = _("Order by one of %(fields)s; put - before it for the reverse order.")
            raise ValidationError({self.ordering_param: [message % {"fields": choices}]})
        term = given.strip()
        return [term, "-pk" if term.startswith("-") else "pk"]

    def get_schema_operation_parameters(self, view) -> list[dict]:
        fields = getattr(view, "ordering_fields", None)
        if not fields:
            return []
        choice = "|".join(re.escape(name) for name in fields)
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Order by one of {', '.join(f'`{name}`' for name in fields)}; `-` before it reverses the order. "
                    "Rows that tie come in the order of their key; an empty value sorts last, or first in reverse."
                ),
                "schema": {"type": "string", "pattern": f"^-?({choice})$"},
            }
        ]

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*(self._as_seen(request.user, queryset.model, term) for term in ordering))

    @staticmethod
    def _as_seen(user, model, term: str):
        shown = as_seen_by(user, model, term.removeprefix("-"))
        if isinstance(shown, F):
            return term
        return shown.desc() if term.startswith("-") else shown.asc()
