"""Regulator staff open and keep a case through the pages alone; everyone else gets 404 and changes nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from cases import editing as case_editing
from cases.choices import CaseStatus
from cases.models import Case, Finding, Incident, IncidentPair, Law, LawArticle, RegulatoryAction
from compliance.models import AccessLogEntry, ChangeEvent, Company, CompanyGroup
from remediation import editing
from remediation.models import Implementation, Measure
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

CASE = "ppc-2024-utilities"
NEW = "meti-2026-hokkaido"


@pytest.fixture(autouse=True)
def language_kept():
    """A page asked for in English leaves English active in this thread: the tests after these keep theirs."""
    language = translation.get_language()
    yield
    translation.activate(language)


def post(client: Client, url: str, data: dict, status: int = 302):
    """Post the form as the page gives it: with the version of the record it shows (its hidden field), if any."""
    if "version" not in data:
        shown = re.search(r'name="version" value="(\d+)"', client.get(url).content.decode())
        data = {**data, "version": shown.group(1)} if shown else data
    response = client.post(url, data)
    errors = re.findall(r'class="errors?(?:list)?[^"]*"[^>]*>(.*?)</', response.content.decode())
    assert response.status_code == status, (url, errors)
    return response


def implementers(*rows: dict) -> dict:
    """The measure form's rows of implementing companies, as the page posts them (three rows, blanks left empty)."""
    data = {"implementers-TOTAL_FORMS": "3", "implementers-INITIAL_FORMS": "0"}
    for number, row in enumerate(rows):
        data.update({f"implementers-{number}-{name}": value for name, value in row.items()})
    return data


def snapshot() -> dict:
    """What the pages could change: the number of each kind of record, every recorded change, the items' versions."""
    models = [Case, LawArticle, RegulatoryAction, Finding, Measure, Implementation, IncidentPair, Incident]
    return {
        **{model.__name__: model.objects.count() for model in [*models, Company, CompanyGroup]},
        "changes": ChangeEvent.objects.count(),
        "versions": sorted(Implementation.objects.values_list("pk", "version", "due_on")),
        "cases": sorted(Case.objects.values_list("code", "status", "title_ja", "closed_on")),
    }


def test_regulator_staff_open_a_case_through_the_pages_alone(regulator_client):
    client = regulator_client
    client.cookies["django_language"] = "ja"
    assert reverse("cases:case_open") in client.get(reverse("cases:case_list")).content.decode()
    assert client.get(reverse("cases:case_open")).status_code == 200

    # The case, dated the Japanese way.
    response = post(
        client,
        reverse("cases:case_open"),
        {"code": NEW, "title_ja": "送配電事業者の情報管理", "opened_on": "令和8年4月1日", "status": "open"},
    )
    case = Case.objects.get(code=NEW)
    assert response.url == case.get_absolute_url()
    assert case.opened_on == datetime.date(2026, 4, 1) and case.status == CaseStatus.OPEN

    # An article of another law, added from the action's page and back to it; a group and a company not known
    # yet, typed in full-width characters too.
    action_page = reverse("cases:regulatory_action_create", args=[NEW])
    assert reverse("cases:law_article_create") in client.get(action_page).content.decode()
    response = post(
        client,
        f"{reverse('cases:law_article_create')}?{urlencode({'next': action_page})}",
        {
            "code": "eba-23-1",
            "law": Law.objects.get(code="eba").pk,
            "article": "２３",
            "paragraph": "1",
            "title_ja": "禁止行為等",
        },
    )
    assert response.url == action_page
    response = post(
        client,
        f"{reverse('compliance:company_group_create')}?next=https://elsewhere.example/",
        {"code": "hokkaido", "name_ja": "北海道電力グループ"},
    )
    assert response.url == f"{reverse('remediation:company_list')}?group=hokkaido"  # never to another site
    response = post(
        client,
        reverse("compliance:company_create"),
        {
            "code": "ｈｏｋｋａｉｄｏ－td",
            "name_ja": "北海道電力ネットワーク(株)",
            "kind": "td_operator",
            "group": "ｈｏｋｋａｉｄｏ",
        },
    )
    hokkaido = Company.objects.get(code="hokkaido-td")
    assert response.url == hokkaido.get_absolute_url()
    assert hokkaido.group.code == "hokkaido"
    assert LawArticle.objects.get(code="eba-23-1").article == 23

    # An action under the new article, addressed to the new company and a known one.
    post(
        client,
        reverse("cases:regulatory_action_create", args=[NEW]),
        {
            "code": "guidance-2026-04-10",
            "instrument": "eba-business-improvement-order",
            "date": "2026年4月10日",
            "title_ja": "指導MARKER",
            "articles": "eba-23-1",
            "addressees": "hokkaido-td、tohoku-td",
        },
    )
    action = RegulatoryAction.objects.get(case=case, code="guidance-2026-04-10")
    assert [a.code for a in action.articles.all()] == ["eba-23-1"]
    assert sorted(c.code for c in action.addressees.all()) == ["hokkaido-td", "tohoku-td"]

    # A finding, then a measure with two implementing companies: one with a due date, one with a window.
    response = post(
        client,
        reverse("cases:finding_create", args=[NEW]),
        {
            "code": "td-1",
            "side": "td_operator",
            "articles": "eba-23-1\n電気事業法第2条の17第1項第2号イ",
            "safeguard_types": ["technical", "human"],
            "affected_companies": "hokkaido-td tohoku-td",
            "text_ja": "問題点MARKER",
        },
    )
    finding = Finding.objects.get(case=case, code="td-1")
    assert response.url == finding.get_absolute_url()
    assert [a.code for a in finding.articles.all()] == ["eba-2no17-1-i2-a", "eba-23-1"]
    assert finding.affected_companies.count() == 2
    response = post(
        client,
        reverse("remediation:measure_create", args=[NEW, "td-1"]),
        {"code": "td-1-m1", "safeguard_type": "technical", "kind": "standing", "text_ja": "措置MARKER"}
        | implementers(
            {"company": "hokkaido-td", "status": "planned", "due_on": "2026-12-26"},
            {"company": "tohoku-td", "window_start": "令和8年4月1日", "window_end": "2027/03/31"},
        ),
    )
    measure = Measure.objects.get(finding=finding, code="td-1-m1")
    assert response.url == measure.get_absolute_url()
    rows = {i.company.code: i for i in measure.implementations.select_related("company")}
    assert rows["hokkaido-td"].due_on == datetime.date(2026, 12, 26) and rows["hokkaido-td"].status == "planned"
    assert (rows["tohoku-td"].window_start, rows["tohoku-td"].window_end) == (
        datetime.date(2026, 4, 1),
        datetime.date(2027, 3, 31),
    )

    # The regulator moves an item's due date, at the version the page showed; the original date stays.
    item = rows["hokkaido-td"]
    dates_url = reverse("remediation:item_dates_set", args=["implementation", item.pk])
    assert f'name="version" value="{item.version}"' in client.get(dates_url).content.decode()
    post(client, dates_url, {"version": item.version, "due_on": "2027-01-15"})
    item.refresh_from_db()
    assert (item.due_on, item.baseline_due_on, item.version) == (
        datetime.date(2027, 1, 15),
        datetime.date(2026, 12, 26),
        2,
    )

    # Everything shows on the case's pages, and each write is in the change history.
    page = client.get(case.get_absolute_url()).content.decode()
    assert "送配電事業者の情報管理" in page and "指導MARKER" in page and "法第23条第1項" in page
    assert "問題点MARKER" in client.get(finding.get_absolute_url()).content.decode()
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "措置MARKER" in page and "北海道電力ネットワーク(株)" in page and "2027-01-15" in page
    recorded = set(ChangeEvent.objects.filter(pgh_obj_id__isnull=False).values_list("pgh_obj_model", "pgh_obj_id"))
    for record in [case, action, finding, measure, item, hokkaido]:
        assert (record._meta.label, record.pk) in recorded, record


def test_regulator_staff_edit_close_and_reopen_a_case(regulator_client, case):
    client = regulator_client
    post(
        client,
        reverse("cases:case_edit", args=[CASE]),
        {
            "title_ja": "新しい題名",
            "title_en": "",
            "summary_ja": case.summary_ja,
            "summary_en": "",
            "status": "monitoring",
            "opened_on": "2023-06-29",
        },
    )
    case.refresh_from_db()
    assert (case.title_ja, case.status) == ("新しい題名", CaseStatus.MONITORING)

    post(client, reverse("cases:case_close", args=[CASE]), {"closed_on": "令和9年3月31日"})
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.CLOSED, datetime.date(2027, 3, 31))
    page = client.get(case.get_absolute_url()).content.decode()
    assert reverse("cases:case_reopen", args=[CASE]) in page and reverse("cases:case_close", args=[CASE]) not in page
    # Closed already: the service says so on the form.
    response = post(client, reverse("cases:case_close", args=[CASE]), {"closed_on": "2027-04-01"}, status=400)
    assert 'class="errors"' in response.content.decode()

    post(client, reverse("cases:case_reopen", args=[CASE]), {"status": "monitoring"})
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.MONITORING, None)


def test_regulator_staff_edit_and_remove_actions_findings_measures_and_incidents(regulator_client, case):
    client = regulator_client
    action = RegulatoryAction.objects.get(case=case, code="guidance-2023-06-29")
    form = client.get(reverse("cases:regulatory_action_edit", args=[CASE, action.code])).content.decode()
    assert "個人情報保護法第147条" in form  # the action's references, shown as typed
    post(
        client,
        reverse("cases:regulatory_action_edit", args=[CASE, action.code]),
        {
            "instrument": "order",
            "date": "2023-06-30",
            "title_ja": "命令",
            "articles": "appi-23",
            "addressees": "kansai-td",
        },
    )
    action.refresh_from_db()
    assert (action.instrument.code, action.date, action.title_ja) == ("order", datetime.date(2023, 6, 30), "命令")
    assert [c.code for c in action.addressees.all()] == ["kansai-td"]
    post(client, reverse("cases:regulatory_action_delete", args=[CASE, action.code]), {})
    assert not RegulatoryAction.objects.filter(pk=action.pk).exists()

    finding = Finding.objects.get(case=case, code="td-2")
    data = {
        "side": "retailer",
        "articles": "appi-23",
        "safeguard_types": ["organizational"],
        "affected_companies": "kansai-retail",
        "text_ja": "書き直し",
        "text_en": "",
    }
    post(client, reverse("cases:finding_edit", args=[CASE, "td-2"]), data)
    finding.refresh_from_db()
    assert (finding.side, finding.text_ja) == ("retailer", "書き直し")
    assert [s.code for s in finding.safeguard_types.all()] == ["organizational"]

    # A measure added, changed, given a third company, then removed: no company kept records on it.
    post(
        client,
        reverse("remediation:measure_create", args=[CASE, "td-2"]),
        {"code": "td-2-m9", "safeguard_type": "human", "kind": "completed", "text_ja": "研修"}
        | implementers({"company": "kansai-td"}),
    )
    measure = Measure.objects.get(finding=finding, code="td-2-m9")
    post(
        client,
        reverse("remediation:measure_edit", args=[CASE, "td-2", "td-2-m9"]),
        {"safeguard_type": "human", "kind": "periodic", "text_ja": "定期研修"},
    )
    measure.refresh_from_db()
    assert (measure.kind, measure.text_ja) == ("periodic", "定期研修")
    post(
        client,
        reverse("remediation:implementation_add", args=[CASE, "td-2", "td-2-m9"]),
        {"company": "kansai-retail", "window_start": "2026-04-01", "window_end": "2026-09-30"},
    )
    added = Implementation.objects.get(measure=measure, company__code="kansai-retail")
    post(client, reverse("remediation:implementation_remove", args=[added.pk]), {"version": added.version})
    assert list(measure.implementations.values_list("company__code", flat=True)) == ["kansai-td"]
    post(client, reverse("remediation:measure_delete", args=[CASE, "td-2", "td-2-m9"]), {})
    assert not Measure.objects.filter(pk=measure.pk).exists()

    # A pair and a described incident in it, then a change to it.
    post(
        client,
        reverse("cases:incident_pair_create", args=[CASE]),
        {"group": "chubu", "companies": "chubu-td chubu-retail", "incident_total": "1"},
    )
    pair = IncidentPair.objects.get(case=case, group__code="chubu")
    post(
        client,
        reverse("cases:incident_create", args=[CASE, pair.number]),
        {
            "described_in_report": "on",
            "label": "ア",
            "viewer": "chubu-retail",
            "owner": "chubu-td",
            "data_kind": "customer_data",
            "was_used": "false",
            "involves_new_entrant_data": "unknown",
            "summary_ja": "閲覧MARKER",
            "status": "planned",
            "due_on": "2026-06-30",
        },
    )
    incident = Incident.objects.get(pair=pair, number=1)
    assert (incident.viewer.code, incident.was_used, incident.due_on) == (
        "chubu-retail",
        False,
        datetime.date(2026, 6, 30),
    )
    post(
        client,
        reverse("cases:incident_edit", args=[CASE, pair.number, 1]),
        {
            "version": incident.version,
            "described_in_report": "on",
            "label": "ア",
            "viewer": "chubu-retail",
            "owner": "chubu-td",
            "data_kind": "customer_data",
            "was_used": "true",
            "involves_new_entrant_data": "unknown",
            "summary_ja": "閲覧MARKER",
            "fix_ja": "権限を分離",
        },
    )
    incident.refresh_from_db()
    assert (incident.was_used, incident.fix_ja, incident.version) == (True, "権限を分離", 2)
    post(
        client,
        reverse("cases:incident_pair_edit", args=[CASE, pair.number]),
        {"group": "chubu", "companies": "chubu-td chubu-retail", "incident_total": "2"},
    )
    pair.refresh_from_db()
    assert pair.incident_total == 2


def test_invalid_input_shows_field_errors_and_writes_nothing(regulator_client, case):
    client = regulator_client
    client.cookies["django_language"] = "en"
    before = snapshot()

    # The form's own checks: a date it cannot read, a code naming a page, codes nobody has.
    page = post(
        client,
        reverse("cases:case_open"),
        {"code": "new", "title_ja": "題名", "opened_on": "2026-13-45", "status": "open"},
        status=400,
    ).content.decode()
    assert "Enter a date such as" in page and "is the name of a page" in page
    page = post(
        client,
        reverse("cases:regulatory_action_create", args=[CASE]),
        {
            "code": "order-1",
            "instrument": "order",
            "date": "2026-04-01",
            "title_ja": "命令",
            "articles": "appi-23 eba-99",
            "addressees": "kansai-td no-such-company",
        },
        status=400,
    ).content.decode()
    assert "No company has this code: no-such-company." in page
    page = post(
        client,
        reverse("cases:regulatory_action_create", args=[CASE]),
        {
            "code": "order-1",
            "instrument": "order",
            "date": "2026-04-01",
            "title_ja": "命令",
            "articles": "appi-23\neba-99",
        },
        status=400,
    ).content.decode()
    assert "No law reference has the code “eba-99”, and it cannot be read as a typed one either." in page

    # The service's checks, shown on their fields: a code in use, a window that ends before it starts.
    page = post(
        client,
        reverse("cases:case_open"),
        {"code": CASE, "title_ja": "題名", "opened_on": "2026-04-01", "status": "open"},
        status=400,
    ).content.decode()
    assert "already exists" in page
    page = post(
        client,
        reverse("remediation:measure_create", args=[CASE, "td-1"]),
        {"code": "td-1-m9", "safeguard_type": "technical", "kind": "standing", "text_ja": "措置"}
        | implementers(
            {"company": "kansai-td", "window_start": "2026-10-01", "window_end": "2026-04-01"},
            {"company": "kansai-td", "due_on": "2026-12-26"},
        ),
        status=400,
    ).content.decode()
    assert "The window cannot end before it starts." in page
    page = post(
        client,
        reverse("remediation:measure_create", args=[CASE, "td-1"]),
        {"code": "td-1-m9", "safeguard_type": "technical", "kind": "standing", "text_ja": "措置"}
        | implementers({"company": "kansai-td"}, {"company": "ｋａｎｓａｉ－ｔｄ"}),
        status=400,
    ).content.decode()
    assert "Name each implementing company once." in page
    item = Implementation.objects.filter(window_end__isnull=True).order_by("pk").first()
    page = post(
        client,
        reverse("remediation:item_dates_set", args=["implementation", item.pk]),
        {"version": item.version, "due_on": "2026-12-26", "window_start": "2026-04-01", "window_end": "2026-09-30"},
        status=400,
    ).content.decode()
    assert "Give a due date or a window, not both." in page

    assert snapshot() == before


def test_a_stale_version_is_refused_with_a_request_to_reload(regulator_client, regulator_staff, case):
    client = regulator_client
    client.cookies["django_language"] = "en"
    item = Implementation.objects.filter(measure__finding__case=case, window_end__isnull=True).order_by("pk").first()
    seen = item.version
    # Someone else moves the date after the page was opened.
    editing.item_dates_set(actor=regulator_staff, item=item, item_version=seen, due_on=datetime.date(2026, 12, 26))
    page = post(
        client,
        reverse("remediation:item_dates_set", args=["implementation", item.pk]),
        {"version": seen, "due_on": "2027-01-31"},
        status=409,
    ).content.decode()
    assert "Someone else changed this item since you opened it. Reload it" in page
    item.refresh_from_db()
    assert (item.due_on, item.version) == (datetime.date(2026, 12, 26), seen + 1)

    incident = Incident.objects.filter(pair__case=case, described_in_report=True).order_by("pk").first()
    summary, url = (
        incident.summary_ja,
        reverse("cases:incident_edit", args=[CASE, incident.pair.number, incident.number]),
    )
    assert f'name="version" value="{incident.version}"' in client.get(url).content.decode()
    case_editing.incident_update(
        actor=regulator_staff, incident=incident, item_version=incident.version, fix_ja="別の人の変更"
    )
    data = {
        "version": incident.version,
        "described_in_report": "on",
        "label": incident.label,
        "summary_ja": "上書きしない",
        "data_kind": incident.data_kind,
    }
    assert "Reload it" in post(client, url, data, status=409).content.decode()
    incident.refresh_from_db()
    assert (incident.fix_ja, incident.summary_ja, incident.version) == ("別の人の変更", summary, data["version"] + 1)


def every_new_page(case: Case) -> dict[str, tuple[str, dict]]:
    """Each page of this module, with data a regulator's POST would write."""
    implementation = Implementation.objects.filter(measure__finding__case=case).order_by("pk").first()
    incident = Incident.objects.filter(pair__case=case).order_by("pk").first()
    pair = incident.pair
    measure_args = [CASE, "td-1", "td-1-m1"]
    return {
        "cases:case_open": ((), {"code": "taken-over", "title_ja": "乗っ取り", "opened_on": "2026-04-01"}),
        "cases:case_edit": ([CASE], {"title_ja": "乗っ取り", "opened_on": "2023-06-29", "status": "open"}),
        "cases:case_close": ([CASE], {"closed_on": "2026-04-01"}),
        "cases:case_reopen": ([CASE], {"status": "open"}),
        "cases:regulatory_action_create": (
            [CASE],
            {"code": "x", "instrument": "order", "date": "2026-04-01", "title_ja": "乗っ取り"},
        ),
        "cases:regulatory_action_edit": (
            [CASE, "guidance-2023-06-29"],
            {"instrument": "order", "date": "2026-04-01", "title_ja": "乗っ取り"},
        ),
        "cases:regulatory_action_delete": ([CASE, "guidance-2023-06-29"], {}),
        "cases:finding_create": (
            [CASE],
            {
                "code": "x",
                "side": "retailer",
                "articles": "appi-23",
                "safeguard_types": ["human"],
                "affected_companies": "kansai-td",
                "text_ja": "乗っ取り",
            },
        ),
        "cases:finding_edit": (
            [CASE, "td-1"],
            {
                "side": "retailer",
                "articles": "appi-23",
                "safeguard_types": ["human"],
                "affected_companies": "kansai-td",
                "text_ja": "乗っ取り",
            },
        ),
        "cases:finding_delete": ([CASE, "td-1"], {}),
        "cases:incident_pair_create": ([CASE], {"group": "chubu", "companies": "chubu-td", "incident_total": 1}),
        "cases:incident_pair_edit": ([CASE, pair.number], {"group": "chubu", "companies": "chubu-td"}),
        "cases:incident_create": ([CASE, pair.number], {"described_in_report": ""}),
        "cases:incident_edit": ([CASE, pair.number, incident.number], {"version": incident.version}),
        "cases:law_article_create": ((), {"code": "x", "text": "電気事業法第1条", "title_ja": "乗っ取り"}),
        "cases:law_article_edit": (["appi-23"], {"law": 1, "article": 1, "title_ja": "乗っ取り"}),
        "remediation:measure_create": (
            [CASE, "td-1"],
            {"code": "x", "safeguard_type": "human", "kind": "completed", "text_ja": "乗っ取り"}
            | implementers({"company": "kansai-td"}),
        ),
        "remediation:measure_edit": (measure_args, {"safeguard_type": "human", "kind": "completed", "text_ja": "x"}),
        "remediation:measure_delete": (measure_args, {}),
        "remediation:implementation_add": (measure_args, {"company": "okinawa"}),
        "remediation:implementation_remove": ([implementation.pk], {"version": implementation.version}),
        "remediation:item_dates_set": (
            ["implementation", implementation.pk],
            {"version": implementation.version, "due_on": "2031-01-01"},
        ),
        "compliance:company_create": ((), {"code": "x", "name_ja": "乗っ取り", "kind": "retailer"}),
        "compliance:company_edit": (["kansai-td"], {"name_ja": "乗っ取り", "kind": "retailer", "position": 0}),
        "compliance:company_group_create": ((), {"code": "x", "name_ja": "乗っ取り"}),
        "compliance:company_group_edit": (["kansai"], {"name_ja": "乗っ取り", "position": 0}),
    }


def test_officers_get_404_on_every_page_and_every_post_and_nothing_changes(officers, regulator_client, case):
    pages = every_new_page(case)
    for name, (args, _data) in pages.items():
        assert regulator_client.get(reverse(name, args=args)).status_code == 200, name
    before = snapshot()
    for code in ["kansai-td", "okinawa"]:
        officer = officers[code]
        client = signed_in(officer, second_factor=False)
        denied_before = AccessLogEntry.objects.filter(user=officer, action="denied").count()
        for name, (args, data) in pages.items():
            url = reverse(name, args=args)
            assert client.get(url).status_code == 404, (code, name)
            assert client.post(url, data).status_code == 404, (code, name)
        denied = AccessLogEntry.objects.filter(user=officer, action="denied").count()
        assert denied == denied_before + 2 * len(pages)
    assert snapshot() == before


def test_officers_see_no_link_to_the_pages(officers, case):
    client = signed_in(officers["kansai-td"], second_factor=False)
    pages = [
        reverse("cases:case_list"),
        case.get_absolute_url(),
        reverse("cases:finding_list", args=[CASE]),
        Finding.objects.get(case=case, code="td-1").get_absolute_url(),
        Measure.objects.get(finding__case=case, code="td-1-m1").get_absolute_url(),
        reverse("cases:incident_list", args=[CASE]),
        reverse("remediation:company_list"),
        reverse("remediation:company_detail", args=["kansai-td"]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        for marker in ["/new/", "/edit/", "/delete/", "/close/", "/dates/", "/remove/"]:
            assert marker not in page, (url, marker)


def test_removal_is_refused_once_a_company_keeps_progress_updates_on_the_measure(regulator_client, officers, case):
    client = regulator_client
    client.cookies["django_language"] = "en"
    update = submit_update(officers["kansai-td"])
    implementation = update.implementation
    measure = implementation.measure
    before = snapshot()
    url = reverse("remediation:measure_delete", args=[CASE, measure.finding.code, measure.code])
    page = post(client, url, {}, status=400).content.decode()
    assert "Companies keep progress updates, deadline requests or reminders on this: it cannot be removed." in page
    implementation.refresh_from_db()
    page = post(
        client,
        reverse("remediation:implementation_remove", args=[implementation.pk]),
        {"version": implementation.version},
        status=400,
    ).content.decode()
    assert "it cannot be removed" in page
    post(client, reverse("cases:finding_delete", args=[CASE, measure.finding.code]), {}, status=400)
    assert snapshot() == before
