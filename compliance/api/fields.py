"""API fields shared by every app: dates as Japanese users type them, to-many relations read from plain lists."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import F, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.relations import Hyperlink
from rest_framework.reverse import reverse

from compliance.api import lookups
from compliance.eras import parse_era_date
from compliance.forms import normalise
from compliance.validators import DATE_VALIDATORS


class TextField(serializers.CharField):
    """Text, given as a JSON string: a number or a yes-or-no is refused, not turned into text."""

    default_error_messages = {"invalid": _("Give text, as a JSON string.")}

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CodeTextField(TextField, serializers.SlugField):
    """A code (letters, digits, `-`, `_`), given as a JSON string."""


class TrueOrFalseField(serializers.BooleanField):
    """`true` or `false` as JSON writes them: 0, 1, "yes" or "true" as text are refused, never read as a boolean."""

    default_error_messages = {"invalid": _("Give true or false.")}

    def to_internal_value(self, data: object) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid")


class JapaneseDateField(serializers.DateField):
    """An ISO date, or 2026/03/01, 2026年3月1日, 令和8年3月1日, full-width digits included; within the range the product
    accepts."""

    default_validators = DATE_VALIDATORS

    def to_internal_value(self, value: object) -> datetime.date:
        if isinstance(value, str):
            value = normalise(value)
            try:
                era_date = parse_era_date(value)
            except ValueError:
                self.fail("invalid", format="YYYY-MM-DD")
            if era_date is not None:
                return era_date
            for pattern in ("%Y/%m/%d", "%Y年%m月%d日"):
                try:
                    return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date, no time)
                except ValueError:
                    continue
        return super().to_internal_value(value)


def listed_name(relation: str) -> str:
    return f"{relation}_listed"


def listed(relation: str, queryset: QuerySet | None = None) -> Prefetch:
    """Prefetch a to-many relation as a plain list on each row, for `listed_many` to read.

    A prefetch kept in the relation's manager costs a queryset built per row (about 60 µs each: 50 ms for a
    page of 100 findings with three relations); a plain list costs nothing.
    """
    return Prefetch(relation, queryset=queryset, to_attr=listed_name(relation))


def codes_of(queryset: QuerySet, *paths: str) -> QuerySet:
    """`queryset` with the related rows along `paths` joined, read for their key, their code and the key that joins
    the next: what a list shows of them (a code, a link by codes). Their other columns (a case's summary, a
    company's names) are left in the database: a page of 100 rows carried 150 kB of them."""
    deferred = []
    for path in paths:
        model, names = queryset.model, path.split("__")
        for depth, name in enumerate(names):
            model = model._meta.get_field(name).related_model
            prefix, following = "__".join(names[: depth + 1]), names[depth + 1 : depth + 2]
            kept = {model._meta.pk.name, "code", *following}
            deferred += [f"{prefix}__{field.name}" for field in model._meta.concrete_fields if field.name not in kept]
    return queryset.select_related(*paths).defer(*deferred)


def along_name(*names: str) -> str:
    """The name a value read along a relation path is annotated under: the path with dots (`measure.finding.code`)."""
    return ".".join(names)


def codes_along(queryset: QuerySet, *paths: str) -> QuerySet:
    """`queryset` with the code of each related row along `paths` read with the row, under its `along_name`
    (`measure__finding__case` gives `measure.code`, `measure.finding.code`, `measure.finding.case.code`): what a
    list shows of them (codes, links by codes), read by `ColumnsReadOnce` without a record built for each related
    row (4 of them for each implementation: 4 ms of a page of 100)."""
    codes = {}
    for path in paths:
        names = path.split("__")
        for depth in range(1, len(names) + 1):
            codes[along_name(*names[:depth], "code")] = F("__".join([*names[:depth], "code"]))
    return queryset.annotate(**codes)


def _related(model: type[models.Model], relation: str) -> tuple[type[models.Model], str, bool]:
    """The model a to-many `relation` of `model` holds, the lookup from its rows back to `model`, and whether that
    lookup is a column of theirs (a foreign key, not a table between)."""
    field = model._meta.get_field(relation)
    if field.one_to_many:
        return field.related_model, field.field.name, True
    return field.related_model, field.related_query_name(), False


def listed_columns(model: type[models.Model], relation: str, *columns: str, rows: QuerySet | None = None) -> Prefetch:
    """`listed(relation)` reading of each related row its key and `columns` alone (and its key to `model`, by which
    the prefetch hands the rows out), from `rows` (all of them by default): for a relation shown as links."""
    related, back, back_is_column = _related(model, relation)
    rows = related._default_manager.all() if rows is None else rows
    return listed(relation, rows.only(related._meta.pk.name, *columns, *([back] if back_is_column else [])))


def codes_listed(model: type[models.Model], *relations: str) -> dict[str, ArraySubquery]:
    """For each to-many relation of `model` shown by codes (`code_list`): the codes of its rows, in their model's
    order, read with the row itself as one array, under the name `listed()` gives. Instead of a record built for
    each related row: a page of 100 regulatory actions named 1,500 companies, 15 ms of building them."""
    arrays = {}
    for relation in relations:
        related, back, _column = _related(model, relation)
        rows = related._default_manager.filter(**{back: OuterRef("pk")})
        order = related._meta.ordering or [related._meta.pk.name]
        arrays[listed_name(relation)] = ArraySubquery(rows.order_by(*order).values("code"))
    return arrays


class ListedManyRelatedField(serializers.ManyRelatedField):
    """A to-many field reading the list `listed()` prefetched, or the relation itself when nothing was."""

    def get_attribute(self, instance: object) -> object:
        prefetched = getattr(instance, listed_name(self.source), None)
        return prefetched if prefetched is not None else super().get_attribute(instance)


class CodeListField(ListedManyRelatedField):
    """A to-many relation shown as the codes of its rows: read as `codes_listed` gives them, or from the rows."""

    def to_representation(self, iterable) -> list[str]:
        return [item if type(item) is str else self.child_relation.to_representation(item) for item in iterable]


def listed_many(child: serializers.RelatedField) -> ListedManyRelatedField:
    """A read-only to-many field showing each related row as `child` does."""
    return ListedManyRelatedField(child_relation=child, read_only=True)


class ReversedOncePerRequest:
    """Links to records built from one reversed URL per view and request, the record's key filled in.

    Django's `reverse()` costs about 40 µs; a page of 100 rows with two links each spent 8 ms in it. A key made of
    ids and codes (which need no quoting in a URL) is filled into the URL reversed once with placeholders; any other
    key is reversed as usual. The key is the one `compliance.api.lookups` gives the route: a link to a finding reads
    `/findings/{case}/{code}/`.
    """

    PLACEHOLDER = 987654321987654321
    PLAIN = re.compile(r"^[-a-zA-Z0-9_]+\Z")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reverse = self.reverse_once  # DRF sets `reverse` on each field instance

    @property
    def lookup_fields(self) -> tuple[str, ...]:
        """The fields of the linked record's key: its route's, or the field's own `lookup_field`."""
        fields = self.__dict__.get("_lookup_fields")
        if fields is None:
            fields = self._lookup_fields = lookups.route_lookup(self.view_name) or (self.lookup_field,)
        return fields

    @classmethod
    def is_plain(cls, value: object) -> bool:
        """Whether `value` goes into a URL as it is written: an id, or a code of letters, digits, `-` and `_`."""
        return type(value) is int or (type(value) is str and cls.PLAIN.match(value) is not None)

    @classmethod
    def reverse_once(cls, viewname, *args, kwargs=None, request=None, format=None, **extra):
        if request is None or format is not None or args or extra or not kwargs:
            return reverse(viewname, *args, kwargs=kwargs, request=request, format=format, **extra)
        return cls.filled(viewname, tuple(kwargs), tuple(kwargs.values()), request)

    @classmethod
    def filled(cls, viewname: str, names: tuple[str, ...], values: tuple, request) -> str:
        """The URL of `viewname` with the segments `names` set to `values`: filled into its format string when every
        value goes in as it is written, else reversed (and quoted) by Django."""
        if all(cls.is_plain(value) for value in values):
            return cls.url_format(viewname, names, request).format(*values)
        return reverse(viewname, kwargs=dict(zip(names, values, strict=True)), request=request)

    @classmethod
    def url_format(cls, viewname: str, names: tuple[str, ...], request) -> str:
        """The URL of `viewname` as a format string taking the values of the segments `names`, in that order:
        reversed once per request, with placeholders, and cut at each."""
        formats = request.__dict__.get("_url_formats")
        if formats is None:
            formats = request._url_formats = {}
        url_format = formats.get((viewname, names))
        if url_format is None:
            placeholders = {str(cls.PLACEHOLDER + position): position for position in range(len(names))}
            url = reverse(viewname, kwargs=dict(zip(names, placeholders, strict=True)), request=request)
            pattern = "|".join(re.escape(placeholder) for placeholder in placeholders)
            url_format = formats[(viewname, names)] = "".join(
                f"{{{placeholders[piece]}}}" if index % 2 else piece.replace("{", "{{").replace("}", "}}")
                for index, piece in enumerate(re.split(f"({pattern})", url))
            )
        return url_format

    def get_url(self, obj, view_name, request, format):
        """The link to `obj`, by its key (None for a record not saved)."""
        if obj.pk in (None, ""):
            return None
        return self.reverse(view_name, kwargs=lookups.key_of(obj, self.lookup_fields), request=request, format=format)

    @property
    def context_once(self) -> dict:
        """The serializer's context, found by walking up the serializers once per field rather than once per row."""
        context = self.__dict__.get("_context")
        if context is None:
            context = self._context = self.context
        return context

    def links_by_key(self) -> Callable[[tuple], str] | None:
        """A function giving the link to a record from the values of its key (`lookup_fields`, in order), for a
        field that links as this class does; None for one that links its own way, or without a request."""
        own = ReversedOncePerRequest
        if type(self).get_url is not own.get_url or type(self).to_representation is not own.to_representation:
            return None
        context = self.context_once
        request, format = context.get("request"), context.get("format")
        if request is None:
            return None
        names, view_name = tuple(lookups.url_kwargs(self.lookup_fields)), self.view_name
        if format:  # a URL with a format suffix, reversed by Django each time
            return lambda values: reverse(view_name, kwargs=dict(zip(names, values, strict=True)), request=request,
                                          format=format)  # fmt: skip
        return lambda values: self.filled(view_name, names, values, request)

    def to_representation(self, value):
        """The link to the record `value`, as DRF gives it, without DRF's detours."""
        context = self.context_once
        request = context.get("request")
        if request is None or context.get("format"):
            return super().to_representation(value)
        url = self.get_url(value, self.view_name, request, None)
        return None if url is None else Hyperlink(url, value)


class HyperlinkedRelatedField(ReversedOncePerRequest, serializers.HyperlinkedRelatedField):
    """DRF's link to a related record, reversed once per request."""

    def use_pk_only_optimization(self) -> bool:
        # A record addressed by its id needs its id alone; one addressed by codes, the related rows they are on.
        return self.lookup_fields == ("pk",)


class HyperlinkedIdentityField(ReversedOncePerRequest, serializers.HyperlinkedIdentityField):
    """DRF's link to the record itself, reversed once per request."""


class FileLinkField(HyperlinkedIdentityField):
    """The link to a record's file: the same URL whatever format the record was read in (a file has no format)."""

    def get_url(self, obj, view_name, request, format):
        return super().get_url(obj, view_name, request, None)
