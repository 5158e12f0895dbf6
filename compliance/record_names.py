"""Records named in words for the audit pages: the kind of record, its name, and a link where the viewer may see it.

The access log and the change history name records by type and key (`remediation.progressupdate`, `12`). The pages
name them as people do, every record of one page read in one query per kind of record. A record's name is its
`str()`; a layer above adds the relations that name reads (`name_relations`), so that naming costs no query per row.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

# By model label (`remediation.progressupdate`): the relations its `str()` and `get_absolute_url()` read.
name_relations: dict[str, tuple[str, ...]] = {}

ACTIONS = {
    "insert": gettext_lazy("Created"),
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Deleted"),
    "snapshot": gettext_lazy("Recorded"),
}


@dataclasses.dataclass(frozen=True)
class RecordName:
    """One record as the audit pages show it: its kind, its name in words, and its page (\"\" when none to show)."""

    kind: str
    label: str
    url: str = ""
    record: models.Model | None = None

    def __str__(self) -> str:
        return f"{self.kind}{kind_separator()}{self.label}"


def kind_separator() -> str:
    """What stands between a record's kind and its name: a full-width colon in Japanese, ": " in English."""
    return "：" if (get_language() or "").startswith("ja") else ": "


def model_of(label: str) -> type[models.Model] | None:
    """The model a log names (`remediation.progressupdate` or `remediation.ProgressUpdate`), or None."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def kind_name(label: str) -> str:
    """The kind of record in words: the model's name in the person's language, or what the log says."""
    if label == "history":
        return _("Change history")
    if label == "auth":
        return _("Signing in")
    if label.startswith(("page:", "api:")):
        return _("Page")
    model = model_of(label)
    return capfirst(str(model._meta.verbose_name)) if model is not None else label


def action_name(label: str) -> str:
    """A change history event's kind in words: created, changed, deleted."""
    return str(ACTIONS[label]) if label in ACTIONS else label


def person_name(user: models.Model | None, username: str = "") -> str:
    """A person as the pages name them: their full name (family name first in Japanese), else their username."""
    if user is None:
        return username or "—"
    if user.first_name and user.last_name and (get_language() or "").startswith("ja"):
        return f"{user.last_name} {user.first_name}"
    return user.get_full_name() or user.get_username()


def subject_name(object_type: str, object_id: str) -> str:
    """What an entry that names no record concerns, in words: `ページ remediation:dashboard`, `進捗報告 pk=3`."""
    if object_type == "auth":  # the action says it is about signing in; the subject is what it names, if anything
        return object_id
    if object_type.startswith(("page:", "api:")):
        return f"{kind_name(object_type)} {object_type.split(':', 1)[1]} {object_id}".strip()
    return f"{kind_name(object_type)} {object_id}".strip() if object_type else object_id


def _keys(model: type[models.Model], ids: Iterable[str]) -> list[object]:
    keys = []
    for value in ids:
        try:
            keys.append(model._meta.pk.to_python(value))
        except (ValidationError, TypeError, ValueError):
            continue
    return keys


def record_names(keys: Iterable[tuple[str, str]], *, user: models.Model) -> dict[tuple[str, str], RecordName]:
    """Each (type, id) named: one query per kind of record, within what `user` may see; a record gone (or not theirs)
    is named by its kind and id, without a link."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for label, record_id in keys:
        wanted[label].add(str(record_id))
    names: dict[tuple[str, str], RecordName] = {}
    for label, ids in wanted.items():
        model = model_of(label)
        kind = kind_name(label)
        found = {}
        if model is not None and model._meta.pk is not None:
            queryset = model._default_manager.all()
            if hasattr(queryset, "visible_to"):
                queryset = queryset.visible_to(user)
            relations = name_relations.get(model._meta.label_lower)
            queryset = queryset.select_related(*relations) if relations else queryset.select_related()
            found = {str(record.pk): record for record in queryset.filter(pk__in=_keys(model, ids))}
        for record_id in ids:
            record = found.get(record_id)
            if record is None:
                names[(label, record_id)] = RecordName(kind=kind, label=f"#{record_id}")
                continue
            url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
            names[(label, record_id)] = RecordName(kind=kind, label=str(record), url=url, record=record)
    return names
