"""Webhooks through a real Celery worker on a real Redis: a worker killed (SIGKILL) while a receiver holds its
request loses no event; the sweep sends it again once the attempt's lease has passed, with the same webhook-id.

The test starts its own Redis server (skipped where redis-server is not installed) and its own database.
"""

from __future__ import annotations

import shutil
import time

import pytest
from standardwebhooks import Webhook

from tests.compliance.webhook_receiver import running_receiver
from tests.real_services import environment, kill_worker, manage, query, start_worker, stop_worker, wait_for

pytestmark = [
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed here"),
    # The worker keeps real time (the signatures' timestamps are checked against it).
    pytest.mark.real_clock,
]
LEASE = 4

SUBSCRIBE = """
from compliance.models import User
from compliance.webhooks import webhook_subscribe
officer = User.objects.get(username="officer-okinawa")
subscription, secret = webhook_subscribe(actor=officer, url="URL", events=["progress_update.submitted"])
print(secret)
"""
SUBMIT = """
from compliance.models import User
from remediation.models import Implementation
from remediation.services.progress_updates import progress_update_submit
officer = User.objects.get(username="officer-okinawa")
item = Implementation.objects.get(company__code="okinawa", measure__kind="project")
update = progress_update_submit(
    actor=officer, item=item, item_version=item.version, status="in_progress", narrative="webhook drill"
)
print(update.pk)
"""
DELIVERY = "SELECT status, attempts, message_id FROM compliance_webhookdelivery"


def test_a_worker_killed_during_a_delivery_loses_no_event(redis_server, scratch_database, tmp_path, drill_report):
    env = environment(scratch_database, redis_server.url, tmp_path / "mail")
    # An attempt counts as lost after LEASE seconds; the sweep takes what is due at once.
    env.update(WEBHOOK_LEASE=str(LEASE), WEBHOOK_TIMEOUT="30", WEBHOOK_SWEEP_GRACE="0")
    manage(env, "migrate", "--noinput")
    manage(env, "load_report")
    manage(env, "load_demo")

    with running_receiver(hold_first=True) as receiver:
        secret = manage(env, "shell", "-c", SUBSCRIBE.replace("URL", receiver.url)).strip()
        worker = start_worker(env, tmp_path / "worker.log")
        try:
            update_id = int(manage(env, "shell", "-c", SUBMIT).strip())
            wait_for(lambda: len(receiver.received) >= 1, "the first attempt to reach the receiver")
            kill_worker(worker)  # while the receiver holds its request, unanswered
            [(status, attempts, message_id)] = query(scratch_database, DELIVERY)
            assert (status, attempts) == ("pending", 1)

            worker = start_worker(env, tmp_path / "worker.log")
            time.sleep(LEASE + 1)
            manage(env, "shell", "-c", "from compliance.tasks import sweep_webhooks; sweep_webhooks.delay()")
            wait_for(lambda: query(scratch_database, DELIVERY)[0][0] == "delivered", "the event delivered again")
            time.sleep(2)  # anything sent more than once would arrive now
        finally:
            stop_worker(worker)
        received = list(receiver.received)

    [(status, attempts, message_id)] = query(scratch_database, DELIVERY)
    events_received = {request.headers["webhook-id"] for request in received}
    drill_report(
        sent=1,
        acknowledged=int(status == "delivered"),
        present_after=len(events_received),
        duplicates=len(received) - len(events_received),  # the same webhook-id again: the receiver can tell
        lost=1 - len(events_received),
        attempts=attempts,
    )
    assert status == "delivered" and attempts >= 2
    assert len(received) == attempts
    assert {request.headers["webhook-id"] for request in received} == {message_id}
    assert len({request.body for request in received}) == 1
    for request in received:
        payload = Webhook(secret).verify(request.body, request.headers)
        assert payload["type"] == "progress_update.submitted" and payload["data"]["id"] == update_id
