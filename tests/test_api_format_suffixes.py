"""Format suffixes (`.json`, `.api`) and `?format=`: only lists and details have suffixed variants; files ignore both.

No suffix of any route answers 500; a file (evidence, a case file) is checked against the person's scope and its read
logged whatever format is asked for.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve

from compliance.models import AccessLogEntry
from config.api_urls import router
from remediation.models import DeadlineChange, Evidence
from tests.api_keys import ROUTE_GROUP as GROUP
from tests.api_keys import fill, record_keys
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
API = "/api/v1/"
PDF = b"%PDF-1.4\n%%EOF\n"
FORMATS = ["json", "api", "csv"]
METHODS = ["get", "post", "put", "patch", "delete"]


@pytest.fixture
def evidence(officers) -> Evidence:
    """Okinawa's evidence file, on an update with a deadline change beside it (the newest private records)."""
    update = submit_update(officers["okinawa"], files=[SimpleUploadedFile("plan.pdf", PDF)])
    DeadlineChange.objects.create(
        company=update.company,
        implementation=update.implementation,
        requested_by=update.author,
        reason="x",
        proposed_due_on="2030-01-01",
    )
    return update.evidence.get()


@pytest.fixture
def owner(officers) -> Client:
    return signed_in(officers["okinawa"], second_factor=False)


@pytest.fixture
def outsider(officers) -> Client:
    return signed_in(officers["kansai-td"], second_factor=False)


# Every route of the API without a suffix, as its pattern.
ROUTES = [str(url.pattern) for url in router.urls if "(?P<format>" not in str(url.pattern)]


def concrete(route: str) -> str:
    """The route's path, naming the newest record of its model (0 where there is none)."""
    template = API + route.removeprefix("^").removesuffix("$")
    if not GROUP.search(template):
        return template
    view = resolve(GROUP.sub("0", template)).func.cls
    keys = record_keys(view) if getattr(view, "queryset", None) is not None else []
    return fill(template, keys[0] if keys else None, GROUP)


def suffixed(path: str) -> list[str]:
    """The path with each format suffix, with and without the final slash, and with `?format=`."""
    stem = path.removesuffix("/")
    return [
        variant
        for file_format in FORMATS
        for variant in (f"{stem}.{file_format}", f"{stem}.{file_format}/", f"{path}?format={file_format}")
    ]


def test_the_routes_include_every_extra_action():
    assert len(ROUTES) >= 40 and r"^evidence/(?P<pk>[^/.]+)/download/$" in ROUTES


@pytest.mark.parametrize("route", ROUTES)
def test_no_suffix_of_any_route_answers_500(evidence, regulator_client, owner, route):
    path = concrete(route)
    for client in (regulator_client, owner):
        client.raise_request_exception = False
        for variant in suffixed(path):
            for method in METHODS:
                response = getattr(client, method)(variant, HTTP_IF_MATCH='"1"')
                assert response.status_code < 500, (method, variant, response.status_code)


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_downloads_suffixed_variant_does_not_exist(evidence, owner, file_format):
    response = owner.get(f"{API}evidence/{evidence.pk}/download.{file_format}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_download_ignores_the_format_asked_for_after_checking_scope_and_logging(
    evidence, owner, outsider, file_format
):
    url = f"{API}evidence/{evidence.pk}/download/?format={file_format}"
    response = owner.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    read = AccessLogEntry.objects.order_by("-id").first()
    assert (read.action, read.object_type, read.object_id) == ("read", "remediation.evidence", str(evidence.pk))

    refused = outsider.get(url)
    assert refused.status_code == 404 and refused["Content-Type"] == "application/problem+json"
    denied = AccessLogEntry.objects.order_by("-id").first()
    assert (denied.action, denied.username) == ("denied", "officer-kansai-td")
    assert denied.object_type == "remediation.evidence" and denied.object_id == f"pk={evidence.pk}"


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_a_case_file_ignores_the_format_asked_for(case, regulator_client, file_format):
    assert regulator_client.get(f"{API}cases/{case.code}/export.{file_format}").status_code == 404
    response = regulator_client.get(f"{API}cases/{case.code}/export/", {"format": file_format})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/yaml")


def test_lists_and_details_keep_their_json_suffix_and_its_links_work(evidence, owner):
    listed = owner.get(f"{API}evidence.json")
    assert listed.status_code == 200
    detail = owner.get(f"{API}evidence/{evidence.pk}.json")
    assert detail.status_code == 200
    link = detail.json()["download"]
    assert link.endswith(f"/evidence/{evidence.pk}/download/")
    assert owner.get(link).status_code == 200


def test_a_suffixed_detail_checks_scope_and_logs_first(evidence, outsider):
    update = evidence.update
    response = outsider.get(f"{API}progress-updates/{update.pk}.json")
    assert response.status_code == 404
    denied = AccessLogEntry.objects.order_by("-id").first()
    assert (denied.action, denied.object_type) == ("denied", "remediation.progressupdate")
