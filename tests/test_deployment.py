"""The docker compose deployment: the file is valid, and the commands it runs work, end to end.

No Docker engine is needed. `docker compose config` (or `docker-compose config`) checks the file; then the
services' own commands and health checks, read from docker-compose.yml, run directly on this machine from a copy
of the image's build context (what .dockerignore leaves, static files collected by the Dockerfile's own step),
with the settings of .env.example, against a database and a Redis of their own. Container addresses become
loopback ones and container paths become folders of the test.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
import yaml
from django.conf import settings

from tests.real_services import ROOT, free_port, query, wait_for

COMPOSE_FILE = ROOT / "docker-compose.yml"
LONG_RUNNING = ("web", "worker", "beat")
ONE_YEAR = 365 * 24 * 60 * 60
COUNTED_DAY = "2026-01-15"

MAKE_TOKEN = """
from knox.models import AuthToken
from compliance.choices import Role
from compliance.models import User
person = User.objects.create_user(username="deployment-check", role=Role.REGULATOR_STAFF)
print(AuthToken.objects.create(person)[1])
"""
MAKE_OFFICER = """
from knox.models import AuthToken
from compliance.choices import Role
from compliance.models import Company, User
from remediation.models import Implementation
company = Company.objects.get(code="okinawa")
person = User.objects.create_user(
    username="officer-check", role=Role.COMPANY_OFFICER, company=company, email="officer@example.org"
)
item = Implementation.objects.filter(company=company).exclude(status="done").order_by("pk").first()
print(AuthToken.objects.create(person)[1], item.pk, item.version)
"""
ENQUEUE_COUNTS = f"""
from remediation.tasks import take_daily_counts
take_daily_counts.delay("{COUNTED_DAY}")
"""


def compose_command() -> list[str] | None:
    """`docker compose` where the plugin is installed, else `docker-compose`, else None."""
    if shutil.which("docker"):
        plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)  # noqa: S607
        if plugin.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_the_compose_file_is_valid_with_the_example_settings(tmp_path):
    compose = compose_command()
    if compose is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed: docker-compose.yml was not validated")
    for name in ("docker-compose.yml", "Dockerfile", ".dockerignore"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    environment = {key: value for key, value in os.environ.items() if key not in read_env_file(ROOT / ".env.example")}

    done = subprocess.run(
        [*compose, "config"], cwd=tmp_path, env={**environment, "POSTGRES_PASSWORD": "example-only"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load(done.stdout)
    services = config["services"]
    assert set(services) == {"db", "pgbouncer", "redis", "migrate", "proxy", *LONG_RUNNING}
    assert all("healthcheck" in services[name] for name in ("db", "pgbouncer", "redis", "proxy", *LONG_RUNNING))
    assert {"postgres-data", "evidence"} <= set(config["volumes"])

    # An empty database password is refused before anything starts.
    refused = subprocess.run(
        [*compose, "config"], cwd=tmp_path, env=environment, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0
    assert "set POSTGRES_PASSWORD in .env" in refused.stderr


def test_web_and_worker_scale_behind_one_address_and_pgbouncer():
    """`--scale web=N --scale worker=N` works (nothing fixed per container); the app goes through PgBouncer."""
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    assert not any("container_name" in service for service in services.values())
    # Only the proxy publishes a port: replicas of web could not all bind the same one on the host.
    assert [name for name, service in services.items() if service.get("ports")] == ["proxy"]
    conf = (ROOT / "deploy" / "nginx-web.conf").read_text()
    assert "resolver 127.0.0.11" in conf and "set $web http://web:8000;" in conf and "proxy_pass $web;" in conf
    assert services["proxy"]["volumes"] == ["./deploy/nginx-web.conf:/etc/nginx/conf.d/default.conf:ro"]
    # PgBouncer in transaction mode, as the database's own user; the application through it, without server-side
    # cursors; the migrations straight to PostgreSQL.
    pgbouncer = services["pgbouncer"]["environment"]
    assert (pgbouncer["POOL_MODE"], pgbouncer["DB_HOST"], pgbouncer["DB_USER"]) == ("transaction", "db", "compliance")
    assert pgbouncer["DB_PASSWORD"] == services["db"]["environment"]["POSTGRES_PASSWORD"]
    for name in LONG_RUNNING:
        environment = services[name]["environment"]
        assert "@pgbouncer:5432/" in environment["DATABASE_URL"], name
        assert environment["DATABASE_POOLER"] == "transaction", name
        assert services[name]["depends_on"]["pgbouncer"] == {"condition": "service_healthy"}, name
    assert "@db:5432/" in services["migrate"]["environment"]["DATABASE_URL"]
    assert services["migrate"]["environment"]["DATABASE_POOLER"] == ""
    # Beat keeps nothing on disk: its schedule's state and its lock are in Redis.
    assert "--schedule" not in services["beat"]["command"] and "volumes" not in services["beat"]


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed here")
@pytest.mark.real_clock  # the servers and the worker it starts keep real time
def test_the_services_commands_migrate_serve_run_tasks_and_schedule(scratch_database, redis_server, tmp_path):
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    machine = Machine(tmp_path, scratch_database, redis_server.url)
    machine.build()
    # The operator's .env: the example with its blanks filled in, and fewer processes on this small machine.
    variables = read_env_file(ROOT / ".env.example")
    variables |= {"SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": "not-used-here"}
    variables |= {"ACCESS_LOG_CHECKPOINT_KEY": secrets.token_urlsafe(50)}
    variables |= {"WEB_CONCURRENCY": "2", "WORKER_CONCURRENCY": "1"}

    migrate = machine.run(services["migrate"], variables, timeout=180)
    assert migrate.returncode == 0, migrate.stdout[-3000:]
    assert "ppc-2024-utilities" in migrate.stdout

    with machine.started({name: services[name] for name in LONG_RUNNING}, variables) as processes:
        port = machine.port
        wait_for(lambda: answers(port, "/healthz"), "gunicorn to answer", timeout=60)
        check = machine.health_check(services["web"], variables)
        assert check.returncode == 0, check.stdout

        status, _headers, body = request(port, "/readyz")
        assert status == 200, body
        assert set(json.loads(body)["checks"]) == {"database", "broker", "cache"}

        # Static files: hashed names in the page, served by whitenoise, compressed, cached for a year.
        status, _headers, page = request(port, "/accounts/login/")
        assert status == 200, page[-2000:]
        stylesheet = re.search(rb"/static/css/app\.[0-9a-f]{12}\.css", page).group().decode()
        status, headers, compressed = request(port, stylesheet, {"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert (
            gzip.decompress(compressed)
            == (machine.app / "staticfiles" / stylesheet.removeprefix("/static/")).read_bytes()
        )
        cache_control = headers["Cache-Control"]
        assert "immutable" in cache_control
        assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= ONE_YEAR

        # The API with a token, over the report the migration step loaded.
        token = machine.manage(services["web"], variables, "shell", "-c", MAKE_TOKEN).splitlines()[-1]
        status, _headers, body = request(port, "/api/v1/cases/", {"Authorization": f"Token {token}"})
        assert status == 200, body
        assert [case["code"] for case in json.loads(body)["results"]] == ["ppc-2024-utilities"]

        # A task sent through Redis is run by the worker: the day's counts appear in the database.
        machine.manage(services["web"], variables, "shell", "-c", ENQUEUE_COUNTS)
        counted = f"SELECT count(*) FROM remediation_dailycount WHERE day = '{COUNTED_DAY}'"
        wait_for(lambda: query(scratch_database, counted)[0][0] > 0, "the worker to take the counts", timeout=60)
        check = machine.health_check(services["worker"], variables)
        assert check.returncode == 0, check.stdout

        # A request's id is on its log line in the web and on the worker's lines for the task it started.
        token, item, version = machine.manage(services["web"], variables, "shell", "-c", MAKE_OFFICER).split()[-3:]
        request_id = uuid.uuid4().hex
        body = {"implementation": int(item), "status": "in_progress", "narrative": "deployment check"}
        headers = {"Authorization": f"Token {token}", "If-Match": f'"{version}"', "X-Request-ID": request_id}
        status, answer_headers, answer = post(port, "/api/v1/progress-updates/", body, headers)
        assert status == 201, answer
        assert answer_headers["X-Request-ID"] == request_id
        wait_for(lambda: traced(machine.log_files["worker"], request_id), "the worker to log the task", timeout=60)
        assert traced(machine.log_files["web"], request_id)

        # Beat holds the lock in Redis, keeps every entry of the schedule there, and answers its health check.
        with redis.Redis.from_url(redis_server.url, decode_responses=True) as broker:
            wait_for(lambda: broker.exists("redbeat::lock"), "beat to take its lock", timeout=60)
            entries = broker.zrange("redbeat::schedule", 0, -1)
        assert {f"redbeat:{name}" for name in settings.CELERY_BEAT_SCHEDULE} <= set(entries)
        check = machine.health_check(services["beat"], variables)
        assert check.returncode == 0, check.stdout

        stopped = [name for name, process in processes.items() if process.poll() is not None]
        assert not stopped, f"{stopped} stopped:\n" + machine.logs(stopped)

        # The health check is beat's own answer: with beat gone, it fails.
        stop(processes["beat"])
        assert machine.health_check(services["beat"], variables).returncode != 0


def read_env_file(path: Path) -> dict[str, str]:
    """An env file as compose reads one: `NAME=value` lines; comments and blank lines skipped."""
    variables = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            variables[name.strip()] = value.strip()
    return variables


INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>\w+)(?:(?P<operator>:?[-?])(?P<argument>[^}]*))?\}|(?P<named>[A-Za-z_]\w*))"
)


def interpolate(value, variables: dict[str, str]):
    """Compose's variable substitution: `$$`, `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:?error}`."""
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        found, operator = variables.get(name), match["operator"] or ""
        missing = found is None or (operator.startswith(":") and found == "")
        if operator.endswith("-") and missing:
            return match["argument"]
        if operator.endswith("?") and missing:
            raise AssertionError(f"{name}: {match['argument']}")
        return found or ""

    return INTERPOLATION.sub(substitute, value)


class Machine:
    """Runs a compose service's command on this machine, as its container would run it.

    The build context is copied as .dockerignore leaves it, with the static files collected by the Dockerfile's
    own step; container paths (/var/lib/...) become folders of the test; the database, Redis and the published
    port become the test's own.
    """

    def __init__(self, folder: Path, database_url: str, redis_url: str) -> None:
        self.folder = folder
        self.app = folder / "app"
        self.database_url = database_url
        self.redis_prefix = redis_url.rsplit("/", 1)[0] + "/"
        self.port = free_port()
        self.log_files: dict[str, Path] = {}

    def build(self) -> None:
        """The image's /app: the context without what .dockerignore names, then the Dockerfile's collectstatic."""
        ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()]
        patterns = [dockerignore_pattern(line) for line in ignored if line and not line.startswith("#")]

        def ignore(folder: str, names: list[str]) -> set[str]:
            relative = Path(folder).relative_to(ROOT)
            return {name for name in names if any(p.fullmatch((relative / name).as_posix()) for p in patterns)}

        shutil.copytree(ROOT, self.app, ignore=ignore)
        dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
        step = next(line for line in dockerfile.splitlines() if line.startswith("RUN") and "collectstatic" in line)
        environment = {"PATH": self.path, "PYTHONPATH": str(self.app), "LANG": "C.UTF-8"}
        done = subprocess.run(
            ["/bin/sh", "-c", step.removeprefix("RUN")], cwd=self.app, env=environment, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert (self.app / "staticfiles" / "staticfiles.json").exists()

    @property
    def path(self) -> str:
        return f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"

    def container_path(self, path: str) -> Path:
        return self.folder / path.lstrip("/")

    def translate(self, text: str) -> str:
        """A container's address or path as this machine has it."""
        text = re.sub(r"(?<![\w/])/var/lib/", f"{self.folder}/var/lib/", text)
        text = text.replace("redis://redis:6379/", self.redis_prefix)
        for published in ("0.0.0.0:8000", "127.0.0.1:8000"):
            text = text.replace(published, f"127.0.0.1:{self.port}")
        return text

    def environment(self, service: dict, variables: dict[str, str]) -> dict[str, str]:
        """The container's environment: the env file, then the service's `environment`, translated."""
        environment = dict(variables)
        environment |= {name: str(value) for name, value in interpolate(service["environment"], variables).items()}
        environment = {name: self.translate(value) for name, value in environment.items()}
        environment |= {
            "DATABASE_URL": self.database_url,
            # Mail stays on this machine.
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.folder / "mail"),
            # What the image sets: our Python first, the code in /app.
            "PATH": self.path,
            "PYTHONPATH": str(self.app),
            "PYTHONUNBUFFERED": "1",
            "LANG": "C.UTF-8",
            "HOME": str(self.folder),
            "HOSTNAME": socket.gethostname(),
        }
        return environment

    def command(self, service: dict, variables: dict[str, str]) -> list[str]:
        command = interpolate(service["command"], variables)
        return [self.translate(part) for part in (shlex.split(command) if isinstance(command, str) else command)]

    def prepare_volumes(self, service: dict) -> None:
        for volume in service.get("volumes", []):
            self.container_path(volume.split(":")[1]).mkdir(parents=True, exist_ok=True)

    def run(self, service: dict, variables: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
        """A one-off service, to its end; its output in `.stdout`."""
        self.prepare_volumes(service)
        return subprocess.run(
            self.command(service, variables), cwd=self.app, env=self.environment(service, variables),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, check=False,
        )  # fmt: skip

    @contextmanager
    def started(self, services: dict[str, dict], variables: dict[str, str]) -> Iterator[dict[str, subprocess.Popen]]:
        """Long-running services, each in a process group of its own; all stopped afterwards, whatever happened."""
        processes: dict[str, subprocess.Popen] = {}
        try:
            for name, service in services.items():
                self.prepare_volumes(service)
                self.log_files[name] = self.folder / f"{name}.log"
                with self.log_files[name].open("w") as log:
                    processes[name] = subprocess.Popen(
                        self.command(service, variables), cwd=self.app, env=self.environment(service, variables),
                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                    )  # fmt: skip
            yield processes
        except BaseException as error:
            error.add_note(self.logs(list(processes)))
            raise
        finally:
            for process in processes.values():
                stop(process)

    def health_check(self, service: dict, variables: dict[str, str]) -> subprocess.CompletedProcess:
        """The service's health check, in its environment; its output in `.stdout`."""
        test = interpolate(service["healthcheck"]["test"], variables)
        if isinstance(test, str):
            test = ["CMD-SHELL", test]
        command = test[1:] if test[0] == "CMD" else ["/bin/sh", "-c", test[1]]
        return subprocess.run(
            [self.translate(part) for part in command], cwd=self.app, env=self.environment(service, variables),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60, check=False,
        )  # fmt: skip

    def manage(self, service: dict, variables: dict[str, str], *args: str) -> str:
        """`docker compose run --rm <service> python manage.py …`: its standard output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=self.app, env=self.environment(service, variables),
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip()

    def logs(self, names: list[str]) -> str:
        return "\n".join(f"--- {name}\n{self.log_files[name].read_text()[-3000:]}" for name in names)


def dockerignore_pattern(line: str) -> re.Pattern:
    """One .dockerignore line as a regular expression over paths relative to the context (no `!` exceptions)."""
    assert not line.startswith("!"), "exceptions in .dockerignore: teach dockerignore_pattern about them"
    parts = re.split(r"(\*\*/|\*|\?)", line.strip("/"))
    wildcards = {"**/": "(?:.*/)?", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wildcards.get(part, re.escape(part)) for part in parts))


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group, as `docker compose stop` sends; SIGKILL if it is still there after 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def request(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One GET as the TLS proxy forwards it: to the published port, with the site's Host and X-Forwarded-Proto."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "localhost", "X-Forwarded-Proto": "https", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def post(port: int, path: str, body: dict, headers: dict[str, str]) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One JSON POST as the TLS proxy forwards it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    forwarded = {"Host": "localhost", "X-Forwarded-Proto": "https", "Content-Type": "application/json", **headers}
    try:
        connection.request("POST", path, body=json.dumps(body), headers=forwarded)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def traced(log: Path, request_id: str) -> bool:
    """True when some JSON line of the log carries the request id."""
    for line in log.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # gunicorn's own lines, and Celery's banner, are not JSON
        if isinstance(entry, dict) and entry.get("request_id") == request_id:
            return True
    return False


def answers(port: int, path: str) -> bool:
    try:
        return request(port, path)[0] == 200
    except OSError:
        return False
