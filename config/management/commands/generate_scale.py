"""python manage.py generate_scale --factor N [--seed S] [--yes]: N synthetic copies of the report's case."""

from __future__ import annotations

import sys
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.models import AccessLogEntry
from config.scale import generate
from config.scale.plan import INSERT_ORDER, ScaleError

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Write N synthetic copies of the loaded 2024-03-06 report's case (companies, items, updates, reviews, "
        "reminders, access log reads) with bulk inserts, repeatable from --seed. Needs `load_report` first. "
        "Refused unless DEBUG is on or --yes is given: it writes a lot into the database it is pointed at."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--factor", type=int, required=True, help="number of copies of the report's case")
        parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same data (default 0)")
        parser.add_argument("--yes", action="store_true", help="write even though DEBUG is off")

    def handle(self, *args, factor: int, seed: int, yes: bool, **options) -> None:
        if not (yes or settings.DEBUG):
            raise CommandError(
                "generate_scale writes a large synthetic dataset into the database it is pointed at "
                f"({settings.DATABASES['default']['NAME']}). Run it on a scratch database, with DEBUG on or --yes."
            )
        if factor < 1:
            raise CommandError("--factor must be at least 1.")
        try:
            counts, seconds = generate(factor, seed, progress=self._progress)
        except ScaleError as error:
            raise CommandError(str(error)) from None
        sys.stderr.write("\n")
        self._report(counts, seconds)

    def _progress(self, done: int, total: int, seconds: float) -> None:
        """Redraw the progress bar on stderr."""
        filled = BAR_WIDTH * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} copies, {seconds:.1f} s")
        sys.stderr.flush()

    def _report(self, counts: Counter, seconds: float) -> None:
        """Rows written per model, the table's total, and the time taken."""
        self.stdout.write(f"{'model':<40}{'created':>12}{'in table':>12}")
        for model in [*INSERT_ORDER, AccessLogEntry]:
            label, total = model._meta.label, model._default_manager.count()
            self.stdout.write(f"{label:<40}{counts[label]:>12,}{total:>12,}")
        self.stdout.write(self.style.SUCCESS(f"{sum(counts.values()):,} rows in {seconds:.1f} s"))
