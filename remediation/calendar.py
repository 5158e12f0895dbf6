"""Calendar feeds: a person's secret address serving, as iCalendar, the due dates and window ends they follow.

The address carries a random token; only its SHA-256 is stored (a 256-bit random token needs no slow hash).
Issuing a new address revokes the old one. The feed shows what the person may see through `visible_to`:
their company's open items, or every company's for regulator staff. The iCalendar text is written here
(RFC 5545: CRLF line ends, lines folded at 75 octets, text escaped), all-day events, one per date.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cases.selectors import incidents
from compliance import clock
from compliance.access import is_regulator, is_signed_in
from compliance.choices import ItemStatus
from compliance.models import CalendarFeed
from remediation.naming import item_name_text
from remediation.selectors import implementations, own_open_items

if TYPE_CHECKING:
    from compliance.models import User
    from compliance.tracking import TrackedItem

TOKEN_BYTES = 32
LINE_OCTETS = 75
DESCRIPTION_CHARS = 500
DAY = datetime.timedelta(days=1)


def hash_token(token: str) -> str:
    """The SHA-256 of a feed token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


# Writes -----------------------------------------------------------------------------------------------


def calendar_feed_issue(*, actor: User) -> str:
    """Give the person a new secret feed address, revoking the one they had; returns the token (shown once)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        calendar_feed_revoke(actor=actor)
        CalendarFeed.objects.create(person=actor, token_hash=hash_token(token))
    return token


def calendar_feed_revoke(*, actor: User) -> int:
    """Revoke the person's feed address, if any; returns how many were revoked."""
    with transaction.atomic():
        return CalendarFeed.objects.filter(person=actor, revoked_at__isnull=True).update(revoked_at=clock.now())


# Reads ------------------------------------------------------------------------------------------------


def active_feed(*, person: User) -> CalendarFeed | None:
    """The person's feed address in force, or None."""
    return CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).first()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed in force whose token this is, for an active person; None for an unknown or revoked token."""
    feed = (
        CalendarFeed.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .select_related("person__company")
        .first()
    )
    return feed if feed is not None and is_signed_in(feed.person) else None


def calendar_items(*, person: User) -> list[TrackedItem]:
    """The open items with a date the person follows: their company's, or every company's for the regulator."""
    if is_regulator(person):
        dated = Q(due_on__isnull=False) | Q(window_end__isnull=False)
        open_items = [
            *implementations(user=person).exclude(status=ItemStatus.DONE).filter(dated),
            *incidents(user=person).exclude(status=ItemStatus.DONE).filter(dated),
        ]
        return open_items
    own_implementations, own_incidents = own_open_items(user=person)
    return [item for item in [*own_implementations, *own_incidents] if item.has_dates]


# iCalendar --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One all-day event of the feed."""

    uid: str
    day: datetime.date
    summary: str
    description: str
    url: str


def escape_text(value: str) -> str:
    """Text as an iCalendar TEXT value: backslash, semicolon and comma escaped, line breaks as `\\n`."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded into lines of at most 75 octets, never inside a UTF-8 character."""
    parts, current, size, limit = [], [], 0, LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            # A continuation line starts with a space, which counts towards its 75 octets.
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def item_title(item: TrackedItem) -> str:
    """The item as the pages name it, without the date the event already stands on: what, by whom, then the code."""
    return item_name_text(item, dated=False)


def item_events(item: TrackedItem) -> list[Event]:
    """The item's events: its due date and the end of its window, whichever it has."""
    site = settings.SITE_URL.rstrip("/")
    host = urlsplit(site).hostname or "localhost"
    title = item_title(item)
    text = item.measure.text if item.item_kind == "implementation" else (item.summary or "")
    text = f"{item_name_text(item)}\n\n{text}" if text else item_name_text(item)
    dates = [
        ("due", item.due_on, _("Due: %(item)s")),
        ("window-end", item.window_end, _("Window ends: %(item)s")),
    ]
    return [
        Event(
            uid=f"{item.item_kind}-{item.pk}-{which}@{host}",
            day=day,
            summary=label % {"item": title},
            description=text[:DESCRIPTION_CHARS],
            url=site + item.get_tracking_url(),
        )
        for which, day, label in dates
        if day is not None
    ]


def ical_date(day: datetime.date) -> str:
    """A DATE value, 20310331: four digits of year whatever the year (strftime drops leading zeros)."""
    return day.isoformat().replace("-", "")


def event_lines(event: Event, stamp: str) -> list[str]:
    """The content lines of one event."""
    return [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{ical_date(event.day)}",
        # The day after; none after the last day there is (an all-day event without an end lasts its one day).
        *([f"DTEND;VALUE=DATE:{ical_date(event.day + DAY)}"] if event.day < datetime.date.max else []),
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        f"URL;VALUE=URI:{event.url}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar_text(items: Iterable[TrackedItem], *, name: str) -> str:
    """The iCalendar document of the items' dates, in the active language."""
    stamp = clock.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    events = sorted((event for item in items for event in item_events(item)), key=lambda e: (e.day, e.uid))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Compliance case tracker//Calendar feed//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
        *(line for event in events for line in event_lines(event, stamp)),
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
