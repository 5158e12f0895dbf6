"""Evidence up to the size README promises, by API and by page: large files stream to disk; larger ones answer 413."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from remediation.models import Evidence, Implementation, ProgressUpdate
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
API = "/api/v1"
MB = 1024 * 1024


def pdf(size: int) -> bytes:
    """A PDF of exactly `size` bytes, as the content check recognises it."""
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    return head + b"0" * (size - len(head) - len(tail)) + tail


def stored_files(settings) -> set[Path]:
    root = Path(settings.EVIDENCE_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def nothing_saved(settings) -> tuple:
    return ProgressUpdate.objects.count(), Evidence.objects.count(), stored_files(settings)


@pytest.fixture
def officer(officers) -> Client:
    return signed_in(officers["okinawa"], second_factor=False)


@pytest.fixture
def split() -> Implementation:
    return Implementation.objects.get(company__code="okinawa", measure__kind="project")


def submit(client: Client, item: Implementation, files: list, narrative: str = "証跡を添付します。", **headers):
    data = {"implementation": item.pk, "status": "in_progress", "narrative": narrative, "evidence": files}
    return client.post(f"{API}/progress-updates/", data, HTTP_IF_MATCH=f'"{item.version}"', **headers)


@pytest.mark.parametrize("size", [6 * MB, 19 * MB], ids=["6MB", "19MB"])
def test_a_large_file_is_stored_and_served_back_whole(officer, split, size):
    content = pdf(size)
    response = submit(officer, split, [SimpleUploadedFile("計画書.pdf", content)])
    assert response.status_code == 201, response.content[:500]
    evidence = Evidence.objects.get(update_id=response.json()["id"])
    assert (evidence.size, evidence.sha256) == (size, hashlib.sha256(content).hexdigest())
    download = officer.get(f"{API}/evidence/{evidence.pk}/download/")
    assert download.status_code == 200
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == evidence.sha256


def test_several_large_files_on_one_update(officer, split):
    files = [SimpleUploadedFile(f"part-{n}.pdf", pdf(6 * MB)) for n in range(3)]
    response = submit(officer, split, files)
    assert response.status_code == 201, response.content[:500]
    assert Evidence.objects.filter(update_id=response.json()["id"]).count() == 3


def test_a_file_over_the_limit_answers_413_and_saves_nothing(officer, split, settings):
    before = nothing_saved(settings)
    over = SimpleUploadedFile("big.pdf", pdf(settings.EVIDENCE_MAX_BYTES + 1))
    response = submit(officer, split, [SimpleUploadedFile("small.pdf", pdf(1000)), over], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 413 and body["code"] == "too_large"
    limit = settings.EVIDENCE_MAX_BYTES  # one byte over: shown in bytes, since 20.0 MB and 20.0 MB would read equal
    assert body["detail"] == f"“big.pdf” is {limit + 1:,} B; the limit is {limit:,} B."
    assert nothing_saved(settings) == before


def test_a_request_larger_than_any_update_answers_413_before_its_body_is_read(officer, split, settings):
    settings.EVIDENCE_MAX_BYTES = 1 * MB  # ten such files and the form's fields are all an update may carry
    before = nothing_saved(settings)
    files = [SimpleUploadedFile(f"part-{n}.pdf", pdf(MB)) for n in range(settings.EVIDENCE_MAX_FILES + 5)]
    response = submit(officer, split, files, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "larger than" in response.json()["detail"]
    assert nothing_saved(settings) == before


def test_a_json_body_over_the_data_limit_answers_413(officer, split, settings):
    narrative = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    body = {"implementation": split.pk, "status": "in_progress", "narrative": narrative}
    response = officer.post(
        f"{API}/progress-updates/", body, content_type="application/json", HTTP_IF_MATCH=f'"{split.version}"'
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert ProgressUpdate.objects.count() == 0


def test_form_fields_over_the_data_limit_answer_413(officer, split, settings):
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = submit(officer, split, [SimpleUploadedFile("a.pdf", pdf(1000))], narrative=text)
    assert response.status_code == 413 and response["Content-Type"] == "application/problem+json"
    assert ProgressUpdate.objects.count() == 0


def test_too_many_files_in_one_form_answer_400(officer, split, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"part-{n}.pdf", pdf(100)) for n in range(4)]
    response = submit(officer, split, files, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert ProgressUpdate.objects.count() == 0


def test_a_page_refuses_a_request_larger_than_any_form_with_413(officers, settings):
    settings.EVIDENCE_MAX_BYTES = 1 * MB
    officer = officers["shikoku-td"]
    item = Implementation.objects.filter(company=officer.company).exclude(status="done").first()
    files = [SimpleUploadedFile(f"part-{n}.pdf", pdf(MB)) for n in range(settings.EVIDENCE_MAX_FILES + 5)]
    client = signed_in(officer, second_factor=False)
    data = {"version": item.version, "status": item.status or "in_progress", "narrative": "x", "evidence": files}
    response = client.post(reverse("remediation:progress_update_submit", args=["implementation", item.pk]), data)
    assert response.status_code == 413
    assert "上限" in response.content.decode()
    assert ProgressUpdate.objects.count() == 0


def test_a_page_takes_a_large_file_too(officers, settings):
    officer = officers["shikoku-td"]
    item = Implementation.objects.filter(company=officer.company).exclude(status="done").first()
    content = pdf(6 * MB)
    client = signed_in(officer, second_factor=False)
    data = {"version": item.version, "status": item.status or "in_progress", "narrative": "x"}
    response = client.post(
        reverse("remediation:progress_update_submit", args=["implementation", item.pk]),
        {**data, "evidence": [SimpleUploadedFile("計画書.pdf", content)]},
    )
    assert response.status_code == 302
    assert Evidence.objects.get().sha256 == hashlib.sha256(content).hexdigest()
