"""What may be published about a case: its report's content, read through public fields only.

The public portal and the report generator both read `case_publication`, which takes every value through
`published_values`: each field it names must be classed public in `compliance.visibility` (or, once the
regulator has made a case's current status public, internal), never restricted. Nothing else is read.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from cases.choices import Side
from cases.models import Case, Finding, Incident, IncidentPair, LawArticle, RegulatoryAction
from compliance import clock
from compliance.choices import ItemStatus
from compliance.models import Company
from compliance.visibility import PUBLISHED_WITH_CASE_STATUS, Visibility, visibility_of
from remediation.models import Implementation, Measure


class NotPublishable(Exception):
    """A field that is not public was asked for a publication."""


def _check(model: type[models.Model], lookup: str, allowed: set[str]) -> None:
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        try:
            visibility = visibility_of(model, name)
        except KeyError:  # a reverse relation, or a field nobody classed: never published
            raise NotPublishable(f"{model._meta.label}.{name} has no visibility class") from None
        if visibility not in allowed:
            raise NotPublishable(f"{model._meta.label}.{name} is {visibility}")
        if field.is_relation:
            model = field.related_model


def published_values(queryset: QuerySet, *lookups: str, internal: bool = False) -> list[dict]:
    """`queryset.values(*lookups)`, after checking that every field on every lookup's path may be published."""
    allowed = {Visibility.PUBLIC, Visibility.INTERNAL} if internal else {Visibility.PUBLIC}
    for lookup in lookups:
        _check(queryset.model, lookup, allowed)
    return list(queryset.values(*lookups))


def _companies(ids: set[int]) -> dict[int, dict]:
    rows = published_values(Company.objects.filter(pk__in=ids), "id", "code", "name_ja", "name_en", "position")
    return {row["id"]: row for row in rows}


def _through(model: type[models.Model], field: str, owner: str, other: str, owner_ids: list[int]) -> dict:
    """{owner id: [other ids]} of one many-to-many field, the field itself checked as public."""
    _check(model, field, {Visibility.PUBLIC})
    links: dict[int, list[int]] = defaultdict(list)
    through = model._meta.get_field(field).remote_field.through
    for row in through.objects.filter(**{f"{owner}__in": owner_ids}).values(owner, other):
        links[row[owner]].append(row[other])
    return links


def _cite_references(findings: list[dict]) -> None:
    """Each finding's law references, written out with the law's name, as one line in each language."""
    cited = _through(Finding, "articles", "finding_id", "lawarticle_id", [f["id"] for f in findings])
    ids = {i for ids in cited.values() for i in ids}
    for lookup in ("code", "article", "branches", "paragraph", "item", "sub_item", "title_ja", "title_en",
                   "law__name_ja", "law__name_en", "law__short_name_ja", "law__short_name_en"):  # fmt: skip
        _check(LawArticle, lookup, {Visibility.PUBLIC})
    references = {a.pk: a for a in LawArticle.objects.filter(pk__in=ids).select_related("law")}
    for finding in findings:
        shown = sorted((references[i] for i in cited.get(finding["id"], [])), key=lambda a: a.sort_key)
        finding["article__code"] = " ".join(a.code for a in shown)
        for language in ("ja", "en"):
            texts = [f"{getattr(a, f'reference_{language}')} {getattr(a, f'title_{language}')}".strip() for a in shown]
            finding[f"article__title_{language}"] = ("・" if language == "ja" else "; ").join(texts)


def _statuses_as_of(case: Case, as_of: datetime.date) -> dict[int, dict]:
    """Each implementation's status and dates on `as_of`, from the change history (live values for today on)."""
    fields = PUBLISHED_WITH_CASE_STATUS[Implementation._meta.label]
    implementations = Implementation.objects.filter(measure__finding__case=case)
    if as_of >= clock.today():
        return {row["id"]: row for row in published_values(implementations, "id", *fields, internal=True)}
    for name in fields:
        _check(Implementation, name, {Visibility.PUBLIC, Visibility.INTERNAL})
    events = apps.get_model("remediation", "ImplementationEvent").objects.filter(
        pgh_obj__in=implementations.values("pk")
    )
    end_of_day = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))

    def latest(queryset, newest_first: bool) -> dict[int, dict]:
        order = "-pgh_created_at" if newest_first else "pgh_created_at"
        rows = queryset.order_by("pgh_obj_id", order).distinct("pgh_obj_id").values("pgh_obj_id", *fields)
        return {row["pgh_obj_id"]: row for row in rows}

    # Before the product followed an item, the report's own values (its first recorded state) stand.
    return {**latest(events, newest_first=False), **latest(events.filter(pgh_created_at__lt=end_of_day), True)}


def case_publication(*, case: Case, as_of: datetime.date) -> dict:
    """The public content of the case as of a day, as plain JSON-ready data in the report's own layout."""
    show_status = case.status_public  # the regulator's decision, not content: read, never shown
    [case_row] = published_values(
        Case.objects.filter(pk=case.pk), "code", "title_ja", "title_en", "summary_ja", "summary_en", "opened_on"
    )
    actions = [
        {"date": a["date"], "kind": a.pop("instrument__code"), **a}
        for a in published_values(
            RegulatoryAction.objects.filter(case=case, date__lte=as_of).order_by("date", "position"),
            "date", "instrument__code", "instrument__name_ja", "instrument__name_en", "title_ja", "title_en",
        )
    ]  # fmt: skip
    findings = published_values(
        Finding.objects.filter(case=case).order_by("side", "position"), "id", "code", "side", "text_ja", "text_en"
    )
    _cite_references(findings)
    concerned = _through(Finding, "affected_companies", "finding_id", "company_id", [f["id"] for f in findings])
    measures = published_values(
        Measure.objects.filter(finding__case=case).order_by("finding", "position"),
        "id", "finding", "code", "kind", "text_ja", "text_en", "safeguard_type__name_ja", "safeguard_type__name_en",
    )  # fmt: skip
    implementations = published_values(
        Implementation.objects.filter(measure__finding__case=case).order_by("measure", "position"),
        "id", "measure", "company", "baseline_due_on", "baseline_window_start", "baseline_window_end",
    )  # fmt: skip
    statuses = _statuses_as_of(case, as_of) if show_status else {}
    pairs = published_values(
        IncidentPair.objects.filter(case=case).order_by("number"),
        "id", "number", "group__name_ja", "group__name_en", "incident_total",
    )  # fmt: skip
    pair_companies = _through(IncidentPair, "companies", "incidentpair_id", "company_id", [p["id"] for p in pairs])
    incidents = published_values(
        Incident.objects.filter(pair__case=case, described_in_report=True).order_by("pair", "number"),
        "pair", "number", "label", "viewer", "owner", "mutual", "data_kind", "was_used",
        "involves_new_entrant_data", "summary_ja", "summary_en", "fix_ja", "fix_en",
    )  # fmt: skip
    company_ids = {c for ids in concerned.values() for c in ids} | {i["company"] for i in implementations}
    company_ids |= {c for ids in pair_companies.values() for c in ids}
    company_ids |= {i[side] for i in incidents for side in ("viewer", "owner") if i[side]}
    companies = _companies(company_ids)
    return _assemble(
        case_row, as_of, show_status, actions, findings, concerned, measures, implementations, statuses,
        pairs, pair_companies, incidents, companies,
    )  # fmt: skip


def _assemble(
    case_row, as_of, show_status, actions, findings, concerned, measures, implementations, statuses,
    pairs, pair_companies, incidents, companies,
) -> dict:  # fmt: skip
    """Put the rows together in the report's layout: findings with measures by side, incidents by pair."""
    by_position = sorted(companies.values(), key=lambda c: c["position"])
    order = {c["id"]: i for i, c in enumerate(by_position)}

    def names(ids) -> list[dict]:
        return [_company(companies[i]) for i in sorted(set(ids), key=order.get)]

    carried = defaultdict(list)
    for row in implementations:
        status = statuses.get(row["id"], {})
        carried[row["measure"]].append(
            {
                **_company(companies[row["company"]]),
                "window": _window(row, status),
                "status": status.get("status") if show_status else None,
            }
        )
    measures_of = defaultdict(list)
    for measure in measures:
        measures_of[measure["finding"]].append({**measure, "implementers": carried[measure["id"]]})
    sides = defaultdict(list)
    for finding in findings:
        sides[finding["side"]].append(
            {**finding, "concerned": names(concerned[finding["id"]]), "measures": measures_of[finding["id"]]}
        )
    incidents_of = defaultdict(list)
    for incident in incidents:
        incidents_of[incident["pair"]].append(
            {
                **incident,
                "viewer": _company(companies.get(incident["viewer"])),
                "owner": _company(companies.get(incident["owner"])),
            }
        )
    open_items = _open_items(measures, carried) if show_status else []
    return _json_ready(
        {
            "case": case_row,
            "as_of": as_of,
            "status_public": show_status,
            "actions": actions,
            "sides": [{"side": side, "findings": sides[side]} for side in Side.values if side in sides],
            "pairs": [
                {**pair, "companies": names(pair_companies[pair["id"]]), "incidents": incidents_of[pair["id"]]}
                for pair in pairs
            ],
            "open_items": open_items,
        }
    )


def _company(row: dict | None) -> dict:
    return {"code": row["code"], "name_ja": row["name_ja"], "name_en": row["name_en"]} if row else {}


def _window(published: dict, status: dict) -> dict:
    """The item's dates: the current ones when its status is public, else the ones the report published."""
    start = status.get("window_start") or published["baseline_window_start"]
    end = status.get("window_end") or published["baseline_window_end"]
    due = status.get("due_on") or published["baseline_due_on"]
    return {"start": start, "end": end, "due": due}


def _open_items(measures: list[dict], carried: dict) -> list[dict]:
    return [
        {"measure": measure["code"], "text_ja": measure["text_ja"], "text_en": measure["text_en"], **item}
        for measure in measures
        for item in carried[measure["id"]]
        if item["status"] != ItemStatus.DONE
    ]


def _json_ready(value):
    """Dates as ISO strings, recursively: the content is stored as JSON."""
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
