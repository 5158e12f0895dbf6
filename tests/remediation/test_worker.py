"""The sweep through a real Celery worker on a real Redis, against a database of its own.

A worker killed with SIGKILL in the middle of a sweep of thousands of items loses nothing and sends
nothing twice; with Redis stopped, the web keeps saving updates and the reminders go out once it is back.
These tests start their own Redis server (skipped where redis-server is not installed) and their own
PostgreSQL database on the test server, so nothing they do reaches other tests.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from email import message_from_string
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from tests.real_services import (
    environment,
    kill_worker,
    manage,
    query,
    start_worker,
    stop_worker,
    wait_for,
)

pytestmark = [
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed here"),
    # The worker and the servers these tests start keep real time; every day the tests need is given explicitly.
    pytest.mark.real_clock,
]
TODAY = "2026-11-25"


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


OFFICERS_OWED = (
    "SELECT DISTINCT u.email FROM remediation_reminder_recipients r JOIN compliance_user u ON u.id = r.user_id "
    "WHERE u.email <> ''"
)
OFFICERS_MAILED = (
    "SELECT count(DISTINCT r.user_id) FROM remediation_reminder_recipients r JOIN compliance_user u "
    "ON u.id = r.user_id WHERE u.email <> '' AND r.mailed_at IS NOT NULL"
)


def digest_counts(database_url: str, mail_folder: Path) -> dict[str, int]:
    """A drill's counts in reminder digests: owed (one a reminded officer), marked mailed in the ledger, received."""
    owed = {email for (email,) in query(database_url, OFFICERS_OWED)}
    received = digests(mail_folder)
    return {
        "sent": len(owed),
        "acknowledged": query(database_url, OFFICERS_MAILED)[0][0],
        "present_after": sum(received.values()),
        "duplicates": sum(received.values()) - len(received),
        "lost": len(owed - set(received)),
    }


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


def test_a_worker_killed_mid_sweep_loses_nothing_and_sends_nothing_twice(
    redis_server, scratch_database, tmp_path, drill_report
):
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
from remediation.services.reminders import _open_items
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
    reminders = query(scratch_database, "SELECT count(*) FROM remediation_reminder")[0][0]
    drill_report(**digest_counts(scratch_database, mail_folder), reminders_owed=expected, reminders_stored=reminders)
    received = digests(mail_folder)
    assert len(received) == officers_reminded
    assert set(received.values()) == {1}, received  # one digest each: none lost, none twice
    assert query(scratch_database, "SELECT count(*) FROM remediation_reminder")[0][0] == expected


RECIPIENTS = "SELECT count(*) FROM remediation_reminder_recipients"
SUBMIT_WITH_REDIS_DOWN = """
from django.test import Client
from compliance.models import User
from remediation.models import Implementation, ProgressUpdate
from remediation.services.progress_updates import progress_update_submit
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
    redis_server, scratch_database, tmp_path, drill_report
):
    mail_folder = tmp_path / "mail"
    env = environment(scratch_database, redis_server.url, mail_folder)
    manage(env, "migrate", "--noinput")
    manage(env, "load_report")
    manage(env, "load_demo")
    redis_server.stop()
    saved = manage(env, "shell", "-c", SUBMIT_WITH_REDIS_DOWN).strip()
    assert saved.endswith("1")
    manage(env, "send_reminders", "--today", TODAY)  # the sweep cannot queue its digests: it gives them back
    given_back = query(scratch_database, f"{RECIPIENTS} WHERE mailed_at IS NULL")[0][0]
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
    drill_report(
        **digest_counts(scratch_database, mail_folder),
        updates_saved_with_redis_down=int(saved.split()[-1]),
        reminders_given_back=given_back,
    )
    assert query(scratch_database, f"{RECIPIENTS} WHERE mailed_at IS NULL")[0][0] == 0
    assert set(digests(mail_folder).values()) == {1}
