"""python manage.py backup --output PATH: the database and the evidence files in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from compliance.partitions import Month
from config.backup.access_log import access_log_month_archive, access_log_month_drop
from config.backup.archive import backup_write
from config.backup.errors import BackupError


class Command(BaseCommand):
    help = (
        "Write one tar archive of the database (pg_dump), every evidence file, the access log's checkpoint file and a "
        "manifest of digests and row counts. The archive appears at PATH only once it is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, required=True, help="the archive to write, such as backup.tar")
        parser.add_argument(
            "--access-log-month",
            type=_month,
            help="archive this month (YYYY-MM) of the access log only: its entries, the signed checkpoint at its end",
        )
        parser.add_argument(
            "--drop",
            action="store_true",
            help="with --access-log-month: once the archive is written and read back, drop the month from the database",
        )

    def handle(self, *args, output: Path, access_log_month: Month | None = None, drop: bool = False, **options):
        if access_log_month is not None:
            return self._access_log_month(access_log_month, output, drop)
        if drop:
            raise CommandError("--drop goes with --access-log-month only.")
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

    def _access_log_month(self, month: Month, output: Path, drop: bool) -> None:
        archive = access_log_month_drop if drop else access_log_month_archive
        try:
            done = archive(month=month, output=output)
        except (BackupError, OperationalError) as error:
            raise CommandError(str(error)) from None
        dropped = "; the month is dropped from the database" if drop else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"access log of {month} archived: {done.path}: {done.entries:,} entries up to position "
                f"{done.checkpoint.position}, read back and verified{dropped}."
            )
        )


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise CommandError(str(error)) from None
