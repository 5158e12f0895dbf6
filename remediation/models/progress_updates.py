"""Progress updates, the regulator's reviews of them, and the evidence files attached."""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.access import CompanyPrivate
from compliance.choices import ItemStatus
from compliance.validators import DATE_VALIDATORS
from remediation.choices import (
    ReviewDecision,
    ReviewState,
)
from remediation.models.items import AboutItem


@pghistory.track()
class ProgressUpdate(AboutItem):
    """A company's report of progress on one implementation or one incident of its own: private to it."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="progress_updates",
    )
    status = models.CharField(_("reported status"), max_length=16, choices=ItemStatus.choices)
    narrative = models.TextField(_("narrative"))
    next_milestone_on = models.DateField(
        _("next milestone or completion estimate"), null=True, blank=True, validators=DATE_VALIDATORS
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    review_state = models.CharField(
        _("review"), max_length=16, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    in_reply_to = models.OneToOneField(
        "self",
        verbose_name=_("answers the request on"),
        on_delete=models.PROTECT,
        related_name="reply",
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta(AboutItem.Meta):
        ordering = ["submitted_at", "pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            *AboutItem.Meta.constraints,
            models.CheckConstraint(name="progressupdate_status_valid", condition=Q(status__in=ItemStatus.values)),
            models.CheckConstraint(
                name="progressupdate_review_state_valid", condition=Q(review_state__in=ReviewState.values)
            ),
        ]
        indexes = [
            models.Index(fields=["review_state", "submitted_at"], name="progressupdate_queue"),
            models.Index(fields=["submitted_at", "id"], name="progressupdate_order"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.submitted_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("remediation:progress_update_detail", kwargs={"pk": self.pk})

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


@pghistory.track()
class Review(CompanyPrivate):
    """The regulator's decision on one progress update: accepted, or more information requested."""

    update = models.OneToOneField(
        ProgressUpdate, verbose_name=_("progress update"), on_delete=models.CASCADE, related_name="review"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="reviews"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=ReviewDecision.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta(CompanyPrivate.Meta):
        ordering = ["reviewed_at", "pk"]
        indexes = [models.Index(fields=["reviewed_at", "id"], name="review_order")]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(name="review_decision_valid", condition=Q(decision__in=ReviewDecision.values)),
            models.CheckConstraint(
                name="review_request_has_comment",
                condition=Q(decision=ReviewDecision.ACCEPT) | ~Q(comment=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.update}"

    def get_absolute_url(self) -> str:
        return self.update.get_absolute_url()


def evidence_storage() -> FileSystemStorage:
    """Evidence files live outside the web root and are served only through a scoped view."""
    return FileSystemStorage(location=settings.EVIDENCE_ROOT, base_url=None)


def evidence_path(evidence: Evidence, filename: str) -> str:
    """A stored name of our own: the sender's file name is kept as data, never used as a path."""
    return f"{evidence.company_id}/{uuid.uuid4().hex}"


@pghistory.track()
class Evidence(CompanyPrivate):
    """A file attached to a progress update, its type checked by content."""

    update = models.ForeignKey(
        ProgressUpdate, verbose_name=_("progress update"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta(CompanyPrivate.Meta):
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["uploaded_at", "id"], name="evidence_order")]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [models.CheckConstraint(name="evidence_not_empty", condition=Q(size__gt=0))]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("remediation:evidence_download", kwargs={"pk": self.pk})
