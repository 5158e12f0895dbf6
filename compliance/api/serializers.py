"""API representations of companies and groups."""

from drf_spectacular.utils import extend_schema_field
from knox.models import AuthToken
from rest_framework import serializers

from compliance.api.model_serializers import FieldsBuiltOnce, HyperlinkedModelSerializer
from compliance.models import AccessAnomaly, AccessLogEntry, Company, CompanyGroup


class CompanyGroupSerializer(HyperlinkedModelSerializer):
    """A corporate group of companies."""

    class Meta:
        model = CompanyGroup
        fields = ["id", "url", "code", "name_ja", "name_en", "version"]
        extra_kwargs = {"url": {"view_name": "api:companygroup-detail", "lookup_field": "code"}}


class CompanySerializer(HyperlinkedModelSerializer):
    """A company under supervision, or a contractor a case names."""

    group = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Company
        fields = ["id", "url", "code", "name_ja", "name_en", "kind", "group", "version"]
        extra_kwargs = {"url": {"view_name": "api:company-detail", "lookup_field": "code"}}


class RecordReadSerializer(serializers.Serializer):
    """One record a read entry read: its type (`remediation.progressupdate`), its key, and its company's id."""

    type = serializers.CharField()
    id = serializers.CharField()
    company = serializers.IntegerField(allow_null=True)


@extend_schema_field(RecordReadSerializer(many=True))
class RecordsReadField(serializers.ReadOnlyField):
    """The records an entry read, as the log stores them (`compliance.audit.read_record`): each copied as the three
    fields `RecordReadSerializer` describes, without a serializer per record (an entry may name thousands)."""

    def to_representation(self, records: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{"type": record["type"], "id": str(record["id"]), "company": record["company"]} for record in records]


class AccessLogEntrySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """One access log entry, with the hash that chains it.

    A read is one entry per request: `records` lists every record it read; `object_type`, `object_id` and
    `object_company_id` name the one record it read, or what all its records share (blank where they differ).
    """

    records = RecordsReadField()

    class Meta:
        model = AccessLogEntry
        fields = [
            "id", "at", "user", "username", "user_company_id", "action", "object_type", "object_id",
            "object_company_id", "records", "method", "path", "ip_address", "user_agent", "previous_hash", "entry_hash",
        ]  # fmt: skip
        # Always given; empty for the few seconds before the sequencer chains the entry (compliance/access_chain.py).
        extra_kwargs = {"previous_hash": {"required": True}, "entry_hash": {"required": True}}


class ChangeEventSerializer(serializers.Serializer):
    """One recorded change: which record, when, by whom, and the fields before and after."""

    id = serializers.CharField(source="pgh_slug")
    at = serializers.DateTimeField(source="pgh_created_at")
    label = serializers.CharField(source="pgh_label")
    record_type = serializers.CharField(source="pgh_obj_model")
    record_id = serializers.CharField(source="pgh_obj_id", allow_null=True)
    user = serializers.IntegerField(source="user_id", allow_null=True)
    url = serializers.CharField(allow_null=True)
    data = serializers.JSONField(source="pgh_data")
    diff = serializers.JSONField(source="pgh_diff", allow_null=True)


class AccessAnomalySerializer(serializers.ModelSerializer):
    """A pattern in the access log worth a look (regulator staff): its kind, person, day and the reads it counts."""

    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    company = serializers.SlugRelatedField(source="user.company", slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = AccessAnomaly
        fields = ["id", "kind", "user", "company", "day", "count", "baseline", "detected_at"]


class ApiTokenSerializer(serializers.ModelSerializer):
    """A person's API token, as listed: never the token itself, which is shown once at creation."""

    key = serializers.CharField(source="token_key", read_only=True)

    class Meta:
        model = AuthToken
        fields = ["key", "created", "expiry"]
