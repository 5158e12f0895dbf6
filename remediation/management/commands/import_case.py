"""python manage.py import_case FILE: import a case file, validated whole first; an invalid one changes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from cases.report_format import CaseFileError
from remediation.case_files import case_file_import


class Command(BaseCommand):
    help = (
        "Import a case file (as export_case writes it). Every problem of an invalid file is listed, one per line "
        "(record: field: reason), and nothing is written. Importing a file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    @no_translations
    def handle(self, *args, path: Path, **options):
        try:
            result = case_file_import(actor=None, text_or_path=path)
        except CaseFileError as error:
            raise CommandError(str(error)) from None
        if not result.changed_anything:
            self.stdout.write(f"{result.case.code}: already up to date, nothing changed.")
            return
        for label, count in sorted(result.created.items()):
            self.stdout.write(f"created {count:4d} {label}")
        for label, count in sorted(result.updated.items()):
            self.stdout.write(f"updated {count:4d} {label}")
        self.stdout.write(self.style.SUCCESS(f"{result.case.code}: imported from {path.name}."))
