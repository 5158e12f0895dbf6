"""API tokens: minted only by a person who has proven both factors, at most a set number each, every one logged."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from knox.models import AuthToken

from compliance import clock, second_factor
from compliance.audit import access_log_sign_in
from compliance.models.audit import AccessAction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from compliance.models import User


class TokenRefused(PermissionDenied):
    """A token that may not be made: a second factor missing or wrong, or too many tokens held."""


def live_tokens(user: User):
    """The person's tokens that have not expired."""
    return AuthToken.objects.filter(user=user, expiry__gt=clock.now())


def api_token_create(*, request: HttpRequest, user: User, session_verified: bool, code: str = "") -> tuple:
    """Make a token for `user`: (the stored token, the token itself, shown once).

    A person who owes a second factor needs a session that verified it, or a current code with the password.
    """
    if second_factor.needs_second_factor(user) and not session_verified:
        if not code:
            raise TokenRefused(_("Give the current code of your authenticator app as “code”."))
        if second_factor.code_check(request=request, user=user, code=code) is None:
            raise TokenRefused(_("That code is not valid. Try the current one."))
    limit = settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]
    if live_tokens(user).count() >= limit:
        raise TokenRefused(_("You hold %(limit)s tokens already: revoke one first.") % {"limit": limit})
    instance, token = AuthToken.objects.create(user=user, expiry=settings.REST_KNOX["TOKEN_TTL"])
    access_log_sign_in(request=request, user=user, action=AccessAction.TOKEN_CREATED, subject=instance.token_key)
    return instance, token


def api_token_revoke(*, request: HttpRequest, token: AuthToken) -> None:
    """Revoke one of the person's tokens, logged."""
    key = token.token_key
    token.delete()
    access_log_sign_in(request=request, user=token.user, action=AccessAction.TOKEN_REVOKED, subject=key)
