"""API representations of cases, actions, law articles, safeguard types, findings and incidents."""

from rest_framework import serializers

from cases.models import (
    Authority,
    Case,
    Finding,
    Incident,
    IncidentPair,
    Instrument,
    Law,
    LawArticle,
    RegulatoryAction,
    SafeguardType,
)
from compliance.api.fields import (
    CodeListField,
    HyperlinkedRelatedField,
    ListedManyRelatedField,
    listed_many,
)
from compliance.api.model_serializers import HyperlinkedModelSerializer


def code_list(**kwargs) -> serializers.SlugRelatedField:
    """A to-many relation shown as the codes of the related rows."""
    return CodeListField(
        child_relation=serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs), read_only=True
    )


def code_of(**kwargs) -> serializers.SlugRelatedField:
    """A to-one relation shown as the code of the related row."""
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


class WrittenOut(serializers.CharField):
    """A stored number shown as people write it (2の17, イ): its source stays the field, for the field wall."""

    reads_row = True  # from the row's property, not straight from the column

    def __init__(self, written: str, **kwargs) -> None:
        self.written = written
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.written)


class LawSerializer(HyperlinkedModelSerializer):
    """A law cases cite: its names and number."""

    class Meta:
        model = Law
        fields = [
            "id", "url", "code", "name_ja", "name_en", "short_name_ja", "short_name_en", "number",
            "safeguards_required", "version",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:law-detail", "lookup_field": "code"}}


class InstrumentSerializer(HyperlinkedModelSerializer):
    """A kind of action a law provides for (guidance, recommendation, order, report request…)."""

    law = code_of()

    class Meta:
        model = Instrument
        fields = ["id", "url", "code", "law", "name_ja", "name_en", "version"]
        extra_kwargs = {"url": {"view_name": "api:instrument-detail", "lookup_field": "code"}}


class LawArticleSerializer(HyperlinkedModelSerializer):
    """A provision of a law (article, paragraph, item) that findings and actions cite."""

    law = code_of()
    law_ja = serializers.CharField(source="law.name_ja", read_only=True)
    law_en = serializers.CharField(source="law.name_en", read_only=True)
    article = WrittenOut("article_text", help_text="With its branch numbers: 2の17.")
    sub_item = WrittenOut("sub_item_kana", help_text="イ, ロ, ハ…, or empty.")
    reference_ja = serializers.CharField(read_only=True)
    reference_en = serializers.CharField(read_only=True)

    class Meta:
        model = LawArticle
        fields = [
            "id", "url", "code", "law", "law_ja", "law_en", "article", "paragraph", "item", "sub_item",
            "reference_ja", "reference_en", "title_ja", "title_en", "version",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:lawarticle-detail", "lookup_field": "code"}}


class SafeguardTypeSerializer(HyperlinkedModelSerializer):
    """A category of safeguard from the personal-data law's guidelines, which measures are grouped by."""

    class Meta:
        model = SafeguardType
        fields = ["id", "url", "code", "name_ja", "name_en"]
        extra_kwargs = {"url": {"view_name": "api:safeguardtype-detail", "lookup_field": "code"}}


class AuthoritySerializer(HyperlinkedModelSerializer):
    """A body that acts in cases: a commission, a ministry, a minister, a court."""

    class Meta:
        model = Authority
        fields = ["id", "url", "code", "name_ja", "name_en", "kind", "position", "version"]
        extra_kwargs = {"url": {"view_name": "api:authority-detail", "lookup_field": "code"}}


class CaseSerializer(HyperlinkedModelSerializer):
    """An enforcement case: the authority, the companies, its status, and links to its records."""

    authorities = code_list(help_text="The codes of the authorities that brought the case.")
    law = code_of(allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id", "url", "code", "authorities", "title_ja", "title_en", "summary_ja", "summary_en",
            "status", "opened_on", "closed_on", "published", "law", "version",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:case-detail", "lookup_field": "code"}}


class RegulatoryActionSerializer(HyperlinkedModelSerializer):
    """An action in a case: its instrument, issuer, date, addressees and the provisions it rests on."""

    case = code_of()
    kind = code_of(source="instrument", help_text="The instrument's code.")
    articles = code_list()
    issuer = code_of(help_text="The code of the authority that issued the action.")
    addressees = code_list(help_text="The codes of the companies the action is addressed to.")
    addressee_authorities = code_list(help_text="The codes of the authorities the action is addressed to.")

    class Meta:
        model = RegulatoryAction
        fields = [
            "id", "url", "case", "code", "kind", "date", "issuer", "articles", "addressees", "addressee_authorities",
            "title_ja", "title_en", "source_ja", "source_en", "version",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:regulatoryaction-detail"}}


class FindingSerializer(HyperlinkedModelSerializer):
    """What the authority found wrong in a case: its text, the law it cites, the companies concerned."""

    case = code_of()
    articles = code_list()
    safeguard_types = code_list()
    affected_companies = code_list()
    measures = listed_many(HyperlinkedRelatedField(view_name="api:measure-detail", read_only=True))
    measure_codes = ListedManyRelatedField(
        child_relation=serializers.SlugRelatedField(slug_field="code", read_only=True),
        source="measures",
        read_only=True,
        help_text="The codes of the finding's measures, in their order.",
    )

    class Meta:
        model = Finding
        fields = [
            "id", "url", "case", "code", "side", "articles", "safeguard_types",
            "text_ja", "text_en", "affected_companies", "measures", "measure_codes", "version",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:finding-detail"}}


class IncidentPairSerializer(HyperlinkedModelSerializer):
    """The incidents found at one pair of companies (the operator and its sister retailer) in a case."""

    case = code_of()
    group = code_of()
    companies = code_list()
    incidents = listed_many(HyperlinkedRelatedField(view_name="api:incident-detail", read_only=True))

    class Meta:
        model = IncidentPair
        fields = ["id", "url", "case", "number", "group", "companies", "incident_total", "incidents", "version"]
        extra_kwargs = {"url": {"view_name": "api:incidentpair-detail"}}


class IncidentSerializer(HyperlinkedModelSerializer):
    """One incident of a pair in the company-wide inspection, and its follow-up."""

    case = serializers.SlugRelatedField(source="pair.case", slug_field="code", read_only=True)
    pair = HyperlinkedRelatedField(view_name="api:incidentpair-detail", read_only=True)
    pair_number = serializers.IntegerField(source="pair.number", read_only=True)
    viewer = code_of(allow_null=True)
    owner = code_of(allow_null=True)

    class Meta:
        model = Incident
        fields = [
            "id", "url", "case", "pair", "pair_number", "number", "label", "described_in_report",
            "viewer", "owner", "mutual", "data_kind", "was_used", "involves_new_entrant_data",
            "summary_ja", "summary_en", "fix_ja", "fix_en",
            "status", "due_on", "window_start", "window_end",
            "deadline_text", "submitted_on", "completed_on", "version",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:incident-detail"}}
