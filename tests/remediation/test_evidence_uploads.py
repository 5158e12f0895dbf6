"""Uploads that must be refused, each with a clear message, leaving no trace at all."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from remediation.models import Evidence, Implementation, ProgressUpdate
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def stored_files(settings) -> set[Path]:
    root = Path(settings.EVIDENCE_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def post(officers, files):
    officer = officers["shikoku-td"]
    item = Implementation.objects.filter(company=officer.company).exclude(status="done").first()
    url = reverse("remediation:progress_update_submit", args=["implementation", item.pk])
    data = {"version": item.version, "status": item.status or "in_progress", "narrative": "evidence", "evidence": files}
    return signed_in(officer, second_factor=False).post(url, data)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("empty.pdf", b""), "空"),
        (SimpleUploadedFile("script.pdf", b"#!/bin/sh\nrm -rf /\n"), "内容"),
        (SimpleUploadedFile("image.pdf", PNG), "内容"),
        (SimpleUploadedFile("program.exe", b"MZ\x90\x00\x03" + b"\x00" * 64), "PDF"),
        (SimpleUploadedFile(".htaccess.pdf", PDF), "ファイル名"),
        (SimpleUploadedFile("report<script>.pdf", PDF), "ファイル名"),
    ],
    ids=["empty", "text-disguised-as-pdf", "png-disguised-as-pdf", "executable", "hidden-name", "markup-in-name"],
)
def test_a_refused_file_leaves_no_trace(officers, settings, upload, message):
    before = (ProgressUpdate.objects.count(), Evidence.objects.count(), stored_files(settings))
    # A good file beside the bad one is not kept either: the submission is refused whole.
    response = post(officers, [SimpleUploadedFile("good.pdf", PDF), upload])
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (ProgressUpdate.objects.count(), Evidence.objects.count(), stored_files(settings)) == before


def test_an_oversized_file_is_refused(officers, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    before = stored_files(settings)
    response = post(officers, [SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)])
    assert response.status_code == 400
    assert "上限" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(settings) == before


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("報告.pdf", PDF, "application/pdf"),
        ("写真.png", PNG, "image/png"),
        ("議事録.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("ログ.csv", "日付,件数\n2026-11-01,3\n".encode("cp932"), "text/csv"),
    ],
)
def test_accepted_types_are_recognised_by_content(officers, settings, name, content, content_type):
    assert post(officers, [SimpleUploadedFile(name, content)]).status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (name, content_type, len(content))
    assert Path(evidence.file.path).read_bytes() == content


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "a/../../b.pdf", "..", "C:\\x.pdf"])
def test_path_traversal_names_are_refused_by_the_check(name):
    """Django already strips folders from uploaded names; the check refuses any that still carry them."""
    from django.core.exceptions import ValidationError

    from remediation.evidence import check_upload

    upload = SimpleUploadedFile("placeholder.pdf", PDF)
    upload._name = name  # as a caller other than Django's upload parser might pass it
    with pytest.raises(ValidationError):
        check_upload(upload)


def test_a_traversal_name_sent_over_http_cannot_place_the_file_outside_the_evidence_folder(officers, settings):
    officer = officers["shikoku-td"]
    item = Implementation.objects.filter(company=officer.company).exclude(status="done").first()
    boundary = "BOUNDARY"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="version"\r\n\r\n{item.version}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="status"\r\n\r\n{item.status}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="narrative"\r\n\r\nx\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="../../../../tmp/evil.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    url = reverse("remediation:progress_update_submit", args=["implementation", item.pk])
    client = signed_in(officer, second_factor=False)
    client.post(url, body, content_type=f"multipart/form-data; boundary={boundary}")
    root = Path(settings.EVIDENCE_ROOT).resolve()
    for evidence in Evidence.objects.all():
        assert Path(evidence.file.path).resolve().is_relative_to(root)
        assert "/" not in evidence.original_name and ".." not in evidence.original_name
    assert not Path("/tmp/evil.pdf").exists()  # noqa: S108 (the path the attack aimed at)
