"""Mail about progress updates: to the regulator when one is submitted, to the company when reviewed.

Sent by a Celery task queued after the transaction commits; a broker that cannot be reached is logged
and never turns a saved update into an error.
"""

from __future__ import annotations

import logging

from celery import signature
from django.db import transaction

logger = logging.getLogger(__name__)

EVENTS = ("submitted", "accepted", "returned")


def notify_after_commit(event: str, update_id: int) -> None:
    """Queue the mail for `event` once the current transaction has committed."""
    if event not in EVENTS:
        raise ValueError(event)
    transaction.on_commit(lambda: _queue(event, update_id))


def _queue_task(name: str, args: list, what: str) -> bool:
    """Queue a mail task by name; False (and logged) when the broker cannot be reached, never an exception."""
    # By name: the tasks call the services, which come here; importing the tasks would close a cycle.
    try:
        signature(f"remediation.tasks.{name}", args=args).apply_async(retry=False)
    except Exception:  # the broker is down
        logger.exception("could not queue %s", what)
        return False
    return True


def _queue(event: str, update_id: int) -> None:
    # The broker down: the update stays saved, and the failure is logged.
    _queue_task("send_progress_update_mail", [event, update_id], f"the {event} mail for progress update {update_id}")


def queue_reminder_digest(person_id: int, reminder_ids: list[int]) -> None:
    """Queue one person's digest of reminders (called after the dispatch commits)."""
    from remediation.models import ReminderRecipient

    what = f"the reminder digest for person {person_id}"
    if not _queue_task("send_reminder_digest", [person_id, reminder_ids], what):
        # Give them back to the next dispatch (every quarter of an hour), which mails them.
        ReminderRecipient.objects.filter(user_id=person_id, reminder_id__in=reminder_ids).update(mailed_at=None)


def queue_regulator_digest(day) -> None:
    """Queue the regulator staff's digest of the day (called after the sweep commits)."""
    # The broker down: the next day's digest covers what is still open.
    _queue_task("send_regulator_digest", [day.isoformat()], f"the regulator digest of {day}")
