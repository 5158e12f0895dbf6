"""A person's secret calendar address: the iCalendar feed of the due dates and window ends they follow."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.access import NOTHING, Scoped


@pghistory.track(exclude=["token_hash"])
class CalendarFeed(Scoped):
    """One secret feed address of one person; only the SHA-256 of its token is stored, never the token."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                name="calendarfeed_one_active_per_person", fields=["person"], condition=Q(revoked_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        """Lists of feeds are the regulator's (the admin); a person reaches their own feed by person only."""
        return NOTHING

    @property
    def is_active(self) -> bool:
        """True until the feed is revoked."""
        return self.revoked_at is None
