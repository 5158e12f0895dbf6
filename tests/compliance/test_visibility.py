"""Visibility classes: every field of every product model has one, none is stale, and nothing secret is public."""

import re

import pytest
from django.apps import apps

from cases.models import Incident
from compliance.models import User
from compliance.visibility import (
    APPS,
    FIELDS,
    Visibility,
    classifiable_fields,
    classified_models,
    is_history_event,
    public_fields,
    unclassified_fields,
    visibility_of,
)
from remediation.models import Implementation

# Names that must never be PUBLIC, whatever the model.
SECRET_NAMES = re.compile(r"password|e_?mail|token|hash|sha|narrative|comment|secret|ip_address|user_agent", re.I)


def test_every_field_is_classified():
    missing = unclassified_fields()
    assert missing == [], f"classify these fields in compliance/visibility.py: {', '.join(missing)}"


def test_no_stale_entries():
    models_by_label = {model._meta.label: model for model in classified_models()}
    stale_models = sorted(set(FIELDS) - set(models_by_label))
    assert stale_models == [], f"not product models (or history events), remove from FIELDS: {stale_models}"
    stale_fields = [
        f"{label}.{name}"
        for label, classes in FIELDS.items()
        for name in sorted(set(classes) - {field.name for field in classifiable_fields(models_by_label[label])})
    ]
    assert stale_fields == [], f"fields the models do not have, remove from FIELDS: {', '.join(stale_fields)}"


def test_every_class_is_a_visibility():
    assert all(isinstance(value, Visibility) for classes in FIELDS.values() for value in classes.values())


def test_history_events_are_restricted_as_a_whole():
    events = [model for label in APPS for model in apps.get_app_config(label).get_models() if is_history_event(model)]
    assert events, "pghistory tracks the product models"
    for model in events:
        assert public_fields(model) == []
        for field in classifiable_fields(model):
            assert visibility_of(model, field.name) == Visibility.RESTRICTED


def test_people_are_never_public():
    assert public_fields(User) == []
    assert {visibility_of(User, field.name) for field in classifiable_fields(User)} == {Visibility.RESTRICTED}


def test_no_secret_or_private_text_is_public():
    public = [
        f"{label}.{name}" for label, classes in FIELDS.items() for name, value in classes.items() if value == "public"
    ]
    assert public, "the published report has public fields"
    leaked = [name for name in public if SECRET_NAMES.search(name.rsplit(".", 1)[1])]
    assert leaked == [], f"secrets or private text classed PUBLIC: {', '.join(leaked)}"


def test_live_status_is_internal_and_published_text_public():
    assert visibility_of(Implementation, "status") == Visibility.INTERNAL
    assert visibility_of(Incident, "status") == Visibility.INTERNAL
    assert visibility_of(Incident, "summary_ja") == Visibility.PUBLIC
    # The baseline the report published; the current window moves with approved changes.
    assert visibility_of(Implementation, "baseline_window_end") == Visibility.PUBLIC
    assert visibility_of(Implementation, "window_end") == Visibility.INTERNAL


def test_public_fields_follow_model_order():
    assert public_fields(Implementation) == [
        "id",
        "baseline_due_on",
        "baseline_window_start",
        "baseline_window_end",
        "deadline_text",
        "measure",
        "company",
        "position",
    ]


def test_foreign_keys_answer_by_name_or_column():
    assert visibility_of(Implementation, "company_id") == visibility_of(Implementation, "company") == "public"


def test_unclassified_field_raises_a_clear_key_error(monkeypatch):
    monkeypatch.delitem(FIELDS["cases.Incident"], "summary_ja")
    with pytest.raises(KeyError, match=r"cases\.Incident\.summary_ja has no visibility class"):
        visibility_of(Incident, "summary_ja")
    assert "summary_ja" not in public_fields(Incident)
    assert "cases.Incident.summary_ja" in unclassified_fields()


def test_fields_published_with_a_case_status_are_internal_fields_of_the_model():
    """What the portal shows once a case's status is public: internal fields, of a model that knows its case."""
    from compliance.visibility import PUBLISHED_WITH_CASE_STATUS

    for label, names in PUBLISHED_WITH_CASE_STATUS.items():
        model = apps.get_model(label)
        assert hasattr(model, "status_published_filter"), label
        assert {visibility_of(model, name) for name in names} == {Visibility.INTERNAL}, label


def test_derived_values_name_classified_fields_and_no_field():
    """A derived value is computed from classified fields, and is not itself a field (which would have a class)."""
    from compliance.visibility import DERIVED

    for label, derived in DERIVED.items():
        model = apps.get_model(label)
        fields = {field.name for field in classifiable_fields(model)}
        for name, sources in derived.items():
            assert name not in fields, f"{label}.{name} is a field: classify it in FIELDS"
            assert set(sources) <= fields, f"{label}.{name} is computed from fields the model does not have"
