"""Benchmark: one reminder sweep over N open items (100,000 by default) in a scratch database.

    python bench/reminder_sweep.py [--items 100000]

Creates a database of its own on the server of DATABASE_URL, loads the report, adds N open items with
due dates spread over two years, runs the sweep twice (the first sends, the second finds nothing new)
and prints the time and the number of queries of each; then drops the database.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def scratch_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connection(base: str):
    connection = psycopg2.connect(scratch_url(base, "postgres"))
    connection.autocommit = True
    return connection


def add_items(count: int) -> None:
    from cases.models import Finding, SafeguardType
    from compliance.models import Company
    from remediation.models import Implementation, Measure

    companies = list(Company.objects.exclude(kind="contractor"))
    finding = Finding.objects.get(code="td-1")
    safeguard = SafeguardType.objects.get(code="technical")
    measures = Measure.objects.bulk_create(
        Measure(
            finding=finding, code=f"bench-{n}", safeguard_type=safeguard, kind="standing", text_ja="負荷", position=n
        )
        for n in range(count // len(companies) + 1)
    )
    start = datetime.date(2025, 11, 25)
    items = [
        Implementation(
            measure=measure, company=company, status="in_progress", due_on=start + datetime.timedelta(days=n % 730)
        )
        for n, (measure, company) in enumerate((m, c) for m in measures for c in companies)
    ][:count]
    Implementation.objects.bulk_create(items, batch_size=5000)


def timed_sweep(today: datetime.date) -> tuple[float, int, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from remediation.services.reminders import reminder_sweep

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        result = reminder_sweep(today=today)
        elapsed = time.perf_counter() - began
    return elapsed, len(queries), len(result.reminders)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/compliance")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = admin_connection(base)
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = scratch_url(base, name)
    os.environ.setdefault("SECRET_KEY", "benchmark")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "True"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from remediation.models import Implementation

        call_command("migrate", verbosity=0)
        call_command("load_report", verbosity=0)
        add_items(args.items)
        open_items = Implementation.objects.exclude(status="done").count()
        today = datetime.date(2026, 11, 25)
        first = timed_sweep(today)
        second = timed_sweep(today)
        print(f"open implementations: {open_items}")
        print(f"{'sweep':<16}{'seconds':>10}{'queries':>10}{'reminders':>12}")
        for label, (seconds, queries, sent) in (("first (sends)", first), ("second (none)", second)):
            print(f"{label:<16}{seconds:>10.2f}{queries:>10}{sent:>12}")
    finally:
        from django.db import connections

        connections.close_all()
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
