"""python manage.py restore PATH [--yes]: an archive of `backup` into an empty database and EVIDENCE_ROOT."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from config.backup.errors import BackupError
from config.backup.restore import restore_apply
from config.backup.verify import restore_prepare


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty database and an empty EVIDENCE_ROOT, and its access-log "
        "checkpoints to ACCESS_LOG_CHECKPOINT_FILE. The archive is verified first; anything refused writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive written by `backup`")
        parser.add_argument("--yes", action="store_true", help="restore without asking (needed without a terminal)")

    def handle(self, *args, path: Path, yes: bool, **options):
        try:
            plan = restore_prepare(path=path)
            if not yes:
                self._confirm(plan)
            result = restore_apply(plan=plan)
        except (BackupError, OperationalError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {path} into the database {plan.database} and {plan.evidence_root}: {result.tables} tables, "
                f"{result.rows:,} rows (as counted in the manifest), {result.evidence_files} evidence files, "
                f"{result.checkpoints} access-log checkpoints; "
                f"pg_restore {result.client.version} ({result.client.found_in}); {result.seconds:.1f} s."
            )
        )
        if result.pending_migrations:
            self.stdout.write(
                f"This code has {len(result.pending_migrations)} migrations the archive had not applied: "
                "run `python manage.py migrate`."
            )

    def _confirm(self, plan) -> None:
        if not sys.stdin.isatty():
            raise CommandError("restore asks for confirmation, and there is no terminal to ask on: pass --yes.")
        database = settings.DATABASES["default"]
        where = database["HOST"] or database["OPTIONS"].get("host") or "the local socket"
        self.stdout.write(
            f"Restore {plan.path} (written {plan.manifest['created_at']}: {plan.rows:,} rows, "
            f"{plan.evidence_files} evidence files)\ninto the database {plan.database} on {where}, "
            f"and the evidence files into {plan.evidence_root}?"
        )
        if input("Type yes to restore: ").strip().lower() != "yes":
            raise CommandError("Restore cancelled: nothing was written.")
