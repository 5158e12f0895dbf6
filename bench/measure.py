"""Measure one database: queries and latency of each list page, the dashboard and each API list; the SQL floor.

    DATABASE_URL=... python bench/measure.py --runs 20 > figures.json

Run by `bench/run.py` once per dataset size; prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance.settings")
os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")

PAGES = [
    "/",
    "/cases/ppc-2024-utilities/findings/",
    "/cases/ppc-2024-utilities/incidents/",
    "/cases/ppc-2024-utilities/open-items/",
    "/implementations/",
    "/companies/",
    "/progress-updates/",
    "/deadline-changes/",
    "/reminders/",
    "/reviews/",
    "/dashboard/",
]
API = [
    "cases", "regulatory-actions", "law-articles", "safeguard-types", "company-groups", "companies", "findings",
    "measures", "implementations", "incident-pairs", "incidents", "progress-updates", "reviews", "evidence",
    "deadline-changes", "reminders", "access-log", "access-anomalies", "history",
]  # fmt: skip
# The floor: the same page of implementations as the API gives, from one hand-written query.
FLOOR_SQL = """
SELECT i.id, m.code AS measure_code, c.code AS company, i.status, i.due_on, i.window_start, i.window_end,
       i.baseline_due_on, i.baseline_window_start, i.baseline_window_end, i.version, i.measure_id
FROM remediation_implementation i
JOIN remediation_measure m ON m.id = i.measure_id
JOIN compliance_company c ON c.id = i.company_id
ORDER BY m.finding_id, m.position, i.measure_id, i.position
LIMIT 100
"""


def regulator():
    """A regulator staff member with a confirmed second factor, made once per database."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from compliance.choices import Role
    from compliance.models import User

    person, _ = User.objects.get_or_create(username="bench-regulator", defaults={"role": Role.REGULATOR_STAFF})
    TOTPDevice.objects.get_or_create(user=person, name="bench", defaults={"confirmed": True})
    return person


def signed_in_client(person):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(person)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = person.totpdevice_set.get().persistent_id
    session.save()
    return client


def measure(client, url: str, runs: int) -> dict:
    """Median and p95 latency in milliseconds over `runs` requests after one warm-up, and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = client.get(url).status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # now: the log is cleared by the requests that follow
    if status >= 500:  # over the statement timeout the run sets: reported, not timed again
        return {"status": status, "queries": queries, "median_ms": float("nan"), "p95_ms": float("nan")}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return {"status": status, "queries": queries, "median_ms": statistics.median(times), "p95_ms": p95}


def floor(runs: int) -> dict:
    """The hand-written query for a page of 100 implementations, serialized to JSON: the floor."""
    import psycopg2
    import psycopg2.extras

    connection = psycopg2.connect(os.environ["DATABASE_URL"])
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        with connection.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cursor:
            cursor.execute(FLOOR_SQL)
            json.dumps({"results": cursor.fetchall()}, default=str)
        times.append((time.perf_counter() - start) * 1000)
    connection.close()
    times = sorted(times[1:])
    return {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * len(times)) - 1]}


def credentials() -> dict:
    """A session cookie (second factor verified) and an API token of the bench's regulator, for the load test."""
    from knox.models import AuthToken

    client = signed_in_client(regulator())
    _instance, token = AuthToken.objects.create(regulator())
    return {"sessionid": client.cookies["sessionid"].value, "token": token}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--credentials", action="store_true", help="print a session cookie and a token, and stop")
    options = parser.parse_args()
    import django

    django.setup()
    if options.credentials:
        print(json.dumps(credentials()))
        return
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As in tests: one connection throughout, so that each request's queries can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    client = signed_in_client(regulator())
    figures = {"pages": {}, "api": {}}
    for url in PAGES:
        figures["pages"][url] = measure(client, url, options.runs)
        print(f"  {url}: {figures['pages'][url]}", file=sys.stderr)
    for name in API:
        url = f"/api/v1/{name}/?page_size=100"
        figures["api"][name] = measure(client, url, options.runs)
        print(f"  {url}: {figures['api'][name]}", file=sys.stderr)
    figures["floor"] = floor(options.runs)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
