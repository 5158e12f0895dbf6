"""Single sign-on for organisations: OpenID Connect (mozilla-django-oidc), off unless OIDC_ENABLED.

The provider's verified mail address names a person the regulator created: the provider never creates anyone,
and a mail address shared by two people signs in neither. Where the regulator trusts it (OIDC_TRUSTED_AMR,
OIDC_TRUSTED_ACR), the provider's multi-factor sign-in counts as this session's second factor; otherwise the
person still gives a code of their authenticator app after signing in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from compliance.audit import access_log_sign_in
from compliance.lockout import remember_device
from compliance.models.audit import AccessAction
from compliance.second_factor import SSO_SECOND_FACTOR_SESSION_KEY

SUBJECT = "single sign-on"


def provider_vouches_for_second_factor(claims: dict) -> bool:
    """True when the ID token says the person signed in with several factors, in a way the regulator trusts."""
    methods = claims.get("amr") or []
    trusted_method = bool(set(settings.OIDC_TRUSTED_AMR) & set(methods if isinstance(methods, list) else []))
    return trusted_method or (bool(claims.get("acr")) and claims.get("acr") in settings.OIDC_TRUSTED_ACR)


class PeopleOfTheRegulatorBackend(OIDCAuthenticationBackend):
    """Signs in an active person whose mail address the provider has verified; never creates a person."""

    def filter_users_by_claims(self, claims: dict):
        people = get_user_model().objects.filter(is_active=True)
        email = (claims.get("email") or "").strip()
        if not email or claims.get("email_verified") is not True:
            return people.none()
        return people.filter(email__iexact=email)

    def create_user(self, claims: dict):
        return None  # OIDC_CREATE_USER is off as well: only the regulator adds people

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            user.sso_second_factor = provider_vouches_for_second_factor(payload)
        return user


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back: signed in, logged, and the second factor counted if trusted."""

    def login_success(self):
        response = super().login_success()
        if getattr(self.user, "sso_second_factor", False):
            self.request.session[SSO_SECOND_FACTOR_SESSION_KEY] = True
            access_log_sign_in(request=self.request, user=self.user, action=AccessAction.SECOND_FACTOR, subject=SUBJECT)
            remember_device(response, self.user)
        return response

    def login_failure(self):
        access_log_sign_in(request=self.request, user=None, action=AccessAction.SIGN_IN_FAILED, subject=SUBJECT)
        return super().login_failure()


def _enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404


@login_not_required
def sso_start(request: HttpRequest) -> HttpResponse:
    """Send the person to the organisation's provider."""
    _enabled()
    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
def sso_callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer."""
    _enabled()
    return SignInCallbackView.as_view()(request)
