"""python manage.py verify_access_log: the hash chain recomputed, and compared with the signed checkpoints."""

import datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from compliance.log_check import access_log_verify


class Command(BaseCommand):
    help = (
        "Verify the access log: recompute its hash chain and compare it with the signed checkpoints of "
        "ACCESS_LOG_CHECKPOINT_FILE. Exit with an error naming every problem: a changed entry, entries missing "
        "at the end, an emptied log, a forged or altered checkpoint. With --since, from the newest checkpoint taken "
        "before that day only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            type=Path,
            help="compare with the checkpoints of this file instead (such as the lines of the administrators' mails)",
        )
        parser.add_argument(
            "--since",
            type=_day,
            help="verify from the newest signed checkpoint taken before this day (YYYY-MM-DD, Tokyo) to the end",
        )

    def handle(self, *args, checkpoints: Path | None = None, since: datetime.date | None = None, **options):
        if checkpoints is not None and not checkpoints.is_file():
            raise CommandError(f"{checkpoints} is not a file of checkpoints.")
        try:
            check = access_log_verify(checkpoints_from=checkpoints, since=since)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        for warning in check.warnings:
            self.stderr.write(f"warning: {warning}")
        if not check.intact:
            problems = "\n".join(f"- {problem}" for problem in check.problems)
            raise CommandError(
                f"access log NOT intact ({check.checked} entries, {check.checkpoints} checkpoints checked):\n{problems}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"access log intact: {check.checked} entries verified{_after(check.start_position)}; "
                f"checkpoints agreeing with it: {check.checkpoints}."
            )
        )


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a day written as YYYY-MM-DD.") from None


def _after(position: int) -> str:
    return f" after the checkpoint at position {position}" if position else ""
