"""Checks on an uploaded evidence file, before anything is stored: size, name, and type by content."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from compliance.size_limits import sizes

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv"
TEXT = "text/plain"

# The types we accept, each with the file-name endings that may carry it.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    XLSX: (".xlsx",),
    DOCX: (".docx",),
    CSV: (".csv",),
    TEXT: (".txt",),
}
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, with what we learnt of it."""

    upload: UploadedFile
    name: str
    content_type: str
    size: int
    sha256: str


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Accept a file only if its size, name and content are acceptable; otherwise say why, in the user's language."""
    name = _checked_name(upload.name or "")
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    check_size(upload, name)
    content_type = _sniff(upload)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, PNG, JPEG, Excel (.xlsx), Word (.docx), CSV or text file.") % {"name": name}
        )
    if PurePosixPath(name).suffix.lower() not in ALLOWED_TYPES[content_type]:
        raise ValidationError(
            _("“%(name)s” does not contain what its name says: its content is %(type)s.")
            % {"name": name, "type": content_type}
        )
    return CheckedUpload(upload=upload, name=name, content_type=content_type, size=upload.size, sha256=_digest(upload))


def check_size(upload: UploadedFile, name: str) -> None:
    """Refuse a file larger than EVIDENCE_MAX_BYTES (code `too_large`: the API answers it with 413)."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        size, limit = sizes(upload.size, settings.EVIDENCE_MAX_BYTES)
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.") % {"name": name, "size": size, "limit": limit},
            code="too_large",
        )


def _checked_name(raw: str) -> str:
    name = unicodedata.normalize("NFC", raw).strip()
    if not name or UNSAFE_NAME.search(name) or name.startswith(".") or ".." in name or len(name) > 200:
        raise ValidationError(
            _("The file name “%(name)s” is not allowed: use a plain name without folders or special characters.")
            % {"name": raw[:100]}
        )
    return name


def _head(upload: UploadedFile, size: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _sniff(upload: UploadedFile) -> str | None:
    """The file's type from its content alone."""
    head = _head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    if _is_text(upload):
        return CSV if PurePosixPath(upload.name or "").suffix.lower() == ".csv" else TEXT
    return None


def _office_type(upload: UploadedFile) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.startswith("word/") for n in names):
        return DOCX
    return None


def _is_text(upload: UploadedFile) -> bool:
    """UTF-8 (with or without BOM) or Shift_JIS text, without NUL bytes."""
    return any(_decodes(upload, encoding) for encoding in ("utf-8-sig", "cp932"))


def _decodes(upload: UploadedFile, encoding: str) -> bool:
    """Whether the whole file reads in `encoding`, without NUL bytes: chunk by chunk, so that a large file is never
    held in memory at once."""
    decoder = codecs.getincrementaldecoder(encoding)()
    upload.seek(0)
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def _digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
