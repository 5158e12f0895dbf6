"""python manage.py backup --output PATH: the database and the evidence files in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from config.backup.archive import backup_write
from config.backup.errors import BackupError


class Command(BaseCommand):
    help = (
        "Write one tar archive of the database (pg_dump), every evidence file, the access log's checkpoint file and a "
        "manifest of digests and row counts. The archive appears at PATH only once it is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, required=True, help="the archive to write, such as backup.tar")

    def handle(self, *args, output: Path, **options):
        try:
            result = backup_write(output=output)
        except (BackupError, OperationalError) as error:
            raise CommandError(str(error)) from None
        for name in result.missing_evidence:
            self.stderr.write(f"warning: evidence file {name} is named in the database but missing from EVIDENCE_ROOT")
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written: {result.path} ({result.size:,} bytes): {result.tables} tables, {result.rows:,} rows, "
                f"{result.evidence_files} evidence files, {result.checkpoints} access-log checkpoints; "
                f"pg_dump {result.client.version} ({result.client.found_in}); {result.seconds:.1f} s."
            )
        )
