"""Each person's digest at the time they chose, within the hours the regulator allows, once."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from remediation.models import DigestSchedule, Reminder, ReminderRecipient
from remediation.services.reminders import digest_dispatch, reminder_sweep
from tests.clock import on_day
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _on_today():
    """These tests draw their data and their expectations on TODAY: the whole test runs on that day."""
    with on_day(TODAY):
        yield


TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def at(hour: int, minute: int = 0, day: datetime.date = TODAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TOKYO)


@pytest.fixture
def with_addresses(officers):
    for officer in officers.values():
        officer.email = f"{officer.username}@example.invalid"
        officer.save()
    return officers


def mailed_to(address: str) -> int:
    return sum(1 for message in mail.outbox if message.to == [address])


def test_a_digest_goes_out_at_the_persons_time_and_once(with_addresses, django_capture_on_commit_callbacks):
    late_riser = with_addresses["kansai-td"]
    late_riser.digest_time = datetime.time(17, 0)
    late_riser.save()
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(today=TODAY, digest_at=at(9))
    assert mailed_to("officer-chubu-td@example.invalid") == 1  # the default time, 09:00
    assert mailed_to("officer-kansai-td@example.invalid") == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert late_riser.pk not in digest_dispatch(now=at(16, 45))
    with django_capture_on_commit_callbacks(execute=True):
        assert set(digest_dispatch(now=at(17))) == {late_riser.pk}
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_dispatch(now=at(17, 15)) == {}
    assert mailed_to("officer-kansai-td@example.invalid") == 1
    assert mailed_to("officer-chubu-td@example.invalid") == 1
    assert not ReminderRecipient.objects.filter(mailed_at__isnull=True).exists()


def test_a_choice_outside_new_limits_is_kept_within_them(with_addresses, django_capture_on_commit_callbacks):
    person = with_addresses["kansai-td"]
    person.digest_time = datetime.time(17, 0)
    person.save()
    DigestSchedule.objects.update_or_create(
        pk=1, defaults={"earliest": datetime.time(10), "latest": datetime.time(12), "default_time": datetime.time(10)}
    )
    assert DigestSchedule.current().time_for(person) == datetime.time(12)
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(today=TODAY, digest_at=at(9))
    assert mail.outbox == []  # nobody before ten now
    with django_capture_on_commit_callbacks(execute=True):
        digest_dispatch(now=at(12))
    assert mailed_to("officer-kansai-td@example.invalid") == 1


def test_reminders_of_an_earlier_day_go_at_once(with_addresses, django_capture_on_commit_callbacks):
    """The dispatcher was down until the next morning: yesterday's digests go before anyone's time."""
    person = with_addresses["kansai-td"]
    person.digest_time = datetime.time(17, 0)
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(today=TODAY, digest_at=at(9))
    ReminderRecipient.objects.update(mailed_at=None)  # as if nothing had gone out
    mail.outbox.clear()
    yesterday = TODAY - datetime.timedelta(days=1)
    Reminder.objects.update(sent_at=at(9, day=yesterday), addressed_on=yesterday)
    with django_capture_on_commit_callbacks(execute=True):
        digest_dispatch(now=at(8))
    assert mailed_to("officer-kansai-td@example.invalid") == 1


def test_the_regulator_sets_the_limits_no_earlier_than_the_sweep():
    schedule = DigestSchedule.current()
    schedule.earliest = datetime.time(7, 0)
    with pytest.raises(ValidationError, match="09:00"):
        schedule.full_clean()
    schedule.earliest, schedule.default_time = datetime.time(9), datetime.time(19)
    with pytest.raises(ValidationError):
        schedule.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        schedule.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        DigestSchedule.objects.create(pk=2)


def test_the_beat_dispatches_digests_every_quarter_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-digests"]
    assert entry["task"] == "remediation.tasks.dispatch_digests"
    assert entry["schedule"].minute == {0, 15, 30, 45}


def test_a_person_chooses_a_time_within_the_limits_on_the_preferences_page(officers):
    person = officers["okinawa"]
    client = signed_in(person, second_factor=False)
    url = reverse("remediation:preferences")
    page = client.get(url).content.decode()
    assert 'value="09:00"' in page and 'value="18:00"' in page and 'value="18:30"' not in page
    response = client.post(url, {"language": "en", "digest_time": "16:30"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.language, person.digest_time) == ("en", datetime.time(16, 30))
    # Outside the limits, or an unknown language: refused, nothing changed.
    assert client.post(url, {"language": "ja", "digest_time": "20:00"}).status_code == 400
    assert client.post(url, {"language": "fr", "digest_time": ""}).status_code == 400
    person.refresh_from_db()
    assert (person.language, person.digest_time) == ("en", datetime.time(16, 30))
    assert client.post(url, {"language": "ja", "digest_time": ""}).status_code == 302
    person.refresh_from_db()
    assert (person.language, person.digest_time) == ("ja", None)
