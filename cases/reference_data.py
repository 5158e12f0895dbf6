"""Regulator staff keeping the reference data cases name: authorities, laws and each law's instruments.

One rule for all three: a new record goes last in its list, its code never changes, and it is removed only while
nothing refers to it (409 naming what does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models, transaction

from cases.models import Authority, Instrument, Law
from compliance.editing import (
    assign,
    locked_at,
    next_position,
    require_no_dependents,
    require_regulator,
    save_changes,
    save_validated,
)

if TYPE_CHECKING:
    from compliance.models import User

# What regulator staff may change of each kind; the code never changes.
FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Authority: ("name_ja", "name_en", "kind", "position"),
    Law: ("name_ja", "name_en", "short_name_ja", "short_name_en", "number", "safeguards_required", "position"),
    Instrument: ("name_ja", "name_en", "position"),
}


def reference_add(*, actor: User, model: type[models.Model], values: dict[str, object]) -> models.Model:
    """Regulator staff add an authority, a law or an instrument of a law; it goes last in its list."""
    require_regulator(actor)
    with transaction.atomic():
        return save_validated(model(**values, position=next_position(model.objects.all())))


def reference_change(
    *, actor: User, record: models.Model, version: int | None, changes: dict[str, object]
) -> models.Model:
    """Regulator staff rename an authority, a law or an instrument, or move it in its list, at the version they saw;
    its code stays."""
    require_regulator(actor)
    with transaction.atomic():
        record = locked_at(record, version)
        return save_changes(record, assign(record, changes, FIELDS[type(record)]))


def reference_delete(*, actor: User, record: models.Model, version: int | None) -> None:
    """Regulator staff remove an authority, a law or an instrument added by mistake, at the version they saw: refused
    while anything names it."""
    require_regulator(actor)
    with transaction.atomic():
        record = locked_at(record, version)
        require_no_dependents(record)
        record.delete()
