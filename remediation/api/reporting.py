"""Reporting duties in the API: shown on implementations and incidents, set by the regulator."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from compliance.api.conditional import expected_version
from compliance.api.fields import JapaneseDateField
from compliance.api.scoping import RegulatorOnly
from compliance.api.services import run_service
from compliance.choices import ReportingEvery, ReportingState
from remediation.selectors import attach_reporting
from remediation.services.reporting_duties import reporting_duty_set


class ReportingStandingSerializer(serializers.Serializer):
    """Where one company stands with the duty in the current period."""

    company = serializers.CharField(source="company.code")
    state = serializers.ChoiceField(choices=ReportingState.choices)
    period = serializers.CharField(source="current.label")
    period_start = serializers.DateField(source="current.start")
    period_end = serializers.DateField(source="current.end")
    missed_since = serializers.CharField(source="missed_since.label", allow_null=True)


class ReportingDutySerializer(serializers.Serializer):
    """A progress update required every month or quarter, and each company's standing with it."""

    every = serializers.ChoiceField(choices=ReportingEvery.choices)
    since = serializers.DateField()
    standings = ReportingStandingSerializer(many=True)


@extend_schema_field(ReportingDutySerializer(allow_null=True))
class ReportingDutyField(serializers.Field):
    """The item's reporting duty as the person may see it: null for a company not concerned, or no duty."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, item):
        if not hasattr(item, "reporting"):
            attach_reporting(user=self.context["request"].user, items=[item])
        if not item.reporting:
            return None
        duty = {"every": item.reporting_every, "since": item.reporting_since, "standings": item.reporting}
        return ReportingDutySerializer(duty).data


class ReportingListSerializer(serializers.ListSerializer):
    """A list of items whose reporting standings are computed for the whole page at once."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        attach_reporting(user=self.context["request"].user, items=items)
        return super().to_representation(items)


class ReportingDutyInputSerializer(serializers.Serializer):
    """What the regulator sends to require updates (`every`) or lift the duty (`every` empty)."""

    every = serializers.ChoiceField(choices=ReportingEvery.choices, allow_blank=True)
    since = JapaneseDateField(required=False, allow_null=True)


class ReportingDutyActionMixin:
    """`PUT …/{id}/reporting-duty/` for regulator staff, with If-Match set to the item's ETag."""

    @extend_schema(request=ReportingDutyInputSerializer)
    @action(detail=True, methods=["put"], url_path="reporting-duty", permission_classes=[RegulatorOnly])
    def reporting_duty(self, request, pk=None):
        """Require a progress update every month or quarter until the item closes, or lift the requirement."""
        item = self.get_object()
        payload = ReportingDutyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = expected_version(request)
        changed = run_service(
            request,
            lambda: reporting_duty_set(
                actor=request.user,
                item=item,
                item_version=version,
                every=payload.validated_data["every"],
                since=payload.validated_data.get("since"),
            ),
        )
        return Response(self.get_serializer(self.get_object()).data, headers={"ETag": changed.etag})
