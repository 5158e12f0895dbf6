"""Bodies the API refuses whole, with 400 and nothing changed: anything but one JSON object, and JSON nested deeply."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken

from compliance.api.parsers import MAX_NESTING
from compliance.models import AccessLogEntry, ChangeEvent
from remediation.models import DeadlineChange, Implementation, ProgressUpdate
from tests.api_keys import fill, record_keys
from tests.conftest import submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

NOT_OBJECTS = ["[]", '[{"comment": "x"}]', '"text"', "42", "null", "true"]
PARAMETER = re.compile(r"\{(\w+)\}")


def json_write_operations() -> list[tuple[str, str]]:
    """Every write operation of the API that takes a JSON body, as (method, path template), from the live schema."""
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    return [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in {"post", "put", "patch"}
        and "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


OPERATIONS = json_write_operations()


@pytest.fixture
def private_records(officers) -> None:
    """A progress update and a deadline change, so that the operations on them have a record to name."""
    update = submit_update(officers["okinawa"])
    DeadlineChange.objects.create(
        company=update.company,
        implementation=update.implementation,
        requested_by=update.author,
        reason="x",
        proposed_due_on="2030-01-01",
    )


def concrete(path: str) -> str:
    """The path with its record's key filled in: an existing record of the view's model (the newest)."""
    names = PARAMETER.findall(path)
    if not names:
        return path
    view = resolve(PARAMETER.sub("0", path)).func.cls
    keys = record_keys(view)
    return fill(path, keys[0] if keys else None)


def nothing_changed() -> tuple[int, int, int]:
    return ChangeEvent.objects.count(), AuthToken.objects.count(), Implementation.objects.filter(version__gt=1).count()


def test_the_schema_lists_the_write_operations_this_file_covers():
    assert len(OPERATIONS) >= 30
    assert ("post", "/api/v1/progress-updates/{id}/accept/") in OPERATIONS
    assert ("patch", "/api/v1/implementations/{id}/") in OPERATIONS


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_write_refuses_a_body_that_is_not_a_json_object(regulator_client, private_records, method, path):
    url = concrete(path)
    before = nothing_changed()
    for body in NOT_OBJECTS:
        response = getattr(regulator_client, method)(
            url, body, content_type="application/json", HTTP_IF_MATCH='"1"', HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400, (body, response.content)
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "parse_error" and problem["detail"] == "The body must be a JSON object."
    assert nothing_changed() == before


def test_an_officers_body_is_refused_before_anything_is_read(officers, client):
    client.force_login(officers["okinawa"])
    item = Implementation.objects.filter(company__code="okinawa").exclude(status="done").first()
    logged = AccessLogEntry.objects.count()
    response = client.post("/api/v1/progress-updates/", "[]", content_type="application/json", HTTP_IF_MATCH=item.etag)
    assert response.status_code == 400
    assert AccessLogEntry.objects.count() == logged  # nothing private was touched


def test_a_body_that_is_not_an_object_is_refused_before_any_record_is_read(regulator_client, private_records):
    """The refusal is the same for a record that exists and one that does not: it reads none, and logs none."""
    update = ProgressUpdate.objects.order_by("-pk").first()
    logged = AccessLogEntry.objects.count()
    for pk in (update.pk, update.pk + 10_000):
        response = regulator_client.post(
            f"/api/v1/progress-updates/{pk}/accept/", "[]", content_type="application/json", HTTP_IF_MATCH='"1"'
        )
        assert response.status_code == 400
    assert AccessLogEntry.objects.count() == logged


def nested(depth: int) -> str:
    return '{"comment": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("depth", [33, 1000, 10_000, 100_000])
def test_json_nested_too_deeply_is_refused(regulator_client, private_records, depth):
    url = concrete("/api/v1/progress-updates/{id}/accept/")
    before = nothing_changed()
    for body in (nested(depth), "[" * depth + "]" * depth):
        response = regulator_client.post(
            url, body, content_type="application/json", HTTP_IF_MATCH='"1"', HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400, response.content[:300]
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == f"The body is nested more than {MAX_NESTING} levels deep."
    assert nothing_changed() == before


def test_json_nested_up_to_the_limit_reaches_the_fields_checks(regulator_client, private_records):
    url = concrete("/api/v1/progress-updates/{id}/accept/")
    response = regulator_client.post(url, nested(MAX_NESTING), content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert "comment" in response.json()["errors"]


def test_a_json_object_is_still_taken(regulator_client):
    body = json.dumps({"code": "new-group", "name_ja": "新しいグループ", "name_en": "New group"})
    response = regulator_client.post("/api/v1/company-groups/", body, content_type="application/json")
    assert response.status_code == 201, response.content
