"""Choices of the cases app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """Where a case stands with the regulator."""

    OPEN = "open", _("Open")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")


class Side(models.TextChoices):
    """Which table of the report a finding stands in."""

    TD_OPERATOR = "td_operator", _("T&D operators")
    RETAILER = "retailer", _("Related retailers")


class DataKind(models.TextChoices):
    """The kind of personal data an incident exposed."""

    BANK_ACCOUNT = "bank_account", _("Bank account details")
    POLE_DATA = "pole_data", _("Utility pole data")
    CONTRACTOR_EMPLOYEE = "contractor_employee", _("Contractor employees' data")
    NEW_ENTRANT_CUSTOMER = "new_entrant_customer", _("New-entrant retailers' customer data")
    CUSTOMER_DATA = "customer_data", _("Customer personal data")


class CaseRelation(models.TextChoices):
    """How a related case stands to the case that links to it."""

    SAME_COMPANIES = "same_companies", _("Same companies")
    SAME_EVENTS = "same_events", _("Same events")
    OTHER_REGULATOR = "other_regulator", _("Another regulator's case")
    FOLLOW_UP = "follow_up", _("Follow-up")


# How the linking case stands to the linked one, seen from the linked case's page.
CASE_RELATION_INVERSE_LABELS = {
    CaseRelation.SAME_COMPANIES: _("Same companies"),
    CaseRelation.SAME_EVENTS: _("Same events"),
    CaseRelation.OTHER_REGULATOR: _("Case of this regulator on the same matter"),
    CaseRelation.FOLLOW_UP: _("Earlier case (this is its follow-up)"),
}
