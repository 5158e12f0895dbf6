"""python manage.py load_report [path]: load the 2024-03-06 report, or another case file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from cases.report_format import CaseFileError
from remediation.case_loading import DEFAULT_REPORT, case_file_load


class Command(BaseCommand):
    help = "Load a case data file (by default the 2024-03-06 report). Loading it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_REPORT)

    @no_translations  # the command line speaks English, problems included
    def handle(self, *args, path: Path, **options):
        try:
            result = case_file_load(path=path)
        except CaseFileError as error:
            raise CommandError(str(error)) from None
        if not result.changed_anything:
            self.stdout.write(f"{result.case.code}: already up to date, nothing changed.")
            return
        for label, count in sorted(result.created.items()):
            self.stdout.write(f"created {count:4d} {label}")
        for label, count in sorted(result.updated.items()):
            self.stdout.write(f"updated {count:4d} {label}")
        self.stdout.write(self.style.SUCCESS(f"{result.case.code}: loaded from {path.name}."))
