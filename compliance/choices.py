"""Choices shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyKind(models.TextChoices):
    """What a regulated company is, as the case sees it."""

    TD_OPERATOR = "td_operator", _("T&D operator")
    RETAILER = "retailer", _("Related retailer")
    BOTH = "both", _("T&D operator and retailer")
    CONTRACTOR = "contractor", _("Contractor")


class Role(models.TextChoices):
    """What a person may do in the product."""

    REGULATOR_ADMIN = "regulator_admin", _("Regulator administrator")
    REGULATOR_STAFF = "regulator_staff", _("Regulator staff")
    COMPANY_OFFICER = "company_officer", _("Company compliance officer")
    API_CLIENT = "api_client", _("API client")


class ItemStatus(models.TextChoices):
    """Where a measure's implementation or an incident's fix stands."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")
