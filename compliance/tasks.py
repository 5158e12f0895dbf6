"""Tasks of the compliance app: thin, idempotent, taking plain values."""

import datetime

from celery import shared_task

from compliance import clock
from compliance.analysis import access_log_analyse


@shared_task
def analyse_access_log(day: str | None = None) -> int:
    """Analyse one day of the access log (yesterday by default); running it twice flags nothing twice."""
    target = datetime.date.fromisoformat(day) if day else clock.today() - datetime.timedelta(days=1)
    return len(access_log_analyse(day=target))
