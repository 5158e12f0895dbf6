"""Tasks of the compliance app: thin, idempotent, taking plain values."""

import datetime
import logging

from celery import shared_task

from compliance import clock
from compliance.access_chain import access_log_chain
from compliance.analysis import access_log_analyse
from compliance.checkpoints import Checkpoint, access_log_checkpoint, access_log_checkpoint_mail
from compliance.log_check import access_log_verify
from compliance.partitions import partitions_make_ahead
from compliance.webhook_delivery import delivery_attempt, delivery_sweep, paused_mail


@shared_task
def analyse_access_log(day: str | None = None) -> int:
    """Analyse one day of the access log (yesterday by default); running it twice flags nothing twice."""
    target = datetime.date.fromisoformat(day) if day else clock.today() - datetime.timedelta(days=1)
    return len(access_log_analyse(day=target))


logger = logging.getLogger(__name__)


@shared_task
def chain_access_log() -> int:
    """Every few seconds (beat): chain the access log's entries written since; returns how many."""
    return access_log_chain()


@shared_task
def make_access_log_partitions() -> list[str]:
    """Every day (beat): this month's partition of the access log and the next two's, made ahead of need."""
    return [str(month) for month in partitions_make_ahead()]


@shared_task
def verify_access_log(day: str | None = None) -> int:
    """Every night (beat): verify the access log from the checkpoint before yesterday (or `day`); the problems found,
    logged as errors, counted."""
    since = datetime.date.fromisoformat(day) if day else clock.today() - datetime.timedelta(days=1)
    check = access_log_verify(since=since)
    for problem in check.problems:
        logger.error("access log verification: %s", problem)
    for warning in check.warnings:
        logger.warning("access log verification: %s", warning)
    return len(check.problems)


@shared_task
def checkpoint_access_log() -> int:
    """The nightly checkpoint of the access log (beat, 00:10 Asia/Tokyo), then its mail; returns the last entry's id.

    Running it twice appends two checkpoints, both true.
    """
    checkpoint = access_log_checkpoint()
    send_access_log_checkpoint.delay(checkpoint.line())
    return checkpoint.last_id


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_access_log_checkpoint(line: str) -> int:
    """Mail one checkpoint (its line in the checkpoint file) to each regulator administrator."""
    return access_log_checkpoint_mail(checkpoint=Checkpoint.from_line(line))


@shared_task
def deliver_webhook(delivery_id: int) -> str | None:
    """One attempt at one webhook delivery, if it is due (running it twice sends once); the row records the outcome."""
    return delivery_attempt(delivery_id=delivery_id)


@shared_task
def sweep_webhooks() -> int:
    """Every minute (beat): queue again the webhook deliveries due whose task was lost; returns how many."""
    return len(delivery_sweep(now=clock.now()))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_webhook_paused_mail(subscription_id: int) -> int:
    """Tell a subscription's owner that it has been paused because its deliveries kept failing."""
    return paused_mail(subscription_id=subscription_id)
