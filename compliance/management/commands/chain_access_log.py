"""python manage.py chain_access_log: chain the entries written since the sequencer last ran."""

from django.core.management.base import BaseCommand

from compliance.access_chain import access_log_chain, chain_end


class Command(BaseCommand):
    help = (
        "Chain the access log's unchained entries now, as Celery beat does every few seconds: each gets the next "
        "position and its hash. Safe to run at any time, and beside a running worker."
    )

    def handle(self, *args, **options):
        chained = access_log_chain()
        end = chain_end()
        self.stdout.write(
            f"{chained} entries chained; the chain ends at position {end.position} (entry {end.entry_id})"
        )
