"""How large a request may be, and how a refusal states sizes: README promises evidence up to EVIDENCE_MAX_MB."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def request_size_limit(request: HttpRequest) -> int:
    """A form may carry the most evidence files allowed besides its fields; any other body, Django's data limit."""
    if request.content_type == "multipart/form-data":
        return settings.EVIDENCE_MAX_FILES * settings.EVIDENCE_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def declared_size(request: HttpRequest) -> int:
    """The body's size as the request declares it (Django reads no further than that)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def sizes(size: int, limit: int) -> tuple[str, str]:
    """A size and its limit for people: 21.3 MB and 20.0 MB, or in bytes where rounding would show them equal."""
    shown = filesizeformat(size), filesizeformat(limit)
    return shown if shown[0] != shown[1] else (f"{size:,} B", f"{limit:,} B")


def too_large_message(size: int | None, limit: int) -> str:
    """Why a request is refused as too large; `size` None for a form whose fields alone pass the limit."""
    if size is None:
        return _("The fields of the request are larger than the %(limit)s this site accepts.") % {
            "limit": filesizeformat(limit)
        }
    size_text, limit_text = sizes(size, limit)
    return _("The request is %(size)s, larger than the %(limit)s this site accepts.") % {
        "size": size_text,
        "limit": limit_text,
    }
