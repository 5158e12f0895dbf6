"""A whole case as a case file: exported in the documented format, imported only once the whole file is valid.

The format is the report's data file (`cases/report_format.py`, README "Case files"). An export carries the case,
everything in it, the reference data it refers to and the current tracked state of each item; importing it into an
empty database reproduces the case, and importing it into the database it came from changes nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cases import report_format as fmt
from cases.models import (
    Authority,
    Case,
    CaseLink,
    Finding,
    Incident,
    IncidentPair,
    Instrument,
    Law,
    LawArticle,
    RegulatoryAction,
    SafeguardType,
)
from compliance.access import is_regulator
from compliance.models import Company, CompanyGroup
from compliance.tracking import TrackedItem
from remediation.case_loading import LoadResult, _CaseLoader
from remediation.models import Implementation, Measure

if TYPE_CHECKING:
    from compliance.models import User

MEDIA_TYPE = "application/yaml"
LINE_WIDTH = 4096  # each text on one line, as in the report's file; lists of codes too
HEADER = """\
# Case file (format_version 1) of the case "{code}", exported by the compliance case tracker.
# Format: README "Case files" and cases/report_format.py. The reference data (authorities, law articles,
# safeguard types, groups, companies) is the part this case refers to; `links` name related cases by code.
# Each implementation and incident carries its current status and dates; importing the file takes them only
# for records that do not exist yet.
# null = not stated. A `position` is given only where a record's place differs from its place in its list.
"""


# Export --------------------------------------------------------------------------------------------------------


def case_file_export(*, case: Case) -> str:
    """The case as a case file (YAML): the regulator's whole view of it, private incidents included.

    Callers make sure the person is regulator staff and log the private records it holds (`exported_records`).
    """
    actions = list(
        RegulatoryAction.objects.filter(case=case)
        .order_by("position", "pk")
        .select_related("instrument", "issuer")
        .prefetch_related("articles", "addressees", "addressee_authorities")
    )
    implementations = Implementation.objects.select_related("company").order_by("position", "pk")
    measures = Measure.objects.select_related("safeguard_type").order_by("position", "pk")
    findings = list(
        Finding.objects.filter(case=case)
        .order_by("position", "pk")
        .prefetch_related(
            "articles",
            "safeguard_types",
            "affected_companies",
            Prefetch("measures", measures.prefetch_related(Prefetch("implementations", implementations))),
        )
    )
    pairs = list(
        IncidentPair.objects.filter(case=case)
        .order_by("number")
        .select_related("group")
        .prefetch_related("companies", Prefetch("incidents", Incident.objects.select_related("viewer", "owner")))
    )
    reference = _Reference(case, actions, findings, pairs)
    document: dict = {"format_version": fmt.FORMAT_VERSION}
    source = known_sources().get(case.code)
    if source is not None:
        document["source"] = source
    document |= {
        "authorities": _placed([_authority(a) for a in reference.authorities], reference.authorities),
        "laws": _placed([_law(law) for law in reference.laws], reference.laws),
        "instruments": _placed([_instrument(i) for i in reference.instruments], reference.instruments),
        "law_articles": [_law_article(a) for a in reference.articles],
        "safeguard_types": _placed([_named(s) for s in reference.safeguards], reference.safeguards),
        "groups": _placed([_named(g) for g in reference.groups], reference.groups),
        "companies": _placed([_company(c) for c in reference.companies], reference.companies),
        "case": _case(case),
        "regulatory_actions": _placed([_action(a) for a in actions], actions),
        "findings": _placed([_finding(f) for f in findings], findings),
        "pairs": [_pair(p) for p in pairs],
        "links": _links(case),
    }
    if "source" in document and not fmt.quotes_match_source(document):
        # Edited in the product since the report: its texts are no longer all quotes of it.
        del document["source"]
    body = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=LINE_WIDTH)
    return HEADER.format(code=case.code) + body


def exported_records(*, case: Case) -> list[Incident]:
    """The private records an export of the case holds (incidents the report does not describe), to log their read."""
    return [i for i in Incident.objects.filter(pair__case=case).select_related("pair") if i.is_private_record()]


def export_file_name(case: Case) -> str:
    return f"{case.code}.yaml"


@functools.cache
def known_sources() -> dict[str, dict]:
    """The `source` block of each case file in the product's data folder, by case code.

    A case loaded from a published report exports with that report's source, so that its quotes are checked again
    when it is imported; a case opened in the product has none.
    """
    sources = {}
    for path in sorted(fmt.DATA_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(raw, dict) and isinstance(raw.get("case"), dict) and raw.get("source"):
            sources[raw["case"]["code"]] = raw["source"]
    return sources


class _Codes(list):
    """A list of codes, written on one line as the report's file writes them."""


class _Inline(dict):
    """A small mapping (a window), written on one line."""


class _Dumper(yaml.SafeDumper):
    """Block style with lists indented under their key, as the report's file is written; no anchors."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data) -> bool:
        return True


_Dumper.add_representer(_Codes, lambda dumper, codes: dumper.represent_sequence("tag:yaml.org,2002:seq", codes, True))
# Choices (`CaseStatus.OPEN`) are strings of their own type: written as their value.
_Dumper.add_multi_representer(str, lambda dumper, text: dumper.represent_str(str(text)))
_Dumper.add_representer(_Inline, lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value, True))


class _Reference:
    """The reference data the case refers to, each kind in the product's order."""

    def __init__(self, case: Case, actions: list, findings: list, pairs: list) -> None:
        articles, safeguards, companies, groups = set(), set(), set(), set()
        authorities = set(case.authorities.values_list("pk", flat=True))
        for action in actions:
            authorities.add(action.issuer_id)
            authorities |= {a.pk for a in action.addressee_authorities.all()}
            articles |= {a.pk for a in action.articles.all()}
            companies |= {c.pk for c in action.addressees.all()}
        for finding in findings:
            articles |= {a.pk for a in finding.articles.all()}
            safeguards |= {s.pk for s in finding.safeguard_types.all()}
            companies |= {c.pk for c in finding.affected_companies.all()}
            for measure in finding.measures.all():
                safeguards.add(measure.safeguard_type_id)
                companies |= {i.company_id for i in measure.implementations.all()}
        for pair in pairs:
            groups.add(pair.group_id)
            companies |= {c.pk for c in pair.companies.all()}
            companies |= {pk for i in pair.incidents.all() for pk in (i.viewer_id, i.owner_id) if pk}
        self.authorities = list(Authority.objects.filter(pk__in=authorities))
        self.articles = list(LawArticle.objects.filter(pk__in=articles).select_related("law"))
        instruments = {action.instrument_id for action in actions}
        self.instruments = list(Instrument.objects.filter(pk__in=instruments).select_related("law"))
        laws = {a.law_id for a in self.articles} | {i.law_id for i in self.instruments}
        self.laws = list(Law.objects.filter(pk__in=laws | ({case.law_id} if case.law_id else set())))
        self.safeguards = list(SafeguardType.objects.filter(pk__in=safeguards))
        self.companies = list(Company.objects.filter(pk__in=companies).select_related("group"))
        groups |= {c.group_id for c in self.companies if c.group_id}
        self.groups = list(CompanyGroup.objects.filter(pk__in=groups))


def _placed(records: list[dict], rows: list) -> list[dict]:
    """Each record with its `position` where the row's position is not its place in the list."""
    for index, (record, row) in enumerate(zip(records, rows, strict=True)):
        if row.position != index:
            record["position"] = row.position
    return records


def _codes(rows) -> _Codes:
    return _Codes(row.code for row in rows)


def _law(law: Law) -> dict:
    fields = ["code", "name_ja", "name_en", "short_name_ja", "short_name_en", "number", "safeguards_required"]
    return {name: getattr(law, name) for name in fields}


def _instrument(instrument: Instrument) -> dict:
    return {
        "code": instrument.code,
        "law": instrument.law.code,
        "name_ja": instrument.name_ja,
        "name_en": instrument.name_en,
    }


def _law_article(article: LawArticle) -> dict:
    """A reference: its article as a number, or as 2の17 when it has branch numbers; the parts it has."""
    record = {
        "code": article.code,
        "law": article.law.code,
        "article": article.article_text if article.branches else article.article,
        "paragraph": article.paragraph,
    }
    record |= {"item": article.item} if article.item else {}
    record |= {"sub_item": article.sub_item_kana} if article.sub_item else {}
    return record | {"title_ja": article.title_ja, "title_en": article.title_en}


def _named(row: SafeguardType | CompanyGroup) -> dict:
    return {"code": row.code, "name_ja": row.name_ja, "name_en": row.name_en}


def _authority(authority: Authority) -> dict:
    return {"code": authority.code, "name_ja": authority.name_ja, "name_en": authority.name_en, "kind": authority.kind}


def _links(case: Case) -> list[dict]:
    """The case's links both ways, by the other case's code, as they read from this case."""
    links = CaseLink.objects.filter(models.Q(from_case=case) | models.Q(to_case=case)).select_related(
        "from_case", "to_case"
    )
    records = [
        {
            "case": link.other_case(case).code,
            "relation": link.relation,
            "direction": link.direction_from(case),
            "note_ja": link.note_ja,
            "note_en": link.note_en,
        }
        for link in links
    ]
    return sorted(records, key=lambda record: record["case"])


def _company(company: Company) -> dict:
    return {
        "code": company.code,
        "name_ja": company.name_ja,
        "name_en": company.name_en,
        "kind": company.kind,
        "group": company.group.code if company.group else None,
    }


def _case(case: Case) -> dict:
    fields = ["code", "title_ja", "title_en", "summary_ja", "summary_en", "opened_on", "closed_on", "status"]
    flags = {"published": case.published, "status_public": case.status_public}
    law = {"law": case.law.code} if case.law_id else {}
    authorities = {"authorities": _codes(case.authorities.order_by("position", "code"))}
    return {
        **{name: getattr(case, name) for name in fields[:5]},
        **law,
        **{n: getattr(case, n) for n in fields[5:]},
        **flags,
        **authorities,
    }


def _action(action: RegulatoryAction) -> dict:
    return {
        "code": action.code,
        "kind": action.instrument.code,
        "date": action.date,
        "issuer": action.issuer.code,
        "articles": _codes(action.articles.all()),
        "addressees": _codes(action.addressees.all()),
        "addressee_authorities": _codes(action.addressee_authorities.all()),
        "title_ja": action.title_ja,
        "title_en": action.title_en,
        "source_ja": action.source_ja,
        "source_en": action.source_en,
    }


def _finding(finding: Finding) -> dict:
    measures = list(finding.measures.all())
    return {
        "code": finding.code,
        "side": finding.side,
        "articles": _codes(finding.articles.all()),
        "safeguard_types": _codes(finding.safeguard_types.all()),
        "text_ja": finding.text_ja,
        "text_en": finding.text_en,
        "affected": _codes(finding.affected_companies.all()),
        "measures": _placed([_measure(m) for m in measures], measures),
    }


def _measure(measure: Measure) -> dict:
    """A measure; its status and window are each implementing company's own, under `implementations`."""
    implementations = list(measure.implementations.all())
    states = [{"company": i.company.code, **_tracked(i)} for i in implementations]
    return {
        "code": measure.code,
        "safeguard_type": measure.safeguard_type.code,
        "kind": measure.kind,
        "text_ja": measure.text_ja,
        "text_en": measure.text_en,
        **_timing(measure),
        "implementers": _Codes(i.company.code for i in implementations),
        "implementations": _placed(states, implementations),
    }


def _tracked(item: TrackedItem) -> dict:
    """An item's status and dates, those it has only: nothing stated is nothing held."""

    def window(start, end) -> dict | None:
        return _Inline(start=start, end=end) if start and end else None

    values = {
        "status": item.status or None,
        "due_on": item.due_on,
        "window": window(item.window_start, item.window_end),
        "baseline_due_on": item.baseline_due_on,
        "baseline_window": window(item.baseline_window_start, item.baseline_window_end),
        "tracked_since": item.tracked_since,
        "reporting_every": item.reporting_every or None,
        "reporting_since": item.reporting_since,
        **_timing(item),
    }
    return {name: value for name, value in values.items() if value is not None}


def _timing(record: Measure | TrackedItem) -> dict:
    """The deadline as the authority worded it and the days submitted and completed, those it has only."""
    values = {
        "deadline_text": record.deadline_text or None,
        "submitted_on": record.submitted_on,
        "completed_on": record.completed_on,
    }
    return {name: value for name, value in values.items() if value is not None}


def _pair(pair: IncidentPair) -> dict:
    incidents = sorted(pair.incidents.all(), key=lambda i: i.number)
    described = [i for i in incidents if i.described_in_report]
    return {
        "number": pair.number,
        "group": pair.group.code,
        "companies": _codes(pair.companies.all()),
        "incident_total": pair.incident_total,
        "incidents": [_incident(incident, place) for place, incident in enumerate(described, start=1)],
        "undescribed": [{"number": i.number, **_tracked(i)} for i in incidents if not i.described_in_report],
    }


def _incident(incident: Incident, place: int) -> dict:
    tracked = _tracked(incident)
    record = {"number": incident.number} if incident.number != place else {}
    record |= {
        "label": incident.label,
        "viewer": incident.viewer.code if incident.viewer else None,
        "owner": incident.owner.code if incident.owner else None,
        "mutual": incident.mutual,
        "data_kind": incident.data_kind or None,
        "used": incident.was_used,
        "new_entrant_data": incident.involves_new_entrant_data,
        "status": tracked.pop("status", None),
        "summary_ja": incident.summary_ja,
        "summary_en": incident.summary_en,
        "fix_ja": incident.fix_ja,
        "fix_en": incident.fix_en,
    }
    return record | tracked


# Import --------------------------------------------------------------------------------------------------------


def case_file_import(*, actor: User | None, text_or_path: str | Path, name: str = "") -> LoadResult:
    """Import a case file: validate it whole, then create or update the case and its records in one transaction.

    An invalid file raises `CaseFileError` with every problem in it, and nothing is written. Published content
    follows the file; the tracked state of an item is taken from it only when the item is created. Nothing is
    deleted. `actor` is the person importing; None only for the command line, run by whoever runs the server.
    """
    if actor is not None and not is_regulator(actor):
        raise PermissionDenied(_("Only regulator staff can import cases."))
    if isinstance(text_or_path, Path):
        document = fmt.parse_case_file(text_or_path)
        name = name or str(text_or_path)
    else:
        name = name or _("case file")
        document = fmt.parse_case_text(text_or_path, name=name)
    try:
        with transaction.atomic():
            return _CaseLoader(document).load()
    except fmt.CaseFileError as refused:
        raise fmt.CaseFileError(name, refused.problems) from None
    except (IntegrityError, DatabaseError) as error:
        # A record of the file collides with another in the database (two codes for one law article...).
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) or "-"
        reason = _("conflicts with a record in the database (%(constraint)s)") % {"constraint": constraint}
        raise fmt.CaseFileError(name, [fmt.Problem("database", "-", reason)]) from None
