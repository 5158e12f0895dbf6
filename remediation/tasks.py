"""Tasks of the remediation app: thin, taking primary keys."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import translation

from compliance import clock
from compliance.access import REGULATOR_ROLES
from compliance.choices import Role
from remediation.models import ProgressUpdate, Reminder
from remediation.services.daily_counts import daily_counts_take
from remediation.services.reminders import digest_dispatch, reminder_sweep


def _recipients(event: str, update: ProgressUpdate):
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    if event == "submitted":
        return people.filter(role__in=REGULATOR_ROLES)
    return people.filter(role=Role.COMPANY_OFFICER, company_id=update.company_id)


def mail_for(person, template: str, context: dict) -> tuple[str, str, str, list[str]]:
    """One message to one person, in their language, from `remediation/mail/<template>_{subject,body}.txt`."""
    with translation.override(person.language):
        context = {**context, "site_url": settings.SITE_URL}
        subject = render_to_string(f"remediation/mail/{template}_subject.txt", context).strip()
        body = render_to_string(f"remediation/mail/{template}_body.txt", context)
    return subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_progress_update_mail(event: str, update_id: int) -> int:
    """Mail the people concerned about a submitted, accepted or returned progress update."""
    update = (
        ProgressUpdate.objects.select_related(
            "company", "author", "review", "implementation__measure", "implementation__company", "incident__pair__group"
        )
        .filter(pk=update_id)
        .first()
    )
    if update is None:
        return 0
    context = {"event": event, "update": update}
    messages = [mail_for(person, "progress_update", context) for person in _recipients(event, update)]
    return send_mass_mail(messages, fail_silently=False)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reminder_digest(person_id: int, reminder_ids: list[int]) -> int:
    """One mail to one person listing the reminders of one sweep."""
    person = get_user_model().objects.filter(pk=person_id, is_active=True).exclude(email="").first()
    if person is None:
        return 0
    reminders = Reminder.objects.filter(pk__in=reminder_ids).select_related(
        "company",
        "implementation__company",
        "implementation__measure__finding__case",
        "incident__pair__group",
        "incident__pair__case",
    )
    return send_mass_mail([mail_for(person, "reminder_digest", {"person": person, "reminders": reminders})])


@shared_task
def sweep_reminders(today: str | None = None) -> int:
    """The daily sweep (beat, 09:00 Asia/Tokyo): record and send every reminder owed and never sent."""
    day = datetime.date.fromisoformat(today) if today else clock.today()
    return len(reminder_sweep(today=day).reminders)


@shared_task
def dispatch_digests() -> int:
    """Every quarter of an hour (beat): mail the digests whose time has come; returns how many."""
    return len(digest_dispatch(now=clock.now()))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_regulator_digest(day: str) -> int:
    """One mail to each regulator staff member: the day's reminders, what is overdue, what is unanswered."""
    from remediation.selectors import regulator_digest_content

    content = regulator_digest_content(day=datetime.date.fromisoformat(day))
    staff = get_user_model().objects.filter(is_active=True, role__in=REGULATOR_ROLES).exclude(email="")
    return send_mass_mail([mail_for(person, "regulator_digest", content) for person in staff])


@shared_task
def take_daily_counts(day: str | None = None) -> int:
    """The daily snapshot of counts for the dashboard's trends (beat, 00:30 Asia/Tokyo); taking it again replaces it."""
    return daily_counts_take(day=datetime.date.fromisoformat(day) if day else clock.today())
