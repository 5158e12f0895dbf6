"""python manage.py load_demo: demo people and a few private progress updates, for `make run` only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from compliance.choices import CompanyKind, ItemStatus, Role
from compliance.models import Company, User
from remediation.models import Implementation, ProgressUpdate
from remediation.services.progress_updates import progress_update_submit
from remediation.workflow import allowed_statuses

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (documented in the README; refused unless DEBUG)
UPDATES_PER_COMPANY = 2


class Command(BaseCommand):
    help = "Create demo people (password in the README) and private progress updates. Refused unless DEBUG."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo creates people with a published password: it runs only with DEBUG on.")
        with transaction.atomic():
            self._person("regulator-admin", Role.REGULATOR_ADMIN, None)
            self._person("regulator-staff", Role.REGULATOR_STAFF, None)
            companies = Company.objects.exclude(kind=CompanyKind.CONTRACTOR)
            officers = [self._person(f"officer-{c.code}", Role.COMPANY_OFFICER, c) for c in companies]
            created = sum(self._updates(officer) for officer in officers)
        self.stdout.write(self.style.SUCCESS(f"demo: {2 + len(officers)} people, {created} new progress updates."))

    def _person(self, username: str, role: str, company: Company | None) -> User:
        defaults = {"role": role, "company": company, "email": f"{username}@demo.invalid"}
        person, created = User.objects.get_or_create(username=username, defaults=defaults)
        if created:
            person.set_password(DEMO_PASSWORD)
            person.save(update_fields=["password"])
        return person

    def _updates(self, officer: User) -> int:
        if ProgressUpdate.objects.filter(company=officer.company).exists():
            return 0
        implementations = (
            Implementation.objects.filter(company=officer.company)
            .select_related("measure")
            .order_by("measure__finding__position", "measure__position")
        )
        # Open items first; a company whose items are all done reports on those.
        chosen = sorted(implementations, key=lambda i: i.status == ItemStatus.DONE)[:UPDATES_PER_COMPANY]
        for implementation in chosen:
            if not allowed_statuses(implementation.status):
                continue
            progress_update_submit(
                actor=officer,
                item=implementation,
                item_version=implementation.version,
                status=allowed_statuses(implementation.status)[0],
                narrative=(
                    f"【デモ】{officer.company.name_ja}の社内資料: {implementation.measure.code} の進捗を報告します。"
                    "担当部署で対応中です。"
                ),
            )
        return len(chosen)
