"""`make bench`: the product at N=10 and N=1000 times the loaded case, measured against the database's floor.

    python bench/run.py [--sizes 10,1000] [--runs 20] [--clients 50] [--seconds 60] [--reuse] [--no-sweep]
                        [--log-sizes 10000,10000000]

For each size: a database of its own on the server of DATABASE_URL (`bench_scale_<N>`, kept for `--reuse`),
migrated, with the report and `generate_scale --factor N`. Then, per size: queries and median/p95 latency
of each list page, the dashboard and each API list (100 rows), and the hand-written SQL floor; at the
largest size, throughput under concurrent clients against gunicorn on loopback (a private list against a public
one too), and the implementations at depth 30,000; the reminder sweep over 100,000 open items; and the access log's
append cost at each of `--log-sizes` entries, with a day's verification (bench/access_log.py). ANALYZE after
loading. Prints a table and writes bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TARGETS = {
    "dashboard_ms": 150,
    "api_page_ms": 50,
    "floor_ratio": 2,
    "sweep_s": 60,
    "private_share": 0.8,
    "deep_ratio": 1.2,
}
INCIDENTS = "/api/v1/incidents/?page_size=100"


def url_of(base: str, name: str) -> str:
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def environment(database_url: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    env["STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    env["SECURE_SSL_REDIRECT"] = "False"  # loopback, plain HTTP
    # No line per request: thousands of them written to the bench's own pipes would measure the pipes.
    env.setdefault("LOG_LEVEL", "WARNING")
    return {**env, **extra}


def manage(database_url: str, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=environment(database_url), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(base: str, size: int, reuse: bool) -> str:
    """The database of one size, made (or kept, with --reuse) and filled."""
    name = f"bench_scale_{size}"
    admin = psycopg2.connect(url_of(base, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and reuse:
            admin.close()
            manage(url_of(base, name), "migrate", "--noinput")  # the data kept, the schema brought up to date
            analyse(url_of(base, name))
            return url_of(base, name)
        if exists:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    database_url = url_of(base, name)
    started = time.monotonic()
    manage(database_url, "migrate", "--noinput")
    manage(database_url, "load_report")
    manage(database_url, "generate_scale", "--factor", str(size), "--seed", "1", "--yes")
    manage(database_url, "take_daily_counts")
    analyse(database_url)
    print(f"N={size}: database ready in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return database_url


def analyse(database_url: str) -> None:
    """ANALYZE every table: the planner's statistics of freshly loaded rows, which autovacuum may not have taken yet
    (or ever, where it is off), so that each page is measured with the plan a settled database uses."""
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()


def measure(database_url: str, runs: int) -> dict:
    """The figures of one database; a statement over 20 s is cut off and its page reported as failed (500)."""
    done = subprocess.run(
        [PYTHON, "bench/measure.py", "--runs", str(runs)],
        cwd=ROOT,
        env=environment(database_url, PGOPTIONS="-c statement_timeout=20000"),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench/measure.py failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def throughput(database_url: str, clients: int, seconds: float) -> dict:
    """The API list (100 rows) and the dashboard under concurrent clients against gunicorn on loopback."""
    credentials = json.loads(
        subprocess.run(
            [PYTHON, "bench/measure.py", "--credentials"],
            cwd=ROOT,
            env=environment(database_url),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    port = free_port()
    env = environment(database_url, API_RATE_PER_TOKEN="100000000/hour", ALLOWED_HOSTS="127.0.0.1", DEBUG="False")
    command = [PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3"]
    server = subprocess.Popen([*command, "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        wait_for_port(port)
        base = f"http://127.0.0.1:{port}"
        token, cookie = credentials["token"], f"sessionid={credentials['sessionid']}"
        return {
            "api_implementations": load(f"{base}/api/v1/implementations/?page_size=100", clients, seconds, token=token),
            "dashboard": load(f"{base}/dashboard/", clients, seconds, cookie=cookie),
            # The same list, the same serializer, 100 rows each: incidents the report describes are published and
            # logged by nobody; the others are private, and every page of them is one access-log entry.
            "public_list": load(f"{base}{INCIDENTS}&described_in_report=true", clients, seconds, token=token),
            "private_list": load(f"{base}{INCIDENTS}&described_in_report=false", clients, seconds, token=token),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def load(url: str, clients: int, seconds: float, token: str = "", cookie: str = "") -> dict:
    command = [PYTHON, "bench/load.py", url, "--clients", str(clients), "--seconds", str(seconds)]
    if token:
        command += ["--header", f"Authorization: Token {token}"]
    if cookie:
        command += ["--cookie", cookie]
    return json.loads(subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout)


def sweep(base: str) -> dict:
    """The reminder sweep over 100,000 open items (bench/reminder_sweep.py), its printed figures parsed."""
    done = subprocess.run(
        [PYTHON, "bench/reminder_sweep.py", "--items", "100000"],
        cwd=ROOT,
        env=environment(base),
        capture_output=True,
        text=True,
        check=True,
    )
    figures = {}
    for line in done.stdout.splitlines():
        words = line.split()
        if words and words[0] in ("first", "second"):
            figures[words[0]] = {"seconds": float(words[2]), "queries": int(words[3]), "reminders": int(words[4])}
    return figures


def access_log(base: str, sizes: str) -> dict:
    """The access log's append cost and a day's verification at each size (bench/access_log.py), its figures."""
    with tempfile.NamedTemporaryFile(suffix=".json") as figures:
        command = [PYTHON, "bench/access_log.py", "--sizes", *sizes.split(","), "--json", figures.name]
        done = subprocess.run(command, cwd=ROOT, env=environment(base), capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"bench/access_log.py failed:\n{done.stderr[-3000:]}")
        print(done.stdout, file=sys.stderr)
        return json.loads(Path(figures.name).read_text())


def report(results: dict) -> None:
    """Print the table and whether each target is met."""
    sizes = list(results["sizes"])
    print(f"{'page or endpoint':<42}" + "".join(f"{f'N={n} q':>9}{'median':>9}{'p95':>8}" for n in sizes))
    first = results["sizes"][sizes[0]]
    for group in ("pages", "api"):
        for name in first[group]:
            row = f"{(name if group == 'pages' else '/api/v1/' + name + '/'):<42}"
            for n in sizes:
                figure = results["sizes"][n][group][name]
                row += f"{figure['queries']:>9}{figure['median_ms']:>8.1f}ms{figure['p95_ms']:>6.0f}ms"
            print(row)
    largest = results["sizes"][sizes[-1]]
    floor, api = largest["floor"]["median_ms"], largest["floor"]["api_median_ms"]
    print(
        f"\nSQL floor (the same page of 100 implementations, N={sizes[-1]}, timed in turns with the API's): "
        f"{floor:.1f} ms; the API: {api:.1f} ms = {api / floor:.1f}×; the same page as the API: "
        f"{largest['floor']['same_as_api']}"
    )
    deep = largest.get("deep")
    if deep:
        api, first = deep["api_deep_cursor"], deep["api_first"]
        offset, page_first = deep["page_deep_offset"]["median_ms"], deep["page_first"]["median_ms"]
        print(
            f"implementations at depth 30,000, N={sizes[-1]}: the API by cursor {api['median_ms']:.1f} ms "
            f"(first page {first['median_ms']:.1f} ms, {deep_ratio(deep):.2f}×; queries {api['queries']} and "
            f"{first['queries']}); the list page by number (an offset) {offset:.1f} ms (first page {page_first:.1f} ms)"
        )
    for n in sizes:
        recomputed = results["sizes"][n]["dashboard_recomputed"]
        print(f"dashboard recomputed after a change, N={n}: median {recomputed['median_ms']:.0f} ms")
    for name, figures in results.get("throughput", {}).items():
        print(f"{name}: {figures}")
    if results.get("throughput"):
        print(f"private list under load: {private_share(results['throughput']):.0%} of the public list's throughput")
    if results.get("sweep"):
        print(f"sweep over 100,000 open items: {results['sweep']}")
    for figures in results.get("access_log", {}).get("sizes", []):
        print(
            f"access log at {figures['entries']:,} entries: append {figures['append_ms']:.2f} ms, sequencer "
            f"{figures['sequencer_ms_per_entry']:.3f} ms an entry, "
            f"a day verified in {figures['verify_day_seconds']:.3f} s"
        )
    for name, verdict in results["targets"].items():
        print(f"target {name}: {verdict}")


def deep_ratio(deep: dict) -> float:
    """The API's page at depth 30,000 (by cursor) as a multiple of its first page."""
    return deep["api_deep_cursor"]["median_ms"] / deep["api_first"]["median_ms"]


def private_share(throughput: dict) -> float:
    """The private list's requests per second as a share of the public list's, under the same clients."""
    return round(throughput["private_list"]["per_second"] / throughput["public_list"]["per_second"], 2)


def verdicts(results: dict) -> dict:
    sizes = list(results["sizes"])
    small, large = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
    drift = [
        name
        for group in ("pages", "api")
        for name in small[group]
        if small[group][name]["queries"] != large[group][name]["queries"]
    ]
    api = large["api"]["implementations"]["median_ms"]
    slow_lists = [name for name, figure in large["api"].items() if not figure["median_ms"] < TARGETS["api_page_ms"]]
    checks = {
        "queries equal at every size": not drift or f"differ: {drift}",
        "dashboard median < 150 ms": large["pages"]["/dashboard/"]["median_ms"] < TARGETS["dashboard_ms"],
        "API page (100 rows) median < 50 ms": api < TARGETS["api_page_ms"],
        "every API list (100 rows) median < 50 ms": not slow_lists or f"over: {slow_lists}",
        "API within 2× the SQL floor": large["floor"]["api_median_ms"] / large["floor"]["median_ms"]
        <= TARGETS["floor_ratio"],
    }
    if large.get("deep"):
        deep = large["deep"]
        same_queries = deep["api_deep_cursor"]["queries"] == deep["api_first"]["queries"]
        answered = all(figure["status"] == 200 for figure in deep.values())  # not a quick refusal of the cursor
        checks["API page at depth 30,000 ≤ 1.2× the first, same queries"] = (
            deep_ratio(deep) <= TARGETS["deep_ratio"] and same_queries and answered
        ) or f"{deep_ratio(deep):.2f}×, queries equal: {same_queries}, every page answered 200: {answered}"
    if results.get("throughput"):
        checks["no errors under load"] = all(t["errors"] == 0 for t in results["throughput"].values())
        share = private_share(results["throughput"])
        checks["private list ≥ 80% of the public list's throughput"] = share >= TARGETS["private_share"] or share
    if results.get("access_log"):
        log = results["access_log"]["verdicts"]
        checks["access-log append equal at every size (within 20%)"] = (
            log["append_within_20_percent"] or f"{log['append_ratio']:.2f}×"
        )
        checks["a day of the access log verified < 1 s"] = log["verify_day_under_1_s"]
    if results.get("sweep"):
        checks["sweep < 60 s"] = results["sweep"]["first"]["seconds"] < TARGETS["sweep_s"]
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,1000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--reuse", action="store_true", help="keep databases made by an earlier run")
    parser.add_argument("--no-sweep", action="store_true")
    parser.add_argument("--log-sizes", default="10000,10000000", help="access-log sizes; empty to skip")
    options = parser.parse_args()
    base = os.environ["DATABASE_URL"]
    results: dict = {"sizes": {}}
    databases = {}
    for size in (int(n) for n in options.sizes.split(",")):
        databases[size] = prepare(base, size, options.reuse)
        results["sizes"][size] = measure(databases[size], options.runs)
    if options.seconds > 0:
        results["throughput"] = throughput(databases[max(databases)], options.clients, options.seconds)
    if not options.no_sweep:
        results["sweep"] = sweep(base)
    if options.log_sizes:
        results["access_log"] = access_log(base, options.log_sizes)
    results["targets"] = verdicts(results)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2, default=str))
    report(results)


if __name__ == "__main__":
    main()
