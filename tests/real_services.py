"""Real services for the tests that need them: a private Redis, a private PostgreSQL server, a scratch database,
the product's processes.

A test that stops, kills or restarts something uses these, never the shared servers of the test session.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import psutil
import psycopg2
from django.conf import settings

from compliance import embedded_db

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server that a test can stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(lambda: _answers(self.port), "redis to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class PostgresServer:
    """A private PostgreSQL server (the embedded one of `make run`) that a test may shut down and start again.

    It has a data folder of its own and listens on a socket in it only, so nothing it goes through reaches the
    shared server of the test session. Run as root, the embedded server runs as a user of its own.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server = None

    @property
    def url(self) -> str:
        """The URL of its database (pg_trgm available, UTF-8)."""
        return self._server.get_uri(embedded_db.DATABASE_NAME)

    def start(self) -> None:
        """Start it, with the cluster and the database made the first time; return once it accepts connections."""
        if self._server is None:
            # start_server sets the cluster's locale in os.environ: it is the server's, not this process's.
            with mock.patch.dict(os.environ):
                self._server = embedded_db.start_server(self.data_dir)
        else:
            self._server.ensure_postgres_running()

    def shut_down(self) -> None:
        """A fast shutdown: every session is cut off and its open transaction rolled back."""
        postmaster = psutil.Process(self._server.get_pid())
        postmaster.send_signal(signal.SIGINT)  # PostgreSQL's "fast" shutdown mode
        postmaster.wait(timeout=60)

    def restart(self, down_for: float = 0) -> None:
        """Shut down fast, stay down for `down_for` seconds, start again."""
        self.shut_down()
        time.sleep(down_for)
        self.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None


def running_postgres() -> Iterator[PostgresServer]:
    """A private PostgreSQL server for the length of a test, its data removed afterwards.

    Its folder is not under pytest's temporary ones: any pytest session that starts makes their root private
    to the user running it again, which would cut the server's own user (as root) off from its data.
    """
    folder = Path(tempfile.mkdtemp(prefix="postgres-"))
    server = PostgresServer(folder / "data")
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_for(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def running_redis() -> Iterator[RedisServer]:
    """A private redis-server for the length of a test."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def _server_parameters() -> dict:
    database = settings.DATABASES["default"]
    parameters = {"user": database["USER"] or "postgres", "password": database["PASSWORD"] or None}
    parameters["host"] = database["OPTIONS"].get("host") or database["HOST"] or "127.0.0.1"
    if database["PORT"]:
        parameters["port"] = database["PORT"]
    return parameters


def scratch_database_url(prefix: str = "scratch") -> Iterator[str]:
    """An empty database of its own on the test server, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(dbname="postgres", **_server_parameters())
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    parameters = _server_parameters()
    host = parameters["host"]
    location = f"@/{name}?host={host}" if host.startswith("/") else f"@{host}:{parameters.get('port', 5432)}/{name}"
    url = f"postgresql://{parameters['user']}{location}"
    try:
        yield url
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def environment(database_url: str, redis_url: str, mail_folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DJANGO_SETTINGS"))}
    env.update(
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_VISIBILITY_TIMEOUT="20",  # a lost task comes back after 20 seconds (a sweep here takes ~6),
        CELERY_RESTORE_INTERVAL="1",  # looked for every second
        CELERY_RESTORE_THROTTLE="1",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_folder),
        SECRET_KEY="worker-tests",
        DEBUG="True",  # for load_demo
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        EVIDENCE_ROOT=str(mail_folder.parent / "evidence"),
        ACCESS_LOG_CHECKPOINT_FILE=str(mail_folder.parent / "access-log-checkpoints.jsonl"),
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def manage_refused(env: dict[str, str], *args: str) -> str:
    """Run a command expected to fail, with no terminal on its input; its error output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0, f"{args[0]} succeeded: {done.stdout[-3000:]}"
    return done.stderr


def start_worker(env: dict[str, str], log: Path | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "1", "--loglevel", "INFO"]
    command += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    output = log.open("a") if log else subprocess.DEVNULL
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=subprocess.STDOUT)


def kill_worker(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def stop_worker(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill_worker(worker)


def start_web(
    env: dict[str, str], port: int, log: Path, workers: int = 2, options: tuple[str, ...] = ()
) -> subprocess.Popen:
    """The web as production runs it: gunicorn's sync workers behind one master; back once it answers."""
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--log-level", "warning", *options]
    with log.open("a") as output:
        web = subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=subprocess.STDOUT
        )

    def up() -> bool:
        if web.poll() is not None:
            raise AssertionError(f"gunicorn exited with {web.returncode}:\n{log.read_text()[-3000:]}")
        return _answers(port)

    wait_for(up, "the web to start")
    return web


def stop_web(web: subprocess.Popen) -> None:
    stop_worker(web)  # the same: SIGTERM to the group, SIGKILL if it lingers


class RoundRobinProxy:
    """One address in front of several web servers, as a load balancer in front of the `web` replicas.

    Each new connection goes to the next server in turn, so requests on connections of their own alternate
    between the servers whatever their addresses (the kernel's SO_REUSEPORT would spread them by a hash, leaving
    which server answers to chance). It passes bytes both ways and counts the connections each server was given.
    """

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.given: Counter = Counter()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._next = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            port, self._next = self.ports[self._next], (self._next + 1) % len(self.ports)
            self.given[port] += 1
            threading.Thread(target=self._relay, args=(client, port), daemon=True).start()

    @staticmethod
    def _relay(client: socket.socket, port: int) -> None:
        with client, socket.create_connection(("127.0.0.1", port)) as server:
            answer = threading.Thread(target=_pipe, args=(server, client), daemon=True)
            answer.start()
            _pipe(client, server)
            answer.join(timeout=60)

    def close(self) -> None:
        self._listener.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    """Bytes from `source` to `target` until `source` has no more; then `target` is told there are none."""
    try:
        while data := source.recv(65536):
            target.sendall(data)
        target.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def query(database_url: str, sql: str):
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()
