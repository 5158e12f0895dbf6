"""Services called from the API: their refusals answered as the API answers them."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from compliance.api.conditional import PreconditionFailed
from compliance.audit import access_log_denied
from compliance.versioning import ConflictError


def run_service(request, call: Callable[[], object], denied_type: str = "", denied_id: object = "") -> object:
    """Run a service; its refusals become API answers: 400 invalid, 412 stale version, 404 out of scope or gone."""
    try:
        return call()
    except ConflictError as conflict:
        raise PreconditionFailed(str(conflict)) from None
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        raise serializers.ValidationError(detail) from None
    except ObjectDoesNotExist:
        # The record was removed by another request after this one found it (the service locks it again): it is
        # no longer there, as if it had not been found.
        raise NotFound from None
    except PermissionDenied:
        access_log_denied(request=request, object_type=denied_type, object_id=f"pk={denied_id}")
        raise NotFound from None
