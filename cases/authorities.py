"""Regulator staff keeping the list of authorities: the commissions, ministries and ministers cases name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from cases.models import Authority
from compliance.editing import assign, locked, next_position, require_no_dependents, require_regulator, save_validated

if TYPE_CHECKING:
    from compliance.models import User

AUTHORITY_FIELDS = ("name_ja", "name_en", "kind", "position")


def authority_create(*, actor: User, code: str, name_ja: str, kind: str, name_en: str = "") -> Authority:
    """Regulator staff add an authority (a ministry, a minister, a commission…); it goes last in the list."""
    require_regulator(actor)
    with transaction.atomic():
        authority = Authority(
            code=code, name_ja=name_ja, name_en=name_en, kind=kind, position=next_position(Authority.objects.all())
        )
        return save_validated(authority)


def authority_update(*, actor: User, authority: Authority, **changes: object) -> Authority:
    """Regulator staff rename an authority, change its kind or its place in the list (its code stays)."""
    require_regulator(actor)
    with transaction.atomic():
        authority = locked(authority)
        if assign(authority, changes, AUTHORITY_FIELDS):
            save_validated(authority)
        return authority


def authority_delete(*, actor: User, authority: Authority) -> None:
    """Regulator staff remove an authority added by mistake: refused while a case or an action names it."""
    require_regulator(actor)
    with transaction.atomic():
        authority = locked(authority)
        require_no_dependents(authority)
        authority.delete()
