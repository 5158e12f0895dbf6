"""Measures taken against findings, their implementation by each company, and progress updates."""

# ruff: noqa: I001
# In the order of the single module they come from: Django registers the models in this order.
from remediation.models.measures import Implementation, Measure
from remediation.models.items import AboutItem, about
from remediation.models.progress_updates import Evidence, ProgressUpdate, Review, evidence_path, evidence_storage
from remediation.models.deadline_changes import DeadlineChange
from remediation.models.reminders import (
    DEFAULT_POLICIES,
    DigestSchedule,
    RegulatorDigest,
    Reminder,
    ReminderPolicy,
    ReminderRecipient,
)
from remediation.models.daily_counts import DailyCount

__all__ = [
    "DEFAULT_POLICIES",
    "AboutItem",
    "DailyCount",
    "DeadlineChange",
    "DigestSchedule",
    "Evidence",
    "Implementation",
    "Measure",
    "ProgressUpdate",
    "RegulatorDigest",
    "Reminder",
    "ReminderPolicy",
    "ReminderRecipient",
    "Review",
    "about",
    "evidence_path",
    "evidence_storage",
]
