"""API of cases and what the regulator found in them: read by everyone in scope, written by regulator staff."""

from cases.api import filters, serializers
from cases.api.links import CaseLinksActionMixin
from cases.api.writes import (
    AuthorityWrites,
    CaseWrites,
    FindingWrites,
    IncidentPairWrites,
    InstrumentWrites,
    LawArticleWrites,
    LawWrites,
    RegulatoryActionWrites,
)
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
from compliance.api.conditional import ETagRetrieveMixin
from compliance.api.fields import codes_listed, codes_of, listed_columns
from compliance.api.scoping import ScopedReadOnlyViewSet


class AuthorityViewSet(AuthorityWrites, ScopedReadOnlyViewSet):
    """Public bodies that bring cases, issue actions and receive them: commissions, ministries, ministers."""

    queryset = Authority.objects.all()
    serializer_class = serializers.AuthoritySerializer
    lookup_field = "code"
    filterset_fields = ["kind"]


class CaseViewSet(CaseLinksActionMixin, CaseWrites, ScopedReadOnlyViewSet):
    """Supervision cases."""

    queryset = codes_of(Case.objects.all(), "law").annotate(**codes_listed(Case, "authorities"))
    serializer_class = serializers.CaseSerializer
    lookup_field = "code"
    # A link between two cases is a record of its own, added or removed whatever the case's version.
    unconditional_actions = CaseWrites.unconditional_actions | {"links"}
    filterset_fields = {
        "status": ["exact"],
        "opened_on": ["gte", "lte"],
        "law__code": ["exact"],
        "authorities__code": ["exact"],
    }


class RegulatoryActionViewSet(RegulatoryActionWrites, ScopedReadOnlyViewSet):
    """The regulator's dated actions in each case."""

    queryset = codes_of(RegulatoryAction.objects.all(), "case", "instrument", "issuer").annotate(
        **codes_listed(RegulatoryAction, "articles", "addressees", "addressee_authorities")
    )
    serializer_class = serializers.RegulatoryActionSerializer
    lookup_fields = ("case__code", "code")
    filterset_class = filters.RegulatoryActionFilterSet
    case_paths = ("case",)
    ordering_fields = ["date"]


class LawViewSet(LawWrites, ScopedReadOnlyViewSet):
    """The laws cases are brought under."""

    queryset = Law.objects.all()
    serializer_class = serializers.LawSerializer
    lookup_field = "code"


class InstrumentViewSet(InstrumentWrites, ScopedReadOnlyViewSet):
    """What each law lets the authorities do: the kinds of regulatory actions."""

    queryset = Instrument.objects.select_related("law")
    serializer_class = serializers.InstrumentSerializer
    lookup_field = "code"
    filterset_fields = {"law__code": ["exact"]}


class LawArticleViewSet(LawArticleWrites, ScopedReadOnlyViewSet):
    """References to provisions of laws that findings and actions rest on, in the order of each law."""

    queryset = LawArticle.objects.select_related("law")
    serializer_class = serializers.LawArticleSerializer
    lookup_field = "code"
    filterset_fields = {"law__code": ["exact"], "article": ["exact"]}


class SafeguardTypeViewSet(ScopedReadOnlyViewSet):
    """Classes of measures."""

    queryset = SafeguardType.objects.all()
    serializer_class = serializers.SafeguardTypeSerializer
    lookup_field = "code"


class FindingViewSet(FindingWrites, ScopedReadOnlyViewSet):
    """Problems the regulator found, with the companies concerned."""

    # Each related row shown by its code (or a link by codes): nothing else of it is read.
    queryset = (
        codes_of(Finding.objects.all(), "case")
        .annotate(**codes_listed(Finding, "articles", "safeguard_types", "affected_companies"))
        .prefetch_related(listed_columns(Finding, "measures", "code"))
    )
    serializer_class = serializers.FindingSerializer
    lookup_fields = ("case__code", "code")
    filterset_class = filters.FindingFilterSet
    case_paths = ("case",)


class IncidentPairViewSet(IncidentPairWrites, ScopedReadOnlyViewSet):
    """The pairs of companies whose inspection found incidents, with the reported totals."""

    queryset = codes_of(IncidentPair.objects.all(), "case", "group").annotate(**codes_listed(IncidentPair, "companies"))

    def get_queryset(self):
        visible_incidents = Incident.objects.visible_to(self.request.user)
        return (
            super().get_queryset().prefetch_related(listed_columns(IncidentPair, "incidents", rows=visible_incidents))
        )

    serializer_class = serializers.IncidentPairSerializer
    filterset_fields = {"group__code": ["exact"]}
    case_paths = ("case",)


class IncidentViewSet(ETagRetrieveMixin, ScopedReadOnlyViewSet):
    """Incidents found by the company-wide inspection, described or only counted by the report.

    Registered as remediation's, which adds the writes and the reporting duty.
    """

    queryset = Incident.objects.select_related("pair__case", "viewer", "owner")
    serializer_class = serializers.IncidentSerializer
    case_paths = ("pair__case",)
    filterset_fields = {
        "pair__group__code": ["exact"],
        "viewer__code": ["exact"],
        "owner__code": ["exact"],
        "described_in_report": ["exact"],
        "data_kind": ["exact"],
        "was_used": ["exact"],
        "involves_new_entrant_data": ["exact"],
        "status": ["exact"],
        "reporting_every": ["exact"],
        "due_on": ["gte", "lte"],
    }
    ordering_fields = ["number", "due_on"]  # each with the key, as an index serves it
