"""Mail goes out after the transaction commits; a broker that cannot be reached never loses an update."""

import pytest
from django.core import mail

from compliance.celery import app
from tests.conftest import submit_update

pytestmark = pytest.mark.django_db


def test_no_mail_is_sent_before_the_commit(officers, regulator_staff, django_capture_on_commit_callbacks):
    regulator_staff.email = "staff@regulator.example"
    regulator_staff.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_update(officers["okinawa"])
    assert mail.outbox == []  # queued for after the commit, not sent inside the transaction
    assert len(callbacks) == 1


def test_an_unreachable_broker_is_logged_and_the_update_stays(
    officers, regulator_staff, caplog, django_capture_on_commit_callbacks
):
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        with django_capture_on_commit_callbacks(execute=True):
            update = submit_update(officers["okinawa"])
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker
    update.refresh_from_db()
    assert update.pk is not None
    assert "could not queue the submitted mail" in caplog.text
