"""Regulated companies, their groups, and the people who use the product."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.access import Scoped, ScopedQuerySet, is_regulator, is_regulator_admin
from compliance.choices import CompanyKind, Role
from compliance.i18n import Localized, bilingual_name
from compliance.reference import NamedReference
from compliance.validators import CODE_VALIDATORS
from compliance.versioning import Versioned


@pghistory.track()
class CompanyGroup(NamedReference, Versioned):
    """A corporate group: a T&D operator and its related retailer belong to one."""

    class Meta(NamedReference.Meta):
        verbose_name = _("company group")
        verbose_name_plural = _("company groups")


@pghistory.track()
class Company(Scoped, Versioned):
    """A legal entity under supervision, or a contractor the case names."""

    code = models.SlugField(_("code"), unique=True, validators=CODE_VALIDATORS)
    name_ja, name_en = bilingual_name(_("name"))
    kind = models.CharField(_("kind"), max_length=16, choices=CompanyKind.choices)
    group = models.ForeignKey(
        CompanyGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="companies",
        null=True,
        blank=True,
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    name = Localized("name")

    class Meta:
        ordering = ["position", "code"]
        indexes = [
            models.Index(fields=["position", "code"], name="company_order"),
            models.Index(fields=["position", "id"], name="company_position"),  # ?ordering=position
        ]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.CheckConstraint(name="company_kind_valid", condition=Q(kind__in=CompanyKind.values)),
        ]

    def __str__(self) -> str:
        return self.name_ja

    def get_absolute_url(self) -> str:
        return reverse("remediation:company_detail", kwargs={"code": self.code})

    def siblings(self) -> models.QuerySet[Company]:
        """The other regulated companies of the same group: separate entities behind the wall."""
        if self.group_id is None:
            return Company.objects.none()
        return Company.objects.filter(group_id=self.group_id).exclude(pk=self.pk).exclude(kind=CompanyKind.CONTRACTOR)


class PersonManager(UserManager.from_queryset(ScopedQuerySet)):
    """People, readable through `visible_to` like every other model."""


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person signing in: regulator staff, a company's compliance officer, or an API client."""

    objects = PersonManager()

    is_lead_officer = models.BooleanField(
        _("lead compliance officer"),
        default=False,
        help_text=_("The company's lead officer hears of items overdue after its officers."),
    )
    language = models.CharField(
        _("language of mail"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    digest_time = models.TimeField(
        _("time of the reminder digest"),
        null=True,
        blank=True,
        help_text=_("Empty: the regulator's default time. Kept within the hours the regulator allows."),
    )

    role = models.CharField(_("role"), max_length=24, choices=Role.choices, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(name="user_role_valid", condition=Q(role="") | Q(role__in=Role.values)),
            # An officer belongs to exactly one company; regulator staff belong to none.
            models.CheckConstraint(
                name="user_officer_has_company",
                condition=Q(role=Role.COMPANY_OFFICER, company__isnull=False)
                | (~Q(role=Role.COMPANY_OFFICER) & Q(company__isnull=True))
                | Q(role=Role.API_CLIENT),
            ),
        ]

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        """Outside the regulator, a person sees the people of their own company only."""
        return Q(company_id=company_id) if company_id else Q(pk__in=[])

    def clean(self) -> None:
        super().clean()
        if self.role == Role.COMPANY_OFFICER and self.company_id is None:
            raise ValidationError({"company": _("A compliance officer belongs to exactly one company.")})
        if self.role in (Role.REGULATOR_ADMIN, Role.REGULATOR_STAFF) and self.company_id is not None:
            raise ValidationError({"company": _("Regulator staff belong to no company.")})

    @property
    def is_regulator(self) -> bool:
        return is_regulator(self)

    @property
    def is_regulator_admin(self) -> bool:
        return is_regulator_admin(self)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Regulator administrators administer the product: every model permission is theirs."""
        return is_regulator_admin(self) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return is_regulator_admin(self) or super().has_module_perms(app_label)
