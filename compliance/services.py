"""Writes of the compliance app: companies and groups the regulator adds as cases name them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from compliance.editing import (
    assign,
    locked_at,
    next_position,
    require_no_dependents,
    require_regulator,
    save_changes,
    save_validated,
)
from compliance.models import Company, CompanyGroup

if TYPE_CHECKING:
    from compliance.models import User

GROUP_FIELDS = ("name_ja", "name_en", "position")
COMPANY_FIELDS = ("name_ja", "name_en", "kind", "group", "position")


def company_group_create(*, actor: User, code: str, name_ja: str, name_en: str = "") -> CompanyGroup:
    """Regulator staff add a corporate group not yet known to the product; it goes last in the list of groups."""
    require_regulator(actor)
    with transaction.atomic():
        group = CompanyGroup(
            code=code, name_ja=name_ja, name_en=name_en, position=next_position(CompanyGroup.objects.all())
        )
        return save_validated(group)


def company_group_update(*, actor: User, group: CompanyGroup, version: int | None, **changes: object) -> CompanyGroup:
    """Regulator staff rename a group or move it in the list (its code, the key other records use, stays), at the
    version they saw."""
    require_regulator(actor)
    with transaction.atomic():
        group = locked_at(group, version)
        return save_changes(group, assign(group, changes, GROUP_FIELDS))


def company_create(
    *, actor: User, code: str, name_ja: str, kind: str, name_en: str = "", group: CompanyGroup | None = None
) -> Company:
    """Regulator staff add a company (or a contractor) not yet known to the product; it goes last in the list."""
    require_regulator(actor)
    with transaction.atomic():
        company = Company(
            code=code,
            name_ja=name_ja,
            name_en=name_en,
            kind=kind,
            group=group,
            position=next_position(Company.objects.all()),
        )
        return save_validated(company)


def company_update(*, actor: User, company: Company, version: int | None, **changes: object) -> Company:
    """Regulator staff rename a company, change its kind or group, or move it in the list (its code stays), at the
    version they saw."""
    require_regulator(actor)
    with transaction.atomic():
        company = locked_at(company, version)
        return save_changes(company, assign(company, changes, COMPANY_FIELDS))


def company_delete(*, actor: User, company: Company, version: int | None) -> None:
    """Regulator staff remove a company added by mistake, at the version they saw: refused, naming them, while any
    record refers to it."""
    require_regulator(actor)
    with transaction.atomic():
        company = locked_at(company, version)
        require_no_dependents(company)
        company.delete()
