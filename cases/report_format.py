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

import hashlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml
from django.utils.translation import gettext as _
from pydantic import ValidationError

from cases.case_file_references import Problem, _label, _records, _reference_problems, _text
from cases.case_file_schema import CaseFile, Source

FORMAT_VERSION = 1
# The product's own library of published texts: a file's `source.text_file` is looked up beside the file first.
DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_FILE_BYTES = 2 * 1024 * 1024


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
