"""Every list of the API answers in a pinned number of queries, the same for 10 rows as for 1,000."""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pghistory
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from cases.choices import CaseStatus, DataKind, Side
from cases.models import (
    Authority,
    Case,
    Finding,
    Incident,
    IncidentPair,
    Instrument,
    Law,
    LawArticle,
    RegulatoryAction,
    SafeguardType,
)
from compliance import clock
from compliance.access_chain import access_log_chain
from compliance.choices import CompanyKind, ItemStatus, ReportingEvery, Role
from compliance.models import AccessAnomaly, AccessLogEntry, Company, CompanyGroup, User
from compliance.models.audit import AccessAction, AnomalyKind
from compliance.partitions import partitions_ensure_for
from compliance.tracking import TrackedItem
from remediation.choices import DeadlineChangeState, MeasureKind, ReminderRule, ReviewDecision, ReviewState
from remediation.models import (
    DeadlineChange,
    Evidence,
    Implementation,
    Measure,
    ProgressUpdate,
    Reminder,
    ReminderRecipient,
    Review,
)
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

# Queries of `GET /api/v1/<resource>/?page_size=500`, whatever the number of rows (no count: a page is read from its
# cursor); "<resource> as officer" is the count for an officer of the company that owns the rows. A list of private
# records writes its access-log entry in one INSERT (and its savepoint), waiting on no lock.
PINNED = {
    # A to-many relation shown by codes is read with its row, as an array (compliance.api.fields.codes_listed).
    "cases": 3,
    "regulatory-actions": 3,
    "authorities": 3,
    "law-articles": 3,
    "safeguard-types": 3,
    "company-groups": 3,
    "companies": 3,
    "findings": 4,  # + the measures, shown as links by codes
    "measures": 4,
    "implementations": 4,
    "incident-pairs": 4,  # + the incidents the person may see
    "incidents": 8,
    "progress-updates": 7,
    "reviews": 6,
    "evidence": 6,
    "deadline-changes": 6,
    "reminders": 7,
    "access-log": 6,
    "access-anomalies": 6,
    "history": 6,
    "auth/tokens": 3,
    "progress-updates as officer": 7,
    "reviews as officer": 6,
    "evidence as officer": 6,
    "deadline-changes as officer": 6,
    "reminders as officer": 7,
    # Another company's rows come with their internal fields hidden: in the same query, not one more.
    "implementations as officer": 4,
    "incidents as officer": 5,
}

FEW, MANY = 10, 1000
PRIVATE = ["progress-updates", "reviews", "evidence", "deadline-changes", "reminders"]
# Published records of every company, read by an officer through the field wall.
WALLED = ["implementations", "incidents"]
SEQ = itertools.count(1)
INCIDENT_BLOCKS = itertools.count(1)
TODAY = datetime.date(2026, 3, 1)
REPORTING_SINCE = datetime.date(2025, 1, 1)


@dataclass
class World:
    """The report's rows and the people and items the new rows hang on."""

    case: Case
    regulator: User
    officer: User
    lead: User
    other_officer: User
    company: Company
    other: Company
    subjects: dict[int, list[dict[str, int]]]


def cycle(values, i: int):
    """The i-th value of `values`, round and round."""
    values = list(values)
    return values[i % len(values)]


def link(descriptor, sources, targets, per: int = 2) -> None:
    """Fill a many-to-many relation: each source linked to `per` of the targets."""
    through, field = descriptor.through, descriptor.field
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    through.objects.bulk_create(
        through(**{f"{source}_id": s.pk, f"{target}_id": targets[(i + j) % len(targets)].pk})
        for i, s in enumerate(sources)
        for j in range(min(per, len(targets)))
    )


def tracked(i: int) -> dict:
    """Status and dates of a tracked item; one in three owes a monthly progress update."""
    fields = {"status": cycle([ItemStatus.PLANNED, ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED, ""], i)}
    if i % 2:
        fields.update(due_on=TODAY + datetime.timedelta(days=i % 90), baseline_due_on=TODAY)
    else:
        fields.update(
            window_start=TODAY,
            window_end=TODAY + datetime.timedelta(days=365 + i % 30),
            baseline_window_start=TODAY,
            baseline_window_end=TODAY + datetime.timedelta(days=365),
        )
    if i % 3 == 0:
        fields.update(reporting_every=ReportingEvery.MONTHLY, reporting_since=REPORTING_SINCE)
    return fields


def report_on(w: World, items: list[tuple[str, TrackedItem, int]]) -> None:
    """A progress update from the company on each (kind, item, company) that owes one, for every other item."""
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(company_id=c, author=w.officer, status=ItemStatus.IN_PROGRESS, narrative="進捗", **{kind: item})
        for kind, item, c in items[::2]
        if item.reporting_every
    )


@pytest.fixture
def world(case, regulator_staff) -> World:
    """Two companies of one group, their officers, and the items their private records are about."""
    company, other = Company.objects.get(code="kansai-td"), Company.objects.get(code="kansai-retail")
    subjects = {
        c.pk: [
            {"implementation_id": pk} for pk in Implementation.objects.filter(company=c).values_list("pk", flat=True)
        ]
        + [{"incident_id": pk} for pk in Incident.objects.filter(pair__companies=c).values_list("pk", flat=True)]
        for c in (company, other)
    }
    # The report's items that owe updates, so that small pages compute reporting standings too.
    for model in (Implementation, Incident):
        first = list(model.objects.values_list("pk", flat=True)[:6])
        model.objects.filter(pk__in=first).update(
            reporting_every=ReportingEvery.MONTHLY, reporting_since=REPORTING_SINCE
        )
    return World(
        case=case,
        regulator=regulator_staff,
        officer=make_person("officer-kansai-td", Role.COMPANY_OFFICER, company),
        lead=make_person("lead-kansai-td", Role.COMPANY_OFFICER, company),
        other_officer=make_person("officer-kansai-retail", Role.COMPANY_OFFICER, other),
        company=company,
        other=other,
        subjects=subjects,
    )


# Published content.


def grow_cases(w: World, n: int) -> None:
    """Add n cases."""
    Case.objects.bulk_create(
        Case(code=f"qc-{next(SEQ)}", title_ja="案件", status=cycle(CaseStatus.values, i), opened_on=TODAY)
        for i in range(n)
    )


def grow_actions(w: World, n: int) -> None:
    """Add n regulatory actions, each with two law articles and two addressees."""
    instruments = list(Instrument.objects.all())
    actions = RegulatoryAction.objects.bulk_create(
        RegulatoryAction(
            case=w.case, code=f"qc-{next(SEQ)}", instrument=cycle(instruments, i), date=TODAY, title_ja="措置"
        )
        for i in range(n)
    )
    link(RegulatoryAction.articles, actions, list(LawArticle.objects.all()))
    link(RegulatoryAction.addressees, actions, list(Company.objects.all()))


def grow_articles(w: World, n: int) -> None:
    """Add n law articles."""
    LawArticle.objects.bulk_create(
        LawArticle(code=f"qc-{k}", law=Law.objects.get(code="appi"), article=1000 + k, title_ja="条")
        for k in (next(SEQ) for _ in range(n))
    )


def grow_authorities(w: World, n: int) -> None:
    """Add n authorities."""
    Authority.objects.bulk_create(
        Authority(code=f"qc-{next(SEQ)}", name_ja="機関", kind="other", position=99) for _ in range(n)
    )


def grow_safeguards(w: World, n: int) -> None:
    """Add n safeguard types."""
    SafeguardType.objects.bulk_create(
        SafeguardType(code=f"qc-{next(SEQ)}", name_ja="措置", position=99) for _ in range(n)
    )


def grow_groups(w: World, n: int) -> None:
    """Add n company groups."""
    CompanyGroup.objects.bulk_create(
        CompanyGroup(code=f"qc-{next(SEQ)}", name_ja="グループ", position=99) for _ in range(n)
    )


def grow_companies(w: World, n: int) -> None:
    """Add n companies, each in a group."""
    groups = list(CompanyGroup.objects.all())
    kinds = [CompanyKind.TD_OPERATOR, CompanyKind.RETAILER, CompanyKind.CONTRACTOR]
    Company.objects.bulk_create(
        Company(code=f"qc-{next(SEQ)}", name_ja="会社", kind=cycle(kinds, i), group=cycle(groups, i), position=99)
        for i in range(n)
    )


def new_measures(w: World, n: int, *, implemented: bool) -> list[Measure]:
    """Add n measures under the report's findings, each implemented by one company when `implemented`."""
    findings, safeguards = list(Finding.objects.filter(case=w.case)), list(SafeguardType.objects.all())
    measures = Measure.objects.bulk_create(
        Measure(
            finding=cycle(findings, i),
            code=f"qc-{next(SEQ)}",
            safeguard_type=cycle(safeguards, i),
            kind=cycle(MeasureKind.values, i),
            text_ja="措置",
            position=99,
        )
        for i in range(n)
    )
    if implemented:
        companies = list(Company.objects.exclude(kind=CompanyKind.CONTRACTOR))
        implementations = Implementation.objects.bulk_create(
            Implementation(measure=m, company=cycle(companies, i), **tracked(i)) for i, m in enumerate(measures)
        )
        report_on(w, [("implementation", i, i.company_id) for i in implementations])
    return measures


def grow_findings(w: World, n: int) -> None:
    """Add n findings with two safeguard types, two companies concerned and a measure each."""
    articles, safeguard = list(LawArticle.objects.all()), SafeguardType.objects.first()
    findings = Finding.objects.bulk_create(
        Finding(
            case=w.case,
            code=f"qc-{next(SEQ)}",
            side=cycle(Side.values, i),
            text_ja="問題点",
            position=99,
        )
        for i in range(n)
    )
    link(Finding.articles, findings, articles)
    link(Finding.safeguard_types, findings, list(SafeguardType.objects.all()))
    link(Finding.affected_companies, findings, list(Company.objects.exclude(kind=CompanyKind.CONTRACTOR)))
    Measure.objects.bulk_create(
        Measure(
            finding=f,
            code="qc",
            safeguard_type=safeguard,
            kind=MeasureKind.STANDING,
            text_ja="措置",
        )
        for f in findings
    )


def grow_measures(w: World, n: int) -> None:
    """Add n measures, each implemented by one company."""
    new_measures(w, n, implemented=True)


def grow_implementations(w: World, n: int) -> None:
    """Add at least n implementations: new measures carried out by every company."""
    companies = list(Company.objects.all())
    measures = new_measures(w, math.ceil(n / len(companies)), implemented=False)
    implementations = Implementation.objects.bulk_create(
        Implementation(measure=m, company=c, position=j, **tracked(i * len(companies) + j))
        for i, m in enumerate(measures)
        for j, c in enumerate(companies)
    )
    report_on(w, [("implementation", i, i.company_id) for i in implementations])


def new_incidents(w: World, pairs: list[IncidentPair], n: int) -> None:
    """Add n incidents to the pairs, described ones and counted-only ones alternately, some reported on."""
    companies = {p.pk: [c for c in p.companies.all() if c.kind != CompanyKind.CONTRACTOR] for p in pairs}
    # A block of numbers of its own for each call, so that incidents added to a pair again never collide.
    block = 100 + 1_000 * next(INCIDENT_BLOCKS)
    numbers = dict.fromkeys((p.pk for p in pairs), block)
    incidents = []
    for i in range(n):
        pair = cycle(pairs, i)
        numbers[pair.pk] += 1
        number, pair_companies = numbers[pair.pk], companies[pair.pk]
        fields = tracked(i)
        if i % 2 == 0 and len(pair_companies) >= 2:
            fields.update(
                described_in_report=True,
                label=f"Q{number}",
                summary_ja="事象",
                fix_ja="是正",
                data_kind=cycle(DataKind.values, i),
                viewer=pair_companies[0],
                owner=pair_companies[1],
                was_used=False,
                involves_new_entrant_data=True,
            )
        else:
            fields.update(described_in_report=False)
        incidents.append(Incident(pair=pair, number=number, **fields))
    Incident.objects.bulk_create(incidents)
    report_on(w, [("incident", i, companies[i.pair_id][0].pk) for i in incidents if companies[i.pair_id]])


def grow_pairs(w: World, n: int) -> None:
    """Add at least n incident pairs, in new cases, each with its group's companies and two incidents."""
    groups = [g for g in CompanyGroup.objects.prefetch_related("companies") if g.companies.all()]
    cases = Case.objects.bulk_create(
        Case(code=f"qc-{next(SEQ)}", title_ja="案件", status=CaseStatus.OPEN, opened_on=TODAY)
        for _ in range(math.ceil(n / len(groups)))
    )
    pairs = IncidentPair.objects.bulk_create(
        IncidentPair(case=c, number=j + 1, group=g, incident_total=2) for c in cases for j, g in enumerate(groups)
    )
    through = IncidentPair.companies.through
    through.objects.bulk_create(
        through(incidentpair_id=p.pk, company_id=c.pk) for p in pairs for c in p.group.companies.all()
    )
    new_incidents(
        w, list(IncidentPair.objects.filter(pk__in=[p.pk for p in pairs]).prefetch_related("companies")), 2 * len(pairs)
    )


def grow_incidents(w: World, n: int) -> None:
    """Add n incidents to the report's pairs."""
    new_incidents(w, list(IncidentPair.objects.filter(case=w.case).prefetch_related("companies")), n)


# Private records of a company: most of them the officer's company's, some its sister company's.


def author_of(w: World, company: Company) -> User:
    """The officer who writes the company's records."""
    return w.officer if company == w.company else w.other_officer


def shares(w: World, n: int) -> list[tuple[Company, int]]:
    """How many of n new private rows go to each company: all to the officer's company, a tenth more to the other."""
    return [(w.company, n), (w.other, max(1, n // 10))]


def new_updates(
    w: World, company: Company, n: int, *, replying_to: Sequence[ProgressUpdate] = ()
) -> list[ProgressUpdate]:
    """Add n progress updates of the company, about its items in turn; the first ones answer `replying_to`."""
    subjects = w.subjects[company.pk]
    return ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            company=company,
            author=author_of(w, company),
            status=cycle([ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.BLOCKED], i),
            narrative="進捗",
            next_milestone_on=TODAY,
            in_reply_to=replying_to[i] if i < len(replying_to) else None,
            **cycle(subjects, i),
        )
        for i in range(n)
    )


def new_reviews(w: World, updates: list[ProgressUpdate]) -> None:
    """Review each update: accepted, or more information requested."""
    decisions = [
        (ReviewDecision.ACCEPT, ReviewState.ACCEPTED),
        (ReviewDecision.REQUEST_INFO, ReviewState.INFO_REQUESTED),
    ]
    reviews = []
    for i, update in enumerate(updates):
        decision, state = cycle(decisions, i)
        update.review_state = state
        reviews.append(
            Review(company_id=update.company_id, update=update, reviewer=w.regulator, decision=decision, comment="確認")
        )
    ProgressUpdate.objects.bulk_update(updates, ["review_state"])
    Review.objects.bulk_create(reviews)


def new_evidence(updates: list[ProgressUpdate], per: int) -> None:
    """Attach `per` evidence files to each update."""
    Evidence.objects.bulk_create(
        Evidence(
            company_id=u.company_id,
            update=u,
            file=f"{u.company_id}/qc{next(SEQ)}",
            original_name="evidence.pdf",
            content_type="application/pdf",
            size=1024,
            sha256="0" * 64,
        )
        for u in updates
        for _ in range(per)
    )


def grow_updates(w: World, n: int) -> None:
    """Add n progress updates per company: reviewed, with evidence, a quarter of them answering earlier ones."""
    for company, count in shares(w, n):
        first = new_updates(w, company, count - count // 4)
        new_reviews(w, first[::2])
        new_evidence(first[::3], per=2)
        new_updates(w, company, count // 4, replying_to=first[1::2])


def grow_reviews(w: World, n: int) -> None:
    """Add n reviewed progress updates per company."""
    for company, count in shares(w, n):
        new_reviews(w, new_updates(w, company, count))


def grow_evidence(w: World, n: int) -> None:
    """Add n evidence files per company, two on each new update."""
    for company, count in shares(w, n):
        new_evidence(new_updates(w, company, math.ceil(count / 2)), per=2)


def grow_deadline_changes(w: World, n: int) -> None:
    """Add n decided deadline changes per company."""
    now = clock.now()
    rows = []
    for company, count in shares(w, n):
        for i in range(count):
            subject = cycle(w.subjects[company.pk], i)
            dates = {"proposed_due_on": TODAY} if i % 2 else {"proposed_window_end": TODAY}
            rows.append(
                DeadlineChange(
                    company=company,
                    requested_by=author_of(w, company),
                    reason="理由",
                    previous_due_on=TODAY,
                    state=cycle([DeadlineChangeState.APPROVED, DeadlineChangeState.REFUSED], i),
                    decided_by=w.regulator,
                    decided_at=now,
                    decision_comment="判断",
                    **dates,
                    **subject,
                )
            )
    DeadlineChange.objects.bulk_create(rows)


def grow_reminders(w: World, n: int) -> None:
    """Add n sent reminders per company, each addressed to two people."""
    now = clock.now()
    for company, count in shares(w, n):
        reminders = Reminder.objects.bulk_create(
            Reminder(
                company=company,
                rule=cycle(ReminderRule.values, i),
                period=f"qc-{next(SEQ)}",
                planned_for=TODAY,
                escalation=i % 3,
                sent_at=now,
                addressed_on=TODAY,
                late=bool(i % 2),
                **cycle(w.subjects[company.pk], i),
            )
            for i in range(count)
        )
        people = [w.officer, w.lead] if company == w.company else [w.other_officer, w.regulator]
        ReminderRecipient.objects.bulk_create(
            ReminderRecipient(reminder=r, user=p, mailed_at=now) for r in reminders for p in people
        )


# The regulator's own records.


def grow_access_log(w: World, n: int) -> None:
    """Append n chained reads to the access log."""
    now, entries = clock.now(), []
    for i in range(n):
        entry = AccessLogEntry(
            at=now,
            user=w.officer,
            username=w.officer.username,
            user_company_id=w.company.pk,
            action=AccessAction.READ,
            object_type="remediation.progressupdate",
            object_id=str(i),
            object_company_id=w.company.pk,
            method="GET",
            path="/api/v1/progress-updates/",
            ip_address="127.0.0.1",
            user_agent="pytest",
        )
        entries.append(entry)
    partitions_ensure_for([now])  # written straight to the table: the month's partition made as an insert would
    AccessLogEntry.objects.bulk_create(entries)
    access_log_chain()


def grow_anomalies(w: World, n: int) -> None:
    """Add n access anomalies of officers of two companies."""
    people = [w.officer, w.lead, w.other_officer]
    AccessAnomaly.objects.bulk_create(
        AccessAnomaly(
            kind=cycle(AnomalyKind.values, i),
            user=cycle(people, i),
            day=datetime.date(2000, 1, 1) + datetime.timedelta(days=next(SEQ)),
            count=10,
            baseline=1.5,
        )
        for i in range(n)
    )


def grow_history(w: World, n: int) -> None:
    """Record n changes made through a request (new company groups), with who and where."""
    with pghistory.context(url="/api/v1/company-groups/", user=w.regulator.pk):
        grow_groups(w, n)


def grow_tokens(w: World, n: int) -> None:
    """Give the regulator n more API tokens."""
    expiry = clock.now() + datetime.timedelta(days=30)
    AuthToken.objects.bulk_create(
        AuthToken(digest=f"{k:0128x}", token_key=f"qc{k:013d}", user=w.regulator, expiry=expiry)
        for k in (next(SEQ) for _ in range(n))
    )


GROW: dict[str, Callable[[World, int], None]] = {
    "cases": grow_cases,
    "regulatory-actions": grow_actions,
    "law-articles": grow_articles,
    "authorities": grow_authorities,
    "safeguard-types": grow_safeguards,
    "company-groups": grow_groups,
    "companies": grow_companies,
    "findings": grow_findings,
    "measures": grow_measures,
    "implementations": grow_implementations,
    "incident-pairs": grow_pairs,
    "incidents": grow_incidents,
    "progress-updates": grow_updates,
    "reviews": grow_reviews,
    "evidence": grow_evidence,
    "deadline-changes": grow_deadline_changes,
    "reminders": grow_reminders,
    "access-log": grow_access_log,
    "access-anomalies": grow_anomalies,
    "history": grow_history,
    "auth/tokens": grow_tokens,
}


def token_client(person: User) -> Client:
    """A client that sends a fresh API token of `person` and asks for JSON."""
    _, token = AuthToken.objects.create(person)
    return Client(headers={"Authorization": f"Token {token}", "Accept": "application/json"})


def list_queries(client: Client, resource: str) -> tuple[int, dict, list[str]]:
    """The number of queries of one list page of 500, the page itself, and the queries."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/{resource}/", {"page_size": 500})
    assert response.status_code == 200, response.content[:500]
    return len(captured), response.json(), [q["sql"] for q in captured.captured_queries]


def rows(page: dict, client: Client) -> int:
    """The rows the list has in all (there is no count): those of this page and of the pages after it."""
    total = len(page["results"])
    while page["next"] is not None:
        page = client.get(page["next"]).json()
        total += len(page["results"])
    return total


def owes_updates(page: dict) -> bool:
    """True when some item of the page shows a reporting duty with at least one company's standing."""
    return any(row["reporting_duty"] and row["reporting_duty"]["standings"] for row in page["results"])


def grown(world: World, client: Client, resource: str, page: dict, wanted: int) -> None:
    """Add rows until the reader's list holds `wanted` (an officer sees only some of the incidents added)."""
    more = 1
    while rows(page, client) < wanted:
        GROW[resource](world, more * (wanted - rows(page, client)))
        _, page, _ = list_queries(client, resource)
        more = 2


READS = [(resource, "regulator") for resource in GROW] + [(resource, "officer") for resource in PRIVATE + WALLED]


@pytest.mark.parametrize(("resource", "reader"), READS, ids=[f"{r}-{who}" for r, who in READS])
@pytest.mark.dates
def test_list_queries_do_not_grow_with_rows(world, resource, reader):
    key = resource if reader == "regulator" else f"{resource} as officer"
    client = token_client(world.regulator if reader == "regulator" else world.officer)

    _, page, _ = list_queries(client, resource)
    grown(world, client, resource, page, FEW)
    list_queries(client, resource)  # warm-up: first-request caches
    few_queries, few, few_sql = list_queries(client, resource)
    grown(world, client, resource, few, MANY)
    many_queries, many, many_sql = list_queries(client, resource)

    assert rows(few, client) >= FEW
    assert rows(many, client) >= MANY
    if resource in ("implementations", "incidents") and reader == "regulator":
        assert owes_updates(few) and owes_updates(many)
    detail = "\n".join((many_sql if many_queries > few_queries else few_sql)[:40])
    assert (few_queries, many_queries) == (PINNED[key], PINNED[key]), (
        f"{key}: {rows(few, client)} rows, then {rows(many, client)}\n{detail}"
    )
