"""`make run` against a PostgreSQL of one's own (DATABASE_URL), as the README offers where the private one cannot run.

It migrates, loads the report and the demo people, serves the tracker and the portal, and stops on SIGTERM.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.real_services import ROOT, free_port, wait_for

pytestmark = [
    pytest.mark.real_clock,  # a server of its own, on the real clock
    pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed here"),
]
VENV = Path(sys.executable).parent.parent


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own server on loopback)
            return response.status == 200
    except OSError:
        return False


def test_make_run_serves_the_report_from_a_database_of_ones_own(scratch_database, tmp_path):
    stamps = {kind: (VENV / f".installed-{kind}-database").exists() for kind in ("embedded", "own")}
    if not any(stamps.values()):
        pytest.skip("this environment was not made by `make install`")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": scratch_database,
        "EMBEDDED": "yes" if stamps["embedded"] else "no",  # the environment as it is: nothing to install again
        "VENV": str(VENV),
        "PORT": str(port),
        "CELERY_QUEUE_FOLDER": str(tmp_path / "celery"),
        "EVIDENCE_ROOT": str(tmp_path / "evidence"),
        "ACCESS_LOG_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    make = subprocess.Popen([shutil.which("make"), "run"], cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/public/"), "make run to serve", timeout=300)
        portal = urllib.request.urlopen(f"http://127.0.0.1:{port}/public/", timeout=5).read().decode()
        assert "一般送配電事業者" in portal
        assert answers(f"http://127.0.0.1:{port}/accounts/login/")
        # DEBUG is on, yet a missing page is the site's own, not Django's list of every URL pattern.
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/public/no-such-page/", timeout=5)
        body = missing.value.read().decode()
        assert missing.value.code == 404 and "ページが見つかりません" in body and "URLconf" not in body
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=60)
    assert not answers(f"http://127.0.0.1:{port}/public/")
