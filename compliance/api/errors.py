"""Every API error as RFC 9457 problem details, in the language of the request.

`{"type", "title", "status", "detail", "instance", "code"}`, and for invalid input an `errors` object of
field → messages. The media type is `application/problem+json`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import exception_handler

from compliance.size_limits import too_large_message

PROBLEM_MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: _("The request is not valid"),
    401: _("Authentication is needed"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    412: _("The record changed"),
    413: _("Too large"),
    415: _("Unsupported media type"),
    428: _("If-Match is needed"),
    429: _("Too many requests"),
    500: _("Server error"),
}


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = _("The request is too large.")
    default_code = "too_large"


def _api_exception(exc: Exception) -> Exception:
    """Django's refusals as the API's own: 404, 403, and a body too large (413) or with too many parts (400)."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(too_large_message(None, settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return exceptions.ParseError(_("The form has more fields or files than this site accepts."))
    return exc


def problem_details_handler(exc: Exception, context: dict):
    """DRF's handling, with its body rewritten as problem details."""
    exc = _api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    response.data = problem(exc, response.status_code, response.data, request.path if request else "")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format == "json":
        response.content_type = PROBLEM_MEDIA_TYPE
    return response


def problem(exc: Exception, status: int, data: object, instance: str) -> dict:
    """The problem-details body of one error."""
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status, _("Error"))),
        "status": status,
        "detail": _detail(exc, data),
        "instance": instance,
        "code": _code(exc),
    }
    if isinstance(exc, exceptions.ValidationError):
        body["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
    return body


def _detail(exc: Exception, data: object) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return str(_("Some fields are not valid: see `errors`."))
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])
    return str(exc)


def _code(exc: Exception) -> str:
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    return codes if isinstance(codes, str) else "invalid"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL no view matches: problem details under /api/, the site's page elsewhere."""
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    body = problem(exceptions.NotFound(), 404, {"detail": exceptions.NotFound.default_detail}, request.path)
    return JsonResponse(body, status=404, content_type=PROBLEM_MEDIA_TYPE, json_dumps_params={"ensure_ascii": False})


def server_error(request: HttpRequest) -> HttpResponse:
    """500: problem details under /api/, the site's page elsewhere; the error itself is logged by Django."""
    if not _is_api(request):
        return defaults.server_error(request)
    error = exceptions.APIException(_("Something went wrong on our side. It has been logged."))
    body = problem(error, 500, {"detail": error.detail}, request.path)
    return JsonResponse(body, status=500, content_type=PROBLEM_MEDIA_TYPE, json_dumps_params={"ensure_ascii": False})


def request_too_large(request: HttpRequest, size: int, limit: int) -> HttpResponse:
    """413 for a request refused before its body is read: problem details under /api/, plain text elsewhere."""
    message = too_large_message(size, limit)
    if not _is_api(request):
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    body = problem(PayloadTooLarge(message), 413, {"detail": message}, request.path)
    return JsonResponse(body, status=413, content_type=PROBLEM_MEDIA_TYPE, json_dumps_params={"ensure_ascii": False})
