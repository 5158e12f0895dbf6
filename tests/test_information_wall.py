"""The information wall: every private record is seen by its own company and the regulator, nobody else.

The matrix below tries every page and endpoint, as the officer of each company against every other
company's records, sister companies included. It finds the URLs by itself from the URL configuration:
a URL added later fails `test_every_url_is_classified` until it is put in one of the classes below,
and then the matrix tries it.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.models import Incident
from compliance.models import AccessLogEntry
from remediation.models import DeadlineChange, Evidence, Implementation, ProgressUpdate, Reminder, Review
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

# Pages and endpoints that show published content only.
PUBLISHED = {
    "cases:case_list", "cases:case_detail", "cases:finding_list", "cases:finding_detail",
    "remediation:measure_detail", "remediation:company_list",
    "api:api-root", "api:case-list", "api:case-detail", "api:regulatoryaction-list", "api:regulatoryaction-detail",
    "api:lawarticle-list", "api:lawarticle-detail", "api:authority-list", "api:authority-detail",
    "api:safeguardtype-list", "api:safeguardtype-detail",
    "api:law-list", "api:law-detail", "api:instrument-list", "api:instrument-detail",
    "api:companygroup-list", "api:companygroup-detail", "api:company-list", "api:company-detail",
    "api:finding-list", "api:finding-detail", "api:measure-list", "api:measure-detail",
    "api:implementation-list", "api:implementation-detail", "api_schema", "api_docs",
    "remediation:implementation_list",
    "public:case_list", "public:case_detail",  # no sign-in: tried in tests/cases/test_publication.py
    "public:language",  # a language cookie, no data: tests/cases/test_portal_caching_and_publishing.py
    "healthz", "readyz",  # no sign-in, no data: tried in tests/test_production_settings.py
}  # fmt: skip
# Signing in and out, the second factor, passwords, single sign-on, the language switch: each person's own
# (tried in tests/compliance/test_authentication_policy.py and test_single_sign_on.py).
ACCOUNT = {
    "accounts:login", "accounts:logout", "accounts:otp_verify", "accounts:otp_setup", "set_language",
    "accounts:password_change", "accounts:password_reset", "accounts:password_reset_done",
    "accounts:password_reset_confirm", "accounts:password_reset_complete", "accounts:sso_start",
    "accounts:sso_callback", "remediation:preferences", "remediation:home",
}  # fmt: skip
# One private record per URL: progress updates, and incidents the report does not describe.
PRIVATE_RECORD = {
    "remediation:progress_update_detail": lambda update: reverse(
        "remediation:progress_update_detail", args=[update.pk]
    ),
    "api:progressupdate-detail": lambda update: reverse("api:progressupdate-detail", args=[update.pk]),
    "remediation:evidence_download": lambda update: update.evidence.get().get_absolute_url(),
    "api:evidence-detail": lambda update: reverse("api:evidence-detail", args=[update.evidence.get().pk]),
    "api:evidence-download": lambda update: reverse("api:evidence-download", args=[update.evidence.get().pk]),
    "api:review-detail": lambda update: reverse("api:review-detail", args=[update.review.pk]),
    "api:deadlinechange-detail": lambda update: reverse(
        "api:deadlinechange-detail", args=[DeadlineChange.objects.get(company=update.company).pk]
    ),
    "api:reminder-detail": lambda update: reverse(
        "api:reminder-detail", args=[Reminder.objects.get(company=update.company).pk]
    ),
}
# The private record each of those URLs shows (its marker on the page), which the request's access-log entry must name.
SHOWN = {
    "remediation:progress_update_detail": lambda update: update,
    "api:progressupdate-detail": lambda update: update,
    "remediation:evidence_download": lambda update: update.evidence.get(),
    "api:evidence-detail": lambda update: update.evidence.get(),
    "api:evidence-download": lambda update: update.evidence.get(),
    "api:review-detail": lambda update: update.review,
    "api:deadlinechange-detail": lambda update: DeadlineChange.objects.get(company=update.company),
    "api:reminder-detail": lambda update: Reminder.objects.get(company=update.company),
}
# Writes on one company's item: another company's officer gets 404, and nothing is written.
WRITES_ON_ITEMS = {
    "remediation:progress_update_submit": lambda item: (
        reverse("remediation:progress_update_submit", args=[item.item_kind, item.pk]),
        {"version": item.version, "status": "in_progress", "narrative": "not mine"},
    ),
    "remediation:deadline_change_submit": lambda item: (
        reverse("remediation:deadline_change_submit", args=[item.item_kind, item.pk]),
        {"version": item.version, "proposed": "2031-09-30", "reason": "not mine"},
    ),
}
UNDESCRIBED_INCIDENT = {
    "cases:incident_detail": lambda incident: incident.get_absolute_url(),
    "api:incident-detail": lambda incident: reverse("api:incident-detail", args=[incident.pk]),
}
# Lists that mix published rows with private ones.
LISTS_WITH_PRIVATE_ROWS = {
    "cases:incident_list": lambda case: reverse("cases:incident_list", args=[case.code]),
    "remediation:open_item_list": lambda case: reverse("remediation:open_item_list", args=[case.code]),
    "remediation:progress_update_list": lambda case: reverse("remediation:progress_update_list") + "?page_size=500",
    "remediation:company_detail": None,  # tried for every company below
    "api:progressupdate-list": lambda case: reverse("api:progressupdate-list") + "?page_size=500",
    "api:incident-list": lambda case: reverse("api:incident-list") + "?page_size=500",
    "api:incidentpair-list": lambda case: reverse("api:incidentpair-list"),
    "api:incidentpair-detail": None,  # tried for every pair below
    "remediation:item_detail": None,  # tried for an item of every company below
    "remediation:my_items": lambda case: reverse("remediation:my_items"),
    "remediation:deadline_change_list": lambda case: reverse("remediation:deadline_change_list"),
    "api:review-list": lambda case: reverse("api:review-list"),
    "api:evidence-list": lambda case: reverse("api:evidence-list"),
    "api:deadlinechange-list": lambda case: reverse("api:deadlinechange-list"),
    "remediation:reminder_list": lambda case: reverse("remediation:reminder_list"),
    "api:reminder-list": lambda case: reverse("api:reminder-list"),
}
# The regulator's own pages and endpoints.
REGULATOR_ONLY = {
    "compliance:access_log_list": "/audit/access-log/",
    "compliance:change_history_list": "/audit/history/",
    "compliance:access_anomaly_list": "/audit/anomalies/",
    "api:accesslog-list": "/api/v1/access-log/",
    "api:accesslog-detail": None,  # tried with a real entry below
    "api:accessanomaly-list": "/api/v1/access-anomalies/",
    "api:accessanomaly-detail": None,
    "api:history-list": "/api/v1/history/",
    "remediation:review_queue": "/reviews/",
    "remediation:dashboard": "/dashboard/",
    "remediation:report_draft_list": "/reports/",
    "remediation:report_draft_detail": None,  # tried in tests/cases/test_publication.py
    "remediation:report_draft_pdf": None,
    "remediation:report_draft_approve": None,
    "remediation:progress_update_review": None,  # POST, tried below
    "remediation:deadline_change_decide": None,  # POST, tried below
    "api:progressupdate-accept": None,
    "api:progressupdate-request-info": None,
    "api:deadlinechange-approve": None,
    "api:deadlinechange-refuse": None,
    "remediation:reporting_duty_set": None,  # POST, tried in tests/remediation/test_reporting_duties.py
    "api:implementation-reporting-duty": None,  # PUT, likewise
    "api:incident-reporting-duty": None,
    "cases:case_link_add": None,  # POST, tried in tests/cases/test_case_links.py
    "cases:case_link_remove": None,
    "api:case-links": None,  # POST and DELETE, likewise
    "remediation:case_file_import": "/cases/import/",
    "remediation:case_file_export": "/cases/ppc-2024-utilities/export/",
    "api:case-export": "/api/v1/cases/ppc-2024-utilities/export/",
    "api:case-import": None,  # POST, tried in tests/cases/test_case_files.py
    # Pages that open and keep a case; their POSTs are tried in tests/cases/test_case_pages.py.
    "cases:case_open": "/cases/new/",
    "cases:case_edit": "/cases/ppc-2024-utilities/edit/",
    "cases:case_close": "/cases/ppc-2024-utilities/close/",
    "cases:case_reopen": "/cases/ppc-2024-utilities/reopen/",
    "cases:regulatory_action_create": "/cases/ppc-2024-utilities/actions/new/",
    "cases:regulatory_action_edit": "/cases/ppc-2024-utilities/actions/guidance-2023-06-29/edit/",
    "cases:regulatory_action_delete": "/cases/ppc-2024-utilities/actions/guidance-2023-06-29/delete/",
    "cases:finding_create": "/cases/ppc-2024-utilities/findings/new/",
    "cases:finding_edit": "/cases/ppc-2024-utilities/findings/td-1/edit/",
    "cases:finding_delete": "/cases/ppc-2024-utilities/findings/td-1/delete/",
    "cases:incident_pair_create": "/cases/ppc-2024-utilities/incident-pairs/new/",
    "cases:incident_pair_edit": "/cases/ppc-2024-utilities/incident-pairs/1/edit/",
    "cases:incident_create": "/cases/ppc-2024-utilities/incidents/1/new/",
    "cases:incident_edit": "/cases/ppc-2024-utilities/incidents/1/1/edit/",
    "cases:law_article_create": "/law-articles/new/",
    "cases:law_article_edit": "/law-articles/appi-23/edit/",
    "remediation:measure_create": "/cases/ppc-2024-utilities/findings/td-1/measures/new/",
    "remediation:measure_edit": "/cases/ppc-2024-utilities/findings/td-1/measures/td-1-m1/edit/",
    "remediation:measure_delete": "/cases/ppc-2024-utilities/findings/td-1/measures/td-1-m1/delete/",
    "remediation:implementation_add": "/cases/ppc-2024-utilities/findings/td-1/measures/td-1-m1/implementers/new/",
    "remediation:implementation_remove": None,  # by the item's id, tried in tests/cases/test_case_pages.py
    "remediation:item_dates_set": None,  # likewise
    "compliance:company_create": "/companies/new/",
    "compliance:company_edit": "/companies/kansai-td/edit/",
    "compliance:company_group_create": "/company-groups/new/",
    "compliance:company_group_edit": "/company-groups/kansai/edit/",
}
# A person's own API tokens, looked up within that person's tokens only.
PERSONAL = {"api:apitoken-list", "api:apitoken-detail"} | {
    "api:webhook-list",  # tests/compliance/test_webhooks.py: another person's subscription answers 404
    "api:webhook-detail",
    "api:webhook-deliveries",
    "api:webhook-resend",
}
# A person's own calendar address, and the feed behind it (its secret token stands for that person).
PERSONAL |= {"remediation:calendar_feed", "remediation:calendar_feed_ics"}


def view_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL of the site, as `namespace:name`, the admin's left aside (checked separately)."""
    names: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace != "admin":
                names |= view_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_is_classified():
    classified = (
        PUBLISHED | ACCOUNT | set(PRIVATE_RECORD) | set(WRITES_ON_ITEMS) | set(UNDESCRIBED_INCIDENT)
        | set(LISTS_WITH_PRIVATE_ROWS) | set(REGULATOR_ONLY) | PERSONAL
    )  # fmt: skip
    unclassified = view_names() - classified
    assert unclassified == set(), f"classify these URLs in the information-wall matrix: {sorted(unclassified)}"


@pytest.fixture
def private_updates(officers) -> dict[str, ProgressUpdate]:
    """One private progress update per company, each with a marker no other company's pages may show."""
    updates = {}
    for code, officer in officers.items():
        # Made directly: some companies have no open item left to report on through the workflow.
        implementation = Implementation.objects.filter(company=officer.company).order_by("pk").first()
        updates[code] = ProgressUpdate.objects.create(
            company=officer.company,
            author=officer,
            implementation=implementation,
            status=implementation.status or "planned",
            narrative=f"MARKER-{code}-MARKER",
        )
        Evidence.objects.create(
            company=officer.company,
            update=updates[code],
            file=ContentFile(b"%PDF-1.4 MARKER", name="evidence.pdf"),
            original_name=f"MARKER-{code}-MARKER.pdf",
            content_type="application/pdf",
            size=15,
            sha256="0" * 64,
        )
        Review.objects.create(
            company=officer.company,
            update=updates[code],
            reviewer=officer,  # any person will do for the wall: the review's company is what counts
            decision="request_info",
            comment=f"MARKER-{code}-MARKER",
        )
        DeadlineChange.objects.create(
            company=officer.company,
            implementation=implementation,
            requested_by=officer,
            reason=f"MARKER-{code}-MARKER",
            proposed_due_on="2030-01-01",
        )
        Reminder.objects.create(
            company=officer.company,
            implementation=implementation,
            rule="overdue",
            period=f"MARKER-{code}-MARKER",
            planned_for="2026-11-25",
        )
    return updates


def body(response) -> str:
    """A response's text, streamed (file downloads) or not, with its headers (the file name)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return str(response.headers) + content.decode("utf-8", "replace")


def denied_entries(user, object_id: str = "") -> int:
    entries = AccessLogEntry.objects.filter(user=user, action="denied")
    return entries.filter(object_id__contains=object_id).count() if object_id else entries.count()


@pytest.mark.parametrize("view_name", sorted(PRIVATE_RECORD))
def test_each_companys_private_records_answer_404_to_every_other_company(officers, private_updates, view_name):
    build, shown = PRIVATE_RECORD[view_name], SHOWN[view_name]
    for viewer_code, officer in officers.items():
        client = signed_in(officer, second_factor=False)
        for owner_code, update in private_updates.items():
            last, denied_before = (
                AccessLogEntry.objects.order_by("-id").values_list("pk", flat=True)[0],
                denied_entries(officer),
            )
            response = client.get(build(update))
            if owner_code == viewer_code:
                assert response.status_code == 200, (viewer_code, owner_code)
                assert f"MARKER-{owner_code}-MARKER" in body(response)
                reads = AccessLogEntry.objects.filter(pk__gt=last, user=officer, action="read")
                assert reads.count() == 1, "one entry for the request"
                record = shown(update)
                assert {"type": record._meta.label_lower, "id": str(record.pk), "company": officer.company_id} in (
                    reads.get().records
                ), "the read was not logged"
            else:
                assert response.status_code == 404, (viewer_code, owner_code)
                assert f"MARKER-{owner_code}" not in body(response)
                assert denied_entries(officer) == denied_before + 1, (viewer_code, owner_code)


def test_sister_companies_see_nothing_private_of_each_other(officers, private_updates):
    """Kansai's retailer and Kansai's T&D operator are two companies: the wall stands between them."""
    for first, second in [
        ("kansai-retail", "kansai-td"),
        ("kansai-td", "kansai-retail"),
        ("kyushu-td", "kyushu-retail"),
    ]:
        client = signed_in(officers[first], second_factor=False)
        assert client.get(private_updates[second].get_absolute_url()).status_code == 404
        listing = client.get(reverse("api:progressupdate-list")).json()
        assert {row["company"] for row in listing["results"]} == {first}


@pytest.mark.parametrize("view_name", sorted(UNDESCRIBED_INCIDENT))
@pytest.mark.dates
def test_incidents_the_report_does_not_describe_are_the_regulators_alone(case, officers, regulator_client, view_name):
    build = UNDESCRIBED_INCIDENT[view_name]
    undescribed = list(Incident.objects.filter(pair__case=case, described_in_report=False).select_related("pair__case"))
    for officer in officers.values():
        client = signed_in(officer, second_factor=False)
        for incident in undescribed:
            assert client.get(build(incident)).status_code == 404
        assert denied_entries(officer) >= len(undescribed)
    for incident in undescribed:
        assert regulator_client.get(build(incident)).status_code == 200


@pytest.mark.parametrize("view_name", sorted(LISTS_WITH_PRIVATE_ROWS))
@pytest.mark.dates
def test_lists_show_an_officer_their_own_private_rows_only(case, officers, private_updates, view_name):
    undescribed_urls = [
        i.get_absolute_url() for i in Incident.objects.filter(described_in_report=False).select_related("pair__case")
    ]
    undescribed_api = [
        reverse("api:incident-detail", args=[i.pk]) for i in Incident.objects.filter(described_in_report=False)
    ]
    for code, officer in officers.items():
        client = signed_in(officer, second_factor=False)
        for url in list_urls(view_name, case, officer):
            last = AccessLogEntry.objects.order_by("-id").values_list("pk", flat=True).first() or 0
            page = client.get(url).content.decode()
            others = [c for c in private_updates if c != code and f"MARKER-{c}-MARKER" in page]
            assert others == [], (url, code)
            reads = list(AccessLogEntry.objects.filter(pk__gt=last, action="read"))
            assert len(reads) <= 1, ("one entry for the request", url)
            if f"MARKER-{code}-MARKER" in page:  # its own private rows shown: the entry names them, and no other's
                assert reads, ("the read was not logged", url)
                assert {record["company"] for record in reads[0].records} == {officer.company_id}, url
            assert not any(u in page for u in undescribed_urls + undescribed_api), (url, code)


def list_urls(view_name: str, case, officer) -> list[str]:
    from cases.models import IncidentPair
    from compliance.models import Company

    if view_name == "remediation:company_detail":
        return [c.get_absolute_url() for c in Company.objects.all()]
    if view_name == "remediation:item_detail":
        firsts = [Implementation.objects.filter(company=c).order_by("pk").first() for c in Company.objects.all()]
        return [i.get_tracking_url() for i in firsts if i] + [i.get_tracking_url() for i in Incident.objects.all()]
    if view_name == "api:incidentpair-detail":
        return [reverse("api:incidentpair-detail", args=[p.pk]) for p in IncidentPair.objects.all()]
    return [LISTS_WITH_PRIVATE_ROWS[view_name](case)]


def test_the_regulator_sees_every_companys_private_rows(regulator_client, private_updates):
    page = regulator_client.get(reverse("remediation:progress_update_list")).content.decode()
    assert all(f"MARKER-{code}-MARKER" in page for code in private_updates)
    api = regulator_client.get(reverse("api:progressupdate-list"), {"page_size": 100}).json()
    assert {row["company"] for row in api["results"]} == set(private_updates)
    assert all({"id", "url", "company"} <= set(row) for row in api["results"])


def regulator_only_urls(regulator_client) -> list[str]:
    regulator_client.get(reverse("remediation:progress_update_list"))  # so that the log has an entry
    entry = AccessLogEntry.objects.order_by("-id").first()
    urls = [url for url in REGULATOR_ONLY.values() if url]
    return [*urls, reverse("api:accesslog-detail", args=[entry.pk])]


@pytest.mark.dates
def test_the_regulators_own_pages_answer_404_to_officers(officers, regulator_client):
    urls = regulator_only_urls(regulator_client)
    for url in urls:
        assert regulator_client.get(url).status_code == 200, url
    for officer in officers.values():
        client = signed_in(officer, second_factor=False)
        before = denied_entries(officer)
        for url in urls:
            assert client.get(url).status_code == 404, (url, officer)
        assert denied_entries(officer) == before + len(urls)


def test_the_admin_is_for_regulator_administrators_only(officers, regulator_staff, regulator_admin):
    assert signed_in(regulator_admin).get("/admin/").status_code == 200
    for person in [regulator_staff, *officers.values()]:
        response = signed_in(person).get("/admin/remediation/progressupdate/")
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")


def test_signed_out_visitors_see_nothing(client, case, private_updates):
    for url in ["/", case.get_absolute_url(), reverse("remediation:progress_update_list"), "/audit/access-log/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url
    for url in [
        "/api/v1/cases/",
        "/api/v1/progress-updates/",
        f"/api/v1/progress-updates/{private_updates['okinawa'].pk}/",
    ]:
        assert client.get(url).status_code in (401, 403), url


def test_api_tokens_are_personal(officers):
    first, second = officers["chubu-td"], officers["chubu-retail"]
    token = (
        signed_in(first, second_factor=False).post(reverse("api:apitoken-list"), content_type="application/json").json()
    )
    other = signed_in(second, second_factor=False)
    assert other.get(reverse("api:apitoken-detail", args=[token["key"]])).status_code == 404
    assert other.delete(reverse("api:apitoken-detail", args=[token["key"]])).status_code == 404
    assert other.get(reverse("api:apitoken-list")).json()["results"] == []


@pytest.mark.parametrize("view_name", sorted(WRITES_ON_ITEMS))
def test_officers_cannot_write_on_another_companys_items(officers, view_name):
    build = WRITES_ON_ITEMS[view_name]
    items = {
        code: Implementation.objects.filter(company=o.company, window_end__isnull=False).first()
        or Implementation.objects.filter(company=o.company).exclude(status="done").first()
        for code, o in officers.items()
    }
    for viewer_code, officer in officers.items():
        client = signed_in(officer, second_factor=False)
        for owner_code, item in items.items():
            if owner_code == viewer_code or item is None or item.company_id == officer.company_id:
                continue
            url, data = build(item)
            before = (ProgressUpdate.objects.count(), DeadlineChange.objects.count(), denied_entries(officer))
            assert client.post(url, data).status_code == 404, (viewer_code, owner_code)
            after = (ProgressUpdate.objects.count(), DeadlineChange.objects.count(), denied_entries(officer))
            assert after[:2] == before[:2] and after[2] == before[2] + 1, (viewer_code, owner_code)


def test_officers_cannot_review_or_decide(officers, private_updates):
    update = private_updates["okinawa"]
    Review.objects.filter(update=update).delete()
    change = DeadlineChange.objects.get(company=update.company)
    urls = [
        f"/progress-updates/{update.pk}/review/",
        f"/deadline-changes/{change.pk}/decide/",
        f"/api/v1/progress-updates/{update.pk}/accept/",
        f"/api/v1/progress-updates/{update.pk}/request-info/",
        f"/api/v1/deadline-changes/{change.pk}/approve/",
        f"/api/v1/deadline-changes/{change.pk}/refuse/",
    ]
    for officer in officers.values():
        client = signed_in(officer, second_factor=False)
        for url in urls:
            data = {"version": 1, "decision": "accept", "approve": "yes", "comment": "x"}
            assert client.post(url, data, HTTP_IF_MATCH='"1"').status_code == 404, (url, officer)
    update.refresh_from_db()
    change.refresh_from_db()
    assert (update.review_state, change.state) == ("submitted", "pending")
    assert not Review.objects.filter(update=update).exists()
