"""Sign-in lockout that cannot be turned against someone (django-axes, configured in settings).

- Failures are counted per account *and* address: guessing someone's password from elsewhere locks that address
  out of that account, not the person at their own desk.
- The delay grows: the first lock lasts a minute, and it doubles with every further failure from that address, up
  to a day.
- A verified second factor, or a regulator administrator's unlock, ends a lock at once (compliance/second_factor.py).
- A known device (a browser that completed both factors for that account before, remembered by a signed cookie)
  waits only the first delay, however long the lock has grown: someone hammering from the same office address
  cannot keep the person out of their own browser for more than a minute at a time. We chose this over exempting
  known devices altogether, so that a stolen cookie still buys no unlimited guessing.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import TYPE_CHECKING

from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Sum

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from compliance.models import User

FIRST_DELAY = datetime.timedelta(minutes=1)
LONGEST_DELAY = datetime.timedelta(days=1)
KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_SALT = "compliance.lockout.known-device"
KNOWN_DEVICE_DAYS = 180


def attempted_username(request: HttpRequest) -> str:
    """The account a sign-in tries: the form's field, or HTTP Basic's user."""
    request = getattr(request, "_request", request)
    username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "") if request.method == "POST" else ""
    if username:
        return username
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return base64.b64decode(credentials, validate=True).decode().partition(":")[0]
    except (binascii.Error, UnicodeDecodeError):
        return ""


def failures(username: str, ip_address: str | None) -> int:
    """Failed sign-ins still on record for this account from this address."""
    attempts = AccessAttempt.objects.filter(username=username, ip_address=ip_address)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_delay(request: HttpRequest | None) -> datetime.timedelta:
    """How long the lock of this request's account and address lasts (axes' AXES_COOLOFF_TIME)."""
    if request is None:
        return LONGEST_DELAY
    username = attempted_username(request)
    if not username or is_known_device(request, username):
        return FIRST_DELAY
    beyond_limit = max(0, failures(username, getattr(request, "axes_ip_address", None)) - settings.AXES_FAILURE_LIMIT)
    return min(FIRST_DELAY * 2 ** min(beyond_limit, 20), LONGEST_DELAY)


def is_known_device(request: HttpRequest, username: str) -> bool:
    """True when the browser carries this account's known-device cookie, signed by us and not expired."""
    request = getattr(request, "_request", request)
    value = request.COOKIES.get(KNOWN_DEVICE_COOKIE, "")
    try:
        remembered = signing.loads(value, salt=KNOWN_DEVICE_SALT, max_age=datetime.timedelta(days=KNOWN_DEVICE_DAYS))
    except signing.BadSignature:
        return False
    return remembered == username


def remember_device(response: HttpResponse, user: User) -> None:
    """Mark this browser as a known device of `user` (after both factors)."""
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(user.get_username(), salt=KNOWN_DEVICE_SALT),
        max_age=KNOWN_DEVICE_DAYS * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
