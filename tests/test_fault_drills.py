"""Fault drills against the real services: PostgreSQL shut down and started again under the web's load.

The drill runs the web as production does (gunicorn, DEBUG off, persistent database connections) against a
private PostgreSQL server of its own, never the shared one of the test session. Officers send a burst of
progress updates through the API from several threads; in the middle of it the server is shut down fast and
started again. Afterwards every update the API acknowledged is in the database exactly once, with everything
its transaction writes; an update refused with a 4xx left nothing behind; and the web answers again without
being restarted, also after a restart that happened while it was idle.
"""

from __future__ import annotations

import base64
import http.client
import json
import shutil
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import redis

from tests.real_services import environment, free_port, manage, query, start_web, stop_web, wait_for

pytestmark = [
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed here"),
    # The worker and the servers these tests start keep real time; every day the tests need is given explicitly.
    pytest.mark.real_clock,
]
PATH = "/api/v1/progress-updates/"
QUEUE = "celery"  # the broker's list of tasks waiting for a worker
BURST = 80  # updates acknowledged before the restart, and again after it
# One lane a thread: an officer's token and one of their company's items. The fourth lane shares the first
# one's item, so the two keep refusing each other's stale version (412) all through the drill.
LANES = """
import json
from knox.models import AuthToken
from compliance.choices import Role
from compliance.models import User
from remediation.models import Implementation
from remediation.workflow import allowed_statuses
lanes = []
for officer in User.objects.filter(role=Role.COMPANY_OFFICER).order_by("username")[:3]:
    items = Implementation.objects.filter(company=officer.company).order_by("pk")
    item = next(i for i in items if allowed_statuses(i.status))
    lane = {"officer": officer.pk, "company": officer.company_id, "item": item.pk, "version": item.version}
    lanes.append({**lane, "item_status": item.status, "status": allowed_statuses(item.status)[0]})
lanes.append(dict(lanes[0]))
for lane in lanes:
    lane["token"] = AuthToken.objects.create(User.objects.get(pk=lane["officer"]))[1]
print(json.dumps(lanes))
"""


@dataclass(frozen=True)
class Attempt:
    """One progress update sent: the answer (None: no answer at all) and the id the API gave it."""

    narrative: str
    started: float
    status: int | None
    update_id: int | None


def call(port: int, method: str, path: str, token: str, body: dict | None = None, if_match: str = ""):
    """One request on a connection of its own: (status, ETag, JSON body); status None when nothing answered."""
    headers = {"Authorization": f"Token {token}", "Accept": "application/json", "Content-Type": "application/json"}
    if if_match:
        headers["If-Match"] = if_match
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException):
        return None, None, {}
    finally:
        connection.close()
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = {}
    return response.status, response.getheader("ETag"), payload


@dataclass
class Officers:
    """The officers' side of the drill: every update they send, and every read of an item's version that failed."""

    port: int
    lanes: list[dict]
    attempts: list[Attempt] = field(default_factory=list)
    failed_reads: list[tuple[float, int | None]] = field(default_factory=list)

    def current_version(self, lane: dict, stop: threading.Event) -> int | None:
        """The item's version from its ETag, asked again until the web answers (or the drill ends)."""
        while not stop.is_set():
            started = time.monotonic()
            status, etag, _ = call(self.port, "GET", f"/api/v1/implementations/{lane['item']}/", lane["token"])
            if status == 200:
                return int(etag.strip('"'))
            self.failed_reads.append((started, status))
            time.sleep(0.05)
        return None

    def send(self, lane: dict, narrative: str, version: int | None) -> Attempt:
        body = {"implementation": lane["item"], "status": lane["status"], "narrative": narrative}
        started = time.monotonic()
        status, _, payload = call(self.port, "POST", PATH, lane["token"], body, if_match=f'"{version}"')
        return Attempt(narrative, started, status, payload.get("id") if status == 201 else None)

    def run_lane(self, number: int, phase: str, stop: threading.Event) -> None:
        """Send updates one after another; after anything but a 201, read the item's version again."""
        lane = self.lanes[number]
        version, serial = self.current_version(lane, stop), 0
        while not stop.is_set():
            serial += 1
            attempt = self.send(lane, f"drill: {phase}, lane {number}, update {serial}", version)
            self.attempts.append(attempt)
            if attempt.status == 201:
                version += 1
            else:
                version = self.current_version(lane, stop) or version

    def burst(self, phase: str, during: Callable[[], None]) -> None:
        """Send updates on every lane at once for as long as `during` runs."""
        stop = threading.Event()
        threads = [
            threading.Thread(target=self.run_lane, args=(number, phase, stop), daemon=True)
            for number in range(len(self.lanes))
        ]
        for thread in threads:
            thread.start()
        try:
            during()
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)

    def acknowledged_since(self, moment: float) -> int:
        return sum(1 for a in list(self.attempts) if a.status == 201 and a.started > moment)

    def failures_since(self, moment: float) -> list[str]:
        """Updates and reads sent after `moment` that got a 5xx or no answer."""
        updates = [(a.started, a.status, a.narrative) for a in self.attempts if a.status is None or a.status >= 500]
        reads = [(started, status, "a read of an item's version") for started, status in self.failed_reads]
        return [
            f"{what}, {started - moment:.2f} s after: {status or 'no answer'}"
            for started, status, what in sorted(updates + reads)
            if started > moment
        ]


def queued_mail(redis_url: str) -> Counter:
    """How many times the "submitted" mail of each progress update was queued for the worker (none runs here)."""
    queued: Counter = Counter()
    with redis.Redis.from_url(redis_url) as broker:
        waiting = broker.lrange(QUEUE, 0, -1)
    for raw in waiting:
        message = json.loads(raw)
        if message["headers"].get("task") != "remediation.tasks.send_progress_update_mail":
            continue
        event, update_id = json.loads(base64.b64decode(message["body"]))[0]
        if event == "submitted":
            queued[update_id] += 1
    return queued


def web_environment(env: dict[str, str]) -> dict[str, str]:
    """The web's settings as in production, with a budget no burst reaches."""
    return {
        **env,
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "False",
        "API_RATE_PER_TOKEN": "100000/hour",
        "LOG_LEVEL": "WARNING",
        # Connections kept between requests, as in production; the settings check one before reusing it.
        "CONN_MAX_AGE": "60",
        # Nothing of the drill serves assets: no collectstatic, so no manifest.
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }


def test_postgresql_restarted_during_a_burst_of_progress_updates_loses_no_acknowledged_update(
    postgres_server, redis_server, tmp_path, drill_report
):
    env = environment(postgres_server.url, redis_server.url, tmp_path / "mail")
    manage(env, "migrate", "--noinput")
    manage(env, "load_report")
    manage(env, "load_demo")
    lanes = json.loads(manage(env, "shell", "-c", LANES))
    with redis.Redis.from_url(redis_server.url) as broker:
        broker.delete(QUEUE)  # the mail of the demo's updates, not the drill's

    port = free_port()
    web = start_web(web_environment(env), port, tmp_path / "web.log")
    officers = Officers(port, lanes)
    moments: dict[str, float] = {}

    def restart_mid_burst() -> None:
        wait_for(lambda: officers.acknowledged_since(0) >= BURST, "the burst to get going", timeout=60)
        moments["down"] = time.monotonic()
        postgres_server.restart(down_for=1)  # requests meet a server that is down, not only cut sessions
        moments["back"] = time.monotonic()
        wait_for(lambda: officers.acknowledged_since(moments["back"]) >= BURST, "updates again", timeout=60)

    def a_few_updates() -> None:
        wait_for(lambda: officers.acknowledged_since(moments["quiet"]) >= 5 * len(lanes), "updates", timeout=60)

    try:
        officers.burst("burst", restart_mid_burst)
        # Restarted once more while the web is idle, as at night: each worker's connection is cut without the
        # worker noticing, and the next requests must not fail on it.
        postgres_server.restart()
        moments["quiet"] = time.monotonic()
        officers.burst("after", a_few_updates)
        assert web.poll() is None  # the same gunicorn master all along: only PostgreSQL was restarted
    finally:
        stop_web(web)

    url = postgres_server.url
    stored_rows = query(
        url,
        "SELECT id, narrative, implementation_id, author_id, company_id, status, review_state "
        "FROM remediation_progressupdate WHERE narrative LIKE 'drill:%'",
    )
    insert_events = query(
        url,
        "SELECT e.pgh_obj_id, e.pgh_context_id::text, c.metadata->>'user', c.metadata->>'url' "
        "FROM remediation_progressupdateevent e LEFT JOIN pghistory_context c ON c.id = e.pgh_context_id "
        "WHERE e.pgh_label = 'insert' AND e.narrative LIKE 'drill:%'",
    )
    item_ids = ",".join(str(lane["item"]) for lane in lanes)
    items = {
        item: (version, status)
        for item, version, status in query(
            url, f"SELECT id, version, status FROM remediation_implementation WHERE id IN ({item_ids})"
        )
    }
    item_events = query(
        url,
        "SELECT pgh_obj_id, version, status, pgh_context_id::text FROM remediation_implementationevent "
        f"WHERE pgh_label = 'update' AND pgh_obj_id IN ({item_ids})",
    )

    attempts = officers.attempts
    stored: dict[str, list[tuple]] = defaultdict(list)
    for row in stored_rows:
        stored[row[1]].append(row)
    acknowledged = [a for a in attempts if a.status == 201]
    refused = [a for a in attempts if a.status is not None and 400 <= a.status < 500]
    failed = [a for a in attempts if a.status is not None and a.status >= 500]
    unanswered = [a for a in attempts if a.status is None]
    lost = [a.narrative for a in acknowledged if a.narrative not in stored]
    duplicates = sum(len(rows) - 1 for rows in stored.values())
    committed_without_answer = [a.narrative for a in failed + unanswered if a.narrative in stored]
    drill_report(
        sent=len(attempts),
        acknowledged=len(acknowledged),
        present_after=len(stored_rows),
        duplicates=duplicates,
        lost=len(lost),
        refused=len(refused),
        failed=len(failed),
        unanswered=len(unanswered),
        committed_without_answer=len(committed_without_answer),
        seconds_down=round(moments["back"] - moments["down"], 1),
    )

    assert len({a.narrative for a in attempts}) == len(attempts)  # each narrative names one update
    assert lost == [] and duplicates == 0
    assert [a.narrative for a in acknowledged if stored[a.narrative][0][0] != a.update_id] == []
    assert [a.narrative for a in refused if a.narrative in stored] == []  # a refusal leaves nothing behind
    assert set(stored) <= {a.narrative for a in attempts}
    # The fault hit the burst; once the server was back, every request got through (412s aside), also the
    # first ones after the restart while the web was idle.
    assert failed or unanswered
    assert officers.failures_since(moments["back"]) == []

    # Nothing half-written: each stored update has its history event, attributed to its officer, and the
    # version bump of its item in the same transaction; the item's status waits for the regulator.
    lane_of_item = {lane["item"]: lane for lane in lanes}
    insert_events_of = defaultdict(list)
    for update_id, context, user, path in insert_events:
        insert_events_of[update_id].append((context, user, path))
    bumps = Counter((item, context) for item, _version, _status, context in item_events)
    per_item: Counter = Counter()
    for (update_id, narrative, item, author, company, status, review_state), *_ in stored.values():
        lane = lane_of_item[item]
        assert (author, company, status) == (lane["officer"], lane["company"], lane["status"]), narrative
        assert review_state == "submitted", narrative
        assert len(insert_events_of[update_id]) == 1, narrative
        context, user, path = insert_events_of[update_id][0]
        assert (user, path) == (str(author), PATH), narrative
        assert bumps[(item, context)] == 1, narrative
        per_item[item] += 1
    for item, lane in lane_of_item.items():
        first, count = lane["version"], per_item[item]
        bumped = [(version, status) for i, version, status, _context in item_events if i == item and version > first]
        assert sorted(version for version, _status in bumped) == list(range(first + 1, first + count + 1)), item
        assert {status for _version, status in bumped} <= {lane["item_status"]}, item
        assert items[item] == (first + count, lane["item_status"]), item

    # The mail to the regulator of each update was queued once it committed, once, and for nothing else.
    queued = queued_mail(redis_server.url)
    assert set(queued) <= {rows[0][0] for rows in stored.values()} and set(queued.values()) <= {1}
    assert {a.update_id for a in acknowledged} <= set(queued)
