"""API representations of cases, actions, law articles, safeguard types, findings and incidents."""

from rest_framework import serializers

from cases.models import Authority, Case, Finding, Incident, IncidentPair, LawArticle, RegulatoryAction, SafeguardType
from compliance.api.fields import (
    HyperlinkedModelSerializer,
    HyperlinkedRelatedField,
    listed_many,
)


def code_list(**kwargs) -> serializers.SlugRelatedField:
    """A to-many relation shown as the codes of the related rows."""
    return listed_many(serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs))


def code_of(**kwargs) -> serializers.SlugRelatedField:
    """A to-one relation shown as the code of the related row."""
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


class LawArticleSerializer(HyperlinkedModelSerializer):
    class Meta:
        model = LawArticle
        fields = ["id", "url", "code", "law_ja", "law_en", "article", "paragraph", "title_ja", "title_en"]
        extra_kwargs = {"url": {"view_name": "api:lawarticle-detail", "lookup_field": "code"}}


class SafeguardTypeSerializer(HyperlinkedModelSerializer):
    class Meta:
        model = SafeguardType
        fields = ["id", "url", "code", "name_ja", "name_en"]
        extra_kwargs = {"url": {"view_name": "api:safeguardtype-detail", "lookup_field": "code"}}


class AuthoritySerializer(HyperlinkedModelSerializer):
    class Meta:
        model = Authority
        fields = ["id", "url", "code", "name_ja", "name_en", "kind", "position"]
        extra_kwargs = {"url": {"view_name": "api:authority-detail", "lookup_field": "code"}}


class CaseSerializer(HyperlinkedModelSerializer):
    authorities = code_list(help_text="The codes of the authorities that brought the case.")

    class Meta:
        model = Case
        fields = [
            "id", "url", "code", "authorities", "title_ja", "title_en", "summary_ja", "summary_en",
            "status", "opened_on", "closed_on", "published",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:case-detail", "lookup_field": "code"}}


class RegulatoryActionSerializer(HyperlinkedModelSerializer):
    case = code_of()
    articles = code_list()
    issuer = code_of(help_text="The code of the authority that issued the action.")
    addressees = code_list(help_text="The codes of the companies the action is addressed to.")
    addressee_authorities = code_list(help_text="The codes of the authorities the action is addressed to.")

    class Meta:
        model = RegulatoryAction
        fields = [
            "id", "url", "case", "code", "kind", "date", "issuer", "articles", "addressees", "addressee_authorities",
            "title_ja", "title_en", "source_ja", "source_en",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:regulatoryaction-detail"}}


class FindingSerializer(HyperlinkedModelSerializer):
    case = code_of()
    article = code_of()
    safeguard_types = code_list()
    affected_companies = code_list()
    measures = listed_many(HyperlinkedRelatedField(view_name="api:measure-detail", read_only=True))

    class Meta:
        model = Finding
        fields = [
            "id", "url", "case", "code", "side", "article", "safeguard_types",
            "text_ja", "text_en", "affected_companies", "measures",
        ]  # fmt: skip
        extra_kwargs = {"url": {"view_name": "api:finding-detail"}}


class IncidentPairSerializer(HyperlinkedModelSerializer):
    case = code_of()
    group = code_of()
    companies = code_list()
    incidents = listed_many(HyperlinkedRelatedField(view_name="api:incident-detail", read_only=True))

    class Meta:
        model = IncidentPair
        fields = ["id", "url", "case", "number", "group", "companies", "incident_total", "incidents"]
        extra_kwargs = {"url": {"view_name": "api:incidentpair-detail"}}


class IncidentSerializer(HyperlinkedModelSerializer):
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
