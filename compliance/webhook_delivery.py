"""Sending webhook deliveries: signed to the Standard Webhooks specification, retried with exponential backoff.

The delivery row is the source of truth. An attempt first claims its row (`select_for_update(skip_locked=True)`,
only when due) and sets `next_attempt_at` to the end of a lease, commits, then sends: a worker killed while sending
leaves the row pending, and once the lease has passed the sweep (every minute) queues it again. A receiver may so
get an event twice, always with the same `webhook-id`. A subscription whose deliveries keep failing is paused, and
its owner told by mail.
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from celery import signature
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from standardwebhooks import Webhook

from compliance import clock
from compliance.models.webhooks import DeliveryStatus, PausedBecause, WebhookDelivery, WebhookSubscription
from compliance.webhooks import is_loopback, may_see, queue_deliveries, secret_open

logger = logging.getLogger(__name__)
USER_AGENT = "compliance-tracker-webhooks/1"
# A retry further off than this is left to the sweep rather than held by a worker (the broker's visibility timeout).
QUEUE_WITHIN = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: the response's status code, or the error that stopped it."""

    code: int | None = None
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address to send to (it could point anywhere, a private network too)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def backoff(attempts: int) -> datetime.timedelta:
    """How long after its `attempts`-th failed attempt a delivery is tried again: doubling, up to a limit."""
    seconds = settings.WEBHOOK_BACKOFF * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.WEBHOOK_BACKOFF_MAX))


def signed_headers(*, secret: str, message_id: str, at: datetime.datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt: the same id on every attempt, the attempt's own timestamp."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
    }


def _destination_refused(url: str) -> str:
    """Why the address may not be sent to now (it resolves to a private network), or ''."""
    host = urlsplit(url).hostname or ""
    if settings.WEBHOOK_ALLOW_HTTP_LOOPBACK and is_loopback(host):
        return ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except OSError as error:
        return f"cannot resolve {host}: {error}"[:300]
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            return f"{host} resolves to a private or local address"
    return ""


def _send(url: str, headers: dict[str, str], body: bytes) -> Outcome:
    refused = _destination_refused(url)
    if refused:
        return Outcome(error=refused)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked (https, or http to this machine)
        url,
        data=body,
        method="POST",
        headers={**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            return Outcome(code=response.status)
    except urllib.error.HTTPError as error:
        return Outcome(code=error.code, error=str(error.reason)[:300])
    except (OSError, ValueError) as error:  # refused, timed out, TLS, a malformed address
        return Outcome(error=(str(error) or type(error).__name__)[:300])


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take a due delivery for one attempt (none when another worker holds it, or it is not due), under a lease."""
    now = clock.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription__owner")
            .filter(
                pk=delivery_id,
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=now,
                subscription__paused_because="",
            )
            .first()
        )
        if delivery is None:
            return None
        if not may_see(delivery.subscription.owner, [(delivery.record_model, delivery.record_pk)]):
            # The owner no longer sees the record (moved company, left, the record gone): nothing is sent.
            delivery.status, delivery.next_attempt_at = DeliveryStatus.WITHHELD, None
            delivery.save(update_fields=["status", "next_attempt_at"])
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + datetime.timedelta(seconds=settings.WEBHOOK_LEASE)
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
        return delivery


def delivery_attempt(*, delivery_id: int) -> str | None:
    """Make one attempt at a delivery, if it is due; record the outcome. Returns the status it is left at, or None
    when there was nothing to do."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    body = delivery.body.encode()
    at = clock.now()
    secret = secret_open(delivery.subscription.secret_encrypted)
    headers = signed_headers(secret=secret, message_id=delivery.message_id, at=at, body=body)
    outcome = _send(delivery.subscription.url, headers, body)
    return _record(delivery, outcome)


def _record(claimed: WebhookDelivery, outcome: Outcome) -> str:
    now = clock.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=claimed.pk)
        if not outcome.delivered and (delivery.attempts != claimed.attempts or delivery.status != "pending"):
            return delivery.status  # the lease ran out and another attempt has taken over: its outcome counts
        subscription = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
        delivery.last_response_code, delivery.last_error = outcome.code, outcome.error
        if outcome.delivered:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
            delivery.last_error = ""
            if subscription.consecutive_failures or subscription.failing_since:
                subscription.consecutive_failures, subscription.failing_since = 0, None
                subscription.version += 1
                subscription.save(update_fields=["consecutive_failures", "failing_since", "version", "updated_at"])
        elif delivery.attempts >= delivery.max_attempts:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            _count_failure(subscription, delivery, now, given_up=True)
        else:
            delay = backoff(delivery.attempts)
            delivery.next_attempt_at = now + delay
            _count_failure(subscription, delivery, now, given_up=False)
            if delay <= QUEUE_WITHIN:
                pk = delivery.pk
                transaction.on_commit(lambda: queue_deliveries([pk], countdown=delay.total_seconds()))
        delivery.save()
        return delivery.status


def _count_failure(
    subscription: WebhookSubscription, delivery: WebhookDelivery, now: datetime.datetime, *, given_up: bool
) -> None:
    """A failed attempt: the address is failing since then, if not before; a delivery given up counts towards the
    pause, which comes after so many in a row, or after a day (by default) of failing.

    The subscription is locked (`_record`). Each change of it raises its version, as its owner's changes do: an owner
    who read it before it was paused, or before a failure was counted, changes it only after reading it again.
    """
    changed = []
    if subscription.failing_since is None:
        subscription.failing_since = delivery.last_attempt_at or now
        changed.append("failing_since")
    if given_up:
        subscription.consecutive_failures += 1
        changed.append("consecutive_failures")
    failing_for = now - subscription.failing_since
    too_long = failing_for >= datetime.timedelta(hours=settings.WEBHOOK_PAUSE_AFTER_HOURS)
    pause = (
        given_up
        and subscription.is_active
        and (subscription.consecutive_failures >= settings.WEBHOOK_PAUSE_AFTER_FAILURES or too_long)
    )
    if pause:
        subscription.paused_because, subscription.paused_at = PausedBecause.FAILING, now
        changed += ["paused_because", "paused_at"]
    if changed:
        subscription.version += 1
        subscription.save(update_fields=[*changed, "version", "updated_at"])
    if pause:
        pk = subscription.pk
        transaction.on_commit(lambda: _queue_paused_mail(pk))


def _queue_paused_mail(subscription_id: int) -> None:
    try:
        signature("compliance.tasks.send_webhook_paused_mail", args=[subscription_id]).apply_async(retry=False)
    except Exception:  # the broker is down: the pause stands, and the owner sees it in the API
        logger.exception("could not queue the mail about paused webhook %s", subscription_id)


def delivery_sweep(*, now: datetime.datetime, limit: int = 1000) -> list[int]:
    """Queue again the deliveries due for a while whose task never ran (lost with a worker, or the broker down)."""
    overdue_since = now - datetime.timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE)
    ids = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=overdue_since, subscription__paused_because=""
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    queue_deliveries(ids)
    return ids


def paused_mail(*, subscription_id: int) -> int:
    """Tell the owner, in their language, that their subscription has been paused because its deliveries failed."""
    subscription = (
        WebhookSubscription.objects.select_related("owner")
        .filter(pk=subscription_id, paused_because=PausedBecause.FAILING, owner__is_active=True)
        .exclude(owner__email="")
        .first()
    )
    if subscription is None:
        return 0
    last = subscription.deliveries.exclude(last_attempt_at=None).order_by("-last_attempt_at").first()
    context = {
        "subscription": subscription,
        "last": last,
        "failing_since": subscription.failing_since.astimezone(clock.TOKYO) if subscription.failing_since else None,
        "site_url": settings.SITE_URL,
    }
    owner = subscription.owner
    with translation.override(owner.language):
        subject = render_to_string("compliance/mail/webhook_paused_subject.txt", context).strip()
        body = render_to_string("compliance/mail/webhook_paused_body.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email])
