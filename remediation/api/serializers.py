"""API representations of measures and their implementations."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import code_of
from compliance.api.errors import PayloadTooLarge
from compliance.api.fields import (
    FileLinkField,
    HyperlinkedRelatedField,
    JapaneseDateField,
    TextField,
    listed_many,
)
from compliance.api.model_serializers import HyperlinkedModelSerializer
from compliance.choices import ItemStatus
from remediation.api.reporting import ReportingDutyField, ReportingListSerializer
from remediation.evidence import check_size
from remediation.models import DeadlineChange, Evidence, Implementation, Measure, ProgressUpdate, Reminder, Review


class MeasureSerializer(HyperlinkedModelSerializer):
    """What a finding requires companies to do, and by when."""

    case = serializers.SlugRelatedField(source="finding.case", slug_field="code", read_only=True)
    finding = HyperlinkedRelatedField(view_name="api:finding-detail", read_only=True)
    finding_code = serializers.SlugRelatedField(
        source="finding", slug_field="code", read_only=True, help_text="The code of the measure's finding."
    )
    safeguard_type = code_of()
    implementations = listed_many(HyperlinkedRelatedField(view_name="api:implementation-detail", read_only=True))

    class Meta:
        model = Measure
        fields = [
            "id", "url", "case", "finding", "finding_code", "code", "safeguard_type", "kind",
            "text_ja", "text_en", "deadline_text", "submitted_on", "completed_on", "implementations", "version",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:measure-detail"}}


class ImplementationSerializer(HyperlinkedModelSerializer):
    """A measure as one company carries it out: status, current and original dates, version (ETag)."""

    case = serializers.SlugRelatedField(
        source="measure.finding.case", slug_field="code", read_only=True, help_text="The code of the measure's case."
    )
    finding_code = serializers.SlugRelatedField(
        source="measure.finding", slug_field="code", read_only=True, help_text="The code of the measure's finding."
    )
    measure = HyperlinkedRelatedField(view_name="api:measure-detail", read_only=True)
    measure_code = serializers.SlugRelatedField(source="measure", slug_field="code", read_only=True)
    company = code_of()
    slippage_days = serializers.IntegerField(read_only=True, allow_null=True)
    reporting_duty = ReportingDutyField()

    class Meta:
        model = Implementation
        list_serializer_class = ReportingListSerializer
        fields = [
            "id", "url", "case", "finding_code", "measure", "measure_code", "company",
            "status", "due_on", "window_start", "window_end",
            "baseline_due_on", "baseline_window_start", "baseline_window_end", "slippage_days",
            "deadline_text", "submitted_on", "completed_on", "reporting_duty", "version",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:implementation-detail"}}


class ProgressUpdateSerializer(HyperlinkedModelSerializer):
    """A company's report of progress on an item, with its evidence and review state."""

    company = code_of()
    implementation = HyperlinkedRelatedField(view_name="api:implementation-detail", read_only=True, allow_null=True)
    incident = HyperlinkedRelatedField(view_name="api:incident-detail", read_only=True, allow_null=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    in_reply_to = HyperlinkedRelatedField(view_name="api:progressupdate-detail", read_only=True, allow_null=True)
    review = HyperlinkedRelatedField(view_name="api:review-detail", read_only=True, allow_null=True)
    evidence = listed_many(HyperlinkedRelatedField(view_name="api:evidence-detail", read_only=True))

    class Meta:
        model = ProgressUpdate
        fields = [
            "id", "url", "company", "implementation", "incident", "author",
            "status", "narrative", "next_milestone_on", "submitted_at",
            "review_state", "in_reply_to", "version", "review", "evidence",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:progressupdate-detail"}}


class EvidenceSerializer(HyperlinkedModelSerializer):
    """A file submitted with a progress update: its name, type, size and hash; the content is downloaded."""

    company = code_of()
    update = HyperlinkedRelatedField(view_name="api:progressupdate-detail", read_only=True)
    download = FileLinkField(view_name="api:evidence-download")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "url",
            "company",
            "update",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download",
        ]
        extra_kwargs = {"url": {"view_name": "api:evidence-detail"}}


class ReviewSerializer(HyperlinkedModelSerializer):
    """The regulator's decision on a progress update: accepted, or more information asked for."""

    company = code_of()
    update = HyperlinkedRelatedField(view_name="api:progressupdate-detail", read_only=True)
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "url", "company", "update", "reviewer", "decision", "comment", "reviewed_at"]
        extra_kwargs = {"url": {"view_name": "api:review-detail"}}


class EvidenceFileField(serializers.FileField):
    """An evidence file; one over the size limit answers 413 at once (the service checks the rest)."""

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        try:
            check_size(upload, upload.name)
        except DjangoValidationError as error:
            raise PayloadTooLarge(error.messages[0]) from None
        return upload


class ProgressUpdateInputSerializer(serializers.Serializer):
    """What an officer sends to submit an update; the item's ETag goes in If-Match."""

    implementation = serializers.IntegerField(required=False, allow_null=True)
    incident = serializers.IntegerField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    narrative = serializers.CharField(max_length=20000)
    next_milestone_on = JapaneseDateField(required=False, allow_null=True)
    in_reply_to = serializers.IntegerField(required=False, allow_null=True)
    evidence = serializers.ListField(child=EvidenceFileField(), required=False, max_length=10)

    def validate(self, attrs):
        if bool(attrs.get("implementation")) == bool(attrs.get("incident")):
            raise serializers.ValidationError(_("Give exactly one of implementation or incident."))
        return attrs


class CommentSerializer(serializers.Serializer):
    """A reviewer's comment; required when asking for more or refusing."""

    comment = TextField(max_length=20000, required=False, allow_blank=True, default="")


class DeadlineChangeSerializer(HyperlinkedModelSerializer):
    """A company's request to move an item's date, and the regulator's decision on it."""

    company = code_of()
    implementation = HyperlinkedRelatedField(view_name="api:implementation-detail", read_only=True, allow_null=True)
    incident = HyperlinkedRelatedField(view_name="api:incident-detail", read_only=True, allow_null=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = DeadlineChange
        fields = [
            "id", "url", "company", "implementation", "incident", "requested_by", "reason",
            "previous_due_on", "previous_window_end", "proposed_due_on", "proposed_window_end",
            "state", "decided_by", "decided_at", "decision_comment", "requested_at", "version",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:deadlinechange-detail"}}


class DeadlineChangeInputSerializer(serializers.Serializer):
    """What an officer sends to ask for a new date; the item's ETag goes in If-Match."""

    implementation = serializers.IntegerField(required=False, allow_null=True)
    incident = serializers.IntegerField(required=False, allow_null=True)
    proposed = JapaneseDateField()
    reason = TextField(max_length=20000)

    def validate(self, attrs):
        if bool(attrs.get("implementation")) == bool(attrs.get("incident")):
            raise serializers.ValidationError(_("Give exactly one of implementation or incident."))
        return attrs


class ReminderSerializer(HyperlinkedModelSerializer):
    """A follow-up reminder sent (or planned) for an open item, and to whom."""

    company = code_of()
    implementation = HyperlinkedRelatedField(view_name="api:implementation-detail", read_only=True, allow_null=True)
    incident = HyperlinkedRelatedField(view_name="api:incident-detail", read_only=True, allow_null=True)
    recipients = listed_many(serializers.SlugRelatedField(slug_field="username", read_only=True))

    class Meta:
        model = Reminder
        fields = [
            "id", "url", "company", "implementation", "incident", "rule", "period", "planned_for",
            "escalation", "sent_at", "addressed_on", "late", "recipients", "acted_on_at",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:reminder-detail"}}
