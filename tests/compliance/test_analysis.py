"""The daily analysis of the access log flags cross-company attempts, unusual volumes and lockouts."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client

from compliance import clock
from compliance.analysis import UNUSUAL_FLOOR, access_log_analyse
from compliance.models import AccessAnomaly, AccessLogEntry
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_denied_cross_company_attempts_are_flagged(officers):
    owner = officers["kansai-td"]
    update = submit_update(owner, "private")
    snooper = officers["kansai-retail"]
    client = signed_in(snooper, second_factor=False)
    for _ in range(3):
        assert client.get(update.get_absolute_url()).status_code == 404
    [anomaly] = access_log_analyse(day=clock.today())
    assert (anomaly.kind, anomaly.user, anomaly.count) == ("cross_company_denied", snooper, 3)


def test_an_unusual_volume_of_reads_is_flagged_once(regulator_staff):
    now = clock.now()
    entries = [
        AccessLogEntry(at=now, user=regulator_staff, username="regulator-staff", action="read", object_id=str(n))
        for n in range(UNUSUAL_FLOOR + 1)
    ]
    from compliance.audit import _append

    _append(entries)
    day = clock.today()
    assert [a.kind for a in access_log_analyse(day=day)] == ["unusual_volume"]
    access_log_analyse(day=day)
    assert AccessAnomaly.objects.filter(kind="unusual_volume", user=regulator_staff, day=day).count() == 1


def test_the_volume_of_reads_counts_records_read_not_requests(regulator_staff):
    """One request that reads many records is one entry, and its records count towards the volume."""
    from compliance.audit import _append

    now = clock.now()
    records = [{"type": "remediation.progressupdate", "id": str(n), "company": 1} for n in range(UNUSUAL_FLOOR + 1)]
    _append([AccessLogEntry(at=now, user=regulator_staff, username="regulator-staff", action="read", records=records)])
    [anomaly] = access_log_analyse(day=clock.today())
    assert (anomaly.kind, anomaly.count) == ("unusual_volume", UNUSUAL_FLOOR + 1)


def test_a_lockout_is_flagged(officers, capsys):
    for attempt in range(10):
        Client().post("/accounts/login/", {"username": "officer-okinawa", "password": f"wrong-{attempt}"})
    call_command("analyse_access_log", "--day", clock.today().isoformat())
    assert "lockout officer-okinawa" in capsys.readouterr().out
    assert AccessAnomaly.objects.filter(kind="lockout", user=officers["okinawa"]).exists()


def test_nothing_is_flagged_on_a_quiet_day(regulator_staff):
    assert access_log_analyse(day=datetime.date(2024, 1, 1)) == []


def test_the_regulator_sees_the_analysis(regulator_client, officers):
    AccessAnomaly.objects.create(kind="lockout", user=officers["okinawa"], day=clock.today(), count=1)
    page = regulator_client.get("/audit/anomalies/").content.decode()
    assert "officer-okinawa" in page


def test_the_analysis_runs_every_night_from_the_beat_schedule(officers):
    from celery.schedules import crontab
    from django.conf import settings

    from compliance.tasks import analyse_access_log

    entry = settings.CELERY_BEAT_SCHEDULE["analyse-access-log"]
    assert entry["task"] == analyse_access_log.name
    assert entry["schedule"] == crontab(hour=1, minute=0)
    assert settings.CELERY_TIMEZONE == "Asia/Tokyo"
    for attempt in range(10):
        Client().post("/accounts/login/", {"username": "officer-tohoku-td", "password": f"wrong-{attempt}"})
    assert analyse_access_log.apply(args=[clock.today().isoformat()]).get() == 1
    assert analyse_access_log.apply(args=[clock.today().isoformat()]).get() == 1
    assert AccessAnomaly.objects.filter(kind="lockout").count() == 1
