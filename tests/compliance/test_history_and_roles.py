"""The change history records every change with who made it; roles hold their rules."""

import pghistory
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import override_settings

from cases.models import Finding
from compliance.choices import Role
from compliance.history import change_history
from compliance.models import Company, User
from remediation.models import ProgressUpdate

pytestmark = pytest.mark.django_db


def test_a_bulk_update_is_recorded_with_before_and_after(case, regulator_staff):
    finding = Finding.objects.get(case=case, code="td-2")
    with pghistory.context(user=regulator_staff.pk, url="/test/"):
        Finding.objects.filter(pk=finding.pk).update(text_en="A corrected translation")
    event = change_history().filter(pgh_obj_model="cases.Finding", pgh_obj_id=str(finding.pk)).first()
    assert event.pgh_diff["text_en"] == [finding.text_en, "A corrected translation"]
    assert event.user_id == regulator_staff.pk


def test_the_history_page_shows_changes_to_regulator_staff(case, regulator_client, regulator_staff):
    Finding.objects.filter(case=case, code="td-3").update(text_en="Changed for the test")
    page = regulator_client.get("/audit/history/?pgh_obj_model=cases.Finding").content.decode()
    assert "Changed for the test" in page
    api = regulator_client.get("/api/v1/history/", {"record_type": "cases.Finding"}).json()
    assert api["results"][0]["diff"]["text_en"][1] == "Changed for the test"


def test_an_officer_belongs_to_exactly_one_company():
    with pytest.raises(ValidationError):
        User(username="x", role=Role.COMPANY_OFFICER).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="y", role=Role.COMPANY_OFFICER)


def test_regulator_staff_belong_to_no_company(case):
    company = Company.objects.get(code="okinawa")
    with pytest.raises(ValidationError):
        User(username="z", role=Role.REGULATOR_STAFF, company=company).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="w", role=Role.REGULATOR_STAFF, company=company)


def test_load_demo_refuses_without_debug(case):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")


@override_settings(DEBUG=True)
def test_load_demo_creates_the_people_and_private_updates_once(case):
    call_command("load_demo")
    assert User.objects.filter(role=Role.COMPANY_OFFICER).count() == 15
    assert User.objects.filter(role__in=[Role.REGULATOR_ADMIN, Role.REGULATOR_STAFF]).count() == 2
    count = ProgressUpdate.objects.count()
    # Every company with an item still open reports on it; Hokuriku's retailer has none left.
    companies = set(ProgressUpdate.objects.values_list("company__code", flat=True))
    assert len(companies) == 14 and "hokuriku-retail" not in companies
    call_command("load_demo")
    assert ProgressUpdate.objects.count() == count
    officer = User.objects.get(username="officer-kansai-retail")
    assert officer.check_password("demo-password-2026")


def test_the_history_api_walks_every_change_once_page_after_page(case, regulator_client):
    with pghistory.context(url="/test/"):
        for n in range(7):
            Finding.objects.filter(case=case, code="td-1").update(text_en=f"Revision {n}")
    seen, url = [], "/api/v1/history/?page_size=3&record_type=cases.Finding"
    while url:
        page = regulator_client.get(url).json()
        assert "count" not in page  # a cursor: no count of every change ever made
        seen += [event["id"] for event in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == change_history().filter(pgh_obj_model="cases.Finding").count()
    newest = change_history().filter(pgh_obj_model="cases.Finding").first()
    assert seen[0] == newest.pgh_slug and newest.pgh_diff["text_en"] == ["Revision 5", "Revision 6"]


def test_the_history_api_refuses_a_record_id_that_is_not_a_number(case, regulator_client):
    response = regulator_client.get("/api/v1/history/", {"record_id": "abc"})
    assert response.status_code == 400
    assert "record_id" in response.json()["errors"]
