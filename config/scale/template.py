"""The loaded report's case, read once as the template every copy is shaped after."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import models

from cases.models import Case, Finding, Incident, IncidentPair, RegulatoryAction
from compliance.models import Company, CompanyGroup
from config.scale.plan import REPORT_CASE, ScaleError
from remediation.models import Implementation, Measure

# The instrument whose date is the day the template case was published (the report's own kind).
PUBLICATION = "publication"


@dataclass(frozen=True)
class Template:
    """The loaded report's case and everything shaped after it, read once from the database."""

    case: Case
    published_on: datetime.date
    groups: list[CompanyGroup]
    companies: list[Company]
    actions: list[RegulatoryAction]
    findings: list[Finding]
    measures: list[Measure]
    implementations: list[Implementation]
    pairs: list[IncidentPair]
    incidents: list[Incident]
    links: dict[str, dict[int, list[int]]]


def _links(relation: models.ManyToManyField, sources: list[models.Model]) -> dict[int, list[int]]:
    """The targets of a many-to-many relation for each source row, in insertion order."""
    through = relation.remote_field.through
    source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    pairs = through.objects.filter(**{f"{source}__in": sources}).order_by("pk").values_list(source, target)
    links: dict[int, list[int]] = defaultdict(list)
    for source_id, target_id in pairs:
        links[source_id].append(target_id)
    return links


def _template_companies(
    links: dict[str, dict[int, list[int]]], implementations: list[Implementation], incidents: list[Incident]
) -> list[Company]:
    """The companies the case names, and every company of their groups (the contractors among them)."""
    named = {c for key in ("addressees", "affected", "pair_companies") for ids in links[key].values() for c in ids}
    named |= {i.company_id for i in implementations}
    named |= {c for i in incidents for c in (i.viewer_id, i.owner_id) if c}
    groups = Company.objects.filter(pk__in=named).values_list("group_id", flat=True)
    companies = Company.objects.filter(models.Q(group_id__in=groups) | models.Q(pk__in=named))
    return list(companies.order_by("position", "pk"))


def load_template(code: str = REPORT_CASE) -> Template:
    """Read the report's case, its shape and its reference data; refuse when `load_report` has not run."""
    case = Case.objects.filter(code=code).first()
    if case is None:
        raise ScaleError(f"case {code!r} not found: run `python manage.py load_report` first.")
    actions = list(case.actions.select_related("instrument").order_by("position", "pk"))
    findings = list(case.findings.order_by("position", "pk"))
    measures = list(Measure.objects.filter(finding__case=case).order_by("finding__position", "position", "pk"))
    implementations = list(Implementation.objects.filter(measure__in=measures).order_by("pk"))
    pairs = list(case.incident_pairs.order_by("number"))
    incidents = list(Incident.objects.filter(pair__case=case).order_by("pair__number", "number"))
    links = {
        "articles": _links(RegulatoryAction._meta.get_field("articles"), actions),
        "addressees": _links(RegulatoryAction._meta.get_field("addressees"), actions),
        "finding_articles": _links(Finding._meta.get_field("articles"), findings),
        "safeguards": _links(Finding._meta.get_field("safeguard_types"), findings),
        "affected": _links(Finding._meta.get_field("affected_companies"), findings),
        "pair_companies": _links(IncidentPair._meta.get_field("companies"), pairs),
    }
    companies = _template_companies(links, implementations, incidents)
    group_ids = {c.group_id for c in companies} | {p.group_id for p in pairs}
    groups = list(CompanyGroup.objects.filter(pk__in=group_ids).order_by("position", "pk"))
    published = min((a.date for a in actions if a.instrument.code == PUBLICATION), default=case.opened_on)
    return Template(
        case, published, groups, companies, actions, findings, measures, implementations, pairs, incidents, links
    )
