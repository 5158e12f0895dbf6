"""The sweep through a real Celery worker on a real Redis, against a database of its own.

A worker killed with SIGKILL in the middle of a sweep of thousands of items loses nothing and sends
nothing twice; with Redis stopped, the web keeps saving updates and the reminders go out once it is back.
These tests start their own Redis server (skipped where redis-server is not installed) and their own
PostgreSQL database on the test server, so nothing they do reaches other tests.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from email import message_from_string
from email.header import decode_header, make_header
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed here")
ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-25"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server that a test can stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(lambda: _answers(self.port), "redis to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_for(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def _server_parameters() -> dict:
    database = settings.DATABASES["default"]
    parameters = {"user": database["USER"] or "postgres", "password": database["PASSWORD"] or None}
    parameters["host"] = database["OPTIONS"].get("host") or database["HOST"] or "127.0.0.1"
    if database["PORT"]:
        parameters["port"] = database["PORT"]
    return parameters


@pytest.fixture
def scratch_database():
    """A database of its own on the test server, migrated and loaded with the report and the demo people."""
    name = f"worker_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(dbname="postgres", **_server_parameters())
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    parameters = _server_parameters()
    host = parameters["host"]
    location = f"@/{name}?host={host}" if host.startswith("/") else f"@{host}:{parameters.get('port', 5432)}/{name}"
    url = f"postgresql://{parameters['user']}{location}"
    try:
        yield url
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def environment(database_url: str, redis_url: str, mail_folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DJANGO_SETTINGS"))}
    env.update(
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_VISIBILITY_TIMEOUT="20",  # a lost task comes back after 20 seconds (a sweep here takes ~6),
        CELERY_RESTORE_INTERVAL="1",  # looked for every second
        CELERY_RESTORE_THROTTLE="1",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_folder),
        SECRET_KEY="worker-tests",
        DEBUG="True",  # for load_demo
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        EVIDENCE_ROOT=str(mail_folder.parent / "evidence"),
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def start_worker(env: dict[str, str], log: Path | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "compliance", "worker", "--concurrency", "1", "--loglevel", "INFO"]
    command += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    output = log.open("a") if log else subprocess.DEVNULL
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=subprocess.STDOUT)


def kill_worker(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def stop_worker(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill_worker(worker)


def query(database_url: str, sql: str):
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def digests(mail_folder: Path) -> Counter:
    """How many reminder digests each address received (other mail, such as update notices, left aside)."""
    received: Counter = Counter()
    for path in mail_folder.glob("*.log"):
        for raw in path.read_text().split("-" * 79):
            if "Subject:" not in raw:
                continue
            message = message_from_string(raw.strip())
            subject = str(make_header(decode_header(message["Subject"])))
            if "フォローアップ対象" in subject:
                received[message["To"]] += 1
    return received


MANY_ITEMS = """
import datetime
from cases.models import Finding, SafeguardType
from compliance.models import Company
from remediation.models import Implementation, Measure
finding = Finding.objects.get(code="td-1")
safeguard = SafeguardType.objects.get(code="technical")
measures = Measure.objects.bulk_create(
    Measure(
        finding=finding, code=f"load-{n}", safeguard_type=safeguard, kind="standing", text_ja="負荷", position=100 + n
    )
    for n in range(MEASURES)
)
companies = list(Company.objects.exclude(kind="contractor"))
due = datetime.date(2026, 11, 25)
Implementation.objects.bulk_create(
    Implementation(measure=m, company=c, status="in_progress", due_on=due, baseline_due_on=due)
    for m in measures
    for c in companies
)
print(Implementation.objects.count())
"""


def test_a_worker_killed_mid_sweep_loses_nothing_and_sends_nothing_twice(redis_server, scratch_database, tmp_path):
    mail_folder = tmp_path / "mail"
    env = environment(scratch_database, redis_server.url, mail_folder)
    manage(env, "migrate", "--noinput")
    manage(env, "load_report")
    manage(env, "load_demo")
    items = int(manage(env, "shell", "-c", MANY_ITEMS.replace("MEASURES", "400")).strip())
    assert items > 6000

    worker = start_worker(env, tmp_path / "worker.log")
    manage(env, "shell", "-c", f"from remediation.tasks import sweep_reminders; sweep_reminders.delay('{TODAY}')")
    # Kill it while the sweep's transaction is open: nothing of it is committed yet.
    wait_for(
        lambda: (
            query(
                scratch_database,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state <> 'idle' AND query ILIKE '%remediation_reminder%' AND pid <> pg_backend_pid()",
            )[0][0]
            > 0
        ),
        "the sweep to start",
    )
    kill_worker(worker)
    assert query(scratch_database, "SELECT count(*) FROM remediation_reminder WHERE sent_at IS NOT NULL")[0][0] == 0

    worker = start_worker(env, tmp_path / "worker.log")
    try:
        expected = int(
            manage(
                env,
                "shell",
                "-c",
                f"""
import datetime
from remediation.models import ReminderPolicy
from remediation.reminders import companies_concerned
from remediation.services import _open_items
from remediation.reminders import owed_moment
policies = ReminderPolicy.all_by_kind()
day = datetime.date.fromisoformat('{TODAY}')
print(sum(len(companies_concerned(i)) for i in _open_items() if owed_moment(i, policies, day)))
""",
            ).strip()
        )
        wait_for(
            lambda: (
                query(scratch_database, "SELECT count(*) FROM remediation_reminder WHERE sent_at IS NOT NULL")[0][0]
                == expected
            ),
            "the sweep to be redelivered and finish",
        )
        officers_reminded = query(
            scratch_database,
            "SELECT count(DISTINCT user_id) FROM remediation_reminder_recipients r "
            "JOIN compliance_user u ON u.id = r.user_id WHERE u.email <> ''",
        )[0][0]
        wait_for(lambda: sum(digests(mail_folder).values()) >= officers_reminded, "the digests")
        time.sleep(2)  # anything sent twice would arrive now
    finally:
        stop_worker(worker)
    received = digests(mail_folder)
    assert len(received) == officers_reminded
    assert set(received.values()) == {1}, received  # one digest each: none lost, none twice
    assert query(scratch_database, "SELECT count(*) FROM remediation_reminder")[0][0] == expected


RECIPIENTS = "SELECT count(*) FROM remediation_reminder_recipients"
SUBMIT_WITH_REDIS_DOWN = """
from django.test import Client
from compliance.models import User
from remediation.models import Implementation, ProgressUpdate
from remediation.services import progress_update_submit
officer = User.objects.get(username="officer-okinawa")
client = Client()
client.force_login(officer)
assert client.get("/cases/ppc-2024-utilities/").status_code == 200
item = Implementation.objects.get(company__code="okinawa", measure__kind="project")
progress_update_submit(
    actor=officer, item=item, item_version=item.version, status="in_progress", narrative="Redis is down"
)
print(ProgressUpdate.objects.filter(narrative="Redis is down").count())
"""


def test_with_redis_stopped_the_web_saves_and_reminders_go_out_once_it_is_back(
    redis_server, scratch_database, tmp_path
):
    mail_folder = tmp_path / "mail"
    env = environment(scratch_database, redis_server.url, mail_folder)
    manage(env, "migrate", "--noinput")
    manage(env, "load_report")
    manage(env, "load_demo")
    redis_server.stop()
    assert manage(env, "shell", "-c", SUBMIT_WITH_REDIS_DOWN).strip().endswith("1")
    manage(env, "send_reminders", "--today", TODAY)  # the sweep cannot queue its digests: it gives them back
    assert query(scratch_database, f"{RECIPIENTS} WHERE mailed_at IS NOT NULL")[0][0] == 0
    assert query(scratch_database, f"{RECIPIENTS} WHERE mailed_at IS NULL")[0][0] > 0

    redis_server.start()
    worker = start_worker(env)
    try:
        manage(env, "send_reminders", "--today", TODAY)
        wait_for(lambda: len(digests(mail_folder)) > 0, "the digests once Redis is back")
        time.sleep(2)
    finally:
        stop_worker(worker)
    assert query(scratch_database, f"{RECIPIENTS} WHERE mailed_at IS NULL")[0][0] == 0
    assert set(digests(mail_folder).values()) == {1}
