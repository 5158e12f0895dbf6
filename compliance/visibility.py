"""Every field of every product model, given a visibility class: who may ever see what it holds.

The class says what a field may reveal, not which rows a person may read: rows still go through
`ScopedQuerySet.visible_to(user)` (an incident the report does not describe stays the regulator's even though
its summary field is PUBLIC). Within a row, `compliance.access` applies the classes (the field wall). A field
nobody has classified is treated as restricted, and the test `tests/compliance/test_visibility.py` fails until
it is classified here.
"""

from __future__ import annotations

import pghistory.models
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

# The apps whose models must classify every field.
APPS = ("compliance", "cases", "remediation")


class Visibility(models.TextChoices):
    """Who may see what a field holds."""

    # As published by the regulator: may be shown to anyone.
    PUBLIC = "public", _("Public")
    # The regulator and the company concerned.
    INTERNAL = "internal", _("Internal")
    # The regulator only, or nobody: secrets, hashes, audit data, personal data.
    RESTRICTED = "restricted", _("Restricted")


PUBLIC = Visibility.PUBLIC
INTERNAL = Visibility.INTERNAL
RESTRICTED = Visibility.RESTRICTED

_WEBHOOK_SUBSCRIPTION_FIELDS = (
    "id", "owner", "url", "events", "description", "secret_encrypted", "paused_because", "paused_at",
    "consecutive_failures", "failing_since", "created_at", "updated_at",
)  # fmt: skip
_ACCESS_LOG_FIELDS = (
    "id", "at", "user", "username", "user_company_id", "action", "object_type", "object_id", "object_company_id",
    "records", "method", "path", "ip_address", "user_agent", "previous_hash", "entry_hash", "position",
)  # fmt: skip
_WEBHOOK_DELIVERY_FIELDS = (
    "id", "subscription", "event_type", "message_id", "record_model", "record_pk", "body", "status", "attempts",
    "max_attempts", "last_response_code", "last_error", "next_attempt_at", "last_attempt_at", "delivered_at",
    "created_at",
)  # fmt: skip

# Model label -> field name (a foreign key by its name, not its `_id` column) -> class.
# pghistory event models are not listed: they are RESTRICTED as a whole (see `visibility_of`).
# When in doubt, the more restrictive class. A record's `version` (the count of its changes, for writes that must not
# overwrite each other) is INTERNAL: no report content, shown with the rest of the record to signed-in people.
FIELDS: dict[str, dict[str, Visibility]] = {
    # --- compliance ---------------------------------------------------------------------------------------
    "compliance.CompanyGroup": {
        "id": PUBLIC,
        "code": PUBLIC,
        "name_ja": PUBLIC,
        "name_en": PUBLIC,
        "position": PUBLIC,
        "version": INTERNAL,
    },
    "compliance.Company": {
        "id": PUBLIC,
        "code": PUBLIC,
        "name_ja": PUBLIC,
        "name_en": PUBLIC,
        "kind": PUBLIC,
        "group": PUBLIC,
        "position": PUBLIC,
        "version": INTERNAL,
    },
    # People: credentials, personal data, roles and preferences, all of it.
    "compliance.User": dict.fromkeys(
        [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "is_lead_officer",
            "language",
            "digest_time",
            "role",
            "company",
            "groups",
            "user_permissions",
        ],
        RESTRICTED,
    ),
    # A person's secret feed address (its token's hash).
    "compliance.CalendarFeed": dict.fromkeys(["id", "person", "token_hash", "created_at", "revoked_at"], RESTRICTED),
    # Webhooks: a person's subscriptions (the signing secret encrypted) and the bodies sent; the admin only.
    "compliance.WebhookSubscription": {**dict.fromkeys(_WEBHOOK_SUBSCRIPTION_FIELDS, RESTRICTED), "version": INTERNAL},
    "compliance.WebhookDelivery": dict.fromkeys(_WEBHOOK_DELIVERY_FIELDS, RESTRICTED),
    # The access log and its analysis: audit data about people.
    "compliance.AccessLogEntry": dict.fromkeys(_ACCESS_LOG_FIELDS, RESTRICTED),
    "compliance.AccessAnomaly": dict.fromkeys(
        ["id", "kind", "user", "day", "count", "baseline", "detected_at"], RESTRICTED
    ),
    # --- cases: the published report --------------------------------------------------------------------
    "cases.Law": {
        "id": PUBLIC,
        "code": PUBLIC,
        "name_ja": PUBLIC,
        "name_en": PUBLIC,
        "short_name_ja": PUBLIC,
        "short_name_en": PUBLIC,
        "number": PUBLIC,
        "safeguards_required": PUBLIC,
        "position": PUBLIC,
        "version": INTERNAL,
    },
    "cases.Instrument": {
        "id": PUBLIC,
        "law": PUBLIC,
        "code": PUBLIC,
        "name_ja": PUBLIC,
        "name_en": PUBLIC,
        "position": PUBLIC,
        "version": INTERNAL,
    },
    "cases.LawArticle": {
        "id": PUBLIC,
        "code": PUBLIC,
        "law": PUBLIC,
        "article": PUBLIC,
        "branches": PUBLIC,
        "paragraph": PUBLIC,
        "item": PUBLIC,
        "sub_item": PUBLIC,
        "title_ja": PUBLIC,
        "title_en": PUBLIC,
        "version": INTERNAL,
    },
    "cases.SafeguardType": {
        "id": PUBLIC,
        "code": PUBLIC,
        "name_ja": PUBLIC,
        "name_en": PUBLIC,
        "position": PUBLIC,
    },
    # The public bodies that bring cases, issue actions and receive them.
    "cases.Authority": {
        "id": PUBLIC,
        "code": PUBLIC,
        "name_ja": PUBLIC,
        "name_en": PUBLIC,
        "kind": PUBLIC,
        "position": PUBLIC,
        "version": INTERNAL,
    },
    "cases.Case": {
        "id": PUBLIC,
        "authorities": PUBLIC,
        "code": PUBLIC,
        "title_ja": PUBLIC,
        "title_en": PUBLIC,
        "summary_ja": PUBLIC,
        "summary_en": PUBLIC,
        "status": PUBLIC,
        "opened_on": PUBLIC,
        "closed_on": PUBLIC,
        "law": PUBLIC,
        # The regulator's switches for publishing the case and its live status: not report content, no secret either.
        "published": INTERNAL,
        "status_public": INTERNAL,
        "version": INTERNAL,
    },
    "cases.RegulatoryAction": {
        "id": PUBLIC,
        "case": PUBLIC,
        # Our own slug, made of the action's published kind and date.
        "code": PUBLIC,
        "instrument": PUBLIC,
        "date": PUBLIC,
        "title_ja": PUBLIC,
        "title_en": PUBLIC,
        "source_ja": PUBLIC,
        "source_en": PUBLIC,
        "position": PUBLIC,
        "articles": PUBLIC,
        "addressees": PUBLIC,
        "issuer": PUBLIC,
        "addressee_authorities": PUBLIC,
        "version": INTERNAL,
    },
    "cases.Finding": {
        "id": PUBLIC,
        "case": PUBLIC,
        "code": PUBLIC,
        "side": PUBLIC,
        "articles": PUBLIC,
        "text_ja": PUBLIC,
        "text_en": PUBLIC,
        "position": PUBLIC,
        "safeguard_types": PUBLIC,
        "affected_companies": PUBLIC,
        "version": INTERNAL,
    },
    "cases.IncidentPair": {
        "id": PUBLIC,
        "case": PUBLIC,
        "number": PUBLIC,
        "group": PUBLIC,
        "incident_total": PUBLIC,
        "companies": PUBLIC,
        "version": INTERNAL,
    },
    "cases.Incident": {
        "id": PUBLIC,
        # The live follow-up of the fix: the regulator and the companies of the incident.
        "status": INTERNAL,
        "due_on": INTERNAL,
        "window_start": INTERNAL,
        "window_end": INTERNAL,
        # The report gives incidents no dates: whatever is set here is the regulator's follow-up, not published.
        "baseline_due_on": INTERNAL,
        "baseline_window_start": INTERNAL,
        "baseline_window_end": INTERNAL,
        "tracked_since": INTERNAL,
        "reporting_every": INTERNAL,
        "reporting_since": INTERNAL,
        "version": INTERNAL,
        "deadline_text": INTERNAL,
        "submitted_on": INTERNAL,
        "completed_on": INTERNAL,
        # What the report says of the incident.
        "pair": PUBLIC,
        "number": PUBLIC,
        "label": PUBLIC,
        "described_in_report": PUBLIC,
        "viewer": PUBLIC,
        "owner": PUBLIC,
        "mutual": PUBLIC,
        "data_kind": PUBLIC,
        "was_used": PUBLIC,
        "involves_new_entrant_data": PUBLIC,
        "summary_ja": PUBLIC,
        "summary_en": PUBLIC,
        "fix_ja": PUBLIC,
        "fix_en": PUBLIC,
    },
    # The regulator's links between related cases: not report content, shown to signed-in people beside the case.
    # A link between two cases is shown to everyone who sees both; the notes on it are the regulator's own.
    "cases.CaseLink": {
        **dict.fromkeys(["id", "from_case", "to_case", "relation", "created_at"], INTERNAL),
        **dict.fromkeys(["note_ja", "note_en"], RESTRICTED),
    },
    # A report drafted by the regulator: unpublished until approved, and the people who drafted and approved it.
    "cases.ReportDraft": dict.fromkeys(
        ["id", "case", "as_of", "content", "created_by", "created_at", "approved_by", "approved_at"], RESTRICTED
    ),
    # --- remediation --------------------------------------------------------------------------------------
    "remediation.Measure": {
        "id": PUBLIC,
        "finding": PUBLIC,
        "code": PUBLIC,
        "safeguard_type": PUBLIC,
        "kind": PUBLIC,
        "text_ja": PUBLIC,
        "text_en": PUBLIC,
        "position": PUBLIC,
        "implementers": PUBLIC,
        # What the authority published of the measure's timing.
        "deadline_text": PUBLIC,
        "submitted_on": PUBLIC,
        "completed_on": PUBLIC,
        "version": INTERNAL,
    },
    "remediation.Implementation": {
        "id": PUBLIC,
        # The live follow-up: shown publicly only where the regulator has made a case's status publishable.
        "status": INTERNAL,
        "due_on": INTERNAL,
        "window_start": INTERNAL,
        "window_end": INTERNAL,
        # The dates the report published (the split window 2026-03 to 2031-03).
        "baseline_due_on": PUBLIC,
        "baseline_window_start": PUBLIC,
        "baseline_window_end": PUBLIC,
        "tracked_since": INTERNAL,
        "reporting_every": INTERNAL,
        "reporting_since": INTERNAL,
        "version": INTERNAL,
        # The deadline in the authority's words, as the report published it; the company's own dates are follow-up.
        "deadline_text": PUBLIC,
        "submitted_on": INTERNAL,
        "completed_on": INTERNAL,
        "measure": PUBLIC,
        "company": PUBLIC,
        "position": PUBLIC,
    },
    # A company's own records about its items; the people behind them (authors, reviewers) stay RESTRICTED.
    "remediation.ProgressUpdate": {
        "id": INTERNAL,
        "company": INTERNAL,
        "implementation": INTERNAL,
        "incident": INTERNAL,
        "author": RESTRICTED,
        "status": INTERNAL,
        "narrative": INTERNAL,
        "next_milestone_on": INTERNAL,
        "submitted_at": INTERNAL,
        "review_state": INTERNAL,
        "in_reply_to": INTERNAL,
        "version": INTERNAL,
    },
    "remediation.Review": {
        "id": INTERNAL,
        "company": INTERNAL,
        "update": INTERNAL,
        "reviewer": RESTRICTED,
        "decision": INTERNAL,
        "comment": INTERNAL,
        "reviewed_at": INTERNAL,
    },
    "remediation.Evidence": {
        "id": INTERNAL,
        "company": INTERNAL,
        "update": INTERNAL,
        # The stored path and the content hash: never shown, the file is served only through its scoped view.
        "file": RESTRICTED,
        "original_name": INTERNAL,
        "content_type": INTERNAL,
        "size": INTERNAL,
        "sha256": RESTRICTED,
        "uploaded_at": INTERNAL,
    },
    "remediation.DeadlineChange": {
        "id": INTERNAL,
        "company": INTERNAL,
        "implementation": INTERNAL,
        "incident": INTERNAL,
        "requested_by": RESTRICTED,
        "reason": INTERNAL,
        "previous_due_on": INTERNAL,
        "previous_window_end": INTERNAL,
        "proposed_due_on": INTERNAL,
        "proposed_window_end": INTERNAL,
        "state": INTERNAL,
        "decided_by": RESTRICTED,
        "decided_at": INTERNAL,
        "decision_comment": INTERNAL,
        "requested_at": INTERNAL,
        "version": INTERNAL,
    },
    "remediation.Reminder": {
        "id": INTERNAL,
        "company": INTERNAL,
        "implementation": INTERNAL,
        "incident": INTERNAL,
        "rule": INTERNAL,
        "period": INTERNAL,
        "planned_for": INTERNAL,
        "escalation": INTERNAL,
        "sent_at": INTERNAL,
        "addressed_on": INTERNAL,
        "late": INTERNAL,
        "acted_on_at": INTERNAL,
        "recipients": RESTRICTED,
    },
    "remediation.ReminderRecipient": {
        "id": INTERNAL,
        "reminder": INTERNAL,
        "user": RESTRICTED,
        "mailed_at": INTERNAL,
    },
    # The regulator's configuration, digests and statistics.
    "remediation.ReminderPolicy": dict.fromkeys(
        [
            "id",
            "kind",
            "days_before",
            "every_days",
            "final_days",
            "final_every_days",
            "overdue_every_days",
            "overdue_backoff_after_days",
            "overdue_backoff_every_days",
            "escalate_after_days",
            "regulator_after_days",
        ],
        RESTRICTED,
    ),
    "remediation.DigestSchedule": dict.fromkeys(["id", "earliest", "latest", "default_time"], RESTRICTED),
    "remediation.RegulatorDigest": dict.fromkeys(["id", "day", "created_at"], RESTRICTED),
    "remediation.DailyCount": dict.fromkeys(
        ["id", "day", "item_kind", "case", "company", "safeguard_type", "status", "count", "overdue", "overdue_days"],
        RESTRICTED,
    ),
}


# INTERNAL fields the public portal shows once the regulator has published a case's current status
# (`Case.status_public`): then another company's officer sees them too (`remediation/publication.py` reads these).
PUBLISHED_WITH_CASE_STATUS: dict[str, tuple[str, ...]] = {
    "remediation.Implementation": ("status", "due_on", "window_start", "window_end"),
}

# Values computed from fields, by model: the fields each is computed from. A derived value is shown to a person only
# where every field it is computed from is; the API's serializers name these beside the model's fields.
_TRACKED_ITEM_DERIVED = {
    "slippage_days": ("due_on", "window_end", "baseline_due_on", "baseline_window_end"),
    "reporting_duty": ("reporting_every", "reporting_since", "status"),
}
DERIVED: dict[str, dict[str, tuple[str, ...]]] = {
    "remediation.Implementation": _TRACKED_ITEM_DERIVED,
    "cases.Incident": _TRACKED_ITEM_DERIVED,
    # Whether a subscription's deliveries go out: not paused.
    "compliance.WebhookSubscription": {"active": ("paused_because",)},
    # A law reference written out (電気事業法第2条の17第1項), from its public parts.
    "cases.LawArticle": {
        "reference_ja": ("law", "article", "branches", "paragraph", "item", "sub_item"),
        "reference_en": ("law", "article", "branches", "paragraph", "item", "sub_item"),
    },
}


def _model_class(model: type[models.Model] | models.Model) -> type[models.Model]:
    """The model class of a model or of one of its instances."""
    return model if isinstance(model, type) else type(model)


def is_history_event(model: type[models.Model] | models.Model) -> bool:
    """True for a pghistory event model or the view over them all: RESTRICTED as a whole, fields not listed."""
    # The change feed by its label: this module is read by `compliance.access`, before the models are.
    change_feed = apps.get_model("compliance", "ChangeEvent")
    return issubclass(_model_class(model), (pghistory.models.Event, change_feed))


def classifiable_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a model must classify: its concrete fields and its many-to-many fields, no reverse relations."""
    return [
        field for field in model._meta.get_fields() if field.concrete or (field.many_to_many and not field.auto_created)
    ]


def classified_models() -> list[type[models.Model]]:
    """Every model of the product apps whose fields must be listed in FIELDS (event models excepted)."""
    return [model for label in APPS for model in apps.get_app_config(label).get_models() if not is_history_event(model)]


def visibility_of(model: type[models.Model] | models.Model, field_name: str) -> Visibility:
    """The class of one field (by name, or a foreign key's `_id` column); KeyError when it has none."""
    model = _model_class(model)
    label = model._meta.label
    try:
        name = model._meta.get_field(field_name).name
    except FieldDoesNotExist:
        raise KeyError(f"{label} has no field {field_name!r}") from None
    if is_history_event(model):
        return Visibility.RESTRICTED
    try:
        return FIELDS[label][name]
    except KeyError:
        raise KeyError(f"{label}.{name} has no visibility class: classify it in compliance/visibility.py") from None


def public_fields(model: type[models.Model] | models.Model) -> list[str]:
    """Names of the model's PUBLIC concrete, non-many-to-many fields, in field order; unclassified is not public."""
    model = _model_class(model)
    if is_history_event(model):
        return []
    classes = FIELDS.get(model._meta.label, {})
    return [field.name for field in model._meta.concrete_fields if classes.get(field.name) == Visibility.PUBLIC]


def unclassified_fields() -> list[str]:
    """Every "app.Model.field" of the product apps that FIELDS gives no class."""
    return [
        f"{model._meta.label}.{field.name}"
        for model in classified_models()
        for field in classifiable_fields(model)
        if field.name not in FIELDS.get(model._meta.label, {})
    ]
