"""Measure one database: queries and latency of each list page, the dashboard and each API list; the SQL floor.

    DATABASE_URL=... python bench/measure.py --runs 20 > figures.json

Run by `bench/run.py` once per dataset size; prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
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
    "/audit/history/",
    "/audit/access-log/",
    "/dashboard/",
]
API = [
    "cases", "regulatory-actions", "law-articles", "safeguard-types", "company-groups", "companies", "findings",
    "measures", "implementations", "incident-pairs", "incidents", "progress-updates", "reviews", "evidence",
    "deadline-changes", "reminders", "access-log", "access-anomalies", "history",
]  # fmt: skip
# The floor: the same page of implementations as the API gives (the links, every field, in the same order, and the
# cursor of the next page), from one hand-written query. The slippage is computed by the database as the API computes
# it; the page measured has no reporting duty (checked), which the API shows as null.
FLOOR_SQL = """
SELECT i.id, i.measure_id, i.position, k.code AS "case", f.code AS finding_code, m.code AS measure_code,
       c.code AS company, i.status, i.due_on, i.window_start, i.window_end, i.baseline_due_on,
       i.baseline_window_start, i.baseline_window_end,
       COALESCE(i.window_end - i.baseline_window_end, i.due_on - i.baseline_due_on) AS slippage_days,
       i.deadline_text, i.submitted_on, i.completed_on, i.reporting_every, i.version
FROM remediation_implementation i
JOIN remediation_measure m ON m.id = i.measure_id
JOIN cases_finding f ON f.id = m.finding_id
JOIN cases_case k ON k.id = f.case_id
JOIN compliance_company c ON c.id = i.company_id
ORDER BY i.measure_id, i.position, i.id
LIMIT 101
"""
FLOOR_BASE = "http://127.0.0.1/api/v1"
IMPLEMENTATIONS = "/api/v1/implementations/?page_size=100"
# Deep pages: the implementations at this depth, by the API's cursor and by the list page's number (50 a page).
DEPTH = 30_000
DEPTH_SQL = (
    "SELECT measure_id, position, id FROM remediation_implementation ORDER BY measure_id, position, id OFFSET %s"
)


def cursor_after(measure_id: int, position: int, key: int) -> str:
    """The API's cursor of the page that starts after this implementation (compliance/api/pagination.py)."""
    position = {"o": ["measure_id", "position", "pk"], "v": [measure_id, position, key], "r": 0}
    text = json.dumps(position, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii").rstrip("=")


def floor_page(cursor) -> str:
    """The API's first page of 100 implementations, as JSON, from the hand-written query."""
    cursor.execute(FLOOR_SQL)
    rows = cursor.fetchall()
    last = rows[99] if len(rows) > 100 else None
    following = None
    if last is not None:
        cursor_text = cursor_after(last["measure_id"], last["position"], last["id"])
        following = f"{FLOOR_BASE}/implementations/?cursor={cursor_text}&page_size=100"
    results = []
    for row in rows[:100]:
        if row.pop("reporting_every"):
            raise SystemExit("the floor's page has a reporting duty, which it does not compute: compare another page")
        row.pop("measure_id"), row.pop("position")
        measure = f"{FLOOR_BASE}/measures/{row['case']}/{row['finding_code']}/{row['measure_code']}/"
        row = {"id": row["id"], "url": f"{FLOOR_BASE}/implementations/{row['id']}/", **row, "measure": measure}
        results.append({**row, "reporting_duty": None})
    return json.dumps({"next": following, "previous": None, "results": results}, default=str)


def deep_pages(client, runs: int) -> dict:
    """The first page and the page at DEPTH rows: the API by its cursor, the list page by its number (an offset).

    Each pair is timed in turns (first, deep, first, deep…), so that a slow moment of the machine falls on both.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(DEPTH_SQL, [DEPTH - 1])
        row = cursor.fetchone()
    if row is None:
        return {}
    deep_cursor = cursor_after(*row)
    return {
        **measure_in_turns(
            client, {"api_first": IMPLEMENTATIONS, "api_deep_cursor": f"{IMPLEMENTATIONS}&cursor={deep_cursor}"}, runs
        ),
        **measure_in_turns(
            client,
            {"page_first": "/implementations/", "page_deep_offset": f"/implementations/?page={DEPTH // 50 + 1}"},
            runs,
        ),
    }


def measure_in_turns(client, urls: dict[str, str], runs: int) -> dict:
    """`measure` for several addresses at once, each request of a run in turn: their medians compare fairly."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures = {}
    for name, url in urls.items():
        status = client.get(url).status_code
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        figures[name] = {"status": status, "queries": len(captured)}  # now: later requests clear the log
    # A page over the statement timeout the run sets is reported, not timed again.
    timed = {name: url for name, url in urls.items() if figures[name]["status"] < 500}
    times = {name: [] for name in timed}
    for _ in range(runs):
        for name, url in timed.items():
            start = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - start) * 1000)
    unanswered = {"median_ms": float("nan"), "p95_ms": float("nan")}
    return {name: {**figures[name], **(summary(times[name]) if name in times else unanswered)} for name in urls}


def summary(times: list[float]) -> dict:
    """Median and p95 of times in milliseconds."""
    times = sorted(times)
    return {"median_ms": statistics.median(times), "p95_ms": times[min(len(times) - 1, round(0.95 * len(times)) - 1)]}


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
    return measure_in_turns(client, {url: url}, runs)[url]


def floor(runs: int, client) -> dict:
    """The same page of 100 implementations from hand-written queries, serialized to JSON: the floor; timed in turns
    with the API's page (`api_median_ms`), so that a slow moment of the machine falls on both.

    `same_as_api` says whether the floor's page equals the API's, field for field.
    """
    import psycopg2
    import psycopg2.extras

    connection = psycopg2.connect(os.environ["DATABASE_URL"])
    times, api_times, page = [], [], ""
    for run in range(runs + 1):
        start = time.perf_counter()
        with connection.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cursor:
            page = floor_page(cursor)
        middle = time.perf_counter()
        client.get(IMPLEMENTATIONS)
        if run:  # the first of each warms up
            times.append((middle - start) * 1000)
            api_times.append((time.perf_counter() - middle) * 1000)
    connection.close()
    same = json.loads(page) == client.get(IMPLEMENTATIONS).json()
    return {**summary(times), "api_median_ms": summary(api_times)["median_ms"], "same_as_api": same}


def dashboard_recomputed(client, runs: int) -> dict:
    """The dashboard's latency when each view follows a change to its data, so it is computed, not cached."""
    from django.db import connection

    from remediation.dashboard_cache import SEQUENCE

    times = []
    for _ in range(max(3, runs // 4)):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT nextval('{SEQUENCE}')")  # what the trigger does when a source changes
        start = time.perf_counter()
        client.get("/dashboard/")
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(times), "max_ms": max(times)}


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
    figures["dashboard_recomputed"] = dashboard_recomputed(client, options.runs)
    figures["floor"] = floor(options.runs, client)
    figures["deep"] = deep_pages(client, options.runs)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
