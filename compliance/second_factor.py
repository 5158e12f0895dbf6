"""The second factor: who must use one, whether a session has, and the logged events of checking and enrolling.

One policy for pages and API: a person who must use a second factor reaches nothing private, by session or by
token, until that session has verified it (a TOTP code, or the single sign-on provider's multi-factor sign-in
where the regulator trusts it). Tokens are minted only by such a session, or by the password with a current code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance.access import is_regulator, is_regulator_admin, is_signed_in
from compliance.audit import access_log_sign_in
from compliance.models.audit import AccessAction

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest
    from django_otp.models import Device

    from compliance.models import User

# Set in the session when the single sign-on provider vouched for a multi-factor sign-in (compliance/sso.py).
SSO_SECOND_FACTOR_SESSION_KEY = "sso_second_factor"


def needs_second_factor(user: User | AnonymousUser | None) -> bool:
    """A person with a confirmed device must use it; regulator staff must have one when the setting says so."""
    if not is_signed_in(user):
        return False
    return user_has_device(user, confirmed=True) or (settings.OTP_REQUIRED_FOR_REGULATOR and is_regulator(user))


def has_verified_second_factor(request: HttpRequest) -> bool:
    """True when this session has verified a second factor (a code, or the provider's multi-factor sign-in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_verified", lambda: False)():
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SSO_SECOND_FACTOR_SESSION_KEY))


def session_may_act(request: HttpRequest) -> bool:
    """True when the signed-in person of this session has verified a second factor, or owes none."""
    return has_verified_second_factor(request) or not needs_second_factor(request.user)


def code_check(*, request: HttpRequest, user: User, code: str) -> Device | None:
    """The person's confirmed device that accepts `code`, logged either way; a good code ends a lockout."""
    device = match_token(user, code) if code else None
    if device is None:
        access_log_sign_in(request=request, user=user, action=AccessAction.CODE_FAILED)
        return None
    access_log_sign_in(request=request, user=user, action=AccessAction.SECOND_FACTOR, subject=device.name)
    axes_reset(username=user.get_username())
    return device


def may_enrol_device(request: HttpRequest) -> bool:
    """A new authenticator may be added by a person who has none yet, or by a session that verified one."""
    return not user_has_device(request.user, confirmed=True) or has_verified_second_factor(request)


def pending_device(user: User) -> TOTPDevice:
    """The person's authenticator being set up (made now if there is none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def device_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Confirm a device being set up with its first code; logged, and refused unless enrolling is allowed."""
    if not may_enrol_device(request):
        raise PermissionDenied("a second factor is already set up: verify it first")
    if not device.verify_token(code):
        access_log_sign_in(request=request, user=device.user, action=AccessAction.CODE_FAILED, subject="setup")
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    access_log_sign_in(request=request, user=device.user, action=AccessAction.DEVICE_ADDED, subject=device.name)
    return True


@transaction.atomic
def second_factor_reset(*, actor: User, person: User, request: HttpRequest | None = None) -> int:
    """A regulator administrator removes a person's authenticators (a lost phone); the person sets up a new one."""
    if not is_regulator_admin(actor):
        raise PermissionDenied("only regulator administrators reset a second factor")
    removed = 0
    for device in devices_for_user(person, confirmed=None):
        device.delete()
        removed += 1
    access_log_sign_in(request=request, user=actor, action=AccessAction.DEVICE_RESET, subject=person.get_username())
    return removed


def sign_in_unlock(*, actor: User, person: User, request: HttpRequest | None = None) -> int:
    """A regulator administrator ends a person's lockout at once, from every address."""
    if not is_regulator_admin(actor):
        raise PermissionDenied("only regulator administrators unlock a sign-in")
    cleared = axes_reset(username=person.get_username())
    access_log_sign_in(request=request, user=actor, action=AccessAction.UNLOCKED, subject=person.get_username())
    return cleared
