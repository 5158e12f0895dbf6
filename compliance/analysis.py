"""The periodic analysis of the access log that the utilities' own measures call for, applied to us.

For one day (Asia/Tokyo), it flags each person who was denied another company's records, each person
whose reads far exceed their own usual daily volume, and each account locked out. Reads are counted in records
read (an entry of one request lists every record it read), denied attempts and lockouts in entries.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Func, IntegerField, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from compliance.models import AccessAnomaly, AccessLogEntry
from compliance.models.audit import AccessAction, AnomalyKind

BASELINE_DAYS = 28
# Reads above both this floor and this multiple of the person's usual daily count are unusual.
UNUSUAL_FLOOR = 200
UNUSUAL_FACTOR = 3.0


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


# The records one read entry read: those it lists, or the one it names (an entry written before the list existed).
RECORDS_READ = Greatest(Func(F("records"), function="jsonb_array_length", output_field=IntegerField()), Value(1))


def _counts_by_user(
    action: str, start: datetime.datetime, end: datetime.datetime, *, count=None, **filters
) -> dict[int, int]:
    """Per person, the entries of `action` in the period, or the sum of `count` over them."""
    rows = (
        AccessLogEntry.objects.filter(action=action, at__gte=start, at__lt=end, user__isnull=False, **filters)
        .values("user")
        .annotate(count=Sum(count) if count is not None else Count("id"))
    )
    return {row["user"]: row["count"] for row in rows}


def _flag(kind: str, user_id: int, day: datetime.date, count: int, baseline: float | None = None) -> AccessAnomaly:
    anomaly, _ = AccessAnomaly.objects.update_or_create(
        kind=kind, user_id=user_id, day=day, defaults={"count": count, "baseline": baseline}
    )
    return anomaly


def access_log_analyse(*, day: datetime.date) -> list[AccessAnomaly]:
    """Flag the day's anomalies; running it again for the same day updates, never duplicates."""
    start, end = _day_bounds(day)
    found: list[AccessAnomaly] = []
    with transaction.atomic():
        # An officer denied a record: the only records they can be denied are other companies' ones.
        denied = _counts_by_user(AccessAction.DENIED, start, end, user_company_id__isnull=False)
        found += [_flag(AnomalyKind.CROSS_COMPANY_DENIED, user, day, count) for user, count in denied.items()]

        # Volume is the records read, not the requests: one page of a hundred rows reads a hundred records.
        reads = _counts_by_user(AccessAction.READ, start, end, count=RECORDS_READ)
        history = _counts_by_user(
            AccessAction.READ, start - datetime.timedelta(days=BASELINE_DAYS), start, count=RECORDS_READ
        )
        for user, count in reads.items():
            baseline = history.get(user, 0) / BASELINE_DAYS
            if count > max(UNUSUAL_FLOOR, UNUSUAL_FACTOR * baseline):
                found.append(_flag(AnomalyKind.UNUSUAL_VOLUME, user, day, count, baseline))

        lockouts = (
            AccessLogEntry.objects.filter(action=AccessAction.LOCKED_OUT, at__gte=start, at__lt=end)
            .values("username")
            .annotate(count=Count("id"))
        )
        people = get_user_model().objects.filter(username__in=[row["username"] for row in lockouts])
        ids = dict(people.values_list("username", "pk"))
        found += [
            _flag(AnomalyKind.LOCKOUT, ids[row["username"]], day, row["count"])
            for row in lockouts
            if row["username"] in ids
        ]
    return found
