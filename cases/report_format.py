"""The case file: its documented format, and every check a file must pass before it is loaded.

A case file is YAML (see `cases/data/report-2024-03-06.yaml`, and README "Case files"). It began as the report's
data file; any case exports to it and imports from it. `parse_case_file` and `parse_case_text` return the parsed
document or raise `CaseFileError` listing every problem as (record, field, reason); nothing is written to the
database here.

Every check runs on every file, so that one pass reports every problem: the schema (pydantic, over the whole
document), the references between records (run on the raw data, so that a record the schema refused still has its
references checked), and, when the file names the text it quotes, the quotes against that text.

Extensions made for cases opened in the product (a file without them reads as before):
- `source` is optional: a case opened in the product quotes no published text, and then no quote is checked.
- English texts, and the Japanese texts the product allows empty (a case's summary, an action's source text, an
  incident's fix), may be empty strings; their keys are still required.
- `position` (optional) on reference data, actions, findings, measures and implementations: where the record stands
  in the product's lists when that is not its place in the file.
- the case's `closed_on`, `published` and `status_public` (optional: when absent, a case keeps its own; a new
  case is unpublished unless the file says `published: true`).
- the tracked state of each item: a measure's `implementations` (each company's status and dates), the tracked
  fields of a described incident, and a pair's `undescribed` incidents by number. A measure's `status` is optional.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from compliance.validators import CODE_PATTERN, RESERVED_CODES, validate_supported_date

FORMAT_VERSION = 1
# The product's own library of published texts: a file's `source.text_file` is looked up beside the file first.
DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_FILE_BYTES = 2 * 1024 * 1024

# As long as the database's columns allow.
Code = Field(pattern=CODE_PATTERN, max_length=50)
ShortCode = Field(pattern=CODE_PATTERN, max_length=40)
LongCode = Field(pattern=CODE_PATTERN, max_length=80)
Text = Field(min_length=1)
Name = Field(min_length=1, max_length=200)
Translation = Field(max_length=200)
Position = Field(default=None, ge=0)


def _supported(day: datetime.date) -> datetime.date:
    """A date within the range the product accepts, as every form and the API check it."""
    try:
        validate_supported_date(day)
    except DjangoValidationError as error:
        raise PydanticCustomError("date_out_of_range", error.messages[0]) from None
    return day


Day = Annotated[datetime.date, AfterValidator(_supported)]


class Record(BaseModel):
    """Every record of the file: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Record):
    title_ja: str = Text
    title_en: str = Text
    published_on: Day
    publisher_ja: str = Text
    publisher_en: str = Text
    text_file: str = Field(pattern=r"^[\w.-]+$")
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class LawArticle(Record):
    code: str = Code
    law_ja: str = Name
    law_en: str = Translation
    article: int = Field(gt=0)
    paragraph: int | None = Field(default=None, gt=0)
    title_ja: str = Name
    title_en: str = Translation


class SafeguardType(Record):
    code: str = Code
    name_ja: str = Name
    name_en: str = Translation
    position: int | None = Position


class Group(Record):
    code: str = Code
    name_ja: str = Name
    name_en: str = Translation
    position: int | None = Position


class Company(Record):
    code: str = Code
    name_ja: str = Name
    name_en: str = Translation
    kind: Literal["td_operator", "retailer", "both", "contractor"]
    group: str | None = None
    position: int | None = Position


class Case(Record):
    code: str = Code
    title_ja: str = Text
    title_en: str
    summary_ja: str
    summary_en: str
    opened_on: Day
    closed_on: Day | None = None
    status: Literal["open", "monitoring", "closed"]
    published: bool = False
    status_public: bool = False

    @model_validator(mode="after")
    def closed_after_opened(self) -> Case:
        # As the case's own rules say: a closed case has its closing day, on or after the day it opened.
        if self.status == "closed" and self.closed_on is None:
            raise ValueError(_("a closed case has the day it was closed (closed_on)"))
        if self.status != "closed" and self.closed_on is not None:
            raise ValueError(_("only a closed case has a closing day"))
        if self.closed_on is not None and self.closed_on < self.opened_on:
            raise ValueError(_("the case is closed before it was opened"))
        return self


class RegulatoryAction(Record):
    code: str = LongCode
    kind: Literal["guidance", "report_request", "order", "publication", "decision"]
    date: Day
    articles: list[str] = []
    addressees: list[str] = []
    title_ja: str = Text
    title_en: str
    source_ja: str
    source_en: str
    position: int | None = Position


class Window(Record):
    start: Day
    end: Day

    @model_validator(mode="after")
    def end_not_before_start(self) -> Window:
        if self.end < self.start:
            raise ValueError(_("the window ends before it starts"))
        return self


Status = Literal["planned", "in_progress", "done", "blocked"]


class TrackedState(Record):
    """What the progress workflow keeps of an item besides its status: its dates and its reporting duty.

    Taken from the file only when the item is created; afterwards it belongs to the workflow.
    """

    due_on: Day | None = None
    window: Window | None = None
    baseline_due_on: Day | None = None
    baseline_window: Window | None = None
    tracked_since: Day | None = None
    reporting_every: Literal["monthly", "quarterly"] | None = None
    reporting_since: Day | None = None

    @model_validator(mode="after")
    def dates_consistent(self) -> TrackedState:
        # As the tracked item's own rules say, so that the file is refused before anything is written.
        if self.due_on is not None and self.window is not None:
            raise ValueError(_("a due date or a window, not both"))
        if (self.reporting_every is None) != (self.reporting_since is None):
            raise ValueError(_("reporting_every and reporting_since are given together or not at all"))
        return self


class Implementation(TrackedState):
    """One implementing company's own status and dates for a measure."""

    company: str
    status: Status | None = None
    position: int | None = Position


class Measure(Record):
    code: str = ShortCode
    safeguard_type: str
    kind: Literal["completed", "standing", "periodic", "project"]
    status: Status | None = None
    text_ja: str = Text
    text_en: str
    implementers: list[str] = []  # a measure may be recorded before anyone is asked to carry it out
    window: Window | None = None
    implementations: list[Implementation] = []
    position: int | None = Position


class Finding(Record):
    code: str = ShortCode
    side: Literal["td_operator", "retailer"]
    article: str
    safeguard_types: list[str] = Field(min_length=1)
    text_ja: str = Text
    text_en: str
    affected: list[str] = Field(min_length=1)
    measures: list[Measure] = []  # a finding may be recorded before its measures
    position: int | None = Position


class Incident(TrackedState):
    number: int | None = Field(default=None, gt=0)
    label: str = Field(min_length=1, max_length=8)
    viewer: str | None
    owner: str | None
    mutual: bool = False
    data_kind: (
        Literal["bank_account", "pole_data", "contractor_employee", "new_entrant_customer", "customer_data"] | None
    )
    used: bool | None
    new_entrant_data: bool | None
    status: Status | None
    summary_ja: str = Text
    summary_en: str
    fix_ja: str
    fix_en: str


class UndescribedIncident(TrackedState):
    """An incident the report counts but does not describe: its number in the pair and its tracked state only."""

    number: int = Field(gt=0)
    status: Status | None = None


class Pair(Record):
    number: int = Field(gt=0)
    group: str
    companies: list[str] = Field(min_length=1)
    incident_total: int = Field(ge=0)
    incidents: list[Incident] = []
    undescribed: list[UndescribedIncident] = []

    @model_validator(mode="after")
    def described_within_total(self) -> Pair:
        if len(self.incidents) > self.incident_total:
            raise ValueError(
                _("%(described)s incidents described but the total is %(total)s")
                % {"described": len(self.incidents), "total": self.incident_total}
            )
        return self


class CaseFile(Record):
    """The whole file: reference data, then the case and everything in it."""

    format_version: Literal[1]
    source: Source | None = None
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

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{path}: {len(problems)} problem(s), nothing was loaded:\n{listing}")


def parse_case_file(path: Path) -> CaseFile:
    """Read, validate and cross-check a case file; raise CaseFileError listing every problem."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CaseFileError(path, [Problem("file", "-", error.strerror or str(error))]) from None
    return parse_case_text(decode_case_file(data, name=path), name=path, folders=[path.parent])


def decode_case_file(data: bytes, *, name: Path | str = "case file") -> str:
    """The text of a case file sent or read as bytes: UTF-8, and no larger than the format allows."""
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise CaseFileError(name, [Problem("file", "-", _("larger than %(limit)s MB") % {"limit": limit})])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CaseFileError(name, [Problem("file", "-", _("not UTF-8 text"))]) from None


def parse_case_text(text: str, *, name: Path | str = "case file", folders: Sequence[Path] = ()) -> CaseFile:
    """Validate and cross-check the text of a case file; raise CaseFileError listing every problem.

    The report's text named by `source.text_file` is looked up in `folders`, then in the product's data folder.
    """
    raw = _read_yaml(text, name)
    problems: list[Problem] = []
    document = None
    try:
        document = CaseFile.model_validate(raw)
    except ValidationError as error:
        problems += [_problem_from_pydantic(raw, e) for e in error.errors()]
    problems += _reference_problems(raw)
    problems += _source_problems(raw, [*folders, DATA_DIR])
    if problems or document is None:
        raise CaseFileError(name, problems)
    return document


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML with no aliases (a small file must not expand into a huge one) and no key given twice."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not accepted", mark)
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node):
        # An impossible date (2023-02-30) stays text, for the schema to report at its field.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _value in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in seen:
                    mark = key_node.start_mark
                    raise yaml.constructor.ConstructorError(None, None, f"the key '{key}' is given twice", mark)
                seen.add(key)
        return super().construct_mapping(node, deep)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def _read_yaml(text: str, name: Path | str) -> object:
    if len(text) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise CaseFileError(name, [Problem("file", "-", _("larger than %(limit)s MB") % {"limit": limit})])
    try:
        return yaml.load(text, Loader=_StrictLoader)  # nosec B506  # noqa: S506 (a SafeLoader, stricter still)
    except yaml.YAMLError as error:
        reason = _("not valid YAML: %(error)s") % {"error": error}
        raise CaseFileError(name, [Problem("file", "-", reason)]) from None
    except RecursionError:
        raise CaseFileError(name, [Problem("file", "-", _("nested too deeply"))]) from None


# Pydantic's messages by kind, so that they read in the interface's language; any other kind keeps pydantic's own.
PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("Field required"),
    "extra_forbidden": lambda ctx: _("Extra inputs are not permitted"),
    "literal_error": lambda ctx: _("Input should be %(expected)s") % {"expected": ctx.get("expected", "")},
    "int_parsing": lambda ctx: _("Input should be a valid integer"),
    "int_type": lambda ctx: _("Input should be a valid integer"),
    "int_from_float": lambda ctx: _("Input should be a valid integer"),
    "bool_parsing": lambda ctx: _("Input should be a valid boolean"),
    "bool_type": lambda ctx: _("Input should be a valid boolean"),
    "string_type": lambda ctx: _("Input should be a valid string"),
    "list_type": lambda ctx: _("Input should be a valid list"),
    "model_type": lambda ctx: _("Input should be a valid dictionary"),
    "dict_type": lambda ctx: _("Input should be a valid dictionary"),
    "date_parsing": lambda ctx: _("Input should be a valid date in the format YYYY-MM-DD"),
    "date_from_datetime_parsing": lambda ctx: _("Input should be a valid date in the format YYYY-MM-DD"),
    "date_type": lambda ctx: _("Input should be a valid date in the format YYYY-MM-DD"),
    "greater_than": lambda ctx: _("Input should be greater than %(limit)s") % {"limit": ctx.get("gt")},
    "greater_than_equal": lambda ctx: (
        _("Input should be greater than or equal to %(limit)s") % {"limit": ctx.get("ge")}
    ),
    "string_too_short": lambda ctx: _("String should not be empty"),
    "string_too_long": lambda ctx: (
        _("String should have at most %(limit)s characters") % {"limit": ctx.get("max_length")}
    ),
    "string_pattern_mismatch": lambda ctx: (
        _("String should match pattern '%(pattern)s'") % {"pattern": ctx.get("pattern")}
    ),
    "too_short": lambda ctx: _("List should have at least %(limit)s item") % {"limit": ctx.get("min_length")},
}


def _pydantic_message(error: dict) -> str:
    message = PYDANTIC_MESSAGES.get(error["type"])
    return message(error.get("ctx") or {}) if message else error["msg"]


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
    return Problem(".".join(record_parts) or "file", field, _pydantic_message(error))


def _record_name(node: object) -> str:
    if isinstance(node, dict):
        for key in ("code", "label", "group", "company"):
            if isinstance(node.get(key), str):
                return node[key]
    return ""


# References, on the raw data ------------------------------------------------------------------------------------
# The schema has its say on each value's type; these checks look only at values of the right type, so that a
# record refused by the schema still has its references checked, and no problem is reported twice.


def _records(node: object, key: str) -> list[tuple[int, dict]]:
    """The records of a list in the file that are mappings, with their index."""
    items = node.get(key) if isinstance(node, dict) else None
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)] if isinstance(items, list) else []


def _text(record: dict, key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) else None


def _number(record: dict, key: str) -> int | None:
    value = record.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _texts(record: dict, key: str) -> list[str]:
    values = record.get(key)
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _label(section: str, index: int, record: dict, key: str = "code") -> str:
    """How a reference problem names its record: by code (or number, label) when it has one, else by index."""
    name = record.get(key)
    if isinstance(name, str | int) and not isinstance(name, bool):
        return f"{section} ({name})"
    return f"{section}[{index}]"


def _reference_problems(raw: object) -> Iterator[Problem]:
    """Every code a record names must exist, and codes must be unique where they identify."""
    sections = {key: _records(raw, key) for key in ("law_articles", "safeguard_types", "groups", "companies")}
    articles, safeguards, groups, companies = (
        {code for _i, r in sections[key] if (code := _text(r, "code"))} for key in sections
    )
    actions = _records(raw, "regulatory_actions")
    findings = _records(raw, "findings")
    measures = [(finding, i, m) for _j, finding in findings for i, m in _records(finding, "measures")]
    pairs = _records(raw, "pairs")

    for key, records in sections.items():
        yield from _duplicates(key, [_text(r, "code") for _i, r in records])
    references = [(_text(r, "law_ja"), _number(r, "article"), r.get("paragraph")) for _i, r in sections["law_articles"]]
    cited = [f"{law} {a}" + (f"({p})" if p else "") for law, a, p in references if law and a]
    yield from _duplicates("law_articles", cited, "article")
    yield from _duplicates("regulatory_actions", [_text(r, "code") for _i, r in actions])
    yield from _duplicates("findings", [_text(r, "code") for _i, r in findings])
    yield from _duplicates("findings.measures", [_text(m, "code") for _f, _i, m in measures])
    yield from _duplicates("pairs", [_number(r, "number") for _i, r in pairs])
    yield from _duplicates("pairs.group", [_text(r, "group") for _i, r in pairs])

    case = raw.get("case") if isinstance(raw, dict) else None
    if isinstance(case, dict) and _text(case, "code") in RESERVED_CODES:
        yield Problem("case", "code", _("'%(code)s' is reserved") % {"code": case["code"]})
    for index, company in sections["companies"]:
        group = _text(company, "group")
        if group is not None and group not in groups:
            record = _label("companies", index, company)
            yield Problem(record, "group", _("unknown group '%(code)s'") % {"code": group})
    for index, action in actions:
        record = _label("regulatory_actions", index, action)
        yield from _unknown(
            record, "articles", _texts(action, "articles"), articles, _("unknown law article '%(code)s'")
        )
        yield from _unknown(
            record, "addressees", _texts(action, "addressees"), companies, _("unknown company '%(code)s'")
        )
    for index, finding in findings:
        record = _label("findings", index, finding)
        article = [code] if (code := _text(finding, "article")) is not None else []
        yield from _unknown(record, "article", article, articles, _("unknown law article '%(code)s'"))
        types = _texts(finding, "safeguard_types")
        yield from _unknown(record, "safeguard_types", types, safeguards, _("unknown safeguard type '%(code)s'"))
        yield from _unknown(record, "affected", _texts(finding, "affected"), companies, _("unknown company '%(code)s'"))
        for measure_index, measure in _records(finding, "measures"):
            measure_record = f"{record}.{_label('measures', measure_index, measure)}"
            yield from _measure_problems(measure_record, measure, safeguards, companies)
    for index, pair in pairs:
        yield from _pair_problems(_label("pairs", index, pair, "number"), pair, groups, companies)


def _measure_problems(record: str, measure: dict, safeguards: set[str], companies: set[str]) -> Iterator[Problem]:
    safeguard = [code] if (code := _text(measure, "safeguard_type")) is not None else []
    yield from _unknown(record, "safeguard_type", safeguard, safeguards, _("unknown safeguard type '%(code)s'"))
    implementers = _texts(measure, "implementers")
    yield from _unknown(record, "implementers", implementers, companies, _("unknown company '%(code)s'"))
    yield from _duplicates(f"{record}.implementers", implementers)
    kind = _text(measure, "kind")
    if measure.get("window") is not None and kind in {"completed", "standing", "periodic"}:
        yield Problem(record, "window", _("only a long-term project has a window"))
    implementations = _records(measure, "implementations")
    yield from _duplicates(f"{record}.implementations", [_text(i, "company") for _j, i in implementations], "company")
    for index, implementation in implementations:
        company = _text(implementation, "company")
        if company is not None and company not in implementers:
            implementation_record = f"{record}.{_label('implementations', index, implementation, 'company')}"
            yield Problem(implementation_record, "company", _("not one of the measure's implementers"))


def _pair_problems(record: str, pair: dict, groups: set[str], companies: set[str]) -> Iterator[Problem]:
    group = [code] if (code := _text(pair, "group")) is not None else []
    yield from _unknown(record, "group", group, groups, _("unknown group '%(code)s'"))
    yield from _unknown(record, "companies", _texts(pair, "companies"), companies, _("unknown company '%(code)s'"))
    incidents = _records(pair, "incidents")
    yield from _duplicates(f"{record}.incidents", [_text(i, "label") for _j, i in incidents])
    total = _number(pair, "incident_total")
    described = []
    for index, incident in incidents:
        incident_record = f"{record}.{_label('incidents', index, incident, 'label')}"
        viewer, owner = _text(incident, "viewer"), _text(incident, "owner")
        parties = [code for code in (viewer, owner) if code is not None]
        yield from _unknown(incident_record, "viewer/owner", parties, companies, _("unknown company '%(code)s'"))
        if viewer is not None and viewer == owner:
            yield Problem(incident_record, "owner", _("the viewer and the owner are the same company"))
        explicit = incident.get("number") is not None
        number = _number(incident, "number") if explicit else index + 1
        if number is not None:
            described.append(number)
            # Described incidents beyond the total by their count alone are the schema's to report.
            if explicit and total is not None and number > total:
                yield Problem(incident_record, "number", _("beyond the pair's total of %(total)s") % {"total": total})
    yield from _duplicates(f"{record}.incidents", described, "number")
    undescribed = _records(pair, "undescribed")
    yield from _duplicates(f"{record}.undescribed", [_number(i, "number") for _j, i in undescribed], "number")
    for index, incident in undescribed:
        number = _number(incident, "number")
        incident_record = f"{record}.{_label('undescribed', index, incident, 'number')}"
        if number is not None and number in described:
            yield Problem(incident_record, "number", _("the number of a described incident"))
        elif number is not None and total is not None and number > total:
            yield Problem(incident_record, "number", _("beyond the pair's total of %(total)s") % {"total": total})


def _unknown(record: str, field: str, codes: list[str], known: set[str], message: str) -> Iterator[Problem]:
    """A problem for each code not in `known`; `message` says what it should have named ("unknown company '%s'")."""
    for code in codes:
        if code not in known:
            yield Problem(record, field, message % {"code": code})


def _duplicates(record: str, keys: Iterable, field: str = "code") -> Iterator[Problem]:
    counted = Counter(key for key in keys if key is not None)
    for key, count in counted.items():
        if count > 1:
            yield Problem(record, field, _("'%(key)s' appears %(count)s times") % {"key": key, "count": count})


# The report's text -----------------------------------------------------------------------------------------------


def comparable(text: str) -> str:
    """The report's text with markup and all white space removed, so quotes compare exactly."""
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", text))


def quotes_match_source(document: dict) -> bool:
    """True when the document's `source` text is found and every quote of the document is in it, word for word."""
    return not any(_source_problems(document, [DATA_DIR]))


def _source_problems(raw: object, folders: Sequence[Path]) -> Iterator[Problem]:
    """The report's text is the one the file pins, and every quote in the file is found in it."""
    if not isinstance(raw, dict) or raw.get("source") is None:
        return
    try:
        source = Source.model_validate(raw["source"])
    except ValidationError:
        return  # reported by the schema
    path = next((folder / source.text_file for folder in folders if (folder / source.text_file).is_file()), None)
    if path is None:
        yield Problem("source", "text_file", _("no text named %(name)s") % {"name": source.text_file})
        return
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != source.text_sha256:
        yield Problem(
            "source", "text_sha256", _("%(name)s is not the text this file was made from") % {"name": path.name}
        )
        return
    report = comparable(data.decode("utf-8"))
    for record, field, quote in _quotes(raw):
        if comparable(quote) not in report:
            yield Problem(record, field, _("not found word for word in the report"))


def _quotes(raw: dict) -> Iterator[tuple[str, str, str]]:
    """Every field that quotes the report, of the right type: (record, field, text)."""

    def quoted(record: str, node: dict, *fields: str) -> Iterator[tuple[str, str, str]]:
        for field in fields:
            if (text := _text(node, field)) is not None:
                yield record, field, text

    for index, company in _records(raw, "companies"):
        yield from quoted(_label("companies", index, company), company, "name_ja")
    if isinstance(raw.get("case"), dict):
        yield from quoted("case", raw["case"], "title_ja", "summary_ja")
    for index, action in _records(raw, "regulatory_actions"):
        yield from quoted(_label("regulatory_actions", index, action), action, "source_ja")
    for index, finding in _records(raw, "findings"):
        record = _label("findings", index, finding)
        yield from quoted(record, finding, "text_ja")
        for measure_index, measure in _records(finding, "measures"):
            yield from quoted(f"{record}.{_label('measures', measure_index, measure)}", measure, "text_ja")
    for index, pair in _records(raw, "pairs"):
        record = _label("pairs", index, pair, "number")
        for incident_index, incident in _records(pair, "incidents"):
            incident_record = f"{record}.{_label('incidents', incident_index, incident, 'label')}"
            yield from quoted(incident_record, incident, "summary_ja", "fix_ja")
