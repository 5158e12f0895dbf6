"""The access log's retention: a month archived through `backup`, the archive read back, then dropped; verification
from the boundary checkpoint after; nothing dropped when the archive cannot be written."""

from __future__ import annotations

import datetime
import json
import tarfile

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import translation

from compliance import clock
from compliance.audit import access_log_denied
from compliance.checkpoints import Checkpoint, access_log_checkpoint
from compliance.log_check import access_log_verify
from compliance.models import AccessLogEntry
from compliance.partitions import Month, partitions_present
from config.backup.access_log import access_log_prune, archive_month_verify
from tests.access_log import chained

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    settings.ACCESS_LOG_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    settings.ACCESS_LOG_ARCHIVE_DIR = tmp_path / "archives"
    return settings.ACCESS_LOG_CHECKPOINT_FILE


def written_on(user, moment: datetime.datetime, count: int) -> list[AccessLogEntry]:
    with time_machine.travel(moment, tick=False):
        request = RequestFactory().get("/somewhere/")
        request.user = user
        return [access_log_denied(request=request, object_type="test.record", object_id=str(n)) for n in range(count)]


@pytest.fixture
def three_months(regulator_staff, checkpoint_file) -> dict[str, list[AccessLogEntry]]:
    months = {
        "2018-01": written_on(regulator_staff, datetime.datetime(2018, 1, 20, tzinfo=clock.TOKYO), 3),
        "2018-02": written_on(regulator_staff, datetime.datetime(2018, 2, 20, tzinfo=clock.TOKYO), 4),
        "2018-03": written_on(regulator_staff, datetime.datetime(2018, 3, 20, tzinfo=clock.TOKYO), 2),
    }
    return {month: chained(entries) for month, entries in months.items()}


def test_a_month_is_archived_then_dropped_and_verification_starts_at_its_boundary(three_months, tmp_path, capsys):
    access_log_checkpoint()
    output = tmp_path / "2018-01.tar"
    call_command("backup", "--access-log-month", "2018-01", "--output", str(output), "--drop")
    assert "3 entries up to position" in capsys.readouterr().out
    assert Month(2018, 1) not in partitions_present()
    assert not AccessLogEntry.objects.filter(pk__in=[e.pk for e in three_months["2018-01"]]).exists()

    manifest = archive_month_verify(path=output)
    assert manifest["month"] == "2018-01" and manifest["entries"] == 3
    with tarfile.open(output) as archive:
        lines = archive.extractfile("access-log-entries.jsonl").read().decode().splitlines()
        boundary = Checkpoint.from_line(archive.extractfile("boundary-checkpoint.jsonl").read().decode())
    assert [json.loads(line)["id"] for line in lines] == [e.pk for e in three_months["2018-01"]]
    assert boundary.boundary and boundary.last_id == three_months["2018-01"][-1].pk

    check = access_log_verify()
    assert check.intact, check.problems
    assert check.start_position == boundary.position
    assert check.checked == 6


def test_the_retention_drops_the_months_older_than_it_after_archiving_each(three_months, settings):
    settings.ACCESS_LOG_RETENTION_MONTHS = 2
    done = access_log_prune(now=datetime.datetime(2018, 3, 25, tzinfo=clock.TOKYO))
    assert [str(archive.month) for archive in done] == ["2018-01"]
    assert (settings.ACCESS_LOG_ARCHIVE_DIR / "access-log-2018-01.tar").is_file()
    assert access_log_verify().intact


def test_no_retention_keeps_every_month(three_months, settings):
    settings.ACCESS_LOG_RETENTION_MONTHS = 0
    assert access_log_prune() == []
    assert Month(2018, 1) in partitions_present()


def test_nothing_is_dropped_when_the_archive_cannot_be_written(three_months, tmp_path):
    missing = tmp_path / "no-such-folder" / "2018-01.tar"
    with pytest.raises(CommandError, match="cannot be written"):
        call_command("backup", "--access-log-month", "2018-01", "--output", str(missing), "--drop")
    assert Month(2018, 1) in partitions_present()
    assert AccessLogEntry.objects.filter(pk=three_months["2018-01"][0].pk).exists()


def test_the_month_holding_the_chains_end_is_kept(three_months, tmp_path):
    with pytest.raises(CommandError, match="holds the chain's last entry"):
        call_command("backup", "--access-log-month", "2018-03", "--output", str(tmp_path / "a.tar"), "--drop")
    assert Month(2018, 3) in partitions_present()


def test_a_damaged_archive_is_refused(three_months, tmp_path):
    output = tmp_path / "2018-02.tar"
    call_command("backup", "--access-log-month", "2018-02", "--output", str(output))
    data = bytearray(output.read_bytes())
    at = data.index(b'"object_id"')
    data[at + 15] = ord("9") if data[at + 15] != ord("9") else ord("8")
    output.write_bytes(bytes(data))
    from config.backup.errors import BackupError

    with pytest.raises(BackupError):
        archive_month_verify(path=output)
