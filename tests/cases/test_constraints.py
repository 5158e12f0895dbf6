"""The database itself holds what must always be true, whatever writes to it."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from cases.models import Incident, IncidentPair
from remediation.models import Implementation

pytestmark = pytest.mark.django_db


def refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_a_window_cannot_end_before_it_starts(case):
    implementation = Implementation.objects.filter(measure__finding__case=case, window_end__isnull=False).first()
    assert refused(
        lambda: Implementation.objects.filter(pk=implementation.pk).update(window_start=datetime.date(2032, 1, 1))
    )


def test_a_window_needs_both_ends(case):
    implementation = Implementation.objects.filter(measure__finding__case=case, window_end__isnull=False).first()
    assert refused(lambda: Implementation.objects.filter(pk=implementation.pk).update(window_end=None))


def test_labels_are_unique_within_a_pair(case):
    pair = IncidentPair.objects.get(case=case, group__code="hokuriku")
    assert refused(lambda: Incident.objects.filter(pair=pair, label="イ").update(label="ア"))


def test_an_undescribed_incident_carries_no_invented_detail(case):
    incident = Incident.objects.filter(pair__case=case, described_in_report=False).first()
    assert refused(lambda: Incident.objects.filter(pk=incident.pk).update(summary_ja="作り話"))
    assert refused(lambda: Incident.objects.filter(pk=incident.pk).update(was_used=True))


def test_a_described_incident_has_a_label(case):
    assert refused(lambda: Incident.objects.filter(pair__case=case, label="ウ").update(label=""))


def test_statuses_are_from_the_list(case):
    assert refused(lambda: Implementation.objects.filter(measure__finding__case=case).update(status="finished"))


def test_the_viewer_is_not_the_owner(case):
    incident = Incident.objects.get(pair__case=case, pair__group__code="chugoku", label="イ")
    assert refused(lambda: Incident.objects.filter(pk=incident.pk).update(viewer=incident.owner))
