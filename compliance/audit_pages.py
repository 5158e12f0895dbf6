"""The audit pages in people's words: each access-log entry's records and each change named, one page in a few queries.

Naming a private record shows it, so the records a page names are logged as read with the rest of the request.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from compliance.guards import log_reads
from compliance.models import AccessLogEntry, ChangeEvent
from compliance.record_names import (
    RecordName,
    action_name,
    kind_name,
    model_of,
    person_name,
    record_names,
    subject_name,
)

# How many of an entry's records the access-log page names; the others are counted.
NAMED_PER_ENTRY = 20


@dataclasses.dataclass(frozen=True)
class FieldChange:
    """One field a change altered: its label and its values before and after, in words."""

    label: str
    before: str
    after: str


def _log_named(request: HttpRequest, names: dict[tuple[str, str], RecordName]) -> None:
    named = [name.record for name in names.values() if name.record is not None]
    log_reads(request, [record for record in named if hasattr(record, "is_private_record")])


def name_access_log(request: HttpRequest, entries: Sequence[AccessLogEntry]) -> None:
    """Give each entry `named` (its first records named, in order), `unnamed` (how many more it read), `kinds`
    ("進捗報告 ×100", over all its records), `person` and `subject`.

    An entry of a list read names a hundred records or more: a page names the first NAMED_PER_ENTRY of each, and
    the export (and the API) every one.
    """
    log_reads(request, entries)
    keys = []
    for entry in entries:
        entry_keys = [(str(r["type"]), str(r["id"])) for r in entry.records]
        if not entry_keys and entry.object_id and model_of(entry.object_type) is not None:
            entry_keys = [(entry.object_type, entry.object_id)]
        entry.record_keys = entry_keys
        keys += entry_keys[:NAMED_PER_ENTRY]
    names = record_names(keys, user=request.user)
    _log_named(request, names)
    people = _people(request, entries, lambda entry: entry.user_id)
    for entry in entries:
        entry.named = [names[key] for key in entry.record_keys[:NAMED_PER_ENTRY]]
        entry.unnamed = len(entry.record_keys) - len(entry.named)
        counts = Counter(kind for kind, _key in entry.record_keys)
        entry.kinds = [(kind_name(kind), count) for kind, count in counts.most_common()]
        entry.person = person_name(people.get(entry.user_id), entry.username)
        entry.subject = subject_name(entry.object_type, entry.object_id)


def _people(request: HttpRequest, rows: Sequence[object], user_id) -> dict[int, models.Model]:
    ids = {user_id(row) for row in rows} - {None}
    people = get_user_model().objects.visible_to(request.user).filter(pk__in=ids)
    return {user.pk: user for user in people}


def name_changes(request: HttpRequest, events: Sequence[ChangeEvent]) -> None:
    """Give each change `record` (named), `action`, `person` and `changes` (field labels and values in words)."""
    keys = [(event.pgh_obj_model, str(event.pgh_obj_id)) for event in events if event.pgh_obj_id is not None]
    related = []  # the records a changed relation points at, named as well
    for event in events:
        model = model_of(event.pgh_obj_model)
        for name, (before, after) in (event.pgh_diff or {}).items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                label = field.related_model._meta.label_lower
                related += [(label, str(value)) for value in (before, after) if value is not None]
    names = record_names(keys + related, user=request.user)
    _log_named(request, names)
    people = _people(request, events, lambda event: event.user_id)
    for event in events:
        model = model_of(event.pgh_obj_model)
        event.record = names.get((event.pgh_obj_model, str(event.pgh_obj_id)))
        event.action = action_name(event.pgh_label)
        event.person = person_name(people.get(event.user_id), event.username or "")
        event.changes = [
            FieldChange(_label(model, name), _value(model, name, before, names), _value(model, name, after, names))
            for name, (before, after) in (event.pgh_diff or {}).items()
        ]


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    return None


def _label(model: type[models.Model] | None, name: str) -> str:
    field = _field(model, name)
    return capfirst(str(field.verbose_name)) if field is not None else name


def _value(model: type[models.Model] | None, name: str, value: object, names: dict) -> str:
    """A field's value as the record's page would show it: a choice's label, a related record's name."""
    if value is None or value == "":
        return "—"
    field = _field(model, name)
    if field is not None and field.is_relation and field.related_model is not None:
        named = names.get((field.related_model._meta.label_lower, str(value)))
        return named.label if named is not None else f"#{value}"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return str(value)
