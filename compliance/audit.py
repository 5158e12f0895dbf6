"""Writes to the access log: each entry chained to the one before by its hash (checked by `compliance.log_check`)."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from axes.helpers import get_client_ip_address
from django.db import IntegrityError, transaction

from compliance import clock
from compliance.models import AccessLogEntry
from compliance.models.audit import AccessAction
from compliance.partitions import partitions_ensure_for

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest

    from compliance.access import Scoped
    from compliance.models import User

GENESIS_HASH = "0" * 64
# Set on a request that wrote to the log, so that the edge logs an attempt that wrote nothing itself, and only that.
LOGGED_ATTRIBUTE = "_access_logged"
# The reads a request has made so far, written as one entry when it ends (`AccessReadsMiddleware`).
READS_ATTRIBUTE = "_access_reads"


def _text(value: str, limit: int) -> str:
    """Text as the log can store it: PostgreSQL refuses NUL characters, and each field has a limit."""
    return value.replace("\x00", "\ufffd")[:limit]


def _django_request(request: HttpRequest) -> HttpRequest:
    # A REST framework request wraps Django's: the reads are gathered on Django's, which the middleware holds.
    return getattr(request, "_request", request)


def _context(request: HttpRequest | None, user: User | None) -> dict[str, object]:
    """Who and from where: the person, their company at the time, the request's address and path."""
    # A REST framework request wraps Django's; reading its `user` would authenticate again.
    request = _django_request(request) if request is not None else None
    if user is None and request is not None:
        user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    context: dict[str, object] = {
        "user": user if signed_in else None,
        "username": user.get_username() if signed_in else "",
        "user_company_id": user.company_id if signed_in else None,
    }
    if request is not None:
        context.update(
            method=request.method or "",
            path=_text(request.get_full_path(), 500),
            ip_address=get_client_ip_address(request),
            user_agent=_text(request.headers.get("User-Agent", ""), 300),
        )
    return context


def record_label(model: type[models.Model]) -> str:
    """How a record type is written in the log: `remediation.progressupdate`."""
    return model._meta.label_lower


def _append(entries: list[AccessLogEntry], request: HttpRequest | None = None) -> list[AccessLogEntry]:
    """Insert entries unchained, waiting on no other request (the sequencer chains them: `compliance.access_chain`);
    make the partition of a month that has none; note on the request that it logged."""
    if not entries:
        return entries
    try:
        with transaction.atomic():
            created = AccessLogEntry.objects.bulk_create(entries)
    except IntegrityError as error:
        if not _no_partition(error):
            raise
        partitions_ensure_for(entry.at for entry in entries)
        with transaction.atomic():
            created = AccessLogEntry.objects.bulk_create(entries)
    if request is not None:
        setattr(getattr(request, "_request", request), LOGGED_ATTRIBUTE, True)
    return created


def _no_partition(error: IntegrityError) -> bool:
    """Whether PostgreSQL refused a row because its month has no partition yet."""
    cause = error.__cause__
    return getattr(getattr(cause, "diag", None), "sqlstate", None) == "23514" and "no partition" in str(cause)


def request_logged(request: HttpRequest) -> bool:
    """Whether handling `request` wrote to the access log already."""
    request = _django_request(request)
    return getattr(request, LOGGED_ATTRIBUTE, False) or bool(getattr(request, READS_ATTRIBUTE, None))


def _summary(records: list[dict[str, object]]) -> dict[str, object]:
    """The entry's own record fields: the one record it read, or the kind and the company all its records share."""
    types = {record["type"] for record in records}
    companies = {record["company"] for record in records}
    return {
        "object_type": _text(str(next(iter(types))), 100) if len(types) == 1 else "",
        "object_id": _text(str(records[0]["id"]), 100) if len(records) == 1 else "",
        "object_company_id": next(iter(companies)) if len(companies) == 1 else None,
    }


def _read_entry(at: datetime.datetime, context: dict[str, object], records: list[dict[str, object]]) -> AccessLogEntry:
    return AccessLogEntry(at=at, action=AccessAction.READ, records=records, **_summary(records), **context)


@dataclasses.dataclass
class _Reads:
    """The reads of one request so far, by one person from one place: written as one entry when the request ends."""

    at: datetime.datetime
    context: dict[str, object]
    records: list[dict[str, object]] = dataclasses.field(default_factory=list)
    seen: set[tuple[object, object]] = dataclasses.field(default_factory=set)

    def add(self, records: Iterable[dict[str, object]]) -> None:
        for record in records:
            key = (record["type"], record["id"])
            if key not in self.seen:
                self.seen.add(key)
                self.records.append(record)


def reads_gather(request: HttpRequest) -> None:
    """From now on, gather the reads of `request` into one entry, written by `reads_write` (see the middleware)."""
    setattr(_django_request(request), READS_ATTRIBUTE, [])


def reads_write(request: HttpRequest) -> list[AccessLogEntry]:
    """Write the reads gathered for `request`: one entry (one per person and place, should a view read as another)."""
    batches = getattr(request, READS_ATTRIBUTE, None)
    if batches is None:
        return []
    delattr(request, READS_ATTRIBUTE)  # a read after this one (a streamed body) is written at once
    return _append([_read_entry(batch.at, batch.context, batch.records) for batch in batches], request)


def _log_read(request: HttpRequest | None, records: list[dict[str, object]]) -> list[AccessLogEntry]:
    """One entry for `records`: gathered into the request's one entry when the middleware gathers, else now."""
    if not records:
        return []
    context = _context(request, None)
    batches = getattr(_django_request(request), READS_ATTRIBUTE, None) if request is not None else None
    if batches is None:
        return _append([_read_entry(clock.now(), context, records)], request)
    batch = next((batch for batch in batches if batch.context == context), None)
    if batch is None:
        batch = _Reads(at=clock.now(), context=context)
        batches.append(batch)
    batch.add(records)
    return []


def read_record(record: Scoped) -> dict[str, object]:
    """How the log names one record read: its type, its key, and the company it belongs to."""
    return {"type": record_label(type(record)), "id": str(record.pk), "company": record.owning_company_id}


def access_log_reads(*, request: HttpRequest | None, records: Iterable[Scoped]) -> list[AccessLogEntry]:
    """Log a read of the private records among `records` (published content is not logged).

    Within a request, every read joins the request's one entry, written when the response is made; it is written at
    once (and returned) only outside a request's middleware (a command, a test calling a view directly).
    """
    return _log_read(request, [read_record(record) for record in records if record.is_private_record()])


def access_log_read_rows(*, request: HttpRequest, object_type: str, object_ids: Iterable[str]) -> list[AccessLogEntry]:
    """Log a read of rows that are not records of a scoped model (the change history's events)."""
    return _log_read(request, [{"type": object_type, "id": _text(str(i), 100), "company": None} for i in object_ids])


def access_log_denied(*, request: HttpRequest, object_type: str, object_id: str = "") -> AccessLogEntry:
    """Log an attempt on a record or a page the person may not see."""
    return _attempt(request, AccessAction.DENIED, object_type, object_id)


def access_log_options(*, request: HttpRequest, object_type: str, object_id: str = "") -> AccessLogEntry:
    """Log an OPTIONS request: it reads no record, but asks what a page or an endpoint allows."""
    return _attempt(request, AccessAction.OPTIONS, object_type, object_id)


def _attempt(request: HttpRequest, action: str, object_type: str, object_id: str) -> AccessLogEntry:
    entry = AccessLogEntry(
        at=clock.now(),
        action=action,
        object_type=_text(object_type, 100),
        object_id=_text(object_id, 100),
        **_context(request, None),
    )
    return _append([entry], request)[0]


def access_log_sign_in(
    *, request: HttpRequest | None, user: User | None, action: str, username: str = "", subject: str = ""
) -> AccessLogEntry:
    """Log an event of signing in: a sign-in, a failure, a lockout, a code, a device, a token, a password.

    `subject` names what the event concerns beyond the person (a token's key, a device, the person an
    administrator acted on).
    """
    context = _context(request, user)
    if username and not context["username"]:
        context["username"] = _text(username, 150)
    entry = AccessLogEntry(at=clock.now(), action=action, object_type="auth", object_id=_text(subject, 100), **context)
    return _append([entry], request)[0]
