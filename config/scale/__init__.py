"""Synthetic data at scale: N copies of the 2024-03-06 report's case, repeatable from a seed.

Each copy is shaped like the loaded report (its actions, groups, companies, findings, measures,
implementations, incident pairs and incidents) with its own codes, names, dates and statuses, plus the
private records of a working case: an officer per regulated company, progress updates, reviews,
reminders and the access log's reads. Copy `n` draws everything from `random.Random(f"{seed}:{n}")`, so
the same seed gives the same data whatever else the database holds (only primary keys differ).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from cases.models import Case
from compliance.choices import Role
from compliance.models import User
from config.scale.builder import plan_copy
from config.scale.insert import write_block
from config.scale.plan import BLOCK, STAFF_USERNAME, ScaleError, copy_code
from config.scale.template import load_template


def regulator_staff() -> tuple[User, bool]:
    """The generated regulator staff member who reviews every synthetic update, and whether it is new."""
    return User.objects.get_or_create(
        username=STAFF_USERNAME,
        defaults={"role": Role.REGULATOR_STAFF, "password": UNUSABLE_PASSWORD_PREFIX, "email": "staff@scale.invalid"},
    )


def check_free(factor: int) -> None:
    """Refuse to write copies whose codes are taken already (a second run on the same database)."""
    taken = Case.objects.filter(code__in=[copy_code(n) for n in range(1, factor + 1)]).order_by("code")
    first = taken.values_list("code", flat=True).first()
    if first is not None:
        raise ScaleError(f"case {first} exists already: generate into a fresh database (migrate, load_report).")


def generate(
    factor: int, seed: int, progress: Callable[[int, int, float], None] | None = None
) -> tuple[Counter, float]:
    """Write `factor` copies of the report's case, a block per transaction; return counts and seconds."""
    began = time.perf_counter()
    template = load_template()
    check_free(factor)
    staff, created = regulator_staff()
    counts: Counter = Counter({User._meta.label: int(created)})
    for first in range(1, factor + 1, BLOCK):
        numbers = range(first, min(first + BLOCK, factor + 1))
        counts += write_block([(n, plan_copy(template, seed, n, staff)) for n in numbers], seed)
        if progress is not None:
            progress(numbers[-1], factor, time.perf_counter() - began)
    return counts, time.perf_counter() - began
