"""The access log written without a lock: requests append unchained entries at once, the sequencer chains them in
order after; the one update the database allows; partitions made on demand; verification from a checkpoint."""

from __future__ import annotations

import datetime
import json
import threading

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import InternalError, connection, transaction
from django.test import RequestFactory
from django.utils import translation

from compliance import clock
from compliance.access_chain import access_log_chain
from compliance.audit import access_log_denied
from compliance.checkpoints import Checkpoint, access_log_checkpoint, checkpoint_sign
from compliance.log_check import access_log_verify
from compliance.models import AccessLogEntry
from tests.access_log import chained, tampered

TABLE = AccessLogEntry._meta.db_table
ANONYMOUS = AnonymousUser()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    settings.ACCESS_LOG_CHECKPOINT_FILE = tmp_path / "access-log.jsonl"
    return settings.ACCESS_LOG_CHECKPOINT_FILE


def denied(user, label: str = "x") -> AccessLogEntry:
    request = RequestFactory().get("/somewhere/", REMOTE_ADDR="192.0.2.7")
    request.user = user
    return access_log_denied(request=request, object_type="test.record", object_id=label)


@pytest.fixture
def shared_log(django_db_blocker):
    """The access log as several connections see it, outside any test transaction: what the test commits is
    removed after it (as the owner could, its triggers lifted for this session)."""
    with django_db_blocker.unblock():
        assert not AccessLogEntry.objects.exists(), "the committed log starts empty"
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute("SET session_replication_role = origin")
        connection.close()


def in_thread(work, *args) -> threading.Thread:
    def run():
        try:
            work(*args)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def positions() -> list[int]:
    return list(AccessLogEntry.objects.order_by("position").values_list("position", flat=True))


@pytest.mark.django_db
def test_an_entry_is_written_unchained_and_visible_at_once(regulator_staff):
    entry = AccessLogEntry.objects.get(pk=denied(regulator_staff).pk)
    assert (entry.position, entry.previous_hash, entry.entry_hash) == (None, "", "")
    [entry] = chained([entry])
    assert entry.position is not None and entry.entry_hash == entry.compute_hash()


def test_two_appends_in_two_open_transactions_do_not_wait_for_each_other(shared_log):
    """Each writer holds its transaction open, its entry written, until both have written: with a lock on the
    request path the second would wait for the first to commit, and the barrier would break."""
    both_written = threading.Barrier(2, timeout=20)
    failures = []

    def writer(label):
        try:
            with transaction.atomic():
                denied(ANONYMOUS, label)
                both_written.wait()
        except Exception as error:
            failures.append(error)

    threads = [in_thread(writer, label) for label in ("a", "b")]
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert access_log_chain() == 2
    assert positions() == [1, 2]
    assert access_log_verify().intact


def test_many_writers_at_once_and_a_running_sequencer_make_one_intact_chain(shared_log):
    writers, each = 8, 25
    done = threading.Event()

    def writer(number):
        for n in range(each):
            denied(ANONYMOUS, f"{number}:{n}")

    def sequencer():
        while not done.is_set():
            access_log_chain()

    running = in_thread(sequencer)
    threads = [in_thread(writer, number) for number in range(writers)]
    for thread in threads:
        thread.join(60)
    done.set()
    running.join(60)
    access_log_chain()
    assert positions() == list(range(1, writers * each + 1))
    check = access_log_verify()
    assert check.intact and check.checked == writers * each


def test_an_entry_committed_late_with_a_lower_id_is_chained_later(shared_log):
    written, commit = threading.Event(), threading.Event()
    late = {}

    def slow_writer():
        with transaction.atomic():
            late["entry"] = denied(ANONYMOUS, "late")
            written.set()
            commit.wait(20)

    thread = in_thread(slow_writer)
    assert written.wait(20)
    early = denied(ANONYMOUS, "early")
    assert access_log_chain() == 1, "the uncommitted entry is not seen yet"
    commit.set()
    thread.join(20)
    assert access_log_chain() == 1
    assert late["entry"].pk < early.pk
    by_id = dict(AccessLogEntry.objects.values_list("id", "position"))
    assert (by_id[early.pk], by_id[late["entry"].pk]) == (1, 2)
    assert access_log_verify().intact


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        "username = 'x'",  # content, unchained
        "position = 7, previous_hash = 'a', entry_hash = 'b', username = 'x'",  # chained, and content changed
        "position = 7",  # chained without hashes
        "position = 7, previous_hash = 'a', entry_hash = 'b', at = at - interval '1 year'",  # moved to another month
    ],
)
def test_the_database_allows_no_update_but_chaining_an_unchained_entry_once(regulator_staff, change):
    entry = denied(regulator_staff)
    with (
        pytest.raises(InternalError, match="pgtrigger: Cannot update"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {TABLE} SET {change} WHERE id = %s", [entry.pk])


@pytest.mark.django_db
def test_a_chained_entry_cannot_be_chained_again_or_unchained(regulator_staff):
    [entry] = chained([denied(regulator_staff)])
    for change in ["position = position + 1", "position = NULL, previous_hash = '', entry_hash = ''"]:
        with (
            pytest.raises(InternalError, match="pgtrigger: Cannot update"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"UPDATE {TABLE} SET {change} WHERE id = %s", [entry.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["2019-05-01T00:00:30+09:00", "2031-04-01T08:59:00+09:00", "2040-02-29T12:00:00"])
def test_an_entry_of_a_month_without_a_partition_makes_it(regulator_staff, moment):
    with time_machine.travel(datetime.datetime.fromisoformat(moment).replace(tzinfo=clock.TOKYO), tick=False):
        entry = denied(regulator_staff)
        month = clock.now().astimezone(clock.TOKYO)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [entry.pk])
        assert cursor.fetchone()[0] == f"{TABLE}_y{month:%Y}m{month:%m}"
    [entry] = chained([entry])
    assert access_log_verify().intact


@pytest.mark.django_db
def test_a_partition_cannot_be_truncated_by_itself(regulator_staff):
    entry = denied(regulator_staff)
    month = entry.at.astimezone(clock.TOKYO)
    with (
        pytest.raises(InternalError, match="pgtrigger: Cannot truncate"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {TABLE}_y{month:%Y}m{month:%m}")


@pytest.mark.django_db
def test_entries_left_unchained_for_minutes_are_reported(regulator_staff):
    with time_machine.travel(clock.now() - datetime.timedelta(minutes=10), tick=False):
        denied(regulator_staff)
    check = access_log_verify()
    assert check.intact
    assert any("waited more than five minutes to be chained" in warning for warning in check.warnings)
    assert not any("waited" in warning for warning in access_log_verify().warnings), "chained by the first"


@pytest.mark.django_db
def test_a_removed_entry_is_named_by_its_position(regulator_staff):
    entries = chained([denied(regulator_staff, str(n)) for n in range(4)])
    tampered((f"DELETE FROM {TABLE} WHERE id = %s", [entries[1].pk]))
    check = access_log_verify()
    assert check.first_bad_id == entries[2].pk
    position = entries[1].position
    assert f"Entries at positions {position} to {position} of the chain are missing" in check.problems[0]


@pytest.mark.django_db
def test_verifying_since_a_day_starts_from_the_checkpoint_before_it(regulator_staff, checkpoint_file):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=clock.TOKYO), tick=False):
        before = chained([denied(regulator_staff, str(n)) for n in range(5)])
        first = access_log_checkpoint()
    with time_machine.travel(datetime.datetime(2026, 11, 22, 12, tzinfo=clock.TOKYO), tick=False):
        chained([denied(regulator_staff, f"later {n}") for n in range(3)])
        access_log_checkpoint()
        chained([denied(regulator_staff, "last")])
        tampered((f"UPDATE {TABLE} SET username = 'someone else' WHERE id = %s", [before[1].pk]))
        since = access_log_verify(since=datetime.date(2026, 11, 21))
        assert since.start_position == first.position
        assert since.checked == AccessLogEntry.objects.filter(position__gt=first.position).count() == 4
        assert since.intact, "the entry changed before the checkpoint is not walked again"
        whole = access_log_verify()
        assert whole.first_bad_id == before[1].pk and not whole.intact


@pytest.mark.django_db
def test_a_version_1_checkpoint_line_still_verifies(regulator_staff, checkpoint_file):
    chained([denied(regulator_staff, str(n)) for n in range(3)])
    checkpoint = access_log_checkpoint()
    fields = {key: value for key, value in json.loads(checkpoint.line()).items() if key != "boundary"}
    old = checkpoint_sign(Checkpoint(**{**fields, "version": 1, "signature": ""}))
    assert "boundary" not in json.loads(old.line())
    checkpoint_file.write_text(old.line() + "\n")
    check = access_log_verify()
    assert check.intact and check.checkpoints == 1
