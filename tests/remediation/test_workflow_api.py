"""The same loop through the API: ETags, If-Match, 412 on a stale version, 428 without one."""

import datetime

import pytest
from django.test import Client

from remediation.models import Implementation, ProgressUpdate
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
API = "/api/v1"


@pytest.fixture
def split() -> Implementation:
    return Implementation.objects.get(company__code="okinawa", measure__kind="project")


def etag_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


def test_the_whole_loop_through_the_api(officers, regulator_client, split):
    officer = signed_in(officers["okinawa"], second_factor=False)
    item_url = f"{API}/implementations/{split.pk}/"
    tag = etag_of(officer, item_url)
    assert officer.get(item_url, HTTP_IF_NONE_MATCH=tag).status_code == 304

    body = {
        "implementation": split.pk,
        "status": "in_progress",
        "narrative": "着手しました。",
        "next_milestone_on": "令和9年4月1日",
    }
    created = officer.post(f"{API}/progress-updates/", body, content_type="application/json", HTTP_IF_MATCH=tag)
    assert created.status_code == 201, created.content
    update = created.json()
    assert update["company"] == "okinawa" and update["review_state"] == "submitted"
    assert update["next_milestone_on"] == "2027-04-01"
    assert officer.get(item_url).json()["status"] == "planned"

    update_url = f"{API}/progress-updates/{update['id']}/"
    asked = regulator_client.post(
        f"{update_url}request-info/",
        {"comment": "移行計画の詳細を示してください。"},
        content_type="application/json",
        HTTP_IF_MATCH=etag_of(regulator_client, update_url),
    )
    assert asked.status_code == 201, asked.content

    answer = {**body, "narrative": "計画を添付します。", "in_reply_to": update["id"]}
    answered = officer.post(
        f"{API}/progress-updates/", answer, content_type="application/json", HTTP_IF_MATCH=etag_of(officer, item_url)
    )
    assert answered.status_code == 201, answered.content
    second_url = f"{API}/progress-updates/{answered.json()['id']}/"

    accepted = regulator_client.post(
        f"{second_url}accept/", {}, content_type="application/json", HTTP_IF_MATCH=etag_of(regulator_client, second_url)
    )
    assert accepted.status_code == 201, accepted.content
    assert officer.get(item_url).json()["status"] == "in_progress"
    thread = officer.get(f"{API}/progress-updates/", {"implementation": split.pk, "ordering": "submitted_at"}).json()
    assert [row["review_state"] for row in thread["results"]] == ["info_requested", "accepted"]


def test_writes_need_if_match_and_a_current_version(officers, split):
    officer = signed_in(officers["okinawa"], second_factor=False)
    body = {"implementation": split.pk, "status": "in_progress", "narrative": "x"}
    url = f"{API}/progress-updates/"
    assert officer.post(url, body, content_type="application/json").status_code == 428
    stale = f'"{split.version}"'
    assert officer.post(url, body, content_type="application/json", HTTP_IF_MATCH=stale).status_code == 201
    refused = officer.post(url, body, content_type="application/json", HTTP_IF_MATCH=stale)
    assert refused.status_code == 412
    assert ProgressUpdate.objects.filter(implementation=split).count() == 1


def test_illegal_moves_and_bad_input_get_a_clear_error_in_both_languages(officers, split):
    officer = signed_in(officers["okinawa"], second_factor=False)
    split.status = "in_progress"
    split.save()
    body = {"implementation": split.pk, "status": "planned", "narrative": "x"}
    tag = f'"{split.version}"'
    japanese = officer.post(f"{API}/progress-updates/", body, content_type="application/json", HTTP_IF_MATCH=tag)
    assert japanese.status_code == 400
    assert "変更できません" in japanese.json()["errors"]["status"][0]
    english = officer.post(
        f"{API}/progress-updates/", body, content_type="application/json", HTTP_IF_MATCH=tag, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "cannot move" in english.json()["errors"]["status"][0]
    bad_date = {**body, "status": "done", "next_milestone_on": "令和99年13月1日"}
    assert (
        officer.post(
            f"{API}/progress-updates/", bad_date, content_type="application/json", HTTP_IF_MATCH=tag
        ).status_code
        == 400
    )
    assert ProgressUpdate.objects.count() == 0


def test_deadline_changes_through_the_api(officers, regulator_client, split):
    officer = signed_in(officers["okinawa"], second_factor=False)
    item_url = f"{API}/implementations/{split.pk}/"
    asked = officer.post(
        f"{API}/deadline-changes/",
        {"implementation": split.pk, "proposed": "２０３１／１２／３１", "reason": "調達の遅れ"},
        content_type="application/json",
        HTTP_IF_MATCH=etag_of(officer, item_url),
    )
    assert asked.status_code == 201, asked.content
    change_url = f"{API}/deadline-changes/{asked.json()['id']}/"
    approved = regulator_client.post(
        f"{change_url}approve/",
        {},
        content_type="application/json",
        HTTP_IF_MATCH=etag_of(regulator_client, change_url),
    )
    assert approved.status_code == 200, approved.content
    item = officer.get(item_url).json()
    assert (item["window_end"], item["baseline_window_end"], item["slippage_days"]) == ("2031-12-31", "2031-03-31", 275)
    assert datetime.date(2031, 12, 31) - datetime.date(2031, 3, 31) == datetime.timedelta(days=275)
