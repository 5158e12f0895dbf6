"""Schemathesis as an outsider runs it: its command line, every phase (stateful included) and every check, against
the web as production serves it (gunicorn, DEBUG off, behind a TLS proxy, the regulator's second factor required),
as regulator staff and as a company officer.

What the product answers on purpose where a schema cannot say it is documented in `schemathesis.toml`; anything
else (a server error, an undocumented status or media type, a response off its schema, a schema-violating request
accepted) fails the test, with Schemathesis's own report of each failure and the curl command that reproduces it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.real_services import ROOT, environment, free_port, manage, start_web, stop_web

pytestmark = pytest.mark.real_clock  # the server keeps real time, as every process outside the tests does

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES = 15  # per operation and phase
TOKENS = """
from django.contrib.auth import get_user_model
from knox.models import AuthToken
people = get_user_model().objects
print(*(AuthToken.objects.create(people.get(username=name))[1] for name in ("regulator-staff", "officer-kansai-td")))
"""


def production_environment(env: dict[str, str]) -> dict[str, str]:
    """The web's settings as in production behind its TLS proxy, with a request budget no run reaches."""
    return {
        **env,
        "DEBUG": "False",
        "BEHIND_TLS_PROXY": "True",
        "OTP_REQUIRED_FOR_REGULATOR": "True",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_RATE_PER_TOKEN": "1000000/hour",
        "CELERY_TASK_ALWAYS_EAGER": "True",  # the mails of the updates it submits, written to files at once
        "LOG_LEVEL": "ERROR",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }


@pytest.fixture
def served_api(scratch_database, tmp_path):
    """The report and the demo's people loaded, the web started; its port and a token for each role."""
    yield from serving_api(scratch_database, tmp_path)


def serving_api(scratch_database: str, tmp_path: Path):
    """The web as production serves it on a scratch database (see `served_api`), until the generator is closed."""
    env = environment(scratch_database, "memory://", tmp_path / "mail")
    manage(env, "migrate", "--noinput")
    manage(env, "load_report")
    manage(env, "load_demo")
    regulator_token, officer_token = manage(env, "shell", "-c", TOKENS).split()
    port = free_port()
    # A request line longer than the HTTP server takes (gunicorn: 4094 bytes; nginx in front: 8 KiB) is refused by
    # that server with a page of its own before the product sees it: here the product sees every one.
    unlimited = ("--limit-request-line", "0")
    web = start_web(production_environment(env), port, tmp_path / "web.log", workers=2, options=unlimited)
    try:
        yield port, {"regulator staff": regulator_token, "company officer": officer_token}
    finally:
        stop_web(web)


def schemathesis_run(port: int, token: str, report_dir: Path) -> subprocess.CompletedProcess:
    """`schemathesis run` over the committed schema: every phase, every check, a fixed seed."""
    command = [str(SCHEMATHESIS), "--config-file", str(ROOT / "schemathesis.toml"), "--no-color", "run"]
    command += [str(ROOT / "openapi" / "schema.yaml"), "--url", f"http://127.0.0.1:{port}"]
    command += ["--phases", "examples,coverage,fuzzing,stateful", "--checks", "all"]
    command += ["--header", f"Authorization: Token {token}", "--header", "X-Forwarded-Proto: https"]
    command += ["--max-examples", str(EXAMPLES), "--seed", "20240306", "--workers", "2", "--request-timeout", "30"]
    command += ["--report", "junit", "--report-dir", str(report_dir)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=1200)


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(served_api, tmp_path):
    port, tokens = served_api
    outcomes = {}
    for role, token in tokens.items():
        run = schemathesis_run(port, token, tmp_path / role.replace(" ", "-"))
        summary = re.search(r"Test cases:\s*\n\s*(.+)", run.stdout)
        outcomes[role] = (run.returncode, summary.group(1).strip() if summary else "no summary", run.stdout)
        print(f"schemathesis as {role}: {outcomes[role][1]}")
    failed = {role: output for role, (code, _summary, output) in outcomes.items() if code != 0}
    assert not failed, "\n\n".join(f"as {role}:\n{output[-20000:]}" for role, output in failed.items())
