"""What a client sends is taken as sent or refused with a problem: pages, cursors, filters, bodies, conditions.

Each test reproduces what Schemathesis or an attacker sent and shows the answer the schema documents.
"""

import base64

import pytest
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from cases.models import Case, Finding, IncidentPair
from remediation.models import Implementation

pytestmark = pytest.mark.django_db
API = "/api/v1"


def token_client(person) -> APIClient:
    _instance, token = AuthToken.objects.create(person)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def staff(case, regulator_staff) -> APIClient:
    return token_client(regulator_staff)


def refused(response, field: str) -> str:
    """The message a 400 gives for `field`."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return " ".join(response.json()["errors"][field])


@pytest.mark.parametrize("value", ["false", "null", "0", "501", "1.5", "-1", "１０", ""])
def test_a_page_size_outside_1_to_500_is_refused_not_replaced_by_the_default(staff, value):
    assert "1 to 500" in refused(staff.get(f"{API}/cases/", {"page_size": value}), "page_size")
    assert "1 to 500" in refused(staff.get(f"{API}/access-log/", {"page_size": value}), "page_size")


def test_a_page_number_is_no_parameter_of_a_list_paged_by_cursor(staff):
    assert "cursor" in refused(staff.get(f"{API}/safeguard-types/", {"page": "2"}), "page")


def test_a_page_size_given_twice_is_refused_and_one_in_range_is_taken(staff):
    assert refused(staff.get(f"{API}/findings/?page_size=5&page_size=5"), "page_size")
    assert len(staff.get(f"{API}/findings/", {"page_size": 3}).json()["results"]) == 3
    assert staff.get(f"{API}/findings/", {"page_size": 500}).status_code == 200


@pytest.mark.parametrize("position", ["abc", "2026-13-45", "１"])
@pytest.mark.parametrize("log", ["access-log", "history"])
def test_a_cursor_whose_position_is_not_of_the_lists_order_is_not_found(staff, log, position):
    cursor = base64.b64encode(f"p={position}".encode()).decode()
    response = staff.get(f"{API}/{log}/", {"cursor": cursor})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_cursor_the_api_gave_still_works(staff):
    first = staff.get(f"{API}/history/", {"page_size": 1}).json()
    assert staff.get(first["next"]).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["access-log/", "access-anomalies/", "history/", "cases/ppc-2024-utilities/export/"],
)
def test_without_credentials_a_regulator_only_endpoint_asks_for_them(case, path):
    response = APIClient().get(f"{API}/{path}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_signed_in_as_an_officer_a_regulator_only_endpoint_does_not_exist(case, officers):
    assert token_client(officers["okinawa"]).get(f"{API}/access-log/").status_code == 404


@pytest.mark.parametrize(
    ("path", "query", "words"),
    [
        ("reminders/", {"planned_for__lte": ""}, "Give a value"),
        ("implementations/", {"window_end__lte": "2031/03/31"}, "YYYY-MM-DD"),
        ("implementations/", {"window_end__lte": "2031-3-31"}, "YYYY-MM-DD"),
        ("incidents/", {"was_used": "null"}, "true or false"),
        ("incidents/", {"was_used": "1"}, "true or false"),
        ("reminders/", {"escalation__gte": "0.5"}, "whole number"),
        ("progress-updates/", {"implementation": "0"}, "greater than or equal to 1"),
        ("findings/", {"case": ""}, "Give a value"),
    ],
)
def test_a_filter_value_it_cannot_read_is_refused_not_ignored(staff, path, query, words):
    (field,) = query
    assert words in refused(staff.get(f"{API}/{path}", query), field)


@pytest.mark.dates  # the list of implementations computes each item's standing on the day
def test_filters_take_what_they_can_read(staff):
    assert staff.get(f"{API}/incidents/", {"was_used": "true"}).json()["results"]
    assert staff.get(f"{API}/implementations/", {"window_end__lte": "2031-03-31"}).json()["results"]
    assert staff.get(f"{API}/progress-updates/", {"implementation": 999999}).json()["results"] == []


def test_a_text_field_takes_text_not_a_number(staff, case):
    response = staff.patch(f"{API}/cases/{case.code}/", {"title_en": 0}, format="json", HTTP_IF_MATCH=case.etag)
    assert "JSON string" in refused(response, "title_en")
    assert Case.objects.get(pk=case.pk).title_en != "0"


def test_a_relation_by_code_takes_a_code_or_null_not_an_empty_string(staff):
    company = staff.get(f"{API}/companies/kansai-td/").json()
    response = staff.patch(
        f"{API}/companies/kansai-td/", {"group": ""}, format="json", HTTP_IF_MATCH=f'"{company["version"]}"'
    )
    assert "null for none" in refused(response, "group")
    assert staff.get(f"{API}/companies/kansai-td/").json()["group"] == company["group"]


def test_a_list_of_codes_is_a_list_not_an_object(staff, case):
    finding = Finding.objects.filter(case=case).first()
    url = f"{API}/findings/{case.code}/{finding.code}/"
    response = staff.patch(url, {"affected_companies": {"kansai-td": 1}}, format="json", HTTP_IF_MATCH=finding.etag)
    assert refused(response, "affected_companies")


def test_a_relation_by_id_takes_a_number_not_text(staff, case):
    pair = IncidentPair.objects.filter(case=case).first()
    body = {"pair": str(pair.pk), "described_in_report": False}
    assert refused(staff.post(f"{API}/incidents/", body, format="json"), "pair")


def test_forms_and_multipart_are_for_uploads_only(staff, case):
    response = staff.patch(
        f"{API}/cases/{case.code}/", {"title_en": "x"}, HTTP_IF_MATCH=case.etag
    )  # multipart, as a form sends
    assert response.status_code == 415


def test_a_create_that_names_its_item_needs_if_match_before_anything_else(case, officers):
    client = token_client(officers["okinawa"])
    response = client.post(reverse("api:progressupdate-list"), {"implementation": None}, format="json")
    assert response.status_code == 428
    response = client.post(reverse("api:deadlinechange-list"), {}, format="json")
    assert response.status_code == 428


def test_a_record_others_depend_on_is_a_conflict_to_remove(staff, case, officers):
    from tests.conftest import submit_update

    kept = submit_update(officers["okinawa"]).implementation
    measure = kept.measure
    response = staff.delete(
        f"{API}/measures/{case.code}/{measure.finding.code}/{measure.code}/", HTTP_IF_MATCH=measure.etag
    )
    assert response.status_code == 409
    assert response.json()["title"] == "Conflict" and "progress" in response.json()["detail"]
    assert Implementation.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize("method", ["trace", "put"])
def test_a_method_a_regulator_only_endpoint_lacks_is_not_allowed_for_anyone(case, officers, method):
    response = getattr(token_client(officers["okinawa"]), method)(f"{API}/access-log/")
    assert response.status_code == 405
