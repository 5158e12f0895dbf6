"""Writes about a person's own preferences: the language of their mail and the time of their digest."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from remediation.models import DigestSchedule

if TYPE_CHECKING:
    from compliance.models import User


def person_preferences_set(*, actor: User, language: str, digest_time: datetime.time | None) -> User:
    """A person chooses the language of their mail and the time of their reminder digest, within the limits."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose Japanese or English.")})
    schedule = DigestSchedule.current()
    if digest_time is not None and not schedule.earliest <= digest_time <= schedule.latest:
        raise ValidationError(
            {
                "digest_time": _("Choose a time between %(earliest)s and %(latest)s.")
                % {"earliest": f"{schedule.earliest:%H:%M}", "latest": f"{schedule.latest:%H:%M}"}
            }
        )
    with transaction.atomic():
        person = get_user_model().objects.select_for_update().get(pk=actor.pk)
        person.language, person.digest_time = language, digest_time
        person.save(update_fields=["language", "digest_time"])
    return person
