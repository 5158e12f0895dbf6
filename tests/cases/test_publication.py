"""The public portal and the report generator: the published tables reproduced, nothing private shown."""

import datetime
import io
from pathlib import Path

import pytest
import yaml
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Case, ReportDraft
from compliance import clock
from compliance.models import User
from remediation.models import Evidence, Implementation, ProgressUpdate, Review
from remediation.publication import NotPublishable, case_publication, published_values
from remediation.reports import report_draft_approve, report_draft_create, report_pdf
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
REPORT_DAY = datetime.date(2024, 3, 6)
DATA = yaml.safe_load((Path(__file__).parents[2] / "cases/data/report-2024-03-06.yaml").read_text())


def test_a_draft_of_the_loaded_report_reproduces_the_published_tables(case, regulator_staff):
    content = report_draft_create(actor=regulator_staff, case=case, as_of=REPORT_DAY).content
    drafted = {
        finding["code"]: (
            side["side"],
            [c["code"] for c in finding["concerned"]],
            {m["code"]: [c["code"] for c in m["implementers"]] for m in finding["measures"]},
        )
        for side in content["sides"]
        for finding in side["findings"]
    }
    published = {
        finding["code"]: (
            finding["side"],
            finding["affected"],
            {m["code"]: m["implementers"] for m in finding["measures"]},
        )
        for finding in DATA["findings"]
    }
    assert set(drafted) == set(published)
    for code, (side, concerned, measures) in published.items():
        assert drafted[code][0] == side, code
        assert set(drafted[code][1]) == set(concerned), code  # the same companies in each cell
        assert {m: set(c) for m, c in drafted[code][2].items()} == {m: set(c) for m, c in measures.items()}, code
    assert [(p["number"], p["incident_total"]) for p in content["pairs"]] == [
        (p["number"], p["incident_total"]) for p in DATA["pairs"]
    ]
    assert [[i["label"] for i in p["incidents"]] for p in content["pairs"]] == [
        [i["label"] for i in p["incidents"]] for p in DATA["pairs"]
    ]
    assert [s["side"] for s in content["sides"]] == ["td_operator", "retailer"]  # the report's order


def test_editing_a_status_changes_the_next_draft_and_never_an_approved_one(
    on_follow_up_day, case, regulator_staff, regulator_admin
):
    Case.objects.filter(pk=case.pk).update(status_public=True)
    case.refresh_from_db()
    today = clock.today()  # live values are used from today on
    first = report_draft_create(actor=regulator_staff, case=case, as_of=today)
    report_draft_approve(actor=regulator_admin, draft=first)
    split = Implementation.objects.get(company__code="okinawa", measure__kind="project")
    Implementation.objects.filter(pk=split.pk).update(status="in_progress")
    second = report_draft_create(actor=regulator_staff, case=case, as_of=today)

    def okinawa_split(draft: ReportDraft) -> str:
        return next(
            i["status"] for i in draft.content["open_items"] if i["measure"] == "td-1-m3" and i["code"] == "okinawa"
        )

    first.refresh_from_db()
    assert (okinawa_split(first), okinawa_split(second)) == ("planned", "in_progress")


def test_the_status_is_shown_only_once_the_regulator_makes_it_public(case):
    assert case_publication(case=case, as_of=REPORT_DAY)["open_items"] == []
    statuses = {
        i["status"] for s in case_publication(case=case, as_of=REPORT_DAY)["sides"] for f in s["findings"]
        for m in f["measures"] for i in m["implementers"]
    }  # fmt: skip
    assert statuses == {None}


def test_only_public_fields_can_be_published(case):
    with pytest.raises(NotPublishable):
        published_values(Implementation.objects.all(), "status")
    with pytest.raises(NotPublishable):
        published_values(User.objects.all(), "email")
    with pytest.raises(NotPublishable):
        published_values(Implementation.objects.all(), "company__people__email")
    assert published_values(Implementation.objects.all(), "status", internal=True)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as a reader extracts it, lines joined (table cells wrap words)."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_pdf_opens_and_shows_the_text(case, regulator_staff, regulator_admin, language):
    draft = report_draft_create(actor=regulator_staff, case=case, as_of=REPORT_DAY)
    text = pdf_text(report_pdf(draft, language))
    if language == "ja":
        assert "沖縄電力" in text and "技術的安全管理措置" in text and "ドラフト" in text
    else:
        assert "Okinawa Electric Power" in text and "DRAFT" in text
    report_draft_approve(actor=regulator_admin, draft=draft)
    draft.refresh_from_db()
    approved = pdf_text(report_pdf(draft, language))
    assert "DRAFT" not in approved and "ドラフト" not in approved


@pytest.fixture
def private_markers(officers, regulator_staff):
    """A private record of every kind for every company, each carrying a marker, and a named person."""
    for code, officer in officers.items():
        officer.first_name, officer.email = f"MARKER-{code}-name", f"MARKER-{code}@example.invalid"
        officer.save()
        item = Implementation.objects.filter(company=officer.company).order_by("pk").first()
        update = ProgressUpdate.objects.create(
            company=officer.company, author=officer, implementation=item, status="planned", narrative=f"MARKER-{code}"
        )
        Review.objects.create(
            company=officer.company,
            update=update,
            reviewer=regulator_staff,
            decision="request_info",
            comment=f"MARKER-{code}",
        )
        Evidence.objects.create(
            company=officer.company,
            update=update,
            file=ContentFile(b"%PDF-1.4", name="e.pdf"),
            original_name=f"MARKER-{code}.pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
        )
    return officers


def test_nothing_private_appears_in_the_portal_the_drafts_or_the_pdfs(
    on_follow_up_day, case, private_markers, regulator_staff, client
):
    Case.objects.filter(pk=case.pk).update(status_public=True)
    pages = [client.get(reverse("public:case_list")), client.get(reverse("public:case_detail", args=[case.code]))]
    assert all(page.status_code == 200 for page in pages)
    assert "public" in pages[1]["Cache-Control"] and "max-age" in pages[1]["Cache-Control"]
    draft = report_draft_create(actor=regulator_staff, case=Case.objects.get(pk=case.pk), as_of=clock.today())
    staff = signed_in(regulator_staff)
    texts = [p.content.decode() for p in pages]
    texts.append(staff.get(draft.get_absolute_url()).content.decode())
    texts += [
        "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(report_pdf(draft, lang))).pages)
        for lang in ("ja", "en")
    ]
    texts.append(str(draft.content))
    for text in texts:
        assert "MARKER" not in text
    assert sum(len(p["incidents"]) for p in draft.content["pairs"]) == 10  # the described incidents only


def test_the_generator_is_for_regulator_staff_and_approval_for_administrators(
    case, officers, regulator_staff, regulator_admin
):
    officer = signed_in(officers["okinawa"], second_factor=False)
    assert officer.get(reverse("remediation:report_draft_list")).status_code == 404
    staff = signed_in(regulator_staff)
    response = staff.post(reverse("remediation:report_draft_list"), {"case": case.code, "as_of": "2024-03-06"})
    draft = ReportDraft.objects.get()
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    assert "DRAFT" in staff.get(draft.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert officer.get(draft.get_absolute_url()).status_code == 404
    assert officer.get(reverse("remediation:report_draft_pdf", args=[draft.pk, "ja"])).status_code == 404
    pdf = staff.get(reverse("remediation:report_draft_pdf", args=[draft.pk, "ja"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    staff.post(reverse("remediation:report_draft_approve", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.is_draft  # regulator staff cannot approve
    signed_in(regulator_admin).post(reverse("remediation:report_draft_approve", args=[draft.pk]))
    draft.refresh_from_db()
    assert not draft.is_draft and draft.approved_by == regulator_admin
    assert (
        staff.post(reverse("remediation:report_draft_list"), {"case": case.code, "as_of": "2020-01-01"}).status_code
        == 400
    )
