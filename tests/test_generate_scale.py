"""generate_scale: N copies of the report's case, exact in shape, the same for the same seed, the log chained."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import models, transaction

from cases.choices import CaseStatus
from cases.models import Case, Finding, Incident, IncidentPair, RegulatoryAction
from compliance.audit import access_log_sign_in
from compliance.choices import ItemStatus, Role
from compliance.log_check import access_log_verify
from compliance.models import AccessLogEntry, Company, CompanyGroup, User
from compliance.models.audit import AccessAction
from compliance.search import search
from config.scale.plan import PREFIX, STAFF_USERNAME
from remediation.choices import ReminderRule, ReviewState
from remediation.models import Implementation, Measure, ProgressUpdate, Reminder, ReminderRecipient, Review

FACTOR = 2
# The report's own rows, per case: each copy has exactly as many.
PER_CASE: dict[type[models.Model], int] = {
    Case: 1,
    RegulatoryAction: 5,
    RegulatoryAction.articles.through: 2,
    RegulatoryAction.addressees.through: 39,
    CompanyGroup: 8,
    Company: 17,
    Finding: 8,
    Finding.safeguard_types.through: 9,
    Finding.affected_companies.through: 42,
    Measure: 29,
    Implementation: 65,
    IncidentPair: 4,
    IncidentPair.companies.through: 8,
    Incident: 23,
}
SYNTHETIC_ITEMS = {"measure__finding__case__code__startswith": PREFIX}


def generate(factor: int = FACTOR, seed: int = 1) -> None:
    """Copies under seed 1: the first open, the second closed (its items done, their completion reports accepted)."""
    call_command("generate_scale", factor=factor, seed=seed, yes=True)


def counts() -> dict[type[models.Model], int]:
    return {model: model._default_manager.count() for model in PER_CASE}


def _rows(queryset: models.QuerySet, *fields: str) -> list[tuple]:
    """Rows by natural keys, in a stable order (primary keys differ from one run to the next)."""
    return sorted(queryset.values_list(*fields), key=repr)


def fingerprint() -> dict[str, list[tuple]]:
    """Everything generated, by codes, names, statuses, dates and texts: no primary key."""
    item = (
        "implementation__measure__finding__case__code",
        "implementation__measure__code",
        "implementation__company__code",
    )
    mine = {"implementation__measure__finding__case__code__startswith": PREFIX}
    return {
        "cases": _rows(
            Case.objects.filter(code__startswith=PREFIX),
            "code",
            "status",
            "opened_on",
            "closed_on",
            "title_ja",
            "title_en",
        ),
        "actions": _rows(
            RegulatoryAction.objects.filter(case__code__startswith=PREFIX), "case__code", "code", "date", "title_en"
        ),
        "companies": _rows(
            Company.objects.filter(code__startswith=PREFIX), "code", "kind", "group__code", "name_ja", "name_en"
        ),
        "officers": _rows(
            User.objects.filter(username__contains=PREFIX), "username", "role", "company__code", "last_name", "password"
        ),
        "findings": _rows(Finding.objects.filter(case__code__startswith=PREFIX), "case__code", "code", "text_ja"),
        "items": _rows(
            Implementation.objects.filter(**SYNTHETIC_ITEMS),
            "measure__finding__case__code",
            "measure__code",
            "company__code",
            "status",
            "due_on",
            "window_start",
            "window_end",
            "baseline_due_on",
            "baseline_window_end",
            "tracked_since",
        ),
        "incidents": _rows(
            Incident.objects.filter(pair__case__code__startswith=PREFIX),
            "pair__case__code",
            "pair__number",
            "number",
            "status",
            "due_on",
            "viewer__code",
            "owner__code",
            "summary_ja",
        ),
        "updates": _rows(
            ProgressUpdate.objects.filter(**mine),
            *item,
            "author__username",
            "status",
            "narrative",
            "next_milestone_on",
            "submitted_at",
            "review_state",
        ),
        "reviews": _rows(
            Review.objects.filter(update__author__username__contains=PREFIX),
            "update__author__username",
            "update__submitted_at",
            "reviewer__username",
            "decision",
            "comment",
            "reviewed_at",
        ),
        "reminders": _rows(
            Reminder.objects.filter(**mine), *item, "rule", "period", "planned_for", "escalation", "sent_at", "late"
        ),
        "recipients": _rows(
            ReminderRecipient.objects.filter(reminder__company__code__startswith=PREFIX),
            "reminder__implementation__measure__finding__case__code",
            "reminder__period",
            "user__username",
            "mailed_at",
        ),
        "reads": list(
            AccessLogEntry.objects.filter(username__contains=PREFIX)
            .order_by("id")
            .values_list("at", "username", "action", "object_type", "method", "ip_address", "user_agent")
        ),
    }


@pytest.mark.django_db
def test_each_copy_has_the_reports_shape_and_the_log_stays_chained():
    access_log_sign_in(request=None, user=None, action=AccessAction.SIGN_IN_FAILED, username="before")
    before = counts()
    assert before[Case] == 1  # the report's own case only

    generate()

    after = counts()
    assert {m: after[m] - before[m] for m in PER_CASE} == {m: FACTOR * n for m, n in PER_CASE.items()}
    assert Case.objects.get(code="ppc-2024-utilities").opened_on.isoformat() == "2023-06-29"
    assert set(Case.objects.filter(code__startswith=PREFIX).values_list("code", flat=True)) == {
        "scale-000001",
        "scale-000002",
    }
    check = access_log_verify()
    assert check.intact and check.checked == AccessLogEntry.objects.count()


@pytest.mark.django_db
def test_private_records_belong_to_their_company():
    generate()
    open_items = Implementation.objects.filter(**SYNTHETIC_ITEMS).exclude(status=ItemStatus.DONE)
    officers = User.objects.filter(username__startswith=f"officer-{PREFIX}")
    assert officers.count() == FACTOR * 15
    assert all(o.role == Role.COMPANY_OFFICER and o.company and not o.has_usable_password() for o in officers)
    assert User.objects.get(username=STAFF_USERNAME).role == Role.REGULATOR_STAFF

    updates = ProgressUpdate.objects.filter(author__in=officers)
    closed = Implementation.objects.filter(**SYNTHETIC_ITEMS, measure__finding__case__status=CaseStatus.CLOSED).count()
    assert open_items.count() + closed <= updates.count() <= 3 * open_items.count() + closed
    assert not updates.exclude(author__company=models.F("company")).exists()
    assert not updates.exclude(implementation__company=models.F("company")).exists()
    # An item takes a reported status only when the regulator accepts it.
    accepted = updates.filter(review_state=ReviewState.ACCEPTED)
    assert not accepted.exclude(status=models.F("implementation__status")).exists()
    assert (
        Review.objects.filter(update__in=updates).count() == updates.exclude(review_state=ReviewState.SUBMITTED).count()
    )

    reminders = Reminder.objects.filter(implementation__in=open_items)
    assert reminders.count() == open_items.count()
    assert set(reminders.values_list("rule", flat=True)) <= set(ReminderRule.values)
    assert not reminders.filter(reminderrecipient__isnull=True).exists()

    reads = AccessLogEntry.objects.filter(user__in=officers)
    assert reads.count() == 100 * FACTOR
    assert not reads.exclude(object_company_id=models.F("user_company_id")).exists()
    assert set(reads.values_list("object_type", flat=True)) <= {"remediation.progressupdate", "remediation.reminder"}


@pytest.mark.django_db
def test_generated_rows_pass_the_models_validation():
    generate()
    assert list(Case.objects.filter(code__startswith=PREFIX).order_by("code").values_list("status", flat=True)) == [
        CaseStatus.OPEN,
        CaseStatus.CLOSED,
    ]
    companies = {"company__code__startswith": PREFIX}
    rows = [
        *Case.objects.filter(code__startswith=PREFIX),
        *RegulatoryAction.objects.filter(case__code__startswith=PREFIX),
        *CompanyGroup.objects.filter(code__startswith=PREFIX),
        *Company.objects.filter(code__startswith=PREFIX),
        *User.objects.filter(username__startswith=f"officer-{PREFIX}"),
        *Finding.objects.filter(case__code__startswith=PREFIX),
        *Measure.objects.filter(finding__case__code__startswith=PREFIX),
        *Implementation.objects.filter(**SYNTHETIC_ITEMS),
        *IncidentPair.objects.filter(case__code__startswith=PREFIX),
        *Incident.objects.filter(pair__case__code__startswith=PREFIX),
        *ProgressUpdate.objects.filter(**companies),
        *Review.objects.filter(**companies),
        *Reminder.objects.filter(**companies),
    ]
    for row in rows:
        row.full_clean()
    described = Incident.objects.filter(pair__case__code__startswith=PREFIX, described_in_report=True)
    assert described.count() == FACTOR * 10 and not described.filter(summary_ja="").exists()
    closed = Implementation.objects.filter(measure__finding__case__status=CaseStatus.CLOSED)
    assert closed.count() == 65 and not closed.exclude(status=ItemStatus.DONE).exists()
    assert not closed.exclude(progressupdates__review_state=ReviewState.ACCEPTED).exists()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():
    def run(seed: int) -> dict[str, list[tuple]]:
        with transaction.atomic():
            generate(seed=seed)
            taken = fingerprint()
            transaction.set_rollback(True)
        return taken

    first, second, other = run(1), run(1), run(2)
    assert first == second
    assert all(first[key] for key in ("cases", "items", "updates", "reminders", "reads"))
    assert first["items"] != other["items"]


@pytest.mark.django_db
def test_japanese_text_is_searchable():
    generate(factor=1)
    found = search(Finding.objects.filter(case__code="scale-000001"), "安全管理措置 第1号事案", ["text_ja"])
    assert found.count() >= 1


@pytest.mark.django_db
def test_refuses_without_debug_or_yes_and_a_second_time(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="scratch database"):
        call_command("generate_scale", factor=1)
    generate(factor=1)
    with pytest.raises(CommandError, match="scale-000001 exists already"):
        generate(factor=1)
