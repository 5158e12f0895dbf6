"""python manage.py prune_access_log: months older than the retention archived, then dropped."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from config.backup.access_log import access_log_prune
from config.backup.errors import BackupError


class Command(BaseCommand):
    help = (
        "Archive every month of the access log older than ACCESS_LOG_RETENTION_MONTHS to ACCESS_LOG_ARCHIVE_DIR, "
        "read each archive back, then drop the month. Refuses, dropping nothing more, when an archive cannot be "
        "written or read. Does nothing when ACCESS_LOG_RETENTION_MONTHS is 0 (keep forever)."
    )

    def handle(self, *args, **options):
        try:
            done = access_log_prune()
        except (BackupError, OperationalError) as error:
            raise CommandError(str(error)) from None
        for archive in done:
            self.stdout.write(f"{archive.month}: {archive.entries:,} entries archived to {archive.path}, dropped.")
        keep = settings.ACCESS_LOG_RETENTION_MONTHS
        self.stdout.write(self.style.SUCCESS(f"{len(done)} months pruned (retention: {keep or 'forever'} months)."))
