"""What regulator staff send to open and keep a case: cases, law articles, actions, findings, incident pairs, incidents.

Related records are given by code (case, law article, company, group, safeguard type), a finding's parent by
the case's code; an incident's pair by its id. Codes are set on creation and never change.
"""

from rest_framework import serializers

from cases.choices import CaseStatus
from cases.editing import INCIDENT_FIELDS
from cases.models import Authority, Case, Finding, Incident, IncidentPair, LawArticle, RegulatoryAction, SafeguardType
from compliance.api.fields import JapaneseDateField
from compliance.api.writes import CodeRelatedField, IdRelatedField, InputSerializer
from compliance.models import Company, CompanyGroup
from compliance.tracking import DATE_FIELDS, TIMING_FIELDS


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


class CaseOpenSerializer(InputSerializer):
    """A new case: open, or already under monitoring, brought by authorities (by default the regulator's own)."""

    status = serializers.ChoiceField(
        choices=[CaseStatus.OPEN, CaseStatus.MONITORING], default=CaseStatus.OPEN, required=False
    )
    authorities = authority_codes(required=False, help_text="The codes of the authorities that brought the case.")

    class Meta(InputSerializer.Meta):
        model = Case
        fields = ["code", "authorities", "title_ja", "title_en", "summary_ja", "summary_en", "status", "opened_on"]


class CaseChangeSerializer(InputSerializer):
    """A change to a case. `status: closed` closes it (on `closed_on`, today by default); `open` or `monitoring`
    reopens a closed one."""

    closed_on = JapaneseDateField(required=False, allow_null=True, help_text="The closing day, when closing.")
    authorities = authority_codes(help_text="The codes of the authorities that brought the case.")

    class Meta(InputSerializer.Meta):
        model = Case
        fields = [
            "authorities", "title_ja", "title_en", "summary_ja", "summary_en", "status", "opened_on", "closed_on",
            "published", "status_public",
        ]  # fmt: skip


class LawArticleCreateSerializer(InputSerializer):
    """An article of any law: APPI, the Electricity Business Act…"""

    class Meta(InputSerializer.Meta):
        model = LawArticle
        fields = ["code", "law_ja", "law_en", "article", "paragraph", "title_ja", "title_en"]


class LawArticleChangeSerializer(InputSerializer):
    class Meta(InputSerializer.Meta):
        model = LawArticle
        fields = ["law_ja", "law_en", "article", "paragraph", "title_ja", "title_en"]


class RegulatoryActionCreateSerializer(InputSerializer):
    """A dated action in a case, issued by an authority (by default the case's first), under law articles, addressed
    to companies and to authorities (a minister…)."""

    case = case_code()
    issuer = CodeRelatedField(
        queryset=Authority.objects.all(), required=False, help_text="The code of the authority that issued it."
    )
    articles = CodeRelatedField(queryset=LawArticle.objects.all(), many=True, required=False, default=list)
    addressees = company_codes(required=False, default=list)
    addressee_authorities = authority_codes(required=False, default=list)

    class Meta(InputSerializer.Meta):
        model = RegulatoryAction
        fields = [
            "case", "code", "kind", "date", "issuer", "title_ja", "title_en", "source_ja", "source_en", "articles",
            "addressees", "addressee_authorities",
        ]  # fmt: skip


class RegulatoryActionChangeSerializer(InputSerializer):
    issuer = CodeRelatedField(queryset=Authority.objects.all())
    articles = CodeRelatedField(queryset=LawArticle.objects.all(), many=True)
    addressees = company_codes()
    addressee_authorities = authority_codes()

    class Meta(InputSerializer.Meta):
        model = RegulatoryAction
        fields = [
            "kind", "date", "issuer", "title_ja", "title_en", "source_ja", "source_en", "articles", "addressees",
            "addressee_authorities",
        ]  # fmt: skip


class FindingCreateSerializer(InputSerializer):
    """A finding of a case: its side, law article, safeguard types and the companies concerned."""

    case = case_code()
    article = CodeRelatedField(queryset=LawArticle.objects.all())
    safeguard_types = CodeRelatedField(queryset=SafeguardType.objects.all(), many=True)
    affected_companies = company_codes()

    class Meta(InputSerializer.Meta):
        model = Finding
        fields = ["case", "code", "side", "article", "safeguard_types", "affected_companies", "text_ja", "text_en"]


class FindingChangeSerializer(InputSerializer):
    article = CodeRelatedField(queryset=LawArticle.objects.all())
    safeguard_types = CodeRelatedField(queryset=SafeguardType.objects.all(), many=True)
    affected_companies = company_codes()

    class Meta(InputSerializer.Meta):
        model = Finding
        fields = ["side", "article", "safeguard_types", "affected_companies", "text_ja", "text_en"]


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
