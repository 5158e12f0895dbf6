"""Tasks of the remediation app: thin, taking primary keys."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import translation

from compliance.access import REGULATOR_ROLES
from compliance.choices import Role
from remediation.models import ProgressUpdate


def _recipients(event: str, update: ProgressUpdate):
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    if event == "submitted":
        return people.filter(role__in=REGULATOR_ROLES)
    return people.filter(role=Role.COMPANY_OFFICER, company_id=update.company_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_progress_update_mail(event: str, update_id: int) -> int:
    """Mail the people concerned about a submitted, accepted or returned progress update."""
    update = (
        ProgressUpdate.objects.select_related(
            "company", "author", "review", "implementation__measure", "incident__pair"
        )
        .filter(pk=update_id)
        .first()
    )
    if update is None:
        return 0
    messages = []
    for person in _recipients(event, update):
        with translation.override(settings.LANGUAGE_CODE):
            context = {"event": event, "update": update, "site_url": settings.SITE_URL}
            subject = render_to_string("remediation/mail/progress_update_subject.txt", context).strip()
            body = render_to_string("remediation/mail/progress_update_body.txt", context)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]))
    return send_mass_mail(messages, fail_silently=False)
