"""Every API list pages by cursor, in an order an index serves (compliance.keyset, compliance.api.pagination).

The lists are read from the router, so a new list is walked too: following `next` gives every row once, in the
documented order (ties by key, an empty value last, first in reverse), for its default order and each `ordering`;
following `previous` back gives the same pages; page 1 costs the queries a deep page does; an edited cursor is
refused; an officer's walk shows the rows they may see and no other.
"""

import base64
import datetime
import json
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from compliance import clock
from compliance.api.scoping import ScopedViewSetMixin
from compliance.webhooks import webhook_subscribe
from config.api_urls import router
from remediation.models import Implementation
from remediation.services.deadline_changes import deadline_change_request
from remediation.services.progress_updates import progress_update_accept
from remediation.services.reminders import reminder_sweep
from tests.api_keys import model_of
from tests.conftest import submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
PDF = b"%PDF-1.4\n%%EOF\n"
VIEWS = {basename: viewset for _prefix, viewset, basename in router.registry}
LISTS = sorted(VIEWS)
SMALL = 3


def orders(basename: str) -> list[str | None]:
    """The list's default order (None) and each order `ordering` offers, both ways."""
    fields = getattr(VIEWS[basename], "ordering_fields", None) or []
    return [None, *(term for name in fields for term in (name, f"-{name}"))]


def client_of(person) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(person)
    return client


@pytest.fixture
def world(on_follow_up_day, case, officers, regulator_staff):
    """The report's case with updates (one with a file), reviews, deadline changes, reminders, tokens and webhooks;
    several implementations due the same day, and several with no due date."""
    for officer in (officers["kansai-td"], officers["okinawa"]):
        item = Implementation.objects.filter(company=officer.company).exclude(status="done").order_by("pk").first()
        update = submit_update(officer, item=item, files=[SimpleUploadedFile("a.pdf", PDF, "application/pdf")])
        progress_update_accept(actor=regulator_staff, update=update, update_version=update.version)
        item.refresh_from_db()
        later = (item.due_on or item.window_end or clock.today()) + datetime.timedelta(days=30)
        deadline_change_request(actor=officer, item=item, item_version=item.version, proposed=later, reason="why")
        AuthToken.objects.create(officer)
        webhook_subscribe(actor=officer, url="https://hooks.example.com/a", events=["progress_update.submitted"])
    reminder_sweep(today=clock.today())
    for person in (regulator_staff, regulator_staff, regulator_staff, regulator_staff):
        AuthToken.objects.create(person)
        webhook_subscribe(actor=person, url="https://hooks.example.com/b", events=["progress_update.submitted"])
    undated = Implementation.objects.filter(window_end__isnull=True).order_by("pk")
    Implementation.objects.filter(pk__in=undated.values("pk")[:4]).update(due_on=None)
    Implementation.objects.filter(pk__in=undated.values("pk")[4:10]).update(due_on=datetime.date(2026, 12, 1))
    return case


def walk(client, basename: str, ordering: str | None, page_size: int = SMALL) -> list[dict]:
    """Every page of the list from the first, following `next`; each page is checked to link back."""
    params = {"page_size": page_size, **({"ordering": ordering} if ordering else {})}
    response = client.get(reverse(f"api:{basename}-list"), params)
    pages = []
    while True:
        assert response.status_code == 200, (basename, ordering, response.content)
        body = response.json()
        assert set(body) == {"next", "previous", "results"}  # no count
        pages.append(body)
        if body["next"] is None:
            break
        assert len(body["results"]) == page_size
        response = client.get(body["next"])
    assert pages[0]["previous"] is None
    back = walk_back(client, pages[-1]) if len(pages) > 1 else []
    assert back == [page["results"] for page in pages[:-1]], (basename, ordering, "previous")
    return [row for page in pages for row in page["results"]]


def walk_back(client, last: dict) -> list[list[dict]]:
    """The pages before `last`, following `previous`, first page first."""
    pages, link = [], last["previous"]
    while link is not None:
        body = client.get(link).json()
        pages.insert(0, body["results"])
        link = body["previous"]
    return pages


def sort_key(value):
    """A value as the documented order compares it: an empty value above every other."""
    return value is None, value if value is not None else 0


def assert_in_documented_order(model, rows: list[dict], ordering: str) -> None:
    """The rows sort by the field's values (read from the database: a list need not show the field), then by key."""
    name = ordering.removeprefix("-")
    descending = ordering.startswith("-")
    stored = dict(model.objects.filter(pk__in=[row["id"] for row in rows]).values_list("pk", name))
    shown = [(sort_key(stored[row["id"]]), row["id"]) for row in rows]
    assert shown == sorted(shown, reverse=descending), ordering


@pytest.mark.parametrize("basename", LISTS)
def test_walking_next_gives_every_row_once_in_the_documented_order(world, regulator_staff, basename):
    staff = client_of(regulator_staff)
    for ordering in orders(basename):
        whole = staff.get(
            reverse(f"api:{basename}-list"), {"page_size": 500, **({"ordering": ordering} if ordering else {})}
        )
        assert whole.status_code == 200 and whole.json()["next"] is None, (basename, ordering)
        walked = walk(staff, basename, ordering)
        assert walked == whole.json()["results"], (basename, ordering)
        if ordering is not None:
            assert_in_documented_order(model_of(VIEWS[basename]), walked, ordering)


def test_the_walk_meets_ties_and_empty_values(world, regulator_staff):
    walked = walk(client_of(regulator_staff), "implementation", "due_on")
    dates = [row["due_on"] for row in walked]
    first_empty = dates.index(None)
    assert dates[first_empty:] == [None] * (len(dates) - first_empty) and len(dates) - first_empty >= 4
    assert dates.count("2026-12-01") >= 6
    assert len(walked) == Implementation.objects.count()


@pytest.mark.parametrize("basename", LISTS)
def test_a_deep_page_costs_the_queries_the_first_does(world, regulator_staff, basename, monkeypatch):
    # Which reads are logged depends on the rows a page shows (a private record's), not on its depth.
    monkeypatch.setattr("compliance.api.scoping.log_reads", lambda request, records: None)
    staff = client_of(regulator_staff)
    url = reverse(f"api:{basename}-list")
    with CaptureQueriesContext(connection) as first:
        body = staff.get(url, {"page_size": 1}).json()
    if body["next"] is None:
        pytest.skip(f"{basename}: one page in this world")
    deep_link = body["next"]
    while (following := staff.get(deep_link, {}).json())["next"] is not None:
        deep_link = following["next"]
    with CaptureQueriesContext(connection) as deep:
        assert staff.get(deep_link).status_code == 200
    assert len(deep.captured_queries) == len(first.captured_queries), basename


def edited(link: str, change) -> str:
    """The link with its cursor decoded, changed by `change`, and encoded again."""
    base, _sep, cursor = link.partition("cursor=")
    cursor, sep, rest = cursor.partition("&")
    position = json.loads(base64.urlsafe_b64decode(cursor + "==="))
    change(position)
    encoded = base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")
    return f"{base}cursor={encoded}{sep}{rest}"


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p["v"].__setitem__(0, "not a value of the column"),
        lambda p: p["v"].append(1),
        lambda p: p["o"].reverse(),
        lambda p: p.__setitem__("r", 7),
        lambda p: p["v"].__setitem__(-1, None),
        lambda p: p.pop("o"),
    ],
)
def test_an_edited_cursor_is_refused(world, regulator_staff, change):
    staff = client_of(regulator_staff)
    link = staff.get(reverse("api:implementation-list"), {"page_size": 2, "ordering": "due_on"}).json()["next"]
    response = staff.get(edited(link, change))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "cursor" in response.json()["detail"]


@pytest.mark.parametrize("cursor", ["abc", "!!!", base64.b64encode(b"p=2026-13-45").decode(), "e30"])
def test_a_cursor_that_is_not_a_position_is_refused(world, regulator_staff, cursor):
    response = client_of(regulator_staff).get(reverse("api:implementation-list"), {"cursor": cursor})
    assert response.status_code == 404


def test_a_cursor_of_another_order_is_refused(world, regulator_staff):
    staff = client_of(regulator_staff)
    link = staff.get(reverse("api:implementation-list"), {"page_size": 2, "ordering": "due_on"}).json()["next"]
    assert staff.get(link).status_code == 200
    assert staff.get(link.replace("ordering=due_on", "ordering=-due_on")).status_code == 404


@pytest.mark.parametrize("basename", LISTS)
def test_an_officers_walk_shows_what_they_may_see_and_nothing_else(world, officers, basename):
    officer = officers["okinawa"]
    client = client_of(officer)
    scoped = issubclass(VIEWS[basename], ScopedViewSetMixin)  # else the person's own records (tokens, webhooks)
    for ordering in orders(basename):
        response = client.get(reverse(f"api:{basename}-list"), {"page_size": 1})
        if response.status_code == 404:  # a list for the regulator alone
            return
        walked = walk(client, basename, ordering)
        if walked and "id" in walked[0] and scoped:
            visible = set(model_of(VIEWS[basename]).objects.visible_to(officer).values_list("pk", flat=True))
            assert {row["id"] for row in walked} == visible, (basename, ordering)
            assert len(walked) == len(visible)


KEYS_QUERY = re.compile(r'IN \(SELECT (\w+)\."id" AS "pk" FROM (.*?) ORDER BY')


@pytest.mark.parametrize("basename", LISTS)
def test_a_pages_keys_are_found_without_joining_what_the_rows_show(world, regulator_staff, basename):
    # The keys come from the list's own index; the related rows a page shows are joined to those keys alone.
    with CaptureQueriesContext(connection) as captured:
        assert client_of(regulator_staff).get(reverse(f"api:{basename}-list"), {"page_size": 5}).status_code == 200
    keys = [match for query in captured.captured_queries for match in KEYS_QUERY.findall(query["sql"])]
    viewset = VIEWS[basename]
    listed = viewset(request=SimpleNamespace(user=regulator_staff)).get_queryset()
    shows_related = listed.query.select_related or getattr(viewset, "codes_read_along", ())
    if not shows_related:  # a list of one table reads straight from its index (a partitioned table, a view too)
        assert keys == [], basename
    assert [source for _alias, source in keys if "JOIN" in source] == [], basename


@pytest.mark.parametrize("reader", ["regulator-staff", "kansai-td", "okinawa"])
def test_codes_read_along_show_what_the_relations_show(world, regulator_staff, officers, monkeypatch, reader):
    """The codes and links read with each row (`codes_read_along`) answer what reading each relation answers, for
    the regulator and for officers (who see other companies' rows behind the field wall)."""
    client = client_of(regulator_staff if reader == "regulator-staff" else officers[reader])
    along = [basename for basename, viewset in VIEWS.items() if getattr(viewset, "codes_read_along", ())]
    assert along, "no list reads codes along"
    for basename in along:
        url, params = reverse(f"api:{basename}-list"), {"page_size": 500}
        read_along = client.get(url, params).json()
        monkeypatch.setattr(VIEWS[basename], "codes_read_along", ())
        assert client.get(url, params).json() == read_along, basename
        row = read_along["results"][0]
        assert client.get(row["url"]).json() == row, basename
        monkeypatch.undo()


def test_a_relation_the_field_wall_hides_shows_no_code_read_along(world, regulator_staff, rf):
    """A code read along a relation the reader may not see is null, as the relation itself would read."""
    from rest_framework.request import Request

    from compliance.api.fields import codes_along
    from remediation.api.serializers import ImplementationSerializer

    rows = codes_along(Implementation.objects.select_related("company"), "measure__finding__case").order_by("pk")
    seen, hidden = rows[0], rows[1]
    hidden.hidden_fields = frozenset({"measure"})
    request = Request(rf.get("/api/v1/implementations/"))
    request.user = regulator_staff
    shown = ImplementationSerializer([seen, hidden], many=True, context={"request": request}).data
    assert (
        shown[0]["measure_code"] and shown[0]["case"] and shown[0]["measure"].endswith(f"/{shown[0]['measure_code']}/")
    )
    assert (shown[1]["measure"], shown[1]["measure_code"], shown[1]["finding_code"], shown[1]["case"]) == (None,) * 4


@pytest.mark.parametrize("reader", ["regulator-staff", "kansai-td", "okinawa"])
def test_each_list_shows_what_drf_shows_field_by_field(world, regulator_staff, officers, monkeypatch, reader):
    """The rows read through one function per field (`ColumnsReadOnce`: columns as they are, dates, links filled
    into one URL) answer what DRF's own serializer answers, for every list and its first record, for the regulator
    (who reads every list) and for officers behind the wall."""
    from rest_framework import serializers

    from compliance.api.model_serializers import ColumnsReadOnce

    client = client_of(regulator_staff if reader == "regulator-staff" else officers[reader])

    def both_ways(address: str, params: dict) -> dict:
        ours = client.get(address, params)
        with monkeypatch.context() as patched:
            patched.setattr(ColumnsReadOnce, "to_representation", serializers.Serializer.to_representation)
            drfs = client.get(address, params)
        assert (drfs.status_code, drfs.json()) == (ours.status_code, ours.json()), address
        return ours.json() if ours.status_code == 200 else {}

    shown = []
    for basename in LISTS:
        answer = both_ways(reverse(f"api:{basename}-list"), {"page_size": 500})
        for row in answer.get("results", [])[:1]:
            if str(row.get("url")).startswith("http://testserver/api/"):  # its own address (a webhook's is its target)
                both_ways(row["url"], {})
        shown += [basename] if answer else []
    if reader == "regulator-staff":
        assert shown == LISTS
    assert len(shown) >= len(LISTS) // 2
