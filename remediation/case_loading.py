"""Loading a whole case file: the case, its findings and incidents, and the measures and items that follow them up.

It spans the layers (a measure and each company's item are the follow-up), so it lives in the top one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

import cases
from cases import case_file_schema as schema
from cases import report_format as fmt
from cases.law_references import parse_article, parse_sub_item
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
from compliance.models import Company, CompanyGroup
from compliance.tracking import TrackedItem
from compliance.versioning import Versioned
from remediation.models import Implementation, Measure

if TYPE_CHECKING:
    pass

DEFAULT_REPORT = Path(cases.__file__).resolve().parent / "data" / "report-2024-03-06.yaml"


@dataclass(frozen=True)
class LoadResult:
    """What a load did: rows created and rows whose published content changed, per model."""

    case: Case
    created: Counter
    updated: Counter
    # Links of the file to cases not in the database: made when those cases' files are imported.
    pending_links: tuple[str, ...] = ()

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

    def __init__(self, document: schema.CaseFile) -> None:
        self.document = document
        self.created: Counter = Counter()
        self.updated: Counter = Counter()
        self.new_rows: set[models.Model] = set()
        self.laws: dict[str, Law] = {}
        self.instruments: dict[str, Instrument] = {}
        self.articles: dict[str, LawArticle] = {}
        self.safeguards: dict[str, SafeguardType] = {}
        self.groups: dict[str, CompanyGroup] = {}
        self.companies: dict[str, Company] = {}
        self.authorities: dict[str, Authority] = {}
        self.pending_links: list[str] = []
        # Since when new items are followed: the report's date; without a source, the day they are created.
        self.since = document.source.published_on if document.source else None

    def load(self) -> LoadResult:
        self._load_reference_data()
        # Keys the file leaves out (a case's `closed_on`, `status_public`) keep what the case holds.
        values = self.document.case.model_dump(exclude={"code", "law", "authorities"}, exclude_unset=True)
        if self.document.case.law is not None:
            values["law"] = self._law("case", self.document.case.law)
        elif not Case.objects.filter(code=self.document.case.code).exists():
            # A file written before cases had a law: the law its references cite, if only one.
            laws = {a.law for a in self.articles.values()}
            values["law"] = laws.pop() if len(laws) == 1 else None
        case = self._upsert(Case, {"code": self.document.case.code}, values)
        if self.document.case.authorities is not None:
            self._set_related(case, "authorities", [self.authorities[c] for c in self.document.case.authorities])
        elif case in self.new_rows:
            case.authorities.set([Authority.own()])
        for position, action in enumerate(self.document.regulatory_actions):
            self._load_action(case, position, action)
        for position, finding in enumerate(self.document.findings):
            self._load_finding(case, position, finding)
        for pair in self.document.pairs:
            self._load_pair(case, pair)
        for link in self.document.links:
            self._load_link(case, link)
        return LoadResult(
            case=case, created=self.created, updated=self.updated, pending_links=tuple(self.pending_links)
        )

    # Reference data -------------------------------------------------------------------------------

    def _law(self, record: str, code: str) -> Law:
        """The law of this code: the file's, or one the product knows."""
        law = self.laws.get(code) or Law.objects.filter(code=code).first()
        if law is None:
            reason = _("unknown law '%(code)s'") % {"code": code}
            raise fmt.CaseFileError(_("database"), [fmt.Problem(record, "law", reason)])
        return law

    def _law_named(self, record: str, name: str) -> Law:
        """The law a file written before laws were data names by its Japanese name (or short name)."""
        names = {n: law for law in [*self.laws.values(), *Law.objects.all()] for n in (law.name_ja, law.short_name_ja)}
        if name not in names:
            reason = _("no law the product knows is named '%(name)s': add it under laws") % {"name": name}
            raise fmt.CaseFileError(_("database"), [fmt.Problem(record, "law_ja", reason)])
        return names[name]

    def _load_reference_data(self) -> None:
        for index, authority in enumerate(self.document.authorities):
            values = {**authority.model_dump(exclude={"code"}), "position": _position(authority, index)}
            self.authorities[authority.code] = self._upsert(Authority, {"code": authority.code}, values)
        for index, law in enumerate(self.document.laws):
            values = {**law.model_dump(exclude={"code"}), "position": _position(law, index)}
            self.laws[law.code] = self._upsert(Law, {"code": law.code}, values)
        for index, instrument in enumerate(self.document.instruments):
            record = f"instruments ({instrument.code})"
            values = {
                **instrument.model_dump(exclude={"code", "law"}),
                "law": self._law(record, instrument.law),
                "position": _position(instrument, index),
            }
            self.instruments[instrument.code] = self._upsert(Instrument, {"code": instrument.code}, values)
        for article in self.document.law_articles:
            record = f"law_articles ({article.code})"
            law = self._law(record, article.law) if article.law else self._law_named(record, article.law_ja or "")
            number, branches = parse_article(article.article)
            values = {
                "law": law,
                "article": number,
                "branches": list(branches),
                "paragraph": article.paragraph,
                "item": article.item,
                "sub_item": parse_sub_item(article.sub_item),
                "title_ja": article.title_ja,
                "title_en": article.title_en,
            }
            self.articles[article.code] = self._upsert(LawArticle, {"code": article.code}, values)
        for index, safeguard in enumerate(self.document.safeguard_types):
            values = {**safeguard.model_dump(exclude={"code"}), "position": _position(safeguard, index)}
            self.safeguards[safeguard.code] = self._upsert(SafeguardType, {"code": safeguard.code}, values)
        for index, group in enumerate(self.document.groups):
            values = {**group.model_dump(exclude={"code"}), "position": _position(group, index)}
            self.groups[group.code] = self._upsert(CompanyGroup, {"code": group.code}, values)
        for index, company in enumerate(self.document.companies):
            values = {
                **company.model_dump(exclude={"code", "group"}),
                "group": self.groups.get(company.group) if company.group else None,
                "position": _position(company, index),
            }
            self.companies[company.code] = self._upsert(Company, {"code": company.code}, values)

    # The case -------------------------------------------------------------------------------------

    def _load_action(self, case: Case, position: int, action: schema.RegulatoryAction) -> None:
        instrument = self.instruments.get(action.kind) or Instrument.objects.filter(code=action.kind).first()
        if instrument is None:
            reason = _("unknown instrument '%(code)s'") % {"code": action.kind}
            problem = fmt.Problem(f"regulatory_actions ({action.code})", "kind", reason)
            raise fmt.CaseFileError(_("database"), [problem])
        values = {
            **action.model_dump(exclude={"code", "kind", "articles", "addressees", "addressee_authorities", "issuer"}),
            "instrument": instrument,
            "position": _position(action, position),
        }
        # The issuer the file names; else a new action is the case's first authority's, an existing one keeps its.
        on_create = {}
        if action.issuer is not None:
            values["issuer"] = self.authorities[action.issuer]
        else:
            on_create["issuer"] = case.authorities.order_by("position", "code").first() or Authority.own()
        row = self._upsert(RegulatoryAction, {"case": case, "code": action.code}, values, on_create=on_create)
        self._set_related(row, "articles", [self.articles[c] for c in action.articles])
        self._set_related(row, "addressees", [self.companies[c] for c in action.addressees])
        addressed = [self.authorities[c] for c in action.addressee_authorities]
        self._set_related(row, "addressee_authorities", addressed)

    def _load_finding(self, case: Case, position: int, finding: schema.Finding) -> None:
        values = {
            "side": finding.side,
            "text_ja": finding.text_ja,
            "text_en": finding.text_en,
            "position": _position(finding, position),
        }
        row = self._upsert(Finding, {"case": case, "code": finding.code}, values)
        cited = [self.articles[c] for c in finding.cited]
        laws = sorted({a.law.short_name_ja for a in cited if a.law.safeguards_required})
        if laws and not finding.safeguard_types:
            reason = _("a finding under %(law)s names at least one safeguard type") % {"law": "、".join(laws)}
            raise fmt.CaseFileError(
                _("database"), [fmt.Problem(f"findings ({finding.code})", "safeguard_types", reason)]
            )
        self._set_related(row, "articles", cited)
        self._set_related(row, "safeguard_types", [self.safeguards[c] for c in finding.safeguard_types])
        self._set_related(row, "affected_companies", [self.companies[c] for c in finding.affected])
        for measure_position, measure in enumerate(finding.measures):
            self._load_measure(row, measure_position, measure)

    def _load_measure(self, finding: Finding, position: int, measure: schema.Measure) -> None:
        values = {
            "safeguard_type": self.safeguards[measure.safeguard_type],
            "kind": measure.kind,
            "text_ja": measure.text_ja,
            "text_en": measure.text_en,
            "deadline_text": measure.deadline_text,
            "submitted_on": measure.submitted_on,
            "completed_on": measure.completed_on,
            "position": _position(measure, position),
        }
        row = self._upsert(Measure, {"finding": finding, "code": measure.code}, values)
        # Each company's own state when the file gives it; else the measure's status and window, as published.
        published = schema.TrackedState(window=measure.window, baseline_window=measure.window)
        states = {state.company: state for state in measure.implementations}
        for index, code in enumerate(measure.implementers):
            state = states.get(code)
            self._upsert(
                Implementation,
                {"measure": row, "company": self.companies[code]},
                {"position": _position(state, index)},
                on_create=self._tracked(state or published, state.status if state else measure.status),
            )

    def _tracked(self, state: schema.TrackedState, status: str | None) -> dict:
        """The tracked fields of an item about to be created."""
        values = {
            "status": status or "",
            "due_on": state.due_on,
            "window_start": state.window.start if state.window else None,
            "window_end": state.window.end if state.window else None,
            "baseline_due_on": state.baseline_due_on,
            "baseline_window_start": state.baseline_window.start if state.baseline_window else None,
            "baseline_window_end": state.baseline_window.end if state.baseline_window else None,
            "reporting_every": state.reporting_every or "",
            "reporting_since": state.reporting_since,
            "deadline_text": state.deadline_text or "",
            "submitted_on": state.submitted_on,
            "completed_on": state.completed_on,
        }
        since = state.tracked_since or self.since
        return {**values, "tracked_since": since} if since else values

    def _load_pair(self, case: Case, pair: schema.Pair) -> None:
        values = {"group": self.groups[pair.group], "incident_total": pair.incident_total}
        row = self._upsert(IncidentPair, {"case": case, "number": pair.number}, values)
        recorded = row.incidents.count()
        if recorded > pair.incident_total:  # the rule of incident_pair_update, for files too
            reason = _("the pair has %(n)d incidents already: the total cannot be less") % {"n": recorded}
            raise fmt.CaseFileError(_("database"), [fmt.Problem(f"pairs ({pair.number})", "incident_total", reason)])
        self._set_related(row, "companies", [self.companies[c] for c in pair.companies])
        described = set()
        for place, incident in enumerate(pair.incidents, start=1):
            number = incident.number or place
            described.add(number)
            self._load_described_incident(row, number, incident)
        # The incidents the report counts but does not describe: present, marked, with nothing invented.
        states = {state.number: state for state in pair.undescribed}
        for number in range(1, pair.incident_total + 1):
            if number in described:
                continue
            state = states.get(number)
            self._upsert(
                Incident,
                {"pair": row, "number": number},
                {"described_in_report": False},
                on_create=self._tracked(state or schema.TrackedState(), state.status if state else None),
            )

    def _load_described_incident(self, pair: IncidentPair, number: int, incident: schema.Incident) -> None:
        values = {
            "label": incident.label,
            "described_in_report": True,
            "viewer": self.companies.get(incident.viewer) if incident.viewer else None,
            "owner": self.companies.get(incident.owner) if incident.owner else None,
            "mutual": incident.mutual,
            "data_kind": incident.data_kind or "",
            "was_used": incident.used,
            "involves_new_entrant_data": incident.new_entrant_data,
            "summary_ja": incident.summary_ja,
            "summary_en": incident.summary_en,
            "fix_ja": incident.fix_ja,
            "fix_en": incident.fix_en,
        }
        self._upsert(
            Incident, {"pair": pair, "number": number}, values, on_create=self._tracked(incident, incident.status)
        )

    def _load_link(self, case: Case, link: schema.Link) -> None:
        """The link as the file reads it from this case; left for later when the other case is not here yet."""
        other = Case.objects.filter(code=link.case).first()
        if other is None:
            self.pending_links.append(link.case)
            return
        ends = (case, other) if link.direction == "outgoing" else (other, case)
        existing = CaseLink.objects.filter(
            models.Q(from_case=case, to_case=other) | models.Q(from_case=other, to_case=case)
        ).first()
        values = {"relation": link.relation, "note_ja": link.note_ja, "note_en": link.note_en}
        if existing is not None and (existing.from_case_id, existing.to_case_id) != (ends[0].pk, ends[1].pk):
            # Made the other way round in this database: the file's direction wins, as its texts do.
            existing.from_case, existing.to_case = ends
            existing.save(update_fields=["from_case", "to_case"])
            self.updated[CaseLink._meta.label] += 1
        self._upsert(CaseLink, {"from_case": ends[0], "to_case": ends[1]}, values)

    # Writing --------------------------------------------------------------------------------------

    def _upsert(self, model: type[models.Model], keys: dict, values: dict, on_create: dict | None = None):
        """Create the row, or bring its published content in line with the file; count what changed."""
        row = model.objects.filter(**keys).first()
        if row is None:
            row = model(**keys, **values, **(on_create or {}))
            _check_row(row, keys)
            row.save()
            self.created[model._meta.label] += 1
            self.new_rows.add(row)
            return row
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            if isinstance(row, TrackedItem | Versioned):  # its ETag changes with it, as with every other change
                row.version += 1
                changed.append("version")
            for name in changed:
                setattr(row, name, values.get(name, getattr(row, name)))
            _check_row(row, keys)
            row.save(update_fields=changed)
            self.updated[model._meta.label] += 1
        return row

    def _set_related(self, row: models.Model, name: str, targets: list[models.Model]) -> None:
        manager = getattr(row, name)
        if set(manager.values_list("pk", flat=True)) != {t.pk for t in targets}:
            manager.set(targets)
            if row not in self.new_rows:
                self.updated[f"{row._meta.label}.{name}"] += 1
                if isinstance(row, Versioned):  # the record as shown changed: its ETag too
                    type(row).objects.filter(pk=row.pk).update(version=F("version") + 1)
                    row.version += 1


def _position(record: object, index: int) -> int:
    """A record's place in the product's lists: the one the file gives, else its place in the file."""
    position = getattr(record, "position", None)
    return index if position is None else position


def _check_row(row: models.Model, keys: dict) -> None:
    """The model's own field checks, each refusal a problem naming the row (the file's checks come first)."""
    try:
        row.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        names = ", ".join(str(getattr(value, "code", value)) for value in keys.values())
        record = f"{row._meta.verbose_name} ({names})"
        problems = [
            fmt.Problem(record, field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
        raise fmt.CaseFileError(_("database"), problems) from None
