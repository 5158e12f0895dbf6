"""API of measures, implementations, and the progress workflow (updates, reviews, evidence, deadlines)."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from cases.models import Incident
from compliance.api.conditional import ETagRetrieveMixin, expected_version
from compliance.api.fields import codes_of, listed, listed_columns
from compliance.api.negotiation import FileNegotiation
from compliance.api.parsers import JSONObjectParser
from compliance.api.scoping import RegulatorOnly, ScopedReadOnlyViewSet
from compliance.api.services import run_service
from compliance.audit import record_label
from compliance.guards import get_visible_or_404
from remediation.api.reporting import ReportingDutyActionMixin
from remediation.api.serializers import (
    CommentSerializer,
    DeadlineChangeInputSerializer,
    DeadlineChangeSerializer,
    EvidenceSerializer,
    ImplementationSerializer,
    MeasureSerializer,
    ProgressUpdateInputSerializer,
    ProgressUpdateSerializer,
    ReminderSerializer,
    ReviewSerializer,
)
from remediation.api.writes import ImplementationWrites, MeasureWrites
from remediation.evidence import ALLOWED_TYPES
from remediation.models import DeadlineChange, Evidence, Implementation, Measure, ProgressUpdate, Reminder, Review
from remediation.progress_update_views import evidence_file_response
from remediation.services.deadline_changes import deadline_change_decide, deadline_change_request
from remediation.services.progress_updates import (
    progress_update_accept,
    progress_update_request_info,
    progress_update_submit,
)

# From a row about an item (an update, a deadline change, a reminder) to the item's case: `case` filters by it.
ITEM_CASE = ("implementation__measure__finding__case", "incident__pair__case")


def item_from(request, data: dict):
    """The implementation or incident a request names, looked up through the scoping rule."""
    if data.get("implementation"):
        return get_visible_or_404(request, Implementation.objects.all(), pk=data["implementation"])
    return get_visible_or_404(request, Incident.objects.all(), pk=data["incident"])


class MeasureViewSet(MeasureWrites, ScopedReadOnlyViewSet):
    """Improvement measures, one per bullet under a finding."""

    queryset = Measure.objects.select_related("finding__case", "safeguard_type").prefetch_related(
        listed("implementations")
    )
    serializer_class = MeasureSerializer
    case_paths = ("finding__case",)
    lookup_fields = ("finding__case__code", "finding__code", "code")
    filterset_fields = {
        "finding__side": ["exact"],
        "finding__articles__code": ["exact"],
        "safeguard_type__code": ["exact"],
        "kind": ["exact"],
        "implementers__code": ["exact"],
        "implementers__group__code": ["exact"],
    }


class ImplementationViewSet(ImplementationWrites, ReportingDutyActionMixin, ETagRetrieveMixin, ScopedReadOnlyViewSet):
    """Each measure as carried out by one company: status, current and original dates, version (ETag)."""

    # The measure is shown by its codes and its link, read with each row, no more; the company by its code (its row
    # joined, for the standings of a reporting duty).
    queryset = codes_of(Implementation.objects.all(), "company")
    codes_read_along = ("measure__finding__case",)
    serializer_class = ImplementationSerializer
    case_paths = ("measure__finding__case",)
    filterset_fields = {
        "measure__finding__side": ["exact"],
        "measure__finding__articles__code": ["exact"],
        "measure__safeguard_type__code": ["exact"],
        "measure__kind": ["exact"],
        "company__code": ["exact"],
        "company__group__code": ["exact"],
        "status": ["exact"],
        "reporting_every": ["exact"],
        "window_end": ["gte", "lte"],
        "due_on": ["gte", "lte"],
    }
    ordering_fields = ["due_on", "window_end", "status"]


class ProgressUpdateViewSet(ETagRetrieveMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Progress updates: private to the company that submitted them, and to the regulator.

    An officer submits with `If-Match` set to the item's ETag; the regulator accepts or asks for more
    with `If-Match` set to the update's ETag. A stale ETag answers 412 and changes nothing.
    """

    # The item and the update replied to are links by id: their rows are not joined (the review, a link too, is found
    # from its side, by a join); of the evidence, the ids alone are read.
    queryset = (
        codes_of(ProgressUpdate.objects.all(), "company")
        .select_related("author", "review")
        .prefetch_related(listed_columns(ProgressUpdate, "evidence"))
    )
    serializer_class = ProgressUpdateSerializer
    parser_classes = [JSONObjectParser, MultiPartParser]  # evidence comes as files
    # A review answers with the review, a record of its own, not the update's new version (read the update again).
    answers_without_etag = frozenset({"accept", "request_info"})
    case_paths = ITEM_CASE
    filterset_fields = {
        "company__code": ["exact"],
        "company__group__code": ["exact"],
        "implementation__measure__finding__side": ["exact"],
        "implementation__measure__safeguard_type__code": ["exact"],
        "status": ["exact"],
        "review_state": ["exact"],
        "submitted_at": ["gte", "lte"],
        "implementation": ["exact"],
        "incident": ["exact"],
    }
    ordering_fields = ["submitted_at"]

    # Documented as a form alone, which carries the evidence files; the same fields in JSON are read too.
    @extend_schema(
        request={"multipart/form-data": ProgressUpdateInputSerializer}, responses={201: ProgressUpdateSerializer}
    )
    def create(self, request, *args, **kwargs):
        version = expected_version(request)  # 428 without it, whatever the body says
        # Read as sent, never copied: a copy of a form deep-copies its files, and a file large enough to wait on disk
        # cannot be copied. A form's `evidence` lists every file sent under that name.
        payload = ProgressUpdateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        item = item_from(request, values)
        reply_to = None
        if values.get("in_reply_to"):
            reply_to = get_visible_or_404(request, ProgressUpdate.objects.all(), pk=values["in_reply_to"])

        def submit_and_answer() -> tuple[ProgressUpdate, dict]:
            # The answer is read in the same transaction as the write: an update is saved only if its answer could
            # be built, so that an officer never gets an error for an update that was in fact saved.
            with transaction.atomic():
                update = progress_update_submit(
                    actor=request.user,
                    item=item,
                    item_version=version,
                    status=values["status"],
                    narrative=values["narrative"],
                    next_milestone_on=values.get("next_milestone_on"),
                    files=values.get("evidence", []),
                    in_reply_to=reply_to,
                )
                return update, ProgressUpdateSerializer(update, context=self.get_serializer_context()).data

        update, body = run_service(request, submit_and_answer, record_label(type(item)), item.pk)
        return Response(body, status=status.HTTP_201_CREATED, headers={"ETag": update.etag})

    def _review(self, request, review) -> Response:
        update = self.get_object()
        payload = CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = expected_version(request)
        result = run_service(
            request,
            lambda: review(
                actor=request.user, update=update, update_version=version, comment=payload.validated_data["comment"]
            ),
        )
        return Response(ReviewSerializer(result, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=CommentSerializer, responses={201: ReviewSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RegulatorOnly], parser_classes=[JSONObjectParser])
    def accept(self, request, pk=None):
        """Accept the update: the item takes the reported status."""
        return self._review(request, progress_update_accept)

    @extend_schema(request=CommentSerializer, responses={201: ReviewSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="request-info",
        permission_classes=[RegulatorOnly],
        parser_classes=[JSONObjectParser],
    )
    def request_info(self, request, pk=None):
        """Ask for more information: the officer answers with a new update `in_reply_to` this one."""
        return self._review(request, progress_update_request_info)


class ReviewViewSet(ScopedReadOnlyViewSet):
    """The regulator's decisions on updates: private to the update's company and the regulator."""

    queryset = codes_of(Review.objects.all(), "company").select_related("reviewer")
    serializer_class = ReviewSerializer
    case_paths = tuple(f"update__{path}" for path in ITEM_CASE)
    filterset_fields = {
        "company__code": ["exact"],
        "company__group__code": ["exact"],
        "decision": ["exact"],
        "reviewed_at": ["gte", "lte"],
    }
    ordering_fields = ["reviewed_at"]


class EvidenceViewSet(ScopedReadOnlyViewSet):
    """Evidence files: their description here, their content through `download` (scoped and logged)."""

    queryset = codes_of(Evidence.objects.all(), "company")
    serializer_class = EvidenceSerializer
    case_paths = tuple(f"update__{path}" for path in ITEM_CASE)
    filterset_fields = {
        "company__code": ["exact"],
        "update": ["exact"],
        "content_type": ["exact"],
        "uploaded_at": ["gte", "lte"],
    }

    @extend_schema(responses={(200, content_type): OpenApiTypes.BINARY for content_type in ALLOWED_TYPES})
    @action(detail=True, methods=["get"], content_negotiation_class=FileNegotiation)
    def download(self, request, pk=None):
        """The file itself, as an attachment."""
        return evidence_file_response(self.get_object())


class DeadlineChangeViewSet(ETagRetrieveMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Requests to move a due date or a window: officers ask (If-Match: the item's ETag), the regulator
    approves or refuses (If-Match: the request's ETag). The original dates stay as the baseline."""

    queryset = codes_of(DeadlineChange.objects.all(), "company").select_related("requested_by", "decided_by")
    serializer_class = DeadlineChangeSerializer
    case_paths = ITEM_CASE
    filterset_fields = {
        "company__code": ["exact"],
        "company__group__code": ["exact"],
        "state": ["exact"],
        "requested_at": ["gte", "lte"],
    }
    ordering_fields = ["requested_at", "decided_at"]

    @extend_schema(request=DeadlineChangeInputSerializer, responses={201: DeadlineChangeSerializer})
    def create(self, request, *args, **kwargs):
        version = expected_version(request)  # 428 without it, whatever the body says
        payload = DeadlineChangeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        item = item_from(request, values)
        change = run_service(
            request,
            lambda: deadline_change_request(
                actor=request.user,
                item=item,
                item_version=version,
                proposed=values["proposed"],
                reason=values["reason"],
            ),
            record_label(type(item)),
            item.pk,
        )
        body = DeadlineChangeSerializer(change, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"ETag": change.etag})

    def _decide(self, request, approve: bool) -> Response:
        change = self.get_object()
        payload = CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = expected_version(request)
        decided = run_service(
            request,
            lambda: deadline_change_decide(
                actor=request.user,
                change=change,
                change_version=version,
                approve=approve,
                comment=payload.validated_data["comment"],
            ),
        )
        body = DeadlineChangeSerializer(decided, context=self.get_serializer_context()).data
        return Response(body, headers={"ETag": decided.etag})

    @extend_schema(request=CommentSerializer, responses={200: DeadlineChangeSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RegulatorOnly])
    def approve(self, request, pk=None):
        """Approve: the item's date moves to the proposed one."""
        return self._decide(request, approve=True)

    @extend_schema(request=CommentSerializer, responses={200: DeadlineChangeSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RegulatorOnly])
    def refuse(self, request, pk=None):
        """Refuse, saying why: the item keeps its date."""
        return self._decide(request, approve=False)


class ReminderViewSet(ScopedReadOnlyViewSet):
    """The reminder ledger: private to the company reminded, and to the regulator."""

    queryset = codes_of(Reminder.objects.all(), "company").prefetch_related(listed("recipients"))
    serializer_class = ReminderSerializer
    case_paths = ITEM_CASE
    filterset_fields = {
        "company__code": ["exact"],
        "company__group__code": ["exact"],
        "rule": ["exact"],
        "late": ["exact"],
        "escalation": ["exact", "gte"],
        "planned_for": ["gte", "lte"],
    }
    ordering_fields = ["planned_for", "sent_at"]
