"""The loop between a company and the regulator, through the web pages."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Incident
from compliance.models import User
from remediation.models import DeadlineChange, Evidence, Implementation, ProgressUpdate
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def split(officers) -> Implementation:
    """Chugoku T&D's physical split of the shared systems: planned, inside its 2026-03 to 2031-03 window."""
    return Implementation.objects.get(company__code="chugoku-td", measure__kind="project")


@pytest.fixture
def officer(officers) -> User:
    officer = officers["chugoku-td"]
    officer.email = "officer@chugoku-td.example"
    officer.save()
    return officer


@pytest.fixture
def reviewer(regulator_staff) -> User:
    regulator_staff.email = "staff@regulator.example"
    regulator_staff.save()
    return regulator_staff


def submit(client, item, **data):
    item.refresh_from_db()
    fields = {"version": item.version, "status": "in_progress", "narrative": "進捗を報告します。", **data}
    return client.post(reverse("remediation:progress_update_submit", args=[item.item_kind, item.pk]), fields)


def review(client, update, decision, comment=""):
    update.refresh_from_db()
    data = {"version": update.version, "decision": decision, "comment": comment}
    return client.post(reverse("remediation:progress_update_review", args=[update.pk]), data)


def test_submit_request_information_answer_accept(officer, reviewer, split, django_capture_on_commit_callbacks):
    company = signed_in(officer, second_factor=False)
    regulator = signed_in(reviewer)
    evidence = SimpleUploadedFile("計画書.pdf", PDF, content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(company, split, evidence=evidence, next_milestone_on="令和９年３月１日")
    assert response.status_code == 302
    first = ProgressUpdate.objects.get(implementation=split)
    assert first.next_milestone_on == datetime.date(2027, 3, 1)  # full-width digits, era form
    assert first.evidence.get().original_name == "計画書.pdf"
    split.refresh_from_db()
    assert split.status == "planned"  # unchanged until the regulator accepts
    assert [m.to for m in mail.outbox] == [["staff@regulator.example"]]

    with django_capture_on_commit_callbacks(execute=True):
        assert review(regulator, first, "request_info", "詳細な工程表を提出してください。").status_code == 302
    first.refresh_from_db()
    assert first.review_state == "info_requested"
    assert mail.outbox[-1].to == ["officer@chugoku-td.example"]
    page = company.get(reverse("remediation:my_items")).content.decode()
    assert "詳細な工程表を提出してください。" in page

    answer = submit(company, split, narrative="工程表を添付します。", in_reply_to=first.pk)
    assert answer.status_code == 302
    second = ProgressUpdate.objects.get(in_reply_to=first)
    split.refresh_from_db()
    assert split.status == "planned"

    with django_capture_on_commit_callbacks(execute=True):
        assert review(regulator, second, "accept").status_code == 302
    split.refresh_from_db()
    assert split.status == "in_progress"
    assert mail.outbox[-1].to == ["officer@chugoku-td.example"]

    thread = regulator.get(split.get_tracking_url()).content.decode()
    positions = [
        thread.index(text)
        for text in ["進捗を報告します。", "詳細な工程表を提出してください。", "工程表を添付します。"]
    ]
    assert positions == sorted(positions)


def test_illegal_transitions_are_refused_and_change_nothing(officer, reviewer, split):
    company = signed_in(officer, second_factor=False)
    split.status = "done"
    split.save()
    before = ProgressUpdate.objects.count()
    response = submit(company, split, status="in_progress")
    assert response.status_code == 400
    assert ProgressUpdate.objects.count() == before

    split.status = "in_progress"
    split.save()
    response = submit(company, split, status="planned")
    assert response.status_code == 400
    assert "予定" in response.content.decode()  # the refused choice, named in Japanese
    assert ProgressUpdate.objects.count() == before


def test_accepting_a_move_the_item_no_longer_allows_is_refused(officer, reviewer, split):
    company, regulator = signed_in(officer, second_factor=False), signed_in(reviewer)
    submit(company, split, status="blocked")
    update = ProgressUpdate.objects.get(implementation=split)
    split.refresh_from_db()
    Implementation.objects.filter(pk=split.pk).update(status="done")  # closed meanwhile
    response = review(regulator, update, "accept")
    assert response.status_code == 400
    update.refresh_from_db()
    assert update.review_state == "submitted"


def test_a_request_for_information_needs_a_comment(officer, reviewer, split):
    submit(signed_in(officer, second_factor=False), split)
    update = ProgressUpdate.objects.get(implementation=split)
    assert review(signed_in(reviewer), update, "request_info", "").status_code == 400
    update.refresh_from_db()
    assert update.review_state == "submitted"


def test_a_stale_form_is_refused_not_lost(officer, split):
    company = signed_in(officer, second_factor=False)
    split.refresh_from_db()
    stale = split.version
    assert submit(company, split).status_code == 302
    response = company.post(
        reverse("remediation:progress_update_submit", args=["implementation", split.pk]),
        {"version": stale, "status": "in_progress", "narrative": "second"},
    )
    assert response.status_code == 409
    assert ProgressUpdate.objects.filter(implementation=split).count() == 1


def ask(client, item, proposed, reason="移行作業の遅れのため"):
    item.refresh_from_db()
    url = reverse("remediation:deadline_change_submit", args=[item.item_kind, item.pk])
    return client.post(url, {"version": item.version, "proposed": proposed, "reason": reason})


def decide(client, change, approve, comment=""):
    change.refresh_from_db()
    url = reverse("remediation:deadline_change_decide", args=[change.pk])
    return client.post(url, {"version": change.version, "approve": "yes" if approve else "no", "comment": comment})


def test_a_refused_then_an_approved_deadline_change(officer, reviewer, split):
    company, regulator = signed_in(officer, second_factor=False), signed_in(reviewer)
    assert ask(company, split, "2031-09-30").status_code == 302
    change = DeadlineChange.objects.get(implementation=split)
    assert decide(regulator, change, approve=False).status_code == 400  # a refusal needs a reason
    assert decide(regulator, change, approve=False, comment="期限内の完了を求めます。").status_code == 302
    split.refresh_from_db()
    assert split.window_end == datetime.date(2031, 3, 31)

    assert ask(company, split, "２０３１年９月３０日").status_code == 302
    change = DeadlineChange.objects.get(implementation=split, state="pending")
    assert decide(regulator, change, approve=True).status_code == 302
    split.refresh_from_db()
    assert split.window_end == datetime.date(2031, 9, 30)
    assert split.baseline_window_end == datetime.date(2031, 3, 31)  # the original stays
    assert split.slippage_days == 183

    page = regulator.get(split.get_tracking_url()).content.decode()
    assert "2031-03-31（令和13年3月31日）" in page and "2031-09-30（令和13年9月30日）" in page
    assert "183日" in page


def test_one_pending_change_at_a_time_and_no_change_for_an_undated_item(officer, split):
    company = signed_in(officer, second_factor=False)
    assert ask(company, split, "2031-06-30").status_code == 302
    assert ask(company, split, "2031-07-31").status_code == 400
    undated = Implementation.objects.filter(company=officer.company, window_end__isnull=True, due_on__isnull=True)
    item = undated.exclude(status="done").first()
    assert ask(company, item, "2027-01-01").status_code == 400
    assert DeadlineChange.objects.count() == 1


def test_an_incident_of_the_officers_pair_can_be_reported_on(officers):
    investigation = Incident.objects.get(pair__group__code="kansai", label="ア")
    retailer = signed_in(officers["kansai-retail"], second_factor=False)
    assert submit(retailer, investigation, narrative="調査の進捗").status_code == 302
    update = ProgressUpdate.objects.get(incident=investigation)
    assert update.company.code == "kansai-retail"
    # The sister company sees the published incident, not the retailer's update.
    sister = signed_in(officers["kansai-td"], second_factor=False)
    assert "調査の進捗" not in sister.get(investigation.get_tracking_url()).content.decode()
    assert sister.get(update.get_absolute_url()).status_code == 404


def test_evidence_is_downloaded_through_the_scoped_view_only(officer, reviewer, split, settings):
    company = signed_in(officer, second_factor=False)
    submit(company, split, evidence=SimpleUploadedFile("report.pdf", PDF))
    evidence = Evidence.objects.get()
    assert not str(evidence.file.path).startswith(str(settings.STATIC_ROOT))
    assert evidence.file.name.count("report") == 0  # stored under a name of our own
    response = signed_in(reviewer).get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
