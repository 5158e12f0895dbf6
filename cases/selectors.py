"""Reads of the cases app: each returns what a page or an endpoint shows, with its related rows."""

from __future__ import annotations

from itertools import groupby

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from cases.models import Case, Finding, Incident, IncidentPair, RegulatoryAction
from compliance.choices import ItemStatus
from compliance.models import Company
from remediation.selectors import measures_prefetch


def case_list() -> QuerySet[Case]:
    """Every case, with its counts of findings and incidents."""
    return Case.objects.annotate(
        finding_count=Count("findings", distinct=True),
        incident_count=Count("incident_pairs__incidents", distinct=True),
    )


def case_get(*, code: str) -> Case:
    """One case by its code, or 404."""
    return get_object_or_404(Case, code=code)


def action_list(*, case: Case) -> QuerySet[RegulatoryAction]:
    """The case's timeline of regulatory actions, oldest first."""
    return case.actions.prefetch_related("articles", "addressees")


def finding_list(*, case: Case) -> QuerySet[Finding]:
    """The case's findings in report order, with articles, safeguards, companies and measures."""
    return case.findings.select_related("article").prefetch_related(
        "safeguard_types", "affected_companies", measures_prefetch()
    )


def findings_by_side_and_article(*, case: Case) -> list[tuple[str, list[tuple[object, list[Finding]]]]]:
    """Findings grouped as the report groups them: by side, then by law article."""
    grouped = []
    for side, side_findings in groupby(finding_list(case=case), key=lambda f: f.get_side_display()):
        by_article = sorted(side_findings, key=lambda f: (f.article.article, f.article.paragraph or 0))
        grouped.append((side, [(a, list(fs)) for a, fs in groupby(by_article, key=lambda f: f.article)]))
    return grouped


def finding_get(*, case: Case, code: str) -> Finding:
    """One finding of the case with everything it shows, or 404."""
    return get_object_or_404(finding_list(case=case), code=code)


def incident_pair_list(*, case: Case) -> QuerySet[IncidentPair]:
    """The case's incident pairs, with their companies and incidents."""
    return case.incident_pairs.select_related("group").prefetch_related(
        "companies", Prefetch("incidents", queryset=Incident.objects.select_related("viewer", "owner"))
    )


def incident_get(*, case: Case, pair_number: int, number: int) -> Incident:
    """One incident of the case, or 404."""
    queryset = Incident.objects.select_related("pair__group", "pair__case", "viewer", "owner")
    return get_object_or_404(queryset, pair__case=case, pair__number=pair_number, number=number)


def open_incident_list(*, case: Case) -> QuerySet[Incident]:
    """Incidents of the case whose fix is not reported done."""
    return (
        Incident.objects.filter(pair__case=case)
        .exclude(status=ItemStatus.DONE)
        .select_related("pair__case", "pair__group", "viewer", "owner")
    )


def company_findings(*, company: Company) -> QuerySet[Finding]:
    """Findings that name the company among those concerned."""
    return company.findings.select_related("case", "article").prefetch_related("safeguard_types")


def company_incidents(*, company: Company) -> QuerySet[Incident]:
    """Incidents of the pairs the company belongs to."""
    return (
        Incident.objects.filter(pair__companies=company)
        .select_related("pair__case", "pair__group", "viewer", "owner")
        .order_by("pair__case", "pair__number", "number")
    )


def company_actions(*, company: Company) -> QuerySet[RegulatoryAction]:
    """Regulatory actions addressed to the company."""
    return company.regulatory_actions.select_related("case")
