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


class ReportingEvery(models.TextChoices):
    """How often an open item owes the regulator a progress update, when the regulator requires one."""

    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")


class ReportingState(models.TextChoices):
    """Where an item's reporting duty stands for one company in the current period."""

    UPCOMING = "upcoming", _("Not started yet")
    DUE = "due", _("Due this period")
    SUBMITTED = "submitted", _("Submitted for this period")
    NO_SUBMISSION = "no_submission", _("No submission")
