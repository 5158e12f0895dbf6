"""Conditional requests: ETag on reads, If-None-Match answered 304, If-Match required on writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = _("Send If-Match with the ETag of the record you are changing.")
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record changed since you read it. Read it again, check the change and retry.")
    default_code = "precondition_failed"


def expected_version(request) -> int:
    """The version the client says it is changing, from If-Match: "3"."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired
    try:
        return int(header.removeprefix("W/").strip('"'))
    except ValueError:
        raise PreconditionFailed from None


class ETagRetrieveMixin:
    """Retrieve answers with the record's ETag, and 304 when the client already has that version.

    A record whose version is hidden from the person (another company's) answers without an ETag: the version
    counts the record's changes.
    """

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        if record.etag is None:
            return Response(self.get_serializer(record).data)
        if request.headers.get("If-None-Match") == record.etag:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": record.etag})
        response = Response(self.get_serializer(record).data)
        response["ETag"] = record.etag
        return response
