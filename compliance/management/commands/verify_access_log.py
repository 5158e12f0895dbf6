"""python manage.py verify_access_log: recompute the hash chain and name the first tampered entry."""

from django.core.management.base import BaseCommand, CommandError

from compliance.audit import access_log_verify


class Command(BaseCommand):
    help = "Verify the access log's hash chain; exit with an error naming the first entry that fails."

    def handle(self, *args, **options):
        check = access_log_verify()
        if not check.intact:
            raise CommandError(
                f"access log chain broken at entry {check.first_bad_id} "
                f"({check.checked} entries checked): it was changed after it was written."
            )
        self.stdout.write(self.style.SUCCESS(f"access log intact: {check.checked} entries verified."))
