"""The plan of the synthetic data: its sizes, its day, its codes, and the order its rows are inserted in."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models

from cases.models import Case, Finding, Incident, IncidentPair, RegulatoryAction
from compliance.models import Company, CompanyGroup, User
from remediation.models import Implementation, Measure, ProgressUpdate, Reminder, ReminderRecipient, Review

REPORT_CASE = "ppc-2024-utilities"
PREFIX = "scale-"
# The data's "today": statuses, overdue items and timestamps are drawn relative to it, not to the clock.
TODAY = datetime.date(2026, 11, 26)
HORIZON = datetime.datetime.combine(TODAY, datetime.time(0), tzinfo=datetime.UTC)
FIRST_OPENED = datetime.date(2019, 1, 1)
BLOCK = 20  # copies per transaction
BATCH = 5000  # rows per INSERT
READS_PER_COPY = 100
STAFF_USERNAME = "scale-regulator-staff"
DAY = datetime.timedelta(days=1)
UTC = datetime.UTC

ActionArticle = RegulatoryAction.articles.through
ActionAddressee = RegulatoryAction.addressees.through
FindingSafeguard = Finding.safeguard_types.through
FindingArticle = Finding.articles.through
FindingCompany = Finding.affected_companies.through
PairCompany = IncidentPair.companies.through

# Parents before children: each list is inserted once the rows it points at have their keys.
INSERT_ORDER: list[type[models.Model]] = [
    CompanyGroup,
    Company,
    User,
    Case,
    RegulatoryAction,
    ActionArticle,
    ActionAddressee,
    Finding,
    FindingSafeguard,
    FindingArticle,
    FindingCompany,
    Measure,
    Implementation,
    IncidentPair,
    PairCompany,
    Incident,
    ProgressUpdate,
    Review,
    Reminder,
    ReminderRecipient,
]


class ScaleError(Exception):
    """The database cannot take the synthetic data as asked."""


@dataclass
class CopyRows:
    """The unsaved rows of one copy, by model, and the reads to log once their records have keys."""

    rows: dict[type[models.Model], list[models.Model]] = field(default_factory=lambda: defaultdict(list))
    reads: list[tuple[datetime.datetime, User, models.Model]] = field(default_factory=list)


def copy_code(number: int) -> str:
    """scale-000123"""
    return f"{PREFIX}{number:06d}"
