"""Mail about progress updates: to the regulator when one is submitted, to the company when reviewed.

Sent by a Celery task queued after the transaction commits; a broker that cannot be reached is logged
and never turns a saved update into an error.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

EVENTS = ("submitted", "accepted", "returned")


def notify_after_commit(event: str, update_id: int) -> None:
    """Queue the mail for `event` once the current transaction has committed."""
    if event not in EVENTS:
        raise ValueError(event)
    transaction.on_commit(lambda: _queue(event, update_id))


def _queue(event: str, update_id: int) -> None:
    from remediation.tasks import send_progress_update_mail

    try:
        send_progress_update_mail.apply_async(args=[event, update_id], retry=False)
    except Exception:  # the broker is down: the update stays saved, and the failure is logged
        logger.exception("could not queue the %s mail for progress update %s", event, update_id)


def queue_reminder_digest(person_id: int, reminder_ids: list[int]) -> None:
    """Queue one person's digest of the day's reminders (called after the sweep commits)."""
    from remediation.models import Reminder
    from remediation.tasks import send_reminder_digest

    try:
        send_reminder_digest.apply_async(args=[person_id, reminder_ids], retry=False)
    except Exception:  # the broker is down: give the reminders back to the next sweep, which sends them
        logger.exception("could not queue the reminder digest for person %s", person_id)
        Reminder.objects.filter(pk__in=reminder_ids).update(sent_at=None, late=False)


def queue_regulator_digest(day) -> None:
    """Queue the regulator staff's digest of the day (called after the sweep commits)."""
    from remediation.tasks import send_regulator_digest

    try:
        send_regulator_digest.apply_async(args=[day.isoformat()], retry=False)
    except Exception:  # the broker is down: the next day's digest covers what is still open
        logger.exception("could not queue the regulator digest of %s", day)
