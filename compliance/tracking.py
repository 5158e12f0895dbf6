"""What every tracked item (a measure's implementation, an incident's fix) holds: status and dates."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.access import Scoped
from compliance.choices import ItemStatus


class TrackedItem(Scoped):
    """An item someone must carry out: its status, and a due date or a window, or neither."""

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ItemStatus.choices,
        blank=True,
        help_text=_("Empty when no status has been reported."),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    window_start = models.DateField(_("window start"), null=True, blank=True)
    window_end = models.DateField(_("window end"), null=True, blank=True)

    class Meta(Scoped.Meta):
        abstract = True
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
        ]

    @property
    def is_open(self) -> bool:
        """True until the item is reported done."""
        return self.status != ItemStatus.DONE

    @property
    def status_label(self) -> str:
        """The status for display, saying so when none was reported."""
        return self.get_status_display() if self.status else str(_("Not reported"))
