"""API errors as RFC 9457 problem details in the request's language; throttling per token; new filters."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from compliance.api.throttling import TokenRateThrottle
from remediation.models import Implementation
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def token_client(person) -> APIClient:
    _instance, token = AuthToken.objects.create(person)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_not_found_is_a_problem_in_either_language(case, officers):
    client = token_client(officers["okinawa"])
    for language, title in (("en", "Not found"), ("ja", "見つかりません")):
        response = client.get("/api/v1/progress-updates/999999/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
        body = response.json()
        assert body["status"] == 404 and body["title"] == title and body["type"] == "about:blank"
        assert body["instance"] == "/api/v1/progress-updates/999999/" and body["code"] == "not_found"


def test_invalid_input_lists_each_field(case, officers):
    client = token_client(officers["okinawa"])
    item = Implementation.objects.filter(company__code="okinawa").exclude(status="done").first()
    response = client.post(
        reverse("api:progressupdate-list"),
        {"implementation": item.pk, "status": "nonsense", "narrative": ""},
        format="json",
        HTTP_IF_MATCH=item.etag,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "The request is not valid" and {"status", "narrative"} <= set(body["errors"])


def test_conditional_errors_are_problems_too(case, regulator_staff):
    client = token_client(regulator_staff)
    item = Implementation.objects.exclude(status="done").first()
    url = reverse("api:implementation-reporting-duty", args=[item.pk])
    missing = client.put(url, {"every": "monthly"}, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert missing.status_code == 428 and missing.json()["code"] == "precondition_required"
    assert "If-Match" in missing.json()["detail"]
    stale = client.put(url, {"every": "monthly"}, format="json", HTTP_IF_MATCH='"99"')
    assert stale.status_code == 412 and stale.json()["status"] == 412


def test_each_token_has_its_own_budget(case, officers, monkeypatch):
    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    first, second = token_client(officers["okinawa"]), token_client(officers["okinawa"])
    assert [first.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 200]
    throttled = first.get("/api/v1/cases/")
    assert throttled.status_code == 429 and throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    assert second.get("/api/v1/cases/").status_code == 200  # the same person's other token is not throttled


@pytest.mark.dates
def test_filters_by_side_article_safeguard_type_and_group(case, regulator_client):
    rows = regulator_client.get(
        "/api/v1/implementations/",
        {
            "measure__finding__side": "td_operator",
            "measure__safeguard_type__code": "human",
            "company__group__code": "kansai",
        },
    ).json()["results"]
    assert rows and {r["company"] for r in rows} == {"kansai-td"}
    measures = regulator_client.get("/api/v1/measures/", {"implementers__group__code": "okinawa"}).json()
    assert measures["results"]
    incidents = regulator_client.get("/api/v1/incidents/", {"viewer__code": "kansai-retail"}).json()
    assert all(r["viewer"] == "kansai-retail" for r in incidents["results"])


def test_a_url_no_view_matches_is_a_problem_under_api_and_a_page_elsewhere(case, regulator_staff):
    client = token_client(regulator_staff)
    response = client.get("/api/v1/cases/a%2Fb/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Not found"
    page = signed_in(regulator_staff).get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("2026-01-01T00:00:00+09:00", 200),
        ("0583-12-18T00:02:52+20:35", 200),  # beyond PostgreSQL's offsets: taken to UTC first
        ("9999-12-31T23:59:59-20:00", 400),  # past the last instant there is
        ("not a date", 400),
    ],
)
def test_date_time_filters_take_any_offset_and_refuse_what_is_out_of_range(case, regulator_staff, value, status):
    response = token_client(regulator_staff).get("/api/v1/progress-updates/", {"submitted_at__gte": value})
    assert response.status_code == status, response.content
