"""Known vulnerabilities in every locked package (pip-audit), with a committed allowlist that expires.

    python scripts/audit.py [--allow-unreachable]

The lock is exported with its hashes and audited as it is, not the installed environment. An advisory in
audit-allowlist.toml is ignored until its `expires` day, and only with a `reason`; an expired or incomplete entry
fails the audit. When the advisory service (PyPI's JSON API) cannot be reached, the audit fails, or with
`--allow-unreachable` says loudly that it did not run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import tomllib
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / "audit-allowlist.toml"
BIN = Path(sys.executable).parent
# What pip-audit asks PyPI for each package: one release's JSON, with its advisories.
PROBE = "https://pypi.org/pypi/django/5.2/json"

settings.configure(USE_TZ=True, TIME_ZONE="Asia/Tokyo")
from compliance import clock  # noqa: E402 (after the minimal settings the clock needs)


def accepted_advisories() -> tuple[list[str], list[str]]:
    """The advisory ids the allowlist accepts today, and what is wrong with it."""
    entries = tomllib.loads(ALLOWLIST.read_text(encoding="utf-8")).get("allow", [])
    ids, problems = [], []
    for entry in entries:
        missing = [key for key in ("id", "package", "reason", "expires") if not entry.get(key)]
        if missing:
            problems.append(f"allowlist entry {entry.get('id', '?')} lacks {', '.join(missing)}")
        elif entry["expires"] < clock.today():
            problems.append(f"allowlist entry {entry['id']} ({entry['package']}) expired on {entry['expires']}")
        else:
            ids.append(entry["id"])
    return ids, problems


def service_reachable() -> bool:
    try:
        with urllib.request.urlopen(PROBE, timeout=10) as answer:
            return answer.status == 200
    except OSError:
        return False


def audit(ignored: list[str]) -> int:
    """pip-audit over the whole lock, every package required to be audited."""
    with tempfile.TemporaryDirectory() as folder:
        locked = Path(folder) / "requirements.txt"
        export = [BIN / "uv", "export", "--quiet", "--frozen", "--all-extras", "--no-emit-project", "--format",
                  "requirements-txt", "--output-file", str(locked)]  # fmt: skip
        subprocess.run(export, cwd=ROOT, check=True)  # noqa: S603 (the pinned uv, fixed arguments)
        command = [BIN / "pip-audit", "--strict", "--disable-pip", "--no-deps", "--requirement", str(locked)]
        for advisory in ignored:
            command += ["--ignore-vuln", advisory]
        return subprocess.run(command, cwd=ROOT).returncode  # noqa: S603 (our environment's pip-audit)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--allow-unreachable", action="store_true", help="do not fail when the service is out of reach")
    args = parser.parse_args()
    ignored, problems = accepted_advisories()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    if not service_reachable():
        print(f"THE AUDIT DID NOT RUN: the advisory service ({PROBE}) cannot be reached from here.", file=sys.stderr)
        return 0 if args.allow_unreachable else 2
    return audit(ignored)


if __name__ == "__main__":
    sys.exit(main())
