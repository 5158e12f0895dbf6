"""The reminder sweep: everything still open is chased, catch-up without floods, nothing sent twice."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from cases.models import Incident
from remediation.models import Implementation, Reminder, ReminderPolicy, ReminderRecipient
from remediation.services.deadline_changes import deadline_change_decide, deadline_change_request
from remediation.services.reminders import reminder_sweep
from tests.clock import on_day
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _on_today():
    """These tests draw their data and their expectations on TODAY: the whole test runs on that day."""
    with on_day(TODAY):
        yield


SPLIT_OPERATORS = {"tohoku-td", "chubu-td", "hokuriku-td", "kansai-td", "chugoku-td", "okinawa"}


def sent(result) -> set[tuple[str, str]]:
    return {(str(r.subject), r.company.code) for r in result.reminders}


def test_the_loaded_report_on_2026_11_25(case, officers):
    result = reminder_sweep(today=TODAY)
    companies_by_rule: dict[str, set[str]] = {}
    for reminder in result.reminders:
        companies_by_rule.setdefault(reminder.rule, set()).add(reminder.company.code)
    # The physical split, inside its window, for its six operators.
    split = {
        r.company.code for r in result.reminders if r.implementation and r.implementation.measure.kind == "project"
    }
    assert split == SPLIT_OPERATORS
    # The Kansai investigation and Kyushu's decided deletion, open since the report.
    incidents = {(r.incident.pair.group.code, r.incident.label) for r in result.reminders if r.incident}
    assert incidents == {("kansai", "ア"), ("kyushu", "イ")}
    # Nothing for closed items.
    assert all(r.subject.status != "done" for r in result.reminders)
    assert not Reminder.objects.filter(implementation__status="done").exists()
    # Old moments were owed for a long time: sent now, marked late, one per item and company.
    assert all(r.late for r in result.reminders)
    assert len(sent(result)) == len(result.reminders)
    # The same sweep again sends nothing new.
    assert reminder_sweep(today=TODAY).reminders == []


def test_officers_get_one_digest_each(case, officers, django_capture_on_commit_callbacks):
    for officer in officers.values():
        officer.email = f"{officer.username}@example.invalid"
        officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(today=TODAY)
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients))  # one mail per person, however many items
    kansai_td = next(m for m in mail.outbox if m.to == ["officer-kansai-td@example.invalid"])
    assert "td-1-m3" in kansai_td.body and "td-1-m4" in kansai_td.body


def test_three_missed_days_are_caught_up_late_and_nothing_is_sent_twice(case, officers):
    item = Implementation.objects.filter(company__code="shikoku-retail", status="in_progress").first()
    Implementation.objects.filter(pk=item.pk).update(due_on=TODAY + datetime.timedelta(days=10))
    monday = TODAY
    reminder_sweep(today=monday)
    before = Reminder.objects.filter(implementation=item).count()
    # The worker was down for three days; the 7-days-before moment fell on the third one.
    thursday = monday + datetime.timedelta(days=4)
    result = reminder_sweep(today=thursday)
    caught_up = [r for r in result.reminders if r.implementation_id == item.pk]
    assert len(caught_up) == 1
    assert caught_up[0].period.endswith(":-7") and caught_up[0].late
    assert caught_up[0].planned_for == monday + datetime.timedelta(days=3)
    assert Reminder.objects.filter(implementation=item).count() == before + 1
    assert reminder_sweep(today=thursday).reminders == []


def test_an_overdue_item_is_never_dropped_and_escalates(case, officers, regulator_staff):
    item = Implementation.objects.filter(company__code="tohoku-retail", status="in_progress").first()
    Implementation.objects.filter(pk=item.pk).update(due_on=datetime.date(2025, 1, 31))
    result = reminder_sweep(today=TODAY)
    [reminder] = [r for r in result.reminders if r.implementation_id == item.pk]
    assert reminder.rule == "overdue" and reminder.escalation == 2
    assert regulator_staff in reminder.recipients.all()
    next_month = reminder_sweep(today=TODAY + datetime.timedelta(days=31)).reminders
    assert [r.rule for r in next_month if r.implementation_id == item.pk] == ["overdue"]


def test_reminders_follow_an_approved_deadline_change(case, officers, regulator_staff):
    split = Implementation.objects.get(company__code="okinawa", measure__kind="project")
    change = deadline_change_request(
        actor=officers["okinawa"],
        item=split,
        item_version=split.version,
        proposed=datetime.date(2032, 3, 31),
        reason="r",
    )
    deadline_change_decide(actor=regulator_staff, change=change, change_version=change.version, approve=True)
    result = reminder_sweep(today=TODAY)
    [reminder] = [r for r in result.reminders if r.implementation_id == split.pk]
    assert reminder.period.startswith("2032-03-31:")  # the approved date, not the baseline
    others = [r for r in result.reminders if r.implementation and r.implementation.measure.kind == "project"]
    assert {r.period.split(":")[0] for r in others if r.implementation_id != split.pk} == {"2031-03-31"}


def test_closing_an_item_stops_its_reminders(case, officers):
    investigation = Incident.objects.get(pair__group__code="kansai", label="ア")
    reminder_sweep(today=TODAY)
    Incident.objects.filter(pk=investigation.pk).update(status="done")
    later = reminder_sweep(today=TODAY + datetime.timedelta(days=60)).reminders
    assert not [r for r in later if r.incident_id == investigation.pk]


def test_policies_are_data(case, officers):
    policy = ReminderPolicy.all_by_kind()["undated"]
    policy.every_days = 7
    policy.save()
    reminder_sweep(today=TODAY)
    result = reminder_sweep(today=TODAY + datetime.timedelta(days=7))
    assert {(r.incident.pair.group.code, r.incident.label) for r in result.reminders if r.incident} == {
        ("kansai", "ア"),
        ("kyushu", "イ"),
    }


def test_the_command_prints_and_a_dry_run_sends_nothing(case, officers, capsys):
    call_command("send_reminders", "--today", "2026-11-25", "--dry-run")
    out = capsys.readouterr().out
    assert "would send" in out and "td-1-m3" in out
    assert Reminder.objects.count() == 0
    call_command("send_reminders", "--today", "2026-11-25")
    assert "sent" in capsys.readouterr().out
    call_command("send_reminders", "--today", "2026-11-25")
    assert "sent 0 reminder(s)" in capsys.readouterr().out


def test_a_sweep_run_by_hand_for_an_earlier_day_reports_on_that_day(
    case, officers, regulator_staff, django_capture_on_commit_callbacks
):
    """`send_reminders --today D` run days later: the ledger, the digests and their counts all speak of D."""
    regulator_staff.email, regulator_staff.language = "staff@regulator.example", "en"
    regulator_staff.save()
    officers["chubu-td"].email = "officer@chubu.example"
    officers["chubu-td"].save()
    with on_day(datetime.date(2026, 12, 7)), django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", TODAY.isoformat())
    recorded = Reminder.objects.filter(addressed_on=TODAY)
    assert recorded.count() == Reminder.objects.count() > 20
    assert not Reminder.objects.exclude(addressed_on=TODAY).exists()
    [digest] = [m for m in mail.outbox if m.to == ["staff@regulator.example"]]
    assert "2026-11-25" in digest.subject
    assert f"{recorded.count()} reminders sent on 2026-11-25." in digest.body
    # The officers' digests went out as of that day's end: nothing is held back for the next dispatch.
    assert [m for m in mail.outbox if m.to == ["officer@chubu.example"]]
    assert not ReminderRecipient.objects.filter(mailed_at__isnull=True).exists()


def test_the_sweep_issues_a_fixed_number_of_queries(case, officers, django_assert_num_queries):
    """The whole first sweep over the report (27 reminders) in a number of queries that does not grow (one of them
    looks for webhook subscriptions to tell)."""
    ReminderPolicy.all_by_kind()  # installs the default policies, once
    with django_assert_num_queries(27):
        result = reminder_sweep(today=TODAY)
    assert len(result.reminders) > 20


def test_an_update_on_the_item_marks_its_reminders_acted_on(case, officers):
    reminder_sweep(today=TODAY)
    split = Implementation.objects.get(company__code="chubu-td", measure__kind="project")
    reminder = Reminder.objects.get(implementation=split)
    assert reminder.acted_on_at is None
    submit_update(officers["chubu-td"], item=split)
    reminder.refresh_from_db()
    assert reminder.acted_on_at is not None
    # The ledger shows it to the company and to the regulator, and to nobody else.
    assert "td-1-m3" in signed_in(officers["chubu-td"], second_factor=False).get("/reminders/").content.decode()
    assert "td-1-m3" not in signed_in(officers["chubu-retail"], second_factor=False).get("/reminders/").content.decode()


def test_a_digest_the_broker_refused_goes_out_with_the_next_dispatch(
    case, officers, django_capture_on_commit_callbacks
):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from remediation.tasks import send_reminder_digest

    for officer in officers.values():
        officer.email = f"{officer.username}@example.invalid"
        officer.save()
    # The broker is outside our system: its failure is simulated where our code meets it.
    down = mock.patch.object(send_reminder_digest, "apply_async", side_effect=OperationalError("connection refused"))
    with down, django_capture_on_commit_callbacks(execute=True):
        first = reminder_sweep(today=TODAY)
    assert first.reminders and not ReminderRecipient.objects.filter(mailed_at__isnull=False).exists()
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        again = reminder_sweep(today=TODAY)
    assert again.reminders == []  # nothing recorded twice; the digests go out all the same
    assert mail.outbox and not ReminderRecipient.objects.filter(mailed_at__isnull=True).exists()


def test_the_escalation_ladder_officer_then_lead_then_regulator(case, officers, regulator_staff):
    from compliance.choices import Role
    from compliance.models import User

    company = officers["shikoku-td"].company
    lead = User.objects.create_user(username="lead-shikoku-td", role=Role.COMPANY_OFFICER, company=company)
    lead.is_lead_officer = True
    lead.save()
    item = Implementation.objects.filter(company=company, status="in_progress").first()

    def recipients_when_overdue_by(days: int) -> set[str]:
        Reminder.objects.all().delete()
        Implementation.objects.filter(pk=item.pk).update(due_on=TODAY - datetime.timedelta(days=days))
        reminder_sweep(today=TODAY)
        return set(Reminder.objects.get(implementation=item).recipients.values_list("username", flat=True))

    assert recipients_when_overdue_by(0) == {"officer-shikoku-td"}  # on the day: the officers only
    assert recipients_when_overdue_by(3) == {"officer-shikoku-td"}  # still the day's reminder
    assert recipients_when_overdue_by(7) == {"officer-shikoku-td", "lead-shikoku-td"}
    assert recipients_when_overdue_by(35) == {"officer-shikoku-td", "lead-shikoku-td", "regulator-staff"}


def test_each_person_gets_the_digest_in_their_language(case, officers, django_capture_on_commit_callbacks):
    english = officers["chugoku-retail"]
    english.email, english.language = "en@example.invalid", "en"
    english.save()
    japanese = officers["chugoku-td"]
    japanese.email = "ja@example.invalid"
    japanese.save()
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(today=TODAY)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "to follow up" in by_address["en@example.invalid"].subject
    assert "フォローアップ" in by_address["ja@example.invalid"].subject


def test_regulator_staff_get_one_digest_a_day(case, officers, regulator_staff, django_capture_on_commit_callbacks):
    regulator_staff.email = "staff@regulator.example"
    regulator_staff.save()
    overdue = Implementation.objects.filter(company__code="tohoku-retail", status="in_progress").first()
    Implementation.objects.filter(pk=overdue.pk).update(due_on=datetime.date(2026, 10, 1))
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(today=TODAY)  # a second sweep the same day: no second digest
    digests = [m for m in mail.outbox if m.to == ["staff@regulator.example"] and "2026-11-25" in m.subject]
    assert len(digests) == 1
    body = digests[0].body
    assert overdue.measure.code in body  # overdue since 2026-10-01
    assert "督促" in body or "reminder" in body
