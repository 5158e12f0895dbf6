"""Who may see what: the one scoping rule every page, endpoint, export and the admin start from.

Published content is readable by every signed-in person. A private record belongs to one company and
is visible to that company's officers and to the regulator's staff, and to nobody else: a sister
company of the same group is another company.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from compliance.models import User

REGULATOR_ROLES = frozenset({Role.REGULATOR_ADMIN, Role.REGULATOR_STAFF})
NOTHING = Q(pk__in=[])


def is_signed_in(user: User | AnonymousUser | None) -> bool:
    """True for an active, authenticated person."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_regulator(user: User | AnonymousUser | None) -> bool:
    """Regulator staff and administrators: they see every company's private records."""
    return is_signed_in(user) and (user.role in REGULATOR_ROLES or user.is_superuser)


def is_regulator_admin(user: User | AnonymousUser | None) -> bool:
    """Regulator administrators: they manage people, roles and companies."""
    return is_signed_in(user) and (user.role == Role.REGULATOR_ADMIN or user.is_superuser)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which of its rows a person may see."""

    def visible_to(self, user: User | AnonymousUser | None) -> ScopedQuerySet:
        """The rows `user` may see: none when signed out, all for the regulator, else the model's rule."""
        if not is_signed_in(user):
            return self.none()
        if is_regulator(user):
            return self.all()
        return self.filter(self.model.visibility_filter(company_id=user.company_id))


class Scoped(models.Model):
    """A model whose rows are read through `visible_to`; by default every row is published content."""

    objects = ScopedQuerySet.as_manager()

    # True when some rows are private (then `is_private_record` tells which, and reads of them are logged).
    has_private_records: ClassVar[bool] = False

    class Meta:
        abstract = True

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        """The rows a non-regulator of company `company_id` may see: all of them, for published content."""
        return Q()

    def is_private_record(self) -> bool:
        """True when this row is private to a company (or to the regulator alone)."""
        return False

    @property
    def owning_company_id(self) -> int | None:
        """The company a private row belongs to, or None."""
        return None


class RegulatorOnly(Scoped):
    """Records only the regulator reads: the access log and its analysis."""

    has_private_records = True

    class Meta:
        abstract = True

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        return NOTHING

    def is_private_record(self) -> bool:
        return True


class CompanyPrivate(Scoped):
    """A record private to one company: seen by its officers and by the regulator only."""

    has_private_records = True
    company = models.ForeignKey(
        "compliance.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_records",
    )

    class Meta:
        abstract = True

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        return Q(company_id=company_id) if company_id else NOTHING

    def is_private_record(self) -> bool:
        return True

    @property
    def owning_company_id(self) -> int | None:
        return self.company_id
