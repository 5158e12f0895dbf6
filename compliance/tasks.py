"""Tasks of the compliance app: thin, idempotent, taking plain values."""

import datetime

from celery import shared_task

from compliance import clock
from compliance.analysis import access_log_analyse
from compliance.checkpoints import Checkpoint, access_log_checkpoint, access_log_checkpoint_mail


@shared_task
def analyse_access_log(day: str | None = None) -> int:
    """Analyse one day of the access log (yesterday by default); running it twice flags nothing twice."""
    target = datetime.date.fromisoformat(day) if day else clock.today() - datetime.timedelta(days=1)
    return len(access_log_analyse(day=target))


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
