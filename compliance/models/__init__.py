"""Models of the compliance app: companies, groups, people, and the access log."""

from compliance.models.audit import AccessAnomaly, AccessLogEntry
from compliance.models.companies import Company, CompanyGroup, User

__all__ = ["AccessAnomaly", "AccessLogEntry", "Company", "CompanyGroup", "User"]
