"""The read-only API: its browsable root lists every resource, and each answers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

RESOURCES = {
    "cases": 1,
    "regulatory-actions": 5,
    "laws": 2,
    "instruments": 14,
    "law-articles": 5,
    "authorities": 4,
    "safeguard-types": 6,
    "company-groups": 8,
    "companies": 17,
    "findings": 8,
    "measures": 29,
    "implementations": 65,
    "incident-pairs": 4,
    "incidents": 23,
}
PRIVATE_RESOURCES = {
    "progress-updates", "reviews", "evidence", "deadline-changes", "reminders", "access-log", "access-anomalies",
    "history",
    "auth/tokens", "webhooks",
}  # fmt: skip


def test_the_root_lists_every_resource(regulator_client):
    client = regulator_client
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert set(response.json()) == set(RESOURCES) | PRIVATE_RESOURCES


def test_the_root_is_browsable(regulator_client):
    client = regulator_client
    response = client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Api Root" in response.content


@pytest.mark.parametrize(("resource", "count"), RESOURCES.items())
@pytest.mark.dates
def test_each_list_and_its_first_detail(regulator_client, resource, count):
    client = regulator_client
    response = client.get(f"/api/v1/{resource}/", {"page_size": 100})
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == count and body["next"] is None
    first = body["results"][0]
    assert {"id", "url"} <= set(first)
    assert client.get(first["url"]).status_code == 200


@pytest.mark.dates
def test_filters_by_company_and_status(regulator_client):
    client = regulator_client
    body = client.get("/api/v1/implementations/", {"company__code": "okinawa", "status": "planned"}).json()
    assert len(body["results"]) == 1
    assert body["results"][0]["window_end"] == "2031-03-31"
    incidents = client.get("/api/v1/incidents/", {"pair__group__code": "kyushu"}).json()
    assert len(incidents["results"]) == 11


@pytest.mark.parametrize("key", ["abc", "1.5", "%00", "99999999999999999999"])
def test_malformed_keys_answer_404(regulator_client, key):
    for resource in ["progress-updates", "incidents", "findings", "access-log"]:
        assert regulator_client.get(f"/api/v1/{resource}/{key}/").status_code == 404, (resource, key)


def test_the_schema_and_its_documentation(regulator_client):
    client = regulator_client
    schema = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/incidents/" in paths
    assert client.get(reverse("api_docs")).status_code == 200


def test_every_link_on_a_page_is_the_one_django_reverses(regulator_client):
    # Links are reversed once per view and request and the key filled in: each must equal a full reverse.
    page = regulator_client.get("/api/v1/measures/", {"page_size": 200}).json()["results"]
    for row in page:
        key = {"case": row["case"], "finding": row["finding_code"], "code": row["code"]}
        assert row["url"] == f"http://testserver{reverse('api:measure-detail', kwargs=key)}"
        finding = {"case": row["case"], "code": row["finding_code"]}
        assert row["finding"] == f"http://testserver{reverse('api:finding-detail', kwargs=finding)}"
        for link in row["implementations"]:
            key = int(link.rstrip("/").rsplit("/", 1)[1])
            assert link == f"http://testserver{reverse('api:implementation-detail', kwargs={'pk': key})}"
    articles = regulator_client.get("/api/v1/law-articles/").json()["results"]
    assert all(a["url"].endswith(f"/law-articles/{a['code']}/") for a in articles)  # keys that are not numbers
