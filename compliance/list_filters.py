"""Filters shared by the list pages: free-text search, an item's status, its dates, and company choices.

Their controls speak in words: a menu's empty choice reads "All" (FILTERS_EMPTY_CHOICE_LABEL in the settings), a
yes-or-no filter offers "All / Yes / No", a date is picked with the browser's date control, and a choice among rows
(law articles, safeguard types) is named in the page's language.

Every filter set of a list page or of the API applies each filter to the rows where the person sees the fields it
reads (`compliance.access.where_visible_along`): a filter on another company's internal field never matches its
rows, so that it cannot be used to read that field one value at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from compliance import clock
from compliance.access import is_regulator, where_visible_along
from compliance.choices import ItemStatus
from compliance.i18n import Localized
from compliance.models import Company
from compliance.search import search

NO_STATUS = "none"


class FieldWallFilters:
    """A filter set whose filters match only rows where the person sees the fields they read.

    A filter reads its `field_name`, or the fields it names in `reads` (a search, a filter on several dates).
    """

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        user = getattr(self.request, "user", None)
        for name, value in self.form.cleaned_data.items():
            if value in EMPTY_VALUES:
                continue
            list_filter = self.filters[name]
            for path in getattr(list_filter, "reads", None) or [list_filter.field_name]:
                queryset = queryset.filter(where_visible_along(user, queryset.model, path))
        return queryset


class AllYesNoSelect(forms.NullBooleanSelect):
    """A yes-or-no filter's menu: all rows, yes or no (Django's own says "Unknown" for all rows)."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.choices = [
            ("unknown", pgettext_lazy("filter choice", "All")),
            ("true", pgettext_lazy("filter choice", "Yes")),
            ("false", pgettext_lazy("filter choice", "No")),
        ]


class DateInput(forms.DateInput):
    """The browser's date control; it sends ISO dates, which the field checks as any other."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def choice_label(row: object) -> str:
    """A row as a menu names it, in the page's language: a safeguard type's name, a law article's reference."""
    for attribute in ("name", "reference"):
        if isinstance(getattr(type(row), attribute, None), Localized):
            return str(getattr(row, attribute))
    return str(row)


class LocalizedModelChoiceField(django_filters.fields.ModelChoiceField):
    """A choice among rows, each named in the page's language."""

    def label_from_instance(self, obj: object) -> str:
        return choice_label(obj)


# A choice among more rows than this is typed, not picked from a menu: a menu of 15,000 people or companies is of no
# use to anyone, and takes seconds to render.
MENU_LIMIT = 200


class MenuRowsIterator(ModelChoiceIterator):
    """A menu's choices from the rows its field has read already (`MenuOrTypedField.menu_rows`)."""

    def __iter__(self):
        rows = self.field.menu_rows
        if rows is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in rows:
            yield self.choice(row)

    def __len__(self) -> int:
        rows = self.field.menu_rows
        if rows is None:
            return super().__len__()
        return len(rows) + (self.field.empty_label is not None)


class MenuOrTypedField(LocalizedModelChoiceField):
    """A row picked from a menu by its name while there are few, else typed: its id, or one of `typed_by`.

    Both ways take the same values in the address (the id a menu sends still works when the box replaces the menu),
    so a link made from one page keeps working as the rows grow. A typed value that names no row, or more than
    one, is refused with the form's usual "not one of the available choices".
    """

    iterator = MenuRowsIterator

    def __init__(self, *, queryset: QuerySet, typed_by: Sequence[str], example: str, **kwargs: object) -> None:
        self.typed_by = tuple(typed_by)
        # One read, whatever the rows: the menu's rows, or one more than a menu holds (then a box, without counting).
        self.menu_rows = list(queryset[: MENU_LIMIT + 1])
        if len(self.menu_rows) > MENU_LIMIT:
            self.menu_rows = None
            kwargs["widget"] = code_input(example, by_name=True)
        super().__init__(queryset=queryset, **kwargs)

    @property
    def typed(self) -> bool:
        return isinstance(self.widget, forms.TextInput)

    def to_python(self, value: object) -> object:
        if not self.typed or value in self.empty_values:
            return super().to_python(value)
        text = str(value).strip()
        wanted = Q(pk=int(text)) if text.isascii() and text.isdigit() and len(text) < 19 else Q(pk__in=[])
        for name in self.typed_by:
            wanted |= Q(**{f"{name}__iexact": text})
        matches = list(self.queryset.filter(wanted)[:2])
        if len(matches) != 1:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return matches[0]


class MenuOrTypedChoice(django_filters.ModelChoiceFilter):
    """A filter on one row, chosen by `MenuOrTypedField` (its `typed_by` and `example` given to the filter)."""

    field_class = MenuOrTypedField


class ControlsInWords:
    """A filter set whose controls speak in words: see the module's docstring."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for list_filter in self.filters.values():  # each set's own copies of its filters
            if isinstance(list_filter, django_filters.BooleanFilter):
                list_filter.extra.setdefault("widget", AllYesNoSelect)
            elif isinstance(list_filter, django_filters.DateFilter):
                list_filter.extra.setdefault("widget", DateInput)
            elif _names_choices_by_str(list_filter):
                list_filter.field_class = LocalizedModelChoiceField
            list_filter.__dict__.pop("_field", None)  # made again, with the above


def _names_choices_by_str(list_filter: django_filters.Filter) -> bool:
    """A record chooser that names its choices as Django does by default (a filter may name them its own way)."""
    return (
        isinstance(list_filter, django_filters.ModelChoiceFilter)
        and "widget" not in list_filter.extra
        and list_filter.field_class is django_filters.ModelChoiceFilter.field_class
    )


class FilterSet(FieldWallFilters, ControlsInWords, django_filters.FilterSet):
    """The filter set of a list page."""


class SearchFilter(django_filters.CharFilter):
    """`q`: each word typed must appear in one of the given text fields (partial words, Japanese too)."""

    def __init__(self, *, fields: Sequence[str], **kwargs: object) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(**kwargs)
        self.search_fields = self.reads = tuple(fields)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return search(qs, value, self.search_fields) if value else qs


class StatusFilter(django_filters.ChoiceFilter):
    """A tracked item's status, or "not reported" for an item with none."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("Status"))
        kwargs.setdefault("choices", [*ItemStatus.choices, (NO_STATUS, _("Not reported"))])
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value == NO_STATUS:
            return qs.filter(**{self.field_name: ""})
        return super().filter(qs, value)


class DatesFilter(django_filters.ChoiceFilter):
    """A tracked item with a due date or a window, with none, or past its date and not done."""

    DATED, UNDATED, OVERDUE = "dated", "undated", "overdue"
    reads = ("due_on", "window_end", "status")

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("Dates"))
        kwargs.setdefault(
            "choices",
            [
                (self.DATED, _("With a due date or a window")),
                (self.UNDATED, _("Without a date")),
                (self.OVERDUE, _("Overdue")),
            ],
        )
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        dated = Q(due_on__isnull=False) | Q(window_end__isnull=False)
        if value == self.DATED:
            return qs.filter(dated)
        if value == self.UNDATED:
            return qs.exclude(dated)
        if value == self.OVERDUE:
            today = clock.today()
            return qs.exclude(status=ItemStatus.DONE).filter(Q(due_on__lt=today) | Q(window_end__lt=today))
        return qs


def published_companies(request: HttpRequest | None) -> QuerySet[Company]:
    """Every company the person may see, to filter published lists by."""
    return Company.objects.visible_to(getattr(request, "user", None))


def visible_companies(request: HttpRequest | None) -> QuerySet[Company]:
    """The companies a person may filter private lists by: all for the regulator, their own otherwise."""
    user = getattr(request, "user", None)
    companies = Company.objects.visible_to(user)
    return companies if is_regulator(user) else companies.filter(pk=getattr(user, "company_id", None))


def code_input(example: str, *, by_name: bool = False) -> forms.TextInput:
    """A text box for a code (or, `by_name`, a name or a code): a menu of every company, group or case would not
    scale to thousands of them.

    Its example is in the language of the page that shows it (the box is made once, when its module loads).
    """

    def placeholder() -> str:
        wording = gettext("name or code, e.g. %(example)s") if by_name else gettext("code, e.g. %(example)s")
        return wording % {"example": example}

    return forms.TextInput(attrs={"placeholder": lazy(placeholder, str)()})


def company_filter(*, field_name: str = "company", private: bool = False) -> django_filters.ModelChoiceFilter:
    """A company choice by code: any company for published lists, the person's own for private ones."""
    return django_filters.ModelChoiceFilter(
        label=_("Company"),
        queryset=visible_companies if private else published_companies,
        field_name=field_name,
        to_field_name="code",
        widget=code_input("okinawa"),
    )
