"""Reads of the cases app: each starts from what the person may see, with the related rows it shows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import groupby
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from cases.models import Case, CaseLink, Finding, Incident, IncidentPair, LawArticle, RegulatoryAction
from compliance.access import is_regulator, where_visible
from compliance.aggregates import counted, summed
from compliance.choices import ItemStatus

if TYPE_CHECKING:
    from compliance.models import Company, User

# What a finding's pages show of the layers above, prefetched with it (remediation: its measures), each given the
# person; registered from their AppConfig.ready().
finding_prefetches: list[Callable[..., Prefetch]] = []


def case_list(*, user: User) -> QuerySet[Case]:
    """Every case the person may see, with its published counts of findings and incidents."""
    return Case.objects.visible_to(user).annotate(
        finding_count=counted(Finding.objects.all(), "case"),
        incident_count=summed(IncidentPair.objects.all(), "case", "incident_total"),
    )


def cases(*, user: User) -> QuerySet[Case]:
    """Cases the person may see, for lookups by code."""
    return Case.objects.visible_to(user)


def action_list(*, user: User, case: Case) -> QuerySet[RegulatoryAction]:
    """The case's timeline of regulatory actions, oldest first."""
    return (
        RegulatoryAction.objects.visible_to(user)
        .filter(case=case)
        .select_related("instrument__law", "issuer")
        .prefetch_related(law_references("articles"), "addressees", "addressee_authorities")
    )


def finding_list(*, user: User, case: Case) -> QuerySet[Finding]:
    """The case's findings in report order, with articles, safeguards, companies and measures."""
    return (
        Finding.objects.visible_to(user)
        .filter(case=case)
        .select_related("case")
        .prefetch_related(
            law_references("articles"),
            "safeguard_types",
            "affected_companies",
            *(prefetch(user=user) for prefetch in finding_prefetches),
        )
    )


def law_references(lookup: str) -> Prefetch:
    """A to-many relation to law references, each with its law (to name it), in the order of the law."""
    return Prefetch(lookup, queryset=LawArticle.objects.select_related("law"))


def findings_by_side_and_article(*, user: User, case: Case) -> list[tuple[str, list[tuple[object, list[Finding]]]]]:
    """Findings grouped as the report groups them: by side, then by the law references they cite."""
    return group_by_side_and_article(finding_list(user=user, case=case))


def _cited(finding: Finding) -> tuple[LawArticle, ...]:
    return tuple(sorted(finding.articles.all(), key=lambda a: a.sort_key))


def group_by_side_and_article(findings: Iterable[Finding]) -> list[tuple[str, list[tuple[object, list[Finding]]]]]:
    """Findings (in report order) grouped by side, then by the law references they cite (in the laws' order)."""
    grouped = []
    for side, side_findings in groupby(findings, key=lambda f: f.get_side_display()):
        by_article = sorted(side_findings, key=lambda f: [a.sort_key for a in _cited(f)])
        grouped.append((side, [(list(a), list(fs)) for a, fs in groupby(by_article, key=_cited)]))
    return grouped


def incidents(*, user: User) -> QuerySet[Incident]:
    """Incidents the person may see (those the report does not describe are the regulator's alone)."""
    return Incident.objects.visible_to(user).select_related("pair__group", "pair__case", "viewer", "owner")


def incident_pair_list(
    *, user: User, case: Case, shown_incidents: QuerySet[Incident] | None = None
) -> QuerySet[IncidentPair]:
    """The case's incident pairs, with their companies and the incidents the person may see (or `shown_incidents`)."""
    shown = incidents(user=user) if shown_incidents is None else shown_incidents
    return (
        IncidentPair.objects.visible_to(user)
        .filter(case=case)
        .select_related("case", "group")
        .prefetch_related("companies", Prefetch("incidents", queryset=shown))
    )


def open_incident_list(*, user: User, case: Case) -> QuerySet[Incident]:
    """Incidents of the case whose fix is not reported done, among those whose status the person sees."""
    return (
        incidents(user=user)
        .filter(pair__case=case)
        .filter(where_visible(user, Incident, "status"))
        .exclude(status=ItemStatus.DONE)
    )


def company_findings(*, user: User, company: Company) -> QuerySet[Finding]:
    """Findings that name the company among those concerned."""
    return (
        Finding.objects.visible_to(user)
        .filter(affected_companies=company)
        .select_related("case")
        .prefetch_related(law_references("articles"), "safeguard_types")
    )


def company_incidents(*, user: User, company: Company) -> QuerySet[Incident]:
    """Incidents of the pairs the company belongs to."""
    return incidents(user=user).filter(pair__companies=company).order_by("pair__case", "pair__number", "number")


def company_actions(*, user: User, company: Company) -> QuerySet[RegulatoryAction]:
    """Regulatory actions addressed to the company."""
    return RegulatoryAction.objects.visible_to(user).filter(addressees=company).select_related("case", "instrument")


def case_links(*, user: User, case: Case) -> list[CaseLink]:
    """The case's links to related cases, made from it or to it, each with `other` and its `label` seen from `case`.

    The notes on a link are the regulator's own: anyone else gets the links without them.
    """
    visible = Case.objects.visible_to(user)
    links = list(
        CaseLink.objects.visible_to(user)
        .filter(Q(from_case=case) | Q(to_case=case))
        .filter(from_case__in=visible, to_case__in=visible)
        .select_related("from_case", "to_case")
        .order_by("created_at", "pk")
    )
    for link in links:
        link.other = link.other_case(case)
        link.label = link.label_from(case)
        link.direction = "outgoing" if link.from_case_id == case.pk else "incoming"
        if not is_regulator(user):
            link.note_ja = link.note_en = ""
    return links
