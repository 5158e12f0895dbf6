"""Choices of the remediation app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureKind(models.TextChoices):
    """How the report words a measure, and so what remains to follow up."""

    COMPLETED = "completed", _("Completed")  # …した
    STANDING = "standing", _("Standing decision")  # …こととした
    PERIODIC = "periodic", _("Periodic control")  # 定期的に…こととした
    PROJECT = "project", _("Long-term project")  # the physical split of the systems


class ReviewState(models.TextChoices):
    """Where a progress update stands with the regulator."""

    SUBMITTED = "submitted", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    INFO_REQUESTED = "info_requested", _("More information requested")


class ReviewDecision(models.TextChoices):
    """What a reviewer decided about a progress update."""

    ACCEPT = "accept", _("Accepted")
    REQUEST_INFO = "request_info", _("More information requested")


class DeadlineChangeState(models.TextChoices):
    """Where a request to move a due date or a window stands."""

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ReminderKind(models.TextChoices):
    """Which reminder policy an open item follows."""

    DUE_DATE = "due_date", _("Item with a due date")
    WINDOW = "window", _("Item with a window")
    UNDATED = "undated", _("Item without a date")
    PERIODIC = "periodic", _("Periodic control")
    REPORTING = "reporting", _("Required progress update")


class ReminderRule(models.TextChoices):
    """Which moment of a policy a reminder answers."""

    APPROACHING = "approaching", _("Due date approaching")
    OVERDUE = "overdue", _("Overdue")
    WINDOW = "window", _("Status request inside the window")
    UNDATED = "undated", _("Status request")
    PERIODIC = "periodic", _("Evidence for the period")
    REPORTING_DUE = "reporting_due", _("Required update due")
    NO_SUBMISSION = "no_submission", _("No submission")
