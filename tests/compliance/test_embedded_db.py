"""The private PostgreSQL of `make run` and `make test`: started when needed, UTF-8, pg_trgm, stopped after."""

import os
import signal
import subprocess
import sys
import time

import psutil

from compliance import embedded_db

PROBE = """
import os, psycopg2
connection = psycopg2.connect(os.environ["DATABASE_URL"])
cursor = connection.cursor()
cursor.execute(
    "SELECT current_setting('server_version_num')::int, datctype FROM pg_database"
    " WHERE datname = current_database()"
)
version, ctype = cursor.fetchone()
cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
cursor.execute("SELECT similarity('関西電力送配電', '関西電力')")
assert version >= 180000 and ctype == "C.UTF-8", (version, ctype)
assert cursor.fetchone()[0] > 0.3
"""


def postgres_processes_in(folder) -> list[psutil.Process]:
    return [
        p
        for p in psutil.process_iter(attrs=["name", "cmdline"])
        if p.info["name"] == "postgres" and str(folder) in " ".join(p.info["cmdline"] or [])
    ]


def test_without_database_url_a_private_server_runs_the_command_and_stops(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    data_dir = tmp_path / "pgdata"
    assert embedded_db.run_with_database([sys.executable, "-c", PROBE], data_dir=data_dir) == 0
    assert (data_dir / "PG_VERSION").exists()
    assert postgres_processes_in(data_dir) == []


def test_with_database_url_nothing_is_started(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none")
    data_dir = tmp_path / "pgdata"
    command = [sys.executable, "-c", "import os; assert os.environ['DATABASE_URL'].endswith(':1/none')"]
    assert embedded_db.run_with_database(command, data_dir=data_dir) == 0
    assert not data_dir.exists()


def test_a_terminated_run_stops_its_server(tmp_path):
    data_dir = tmp_path / "pgdata"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [sys.executable, "-m", "compliance.embedded_db", "exec", "--data-dir", str(data_dir), "--", "sleep", "60"]
    wrapper = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    assert "embedded PostgreSQL" in wrapper.stdout.readline()
    assert postgres_processes_in(data_dir)
    wrapper.send_signal(signal.SIGTERM)
    wrapper.wait(timeout=30)
    deadline = time.monotonic() + 10
    while postgres_processes_in(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert postgres_processes_in(data_dir) == []
