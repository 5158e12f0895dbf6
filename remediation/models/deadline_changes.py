"""Requests to move an item's due date or window, and the regulator's decisions on them."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.keyset import keyset_index
from compliance.validators import DATE_VALIDATORS
from remediation.choices import (
    DeadlineChangeState,
)
from remediation.models.items import AboutItem


@pghistory.track()
class DeadlineChange(AboutItem):
    """A company's request to move an item's due date or window, and the regulator's decision on it."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="deadline_requests",
    )
    reason = models.TextField(_("reason"))
    previous_due_on = models.DateField(_("due date before"), null=True, blank=True, validators=DATE_VALIDATORS)
    previous_window_end = models.DateField(_("window end before"), null=True, blank=True, validators=DATE_VALIDATORS)
    proposed_due_on = models.DateField(_("proposed due date"), null=True, blank=True, validators=DATE_VALIDATORS)
    proposed_window_end = models.DateField(_("proposed window end"), null=True, blank=True, validators=DATE_VALIDATORS)
    state = models.CharField(
        _("state"), max_length=16, choices=DeadlineChangeState.choices, default=DeadlineChangeState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="deadline_decisions",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment on the decision"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta(AboutItem.Meta):
        ordering = ["requested_at", "pk"]
        indexes = [
            models.Index(fields=["requested_at", "id"], name="deadlinechange_order"),
            keyset_index(("decided_at", models.DateTimeField), "id", name="deadlinechange_decided"),
        ]
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        constraints = [
            *AboutItem.Meta.constraints,
            models.CheckConstraint(
                name="deadlinechange_state_valid", condition=Q(state__in=DeadlineChangeState.values)
            ),
            models.CheckConstraint(
                name="deadlinechange_proposes_one_date",
                condition=Q(proposed_due_on__isnull=False, proposed_window_end__isnull=True)
                | Q(proposed_due_on__isnull=True, proposed_window_end__isnull=False),
            ),
            models.CheckConstraint(
                name="deadlinechange_decided_when_not_pending",
                condition=Q(state=DeadlineChangeState.PENDING, decided_at__isnull=True)
                | (~Q(state=DeadlineChangeState.PENDING) & Q(decided_at__isnull=False)),
            ),
            # One open request per item at a time.
            models.UniqueConstraint(
                name="deadlinechange_one_pending_per_implementation",
                fields=["implementation"],
                condition=Q(state=DeadlineChangeState.PENDING),
            ),
            models.UniqueConstraint(
                name="deadlinechange_one_pending_per_incident",
                fields=["incident"],
                condition=Q(state=DeadlineChangeState.PENDING),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("remediation:deadline_change_list") + f"#deadline-change-{self.pk}"

    @property
    def etag(self) -> str:
        return f'"{self.version}"'
