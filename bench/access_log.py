"""Benchmark: the access log's append cost at 10,000 and at 10,000,000 entries, and verifying a day at the largest.

    python bench/access_log.py [--sizes 10000 10000000] [--appends 300]

For each size, a scratch database of its own on the server of DATABASE_URL: migrated, the log filled with that many
entries spread over the year before now (chained consistently, hashed by the product's own function, loaded by COPY,
then ANALYZE), then measured: the median of one request-sized append (one entry, its own transaction, as a
request writes it), the sequencer's cost per entry (2,000 appended, then chained), and at each size the verification
of the last day (`verify_access_log --since`, from a signed checkpoint at the day's start). The database is dropped.
Targets (issue 22): the append at the largest size within 20% of the smallest; verifying a day under 1 s.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reminder_sweep import admin_connection, scratch_url  # noqa: E402

CHUNK = 100_000
COLUMNS = (
    "at, username, user_company_id, action, object_type, object_id, object_company_id, method, path, ip_address, "
    "user_agent, previous_hash, entry_hash, user_id, records, position"
)


def fill(count: int, end: datetime.datetime) -> float:
    """`count` chained entries over the year before `end`, by COPY; the seconds it took."""
    from django.db import connection

    from compliance.audit import GENESIS_HASH
    from compliance.models.audit import chain_hash, chained_content
    from compliance.partitions import Month, partition_ensure

    began = time.perf_counter()
    start = end - datetime.timedelta(days=365)
    step = datetime.timedelta(days=365) / count
    month = Month.of(start)
    while month <= Month.of(end).next():
        partition_ensure(month)
        month = month.next()
    previous = GENESIS_HASH
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for first in range(0, count, CHUNK):
            buffer = io.StringIO()
            for n in range(first, min(first + CHUNK, count)):
                at = (start + step * n).replace(microsecond=0)
                values = [at, None, "bench", None, "read", "remediation.progressupdate", str(n), None, "GET"]
                values += ["/api/v1/progress-updates/", "10.0.0.1", "bench", []]
                entry_hash = chain_hash(previous, chained_content(values))
                buffer.write(
                    f"{at.isoformat()}\tbench\t\\N\tread\tremediation.progressupdate\t{n}\t\\N\tGET\t"
                    f"/api/v1/progress-updates/\t10.0.0.1\tbench\t{previous}\t{entry_hash}\t\\N\t[]\t{n + 1}\n"
                )
                previous = entry_hash
            buffer.seek(0)
            raw.copy_expert(f"COPY compliance_accesslogentry ({COLUMNS}) FROM STDIN", buffer)
        cursor.execute("ANALYZE compliance_accesslogentry")
    return time.perf_counter() - began


def append_median(appends: int) -> float:
    """The median seconds of one request-sized append: one entry, in its own transaction."""
    from compliance.audit import access_log_sign_in
    from compliance.models.audit import AccessAction

    times = []
    for _ in range(appends):
        began = time.perf_counter()
        access_log_sign_in(request=None, user=None, action=AccessAction.SIGN_IN_FAILED, username="bench")
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def sequencer_per_entry(entries: int = 2000) -> float:
    """Seconds per entry for the sequencer to chain `entries` appended at once."""
    from compliance.access_chain import access_log_chain
    from compliance.audit import access_log_sign_in
    from compliance.models.audit import AccessAction

    access_log_chain()
    for _ in range(entries):
        access_log_sign_in(request=None, user=None, action=AccessAction.SIGN_IN_FAILED, username="bench")
    began = time.perf_counter()
    chained = access_log_chain()
    return (time.perf_counter() - began) / max(chained, 1)


def verify_last_day(end: datetime.datetime) -> tuple[float, int]:
    """Seconds to verify from a signed checkpoint at the start of the fill's last day; the entries walked."""
    from compliance import clock
    from compliance.access_chain import access_log_chain
    from compliance.checkpoints import Checkpoint, checkpoint_sign
    from compliance.log_check import access_log_verify
    from compliance.models import AccessLogEntry

    access_log_chain()
    day = clock.day_of(end) - datetime.timedelta(days=1)
    day_start = datetime.datetime.combine(day, datetime.time.min, tzinfo=clock.TOKYO)
    last = AccessLogEntry.objects.filter(at__lt=day_start).order_by("-at", "-id").values_list("id", "position")[0]
    entry_hash = AccessLogEntry.objects.get(pk=last[0]).entry_hash
    at = (day_start - datetime.timedelta(seconds=1)).isoformat()
    checkpoint = checkpoint_sign(Checkpoint(last_id=last[0], last_hash=entry_hash, count=last[1], at=at))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "checkpoints.jsonl"
        path.write_text(checkpoint.line() + "\n")
        began = time.perf_counter()
        check = access_log_verify(checkpoints_from=path, since=day)
        elapsed = time.perf_counter() - began
    if not check.intact:
        raise SystemExit(f"the filled log does not verify: {check.problems}")
    return elapsed, check.checked


def measure(size: int, appends: int) -> dict:
    from django.core.management import call_command

    from compliance import clock

    call_command("migrate", verbosity=0)
    end = clock.now() - datetime.timedelta(hours=1)
    filled = fill(size, end)
    append_median(20)  # warm the connection and the plans
    result = {"entries": size, "fill_seconds": filled, "append_ms": append_median(appends) * 1000}
    result["sequencer_ms_per_entry"] = sequencer_per_entry() * 1000
    result["verify_day_seconds"], result["verify_day_entries"] = verify_last_day(end)
    return result


def run_size(base: str, size: int, appends: int) -> dict:
    """One size in a scratch database of its own, dropped after."""
    import django
    from django.db import connections

    name = f"bench_log_{uuid.uuid4().hex[:8]}"
    admin = admin_connection(base)
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        from django.conf import settings

        if not settings.configured:
            os.environ["DATABASE_URL"] = scratch_url(base, name)
            django.setup()
        else:
            connections.close_all()
            settings.DATABASES["default"]["NAME"] = connections["default"].settings_dict["NAME"] = name
        return measure(size, appends)
    finally:
        connections.close_all()
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def verdicts(results: list[dict]) -> dict:
    smallest, largest = results[0], results[-1]
    ratio = largest["append_ms"] / smallest["append_ms"]
    return {
        "append_ratio": ratio,
        # "Costs the same": within 20% either way (a large drop means the measurement is noise, not a gain).
        "append_within_20_percent": abs(ratio - 1) <= 0.2,
        "verify_day_under_1_s": largest["verify_day_seconds"] < 1.0,
    }


def report(results: list[dict], verdict: dict) -> None:
    print(
        f"{'entries':>12}{'fill s':>10}{'append ms':>12}{'chain ms/entry':>16}{'verify day s':>14}{'day entries':>13}"
    )
    for r in results:
        print(
            f"{r['entries']:>12,}{r['fill_seconds']:>10.1f}{r['append_ms']:>12.3f}{r['sequencer_ms_per_entry']:>16.3f}"
            f"{r['verify_day_seconds']:>14.3f}{r['verify_day_entries']:>13,}"
        )
    ok = "met" if verdict["append_within_20_percent"] else "NOT met"
    largest, smallest = f"{results[-1]['entries']:,}", f"{results[0]['entries']:,}"
    print(f"append at {largest} / at {smallest}: {verdict['append_ratio']:.2f}× (target: within 20%): {ok}")
    ok = "met" if verdict["verify_day_under_1_s"] else "NOT met"
    print(f"verifying a day at {largest}: {results[-1]['verify_day_seconds']:.3f} s (target: < 1 s): {ok}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 10_000_000])
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/compliance")
    os.environ.setdefault("SECRET_KEY", "benchmark")
    os.environ.setdefault("ACCESS_LOG_CHECKPOINT_KEY", "benchmark-checkpoint-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    results = [run_size(base, size, args.appends) for size in sorted(args.sizes)]
    verdict = verdicts(results)
    report(results, verdict)
    if args.json:
        args.json.write_text(json.dumps({"sizes": results, "verdicts": verdict}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
