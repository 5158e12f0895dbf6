"""`make bench-sign-in`: how long a person waits from pressing "sign in" to seeing their first page.

    python bench/sign_in.py [--runs 10]

Against the database of DATABASE_URL (migrated; `make run`'s demo data or any other), with the product's own
password hashers: for a company officer and for regulator staff, the sign-in POST and then every redirect up to
the landing page, as the browser follows them. Prints the median and the slowest of each, and the share of the
password check. Everything it writes (the two people, their sessions, the access log) is rolled back.
A measurement, not a test: the machine's load decides the numbers; the goal is under a second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 1.0
PASSWORD = "bench-sign-in-password-2026"  # noqa: S105 - a throwaway person, rolled back


class Rollback(Exception):
    pass


def sign_in_once(client_class, username: str) -> tuple[float, float, list[str]]:
    """Seconds of the POST, seconds up to the landing page, and the addresses it went through."""
    client = client_class(HTTP_HOST="127.0.0.1")
    client.get("/accounts/login/")
    start = time.perf_counter()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    posted = time.perf_counter() - start
    path = ["POST /accounts/login/"]
    while response.status_code in (301, 302, 303):
        path.append(response["Location"])
        response = client.get(response["Location"])
    if response.status_code != 200:
        raise SystemExit(f"{username}: the landing page {path[-1]} answered {response.status_code}")
    return posted, time.perf_counter() - start, path


def hash_seconds() -> float:
    """One check of a password against its hash, with the first hasher of the settings."""
    from django.contrib.auth.hashers import check_password, make_password

    encoded = make_password(PASSWORD)
    check_password(PASSWORD, encoded)  # warm-up: loads the hashing library
    start = time.perf_counter()
    check_password(PASSWORD, encoded)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # As bench/run.py: pages find their CSS without collectstatic; plain HTTP on loopback.
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client, override_settings

    from compliance.choices import Role
    from compliance.models import Company, User

    company = Company.objects.order_by("code").first()
    if company is None:
        raise SystemExit("no company in the database: run `make run` once (or load_report) first")
    print(f"hasher: {settings.PASSWORD_HASHERS[0]}; one password check: {hash_seconds() * 1000:.0f} ms")
    rows = []
    try:
        # Plain HTTP on loopback, and no second factor asked (as `make run`): the first page after the password.
        with transaction.atomic(), override_settings(SECURE_SSL_REDIRECT=False, OTP_REQUIRED_FOR_REGULATOR=False):
            for username, role, of in [
                ("bench-sign-in-officer", Role.COMPANY_OFFICER, company),
                ("bench-sign-in-regulator", Role.REGULATOR_STAFF, None),
            ]:
                person = User.objects.create(username=username, role=role, company=of)
                person.set_password(PASSWORD)
                person.save()
                sign_in_once(Client, username)  # warm-up: the first request of a process loads code
                runs = [sign_in_once(Client, username) for _ in range(args.runs)]
                rows.append((username, runs))
            raise Rollback
    except Rollback:
        pass
    print(f"{'person':26} {'landing page':22} {'POST median':>12} {'total median':>13} {'total max':>10}")
    slowest = 0.0
    for username, runs in rows:
        posts, totals = [r[0] for r in runs], [r[1] for r in runs]
        slowest = max(slowest, max(totals))
        print(
            f"{username:26} {runs[0][2][-1]:22} {statistics.median(posts) * 1000:>10.0f}ms"
            f" {statistics.median(totals) * 1000:>11.0f}ms {max(totals) * 1000:>8.0f}ms"
        )
    verdict = "within" if slowest < GOAL_SECONDS else "OVER"
    print(f"slowest sign-in to landing page: {slowest:.3f} s ({verdict} the {GOAL_SECONDS:.0f} s goal)")


if __name__ == "__main__":
    main()
