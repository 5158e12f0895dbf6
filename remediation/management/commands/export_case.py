"""python manage.py export_case CODE [--output FILE]: a whole case as a case file, on stdout or into a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from cases.models import Case
from compliance.audit import access_log_reads
from remediation.case_files import case_file_export, exported_records


class Command(BaseCommand):
    help = "Export a case, with the reference data it refers to and its items' current state, as a case file (YAML)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the case's code")
        parser.add_argument("--output", "-o", type=Path, help="write the file here instead of to standard output")

    @no_translations
    def handle(self, *args, code: str, output: Path | None, **options):
        case = Case.objects.filter(code=code).first()
        if case is None:
            raise CommandError(f"no case with the code '{code}'")
        text = case_file_export(case=case)
        # The file holds the incidents the report does not describe: their read is logged, from the command line.
        access_log_reads(request=None, records=exported_records(case=case))
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stderr.write(self.style.SUCCESS(f"{case.code}: exported to {output}."))
