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
    """How a related case stands to the case that links to it (the forward reading; the reverse is below)."""

    SAME_COMPANIES = "same_companies", _("Case about the same companies")
    SAME_EVENTS = "same_events", _("Case about the same events")
    OTHER_REGULATOR = "other_regulator", _("Another authority's case about the same matter")
    FOLLOW_UP = "follow_up", _("Follow-up of this case")


# How the linking case stands to the linked one, read from the linked case's page: a relation with a direction
# reads differently from its other side ("follow-up of this case" there is "the case this one follows up" here).
CASE_RELATION_REVERSE_LABELS = {
    CaseRelation.SAME_COMPANIES: _("Case about the same companies"),
    CaseRelation.SAME_EVENTS: _("Case about the same events"),
    CaseRelation.OTHER_REGULATOR: _("Case that names this one as another authority's case about the same matter"),
    CaseRelation.FOLLOW_UP: _("Case this one follows up"),
}


class AuthorityKind(models.TextChoices):
    """What kind of public body an authority is."""

    COMMISSION = "commission", _("Commission")
    MINISTRY = "ministry", _("Ministry")
    MINISTER = "minister", _("Minister")
    COURT = "court", _("Court")
    OTHER = "other", _("Other body")
