"""How the API knows who is asking: a token, or a browser session that has verified its second factor."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from compliance import second_factor
from compliance.audit import access_log_denied


class SecondFactorRequired(exceptions.NotAuthenticated):
    """A session whose person owes a second factor it has not verified."""

    default_detail = _("Verify your second factor in this session first, or use an API token.")
    default_code = "second_factor_required"


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session (with its CSRF check), refused while its person owes a second factor not yet verified."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and not second_factor.session_may_act(request._request):
            access_log_denied(request=request._request, object_type="auth", object_id="second factor")
            raise SecondFactorRequired()
        return result


class VerifiedSessionScheme(SessionScheme):
    """The session as the OpenAPI schema describes it: the same cookie as Django's own session."""

    target_class = VerifiedSessionAuthentication
