"""Incidents in the API with what the follow-up adds: the reporting duty, and dates set as remediation sets them."""

from __future__ import annotations

from django.db import transaction

from cases import editing
from cases.api import inputs
from cases.api import serializers as case_serializers
from cases.api import views as case_views
from compliance.api.writes import RegulatorWritesMixin, write_schema
from compliance.tracking import DATE_FIELDS, TIMING_FIELDS
from remediation.api.reporting import ReportingDutyActionMixin, ReportingDutyField, ReportingListSerializer
from remediation.editing import item_dates_set


class IncidentSerializer(case_serializers.IncidentSerializer):
    reporting_duty = ReportingDutyField()

    class Meta(case_serializers.IncidentSerializer.Meta):
        list_serializer_class = ReportingListSerializer
        fields = [
            "id", "url", "case", "pair", "pair_number", "number", "label", "described_in_report",
            "viewer", "owner", "mutual", "data_kind", "was_used", "involves_new_entrant_data",
            "summary_ja", "summary_en", "fix_ja", "fix_en",
            "status", "due_on", "window_start", "window_end",
            "deadline_text", "submitted_on", "completed_on", "reporting_duty", "version",
        ]  # fmt: skip


@write_schema(
    read=IncidentSerializer,
    create=inputs.IncidentCreateSerializer,
    update=inputs.IncidentChangeSerializer,
    created="Add an incident to a pair, within its reported total (regulator staff); it takes the next number.",
    updated=(
        "Change an incident (regulator staff), with `If-Match` set to its ETag. Dates given replace the current "
        "ones; the original dates stay."
    ),
)
class IncidentWrites(RegulatorWritesMixin):
    def create_record(self, actor, values):
        return editing.incident_create(actor=actor, **values)

    def update_record(self, actor, record, values, version):
        dates = {name: values.pop(name) for name in DATE_FIELDS if name in values}
        timing = {name: values.pop(name) for name in TIMING_FIELDS if name in values}
        with transaction.atomic():
            incident = editing.incident_update(actor=actor, incident=record, item_version=version, **values)
            if dates or timing:
                current = {name: getattr(incident, name) for name in DATE_FIELDS}
                incident = item_dates_set(
                    actor=actor, item=incident, item_version=incident.version, **{**current, **dates}, **timing
                )
            return incident


class IncidentViewSet(IncidentWrites, ReportingDutyActionMixin, case_views.IncidentViewSet):
    """Incidents found by the company-wide inspection, described or only counted by the report."""

    serializer_class = IncidentSerializer
