"""Case files in the API, for regulator staff: `GET …/cases/{code}/export/` and `POST …/cases/import/`.

A case file holds the whole case, its measures and items with it, so the follow-up layer adds these two actions to
the cases API (`CaseViewSet` below, which the wiring registers).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse

from cases.api import views as case_views
from cases.report_format import MAX_FILE_BYTES, CaseFileError, Problem, decode_case_file
from compliance.api.fields import TextField
from compliance.api.negotiation import FileNegotiation
from compliance.api.scoping import RegulatorOnly
from remediation.case_files import MEDIA_TYPE, case_file_import
from remediation.views_case_files import case_file_response


class CaseFileParser(parsers.BaseParser):
    """A case file sent as the request body: its bytes, read up to the format's limit; the import checks the rest."""

    media_type = MEDIA_TYPE

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read(MAX_FILE_BYTES + 1)


class TextCaseFileParser(CaseFileParser):
    media_type = "text/yaml"


class BytesCaseFileParser(CaseFileParser):
    """The body as bytes, as a generated client sends a file: the import reads it as YAML all the same."""

    media_type = "application/octet-stream"


class CaseFileUploadSerializer(serializers.Serializer):
    """A case file sent as a form's file field."""

    file = serializers.FileField()


class CaseFileImportedSerializer(serializers.Serializer):
    """What an import did: the case, and the rows created or changed per kind of record."""

    case = TextField(help_text="The case's code.")
    url = serializers.URLField(help_text="The case in the API.")
    created = serializers.DictField(child=serializers.IntegerField(), help_text="Rows created, per model.")
    updated = serializers.DictField(child=serializers.IntegerField(), help_text="Rows whose content changed.")
    pending_links = serializers.ListField(
        child=TextField(),
        help_text="Codes of linked cases not in the database yet: the links are made when their files are imported.",
    )


def problems_as_errors(problems: list[Problem]) -> dict[str, dict[str, list[str]]]:
    """Every problem in the problem details' `errors`: record → field → reasons, in the file's order."""
    errors: dict[str, dict[str, list[str]]] = {}
    for problem in problems:
        errors.setdefault(problem.record, {}).setdefault(problem.field, []).append(problem.reason)
    return errors


class CaseFilesActionMixin:
    """`GET …/{code}/export/` and `POST …/import/`, for regulator staff alone (404 and a log entry for anyone else)."""

    @extend_schema(
        responses={
            (200, MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The case file (YAML, as README documents it), as a download.",
            )
        },
        description=(
            "The whole case as a case file (YAML, the format of the report's data file): the reference data it "
            "refers to, the case, its actions, findings, measures with each company's current status and dates, "
            "and its incidents, described or not (regulator staff)."
        ),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="export",
        permission_classes=[RegulatorOnly],
        content_negotiation_class=FileNegotiation,
    )
    def export(self, request, code=None):
        """The case as a case file."""
        return case_file_response(request, self.get_object())

    @extend_schema(
        # The file as the whole body (application/yaml, text/yaml, application/octet-stream) is read too; the schema
        # names the form alone, one body per operation, which every client generator can send.
        request={"multipart/form-data": CaseFileUploadSerializer},
        responses={201: CaseFileImportedSerializer, 200: CaseFileImportedSerializer},
        description=(
            "Import a case file (regulator staff): the YAML as the request body (`application/octet-stream`, "
            "`application/yaml` or `text/yaml`), or as the form field `file`. "
            "The whole file is checked first; an invalid one answers 400 with every problem in `errors` "
            "(record → field → reasons) and nothing is written. 201 when the case is new, 200 when it existed "
            "(its texts follow the file; existing items keep their status and dates)."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        permission_classes=[RegulatorOnly],
        parser_classes=[CaseFileParser, TextCaseFileParser, BytesCaseFileParser, parsers.MultiPartParser],
    )
    def import_case_file(self, request):
        """Import a case file."""
        data = request.data
        if not isinstance(data, bytes):
            upload = request.FILES.get("file")
            if upload is None:
                message = _("Send the case file as the request body (application/yaml) or as the form field `file`.")
                raise ValidationError({"file": [message]})
            data = upload.read(MAX_FILE_BYTES + 1)
        try:
            result = case_file_import(actor=request.user, text_or_path=decode_case_file(data))
        except CaseFileError as error:
            raise ValidationError(problems_as_errors(error.problems)) from None
        url = reverse("api:case-detail", kwargs={"code": result.case.code}, request=request)
        body = {
            "case": result.case.code,
            "url": url,
            "created": dict(sorted(result.created.items())),
            "updated": dict(sorted(result.updated.items())),
            "pending_links": list(result.pending_links),
        }
        created = result.created.get("cases.Case", 0) > 0
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(body, status=answer, headers={"Location": url} if created else {})


class CaseViewSet(CaseFilesActionMixin, case_views.CaseViewSet):
    __doc__ = case_views.CaseViewSet.__doc__  # the schema describes the cases endpoints by it
    # An import names a case by the code in its file, which may not exist yet.
    unconditional_actions = case_views.CaseViewSet.unconditional_actions | {"import_case_file"}
