"""The regulator's dashboard, rendered once and kept in the cache until the data it comes from changes.

Every insert, update or delete on a table the dashboard reads raises a counter in PostgreSQL: a sequence
advanced by a row trigger deferred to commit, so it counts changes made by anyone (the web, the worker, a
bulk load, psql) and only once they are committed. The figures are cached under that counter, the day and
the language: a committed change shows on the next view.

A change committed in the instant between its trigger and its commit becoming visible can be missed by a
reader computing at that instant; `DASHBOARD_CACHE_SECONDS` bounds how long such a copy can live.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pgtrigger
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.translation import get_language

SEQUENCE = "remediation_dashboard_changes"
SOURCES = (
    "cases.Case",
    "cases.RegulatoryAction",
    "cases.Finding",
    "cases.IncidentPair",
    "cases.Incident",
    "cases.SafeguardType",
    "compliance.Company",
    "compliance.CompanyGroup",
    "remediation.Measure",
    "remediation.Implementation",
    "remediation.ProgressUpdate",
    "remediation.Review",
    "remediation.DailyCount",
)


def changes_trigger() -> pgtrigger.Trigger:
    """The trigger that advances the counter when a row of a source table is written, at commit."""
    return pgtrigger.Trigger(
        name="dashboard_changes",
        level=pgtrigger.Row,
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        timing=pgtrigger.Deferred,
        func=f"PERFORM nextval('{SEQUENCE}'); RETURN NULL;",
    )


def watch_sources(get_model: Callable[[str], type]) -> None:
    """Put the trigger on every source table (called when the apps are ready, so that migrations carry it)."""
    trigger = changes_trigger()
    for label in SOURCES:
        pgtrigger.register(trigger)(get_model(label))


def changes_counter() -> int:
    """How many committed writes the source tables have seen, as the sequence last counted them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {SEQUENCE}")  # nosec B608  # noqa: S608 (a constant name)
        last_value, is_called = cursor.fetchone()
    return last_value if is_called else 0


def cached_figures(scope: str, today: datetime.date, compute: Callable[[], dict]) -> dict:
    """The figures `compute` gives for `scope` today, from the cache while no source table has changed."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return compute()
    key = f"dashboard:{scope}:{today.isoformat()}:{get_language()}:{changes_counter()}"
    figures = cache.get(key)
    if figures is None:
        figures = compute()
        cache.set(key, figures, seconds)
    return figures
