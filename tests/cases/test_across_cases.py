"""Any case, not only the first: a second case made with the ORM beside the loaded report.

The company page lists both, the dashboard shows one case or all, reminders name their case, and the public
portal and the report generator work for a case that has no source text.
"""

import datetime
import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from cases.models import Case, Incident, ReportDraft
from compliance import clock
from compliance.models import Company
from remediation.dashboard import deadlines, incident_pairs, monthly_trends, status_counts, timeline
from remediation.models import Implementation, Measure
from remediation.services.daily_counts import daily_counts_take
from remediation.services.reminders import reminder_sweep
from tests.cases.factories import SECOND_TITLE_EN, SECOND_TITLE_JA, second_case
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


@pytest.fixture
def second(case) -> Case:
    return second_case()


def total(rows: list[dict]) -> int:
    return sum(row["count"] for row in rows)


# The company page ------------------------------------------------------------------------------------------


def test_a_company_page_lists_every_case_that_concerns_it_with_its_open_items(case, second, regulator_client):
    page = regulator_client.get(reverse("remediation:company_detail", args=["kansai-td"])).content.decode()
    section = page[page.index('id="cases-heading"') : page.index('id="actions-heading"')]
    assert case.title_ja in section and SECOND_TITLE_JA in section
    open_in_first = Implementation.objects.filter(measure__finding__case=case, company__code="kansai-td").exclude(
        status="done"
    )
    rows = regulator_client.get(reverse("remediation:company_detail", args=["kansai-td"])).context["cases"]
    counts = {row.code: row.open_implementation_count for row in rows}
    assert counts == {case.code: open_in_first.count(), second.code: 1}
    # Its sister company is concerned by both too, its implementation of the second case done.
    retail = {row.code: row.open_implementation_count for row in regulator_client.get(
        reverse("remediation:company_detail", args=["kansai-retail"])
    ).context["cases"]}  # fmt: skip
    assert retail[second.code] == 0 and case.code in retail
    # A company the second case does not concern lists the first only.
    okinawa = regulator_client.get(reverse("remediation:company_detail", args=["okinawa"])).context["cases"]
    assert [row.code for row in okinawa] == [case.code]


def test_an_officer_is_shown_the_open_items_they_may_see(case, second, officers, regulator_client):
    officer = signed_in(officers["kansai-td"], second_factor=False)
    url = reverse("remediation:company_detail", args=["kansai-td"])
    page = officer.get(url).content.decode()
    assert SECOND_TITLE_JA in page and case.title_ja in page
    # The incidents the report does not describe are the regulator's alone: not counted for the officer.
    as_officer = {row.code: row.open_incident_count for row in officer.get(url).context["cases"]}
    as_regulator = {row.code: row.open_incident_count for row in regulator_client.get(url).context["cases"]}
    kansai = Incident.objects.filter(pair__case=case, pair__group__code="kansai").exclude(status="done")
    assert as_regulator[case.code] == kansai.count()
    assert as_officer[case.code] == kansai.filter(described_in_report=True).count() < kansai.count()
    assert as_officer[second.code] == as_regulator[second.code] == 0


def test_the_company_page_lists_its_cases_in_a_fixed_number_of_queries(
    case, second, regulator_client, django_assert_num_queries
):
    url = reverse("remediation:company_detail", args=["kansai-td"])
    for n in range(3):
        second_case(code=f"more-{n}")
    with django_assert_num_queries(15):  # the pin of tests/test_pages.py: more cases, no more queries
        regulator_client.get(url)


# The dashboard ---------------------------------------------------------------------------------------------


def test_the_dashboards_figures_cover_one_case_or_all(case, second, regulator_staff):
    everything = status_counts(user=regulator_staff)
    first_only = status_counts(user=regulator_staff, case=case)
    second_only = status_counts(user=regulator_staff, case=second)
    assert total(second_only["implementations"]) == 2 and total(second_only["incidents"]) == 0
    assert total(everything["implementations"]) == total(first_only["implementations"]) + 2
    assert total(everything["incidents"]) == total(first_only["incidents"]) == 23
    today = clock.today()
    soon = deadlines(user=regulator_staff, today=today, case=second)
    assert [item.measure.code for item in soon["due_soon"]] == ["s2-1-m1"] and soon["overdue_count"] == 0
    assert list(incident_pairs(user=regulator_staff, case=second)) == []
    assert len(incident_pairs(user=regulator_staff)) == 4
    assert timeline(user=regulator_staff, today=today, case=second)["windows"] == []
    assert timeline(user=regulator_staff, today=today)["windows"]


def test_the_trends_are_kept_per_case(case, second, regulator_staff):
    daily_counts_take(day=datetime.date(2026, 10, 31))
    both = monthly_trends(user=regulator_staff)
    one = monthly_trends(user=regulator_staff, case=second)
    assert one["months"] == both["months"] == ["2026-10"]
    assert sum(values[0] for values in one["by_status"].values()) == 2
    first = monthly_trends(user=regulator_staff, case=case)
    assert sum(v[0] for v in first["by_status"].values()) + 2 == sum(v[0] for v in both["by_status"].values())


def test_the_dashboard_page_has_a_case_selector(case, second, regulator_client):
    url = reverse("remediation:dashboard")
    split_windows = Implementation.objects.filter(measure__kind="project")
    default = regulator_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<option value="{second.code}">' in default and f'<option value="{case.code}">' in default
    assert "The figures of every case." in default
    assert all(item.get_tracking_url() in default for item in split_windows)
    narrowed = regulator_client.get(url, {"case": second.code}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<option value="{second.code}" selected>' in narrowed
    assert f"The figures of the case {SECOND_TITLE_EN}." in narrowed
    item = Implementation.objects.get(measure__finding__case=second, status="in_progress")
    assert item.get_tracking_url() in narrowed
    assert not any(window.get_tracking_url() in narrowed for window in split_windows)
    assert f"case={second.code}" in narrowed  # the figures link to the case's records
    assert regulator_client.get(url, {"case": "no-such-case"}).status_code == 404


def test_the_dashboard_of_one_case_issues_a_fixed_number_of_queries(case, second, officers, regulator_client):
    url = reverse("remediation:dashboard")
    daily_counts_take(day=datetime.date(2026, 10, 31))
    # A private row to show (and log) in the review queue.
    submit_update(
        officers["kansai-td"], item=Implementation.objects.get(measure__finding__case=second, company__code="kansai-td")
    )
    regulator_client.get(url, {"case": second.code})
    with CaptureQueriesContext(connection) as few:
        regulator_client.get(url, {"case": second.code})
    # More cases, and more items, snapshots and updates in this one: the same count.
    for n in range(3):
        second_case(code=f"more-{n}")
    measure = Measure.objects.get(finding__case=second)
    for company in Company.objects.filter(code__in=["okinawa", "kyushu-td", "chubu-td"]):
        Implementation.objects.create(measure=measure, company=company, status="in_progress", due_on=clock.today())
    submit_update(officers["okinawa"], item=Implementation.objects.get(measure=measure, company__code="okinawa"))
    daily_counts_take(day=datetime.date(2026, 11, 1))
    with CaptureQueriesContext(connection) as many:
        response = regulator_client.get(url, {"case": second.code})
    assert response.status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"][:200] for q in many.captured_queries)


def test_each_case_has_its_own_cached_dashboard(case, second, regulator_client, settings):
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 600
    cache.clear()
    url = reverse("remediation:dashboard")
    try:
        default = regulator_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        narrowed = regulator_client.get(url, {"case": second.code}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "The figures of every case." in default
        assert "The figures of every case." not in narrowed and SECOND_TITLE_EN in narrowed
    finally:
        cache.clear()


# Reminders -------------------------------------------------------------------------------------------------


def test_reminders_name_the_case_of_each_item(
    on_follow_up_day, case, second, officers, django_capture_on_commit_callbacks
):
    officer = officers["kansai-td"]
    officer.email, officer.language = "kansai-td@example.invalid", "en"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = reminder_sweep(today=clock.today())
    cases_reminded = {
        reminder.subject.case.code for reminder in result.reminders if reminder.company == officer.company
    }
    assert cases_reminded == {case.code, second.code}
    [message] = [m for m in mail.outbox if m.to == [officer.email]]
    assert f"Case: {SECOND_TITLE_EN}" in message.body and f"Case: {case.title_en}" in message.body
    officer_client = signed_in(officer, second_factor=False)
    page = officer_client.get(reverse("remediation:my_items"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert SECOND_TITLE_EN in page and escape(case.title_en) in page
    ledger = officer_client.get(reverse("remediation:reminder_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert SECOND_TITLE_EN in ledger


# The public portal and the report generator ----------------------------------------------------------------


def test_the_portal_lists_both_cases_and_shows_the_one_without_source_text(case, second, client):
    listing = client.get(reverse("public:case_list"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert case.title_ja in listing and SECOND_TITLE_JA in listing
    page = client.get(reverse("public:case_detail", args=[second.code]), HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 200
    text = page.content.decode()
    assert SECOND_TITLE_JA in text and "s2-1" in text and "関西電力送配電(株)" in text
    assert client.get(reverse("public:case_detail", args=[case.code])).status_code == 200


def test_the_report_generator_drafts_the_second_case(case, second, regulator_staff):
    staff = signed_in(regulator_staff)
    response = staff.post(reverse("remediation:report_draft_list"), {"case": second.code, "as_of": "令和8年11月1日"})
    draft = ReportDraft.objects.get(case=second)
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    assert [f["code"] for s in draft.content["sides"] for f in s["findings"]] == ["s2-1"]
    assert draft.content["pairs"] == [] and draft.content["case"]["summary_ja"] == ""
    page = staff.get(draft.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert SECOND_TITLE_EN in page
    for language in ("ja", "en"):
        pdf = staff.get(reverse("remediation:report_draft_pdf", args=[draft.pk, language]))
        assert pdf.status_code == 200
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", "")
        assert "s2-1" in text
    assert staff.get(reverse("remediation:report_draft_list")).status_code == 200
