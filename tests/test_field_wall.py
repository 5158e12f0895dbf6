"""The wall inside a record: an officer sees another company's record only as far as compliance/visibility.py allows.

Rows are walled in tests/test_information_wall.py; here, fields. Kansai's retailer reads the T&D operator's
implementations (published content: the measures each company carries out), but not what is internal to its
sister company: the live status and dates, approved deadline changes, reporting duties, the version, and what is
computed from them (slippage, the standing of reporting). Everything here is generated from `visibility.FIELDS`,
the API's router and serializers, and the pages' URL classes, so that a new field, endpoint, filter, ordering,
page or export is covered without a word added here:

- distinctive values are planted in every INTERNAL or RESTRICTED field of another company's records (and, through
  the services, an approved deadline change and a reporting duty);
- every page, export, API list, detail, filter and ordering the officer can reach and the calendar feed are read
  before and after planting: they must not change at all, and none may show a planted value;
- in the API, every field of another company's record that is not PUBLIC is null, and the schema says it may be.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework import serializers as drf_serializers

from cases.filtersets import IncidentFilterSet
from cases.models import Case, Incident
from compliance import access
from compliance.access import Scoped
from compliance.choices import ReportingEvery, Role
from compliance.eras import format_era_date
from compliance.models import Company, User
from compliance.visibility import DERIVED, FIELDS, Visibility, visibility_of
from config.api_urls import router
from remediation import calendar
from remediation.filtersets import (
    DeadlineChangeFilterSet,
    ImplementationFilterSet,
    OpenItemFilterSet,
    ProgressUpdateFilterSet,
    ReminderFilterSet,
)
from remediation.models import Implementation
from remediation.services.deadline_changes import deadline_change_decide, deadline_change_request
from remediation.services.reporting_duties import reporting_duty_set
from tests.conftest import make_person, signed_in
from tests.test_information_wall import ACCOUNT, LISTS_WITH_PRIVATE_ROWS, PERSONAL, PUBLISHED

pytestmark = pytest.mark.django_db

VIEWER, OTHER = "kansai-retail", "kansai-td"
# The years of the planted dates: no other date of the case comes near them.
PLANTED_FROM = datetime.date(2287, 1, 9)
PLANTED_NUMBER = 486113
# The window of the physical split, moved by an approved deadline change, and a reporting duty counted from a day.
MOVED_WINDOW_END = datetime.date(2290, 7, 17)
REPORTING_SINCE = datetime.date(2289, 10, 23)
SEARCHABLE_NUMBER = 10_000


# --- Who a record concerns, said independently of the product's rule -------------------------------------------


def concerned_companies(record: models.Model) -> set[int] | None:
    """The companies a record belongs to (its INTERNAL fields are theirs), or None for a record of no company."""
    if isinstance(record, Incident):
        return set(record.pair.companies.values_list("pk", flat=True))
    company_id = getattr(record, "company_id", None)
    return None if company_id is None else {company_id}


def is_others(record: models.Model, company: Company) -> bool:
    concerned = concerned_companies(record)
    return concerned is not None and company.pk not in concerned


# --- Planting: a distinctive value in every non-public field, generated from visibility.FIELDS ------------------


@dataclass
class Planted:
    """What was planted: the records, and the texts that must never reach the viewer."""

    records: list[models.Model] = field(default_factory=list)
    texts: set[str] = field(default_factory=set)
    numbers: set[int] = field(default_factory=set)

    def add_date(self, day: datetime.date) -> None:
        self.texts |= {day.isoformat(), day.strftime("%Y-%m"), format_era_date(day)}


def non_public_columns(model: type[models.Model]) -> list[models.Field]:
    """The model's concrete fields that are not PUBLIC, by `visibility.FIELDS`, keys and relations left aside."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not f.is_relation and visibility_of(model, f.name) != Visibility.PUBLIC
    ]


def plant(record: models.Model, planted: Planted, start: datetime.date, number: int) -> None:
    """Give every non-public field of `record` a value of its type that nothing else in the product holds."""
    model, values, day = type(record), {}, start
    for column in non_public_columns(model):
        current = getattr(record, column.attname)
        if column.choices:
            values[column.attname] = next(value for value, _ in column.flatchoices if value and value != current)
        elif isinstance(column, models.DateTimeField):
            values[column.attname] = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
            planted.add_date(day)
            day += datetime.timedelta(days=41)
        elif isinstance(column, models.DateField):
            # In field order, so that a window's start comes before its end.
            values[column.attname] = day
            planted.add_date(day)
            day += datetime.timedelta(days=41)
        elif isinstance(column, models.BooleanField):
            values[column.attname] = not current
        elif isinstance(column, models.IntegerField):
            values[column.attname] = number
            planted.numbers.add(number)
            number += 1
        else:
            values[column.attname] = text = f"PLANTED-{model.__name__}-{column.name}-PLANTED"
            planted.texts.add(text)
    model.objects.filter(pk=record.pk).update(**values)
    record.refresh_from_db()
    slippage = getattr(record, "slippage_days", None)
    if slippage is not None and abs(slippage) >= SEARCHABLE_NUMBER:  # a small number is found anywhere
        planted.numbers.add(abs(slippage))
    planted.records.append(record)


def plant_through_the_services(item: Implementation, planted: Planted, officer: User, regulator: User) -> None:
    """The probe that found the leak: an approved deadline change and a reporting duty on the sister's item."""
    change = deadline_change_request(
        actor=officer, item=item, item_version=item.version, proposed=MOVED_WINDOW_END, reason="moved"
    )
    deadline_change_decide(actor=regulator, change=change, change_version=change.version, approve=True)
    item.refresh_from_db()
    reporting_duty_set(
        actor=regulator, item=item, item_version=item.version, every=ReportingEvery.MONTHLY, since=REPORTING_SINCE
    )
    item.refresh_from_db()
    planted.add_date(MOVED_WINDOW_END)
    planted.add_date(REPORTING_SINCE)
    planted.numbers.add(item.slippage_days)
    planted.records.append(item)


@dataclass
class World:
    case: Case
    viewer: User
    owner: User
    regulator: User
    other_items: list[models.Model]
    feed_token: str


@pytest.fixture
def world(case) -> World:
    viewer = make_person("officer-viewer", Role.COMPANY_OFFICER, Company.objects.get(code=VIEWER))
    owner = make_person("officer-owner", Role.COMPANY_OFFICER, Company.objects.get(code=OTHER))
    regulator = make_person("regulator-planter", Role.REGULATOR_STAFF)
    windowed = Implementation.objects.filter(company=owner.company, window_end__isnull=False).order_by("pk").first()
    dated_or_not = Implementation.objects.filter(company=owner.company).exclude(pk=windowed.pk).order_by("pk")
    far_incident = (
        Incident.objects.filter(pair__case=case, described_in_report=True)
        .exclude(pair__companies=viewer.company)
        .order_by("pk")
        .first()
    )
    return World(
        case=case,
        viewer=viewer,
        owner=owner,
        regulator=regulator,
        other_items=[windowed, *dated_or_not[:2], far_incident],
        feed_token=calendar.calendar_feed_issue(actor=viewer),
    )


def plant_everything(world: World) -> Planted:
    planted = Planted()
    windowed, *generated = world.other_items
    plant_through_the_services(windowed, planted, world.owner, world.regulator)
    for i, record in enumerate(generated):
        plant(record, planted, PLANTED_FROM + datetime.timedelta(days=300 * i), PLANTED_NUMBER + 10 * i)
    return planted


# --- Everything the viewer can reach: pages, their exports, the API, the calendar feed --------------------------

# Named URLs that carry no company data or are tried elsewhere: the API (from its router, below), the public portal
# and health checks (no sign-in), the schema, signing in and out.
NOT_PAGES = {"api_schema", "api_docs", "public:case_list", "public:case_detail", "public:language", "healthz", "readyz"}
NOT_PAGES |= ACCOUNT - {"remediation:preferences", "remediation:home"}


def item_urls(world: World) -> list[str]:
    own = Implementation.objects.filter(company=world.viewer.company).order_by("pk").first()
    return [own.get_tracking_url(), *(item.get_tracking_url() for item in world.other_items)]


PAGES = {
    "cases:case_list": lambda w: [reverse("cases:case_list")],
    "cases:case_detail": lambda w: [w.case.get_absolute_url()],
    "cases:finding_list": lambda w: [reverse("cases:finding_list", args=[w.case.code])],
    "cases:finding_detail": lambda w: [i.measure.finding.get_absolute_url() for i in w.other_items[:3]],
    "remediation:measure_detail": lambda w: [i.measure.get_absolute_url() for i in w.other_items[:3]],
    "cases:incident_list": lambda w: [reverse("cases:incident_list", args=[w.case.code])],
    "cases:incident_detail": lambda w: [w.other_items[-1].get_absolute_url()],
    "remediation:company_list": lambda w: [reverse("remediation:company_list")],
    "remediation:company_detail": lambda w: [
        reverse("remediation:company_detail", args=[code]) for code in (OTHER, VIEWER, "kyushu-td")
    ],
    "remediation:implementation_list": lambda w: [
        reverse("remediation:implementation_list") + suffix for suffix in ("", "?page=2", f"?company={OTHER}")
    ],
    "remediation:open_item_list": lambda w: [reverse("remediation:open_item_list", args=[w.case.code])],
    "remediation:item_detail": item_urls,
    "remediation:my_items": lambda w: [reverse("remediation:my_items")],
    "remediation:home": lambda w: [reverse("remediation:home")],
    "remediation:preferences": lambda w: [reverse("remediation:preferences")],
    "remediation:progress_update_list": lambda w: [reverse("remediation:progress_update_list")],
    "remediation:deadline_change_list": lambda w: [reverse("remediation:deadline_change_list")],
    "remediation:reminder_list": lambda w: [reverse("remediation:reminder_list")],
    "remediation:calendar_feed": lambda w: [reverse("remediation:calendar_feed")],
    "remediation:calendar_feed_ics": lambda w: [reverse("remediation:calendar_feed_ics", args=[w.feed_token])],
}
# Each list page's filters, tried with every choice they offer.
PAGE_FILTERS = {
    "remediation:implementation_list": [ImplementationFilterSet],
    "remediation:open_item_list": [OpenItemFilterSet, IncidentFilterSet],
    "cases:incident_list": [IncidentFilterSet],
    "remediation:progress_update_list": [ProgressUpdateFilterSet],
    "remediation:deadline_change_list": [DeadlineChangeFilterSet],
    "remediation:reminder_list": [ReminderFilterSet],
}


def filter_probes(filtersets) -> list[str]:
    """`?name=value` for every choice of every choice filter of the filter sets."""
    probes = []
    for filterset in filtersets:
        for name, list_filter in filterset.base_filters.items():
            choices = list_filter.extra.get("choices")
            if choices:
                probes += [f"?{name}={value}" for value, _ in choices if value]
    return sorted(set(probes))


def page_urls(world: World) -> list[str]:
    urls = []
    for name, build in PAGES.items():
        built = build(world)
        urls += built
        urls += [built[0] + probe for probe in filter_probes(PAGE_FILTERS.get(name, []))]
    return urls


def api_basenames() -> list[tuple[str, type]]:
    return [(basename or router.get_default_basename(viewset), viewset) for _, viewset, basename in router.registry]


def resolve(model: type[models.Model], path: str) -> tuple[type[models.Model], models.Field | None]:
    """The model field a `__`-separated path (a filter's or an ordering's) ends at, and the model holding it."""
    column = None
    for name in path.split("__"):
        column = model._meta.get_field(name)
        if column.is_relation and name != path.split("__")[-1]:
            model = column.related_model
    return model, column


def probe_values(column: models.Field | None, lookup: str) -> list[str]:
    """Values that would tell a planted row from the others, for a filter on `column`."""
    if column is None:
        return []
    if column.choices:
        return [value for value, _ in column.flatchoices if value]
    if isinstance(column, models.DateTimeField | models.DateField):
        return ["2200-01-01"] if lookup == "gte" else ["2200-01-01", "2300-01-01"]
    if isinstance(column, models.BooleanField):
        return ["true", "false"]
    return []


def api_urls(world: World) -> list[str]:
    urls = []
    for basename, viewset in api_basenames():
        base = reverse(f"api:{basename}-list")
        urls.append(base + "?page_size=500")
        model = viewset.queryset.model if viewset.queryset is not None else None
        if model is None:
            continue
        for record in world.other_items:
            if type(record) is model:
                urls.append(reverse(f"api:{basename}-detail", args=[record.pk]))
        declared = getattr(viewset, "filterset_fields", None) or {}
        if not isinstance(declared, dict):
            declared = {path: ["exact"] for path in declared}
        for path, lookups in declared.items():
            _, column = resolve(model, path)
            for lookup in lookups:
                param = path if lookup == "exact" else f"{path}__{lookup}"
                urls += [f"{base}?page_size=500&{param}={value}" for value in probe_values(column, lookup)]
        for name in getattr(viewset, "ordering_fields", None) or []:
            urls += [f"{base}?page_size=500&ordering={name}", f"{base}?page_size=500&ordering=-{name}"]
    return urls


def test_every_page_an_officer_can_reach_is_read_here():
    """A new page (a published one, or a list with private rows) fails here until it is added to PAGES."""
    reachable = {name for name in PUBLISHED | set(LISTS_WITH_PRIVATE_ROWS) | PERSONAL | ACCOUNT}
    reachable = {name for name in reachable if not name.startswith("api:")} - NOT_PAGES
    assert reachable - set(PAGES) == set(), "add these pages to PAGES"


# --- Reading: every response, made comparable ------------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
STAMP = re.compile(r"^DTSTAMP:.*$", re.M)


def readable(response) -> str:
    """A response as comparable text: its status, its headers that carry data, its body (exports as their cells)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/vnd.openxmlformats"):
        rows = load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)
        text = "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)
    elif kind.startswith("application/json"):
        text = json.dumps(json.loads(content), ensure_ascii=False, indent=1, sort_keys=True)
    else:
        text = STAMP.sub("", CSRF.sub("", content.decode("utf-8", "replace")))
    named = ("ETag", "Location", "Content-Disposition")
    headers = {name: response.get(name) for name in named if response.has_header(name)}
    return f"{response.status_code} {headers}\n{text}"


EXPORT_LINK = re.compile(r'href="([^"]*format=(?:csv|xlsx)[^"]*)"')


def read_everything(client, urls: list[str]) -> dict[str, str]:
    """Every URL, and every export its page links to."""
    seen: dict[str, str] = {}
    for url in urls:
        response = client.get(url)
        seen[url] = readable(response)
        path = url.split("?")[0]
        for link in EXPORT_LINK.findall(seen[url]):
            export = path + link.replace("&amp;", "&") if link.startswith("?") else link.replace("&amp;", "&")
            if export not in seen:
                seen[export] = readable(client.get(export))
    return seen


def planted_in(text: str, planted: Planted) -> list[str]:
    found = [value for value in planted.texts if value in text]
    return found + [str(n) for n in planted.numbers if re.search(rf"(?<!\d){n}(?!\d)", text)]


@pytest.mark.dates
def test_nothing_internal_of_another_company_reaches_an_officer(world):
    client = signed_in(world.viewer, second_factor=False)
    urls = page_urls(world) + api_urls(world)
    before = read_everything(client, urls)
    planted = plant_everything(world)
    after = read_everything(client, urls)

    leaks = {url: planted_in(text, planted) for url, text in after.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
    changed = [url for url in before if before[url] != after.get(url)]
    assert changed == [], f"another company's internal fields changed what its sister's officer sees: {changed}"

    # The planted values do reach the company that owns them and the regulator: the search above finds them.
    for person in (world.owner, world.regulator):
        seen = read_everything(signed_in(person), urls)  # the regulator's API needs a verified second factor
        shown = {value for text in seen.values() for value in planted_in(text, planted)}
        assert {MOVED_WINDOW_END.isoformat(), REPORTING_SINCE.isoformat()} <= shown, person
        assert str(PLANTED_NUMBER) in shown, person


# --- The API: every field of another company's record that is not PUBLIC is null --------------------------------


def field_class(model: type[models.Model], serializer_field: drf_serializers.Field) -> Visibility | None:
    """The class of what a serializer field shows, by `visibility.FIELDS` and `visibility.DERIVED`.

    None for a reverse relation (a list of other records, each behind the row wall).
    """
    if isinstance(serializer_field, drf_serializers.HyperlinkedIdentityField):
        return visibility_of(model, "id")
    derived = DERIVED.get(model._meta.label, {}).get(serializer_field.field_name)
    if derived is not None:
        return max((visibility_of(model, name) for name in derived), key=VISIBILITY_ORDER.index)
    classes = []
    for name in serializer_field.source.split("."):
        column = model._meta.get_field(name)
        if not column.concrete and not column.many_to_many:
            return None
        classes.append(visibility_of(model, name))
        model = column.related_model or model
    return max(classes, key=VISIBILITY_ORDER.index)


VISIBILITY_ORDER = [Visibility.PUBLIC, Visibility.INTERNAL, Visibility.RESTRICTED]


def readable_serializers():
    for basename, viewset in api_basenames():
        serializer_class = viewset.serializer_class
        meta = getattr(serializer_class, "Meta", None)
        if meta is not None and getattr(meta, "model", None) and meta.model._meta.label in FIELDS:
            yield basename, meta.model, serializer_class


def test_every_field_the_api_shows_is_classified():
    """A serializer field must say what it shows: a classified field, or a value `visibility.DERIVED` computes."""
    unclassified = []
    for basename, model, serializer_class in readable_serializers():
        for name, serializer_field in serializer_class().fields.items():
            try:
                field_class(model, serializer_field)
            except (KeyError, FieldDoesNotExist) as error:
                unclassified.append(f"{basename}.{name}: {error}")
    assert unclassified == []


@pytest.mark.dates
def test_the_api_shows_another_companys_internal_fields_as_null(world):
    plant_everything(world)
    client = signed_in(world.viewer, second_factor=False)
    checked = 0
    for basename, model, serializer_class in readable_serializers():
        hidden = [
            name
            for name, f in serializer_class().fields.items()
            if field_class(model, f) not in (None, Visibility.PUBLIC)
        ]
        rows = client.get(reverse(f"api:{basename}-list"), {"page_size": 500}).json().get("results", [])
        records = model.objects.in_bulk([row["id"] for row in rows])
        for row in rows:
            if not is_others(records[row["id"]], world.viewer.company):
                continue
            detail = client.get(reverse(f"api:{basename}-detail", args=[row["id"]]))
            assert "ETag" not in detail or "version" not in hidden, (basename, row["id"])
            for shown in (row, detail.json()):
                leaked = {name: shown[name] for name in hidden if shown.get(name) is not None}
                assert leaked == {}, (basename, row["id"])
            checked += 1
    assert checked >= len(world.other_items)


def test_the_schema_says_hidden_fields_may_be_null(world, regulator_client):
    """Where an officer reads other companies' records, the schema marks every field the wall may hide nullable."""
    schema = regulator_client.get(reverse("api_schema"), {"format": "json"}).json()["components"]["schemas"]
    missing = []
    for _, model, serializer_class in readable_serializers():
        readable = model.objects.visible_to(world.viewer) if issubclass(model, Scoped) else model.objects.none()
        if not any(is_others(record, world.viewer.company) for record in readable):
            continue
        properties = schema[serializer_class.__name__.removesuffix("Serializer")]["properties"]
        for name, serializer_field in serializer_class().fields.items():
            if field_class(model, serializer_field) in (None, Visibility.PUBLIC):
                continue
            described = json.dumps(properties[name])
            if '"nullable": true' not in described and "NullEnum" not in described:
                missing.append(f"{model.__name__}.{name}")
    assert missing == []


# --- The rule itself: what is shown once published, filters, orderings, and records read with fields hidden -------


@pytest.mark.dates
def test_once_the_case_status_is_published_an_officer_sees_what_the_portal_shows(world):
    """The portal shows each implementation's status and current dates once the regulator publishes them."""
    windowed = world.other_items[0]
    plant_through_the_services(windowed, Planted(), world.owner, world.regulator)
    Case.objects.filter(pk=world.case.pk).update(status_public=True)
    shown = signed_in(world.viewer, second_factor=False).get(reverse("api:implementation-detail", args=[windowed.pk]))
    body = shown.json()
    assert (body["status"], body["window_end"]) == (windowed.status, MOVED_WINDOW_END.isoformat())
    assert body["slippage_days"] == windowed.slippage_days  # computed from published dates only
    assert (body["version"], body["reporting_duty"]) == (None, None)
    assert "ETag" not in shown
    assert access.may_see_field(world.viewer, windowed, "window_end")
    assert not access.may_see_field(world.viewer, windowed, "reporting_every")


@pytest.mark.dates
def test_filters_on_internal_fields_match_the_officers_own_rows_only(world):
    windowed = world.other_items[0]
    plant_through_the_services(windowed, Planted(), world.owner, world.regulator)
    own = Implementation.objects.filter(company=world.viewer.company).exclude(status="done").order_by("pk").first()
    reporting_duty_set(actor=world.regulator, item=own, item_version=own.version, every=ReportingEvery.MONTHLY)
    url = reverse("api:implementation-list")

    def found(person, **params) -> set[int]:
        rows = signed_in(person).get(url, {"page_size": 500, **params}).json()["results"]
        return {row["id"] for row in rows}

    assert found(world.viewer, reporting_every="monthly") == {own.pk}
    assert found(world.owner, reporting_every="monthly") == {windowed.pk}
    assert found(world.regulator, reporting_every="monthly") == {own.pk, windowed.pk}
    assert windowed.pk not in found(world.viewer, window_end__gte="2290-01-01")
    assert found(world.owner, window_end__gte="2290-01-01") == {windowed.pk}
    # Another company's hidden dates sort as if empty (after every date, ascending), then by key.
    ordered = signed_in(world.viewer).get(url, {"page_size": 500, "ordering": "window_end"})
    rows = ordered.json()["results"]
    empty = [row["id"] for row in rows if row["window_end"] is None]
    assert [row["id"] for row in rows[-len(empty) :]] == sorted(empty) and windowed.pk in empty


def test_the_rule_for_one_record(world):
    windowed = world.other_items[0]
    own = Implementation.objects.filter(company=world.viewer.company).first()
    every = {f.name for f in Implementation._meta.concrete_fields}
    assert set(access.visible_fields(world.regulator, windowed)) == every
    assert set(access.visible_fields(world.owner, windowed)) == every
    assert set(access.visible_fields(world.viewer, windowed)) == {
        name for name in every if visibility_of(Implementation, name) == Visibility.PUBLIC
    }
    assert access.may_see_field(world.viewer, own, "reporting_every")
    assert not access.may_see_field(world.viewer, windowed, "slippage_days")


def test_a_record_read_with_fields_hidden_cannot_be_saved(world):
    windowed = Implementation.objects.visible_to(world.viewer).get(pk=world.other_items[0].pk)
    assert windowed.status is None and "status" in windowed.hidden_fields
    with pytest.raises(ValueError, match="hidden"):
        windowed.save()
    windowed.refresh_from_db()
    assert Implementation.objects.get(pk=windowed.pk).status == world.other_items[0].status
