"""Records read from the database are the same whether their columns are filled in (compliance.loading) or made
through Django's constructor: every column, the deferred ones left out, the related rows joined, the state."""

import pytest
from django.apps import apps
from django.db.models.signals import post_init

from compliance import loading
from compliance.loading import QuickLoad
from remediation.models import Implementation, ProgressUpdate

pytestmark = pytest.mark.django_db

QUICK_MODELS = [model for model in apps.get_models() if issubclass(model, QuickLoad)]


def as_loaded(record) -> dict:
    """What loading put in a record: its values, its state, its deferred fields, the related rows joined."""
    # Django's own bookkeeping (`_state`, a prefetch's querysets) is compared apart or not at all.
    values = {name: value for name, value in vars(record).items() if not name.startswith("_")}
    related = {name: as_loaded(row) for name, row in record._state.fields_cache.items() if row is not None}
    return {
        "class": type(record),
        "values": values,
        "adding": record._state.adding,
        "db": record._state.db,
        "deferred": record.get_deferred_fields(),
        "related": related,
    }


def both_ways(rows, monkeypatch) -> tuple[list[dict], list[dict]]:
    """`rows` loaded by filling in their columns, then through Django's constructor."""
    quick = [as_loaded(record) for record in rows.all()]
    with monkeypatch.context() as patched:
        patched.setattr(loading, "loads_plainly", lambda model: False)
        constructed = [as_loaded(record) for record in rows.all()]
    return quick, constructed


def test_every_model_loaded_quickly_may_be(case):
    assert {Implementation, ProgressUpdate} <= set(QUICK_MODELS)
    assert all(loading.loads_plainly(model) for model in QUICK_MODELS)


@pytest.mark.parametrize("model", QUICK_MODELS, ids=lambda model: model._meta.label)
def test_a_record_is_loaded_as_django_loads_it(case, model, monkeypatch):
    quick, constructed = both_ways(model._default_manager.order_by("pk")[:20], monkeypatch)
    assert quick == constructed


def test_deferred_columns_and_joined_rows_are_loaded_as_django_loads_them(case, monkeypatch):
    rows = Implementation.objects.select_related("company", "measure__finding").defer("deadline_text", "company__kind")
    quick, constructed = both_ways(rows.order_by("pk")[:50], monkeypatch)
    assert quick == constructed
    assert quick[0]["deferred"] == {"deadline_text"}
    assert "kind" in quick[0]["related"]["company"]["deferred"]


def test_a_record_loaded_quickly_reads_a_deferred_column_and_saves_as_an_update(case):
    item = Implementation.objects.only("pk", "version").order_by("pk").first()
    assert item.deadline_text == Implementation.objects.get(pk=item.pk).deadline_text
    before = Implementation.objects.count()
    item = Implementation.objects.order_by("pk").first()
    item.deadline_text = "by the end of the month"
    item.save(update_fields=["deadline_text"])
    assert Implementation.objects.count() == before
    assert Implementation.objects.get(pk=item.pk).deadline_text == "by the end of the month"


def test_a_model_with_an_init_receiver_is_loaded_through_djangos_constructor(case):
    made = []

    def receiver(sender, instance, **kwargs):
        made.append(instance.pk)

    post_init.connect(receiver, sender=Implementation)
    try:
        loaded = [item.pk for item in Implementation.objects.order_by("pk")[:5]]
    finally:
        post_init.disconnect(receiver, sender=Implementation)
    assert made == loaded


def test_records_behind_the_field_wall_and_prefetched_are_loaded_as_django_loads_them(case, officers, monkeypatch):
    officer = officers["kansai-td"]
    walled = Implementation.objects.visible_to(officer).order_by("pk")
    quick, constructed = both_ways(walled, monkeypatch)
    assert quick == constructed
    assert any(record["values"].get("hidden_fields") for record in quick)  # other companies' rows, fields hidden
    measures = case.findings.order_by("pk").first().measures.prefetch_related("implementations").order_by("pk")
    quick = [[as_loaded(item) for item in measure.implementations.all()] for measure in measures]
    with monkeypatch.context() as patched:
        patched.setattr(loading, "loads_plainly", lambda model: False)
        constructed = [[as_loaded(item) for item in measure.implementations.all()] for measure in measures.all()]
    assert quick == constructed
    assert any(quick)
