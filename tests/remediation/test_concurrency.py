"""Two people changing one item at the same moment, on two PostgreSQL connections: one wins, the
other is refused with a conflict, and nothing is lost or half-written."""

import threading

import pytest
from django.db import close_old_connections, connection

from compliance.choices import Role
from compliance.models import Company, User
from compliance.versioning import ConflictError
from remediation.models import Implementation, ProgressUpdate
from remediation.services.progress_updates import progress_update_submit

pytestmark = pytest.mark.django_db


def in_own_connection(work):
    """Run `work` in a thread: its own connection, its own committed transactions."""
    result: dict = {}

    def run():
        try:
            result["value"] = work()
        except Exception as error:  # handed back to the test
            result["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    close_old_connections()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def test_two_simultaneous_updates_on_one_item_the_second_is_refused_not_lost():
    item = Implementation.objects.get(company__code="kyushu-td", measure__code="td-4-m4")
    officers = in_own_connection(
        lambda: [
            User.objects.create_user(
                username=f"race-{n}", role=Role.COMPANY_OFFICER, company=Company.objects.get(code="kyushu-td")
            )
            for n in range(2)
        ]
    )
    seen_version = item.version
    barrier = threading.Barrier(2)
    outcomes: list = []

    def submit(officer):
        def work():
            barrier.wait(timeout=30)
            try:
                update = progress_update_submit(
                    actor=officer,
                    item=item,
                    item_version=seen_version,
                    status="in_progress",
                    narrative=f"update by {officer.username}",
                )
                outcomes.append(("saved", update.pk))
            except ConflictError:
                outcomes.append(("conflict", officer.username))
            finally:
                connection.close()

        return threading.Thread(target=work)

    threads = [submit(officer) for officer in officers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(kind for kind, _ in outcomes) == ["conflict", "saved"]
        saved = [pk for kind, pk in outcomes if kind == "saved"]
        assert (
            in_own_connection(
                lambda: list(ProgressUpdate.objects.filter(implementation=item).values_list("pk", flat=True))
            )
            == saved
        )
        assert in_own_connection(lambda: Implementation.objects.get(pk=item.pk).version) == seen_version + 1
    finally:

        def clean():
            ProgressUpdate.objects.filter(author__username__startswith="race-").delete()
            Implementation.objects.filter(pk=item.pk).update(version=seen_version)
            User.objects.filter(username__startswith="race-").delete()

        in_own_connection(clean)
