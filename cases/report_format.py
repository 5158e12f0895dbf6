"""The case data file: its documented format, and every check a file must pass before it is loaded.

A case file is YAML (see `cases/data/report-2024-03-06.yaml`). `parse_case_file` returns the parsed
document or raises `CaseFileError` listing every problem as (record, field, reason); nothing is written
to the database here.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

FORMAT_VERSION = 1

Code = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)
Text = Field(min_length=1)


class Record(BaseModel):
    """Every record of the file: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Record):
    title_ja: str = Text
    title_en: str = Text
    published_on: datetime.date
    publisher_ja: str = Text
    publisher_en: str = Text
    text_file: str = Field(pattern=r"^[\w.-]+$")
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class LawArticle(Record):
    code: str = Code
    law_ja: str = Text
    law_en: str = Text
    article: int = Field(gt=0)
    paragraph: int | None = Field(default=None, gt=0)
    title_ja: str = Text
    title_en: str = Text


class SafeguardType(Record):
    code: str = Code
    name_ja: str = Text
    name_en: str = Text


class Group(Record):
    code: str = Code
    name_ja: str = Text
    name_en: str = Text


class Company(Record):
    code: str = Code
    name_ja: str = Text
    name_en: str = Text
    kind: Literal["td_operator", "retailer", "both", "contractor"]
    group: str | None = None


class Case(Record):
    code: str = Code
    title_ja: str = Text
    title_en: str = Text
    summary_ja: str = Text
    summary_en: str = Text
    opened_on: datetime.date
    status: Literal["open", "monitoring", "closed"]


class RegulatoryAction(Record):
    code: str = Code
    kind: Literal["guidance", "report_request", "order", "publication", "decision"]
    date: datetime.date
    articles: list[str] = []
    addressees: list[str] = []
    title_ja: str = Text
    title_en: str = Text
    source_ja: str = Text
    source_en: str = Text


class Window(Record):
    start: datetime.date
    end: datetime.date

    @model_validator(mode="after")
    def end_not_before_start(self) -> Window:
        if self.end < self.start:
            raise ValueError("the window ends before it starts")
        return self


Status = Literal["planned", "in_progress", "done", "blocked"]


class Measure(Record):
    code: str = Code
    safeguard_type: str
    kind: Literal["completed", "standing", "periodic", "project"]
    status: Status
    text_ja: str = Text
    text_en: str = Text
    implementers: list[str] = Field(min_length=1)
    window: Window | None = None


class Finding(Record):
    code: str = Code
    side: Literal["td_operator", "retailer"]
    article: str
    safeguard_types: list[str] = Field(min_length=1)
    text_ja: str = Text
    text_en: str = Text
    affected: list[str] = Field(min_length=1)
    measures: list[Measure] = Field(min_length=1)


class Incident(Record):
    label: str = Field(min_length=1, max_length=8)
    viewer: str | None
    owner: str | None
    mutual: bool = False
    data_kind: Literal["bank_account", "pole_data", "contractor_employee", "new_entrant_customer", "customer_data"]
    used: bool | None
    new_entrant_data: bool | None
    status: Status
    summary_ja: str = Text
    summary_en: str = Text
    fix_ja: str = Text
    fix_en: str = Text


class Pair(Record):
    number: int = Field(gt=0)
    group: str
    companies: list[str] = Field(min_length=1)
    incident_total: int = Field(ge=0)
    incidents: list[Incident] = []

    @model_validator(mode="after")
    def described_within_total(self) -> Pair:
        if len(self.incidents) > self.incident_total:
            raise ValueError(f"{len(self.incidents)} incidents described but the total is {self.incident_total}")
        return self


class CaseFile(Record):
    """The whole file: reference data, then the case and everything in it."""

    format_version: Literal[1]
    source: Source
    law_articles: list[LawArticle]
    safeguard_types: list[SafeguardType]
    groups: list[Group]
    companies: list[Company]
    case: Case
    regulatory_actions: list[RegulatoryAction]
    findings: list[Finding]
    pairs: list[Pair]


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: which record, which field, why."""

    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.reason}"


class CaseFileError(Exception):
    """A case file that cannot be loaded, with every problem found in it."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{path}: {len(problems)} problem(s), nothing was loaded:\n{listing}")


def parse_case_file(path: Path) -> CaseFile:
    """Read, validate and cross-check a case file; raise CaseFileError listing every problem."""
    raw = _read_yaml(path)
    try:
        document = CaseFile.model_validate(raw)
    except ValidationError as error:
        raise CaseFileError(path, [_problem_from_pydantic(raw, e) for e in error.errors()]) from None
    problems = [*_reference_problems(document), *_source_problems(document, path.parent)]
    if problems:
        raise CaseFileError(path, problems)
    return document


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CaseFileError(path, [Problem("file", "-", str(error))]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CaseFileError(path, [Problem("file", "-", f"not valid YAML: {error}")]) from None


def _problem_from_pydantic(raw: object, error: dict) -> Problem:
    """Name the record by its path in the file and, where it has one, its code or label."""
    location = list(error["loc"])
    record_parts: list[str] = []
    node = raw
    field = "-"
    while location:
        key = location.pop(0)
        if isinstance(key, int):
            record_parts[-1] += f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            name = _record_name(node)
            if name:
                record_parts[-1] += f" ({name})"
            continue
        is_last = not location
        child = node.get(key) if isinstance(node, dict) else None
        if is_last and not isinstance(child, list | dict):
            field = str(key)
        else:
            record_parts.append(str(key))
        node = child
    return Problem(".".join(record_parts) or "file", field, error["msg"])


def _record_name(node: object) -> str:
    if isinstance(node, dict):
        for key in ("code", "label", "group"):
            if isinstance(node.get(key), str):
                return node[key]
    return ""


def _reference_problems(document: CaseFile) -> Iterator[Problem]:
    """Every code a record names must exist, and codes must be unique where they identify."""
    articles = {a.code for a in document.law_articles}
    safeguards = {s.code for s in document.safeguard_types}
    groups = {g.code for g in document.groups}
    companies = {c.code for c in document.companies}

    yield from _duplicates("law_articles", [a.code for a in document.law_articles])
    yield from _duplicates("safeguard_types", [s.code for s in document.safeguard_types])
    yield from _duplicates("groups", [g.code for g in document.groups])
    yield from _duplicates("companies", [c.code for c in document.companies])
    yield from _duplicates("regulatory_actions", [a.code for a in document.regulatory_actions])
    yield from _duplicates("findings", [f.code for f in document.findings])
    yield from _duplicates("findings.measures", [m.code for f in document.findings for m in f.measures])
    yield from _duplicates("pairs", [p.number for p in document.pairs])
    yield from _duplicates("pairs.group", [p.group for p in document.pairs])

    for company in document.companies:
        if company.group is not None and company.group not in groups:
            yield Problem(f"companies ({company.code})", "group", f"unknown group '{company.group}'")
    for action in document.regulatory_actions:
        record = f"regulatory_actions ({action.code})"
        yield from _unknown(record, "articles", action.articles, articles, "law article")
        yield from _unknown(record, "addressees", action.addressees, companies, "company")
    for finding in document.findings:
        record = f"findings ({finding.code})"
        yield from _unknown(record, "article", [finding.article], articles, "law article")
        yield from _unknown(record, "safeguard_types", finding.safeguard_types, safeguards, "safeguard type")
        yield from _unknown(record, "affected", finding.affected, companies, "company")
        for measure in finding.measures:
            yield from _measure_problems(f"{record}.measures ({measure.code})", measure, safeguards, companies)
    for pair in document.pairs:
        record = f"pairs ({pair.number})"
        yield from _unknown(record, "group", [pair.group], groups, "group")
        yield from _unknown(record, "companies", pair.companies, companies, "company")
        yield from _duplicates(f"{record}.incidents", [i.label for i in pair.incidents])
        for incident in pair.incidents:
            incident_record = f"{record}.incidents ({incident.label})"
            parties = [code for code in (incident.viewer, incident.owner) if code is not None]
            yield from _unknown(incident_record, "viewer/owner", parties, companies, "company")
            if incident.viewer is not None and incident.viewer == incident.owner:
                yield Problem(incident_record, "owner", "the viewer and the owner are the same company")


def _measure_problems(record: str, measure: Measure, safeguards: set[str], companies: set[str]):
    yield from _unknown(record, "safeguard_type", [measure.safeguard_type], safeguards, "safeguard type")
    yield from _unknown(record, "implementers", measure.implementers, companies, "company")
    yield from _duplicates(f"{record}.implementers", measure.implementers)
    if measure.window is not None and measure.kind != "project":
        yield Problem(record, "window", "only a long-term project has a window")


def _unknown(record: str, field: str, codes: list[str], known: set[str], what: str) -> Iterator[Problem]:
    for code in codes:
        if code not in known:
            yield Problem(record, field, f"unknown {what} '{code}'")


def _duplicates(record: str, keys: list) -> Iterator[Problem]:
    for key, count in Counter(keys).items():
        if count > 1:
            yield Problem(record, "code", f"'{key}' appears {count} times")


def comparable(text: str) -> str:
    """The report's text with markup and all white space removed, so quotes compare exactly."""
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", text))


def _source_problems(document: CaseFile, folder: Path) -> Iterator[Problem]:
    """The report's text is the one the file pins, and every quote in the file is found in it."""
    path = folder / document.source.text_file
    try:
        data = path.read_bytes()
    except OSError as error:
        yield Problem("source", "text_file", str(error))
        return
    if hashlib.sha256(data).hexdigest() != document.source.text_sha256:
        yield Problem("source", "text_sha256", f"{path.name} is not the text this file was made from")
        return
    report = comparable(data.decode("utf-8"))
    for record, field, quote in _quotes(document):
        if comparable(quote) not in report:
            yield Problem(record, field, "not found word for word in the report")


def _quotes(document: CaseFile) -> Iterator[tuple[str, str, str]]:
    """Every field that quotes the report: (record, field, text)."""
    for company in document.companies:
        yield f"companies ({company.code})", "name_ja", company.name_ja
    yield "case", "title_ja", document.case.title_ja
    yield "case", "summary_ja", document.case.summary_ja
    for action in document.regulatory_actions:
        yield f"regulatory_actions ({action.code})", "source_ja", action.source_ja
    for finding in document.findings:
        yield f"findings ({finding.code})", "text_ja", finding.text_ja
        for measure in finding.measures:
            yield f"findings ({finding.code}).measures ({measure.code})", "text_ja", measure.text_ja
    for pair in document.pairs:
        for incident in pair.incidents:
            record = f"pairs ({pair.number}).incidents ({incident.label})"
            yield record, "summary_ja", incident.summary_ja
            yield record, "fix_ja", incident.fix_ja
