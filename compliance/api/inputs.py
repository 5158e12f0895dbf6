"""What regulator staff send to add companies and groups that cases name and the product does not know yet."""

from rest_framework import serializers

from compliance.api.writes import CodeRelatedField, InputSerializer
from compliance.models import Company, CompanyGroup


class CompanyGroupCreateSerializer(InputSerializer):
    """A corporate group; it goes last in the list of groups."""

    class Meta(InputSerializer.Meta):
        model = CompanyGroup
        fields = ["code", "name_ja", "name_en"]


class CompanyGroupChangeSerializer(InputSerializer):
    class Meta(InputSerializer.Meta):
        model = CompanyGroup
        fields = ["name_ja", "name_en", "position"]


class CompanyCreateSerializer(InputSerializer):
    """A company under supervision, or a contractor; it goes last in the list of companies."""

    group = CodeRelatedField(queryset=CompanyGroup.objects.all(), required=False, allow_null=True, default=None)

    class Meta(InputSerializer.Meta):
        model = Company
        fields = ["code", "name_ja", "name_en", "kind", "group"]


class CompanyChangeSerializer(InputSerializer):
    group = CodeRelatedField(queryset=CompanyGroup.objects.all(), allow_null=True)

    class Meta(InputSerializer.Meta):
        model = Company
        fields = ["name_ja", "name_en", "kind", "group", "position"]


class ApiTokenCreateSerializer(serializers.Serializer):
    """What creating a token may carry: the current code of an authenticator app, when signing in by password."""

    code = serializers.RegexField(r"^\d{6}$", required=False, help_text="The six digits your authenticator app shows.")
