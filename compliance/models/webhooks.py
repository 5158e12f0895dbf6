"""Webhooks: a person's subscription of an HTTPS address to events, and each delivery of one event to it."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.access import NOTHING, Scoped
from compliance.versioning import Versioned


class WebhookEvent(models.TextChoices):
    """The events a subscription may ask for (the `type` of a delivery's payload)."""

    PROGRESS_UPDATE_SUBMITTED = "progress_update.submitted", _("Progress update submitted")
    REVIEW_DECIDED = "review.decided", _("Review decided")
    DEADLINE_CHANGE_REQUESTED = "deadline_change.requested", _("Deadline change requested")
    DEADLINE_CHANGE_DECIDED = "deadline_change.decided", _("Deadline change decided")
    REMINDER_SENT = "reminder.sent", _("Reminder sent")
    ITEM_OVERDUE = "item.overdue", _("Item overdue")
    CASE_CHANGED = "case.changed", _("Case changed")


class PausedBecause(models.TextChoices):
    """Why a subscription receives nothing for now."""

    OWNER = "owner", _("Paused by its owner")
    FAILING = "failing", _("Paused: deliveries kept failing")


class DeliveryStatus(models.TextChoices):
    """Where one delivery stands."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    # At send time the owner could no longer see the record (or was no longer active): nothing was sent.
    WITHHELD = "withheld", _("Withheld")


@pghistory.track(exclude=["secret_encrypted"], obj_field=pghistory.ObjForeignKey(related_name="history"))
class WebhookSubscription(Scoped, Versioned):
    """One address a person has subscribed to some events; its signing secret stored encrypted, never shown again.

    Its version rises with every change, its owner's and the delivery machinery's (a failure counted, a pause).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("address"), max_length=2000)
    events = ArrayField(models.CharField(max_length=40, choices=WebhookEvent.choices), verbose_name=_("events"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret_encrypted = models.TextField(_("secret (encrypted)"))
    paused_because = models.CharField(_("paused"), max_length=16, choices=PausedBecause.choices, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    # Counted from the last delivery that reached the address: deliveries given up since, and when the first failed.
    consecutive_failures = models.PositiveIntegerField(_("deliveries failed in a row"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "created_at", "id"], name="webhooksubscription_order")]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        constraints = [
            models.CheckConstraint(
                name="webhooksubscription_paused_with_moment",
                condition=Q(paused_because="", paused_at__isnull=True)
                | (~Q(paused_because="") & Q(paused_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} → {self.url}"

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        """Lists of subscriptions are the regulator's (the admin); a person reaches their own by owner only."""
        return NOTHING

    @property
    def is_active(self) -> bool:
        """True while deliveries go out."""
        return not self.paused_because


class WebhookDelivery(Scoped):
    """One event for one subscription: the exact body signed and sent, and how its attempts went.

    The row is the source of truth: a worker lost mid-attempt leaves it pending, and the sweep sends it again,
    with the same `message_id` (the `webhook-id` header) and the same body.
    """

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    # The record the event is about, checked against the owner's scope again at send time.
    record_model = models.CharField(_("record type"), max_length=100)
    record_pk = models.BigIntegerField(_("record id"))
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("attempts allowed"))
    last_response_code = models.PositiveIntegerField(_("last response code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # Pending: when the next attempt is due; while an attempt runs, when it counts as lost (the worker's lease).
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["subscription", "created_at", "id"], name="webhookdelivery_order"),
            models.Index(
                name="webhookdelivery_due",
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="webhookdelivery_pending_has_next_attempt",
                condition=~Q(status="pending") | Q(next_attempt_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.event_type}"

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        """Deliveries are read through their subscription's owner only (or by the regulator in the admin)."""
        return NOTHING
