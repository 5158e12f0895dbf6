"""python manage.py take_daily_counts [--day YYYY-MM-DD]: the dashboard's daily snapshot, by hand."""

import datetime

from django.core.management.base import BaseCommand

from compliance import clock
from remediation.services.daily_counts import daily_counts_take


class Command(BaseCommand):
    help = "Record the day's counts by status, company and safeguard type (today by default)."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, day: datetime.date | None, **options):
        day = day or clock.today()
        self.stdout.write(f"{day}: recorded {daily_counts_take(day=day)} count(s).")
