"""Regulator staff keeping the reference data cases name: authorities, laws and each law's instruments.

One rule for all three: a new record goes last in its list, its code never changes, and it is removed only while
nothing refers to it (409 naming what does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from cases.models import Authority, Instrument, Law
from compliance.editing import assign, locked, next_position, require_no_dependents, require_regulator, save_validated

if TYPE_CHECKING:
    from django.db import models

    from compliance.models import User

AUTHORITY_FIELDS = ("name_ja", "name_en", "kind", "position")
LAW_FIELDS = ("name_ja", "name_en", "short_name_ja", "short_name_en", "number", "safeguards_required", "position")
INSTRUMENT_FIELDS = ("name_ja", "name_en", "position")


def _add(actor: User, model: type[models.Model], values: dict[str, object]) -> models.Model:
    require_regulator(actor)
    with transaction.atomic():
        return save_validated(model(**values, position=next_position(model.objects.all())))


def _change(actor: User, record: models.Model, fields: tuple[str, ...], changes: dict[str, object]) -> models.Model:
    require_regulator(actor)
    with transaction.atomic():
        record = locked(record)
        if assign(record, changes, fields):
            save_validated(record)
        return record


def reference_delete(*, actor: User, record: models.Model) -> None:
    """Regulator staff remove an authority, a law or an instrument added by mistake: refused while anything names it."""
    require_regulator(actor)
    with transaction.atomic():
        record = locked(record)
        require_no_dependents(record)
        record.delete()


def authority_create(*, actor: User, code: str, name_ja: str, kind: str, name_en: str = "") -> Authority:
    """Regulator staff add an authority (a ministry, a minister, a commission…); it goes last in the list."""
    return _add(actor, Authority, {"code": code, "name_ja": name_ja, "name_en": name_en, "kind": kind})


def authority_update(*, actor: User, authority: Authority, **changes: object) -> Authority:
    """Regulator staff rename an authority, change its kind or its place in the list (its code stays)."""
    return _change(actor, authority, AUTHORITY_FIELDS, changes)


def law_create(*, actor: User, code: str, name_ja: str, **values: object) -> Law:
    """Regulator staff add a law cases may be brought under (names, short names, law number)."""
    return _add(actor, Law, {"code": code, "name_ja": name_ja, **values})


def law_update(*, actor: User, law: Law, **changes: object) -> Law:
    """Regulator staff correct a law's names, number or whether its findings name safeguard types."""
    return _change(actor, law, LAW_FIELDS, changes)


def instrument_create(*, actor: User, code: str, law: Law, name_ja: str, name_en: str = "") -> Instrument:
    """Regulator staff add an instrument a law gives (勧告, 命令, 聴聞…) for the actions of cases under it."""
    return _add(actor, Instrument, {"code": code, "law": law, "name_ja": name_ja, "name_en": name_en})


def instrument_update(*, actor: User, instrument: Instrument, **changes: object) -> Instrument:
    """Regulator staff rename an instrument or move it in the list; its code and its law stay."""
    return _change(actor, instrument, INSTRUMENT_FIELDS, changes)
