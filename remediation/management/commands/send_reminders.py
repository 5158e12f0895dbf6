"""python manage.py send_reminders [--today YYYY-MM-DD] [--dry-run]: the daily sweep, by hand."""

import datetime

from django.core.management.base import BaseCommand

from compliance import clock
from remediation.services.reminders import reminder_sweep


class Command(BaseCommand):
    help = "Record and send every reminder owed on a day (today by default) and never sent; print them."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")

    def handle(self, *args, today: datetime.date | None, dry_run: bool, **options):
        day = today or clock.today()
        result = reminder_sweep(today=day, dry_run=dry_run)
        for reminder in result.reminders:
            late = " late" if reminder.planned_for < day else ""
            self.stdout.write(
                f"{reminder.planned_for} {reminder.rule:<11} {reminder.company.code:<15} {reminder.subject}{late}"
            )
        verb = "would send" if dry_run else "sent"
        self.stdout.write(f"{day}: {verb} {len(result.reminders)} reminder(s).")
