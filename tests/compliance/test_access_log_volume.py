"""How many access-log entries a fixed sequence of browsing writes: one per request that reads private data.

Before entries listed their records (one entry per record read), this sequence wrote 212 entries; now 8.

Run with `-s` to see the figures: `pytest tests/compliance/test_access_log_volume.py -s -n 0`.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from compliance.models import AccessLogEntry
from remediation.models import Implementation, ProgressUpdate
from tests.conftest import signed_in

CODES = ("kansai-td", "kyushu-td", "chubu-td")


def browse(client, urls: list[str]) -> list[tuple[str, int, int]]:
    """Open each URL in turn; for each, the access-log entries it wrote and the records they read."""
    written = []
    for url in urls:
        last = AccessLogEntry.objects.order_by("-id").values_list("pk", flat=True).first() or 0
        response = client.get(url)
        assert response.status_code == 200, url
        entries = list(AccessLogEntry.objects.filter(pk__gt=last))
        written.append((url, len(entries), sum(entry.record_count() for entry in entries)))
    return written


@pytest.mark.dates
def test_a_fixed_browsing_sequence_writes_one_entry_per_request(case, officers, regulator_client):
    officer = officers["kansai-td"]
    for person in officers.values():  # private rows for the lists to show: three updates of every company
        item = Implementation.objects.filter(company=person.company).order_by("pk").first()
        for number in range(3):
            ProgressUpdate.objects.create(
                company=person.company,
                author=person,
                implementation=item,
                status=item.status or "planned",
                narrative=f"progress {number} of {person.company.code}",
            )
    firsts = [Implementation.objects.filter(company=officers[code].company).order_by("pk").first() for code in CODES]
    own = list(Implementation.objects.filter(company=officer.company).order_by("pk")[:2])
    regulator_urls = [
        reverse("remediation:dashboard"),
        reverse("remediation:implementation_list"),
        reverse("remediation:review_queue"),
        reverse("remediation:progress_update_list"),
        *(item.get_tracking_url() for item in firsts),
        reverse("compliance:access_log_list"),
    ]
    officer_urls = [reverse("remediation:my_items"), *(item.get_tracking_url() for item in own)]

    written = browse(regulator_client, regulator_urls) + browse(signed_in(officer, second_factor=False), officer_urls)

    total, records = sum(count for _, count, _ in written), sum(read for _, _, read in written)
    print(f"\naccess-log entries written by {len(written)} requests: {total}, naming {records} records read")
    for url, count, read in written:
        print(f"  {count:5d} entries {read:5d} records  {url}")
    assert all(count <= 1 for _, count, _ in written), written
    assert records >= 100, "the records read are all still named"
