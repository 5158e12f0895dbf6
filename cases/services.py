"""Writes of the cases app."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction

from cases import report_format as fmt
from cases.models import (
    Case,
    Finding,
    Incident,
    IncidentPair,
    LawArticle,
    RegulatoryAction,
    SafeguardType,
)
from compliance.models import Company, CompanyGroup
from remediation.models import Implementation, Measure

DEFAULT_REPORT = Path(__file__).resolve().parent / "data" / "report-2024-03-06.yaml"


@dataclass(frozen=True)
class LoadResult:
    """What a load did: rows created and rows whose published content changed, per model."""

    case: Case
    created: Counter
    updated: Counter

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def case_file_load(*, path: Path = DEFAULT_REPORT) -> LoadResult:
    """Load a case file: validate it whole, then create or update its records in one transaction.

    Published content (texts, relations) follows the file. Tracked state (status, dates) is taken
    from the file only when a record is created: afterwards it belongs to the progress workflow.
    """
    document = fmt.parse_case_file(path)
    with transaction.atomic():
        return _CaseLoader(document).load()


class _CaseLoader:
    """Writes one validated case file into the database, by natural keys (codes)."""

    def __init__(self, document: fmt.CaseFile) -> None:
        self.document = document
        self.created: Counter = Counter()
        self.updated: Counter = Counter()
        self.new_rows: set[models.Model] = set()
        self.articles: dict[str, LawArticle] = {}
        self.safeguards: dict[str, SafeguardType] = {}
        self.groups: dict[str, CompanyGroup] = {}
        self.companies: dict[str, Company] = {}

    def load(self) -> LoadResult:
        self._load_reference_data()
        case = self._upsert(Case, {"code": self.document.case.code}, self.document.case.model_dump(exclude={"code"}))
        for position, action in enumerate(self.document.regulatory_actions):
            self._load_action(case, position, action)
        for position, finding in enumerate(self.document.findings):
            self._load_finding(case, position, finding)
        for pair in self.document.pairs:
            self._load_pair(case, pair)
        return LoadResult(case=case, created=self.created, updated=self.updated)

    # Reference data -------------------------------------------------------------------------------

    def _load_reference_data(self) -> None:
        for article in self.document.law_articles:
            self.articles[article.code] = self._upsert(
                LawArticle, {"code": article.code}, article.model_dump(exclude={"code"})
            )
        for position, safeguard in enumerate(self.document.safeguard_types):
            values = {**safeguard.model_dump(exclude={"code"}), "position": position}
            self.safeguards[safeguard.code] = self._upsert(SafeguardType, {"code": safeguard.code}, values)
        for position, group in enumerate(self.document.groups):
            values = {**group.model_dump(exclude={"code"}), "position": position}
            self.groups[group.code] = self._upsert(CompanyGroup, {"code": group.code}, values)
        for position, company in enumerate(self.document.companies):
            values = {
                **company.model_dump(exclude={"code", "group"}),
                "group": self.groups.get(company.group) if company.group else None,
                "position": position,
            }
            self.companies[company.code] = self._upsert(Company, {"code": company.code}, values)

    # The case -------------------------------------------------------------------------------------

    def _load_action(self, case: Case, position: int, action: fmt.RegulatoryAction) -> None:
        values = {**action.model_dump(exclude={"code", "articles", "addressees"}), "position": position}
        row = self._upsert(RegulatoryAction, {"case": case, "code": action.code}, values)
        self._set_related(row, "articles", [self.articles[c] for c in action.articles])
        self._set_related(row, "addressees", [self.companies[c] for c in action.addressees])

    def _load_finding(self, case: Case, position: int, finding: fmt.Finding) -> None:
        values = {
            "side": finding.side,
            "article": self.articles[finding.article],
            "text_ja": finding.text_ja,
            "text_en": finding.text_en,
            "position": position,
        }
        row = self._upsert(Finding, {"case": case, "code": finding.code}, values)
        self._set_related(row, "safeguard_types", [self.safeguards[c] for c in finding.safeguard_types])
        self._set_related(row, "affected_companies", [self.companies[c] for c in finding.affected])
        for measure_position, measure in enumerate(finding.measures):
            self._load_measure(row, measure_position, measure)

    def _load_measure(self, finding: Finding, position: int, measure: fmt.Measure) -> None:
        values = {
            "safeguard_type": self.safeguards[measure.safeguard_type],
            "kind": measure.kind,
            "text_ja": measure.text_ja,
            "text_en": measure.text_en,
            "position": position,
        }
        row = self._upsert(Measure, {"finding": finding, "code": measure.code}, values)
        start = measure.window.start if measure.window else None
        end = measure.window.end if measure.window else None
        tracked = {
            "status": measure.status,
            "tracked_since": self.document.source.published_on,
            "window_start": start,
            "window_end": end,
            "baseline_window_start": start,
            "baseline_window_end": end,
        }
        for implementer_position, code in enumerate(measure.implementers):
            self._upsert(
                Implementation,
                {"measure": row, "company": self.companies[code]},
                {"position": implementer_position},
                on_create=tracked,
            )

    def _load_pair(self, case: Case, pair: fmt.Pair) -> None:
        values = {"group": self.groups[pair.group], "incident_total": pair.incident_total}
        row = self._upsert(IncidentPair, {"case": case, "number": pair.number}, values)
        self._set_related(row, "companies", [self.companies[c] for c in pair.companies])
        for number, incident in enumerate(pair.incidents, start=1):
            self._load_described_incident(row, number, incident)
        # The incidents the report counts but does not describe: present, marked, with nothing invented.
        for number in range(len(pair.incidents) + 1, pair.incident_total + 1):
            self._upsert(
                Incident,
                {"pair": row, "number": number},
                {"described_in_report": False},
                on_create={"tracked_since": self.document.source.published_on},
            )

    def _load_described_incident(self, pair: IncidentPair, number: int, incident: fmt.Incident) -> None:
        values = {
            "label": incident.label,
            "described_in_report": True,
            "viewer": self.companies.get(incident.viewer) if incident.viewer else None,
            "owner": self.companies.get(incident.owner) if incident.owner else None,
            "mutual": incident.mutual,
            "data_kind": incident.data_kind,
            "was_used": incident.used,
            "involves_new_entrant_data": incident.new_entrant_data,
            "summary_ja": incident.summary_ja,
            "summary_en": incident.summary_en,
            "fix_ja": incident.fix_ja,
            "fix_en": incident.fix_en,
        }
        since = self.document.source.published_on
        self._upsert(
            Incident,
            {"pair": pair, "number": number},
            values,
            on_create={"status": incident.status, "tracked_since": since},
        )

    # Writing --------------------------------------------------------------------------------------

    def _upsert(self, model: type[models.Model], keys: dict, values: dict, on_create: dict | None = None):
        """Create the row, or bring its published content in line with the file; count what changed."""
        row = model.objects.filter(**keys).first()
        if row is None:
            row = model(**keys, **values, **(on_create or {}))
            row.full_clean(validate_unique=False, validate_constraints=False)
            row.save()
            self.created[model._meta.label] += 1
            self.new_rows.add(row)
            return row
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            row.full_clean(validate_unique=False, validate_constraints=False)
            row.save(update_fields=changed)
            self.updated[model._meta.label] += 1
        return row

    def _set_related(self, row: models.Model, name: str, targets: list[models.Model]) -> None:
        manager = getattr(row, name)
        if set(manager.values_list("pk", flat=True)) != {t.pk for t in targets}:
            manager.set(targets)
            if row not in self.new_rows:
                self.updated[f"{row._meta.label}.{name}"] += 1
