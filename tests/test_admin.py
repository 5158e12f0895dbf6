"""The Django admin has every model, and each of its lists and forms opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from compliance.visibility import is_history_event

pytestmark = pytest.mark.django_db

PRODUCT_APPS = {"compliance", "cases", "remediation"}


def test_every_model_is_registered():
    # The change history's event tables, and the view over them, are browsed on the history page.
    models = [m for m in apps.get_models() if m._meta.app_label in PRODUCT_APPS and not is_history_event(m)]
    assert models
    assert [m for m in models if not admin.site.is_registered(m)] == []


def test_every_changelist_add_and_change_page_opens(admin_client, regulator_admin, case):
    request = RequestFactory().get("/admin/")
    request.user = regulator_admin
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PRODUCT_APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        add = admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code
        assert add == (200 if model_admin.has_add_permission(request) else 403), info
        first = model.objects.first()
        if first is not None:
            assert admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk])).status_code == 200


def test_reads_of_private_records_in_the_admin_are_logged(admin_client, regulator_admin, officers):
    from compliance.models import AccessLogEntry
    from tests.conftest import submit_update

    officer = officers["okinawa"]
    update = submit_update(officer, "private")
    assert admin_client.get(reverse("admin:remediation_progressupdate_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:remediation_progressupdate_change", args=[update.pk])).status_code == 200
    reads = AccessLogEntry.objects.filter(
        user=regulator_admin,
        action="read",
        records__contains=[{"type": "remediation.progressupdate", "id": str(update.pk)}],
    )
    assert reads.count() == 2


def test_a_change_in_the_admin_raises_the_version_and_nobody_types_it(admin_client):
    from compliance.models import CompanyGroup

    group = CompanyGroup.objects.get(code="kansai")
    url = reverse("admin:compliance_companygroup_change", args=[group.pk])
    form = {"code": group.code, "name_ja": group.name_ja, "name_en": "Kansai group", "position": group.position}
    assert admin_client.post(url, {**form, "version": 99}).status_code == 302
    assert CompanyGroup.objects.get(pk=group.pk).version == group.version + 1
    assert admin_client.post(url, {**form, "version": 99}).status_code == 302  # nothing changed this time
    assert CompanyGroup.objects.get(pk=group.pk).version == group.version + 1
