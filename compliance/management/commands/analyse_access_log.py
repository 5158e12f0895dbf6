"""python manage.py analyse_access_log [--day YYYY-MM-DD]: flag the day's unusual accesses."""

import datetime

from django.core.management.base import BaseCommand

from compliance import clock
from compliance.analysis import access_log_analyse


class Command(BaseCommand):
    help = "Analyse one day of the access log (yesterday by default) and record what it flags."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, day: datetime.date | None, **options):
        day = day or clock.today() - datetime.timedelta(days=1)
        anomalies = access_log_analyse(day=day)
        for anomaly in anomalies:
            self.stdout.write(f"{anomaly.day} {anomaly.kind} {anomaly.user.get_username()} count={anomaly.count}")
        self.stdout.write(f"{day}: {len(anomalies)} flagged.")
