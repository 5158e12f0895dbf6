"""API representations of measures and their implementations."""

from rest_framework import serializers

from cases.api.serializers import code_of
from remediation.models import Implementation, Measure, ProgressUpdate


class MeasureSerializer(serializers.HyperlinkedModelSerializer):
    case = serializers.SlugRelatedField(source="finding.case", slug_field="code", read_only=True)
    finding = serializers.HyperlinkedRelatedField(view_name="api:finding-detail", read_only=True)
    safeguard_type = code_of()
    implementations = serializers.HyperlinkedRelatedField(
        view_name="api:implementation-detail", many=True, read_only=True
    )

    class Meta:
        model = Measure
        fields = [
            "id", "url", "case", "finding", "code", "safeguard_type", "kind",
            "text_ja", "text_en", "implementations",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:measure-detail"}}


class ImplementationSerializer(serializers.HyperlinkedModelSerializer):
    measure = serializers.HyperlinkedRelatedField(view_name="api:measure-detail", read_only=True)
    measure_code = serializers.SlugRelatedField(source="measure", slug_field="code", read_only=True)
    company = code_of()

    class Meta:
        model = Implementation
        fields = [
            "id", "url", "measure", "measure_code", "company",
            "status", "due_on", "window_start", "window_end",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:implementation-detail"}}


class ProgressUpdateSerializer(serializers.HyperlinkedModelSerializer):
    company = code_of()
    implementation = serializers.HyperlinkedRelatedField(view_name="api:implementation-detail", read_only=True)
    incident = serializers.HyperlinkedRelatedField(view_name="api:incident-detail", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id", "url", "company", "implementation", "incident", "author",
            "status", "narrative", "next_milestone_on", "submitted_at",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:progressupdate-detail"}}
