"""What regulator staff send to open and keep a case: cases, law articles, actions, findings, incident pairs, incidents.

Related records are given by code (case, law article, company, group, safeguard type), a finding's parent by
the case's code; an incident's pair by its id. Codes are set on creation and never change.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import CaseStatus
from cases.editing import INCIDENT_FIELDS
from cases.models import (
    Authority,
    Case,
    Finding,
    Incident,
    IncidentPair,
    Instrument,
    Law,
    RegulatoryAction,
    SafeguardType,
)
from compliance.api.fields import JapaneseDateField
from compliance.api.writes import CodeRelatedField, IdRelatedField, InputSerializer
from compliance.models import Company, CompanyGroup
from compliance.tracking import DATE_FIELDS, TIMING_FIELDS


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "A reference's code, or the reference typed: 電気事業法第2条の17第1項"},
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["article"],
                "properties": {
                    "law": {"type": "string", "description": "The law's code; the case's law when left out."},
                    "article": {"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "27, 2の17"},
                    "paragraph": {"type": "integer", "minimum": 1, "nullable": True},
                    "item": {"type": "integer", "minimum": 1, "nullable": True},
                    "sub_item": {"type": "string", "nullable": True, "description": "イ, ロ, ハ…"},
                },
            },
        ]
    }
)
class LawReferenceField(serializers.Field):
    """One law reference: the code of a known one, typed text (法第27条第1項, 電気事業法第2条の17) or its parts
    ({"law": "eba", "article": "2の17", "paragraph": 1, "item": 2, "sub_item": "イ"}); read whole or refused."""

    default_error_messages = {"invalid": _("Give a law reference as a code, as text or as its parts.")}

    def to_internal_value(self, data):
        if isinstance(data, str) and data.strip():
            return data
        if isinstance(data, dict):
            return data
        self.fail("invalid")

    def to_representation(self, value):
        return value.code


def law_references(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=LawReferenceField(),
        help_text=(
            "Law references, each the code of a known one, typed text (法第27条第1項: the case's law; "
            "電気事業法第2条の17第1項第2号イ) or its parts {law, article, paragraph, item, sub_item}; "
            "a reference not known yet is added."
        ),
        **kwargs,
    )


def single_reference() -> LawReferenceField:
    return LawReferenceField(
        required=False, write_only=True, help_text="One law reference, as before findings cited several: `articles`."
    )


def one_or_many_references(attrs: dict) -> dict:
    """`article` (one reference, as clients sent before) stands for `articles` of one; not both."""
    if "article" in attrs:
        if attrs.get("articles"):
            raise serializers.ValidationError({"article": [_("Give articles, or article alone, not both.")]})
        attrs["articles"] = [attrs.pop("article")]
    return attrs


def case_code() -> CodeRelatedField:
    return CodeRelatedField(queryset=Case.objects.all(), help_text="The case's code.")


def company_codes(**kwargs) -> serializers.ManyRelatedField:
    return CodeRelatedField(queryset=Company.objects.all(), many=True, **kwargs)


def authority_codes(**kwargs) -> serializers.ManyRelatedField:
    return CodeRelatedField(queryset=Authority.objects.all(), many=True, **kwargs)


class AuthorityCreateSerializer(InputSerializer):
    """A public body: a commission, a ministry, a minister, a court…"""

    class Meta(InputSerializer.Meta):
        model = Authority
        fields = ["code", "name_ja", "name_en", "kind"]


class AuthorityChangeSerializer(InputSerializer):
    class Meta(InputSerializer.Meta):
        model = Authority
        fields = ["name_ja", "name_en", "kind", "position"]


class LawCreateSerializer(InputSerializer):
    """A law cases may be brought under: its names, short names (電気事業法) and law number."""

    class Meta(InputSerializer.Meta):
        model = Law
        fields = ["code", "name_ja", "name_en", "short_name_ja", "short_name_en", "number", "safeguards_required"]


class LawChangeSerializer(InputSerializer):
    class Meta(InputSerializer.Meta):
        model = Law
        fields = ["name_ja", "name_en", "short_name_ja", "short_name_en", "number", "safeguards_required", "position"]


class InstrumentCreateSerializer(InputSerializer):
    """An instrument a law gives the authorities (勧告, 命令, 聴聞…): the kind of a regulatory action."""

    law = CodeRelatedField(queryset=Law.objects.all(), help_text="The law's code.")

    class Meta(InputSerializer.Meta):
        model = Instrument
        fields = ["code", "law", "name_ja", "name_en"]


class InstrumentChangeSerializer(InputSerializer):
    class Meta(InputSerializer.Meta):
        model = Instrument
        fields = ["name_ja", "name_en", "position"]


class CaseOpenSerializer(InputSerializer):
    """A new case: open, or already under monitoring, brought by authorities (by default the regulator's own), under a
    law (its code) if it says which."""

    status = serializers.ChoiceField(
        choices=[CaseStatus.OPEN, CaseStatus.MONITORING], default=CaseStatus.OPEN, required=False
    )
    authorities = authority_codes(required=False, help_text="The codes of the authorities that brought the case.")
    law = CodeRelatedField(queryset=Law.objects.all(), required=False, allow_null=True, help_text="The law's code.")

    class Meta(InputSerializer.Meta):
        model = Case
        fields = [
            "code", "authorities", "title_ja", "title_en", "summary_ja", "summary_en", "status", "opened_on", "law",
        ]  # fmt: skip


class CaseChangeSerializer(InputSerializer):
    """A change to a case. `status: closed` closes it (on `closed_on`, today by default); `open` or `monitoring`
    reopens a closed one."""

    closed_on = JapaneseDateField(required=False, allow_null=True, help_text="The closing day, when closing.")
    authorities = authority_codes(help_text="The codes of the authorities that brought the case.")
    law = CodeRelatedField(queryset=Law.objects.all(), required=False, allow_null=True, help_text="The law's code.")

    class Meta(InputSerializer.Meta):
        model = Case
        fields = [
            "authorities", "title_ja", "title_en", "summary_ja", "summary_en", "status", "opened_on", "closed_on",
            "published", "status_public", "law",
        ]  # fmt: skip


class ArticleNumberField(serializers.CharField):
    """An article number with its branch numbers: 27, "27", "2の17", "2の17の2"."""

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        return super().to_internal_value(data)


def _reference_parts() -> dict:
    return {
        "law": CodeRelatedField(queryset=Law.objects.all(), required=False, help_text="The law's code: appi, eba…"),
        "article": ArticleNumberField(required=False, help_text="The article and its branch numbers: 27, 2の17."),
        "paragraph": serializers.IntegerField(required=False, allow_null=True, min_value=1, help_text="項"),
        "item": serializers.IntegerField(required=False, allow_null=True, min_value=1, help_text="号"),
        "sub_item": serializers.CharField(
            required=False, allow_null=True, allow_blank=True, help_text="イ, ロ, ハ… (いろは order)"
        ),
    }


class LawArticleCreateSerializer(serializers.Serializer):
    """A reference to a provision of any law, given by its parts or typed as text (電気事業法第2条の17第1項)."""

    code = serializers.CharField(required=False, allow_blank=True, help_text="Made from the reference when not given.")
    text = serializers.CharField(required=False, allow_blank=True, help_text="The reference typed, instead of parts.")
    title_ja = serializers.CharField(required=False, allow_blank=True, max_length=200)
    title_en = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def get_fields(self):
        return {**super().get_fields(), **_reference_parts()}


class LawArticleChangeSerializer(serializers.Serializer):
    """A correction of a reference's parts or title; its code stays."""

    title_ja = serializers.CharField(required=False, allow_blank=True, max_length=200)
    title_en = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def get_fields(self):
        return {**super().get_fields(), **_reference_parts()}


def instrument_code(**kwargs) -> CodeRelatedField:
    return CodeRelatedField(
        queryset=Instrument.objects.all(),
        source="instrument",
        help_text="The instrument's code (guidance, recommendation, order… eba-business-improvement-order…).",
        **kwargs,
    )


class RegulatoryActionCreateSerializer(InputSerializer):
    """A dated action in a case under an instrument and law references, issued by an authority (by default the case's
    first), addressed to companies and to authorities (a minister…)."""

    case = case_code()
    kind = instrument_code()
    issuer = CodeRelatedField(
        queryset=Authority.objects.all(), required=False, help_text="The code of the authority that issued it."
    )
    articles = law_references(required=False, default=list)
    addressees = company_codes(required=False, default=list)
    addressee_authorities = authority_codes(required=False, default=list)

    class Meta(InputSerializer.Meta):
        model = RegulatoryAction
        fields = [
            "case", "code", "kind", "date", "issuer", "title_ja", "title_en", "source_ja", "source_en", "articles",
            "addressees", "addressee_authorities",
        ]  # fmt: skip


class RegulatoryActionChangeSerializer(InputSerializer):
    kind = instrument_code(required=False)
    issuer = CodeRelatedField(queryset=Authority.objects.all(), required=False)
    articles = law_references(required=False)
    addressees = company_codes(required=False)
    addressee_authorities = authority_codes(required=False)

    class Meta(InputSerializer.Meta):
        model = RegulatoryAction
        fields = [
            "kind", "date", "issuer", "title_ja", "title_en", "source_ja", "source_en", "articles", "addressees",
            "addressee_authorities",
        ]  # fmt: skip


class FindingCreateSerializer(InputSerializer):
    """A finding of a case: its side, law references, safeguard types (required under 個人情報保護法) and the
    companies concerned."""

    case = case_code()
    articles = law_references(required=False, default=list)
    article = single_reference()
    safeguard_types = CodeRelatedField(queryset=SafeguardType.objects.all(), many=True, required=False, default=list)
    affected_companies = company_codes()

    class Meta(InputSerializer.Meta):
        model = Finding
        fields = [
            "case", "code", "side", "articles", "article", "safeguard_types", "affected_companies",
            "text_ja", "text_en",
        ]  # fmt: skip

    def validate(self, attrs):
        return one_or_many_references(attrs)


class FindingChangeSerializer(InputSerializer):
    articles = law_references(required=False)
    article = single_reference()
    safeguard_types = CodeRelatedField(queryset=SafeguardType.objects.all(), many=True, required=False)
    affected_companies = company_codes(required=False)

    class Meta(InputSerializer.Meta):
        model = Finding
        fields = ["side", "articles", "article", "safeguard_types", "affected_companies", "text_ja", "text_en"]

    def validate(self, attrs):
        return one_or_many_references(attrs)


class IncidentPairCreateSerializer(InputSerializer):
    """The companies of a group whose inspection found incidents, and the total the report gives."""

    case = case_code()
    group = CodeRelatedField(queryset=CompanyGroup.objects.all())
    companies = company_codes()

    class Meta(InputSerializer.Meta):
        model = IncidentPair
        fields = ["case", "group", "companies", "incident_total"]


class IncidentPairChangeSerializer(InputSerializer):
    group = CodeRelatedField(queryset=CompanyGroup.objects.all())
    companies = company_codes()

    class Meta(InputSerializer.Meta):
        model = IncidentPair
        fields = ["group", "companies", "incident_total"]


class IncidentCreateSerializer(InputSerializer):
    """An incident of a pair, described or only counted, with the status and dates its fix starts with."""

    pair = IdRelatedField(queryset=IncidentPair.objects.all(), help_text="The pair's id.")
    viewer = CodeRelatedField(queryset=Company.objects.all(), required=False, allow_null=True)
    owner = CodeRelatedField(queryset=Company.objects.all(), required=False, allow_null=True)

    class Meta(InputSerializer.Meta):
        model = Incident
        fields = ["pair", *INCIDENT_FIELDS, "status", *DATE_FIELDS]
        extra_kwargs = {"described_in_report": {"required": True}}


class IncidentChangeSerializer(InputSerializer):
    """A change to an incident; the dates given replace its current ones (its original dates stay)."""

    viewer = CodeRelatedField(queryset=Company.objects.all(), allow_null=True)
    owner = CodeRelatedField(queryset=Company.objects.all(), allow_null=True)

    class Meta(InputSerializer.Meta):
        model = Incident
        fields = [*INCIDENT_FIELDS, *DATE_FIELDS, *TIMING_FIELDS]
