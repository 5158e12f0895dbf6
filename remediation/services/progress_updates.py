"""Writes about progress updates: an officer submits one, the regulator accepts it or asks for more.

Each runs in one transaction, locks the item it changes, checks the version the person saw, re-checks
scope through `visible_to`, and sends its notification only after the transaction commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from compliance import clock
from compliance.tracking import TrackedItem
from compliance.versioning import check_version
from compliance.webhooks import publish, reference
from remediation.choices import ReviewDecision, ReviewState
from remediation.evidence import CheckedUpload, check_upload
from remediation.models import Evidence, ProgressUpdate, Reminder, Review, about
from remediation.notifications import notify_after_commit
from remediation.services.items import _bump, _lock_item, _lock_own_item, _require_officer, _require_regulator
from remediation.workflow import check_transition

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from compliance.models import User


def check_uploads(files: Sequence[UploadedFile]) -> list[CheckedUpload]:
    """Check every file before anything is stored; refuse them all with every reason at once."""
    if len(files) > settings.EVIDENCE_MAX_FILES:
        raise ValidationError({"evidence": _("Attach at most %(n)d files.") % {"n": settings.EVIDENCE_MAX_FILES}})
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"evidence": errors})
    return checked


def progress_update_submit(
    *,
    actor: User,
    item: TrackedItem,
    item_version: int | None,
    status: str,
    narrative: str,
    next_milestone_on: datetime.date | None = None,
    files: Sequence[UploadedFile] = (),
    in_reply_to: ProgressUpdate | None = None,
) -> ProgressUpdate:
    """An officer reports progress on an item of their company; the item's status waits for acceptance."""
    _require_officer(actor)
    if not narrative.strip():
        raise ValidationError({"narrative": _("Describe the progress.")})
    uploads = check_uploads(files)
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            locked = _lock_own_item(actor, item)
            check_version(item_version, locked.version)
            check_transition(locked.status, status)
            if in_reply_to is not None:
                _check_reply(actor, locked, in_reply_to)
            update = ProgressUpdate.objects.create(
                company_id=actor.company_id,
                author=actor,
                status=status,
                narrative=narrative.strip(),
                next_milestone_on=next_milestone_on,
                in_reply_to=in_reply_to,
                **about(locked),
            )
            for checked in uploads:
                stored.append(_store_evidence(update, checked))
            _bump(locked)
            Reminder.objects.filter(company_id=actor.company_id, acted_on_at__isnull=True, **about(locked)).update(
                acted_on_at=clock.now()
            )
            notify_after_commit("submitted", update.pk)
            publish(
                "progress_update.submitted",
                update,
                data={"item": reference(locked), "status": status, "in_reply_to": in_reply_to and in_reply_to.pk},
            )
            return update
    except Exception:
        # Nothing of a refused submission stays behind, files included.
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise


def _check_reply(actor: User, item: TrackedItem, request: ProgressUpdate) -> None:
    request = ProgressUpdate.objects.visible_to(actor).select_for_update().filter(pk=request.pk).first()
    if request is None or request.subject != item:
        raise ValidationError({"in_reply_to": _("That request is not about this item.")})
    if request.review_state != ReviewState.INFO_REQUESTED:
        raise ValidationError({"in_reply_to": _("No information was requested on that update.")})
    if ProgressUpdate.objects.filter(in_reply_to=request).exists():
        raise ValidationError({"in_reply_to": _("That request has been answered already.")})


def _store_evidence(update: ProgressUpdate, checked: CheckedUpload) -> Evidence:
    evidence = Evidence(
        company_id=update.company_id,
        update=update,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    evidence.file.save(checked.name, checked.upload, save=False)
    evidence.save()
    return evidence


def _lock_update_for_review(actor: User, update: ProgressUpdate, update_version: int | None) -> ProgressUpdate:
    _require_regulator(actor)
    locked = ProgressUpdate.objects.visible_to(actor).select_for_update().get(pk=update.pk)
    check_version(update_version, locked.version)
    if locked.review_state != ReviewState.SUBMITTED:
        raise ValidationError(_("This update has been reviewed already."))
    return locked


def progress_update_accept(
    *, actor: User, update: ProgressUpdate, update_version: int | None, comment: str = ""
) -> Review:
    """The regulator accepts an update: only now does the item take the reported status."""
    with transaction.atomic():
        locked = _lock_update_for_review(actor, update, update_version)
        item = _lock_item(locked.subject)
        check_transition(item.status, locked.status)
        _bump(item, status=locked.status)
        return _review(actor, locked, ReviewDecision.ACCEPT, ReviewState.ACCEPTED, comment, "accepted")


def progress_update_request_info(
    *, actor: User, update: ProgressUpdate, update_version: int | None, comment: str
) -> Review:
    """The regulator asks for more: the officer answers with a new update; the item does not change."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say what information is needed.")})
    with transaction.atomic():
        locked = _lock_update_for_review(actor, update, update_version)
        return _review(actor, locked, ReviewDecision.REQUEST_INFO, ReviewState.INFO_REQUESTED, comment, "returned")


def _review(actor: User, update: ProgressUpdate, decision: str, state: str, comment: str, event: str) -> Review:
    ProgressUpdate.objects.filter(pk=update.pk).update(review_state=state, version=F("version") + 1)
    review = Review.objects.create(
        company_id=update.company_id, update=update, reviewer=actor, decision=decision, comment=comment.strip()
    )
    notify_after_commit(event, update.pk)
    publish("review.decided", review, data={"decision": decision, "progress_update": reference(update)})
    return review
