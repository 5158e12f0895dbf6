"""Mail goes out after the transaction commits; a broker that cannot be reached never loses an update."""

from unittest import mock

import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from remediation.tasks import send_progress_update_mail
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
    # The broker is outside our system: its failure is simulated where our code meets it.
    refused = mock.patch.object(
        send_progress_update_mail, "apply_async", side_effect=OperationalError("Error 111 connecting")
    )
    with refused, django_capture_on_commit_callbacks(execute=True):
        update = submit_update(officers["okinawa"])
    update.refresh_from_db()
    assert update.pk is not None
    assert "could not queue the submitted mail" in caplog.text
