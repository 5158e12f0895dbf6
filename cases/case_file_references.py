"""The case file's references between records, checked on the raw data (`cases.report_format` runs them).

The schema has its say on each value's type; these checks look only at values of the right type, so that a
record refused by the schema still has its references checked, and no problem is reported twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.law_references import LawReferenceError, article_text, parse_article, parse_sub_item
from compliance.validators import RESERVED_CODES


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: which record, which field, why."""

    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.reason}"


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
    sections = {
        key: _records(raw, key) for key in ("law_articles", "safeguard_types", "groups", "companies", "authorities")
    }
    articles, safeguards, groups, companies, authorities = (
        {code for _i, r in sections[key] if (code := _text(r, "code"))} for key in sections
    )
    actions = _records(raw, "regulatory_actions")
    findings = _records(raw, "findings")
    pairs = _records(raw, "pairs")
    links = _records(raw, "links")

    for key, records in sections.items():
        yield from _duplicates(key, [_text(r, "code") for _i, r in records])
    cited = [_provision(r) for _i, r in sections["law_articles"]]
    yield from _duplicates("law_articles", [c for c in cited if c], "article")
    yield from _duplicates("regulatory_actions", [_text(r, "code") for _i, r in actions])
    yield from _duplicates("findings", [_text(r, "code") for _i, r in findings])
    # A measure's code is unique under its finding, as in the database: two findings may each have `causes`.
    for index, finding in findings:
        measures = _records(finding, "measures")
        yield from _duplicates(
            f"{_label('findings', index, finding)}.measures", [_text(m, "code") for _i, m in measures]
        )
    yield from _duplicates("links", [_text(r, "case") for _i, r in links], "case")
    yield from _duplicates("pairs", [_number(r, "number") for _i, r in pairs])
    yield from _duplicates("pairs.group", [_text(r, "group") for _i, r in pairs])

    case = raw.get("case") if isinstance(raw, dict) else None
    if isinstance(case, dict) and _text(case, "code") in RESERVED_CODES:
        yield Problem("case", "code", _("'%(code)s' is reserved") % {"code": case["code"]})
    if isinstance(case, dict):
        yield from _unknown(
            "case", "authorities", _texts(case, "authorities"), authorities, _("unknown authority '%(code)s'")
        )
        yield from _duplicates("case.authorities", _texts(case, "authorities"))
    for index, link in links:
        if isinstance(case, dict) and _text(link, "case") is not None and _text(link, "case") == _text(case, "code"):
            yield Problem(_label("links", index, link, "case"), "case", _("a case cannot be linked to itself"))
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
        issuer = [code] if (code := _text(action, "issuer")) is not None else []
        yield from _unknown(record, "issuer", issuer, authorities, _("unknown authority '%(code)s'"))
        addressed = _texts(action, "addressee_authorities")
        yield from _unknown(record, "addressee_authorities", addressed, authorities, _("unknown authority '%(code)s'"))
    for index, finding in findings:
        record = _label("findings", index, finding)
        article = [code] if (code := _text(finding, "article")) is not None else []
        yield from _unknown(record, "article", article, articles, _("unknown law article '%(code)s'"))
        cited = _texts(finding, "articles")
        yield from _unknown(record, "articles", cited, articles, _("unknown law article '%(code)s'"))
        yield from _duplicates(f"{record}.articles", cited)
        types = _texts(finding, "safeguard_types")
        yield from _unknown(record, "safeguard_types", types, safeguards, _("unknown safeguard type '%(code)s'"))
        yield from _unknown(record, "affected", _texts(finding, "affected"), companies, _("unknown company '%(code)s'"))
        for measure_index, measure in _records(finding, "measures"):
            measure_record = f"{record}.{_label('measures', measure_index, measure)}"
            yield from _measure_problems(measure_record, measure, safeguards, companies)
    for index, pair in pairs:
        yield from _pair_problems(_label("pairs", index, pair, "number"), pair, groups, companies)


def _provision(record: dict) -> str | None:
    """One provision, however the file writes it: "appi 2の17 (1) 2 イ"; None when its parts are not all readable."""
    law = _text(record, "law") or _text(record, "law_ja")
    article = record.get("article")
    if not law or isinstance(article, bool) or not isinstance(article, int | str):
        return None
    try:
        number, branches = parse_article(article)
        sub_item = parse_sub_item(record.get("sub_item"))
    except LawReferenceError:
        return None
    parts = [law, article_text(number, branches), record.get("paragraph"), record.get("item"), sub_item]
    return " ".join(str(p) for p in parts if p is not None)


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
