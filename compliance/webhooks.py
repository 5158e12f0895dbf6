"""Webhooks: people subscribe an address to events; the apps `publish` events; each becomes a recorded delivery.

`publish` is called by the services of the apps above (an update submitted, a review decided, a case changed…) inside
their transaction: the delivery rows are written with the change they report, and their sending is queued once it
commits (`compliance.webhook_delivery` sends, retries and sweeps). A subscription receives an event only when its
owner may see the record it is about — the scoping rule (`visible_to`) decides, when the event is published and again
when it is sent — and the payload says only what kind of record it is, its key and its address in the API.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from celery import signature
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from compliance import clock
from compliance.editing import assign, locked_at, save_changes
from compliance.models.webhooks import DeliveryStatus, PausedBecause, WebhookDelivery, WebhookEvent, WebhookSubscription
from compliance.record_addresses import record_api_url

if TYPE_CHECKING:
    from compliance.models import User

logger = logging.getLogger(__name__)
SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not one
LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


# Secrets --------------------------------------------------------------------------------------------------------


def _fernet() -> Fernet:
    key = settings.WEBHOOK_SECRET_KEY
    if not key:
        derived = hmac.new(settings.SECRET_KEY.encode(), b"webhook-secrets", hashlib.sha256).digest()
        key = base64.urlsafe_b64encode(derived).decode()
    return Fernet(key)


def secret_new() -> str:
    """A new signing secret as the Standard Webhooks libraries take it: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_seal(secret: str) -> str:
    """The secret encrypted for storage."""
    return _fernet().encrypt(secret.encode()).decode()


def secret_open(sealed: str) -> str:
    """The secret a subscription signs with, decrypted."""
    return _fernet().decrypt(sealed.encode()).decode()


# Addresses ------------------------------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """True for this machine: `localhost`, 127.0.0.0/8, ::1."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address_check(url: str) -> str:
    """The address, if deliveries may go to it: https (http only to this machine, where the settings allow it),
    no user name or password in it, and no literal address of a private network."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.username is not None or parts.password is not None:
        raise ValidationError({"url": _("The address may not carry a user name or password.")})
    if not host:
        raise ValidationError({"url": _("Give the full address, starting with https://.")})
    loopback_allowed = settings.WEBHOOK_ALLOW_HTTP_LOOPBACK and is_loopback(host)
    if parts.scheme == "http" and not loopback_allowed:
        raise ValidationError({"url": _("Deliveries go to https:// addresses only.")})
    if parts.scheme not in ("http", "https"):
        raise ValidationError({"url": _("Deliveries go to https:// addresses only.")})
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not literal.is_global and not loopback_allowed:
        raise ValidationError({"url": _("Deliveries do not go to private or local network addresses.")})
    return url


# Events ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One event about one record; `scope` is the record whose visibility decides who receives it (the record
    itself unless given: an overdue item is told to those who see the company's reminder about it)."""

    type: str
    record: models.Model
    scope: models.Model | None = None
    data: dict = field(default_factory=dict)

    @property
    def scope_record(self) -> models.Model:
        return self.scope if self.scope is not None else self.record


def _object_name(record: models.Model) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", record._meta.object_name).lower()


def reference(record: models.Model) -> dict:
    """How a payload names a record: its kind, id, code where it has one, and its address in the API."""
    named = {"object": _object_name(record), "id": record.pk, "url": record_api_url(record)}
    code = getattr(record, "code", None)
    if isinstance(code, str):
        named["code"] = code
    return named


def _body(event: Event, at) -> str:
    data = reference(event.record)
    company = getattr(event.scope_record, "company", None)
    if company is not None:
        data["company"] = company.code
    data.update(event.data)
    payload = {"type": event.type, "timestamp": at.isoformat().replace("+00:00", "Z"), "data": data}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def may_see(owner: User, label_and_pks: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of the records (model label, id) `owner` may see, by the scoping rule."""
    from django.apps import apps

    wanted: dict[str, set[int]] = {}
    for label, pk in label_and_pks:
        wanted.setdefault(label, set()).add(pk)
    seen = set()
    for label, pks in wanted.items():
        visible = apps.get_model(label).objects.visible_to(owner).filter(pk__in=pks).values_list("pk", flat=True)
        seen |= {(label, pk) for pk in visible}
    return seen


def publish(event_type: str, record: models.Model, *, scope: models.Model | None = None, data: dict | None = None):
    """Tell the subscriptions that asked for `event_type`, and whose owner may see the record, about it."""
    return publish_events([Event(event_type, record, scope, data or {})])


def publish_events(events: Sequence[Event]) -> list[WebhookDelivery]:
    """Record one delivery per event and subscription concerned, queued once the current transaction commits."""
    if not events:
        return []
    for event in events:
        WebhookEvent(event.type)  # an unknown event is a mistake in the caller
    subscriptions = list(
        WebhookSubscription.objects.filter(
            paused_because="", owner__is_active=True, events__overlap=sorted({e.type for e in events})
        ).select_related("owner")
    )
    if not subscriptions:
        return []
    now = clock.now()
    bodies: dict[int, str] = {}
    deliveries = []
    for subscription in subscriptions:
        wanted = [e for e in events if e.type in subscription.events]
        keys = {id(e): (e.scope_record._meta.label, e.scope_record.pk) for e in wanted}
        visible = may_see(subscription.owner, keys.values())
        for event in wanted:
            if keys[id(event)] not in visible:
                continue
            label, pk = keys[id(event)]
            body = bodies.get(id(event)) or bodies.setdefault(id(event), _body(event, now))
            deliveries.append(
                WebhookDelivery(
                    subscription=subscription,
                    event_type=event.type,
                    message_id=f"msg_{uuid.uuid4().hex}",
                    record_model=label,
                    record_pk=pk,
                    body=body,
                    max_attempts=settings.WEBHOOK_MAX_ATTEMPTS,
                    next_attempt_at=now,
                )
            )
    WebhookDelivery.objects.bulk_create(deliveries)
    ids = [delivery.pk for delivery in deliveries]
    if ids:
        transaction.on_commit(lambda: queue_deliveries(ids))
    return deliveries


def queue_deliveries(ids: Iterable[int], countdown: float = 0) -> None:
    """Queue the sending of deliveries by name; the broker down is logged, and the sweep sends them later."""
    for delivery_id in ids:
        try:
            signature("compliance.tasks.deliver_webhook", args=[delivery_id]).apply_async(
                countdown=countdown or None, retry=False
            )
        except Exception:  # the broker is down: the row stays pending, and the sweep finds it
            logger.exception("could not queue webhook delivery %s", delivery_id)


# Subscriptions --------------------------------------------------------------------------------------------------


def _events(events: Sequence[str]) -> list[str]:
    if not events:
        raise ValidationError({"events": _("Choose at least one event.")})
    unknown = [e for e in events if e not in WebhookEvent.values]
    if unknown:
        raise ValidationError({"events": _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}})
    return sorted(set(events))


def webhook_subscribe(
    *, actor: User, url: str, events: Sequence[str], description: str = ""
) -> tuple[WebhookSubscription, str]:
    """A person subscribes an address to events; returns the subscription and its secret, shown this once."""
    address_check(url)
    chosen = _events(events)
    secret = secret_new()
    with transaction.atomic():
        if WebhookSubscription.objects.filter(owner=actor).count() >= settings.WEBHOOK_MAX_PER_PERSON:
            raise ValidationError(
                _("You have %(n)d subscriptions already, the most allowed.") % {"n": settings.WEBHOOK_MAX_PER_PERSON}
            )
        subscription = WebhookSubscription.objects.create(
            owner=actor, url=url, events=chosen, description=description.strip(), secret_encrypted=secret_seal(secret)
        )
    return subscription, secret


def _owned_at(subscription: WebhookSubscription, actor: User, version: int | None) -> WebhookSubscription:
    """The owner's subscription as stored now, locked until the transaction ends, if still at `version`: anyone
    else's is refused as one that does not exist, before its version is compared."""
    if subscription.owner_id != actor.pk:  # an owner never changes
        raise PermissionDenied
    return locked_at(subscription, version)


def webhook_change(
    *,
    actor: User,
    subscription: WebhookSubscription,
    version: int | None,
    url: str | None = None,
    events: Sequence[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookSubscription:
    """The owner changes the address, the events or the description, or pauses or resumes the subscription, as of
    the `version` they saw (`ConflictError` otherwise). A change that changes nothing keeps the version.

    Resuming starts the count of failures afresh; deliveries still pending go out again.
    """
    with transaction.atomic():
        locked_now = _owned_at(subscription, actor, version)
        wanted: dict[str, object] = {}
        if url is not None:
            wanted["url"] = address_check(url)
        if events is not None:
            wanted["events"] = _events(events)
        if description is not None:
            wanted["description"] = description.strip()
        if active is False and locked_now.is_active:
            wanted.update(paused_because=PausedBecause.OWNER, paused_at=clock.now())
        if active is True and not locked_now.is_active:
            wanted.update(paused_because="", paused_at=None, consecutive_failures=0, failing_since=None)
            due = WebhookDelivery.objects.filter(subscription=locked_now, status=DeliveryStatus.PENDING)
            due.update(next_attempt_at=clock.now())
            ids = list(due.values_list("pk", flat=True))
            transaction.on_commit(lambda: queue_deliveries(ids))
        return save_changes(locked_now, assign(locked_now, wanted, wanted))


def webhook_unsubscribe(*, actor: User, subscription: WebhookSubscription, version: int | None) -> None:
    """The owner removes a subscription, as of the `version` they saw, and the record of its deliveries with it."""
    with transaction.atomic():
        _owned_at(subscription, actor, version).delete()


def webhook_delivery_resend(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """The owner has a delivery sent again, now, with the same `webhook-id` and body, and its attempts renewed."""
    with transaction.atomic():
        locked = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscription")
            .get(pk=delivery.pk, subscription__owner=actor)
        )
        if not locked.subscription.is_active:
            raise ValidationError(_("The subscription is paused: resume it first."))
        if locked.status == DeliveryStatus.PENDING and locked.attempts == 0:
            return locked  # not sent yet: it goes out anyway
        locked.status = DeliveryStatus.PENDING
        locked.max_attempts = locked.attempts + settings.WEBHOOK_MAX_ATTEMPTS
        locked.next_attempt_at = clock.now()
        locked.save()
        transaction.on_commit(lambda: queue_deliveries([locked.pk]))
        return locked
