"""Models of the compliance app: companies, groups, people, and the access log."""

from compliance.models.audit import AccessAnomaly, AccessLogEntry
from compliance.models.calendar import CalendarFeed
from compliance.models.companies import Company, CompanyGroup, User
from compliance.models.history import ChangeEvent

__all__ = ["AccessAnomaly", "AccessLogEntry", "CalendarFeed", "ChangeEvent", "Company", "CompanyGroup", "User"]
