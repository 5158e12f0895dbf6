"""Models of the compliance app: companies, groups, people, and the access log."""

from compliance.models.audit import AccessAnomaly, AccessLogEntry
from compliance.models.calendar import CalendarFeed
from compliance.models.companies import Company, CompanyGroup, User
from compliance.models.history import ChangeEvent
from compliance.models.webhooks import WebhookDelivery, WebhookSubscription

__all__ = [
    "AccessAnomaly",
    "AccessLogEntry",
    "CalendarFeed",
    "ChangeEvent",
    "Company",
    "CompanyGroup",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
]
