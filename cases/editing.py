"""Regulator staff keeping a case: the case, law articles, regulatory actions, findings, incident pairs, incidents.

Every service here refuses anyone but regulator staff, runs in one transaction, validates the whole record
(`full_clean()`: fields, `clean()`, uniqueness, constraints) before writing, and puts a new record last in its
parent's order. Codes are the natural keys case files and other systems use: set on creation, never changed.
Measures and their implementations are in `remediation.editing`, companies and groups in `compliance.services`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.choices import CaseStatus
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
from cases.references import references_resolve
from compliance import clock
from compliance.editing import (
    assign,
    locked,
    locked_at,
    next_position,
    relation_changes,
    require_no_dependents,
    require_regulator,
    require_some,
    save_changes,
    save_validated,
)
from compliance.models import Company, CompanyGroup
from compliance.versioning import check_version
from compliance.webhooks import publish

if TYPE_CHECKING:
    from compliance.models import User

CASE_FIELDS = (
    "title_ja", "title_en", "summary_ja", "summary_en", "status", "opened_on", "published", "status_public", "law"
)  # fmt: skip
ACTION_FIELDS = ("instrument", "date", "title_ja", "title_en", "source_ja", "source_en", "issuer")
FINDING_FIELDS = ("side", "text_ja", "text_en")
PAIR_FIELDS = ("group", "incident_total")
# What refuses a finding's removal, each raising ValidationError: the layers above add theirs (remediation: the
# records companies keep on its measures' items), from their AppConfig.ready().
removal_guards: list[Callable[[Finding], None]] = []
# What the regulator edits of an incident; its status follows the progress workflow, its dates `item_dates_set`.
INCIDENT_FIELDS = (
    "described_in_report", "label", "viewer", "owner", "mutual", "data_kind", "was_used",
    "involves_new_entrant_data", "summary_ja", "summary_en", "fix_ja", "fix_en",
)  # fmt: skip


# Cases ------------------------------------------------------------------------------------------------------


def case_open(
    *,
    actor: User,
    code: str,
    title_ja: str,
    opened_on: datetime.date,
    title_en: str = "",
    summary_ja: str = "",
    summary_en: str = "",
    status: str = CaseStatus.OPEN,
    authorities: Sequence[Authority] | None = None,
    law: Law | None = None,
) -> Case:
    """Regulator staff open a case (open, or already under monitoring), brought by authorities (their own unless
    given), under a law if they say which."""
    require_regulator(actor)
    if status == CaseStatus.CLOSED:
        raise ValidationError({"status": _("A case opens open or under monitoring; close it afterwards.")})
    _require_authorities(authorities)
    with transaction.atomic():
        case = Case(
            code=code,
            title_ja=title_ja,
            title_en=title_en,
            summary_ja=summary_ja,
            summary_en=summary_en,
            status=status,
            opened_on=opened_on,
            law=law,
        )
        save_validated(case)
        case.authorities.set(authorities if authorities is not None else [Authority.own()])
        publish("case.changed", case, data={"change": "opened"})
        return case


def _require_authorities(authorities: Sequence[Authority] | None) -> None:
    """A case is brought by at least one authority (None: left as they are, or the regulator's own)."""
    require_some(authorities, "authorities", _("Choose at least one authority that brought the case."))


def case_update(
    *,
    actor: User,
    case: Case,
    version: int | None,
    authorities: Sequence[Authority] | None = None,
    **changes: object,
) -> Case:
    """Regulator staff change a case's texts, its opening day, its authorities, or move it between open and
    monitoring, at the version they saw."""
    require_regulator(actor)
    if changes.get("status") == CaseStatus.CLOSED:
        raise ValidationError({"status": _("Close a case with its closing day.")})
    _require_authorities(authorities)
    with transaction.atomic():
        case = locked_at(case, version)
        if changes.get("status", case.status) != case.status and case.status == CaseStatus.CLOSED:
            raise ValidationError({"status": _("This case is closed: reopen it first.")})
        changed = assign(case, changes, CASE_FIELDS)
        before = case.version
        case = save_changes(case, changed, relation_changes(case, {"authorities": authorities}))
        if case.version != before:
            publish("case.changed", case, data={"change": "updated"})
        return case


def case_delete(*, actor: User, case: Case, version: int | None) -> None:
    """Regulator staff remove a case opened by mistake, at the version they saw: refused, naming them, while it holds
    any record or link."""
    require_regulator(actor)
    with transaction.atomic():
        case = locked_at(case, version)
        require_no_dependents(case)
        case.delete()


def case_close(*, actor: User, case: Case, version: int | None, closed_on: datetime.date | None = None) -> Case:
    """Regulator staff close a case on a day (today unless given), at the version they saw."""
    require_regulator(actor)
    with transaction.atomic():
        case = locked_at(case, version)
        if case.status == CaseStatus.CLOSED:
            raise ValidationError({"status": _("This case is closed already.")})
        changes = {"status": CaseStatus.CLOSED, "closed_on": closed_on or clock.today()}
        case = save_changes(case, assign(case, changes, changes))
        publish("case.changed", case, data={"change": "closed"})
        return case


def case_reopen(*, actor: User, case: Case, version: int | None, status: str = CaseStatus.OPEN) -> Case:
    """Regulator staff reopen a closed case, as open or under monitoring, at the version they saw; its closing day is
    cleared."""
    require_regulator(actor)
    if status not in (CaseStatus.OPEN, CaseStatus.MONITORING):
        raise ValidationError({"status": _("A case reopens open or under monitoring.")})
    with transaction.atomic():
        case = locked_at(case, version)
        if case.status != CaseStatus.CLOSED:
            raise ValidationError({"status": _("This case is not closed.")})
        changes = {"status": status, "closed_on": None}
        case = save_changes(case, assign(case, changes, changes))
        publish("case.changed", case, data={"change": "reopened"})
        return case


# Law articles -----------------------------------------------------------------------------------------------


def regulatory_action_create(
    *,
    actor: User,
    case: Case,
    code: str,
    instrument: Instrument,
    date: datetime.date,
    title_ja: str,
    title_en: str = "",
    source_ja: str = "",
    source_en: str = "",
    articles: Sequence[object] = (),
    addressees: Sequence[Company] = (),
    issuer: Authority | None = None,
    addressee_authorities: Sequence[Authority] = (),
) -> RegulatoryAction:
    """Regulator staff record an action in a case under an instrument of a law (勧告, 命令…) and law references.

    It is issued by `issuer`, by default the first authority of the case; it may be addressed to companies and to
    authorities (a recommendation to a minister). References are records, codes, typed text (法第27条 meaning the
    case's law) or parts; a new one is added.
    """
    require_regulator(actor)
    if issuer is None:
        issuer = case.authorities.order_by("position", "code").first() or Authority.own()
    with transaction.atomic():
        action = RegulatoryAction(
            case=case,
            code=code,
            instrument=instrument,
            date=date,
            title_ja=title_ja,
            title_en=title_en,
            source_ja=source_ja,
            source_en=source_en,
            issuer=issuer,
            position=next_position(RegulatoryAction.objects.filter(case=case)),
        )
        save_validated(action)
        action.articles.set(references_resolve(actor=actor, values=articles, case=case, field="articles"))
        action.addressees.set(addressees)
        action.addressee_authorities.set(addressee_authorities)
        return action


def regulatory_action_update(
    *,
    actor: User,
    action: RegulatoryAction,
    version: int | None,
    articles: Sequence[object] | None = None,
    addressees: Sequence[Company] | None = None,
    addressee_authorities: Sequence[Authority] | None = None,
    **changes: object,
) -> RegulatoryAction:
    """Regulator staff change an action: its kind, date, texts, issuer, law articles or addressees (None: unchanged),
    at the version they saw."""
    require_regulator(actor)
    with transaction.atomic():
        action = locked_at(action, version)
        changed = assign(action, changes, ACTION_FIELDS)
        if articles is not None:
            articles = references_resolve(actor=actor, values=articles, case=action.case, field="articles")
        relations = {"articles": articles, "addressees": addressees, "addressee_authorities": addressee_authorities}
        return save_changes(action, changed, relation_changes(action, relations))


def regulatory_action_delete(*, actor: User, action: RegulatoryAction, version: int | None) -> None:
    """Regulator staff remove an action recorded by mistake, at the version they saw (an action holds no company's
    private records)."""
    require_regulator(actor)
    with transaction.atomic():
        locked_at(action, version).delete()


# Findings ---------------------------------------------------------------------------------------------------


def _require_finding_relations(
    safeguard_types: Sequence[SafeguardType] | None, affected_companies: Sequence[Company] | None
) -> None:
    """A finding names at least one company concerned (None: left as they are)."""
    require_some(affected_companies, "affected_companies", _("Choose at least one company concerned."))


def _require_safeguard_types(finding: Finding) -> None:
    """A finding under a law whose findings name safeguard types (個人情報保護法) names at least one."""
    laws = {a.law for a in finding.articles.select_related("law") if a.law.safeguards_required}
    if laws and not finding.safeguard_types.exists():
        names = "、".join(sorted(law.short_name for law in laws))
        raise ValidationError(
            {"safeguard_types": _("A finding under %(law)s names at least one safeguard type.") % {"law": names}}
        )


def finding_create(
    *,
    actor: User,
    case: Case,
    code: str,
    side: str,
    text_ja: str,
    affected_companies: Sequence[Company],
    articles: Sequence[object] = (),
    safeguard_types: Sequence[SafeguardType] = (),
    text_en: str = "",
) -> Finding:
    """Regulator staff record a finding: its side, law references, safeguard types and the companies it concerns.

    References are records, codes, typed text (法第27条 meaning the case's law) or parts; a new one is added.
    """
    require_regulator(actor)
    _require_finding_relations(safeguard_types, affected_companies)
    with transaction.atomic():
        finding = Finding(
            case=case,
            code=code,
            side=side,
            text_ja=text_ja,
            text_en=text_en,
            position=next_position(Finding.objects.filter(case=case)),
        )
        save_validated(finding)
        finding.articles.set(references_resolve(actor=actor, values=articles, case=case, field="articles"))
        finding.safeguard_types.set(safeguard_types)
        finding.affected_companies.set(affected_companies)
        _require_safeguard_types(finding)
        return finding


def finding_update(
    *,
    actor: User,
    finding: Finding,
    version: int | None,
    articles: Sequence[object] | None = None,
    safeguard_types: Sequence[SafeguardType] | None = None,
    affected_companies: Sequence[Company] | None = None,
    **changes: object,
) -> Finding:
    """Regulator staff change a finding's side, references, texts, safeguard types or companies (None: unchanged), at
    the version they saw."""
    require_regulator(actor)
    _require_finding_relations(safeguard_types, affected_companies)
    with transaction.atomic():
        finding = locked_at(finding, version)
        changed = assign(finding, changes, FINDING_FIELDS)
        if articles is not None:
            articles = references_resolve(actor=actor, values=articles, case=finding.case, field="articles")
        relations = {"articles": articles, "safeguard_types": safeguard_types, "affected_companies": affected_companies}
        save_changes(finding, changed, relation_changes(finding, relations))
        _require_safeguard_types(finding)
        return finding


def finding_delete(*, actor: User, finding: Finding, version: int | None) -> None:
    """Regulator staff remove a finding with its measures, at the version they saw, refused once any company keeps
    records on them."""
    require_regulator(actor)
    with transaction.atomic():
        finding = locked_at(finding, version)
        for guard in removal_guards:
            guard(finding)
        finding.delete()


# Incident pairs and incidents -------------------------------------------------------------------------------


def _require_pair_companies(companies: Sequence[Company] | None) -> None:
    """A pair names its companies (None: left as they are)."""
    require_some(companies, "companies", _("Choose the companies of the pair."))


def incident_pair_create(
    *, actor: User, case: Case, group: CompanyGroup, companies: Sequence[Company], incident_total: int
) -> IncidentPair:
    """Regulator staff record the companies of a group whose inspection found incidents, and the total reported.

    The pair takes the next number in the case; its incidents are added with `incident_create`, up to the total.
    """
    require_regulator(actor)
    _require_pair_companies(companies)
    with transaction.atomic():
        pair = IncidentPair(
            case=case,
            group=group,
            incident_total=incident_total,
            number=next_position(IncidentPair.objects.filter(case=case), "number") or 1,
        )
        save_validated(pair)
        pair.companies.set(companies)
        return pair


def incident_pair_update(
    *,
    actor: User,
    pair: IncidentPair,
    version: int | None,
    companies: Sequence[Company] | None = None,
    **changes: object,
) -> IncidentPair:
    """Regulator staff change a pair's group, companies or reported total (never below the incidents it has), at the
    version they saw."""
    require_regulator(actor)
    _require_pair_companies(companies)
    with transaction.atomic():
        pair = locked_at(pair, version)
        changed = assign(pair, changes, PAIR_FIELDS)
        if changed:
            recorded = pair.incidents.count()
            if pair.incident_total is not None and pair.incident_total < recorded:
                message = ngettext(
                    "The pair has %(n)d incident already: the total cannot be less.",
                    "The pair has %(n)d incidents already: the total cannot be less.",
                    recorded,
                ) % {"n": recorded}
                raise ValidationError({"incident_total": message})
        return save_changes(pair, changed, relation_changes(pair, {"companies": companies}))


def incident_create(
    *,
    actor: User,
    pair: IncidentPair,
    described_in_report: bool,
    status: str = "",
    due_on: datetime.date | None = None,
    window_start: datetime.date | None = None,
    window_end: datetime.date | None = None,
    tracked_since: datetime.date | None = None,
    **content: object,
) -> Incident:
    """Regulator staff add an incident to a pair: described (label, summary, who could view whose data…) or counted.

    It takes the pair's next number and stays within the pair's reported total. Its first dates are kept as its
    baseline; afterwards its status follows the progress workflow and its dates `item_dates_set`.
    `content`: the fields of INCIDENT_FIELDS.
    """
    require_regulator(actor)
    with transaction.atomic():
        pair = locked(pair)
        recorded = pair.incidents.count()
        if recorded >= pair.incident_total:
            message = ngettext(
                "The pair has the %(n)d incident the report counts: raise its total first.",
                "The pair has all %(n)d incidents the report counts: raise its total first.",
                recorded,
            )
            raise ValidationError({"pair": message % {"n": recorded}})
        incident = Incident(
            pair=pair,
            number=next_position(pair.incidents.all(), "number") or 1,
            status=status,
            due_on=due_on,
            window_start=window_start,
            window_end=window_end,
            baseline_due_on=due_on,
            baseline_window_start=window_start,
            baseline_window_end=window_end,
            tracked_since=tracked_since or clock.today(),
        )
        assign(incident, {"described_in_report": described_in_report, **content}, INCIDENT_FIELDS)
        return save_validated(incident)


def incident_update(*, actor: User, incident: Incident, item_version: int | None, **changes: object) -> Incident:
    """Regulator staff change what is known of an incident, at the version they saw; its version is raised."""
    require_regulator(actor)
    with transaction.atomic():
        incident = locked(incident)
        check_version(item_version, incident.version)
        if assign(incident, changes, INCIDENT_FIELDS):
            incident.version += 1
            save_validated(incident)
        return incident
