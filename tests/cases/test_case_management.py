"""Regulator staff open and keep any case: the services, their refusals, a second case opened through the API alone."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from cases import editing as case_editing
from cases import editing_laws
from cases.choices import CaseStatus, Side
from cases.models import Case, Finding, Incident, IncidentPair, Instrument, LawArticle, RegulatoryAction, SafeguardType
from cases.selectors import open_incident_list
from compliance import clock
from compliance import services as company_services
from compliance.choices import Role
from compliance.models import AccessLogEntry, ChangeEvent, Company, CompanyGroup
from compliance.versioning import ConflictError
from remediation import editing
from remediation.dashboard import status_counts
from remediation.models import DeadlineChange, Implementation, Measure, Reminder
from remediation.selectors import open_implementation_list
from remediation.services.reminders import reminder_sweep
from tests.conftest import make_person, signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

API = "/api/v1"
FIRST = "ppc-2024-utilities"
SECOND = "meti-2026-hokkaido"
MARKER = "北海道MARKER"


def token_client(person) -> Client:
    """A client that sends a fresh API token of `person`, as another system would."""
    _, token = AuthToken.objects.create(person)
    return Client(headers={"Authorization": f"Token {token}", "Accept": "application/json"})


def denied(person) -> int:
    return AccessLogEntry.objects.filter(user=person, action="denied").count()


@pytest.fixture
def staff_api(regulator_staff) -> Client:
    return token_client(regulator_staff)


@pytest.fixture
def new_case(regulator_staff) -> Case:
    return case_editing.case_open(
        actor=regulator_staff, code="ppc-2026-test", title_ja="試験案件", opened_on=datetime.date(2026, 4, 1)
    )


def now(record) -> int:
    """The record's version as stored now."""
    return type(record).objects.get(pk=record.pk).version


def appi(code: str) -> LawArticle:
    return LawArticle.objects.get(code=code)


# Services: happy paths ------------------------------------------------------------------------------------


def test_a_case_opens_closes_and_reopens(regulator_staff, new_case):
    assert (new_case.status, new_case.closed_on) == (CaseStatus.OPEN, None)
    changed = case_editing.case_update(
        actor=regulator_staff, case=new_case, version=now(new_case), status=CaseStatus.MONITORING
    )
    assert changed.status == CaseStatus.MONITORING
    closed = case_editing.case_close(
        actor=regulator_staff, case=new_case, version=now(new_case), closed_on=datetime.date(2026, 10, 1)
    )
    assert (closed.status, closed.closed_on) == (CaseStatus.CLOSED, datetime.date(2026, 10, 1))
    with pytest.raises(ValidationError) as refused:
        case_editing.case_close(actor=regulator_staff, case=new_case, version=now(new_case))
    assert "status" in refused.value.message_dict
    reopened = case_editing.case_reopen(
        actor=regulator_staff, case=new_case, version=now(new_case), status=CaseStatus.MONITORING
    )
    assert (reopened.status, reopened.closed_on) == (CaseStatus.MONITORING, None)
    with pytest.raises(ValidationError) as early:
        case_editing.case_close(
            actor=regulator_staff, case=new_case, version=now(new_case), closed_on=datetime.date(2026, 3, 1)
        )
    assert "closed_on" in early.value.message_dict
    assert Case.objects.get(pk=new_case.pk).status == CaseStatus.MONITORING


def test_content_goes_last_in_its_parents_order_and_is_recorded_in_the_history(regulator_staff, case):
    group = company_services.company_group_create(actor=regulator_staff, code="hokkaido", name_ja="北海道電力グループ")
    company = company_services.company_create(
        actor=regulator_staff,
        code="hokkaido-td",
        name_ja="北海道電力ネットワーク株式会社",
        kind="td_operator",
        group=group,
    )
    assert group.position > max(CompanyGroup.objects.exclude(pk=group.pk).values_list("position", flat=True))
    assert list(Company.objects.all())[-1] == company
    finding = case_editing.finding_create(
        actor=regulator_staff,
        case=case,
        code="td-9",
        side=Side.TD_OPERATOR,
        articles=[appi("appi-23")],
        text_ja="新たな問題点",
        safeguard_types=[SafeguardType.objects.get(code="technical")],
        affected_companies=[company],
    )
    assert list(Finding.objects.filter(case=case))[-1] == finding
    measure = editing.measure_create(
        actor=regulator_staff,
        finding=finding,
        code="td-9-m1",
        safeguard_type=SafeguardType.objects.get(code="technical"),
        kind="standing",
        text_ja="措置",
        implementers=[editing.Implementer(company, due_on=datetime.date(2027, 3, 31))],
    )
    [implementation] = measure.implementations.all()
    assert (implementation.due_on, implementation.baseline_due_on) == (datetime.date(2027, 3, 31),) * 2
    added = editing.implementation_add(
        actor=regulator_staff, measure=measure, company=Company.objects.get(code="tohoku-td"), status="planned"
    )
    assert list(measure.implementations.all()) == [implementation, added]
    action = case_editing.regulatory_action_create(
        actor=regulator_staff,
        case=case,
        code="guidance-2026",
        instrument=Instrument.objects.get(code="guidance"),
        date=datetime.date(2024, 3, 6),
        title_ja="指導",
        articles=[appi("appi-147")],
        addressees=[company],
    )
    same_day = RegulatoryAction.objects.filter(case=case, date=action.date).exclude(pk=action.pk)
    assert all(other.position < action.position for other in same_day)
    recorded = set(ChangeEvent.objects.values_list("pgh_obj_model", flat=True))
    assert {"cases.Finding", "remediation.Measure", "remediation.Implementation", "compliance.Company"} <= recorded
    # A removal is recorded too, with the row as it was.
    case_editing.regulatory_action_delete(actor=regulator_staff, action=action, version=now(action))
    removed = ChangeEvent.objects.get(pgh_obj_model="cases.RegulatoryAction", pgh_obj_id=action.pk, pgh_label="delete")
    assert removed.pgh_data["code"] == "guidance-2026"


def test_any_law_and_article(regulator_staff):
    article = editing_laws.law_article_create(
        actor=regulator_staff,
        code="eba-23-1",
        law="eba",
        article=23,
        paragraph=1,
        title_ja="禁止行為等",
    )
    assert (article.law.code, article.reference_ja) == ("eba", "電気事業法第23条第1項")
    assert article.reference_en == "Electricity Business Act, Art. 23(1)"
    updated = editing_laws.law_article_update(
        actor=regulator_staff, law_article=article, version=article.version, title_en="Prohibited acts"
    )
    assert LawArticle.objects.get(pk=article.pk).title_en == updated.title_en == "Prohibited acts"


def test_an_incident_pair_and_its_incidents_within_the_reported_total(regulator_staff, new_case):
    kansai = CompanyGroup.objects.get(code="kansai")
    td, retail = Company.objects.get(code="kansai-td"), Company.objects.get(code="kansai-retail")
    pair = case_editing.incident_pair_create(
        actor=regulator_staff, case=new_case, group=kansai, companies=[td, retail], incident_total=2
    )
    assert pair.number == 1
    described = case_editing.incident_create(
        actor=regulator_staff,
        pair=pair,
        described_in_report=True,
        label="ア",
        summary_ja="閲覧可能な状態",
        viewer=retail,
        owner=td,
        data_kind="customer_data",
        window_start=datetime.date(2026, 4, 1),
        window_end=datetime.date(2026, 9, 30),
    )
    counted = case_editing.incident_create(actor=regulator_staff, pair=pair, described_in_report=False)
    assert (described.number, counted.number) == (1, 2)
    assert described.baseline_window_end == datetime.date(2026, 9, 30)
    with pytest.raises(ValidationError):
        case_editing.incident_create(actor=regulator_staff, pair=pair, described_in_report=False)
    with pytest.raises(ValidationError) as below:
        case_editing.incident_pair_update(actor=regulator_staff, pair=pair, version=pair.version, incident_total=1)
    assert "incident_total" in below.value.message_dict
    changed = case_editing.incident_update(
        actor=regulator_staff, incident=described, item_version=described.version, fix_ja="分離した"
    )
    assert (changed.fix_ja, changed.version) == ("分離した", described.version + 1)
    with pytest.raises(ConflictError):
        case_editing.incident_update(actor=regulator_staff, incident=described, item_version=1, fix_ja="古い")


def test_the_regulator_moves_an_items_dates_and_the_baseline_stays(regulator_staff):
    item = Implementation.objects.filter(window_end__isnull=False).first()
    baseline = (item.baseline_window_start, item.baseline_window_end)
    moved = editing.item_dates_set(
        actor=regulator_staff,
        item=item,
        item_version=item.version,
        window_start=item.window_start,
        window_end=datetime.date(2032, 3, 31),
    )
    item.refresh_from_db()
    assert (item.window_end, item.version) == (datetime.date(2032, 3, 31), moved.version)
    assert (item.baseline_window_start, item.baseline_window_end) == baseline
    assert item.slippage_days > 0
    with pytest.raises(ConflictError):
        editing.item_dates_set(actor=regulator_staff, item=item, item_version=item.version - 1, due_on=None)
    officer = make_person("officer-dates", Role.COMPANY_OFFICER, item.company)
    DeadlineChange.objects.create(
        company=item.company,
        implementation=item,
        requested_by=officer,
        reason="延期",
        proposed_window_end=datetime.date(2033, 3, 31),
    )
    with pytest.raises(ValidationError):
        editing.item_dates_set(actor=regulator_staff, item=item, item_version=item.version, due_on=None)
    undated = Implementation.objects.filter(due_on=None, window_end=None, baseline_due_on=None).first()
    first = editing.item_dates_set(
        actor=regulator_staff, item=undated, item_version=undated.version, due_on=datetime.date(2027, 1, 31)
    )
    assert (first.due_on, first.baseline_due_on) == (datetime.date(2027, 1, 31),) * 2


# Services: refusals ---------------------------------------------------------------------------------------


def every_service(case: Case) -> list:
    """Each write service, called with valid arguments by `actor`."""
    finding = Finding.objects.filter(case=case).first()
    measure = Measure.objects.filter(finding=finding).first()
    implementation = measure.implementations.first()
    pair = IncidentPair.objects.filter(case=case).first()
    incident = pair.incidents.first()
    company, group = Company.objects.get(code="okinawa"), CompanyGroup.objects.get(code="okinawa")
    action = RegulatoryAction.objects.filter(case=case).first()
    return [
        lambda a: case_editing.case_open(actor=a, code="x", title_ja="x", opened_on=datetime.date(2026, 1, 1)),
        lambda a: case_editing.case_update(actor=a, case=case, version=case.version, title_en="x"),
        lambda a: case_editing.case_close(actor=a, case=case, version=case.version),
        lambda a: case_editing.case_reopen(actor=a, case=case, version=case.version),
        lambda a: editing_laws.law_article_create(actor=a, code="x", law="eba", article=1, title_ja="x"),
        lambda a: editing_laws.law_article_update(
            actor=a, law_article=finding.articles.first(), version=1, title_en="x"
        ),
        lambda a: company_services.company_group_create(actor=a, code="x", name_ja="x"),
        lambda a: company_services.company_group_update(actor=a, group=group, version=group.version, name_en="x"),
        lambda a: company_services.company_create(actor=a, code="x", name_ja="x", kind="retailer"),
        lambda a: company_services.company_update(actor=a, company=company, version=company.version, name_en="x"),
        lambda a: case_editing.regulatory_action_create(
            actor=a,
            case=case,
            code="x",
            instrument=Instrument.objects.get(code="guidance"),
            date=datetime.date(2026, 1, 1),
            title_ja="x",
        ),
        lambda a: case_editing.regulatory_action_update(actor=a, action=action, version=action.version, title_en="x"),
        lambda a: case_editing.regulatory_action_delete(actor=a, action=action, version=action.version),
        lambda a: case_editing.finding_update(actor=a, finding=finding, version=finding.version, text_en="x"),
        lambda a: case_editing.finding_delete(actor=a, finding=finding, version=finding.version),
        lambda a: case_editing.incident_pair_update(actor=a, pair=pair, version=pair.version, incident_total=99),
        lambda a: case_editing.incident_create(actor=a, pair=pair, described_in_report=False),
        lambda a: case_editing.incident_update(actor=a, incident=incident, item_version=incident.version),
        lambda a: editing.measure_update(actor=a, measure=measure, version=measure.version, text_en="x"),
        lambda a: editing.measure_delete(actor=a, measure=measure, version=measure.version),
        lambda a: editing.implementation_add(actor=a, measure=measure, company=company),
        lambda a: editing.implementation_remove(
            actor=a, implementation=implementation, item_version=implementation.version
        ),
        lambda a: editing.item_dates_set(actor=a, item=implementation, item_version=implementation.version),
    ]


def test_every_service_refuses_anyone_but_regulator_staff(case, officers):
    officer = officers["kansai-td"]
    before = ChangeEvent.objects.count()
    for number, service in enumerate(every_service(case)):
        with pytest.raises(PermissionDenied):
            service(officer)
        assert ChangeEvent.objects.count() == before, number


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a, c: case_editing.case_open(actor=a, code=c.code, title_ja="x", opened_on=c.opened_on), "code"),
        (lambda a, c: case_editing.case_update(actor=a, case=c, version=c.version, title_ja=""), "title_ja"),
        (lambda a, c: case_editing.case_update(actor=a, case=c, version=c.version, code="renamed"), "code"),
        (
            lambda a, c: case_editing.finding_create(
                actor=a,
                case=c,
                code=Finding.objects.filter(case=c).first().code,
                side="td_operator",
                articles=[appi("appi-23")],
                text_ja="x",
                safeguard_types=list(SafeguardType.objects.all()[:1]),
                affected_companies=list(Company.objects.all()[:1]),
            ),
            "code",
        ),
        (
            lambda a, c: case_editing.finding_create(
                actor=a,
                case=c,
                code="td-99",
                side="td_operator",
                articles=[appi("appi-23")],
                text_ja="x",
                safeguard_types=[],
                affected_companies=list(Company.objects.all()[:1]),
            ),
            "safeguard_types",
        ),
        (
            lambda a, c: editing_laws.law_article_create(
                actor=a, code="appi-23b", law="appi", article=23, title_ja="重複"
            ),
            "article",
        ),
        (
            lambda a, c: company_services.company_create(actor=a, code="new-co", name_ja="x", kind="bank"),
            "kind",
        ),
        (
            lambda a, c: editing.implementation_add(
                actor=a,
                measure=Measure.objects.filter(finding__case=c).first(),
                company=Company.objects.get(code="okinawa"),
                window_start=datetime.date(2027, 1, 1),
                window_end=datetime.date(2026, 1, 1),
            ),
            "window_end",
        ),
        (
            lambda a, c: editing.implementation_add(
                actor=a,
                measure=Measure.objects.filter(finding__case=c).first(),
                company=Measure.objects.filter(finding__case=c).first().implementations.first().company,
            ),
            "company",
        ),
        (
            lambda a, c: case_editing.incident_create(
                actor=a,
                pair=IncidentPair.objects.filter(case=c).first(),
                described_in_report=False,
                summary_ja="報告書にない詳細",
            ),
            "summary_ja",
        ),
    ],
    ids=[
        "case code taken",
        "case without title",
        "codes do not change",
        "finding code taken",
        "no safeguard type",
        "article taken",
        "unknown kind",
        "window backwards",
        "implementer twice",
        "invented detail",
    ],
)
def test_invalid_input_names_the_field_and_writes_nothing(case, regulator_staff, call, field):
    IncidentPair.objects.filter(case=case).update(incident_total=99)  # room for one more incident
    before = ChangeEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        call(regulator_staff, case)
    assert field in refused.value.message_dict, refused.value.message_dict
    assert ChangeEvent.objects.count() == before


def test_nothing_companies_keep_records_on_is_removed(case, officers, regulator_staff):
    update = submit_update(officers["okinawa"])
    implementation = update.implementation
    measure, finding = implementation.measure, implementation.measure.finding
    for remove in [
        lambda: editing.implementation_remove(
            actor=regulator_staff, implementation=implementation, item_version=implementation.version
        ),
        lambda: editing.measure_delete(actor=regulator_staff, measure=measure, version=measure.version),
        lambda: case_editing.finding_delete(actor=regulator_staff, finding=finding, version=finding.version),
    ]:
        with pytest.raises(ValidationError) as refused:
            remove()
        assert refused.value.code == "has_private_records"
    assert Implementation.objects.filter(pk=implementation.pk).exists()
    # Without records, a measure goes with its implementations.
    quiet = Measure.objects.filter(finding__case=case).exclude(implementations__progressupdates__isnull=False)
    quiet = quiet.exclude(implementations__reminders__isnull=False).first()
    editing.measure_delete(actor=regulator_staff, measure=quiet, version=quiet.version)
    assert not Implementation.objects.filter(measure_id=quiet.pk).exists()


# The API ----------------------------------------------------------------------------------------------------


def test_officers_get_404_for_every_write_and_the_attempt_is_logged(case, officers):
    officer = officers["kansai-td"]
    client = token_client(officer)
    finding = Finding.objects.filter(case=case).first()
    item = Implementation.objects.filter(company=officer.company).first()
    writes = [
        ("post", f"{API}/cases/", {"code": "x", "title_ja": "x", "opened_on": "2026-01-01"}),
        ("patch", f"{API}/cases/{case.code}/", {"title_en": "x"}),
        ("post", f"{API}/companies/", {"code": "x", "name_ja": "x", "kind": "retailer"}),
        ("patch", f"{API}/findings/{case.code}/{finding.code}/", {"text_en": "x"}),
        ("delete", f"{API}/findings/{case.code}/{finding.code}/", None),
        ("patch", f"{API}/implementations/{item.pk}/", {"due_on": "2030-01-01"}),
        ("delete", f"{API}/implementations/{item.pk}/", None),
    ]
    before_events, before_denied = ChangeEvent.objects.count(), denied(officer)
    for method, url, body in writes:
        response = getattr(client, method)(url, body, content_type="application/json", HTTP_IF_MATCH=item.etag)
        assert response.status_code == 404, (method, url, response.content[:200])
        assert response["Content-Type"] == "application/problem+json"
    assert denied(officer) == before_denied + len(writes)
    assert ChangeEvent.objects.count() == before_events


def test_the_api_answers_field_errors_as_problem_details_and_writes_nothing(case, staff_api):
    before = ChangeEvent.objects.count()
    taken = Finding.objects.filter(case=case).first().code
    body = {
        "case": case.code,
        "code": taken,
        "side": "td_operator",
        "article": "appi-23",
        "safeguard_types": ["technical"],
        "affected_companies": ["kansai-td"],
        "text_ja": "重複",
    }
    response = staff_api.post(f"{API}/findings/", body, content_type="application/json")
    assert response.status_code == 400
    problem = response.json()
    assert problem["status"] == 400 and "code" in problem["errors"]
    unknown = staff_api.post(f"{API}/findings/", {**body, "code": "td-new", "article": "nope\x00"}, "application/json")
    assert unknown.status_code == 400 and "articles" in unknown.json()["errors"]
    assert ChangeEvent.objects.count() == before


def test_dates_need_if_match_412_when_stale_428_when_missing(staff_api):
    item = Implementation.objects.filter(due_on=None, window_end=None).first()
    url = f"{API}/implementations/{item.pk}/"
    body = {"due_on": "令和9年1月31日"}
    assert staff_api.patch(url, body, content_type="application/json").status_code == 428
    assert staff_api.patch(url, body, content_type="application/json", HTTP_IF_MATCH='"999"').status_code == 412
    moved = staff_api.patch(url, body, content_type="application/json", HTTP_IF_MATCH=item.etag)
    assert moved.status_code == 200, moved.content
    assert moved.json()["due_on"] == moved.json()["baseline_due_on"] == "2027-01-31"
    assert moved["ETag"] == f'"{item.version + 1}"'


def test_closing_and_reopening_through_the_api(staff_api, regulator_staff, new_case):
    url = f"{API}/cases/{new_case.code}/"
    body = {"status": "closed", "closed_on": "2026-10-01"}
    closed = staff_api.patch(url, body, content_type="application/json", HTTP_IF_MATCH=staff_api.get(url)["ETag"])
    assert closed.status_code == 200, closed.content
    assert (closed.json()["status"], closed.json()["closed_on"]) == ("closed", "2026-10-01")
    again = staff_api.patch(url, body, content_type="application/json", HTTP_IF_MATCH=closed["ETag"])
    assert (again.status_code, again["ETag"]) == (200, closed["ETag"])  # closed on that day already: nothing changes
    reopened = staff_api.patch(
        url, {"status": "monitoring"}, content_type="application/json", HTTP_IF_MATCH=closed["ETag"]
    )
    assert (reopened.json()["status"], reopened.json()["closed_on"]) == ("monitoring", None)


# Done when: a second case through the API alone -----------------------------------------------------------


def api_post(client: Client, resource: str, body: dict) -> dict:
    response = client.post(f"{API}/{resource}/", body, content_type="application/json")
    assert response.status_code == 201, (resource, response.content.decode()[:500])
    return response.json()


def open_second_case(client: Client, due_on: datetime.date) -> dict:
    """The second case, as another regulator system would enter it: only API calls, codes for relations."""
    api_post(
        client,
        "cases",
        {"code": SECOND, "title_ja": f"{MARKER} 送配電事業者の情報管理", "opened_on": "令和8年4月1日", "law": "eba"},
    )
    api_post(
        client,
        "law-articles",
        {"code": "eba-23-1", "law": "eba", "article": 23, "paragraph": 1, "title_ja": "禁止行為等"},
    )
    api_post(client, "company-groups", {"code": "hokkaido", "name_ja": "北海道電力グループ", "name_en": "Hokkaido"})
    api_post(
        client,
        "companies",
        {
            "code": "hokkaido-td",
            "name_ja": "北海道電力ネットワーク株式会社",
            "kind": "td_operator",
            "group": "hokkaido",
        },
    )
    action = api_post(
        client,
        "regulatory-actions",
        {
            "case": SECOND,
            "code": "guidance-2026-04-10",
            "kind": "guidance",
            "date": "2026-04-10",
            "title_ja": f"{MARKER} 指導",
            "articles": ["eba-23-1"],
            "addressees": ["hokkaido-td", "tohoku-td"],
        },
    )
    findings = [
        api_post(
            client,
            "findings",
            {
                "case": SECOND,
                "code": f"td-{n}",
                "side": "td_operator",
                "articles": ["eba-23-1", "法第23条"],
                "safeguard_types": ["technical", "organizational"][: n + 1],
                "affected_companies": ["hokkaido-td", "tohoku-td"],
                "text_ja": f"{MARKER} 問題点{n}",
            },
        )
        for n in (1, 2)
    ]
    measure = api_post(
        client,
        "measures",
        {
            "case": SECOND,
            "finding": findings[0]["code"],
            "code": "td-1-m1",
            "safeguard_type": "technical",
            "kind": "standing",
            "text_ja": f"{MARKER} アクセス権限を見直した",
            "implementers": ["hokkaido-td", "tohoku-td"],
            "status": "planned",
        },
    )
    implementations = client.get(f"{API}/implementations/", {"case": SECOND}).json()
    item = next(row for row in implementations["results"] if row["company"] == "hokkaido-td")
    dated = client.patch(
        f"{API}/implementations/{item['id']}/",
        {"due_on": due_on.isoformat()},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{item["version"]}"',
    )
    assert dated.status_code == 200, dated.content
    pair = api_post(
        client,
        "incident-pairs",
        {"case": SECOND, "group": "hokkaido", "companies": ["hokkaido-td"], "incident_total": 1},
    )
    api_post(client, "incidents", {"pair": pair["id"], "described_in_report": False})
    return {"action": action, "findings": findings, "measure": measure, "item": dated.json()}


def csv_of(client: Client, url: str, **params) -> list[dict]:
    """The CSV export of a list, one dict per row keyed by the English headings."""
    client.cookies["django_language"] = "en"
    response = client.get(url, {**params, "format": "csv"})
    assert response.status_code == 200, url
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_a_second_case_opened_through_the_api_alone(case, regulator_staff, officers, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    today = clock.today()
    due_on = today + datetime.timedelta(days=30)
    before = status_counts(user=regulator_staff)
    second = open_second_case(token_client(regulator_staff), due_on)
    new_case = Case.objects.get(code=SECOND)
    item = Implementation.objects.get(pk=second["item"]["id"])
    assert (item.due_on, item.baseline_due_on, item.company.code) == (due_on, due_on, "hokkaido-td")
    assert item.case == new_case and new_case.findings.count() == 2

    # The dashboard counts the second case's items, and lists the new one as due soon.
    after = status_counts(user=regulator_staff)
    assert sum(r["count"] for r in after["implementations"]) == sum(r["count"] for r in before["implementations"]) + 2
    assert sum(r["count"] for r in after["incidents"]) == sum(r["count"] for r in before["incidents"]) + 1
    regulator = signed_in(regulator_staff)
    dashboard = regulator.get(reverse("remediation:dashboard")).content.decode()
    assert f'href="{item.get_tracking_url()}"' in dashboard

    # Reminders: none before the policy's first moment; the due date's own reminder on that day, not before.
    def reminders_on(day: datetime.date) -> list[Reminder]:
        return [r for r in reminder_sweep(today=day).reminders if r.implementation_id == item.pk]

    assert reminders_on(due_on - datetime.timedelta(days=91)) == []
    day_before = reminders_on(due_on - datetime.timedelta(days=1))
    assert [r.planned_for for r in day_before] == [due_on - datetime.timedelta(days=1)]
    on_the_day = reminders_on(due_on)
    assert [(r.planned_for, r.period, r.company.code) for r in on_the_day] == [
        (due_on, f"{due_on.isoformat()}:-0", "hokkaido-td")
    ]

    # Every list, page or API, filtered by one case holds none of the other's records, and exports only its own.
    first_case = Case.objects.get(code=FIRST)
    own = {
        FIRST: {i.get_tracking_url() for i in Implementation.objects.filter(measure__finding__case=first_case)},
        SECOND: {i.get_tracking_url() for i in Implementation.objects.filter(measure__finding__case=new_case)},
    }
    for code, other in ((FIRST, SECOND), (SECOND, FIRST)):
        for name in ("cases:finding_list", "cases:incident_list", "remediation:open_item_list"):
            page = regulator.get(reverse(name, args=[code])).content.decode()
            assert (MARKER in page) == (code == SECOND), (name, code)
        open_items = regulator.get(reverse("remediation:open_item_list", args=[code])).content.decode()
        assert not any(f'href="{url}"' in open_items for url in own[other]), code
        listing = regulator.get(reverse("remediation:implementation_list"), {"case": code}).content.decode()
        assert not any(f'href="{url}"' in listing for url in own[other]), code
        assert any(f'href="{url}"' in listing for url in own[code]), code
        api = token_client(regulator_staff)
        for resource in ["regulatory-actions", "findings", "measures", "incident-pairs"]:
            rows = api.get(f"{API}/{resource}/", {"case": code, "page_size": 500}).json()["results"]
            assert rows and {row["case"] for row in rows} == {code}, (resource, code)
        incidents = api.get(f"{API}/incidents/", {"case": code, "page_size": 500}).json()["results"]
        assert incidents and {row["case"] for row in incidents} == {code}
        implementations = api.get(f"{API}/implementations/", {"case": code, "page_size": 500}).json()["results"]
        expected = Implementation.objects.filter(measure__finding__case__code=code).values_list("pk", flat=True)
        assert {row["id"] for row in implementations} == set(expected)

        case_obj = Case.objects.get(code=code)
        findings = csv_of(regulator, reverse("cases:finding_list", args=[code]))
        assert {row["Code"] for row in findings} == set(case_obj.findings.values_list("code", flat=True))
        assert all((MARKER in row["Text (Japanese)"]) == (code == SECOND) for row in findings)
        incidents_csv = csv_of(regulator, reverse("cases:incident_list", args=[code]))
        assert len(incidents_csv) == Incident.objects.filter(pair__case=case_obj).count()
        open_csv = csv_of(regulator, reverse("remediation:open_item_list", args=[code]))
        expected_open = len(open_implementation_list(user=regulator_staff, case=case_obj)) + len(
            open_incident_list(user=regulator_staff, case=case_obj)
        )
        assert len(open_csv) == expected_open
        assert all((MARKER in row["Text"]) == (code == SECOND) for row in open_csv if row["Text"])
        listed = csv_of(regulator, reverse("remediation:implementation_list"), case=code)
        assert {row["Case"] for row in listed} == {code}
        assert len(listed) == Implementation.objects.filter(measure__finding__case=case_obj).count()

    # The new company's officer sees the new item on their page; another company's officer does not.
    newcomer = make_person("officer-hokkaido-td", Role.COMPANY_OFFICER, Company.objects.get(code="hokkaido-td"))
    assert (
        f'href="{item.get_tracking_url()}"'
        in signed_in(newcomer, second_factor=False).get("/my-items/").content.decode()
    )
    other = signed_in(officers["kansai-td"], second_factor=False).get("/my-items/").content.decode()
    assert f'href="{item.get_tracking_url()}"' not in other


def test_removals_and_incident_changes_through_the_api(case, officers, staff_api):
    update = submit_update(officers["okinawa"])
    kept = update.implementation
    measure = kept.measure
    refused = staff_api.delete(
        f"{API}/measures/{case.code}/{measure.finding.code}/{measure.code}/", HTTP_IF_MATCH=measure.etag
    )
    assert refused.status_code == 409  # the company's progress updates keep it
    assert "進捗報告" in refused.json()["detail"]
    assert Measure.objects.filter(pk=kept.measure_id).exists()
    quiet = Implementation.objects.filter(measure__finding__case=case, progressupdates__isnull=True)
    removable = quiet.exclude(reminders__isnull=False).first()
    url = f"{API}/implementations/{removable.pk}/"
    assert staff_api.delete(url).status_code == 428
    assert staff_api.delete(url, HTTP_IF_MATCH=removable.etag).status_code == 204
    assert not Implementation.objects.filter(pk=removable.pk).exists()

    incident = Incident.objects.filter(pair__case=case, described_in_report=True).first()
    body = {"fix_en": "Access separated", "due_on": "2027-06-30", "window_start": None, "window_end": None}
    changed = staff_api.patch(
        f"{API}/incidents/{incident.pk}/", body, content_type="application/json", HTTP_IF_MATCH=incident.etag
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["fix_en"], changed.json()["due_on"]) == ("Access separated", "2027-06-30")
    incident.refresh_from_db()
    assert changed["ETag"] == incident.etag and incident.version > 1
    undescribe = staff_api.patch(
        f"{API}/incidents/{incident.pk}/",
        {"described_in_report": False},
        content_type="application/json",
        HTTP_IF_MATCH=incident.etag,
    )
    assert undescribe.status_code == 400 and "label" in undescribe.json()["errors"]


@pytest.mark.parametrize(
    ("resource", "extra"),
    [
        ("cases", {"title_ja": "事案", "opened_on": "2026-01-05"}),
        ("companies", {"name_ja": "会社", "kind": "retailer"}),
    ],
)
@pytest.mark.parametrize("code", ["new", "import", "Kansai-TD", "-leading"])
def test_a_code_that_names_a_page_or_a_case_file_cannot_hold_is_refused(db, staff_api, resource, extra, code):
    # /cases/new/ and /cases/import/ are pages; and a code must read back from a case file as it was written.
    response = staff_api.post(f"{API}/{resource}/", {"code": code, **extra}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "code" in response.json()["errors"]
