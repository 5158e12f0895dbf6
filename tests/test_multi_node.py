"""The multi-node drill: two web servers behind one address, two Celery workers and two beats, on one machine.

Everything is a real process sharing one PostgreSQL database (a scratch one on the test server) and one Redis
(a private server: the broker in database 0, the cache in database 1), as several machines would share them:

- two gunicorn servers, each with workers of its own, behind a round-robin proxy (tests/real_services.py), which
  stands for the load balancer in front of the `web` replicas; each server is also read directly;
- two Celery workers, and two beats: the second one started "by mistake" while the first holds the lock in Redis.

It proves, and prints (the "fault drills" summary): (a) each reminder digest mailed exactly once across both
workers, the second beat scheduling nothing; (b) the dashboard, cached in Redis, shows a write made through one
server on the next view through the other; (c) concurrent writes to one item through both servers lose nothing:
each version is taken by exactly one writer, the others get 412; (d) a worker killed (SIGKILL) in the middle of
the sweep: its task comes back to a worker that is still running and is done, nothing lost, nothing twice.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest
import redis

from tests.real_services import (
    ROOT,
    RoundRobinProxy,
    environment,
    free_port,
    kill_worker,
    manage,
    query,
    start_web,
    start_worker,
    stop_web,
    stop_worker,
    wait_for,
)
from tests.remediation.test_worker import MANY_ITEMS, digest_counts, digests
from tests.test_fault_drills import call, web_environment

pytestmark = [
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed here"),
    # The servers, workers and beats keep real time; the drill's day is given to each task explicitly.
    pytest.mark.real_clock,
]
DAY = "2026-11-25"
EXTRA_MEASURES = 150  # items enough for the sweep to take a few seconds, long enough to kill a worker in it
WRITERS, ROUNDS = 6, 4  # writers sending the same version of one item at once, and how many times
SWEEP = "remediation.tasks.sweep_reminders"
DIGEST = "remediation.tasks.send_reminder_digest"

WRITER = """
from knox.models import AuthToken
from compliance.models import User
from remediation.models import Implementation
from remediation.workflow import allowed_statuses
officer = User.objects.get(username="officer-okinawa")
items = Implementation.objects.filter(company=officer.company).order_by("pk")
item = next(i for i in items if allowed_statuses(i.status))
print(AuthToken.objects.create(officer)[1], item.pk, allowed_statuses(item.status)[0])
"""
REGULATOR_SESSION = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from compliance.models import User
person = User.objects.get(username="regulator-staff")
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(person.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = person.get_session_auth_hash()
session.create()
print(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
"""
REMINDERS_OWED = f"""
import datetime
from remediation.models import ReminderPolicy
from remediation.reminders import companies_concerned, owed_moment
from remediation.services.reminders import _open_items
policies = ReminderPolicy.all_by_kind()
day = datetime.date.fromisoformat("{DAY}")
print(sum(len(companies_concerned(i)) for i in _open_items() if owed_moment(i, policies, day)))
"""
SWEEP_IN_FLIGHT = (
    "SELECT client_port FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND state <> 'idle' AND query ILIKE '%remediation_reminder%' ORDER BY coalesce(xact_start, query_start) LIMIT 1"
)
SENT = "SELECT count(*) FROM remediation_reminder WHERE sent_at IS NOT NULL"
QUEUE_COUNT = re.compile(r"(\d+)(?:件の進捗報告が確認待ちです| updates? waits? for review)")


class Cluster:
    """The drill's processes, by name, with a log file each; all stopped at the end, whatever happened."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder = env, folder
        self.processes: dict[str, subprocess.Popen] = {}

    def log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def web(self, name: str) -> int:
        port = free_port()
        self.processes[name] = start_web(web_environment(self.env), port, self.log(name), workers=2)
        return port

    def worker(self, name: str) -> None:
        self.processes[name] = start_worker(self.env, self.log(name))

    def beat(self, name: str) -> None:
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "tests.drill_beat_settings", "DRILL_DAY": DAY}
        command = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"]
        with self.log(name).open("a") as output:
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=subprocess.STDOUT
            )

    def text(self, name: str) -> str:
        return self.log(name).read_text() if self.log(name).exists() else ""

    def kill(self, name: str) -> None:
        kill_worker(self.processes[name])

    def stop_all(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                continue
            if name.startswith("beat"):
                kill_worker(process)  # a beat waiting for the lock has nothing to finish
            elif name.startswith("web"):
                stop_web(process)
            else:
                stop_worker(process)

    def tail(self) -> str:
        return "\n".join(f"--- {name}\n{self.text(name)[-2500:]}" for name in self.processes)


def tasks_done(log: str, task: str) -> list[str]:
    """The ids of the tasks named `task` that a worker's log says succeeded."""
    return re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] succeeded", log)


def task_in_hand(log: str, task: str) -> str | None:
    """The id of the task named `task` a worker received last and has not finished (None if there is none)."""
    received = re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received", log)
    finished = set(tasks_done(log, task))
    unfinished = [task_id for task_id in received if task_id not in finished]
    return unfinished[-1] if unfinished else None


def worker_holding(port: int, cluster: Cluster, names: tuple[str, ...]) -> str | None:
    """Which worker has the database connection from `port` (its pool's child runs the task)."""
    for name in names:
        parent = psutil.Process(cluster.processes[name].pid)
        for process in [parent, *parent.children(recursive=True)]:
            if any(connection.laddr.port == port for connection in process.net_connections(kind="tcp")):
                return name
    return None


def get(port: int, path: str, cookie: str) -> str:
    """The page at `path` from the server at `port`, as the signed-in regulator staff member."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read().decode()
    finally:
        connection.close()
    assert response.status == 200, (response.status, body[-2000:])
    return body


def waiting_for_review(port: int, cookie: str) -> int:
    """The dashboard's count of progress updates waiting for review, as the server at `port` shows it."""
    return int(QUEUE_COUNT.search(get(port, "/dashboard/", cookie))[1])


def dashboard_copies(redis_url: str) -> int:
    """How many copies of the regulator's dashboard the shared cache holds (one per state of the data)."""
    with redis.Redis.from_url(redis_url) as cache:
        return len(cache.keys("*dashboard:regulator:*"))


def concurrent_writes(port: int, writer: dict, rounds: int) -> Counter:
    """`rounds` times: every writer sends an update of the same item with the version it read, all at once."""
    statuses: Counter = Counter()
    for round_number in range(rounds):
        _, etag, _ = call(port, "GET", f"/api/v1/implementations/{writer['item']}/", writer["token"])
        barrier = threading.Barrier(WRITERS)

        def write(number: int, version: str = etag, round_number: int = round_number, barrier=barrier) -> None:
            body = {"implementation": writer["item"], "status": writer["status"]}
            body["narrative"] = f"drill write {round_number}-{number}"
            barrier.wait(timeout=30)
            status, _, _ = call(port, "POST", "/api/v1/progress-updates/", writer["token"], body, if_match=version)
            statuses[status] += 1

        threads = [threading.Thread(target=write, args=(number,)) for number in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return statuses


def test_two_servers_two_workers_and_two_beats_keep_every_promise(
    redis_server, scratch_database, tmp_path, drill_report
):
    mail_folder = tmp_path / "mail"
    broker, cache_url = redis_server.url, redis_server.url.removesuffix("/0") + "/1"
    env = environment(scratch_database, broker, mail_folder)
    env |= {
        "CACHE_URL": cache_url,
        "OTP_REQUIRED_FOR_REGULATOR": "False",
        # A task whose worker died comes back after 10 seconds (a sweep here takes a few); looked for every second.
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "CELERY_BEAT_MAX_LOOP_INTERVAL": "1",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "load_report")
    manage(env, "load_demo")
    manage(env, "shell", "-c", MANY_ITEMS.replace("MEASURES", str(EXTRA_MEASURES)))
    token, item, status = manage(env, "shell", "-c", WRITER).split()
    writer = {"token": token, "item": int(item), "status": status}
    cookie = manage(env, "shell", "-c", REGULATOR_SESSION)
    owed = int(manage(env, "shell", "-c", REMINDERS_OWED))

    cluster = Cluster(env, tmp_path)
    proxy = None
    try:
        web_a, web_b = cluster.web("web-a"), cluster.web("web-b")
        proxy = RoundRobinProxy([web_a, web_b])
        cluster.worker("worker-1")
        cluster.worker("worker-2")

        # (b) The dashboard through each server, a write through one, the dashboard again through the other.
        before = (waiting_for_review(web_a, cookie), waiting_for_review(web_b, cookie))
        copies_before = dashboard_copies(cache_url)
        _, etag, _ = call(web_a, "GET", f"/api/v1/implementations/{writer['item']}/", writer["token"])
        body = {"implementation": writer["item"], "status": writer["status"], "narrative": "drill: seen everywhere"}
        assert call(web_a, "POST", "/api/v1/progress-updates/", writer["token"], body, if_match=etag)[0] == 201
        after = (waiting_for_review(web_b, cookie), waiting_for_review(web_a, cookie))
        copies_after = dashboard_copies(cache_url)

        # (c) Writers through both servers at once, each round on the same version of one item.
        _, etag, _ = call(proxy.port, "GET", f"/api/v1/implementations/{writer['item']}/", writer["token"])
        first_version = int(etag.strip('"'))
        statuses = concurrent_writes(proxy.port, writer, ROUNDS)
        _, etag, _ = call(proxy.port, "GET", f"/api/v1/implementations/{writer['item']}/", writer["token"])
        stored_writes = Counter(
            narrative
            for (narrative,) in query(
                scratch_database,
                "SELECT narrative FROM remediation_progressupdate WHERE narrative LIKE 'drill write %'",
            )
        )

        # (a) and (d): the beat that holds the lock sends the sweep every few seconds; a second beat is started
        # by mistake; the worker that takes the first sweep is killed in the middle of it.
        cluster.beat("beat-1")
        wait_for(lambda: "Acquired lock" in cluster.text("beat-1"), "the first beat to hold the lock", timeout=60)
        cluster.beat("beat-2")
        wait_for(lambda: "beat: Starting" in cluster.text("beat-2"), "the second beat to start", timeout=60)
        wait_for(lambda: query(scratch_database, SWEEP_IN_FLIGHT), "a sweep to start", timeout=60)
        victim, deadline = None, time.monotonic() + 60
        while victim is None and time.monotonic() < deadline:
            rows = query(scratch_database, SWEEP_IN_FLIGHT)
            victim = worker_holding(rows[0][0], cluster, ("worker-1", "worker-2")) if rows else None
        assert victim is not None, "no worker found running the sweep"
        cut_off = task_in_hand(cluster.text(victim), SWEEP)
        sent_when_killed = query(scratch_database, SENT)[0][0]
        cluster.kill(victim)
        survivor = "worker-2" if victim == "worker-1" else "worker-1"
        cluster.worker(f"{victim}-again")  # the orchestrator starts a replacement; the survivor goes on meanwhile
        live = (survivor, f"{victim}-again")

        def redelivered_and_done() -> bool:
            return any(cut_off in tasks_done(cluster.text(name), SWEEP) for name in live)

        wait_for(redelivered_and_done, "the killed worker's sweep to be done by another", timeout=90)
        wait_for(lambda: query(scratch_database, SENT)[0][0] == owed, "every reminder owed to be sent", timeout=60)
        wait_for(lambda: sum(digests(mail_folder).values()) >= digest_counts(scratch_database, mail_folder)["sent"],
                 "the digests", timeout=60)  # fmt: skip
        time.sleep(3)  # anything sent twice, or scheduled by the second beat, would show now
        beat_2_alive = cluster.processes["beat-2"].poll() is None
    except BaseException as error:
        error.add_note(cluster.tail())
        raise
    finally:
        if proxy is not None:
            proxy.close()
        cluster.stop_all()

    sweeps = {
        name: cluster.text(name).count(f"Sending due task sweep-reminders ({SWEEP})") for name in ("beat-1", "beat-2")
    }
    workers = ("worker-1", "worker-2", f"{victim}-again")
    digests_by_worker = {name: len(tasks_done(cluster.text(name), DIGEST)) for name in workers}
    sweeps_by_worker = {name: len(tasks_done(cluster.text(name), SWEEP)) for name in workers}
    accepted, refused = statuses[201], statuses[412]
    last_version = int(etag.strip('"'))
    counts = digest_counts(scratch_database, mail_folder)
    drill_report(
        **counts,
        reminders_owed=owed,
        reminders_sent=query(scratch_database, SENT)[0][0],
        sweeps_by_beat_1=sweeps["beat-1"],
        sweeps_by_beat_2=sweeps["beat-2"],
        killed=f"{victim} with {sent_when_killed} sent",
        its_sweep_redelivered=cut_off is not None,
        sweeps_done_by=" ".join(f"{name}:{n}" for name, n in sweeps_by_worker.items()),
        digests_by=" ".join(f"{name}:{n}" for name, n in digests_by_worker.items()),
        dashboard_waiting=f"A,B {before} -> B,A {after}",
        dashboard_copies=f"{copies_before} -> {copies_after}",
        writes_sent=sum(statuses.values()),
        writes_accepted=accepted,
        writes_refused_412=refused,
        writes_stored=sum(stored_writes.values()),
        versions=f"{first_version} -> {last_version}",
        connections_by_server=" ".join(str(n) for n in proxy.given.values()),
    )
    print(f"multi-node drill: {counts} sweeps {sweeps} digests {digests_by_worker} writes {dict(statuses)}")

    # (a) Each digest once, whichever worker sent it; only the beat holding the lock scheduled anything.
    assert counts["duplicates"] == 0 and counts["lost"] == 0, counts
    assert counts["sent"] == counts["acknowledged"] == counts["present_after"] > 0, counts
    assert sweeps["beat-1"] >= 1 and sweeps["beat-2"] == 0, sweeps
    assert beat_2_alive and "Acquired lock" not in cluster.text("beat-2")  # waiting, not gone
    # (b) A write through A shows on the next view through B, from one copy in the shared cache per state.
    assert before[0] == before[1] and after == (before[0] + 1, before[0] + 1), (before, after)
    assert (copies_before, copies_after) == (1, 2)
    # (c) Each version taken by exactly one writer; every accepted write stored once; the rest refused with 412.
    assert accepted == ROUNDS and refused == ROUNDS * (WRITERS - 1), statuses
    assert len(stored_writes) == accepted and set(stored_writes.values()) == {1}, stored_writes
    assert last_version == first_version + accepted
    assert len(proxy.given) == 2 and min(proxy.given.values()) >= ROUNDS, proxy.given
    # (d) The killed worker's sweep came back and was done by a worker still running; no reminder sent twice.
    assert cut_off is not None and sent_when_killed == 0
    assert query(scratch_database, "SELECT count(*) FROM remediation_reminder")[0][0] == owed
