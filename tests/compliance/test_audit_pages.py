"""The access log and the change history in people's words: kinds, names, people, field labels; filters by name."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.models import AccessLogEntry
from remediation.models import Implementation, ProgressUpdate
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def private_updates(officers, per_company: int = 2) -> list[ProgressUpdate]:
    updates = []
    for person in officers.values():
        item = Implementation.objects.filter(company=person.company).order_by("pk").first()
        updates += [
            ProgressUpdate.objects.create(
                company=person.company,
                author=person,
                implementation=item,
                status=item.status or "planned",
                narrative=f"progress {n}",
            )
            for n in range(per_company)
        ]
    return updates


def test_the_access_log_shows_one_entry_per_request_with_its_records_grouped(officers, regulator_client):
    updates = private_updates(officers)
    regulator_client.get(reverse("remediation:progress_update_list"))
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert entry.action == "read" and entry.path == reverse("remediation:progress_update_list")
    assert {r["id"] for r in entry.records if r["type"] == "remediation.progressupdate"} >= {str(u.pk) for u in updates}
    assert (entry.object_type, entry.object_id) == ("remediation.progressupdate", "")

    page = regulator_client.get(reverse("compliance:access_log_list")).content.decode()
    assert f"{len(entry.records)} 件" in page or f"{len(entry.records)}件" in page
    assert f"進捗報告 ×{len(entry.records)}" in page
    first, twenty_first = (ProgressUpdate.objects.get(pk=entry.records[n]["id"]) for n in (0, 20))
    assert first.get_absolute_url() in page  # the first records named, each with a link to it
    assert twenty_first.get_absolute_url() not in page  # the others counted, and listed by the export
    assert f"ほか{len(entry.records) - 20}件" in page
    assert "remediation.progressupdate" not in page.split("<table")[1]  # kinds in words, not the log's labels


def test_the_access_log_filters_by_kind_company_and_person_chosen_by_name(officers, regulator_client):
    private_updates(officers)
    officer = officers["kansai-td"]
    signed_in(officer, second_factor=False).get(reverse("remediation:progress_update_list"))
    regulator_client.get(reverse("remediation:progress_update_list"))
    url = reverse("compliance:access_log_list")
    page = regulator_client.get(url).content.decode()
    assert f'<option value="{officer.company_id}">{officer.company}</option>' in page
    assert "officer-kansai-td</option>" in page
    by_company = regulator_client.get(url, {"company": officer.company_id, "format": "csv"}).content.decode()
    assert "officer-kansai-td" in by_company
    by_person = regulator_client.get(url, {"user": officer.pk, "format": "csv"}).content.decode()
    rows = by_person.strip().splitlines()[1:]
    assert rows and all("officer-kansai-td" in row for row in rows)
    by_kind = regulator_client.get(url, {"kind": "remediation.progressupdate", "user": officer.pk})
    assert by_kind.status_code == 200 and "進捗報告" in by_kind.content.decode()
    none = regulator_client.get(url, {"kind": "remediation.evidence", "user": officer.pk}).content.decode()
    assert "進捗報告 ×" not in none


def test_the_change_history_names_records_people_fields_and_actions(officers, regulator_client, regulator_staff):
    officer = officers["kansai-td"]
    officer.first_name, officer.last_name = "花子", "山田"
    officer.save()
    update = submit_update(officer, "history in words")
    page = regulator_client.get(reverse("compliance:change_history_list")).content.decode()
    assert "進捗報告" in page and "作成" in page and "変更" in page
    assert update.get_absolute_url() in page
    assert "remediation.ProgressUpdate" not in page.split("<table")[1]
    implementation = update.implementation
    assert str(implementation) in page or implementation.get_absolute_url() in page
    assert "version:" not in page  # field labels, not column names
    chosen = regulator_client.get(reverse("compliance:change_history_list"), {"user": officer.pk})
    assert chosen.status_code == 200
    assert "山田" in chosen.content.decode() or "花子" in chosen.content.decode()
    history = reverse("compliance:change_history_list")
    kind = regulator_client.get(history, {"pgh_obj_model": "remediation.ProgressUpdate"})
    assert kind.status_code == 200 and update.get_absolute_url() in kind.content.decode()
    company = regulator_client.get(history, {"company": officer.company_id})
    assert company.status_code == 200 and update.get_absolute_url() in company.content.decode()
    other = regulator_client.get(history, {"company": officers["okinawa"].company_id})
    assert update.get_absolute_url() not in other.content.decode()
    case = regulator_client.get(history, {"case": update.implementation.measure.finding.case_id}).status_code
    assert case == 200


@pytest.mark.parametrize("name", ["compliance:access_log_list", "compliance:change_history_list"])
def test_naming_the_rows_of_a_page_costs_no_query_per_row(officers, regulator_client, name):
    private_updates(officers, per_company=1)
    regulator_client.get(reverse("remediation:progress_update_list"))
    url = reverse(name)
    regulator_client.get(url)
    with CaptureQueriesContext(connection) as few:
        regulator_client.get(url, {"page_size": 5})
    private_updates(officers, per_company=3)
    regulator_client.get(reverse("remediation:progress_update_list"))
    regulator_client.get(reverse("remediation:review_queue"))
    with CaptureQueriesContext(connection) as many:
        regulator_client.get(url)
    assert len(many) <= len(few) + 2, [q["sql"][:120] for q in many.captured_queries]


def test_the_audit_pages_speak_english_too(officers, regulator_client):
    private_updates(officers, per_company=1)
    regulator_client.get(reverse("remediation:progress_update_list"))
    regulator_client.cookies["django_language"] = "en"
    log = regulator_client.get(reverse("compliance:access_log_list")).content.decode()
    assert "Progress update ×" in log and "Kind of record read" in log and "Company whose records were read" in log
    history = regulator_client.get(reverse("compliance:change_history_list")).content.decode()
    assert "Progress update</span>: " in history and "Created" in history


def test_the_api_lists_the_records_each_entry_read_and_filters_by_them(officers, regulator_client):
    updates = private_updates(officers, per_company=1)
    officer = officers["kansai-td"]
    signed_in(officer, second_factor=False).get(reverse("remediation:progress_update_list"))
    api = reverse("api:accesslog-list")
    by_company = regulator_client.get(api, {"record_company": officer.company_id}).json()["results"]
    assert by_company and all(
        any(record["company"] == officer.company_id for record in entry["records"]) for entry in by_company
    )
    own = next(u for u in updates if u.company_id == officer.company_id)
    assert {"type": "remediation.progressupdate", "id": str(own.pk), "company": officer.company_id} in by_company[0][
        "records"
    ]
    assert regulator_client.get(api, {"record_type": "remediation.evidence"}).json()["results"] == []


@pytest.mark.parametrize("name", ["compliance:access_log_list", "compliance:change_history_list"])
def test_with_many_people_and_companies_the_filters_are_typed_and_take_the_same_values(
    officers, regulator_client, monkeypatch, name
):
    """Past MENU_LIMIT a menu becomes a box: a name or code is typed, and the id a menu sent still works."""
    monkeypatch.setattr("compliance.list_filters.MENU_LIMIT", 3)
    officer = officers["kansai-td"]
    submit_update(officer, "a change of theirs in the history")
    signed_in(officer, second_factor=False).get(reverse("remediation:progress_update_list"))
    url = reverse(name)
    page = regulator_client.get(url).content.decode()
    assert 'name="user" placeholder=' in page and "officer-kansai-td</option>" not in page
    assert 'name="company" placeholder=' in page
    for person in (officer.username, officer.username.upper(), str(officer.pk)):
        assert "_error" not in regulator_client.get(url, {"user": person}).content.decode()
        if name == "compliance:access_log_list":  # (the history knows people of changes made through a request)
            rows = regulator_client.get(url, {"user": person, "format": "csv"}).content.decode().splitlines()[1:]
            assert rows and all("officer-kansai-td" in row for row in rows)
    for company in (officer.company.code, officer.company.name_ja, str(officer.company_id)):
        assert "_error" not in regulator_client.get(url, {"company": company}).content.decode()
    refused = regulator_client.get(url, {"user": "nobody-of-that-name"}).content.decode()
    assert "nobody-of-that-name" in refused and 'class="errors" id="id_user_error"' in refused
