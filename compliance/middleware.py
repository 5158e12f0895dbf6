"""Sign-in everywhere, a second factor for those who need one, attempts logged at the edge, a log line per request,
and the site's own error pages under DEBUG too."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import ResolverMatch, reverse
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from compliance import clock, second_factor
from compliance.api import errors
from compliance.api.errors import request_too_large
from compliance.audit import access_log_denied, access_log_options, reads_gather, reads_write, request_logged
from compliance.size_limits import declared_size, request_size_limit

request_log = logging.getLogger("compliance.requests")
error_log = logging.getLogger("django.request")

# The API authenticates each request itself (tokens or session) and answers 401/403, never a redirect.
API_PREFIX = "/api/"


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in person, except those marked `login_not_required` and the API."""

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SecondFactorMiddleware:
    """Send a signed-in person who still owes a second factor to verify it (or to set one up)."""

    EXEMPT_VIEW_NAMES = frozenset({"accounts:otp_verify", "accounts:otp_setup", "accounts:logout", "set_language"})

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        # The API enforces the same rule in its authentication (compliance/api/authentication.py).
        if request.path.startswith(API_PREFIX) or second_factor.session_may_act(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.EXEMPT_VIEW_NAMES:
            return None
        from django_otp import user_has_device

        target = "accounts:otp_verify" if user_has_device(request.user) else "accounts:otp_setup"
        return redirect_to_login(request.get_full_path(), login_url=reverse(target))


class AccessAttemptMiddleware:
    """Log the attempts of a signed-in person that read no record, and so wrote nothing to the access log themselves.

    Anything under the admin by someone it does not admit (it answers with its own sign-in page, not 404); and on a
    page or an endpoint behind sign-in, OPTIONS (answered without looking any record up) and a method the URL does
    not allow (405, answered before any lookup). One place for pages, the API and the admin: the API's token is
    authenticated inside the view, so the person is known here only once the response is made.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated or request_logged(request):
            return response
        object_type = f"page:{match.view_name}"
        object_id = ",".join(f"{key}={value}" for key, value in sorted(match.kwargs.items()))
        if "admin" in match.namespaces and not admin.site.has_permission(request):
            access_log_denied(request=request, object_type=object_type, object_id=object_id)
        elif _behind_sign_in(match) and request.method == "OPTIONS":
            access_log_options(request=request, object_type=object_type, object_id=object_id)
        elif _behind_sign_in(match) and response.status_code == 405:
            access_log_denied(request=request, object_type=object_type, object_id=object_id)
        return response


class AccessReadsMiddleware:
    """One access-log entry per request that reads private data, naming every record it read.

    Views log their reads as they make them (`compliance.guards`); they are gathered on the request and written as
    one entry when the response is made, an error response too. Inside `AccessAttemptMiddleware`, which then sees
    that the request wrote to the log.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reads_gather(request)
        try:
            return self.get_response(request)
        finally:
            reads_write(request)


def _behind_sign_in(match: ResolverMatch) -> bool:
    """Whether the URL needs a signed-in person: all but the public portal, signing in, the language and the probes."""
    view_class = getattr(match.func, "cls", None)
    if view_class is not None and issubclass(view_class, APIView):
        # The API marks every view `login_required = False` and authenticates inside it: its permissions tell.
        initkwargs = getattr(match.func, "initkwargs", {})
        permissions = initkwargs.get("permission_classes", view_class.permission_classes)
        return any(permission is not AllowAny for permission in permissions)
    return getattr(match.func, "login_required", True)


class OneDayMiddleware:
    """A request works on one day throughout, the day it arrived on (see `compliance.clock`)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with clock.one_day():
            return self.get_response(request)


class RequestLogMiddleware:
    """One log line per request: method, path, status, time taken and who (its request id added by the filter)."""

    QUIET_PATHS = frozenset({"/healthz", "/readyz"})

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        if request.path not in self.QUIET_PATHS:
            milliseconds = round((time.monotonic() - started) * 1000)
            user = getattr(request, "user", None)
            request_log.info(
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                milliseconds,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": milliseconds,
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
        return response


class RequestSizeLimitMiddleware:
    """Refuse with 413 a request larger than any the product takes, before a byte of its body is read or stored."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        size, limit = declared_size(request), request_size_limit(request)
        if size > limit:
            return request_too_large(request, size, limit)
        return self.get_response(request)


class ErrorPagesMiddleware:
    """The site's own 404 and 500 pages under DEBUG too, instead of Django's technical ones.

    With DEBUG off, Django serves them itself (`handler404`, `handler500`; 403 and 400 always). With DEBUG on, as in
    `make run`'s demo, Django would answer a missing page with a list of every URL pattern and an error with its
    traceback: a person trying the demo gets the pages a deployment shows. The error is still logged with its
    traceback on the console. DEBUG_TECHNICAL_ERROR_PAGES=True gives a developer Django's pages back.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        return settings.DEBUG and not settings.DEBUG_TECHNICAL_ERROR_PAGES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No view matched the address: Django's page would list the URL patterns it tried.
        if response.status_code == 404 and request.resolver_match is None and self._active():
            return errors.not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not self._active() or isinstance(exception, PermissionDenied | BadRequest | SuspiciousOperation):
            return None  # Django's own handling: the site's 403 and 400 pages whatever DEBUG says
        if isinstance(exception, Http404):
            return errors.not_found(request, exception)
        # As Django does for an uncaught error: the signal, and the traceback in the log.
        got_request_exception.send(sender=None, request=request)
        error_log.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
            extra={"status_code": 500, "request": request},
        )
        return errors.server_error(request)
