"""What every tracked item (a measure's implementation, an incident's fix) holds: status and dates."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance import clock
from compliance.access import Scoped
from compliance.choices import ItemStatus, ReportingEvery
from compliance.keyset import keyset_index
from compliance.validators import DATE_VALIDATORS

# The dates an item is chased by: a due date, or a window (start and end).
DATE_FIELDS = ("due_on", "window_start", "window_end")
# Its deadline as the authority worded it, and the days it was submitted and completed.
TIMING_FIELDS = ("deadline_text", "submitted_on", "completed_on")


class TrackedItem(Scoped):
    """An item someone must carry out: its status, and a due date or a window, or neither."""

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ItemStatus.choices,
        blank=True,
        help_text=_("Empty when no status has been reported."),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True, validators=DATE_VALIDATORS)
    window_start = models.DateField(_("window start"), null=True, blank=True, validators=DATE_VALIDATORS)
    window_end = models.DateField(_("window end"), null=True, blank=True, validators=DATE_VALIDATORS)
    # The dates as first set: approved deadline changes move the current dates, never these.
    baseline_due_on = models.DateField(_("original due date"), null=True, blank=True, validators=DATE_VALIDATORS)
    baseline_window_start = models.DateField(
        _("original window start"), null=True, blank=True, validators=DATE_VALIDATORS
    )
    baseline_window_end = models.DateField(_("original window end"), null=True, blank=True, validators=DATE_VALIDATORS)
    # Since when the regulator follows the item: the anchor of reminders for items without a date.
    tracked_since = models.DateField(_("followed since"), default=clock.today, validators=DATE_VALIDATORS)
    # A progress update owed every month or quarter until the item closes, counted from `reporting_since`.
    reporting_every = models.CharField(
        _("progress update required"), max_length=16, choices=ReportingEvery.choices, blank=True
    )
    reporting_since = models.DateField(_("required since"), null=True, blank=True, validators=DATE_VALIDATORS)
    # The deadline as the authority worded it ("概ね3年以内", "速やかに"), beside the dates above, its reading.
    deadline_text = models.CharField(
        _("deadline as worded"),
        max_length=200,
        blank=True,
        help_text=_("The deadline in the authority's own words; the due date or window is how it is read."),
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True, validators=DATE_VALIDATORS)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, validators=DATE_VALIDATORS)
    # Raised by every change, so that two people changing the item at once cannot overwrite each other.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta(Scoped.Meta):
        abstract = True
        # The date an item is chased by, first its window's end: what "overdue" and "due soon" sort and filter on.
        indexes = [
            models.Index(Coalesce("window_end", "due_on"), name="%(class)s_end"),
            # The API's orders (`?ordering=`): each column, then the key (compliance.keyset).
            models.Index(fields=["status", "id"], name="%(class)s_status"),
            keyset_index(("due_on", models.DateField), "id", name="%(class)s_due_on"),
            keyset_index(("window_end", models.DateField), "id", name="%(class)s_window_end"),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_status_valid",
                condition=Q(status="") | Q(status__in=ItemStatus.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_window_complete",
                condition=Q(window_start__isnull=True, window_end__isnull=True)
                | Q(window_start__isnull=False, window_end__isnull=False),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_window_ordered",
                condition=Q(window_start__isnull=True) | Q(window_end__gte=models.F("window_start")),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_reporting_complete",
                condition=Q(reporting_every="", reporting_since__isnull=True)
                | Q(reporting_every__in=ReportingEvery.values, reporting_since__isnull=False),
            ),
        ]

    # "implementation" or "incident": the kind in the item's tracking URL.
    item_kind: str = ""

    def get_tracking_url(self) -> str:
        """The page with the item's thread of progress updates and its forms."""
        return reverse("remediation:item_detail", args=[self.item_kind, self.pk])

    def clean(self) -> None:
        """The dates as field errors: a due date or a complete window, never both; a window never ends before it starts.

        The table's constraints say the same; this says it per field, before anything is written.
        """
        super().clean()
        errors: dict[str, str] = {}
        if (self.window_start is None) != (self.window_end is None):
            missing = "window_end" if self.window_end is None else "window_start"
            errors[missing] = _("Give both the start and the end of the window.")
        elif self.window_start is not None and self.window_end < self.window_start:
            errors["window_end"] = _("The window cannot end before it starts.")
        if self.due_on is not None and self.window_end is not None:
            errors["due_on"] = _("Give a due date or a window, not both.")
        if bool(self.reporting_every) != (self.reporting_since is not None):
            errors["reporting_since"] = _("A required progress update needs both how often and since when.")
        if errors:
            raise ValidationError(errors)

    @property
    def etag(self) -> str | None:
        """The HTTP entity tag of the item's current version; None when the version is hidden from the reader."""
        return None if self.version is None else f'"{self.version}"'

    @property
    def slippage_days(self) -> int | None:
        """Days the current end date lies after the original one (negative when earlier), or None."""
        pairs = [(self.window_end, self.baseline_window_end), (self.due_on, self.baseline_due_on)]
        for current, baseline in pairs:
            if current is not None and baseline is not None:
                return (current - baseline).days
        return None

    @property
    def has_dates(self) -> bool:
        return self.due_on is not None or self.window_end is not None

    @property
    def dates_hidden(self) -> bool:
        """True when the item's current dates are hidden from the person it was read for (another company's)."""
        return "due_on" in self.hidden_fields

    @property
    def is_open(self) -> bool:
        """True until the item is reported done."""
        return self.status != ItemStatus.DONE

    @property
    def status_label(self) -> str:
        """The status for display, saying so when none was reported; a dash when it is hidden from the reader."""
        if "status" in self.hidden_fields:
            return "—"
        return self.get_status_display() if self.status else str(_("Not reported"))
