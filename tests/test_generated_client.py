"""A consumer's generated client: openapi-python-client run on the committed schema, then the whole review loop
(submit with evidence, request information, answer, accept, a stale write refused, the evidence downloaded) driven
through that client alone, against the web as production serves it.

The generator comes from the clients' environment (`make test` builds it: CLIENTS_PYTHON); `make clients` checks
the same schema with the TypeScript generator as well.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.real_services import ROOT
from tests.test_api_conformance import serving_api

pytestmark = pytest.mark.real_clock  # the server keeps real time, as every process outside the tests does

OFFICER_COMPANY = "kansai-td"


def clients_python() -> Path:
    """The clients' environment's Python: `make test` says where; a run without it cannot test the client."""
    python = Path(os.environ.get("CLIENTS_PYTHON", ROOT / ".venv-clients" / "bin" / "python"))
    if not python.is_file():
        pytest.fail(f"no client generator at {python}: run `make test`, which builds the clients' environment")
    return python


@pytest.fixture
def generated_client(tmp_path) -> Path:
    """The folder holding `compliance_client`, generated from openapi/schema.yaml with no warning."""
    out = tmp_path / "client"
    done = subprocess.run(
        [clients_python(), ROOT / "scripts" / "generated_clients.py", "python", out],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture
def served_api(scratch_database, tmp_path):
    yield from serving_api(scratch_database, tmp_path)


def test_the_review_loop_runs_through_the_generated_python_client_alone(generated_client, served_api):
    port, tokens = served_api
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(generated_client),
        "API_BASE_URL": f"http://127.0.0.1:{port}",
        "REGULATOR_TOKEN": tokens["regulator staff"],
        "OFFICER_TOKEN": tokens["company officer"],
        "OFFICER_COMPANY": OFFICER_COMPANY,
    }
    loop = subprocess.run(
        [clients_python(), ROOT / "tests" / "clients" / "review_loop.py"],
        capture_output=True, text=True, check=False, timeout=300, env=env,
    )  # fmt: skip
    assert loop.returncode == 0, loop.stdout + loop.stderr
    assert loop.stdout.splitlines() == [
        "list: 200",
        "read the item: 200",
        "submit with evidence: 201",
        "a stale write refused: 412",
        "request information: 201",
        "answer: 201",
        "accept: 201",
        "read the answer: 200",
        "list evidence: 200",
        "download the evidence: 200",
        "the review loop ran through the generated client",
    ]
