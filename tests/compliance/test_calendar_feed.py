"""Calendar feeds: a secret address per person, stored hashed, revocable, showing what that person may see."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from cases.models import Incident
from compliance.models import AccessLogEntry, CalendarFeed
from remediation.calendar import escape_text, fold
from remediation.models import Implementation
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

PAGE = "/calendar/"


def issue(client: Client) -> str:
    """Make a new address on the calendar page; return the feed's path, shown once on the answer."""
    response = client.post(PAGE, {"action": "issue"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    feed_url = response.context["feed_url"]
    assert feed_url in response.content.decode()
    return feed_url.removeprefix("http://testserver")


def uids(body: str) -> set[str]:
    return set(re.findall(r"^UID:(\S+)@", body, flags=re.MULTILINE))


def open_dated(**filters) -> set[str]:
    """The UIDs (without host) the feed should carry for the open implementations matching `filters`."""
    rows = Implementation.objects.filter(**filters).exclude(status="done")
    expected = set()
    for item in rows.filter(Q(due_on__isnull=False) | Q(window_end__isnull=False)):
        if item.due_on:
            expected.add(f"implementation-{item.pk}-due")
        if item.window_end:
            expected.add(f"implementation-{item.pk}-window-end")
    return expected


@pytest.fixture
def dated_items(case) -> dict[str, Implementation]:
    """A due date on an open implementation of Kansai's retailer (Kansai's T&D operator has its window)."""
    retail = Implementation.objects.filter(company__code="kansai-retail").exclude(status="done").first()
    Implementation.objects.filter(pk=retail.pk).update(due_on="2027-03-31")
    td = Implementation.objects.filter(company__code="kansai-td", window_end__isnull=False).first()
    return {"kansai-retail": retail, "kansai-td": td}


def test_the_feed_answers_without_a_session_with_the_persons_own_items_only(officers, dated_items):
    officer = officers["kansai-td"]
    path = issue(signed_in(officer, second_factor=False))
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert uids(body) == open_dated(company__code="kansai-td")
    assert f"implementation-{dated_items['kansai-td'].pk}-window-end" in uids(body)
    assert f"implementation-{dated_items['kansai-retail'].pk}-due" not in uids(body)  # the sister company's
    assert "DTSTART;VALUE=DATE:20310331" in body
    assert dated_items["kansai-td"].get_tracking_url() in body.replace("\r\n ", "")


def test_each_officer_sees_their_own_company_and_the_regulator_every_company(officers, regulator_staff, dated_items):
    retail = Client().get(issue(signed_in(officers["kansai-retail"], second_factor=False))).content.decode()
    assert uids(retail) == {f"implementation-{dated_items['kansai-retail'].pk}-due"}
    regulator = Client().get(issue(signed_in(regulator_staff))).content.decode()
    assert uids(regulator) == open_dated()
    assert {f"implementation-{item.pk}" for item in dated_items.values()} <= {
        re.match(r"\w+-\d+", u)[0] for u in uids(regulator)
    }


def test_the_token_is_stored_hashed(officers):
    officer = officers["okinawa"]
    path = issue(signed_in(officer, second_factor=False))
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 40
    feed = CalendarFeed.objects.get(person=officer, revoked_at__isnull=True)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(value) for value in CalendarFeed.objects.filter(person=officer).values_list().get())
    assert token not in stored
    # The page shows the address once only.
    assert token not in signed_in(officer, second_factor=False).get(PAGE).content.decode()


def test_a_revoked_or_unknown_token_answers_404(officers):
    officer = officers["okinawa"]
    client = signed_in(officer, second_factor=False)
    first = issue(client)
    assert Client().get(first).status_code == 200
    second = issue(client)  # a new address revokes the old one
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    response = client.post(PAGE, {"action": "revoke"})
    assert response.status_code == 302
    assert Client().get(second).status_code == 404
    assert Client().get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    assert CalendarFeed.objects.filter(person=officer, revoked_at__isnull=True).count() == 0
    assert AccessLogEntry.objects.filter(action="denied", object_type="compliance.calendarfeed").count() == 3


def test_an_inactive_persons_feed_answers_404(officers):
    officer = officers["okinawa"]
    path = issue(signed_in(officer, second_factor=False))
    officer.is_active = False
    officer.save()
    assert Client().get(path).status_code == 404


def test_the_regulators_feed_logs_the_read_of_private_items_as_the_person(regulator_staff, case):
    undescribed = Incident.objects.filter(described_in_report=False).first()
    Incident.objects.filter(pk=undescribed.pk).update(due_on="2027-06-30")
    path = issue(signed_in(regulator_staff))
    body = Client().get(path).content.decode()
    assert f"incident-{undescribed.pk}-due" in uids(body)
    reads = AccessLogEntry.objects.filter(
        action="read", records__contains=[{"type": "cases.incident", "id": str(undescribed.pk)}]
    )
    feed = CalendarFeed.objects.get(person=regulator_staff, revoked_at__isnull=True)
    assert (
        reads.filter(user=regulator_staff, username="regulator-staff", path=f"/calendar/(feed-{feed.pk}).ics").count()
        == 1
    )


def test_the_access_log_never_holds_a_token(officers):
    client = signed_in(officers["okinawa"], second_factor=False)
    path = issue(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    Client().get(path)
    client.post(PAGE, {"action": "revoke"})
    Client().get(path)
    assert AccessLogEntry.objects.filter(action="denied", path="/calendar/(unknown-token).ics").count() == 1
    assert not AccessLogEntry.objects.filter(path__contains=token).exists()


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_lines_are_folded_at_75_octets_and_text_is_escaped(officers, dated_items):
    body = Client().get(issue(signed_in(officers["kansai-td"], second_factor=False))).content
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    folded = fold("SUMMARY:" + "物理的分割" * 20)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "物理的分割" * 20
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
