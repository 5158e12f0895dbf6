"""Writes in the API for regulator staff: POST, PATCH and DELETE on case records, each through one service.

Anyone else gets 404, exactly as for a record out of their scope, and the attempt is logged. A service's
refusal answers 400 with field errors. Every record written here has a version, served as its ETag: a change or a
removal names it in `If-Match` (428 without it), and the service refuses it, under a lock of the row, once the record
has moved on (412). A change that changes nothing keeps the version.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.relations import MANY_RELATION_KWARGS
from rest_framework.response import Response

from compliance.api.conditional import ETagRetrieveMixin, expected_version
from compliance.api.fields import CodeTextField, JapaneseDateField, TextField, TrueOrFalseField
from compliance.api.scoping import RegulatorOnly
from compliance.api.services import run_service
from compliance.guards import log_reads

WRITE_ACTIONS = frozenset({"create", "partial_update", "destroy"})
SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")


NOT_AN_ID = _("Give the record's code, as text: a record with a code is never named by its id.")


def is_an_id(data: object) -> bool:
    return isinstance(data, int) and not isinstance(data, bool)


class CodeRelatedField(serializers.SlugRelatedField):
    """A relation given by the code of the related record (`kansai-td`), as the read side shows it (never its id:
    `compliance.api.lookups`)."""

    default_error_messages = {"blank": _("Give a code, or null for none."), "id": NOT_AN_ID}

    def __init__(self, **kwargs) -> None:
        super().__init__(slug_field="code", **kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS})
        return ListOnly(**list_kwargs)

    def run_validation(self, data=serializers.empty):
        # DRF reads "" as null for a relation; JSON can say null, so "" is a code that cannot exist.
        if data == "":
            self.fail("blank")
        return super().run_validation(data)

    def to_internal_value(self, data):
        # Only what could be a code reaches the database (a NUL character would not even reach it).
        if is_an_id(data):
            self.fail("id")
        if not isinstance(data, str) or not SLUG.match(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data)[:100])
        return super().to_internal_value(data)


class CodeWithinField(TextField):
    """The code of a record whose code is unique within another (a finding's, within its case): the serializer
    finds the record with `record_by_codes`, from this code and the codes beside it (`case`)."""

    default_error_messages = {"id": NOT_AN_ID}

    def to_internal_value(self, data: object) -> str:
        if is_an_id(data):
            self.fail("id")
        return super().to_internal_value(data)


def record_by_codes(queryset: models.QuerySet, field: str, **codes: str) -> models.Model:
    """The record the codes in a body name (`finding__case__code`, `finding__code`, `code`), or a 400 on `field`
    that names the key it looked for (`ppc-2024/td-9`)."""
    if all(isinstance(code, str) and SLUG.match(code) for code in codes.values()):
        try:
            return queryset.get(**codes)
        except queryset.model.DoesNotExist:
            pass
    key = "/".join(smart_str(code)[:100] for code in codes.values())
    message = _("There is no %(record)s %(key)s.") % {"record": queryset.model._meta.verbose_name, "key": key}
    raise serializers.ValidationError({field: [message]})


class ListOnly(serializers.ManyRelatedField):
    """A to-many relation given as a JSON list (DRF would take the keys of an object as the list)."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A relation given by the id of the related record, as a JSON number (not as text)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class InputSerializer(serializers.ModelSerializer):
    """What regulator staff send to create or change a record: the model's fields, dates as Japanese users type them.

    Uniqueness across fields is left to the service, which validates the whole record.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: JapaneseDateField,
        models.CharField: TextField,
        models.TextField: TextField,
        models.SlugField: CodeTextField,
        models.BooleanField: TrueOrFalseField,
    }

    class Meta:
        validators: list = []


def _field_errors(error: DjangoValidationError) -> DjangoValidationError:
    """A service's errors with the record-wide ones named as the API names them (`non_field_errors`)."""
    if hasattr(error, "error_dict") and NON_FIELD_ERRORS in error.error_dict:
        errors = dict(error.error_dict)
        errors["non_field_errors"] = errors.pop(NON_FIELD_ERRORS)
        return DjangoValidationError(errors)
    return error


def run_write(request, call: Callable[[], object]) -> object:
    """Run a service as `run_service` does (400, 412, 404), record-wide errors under `non_field_errors`."""

    def translated() -> object:
        try:
            return call()
        except DjangoValidationError as error:
            raise _field_errors(error) from None

    return run_service(request, translated, f"api:{request.resolver_match.view_name}")


class RegulatorWritesMixin(ETagRetrieveMixin):
    """POST (create), PATCH (partial update) and DELETE for regulator staff, each through a service.

    A viewset names its input serializers and implements `create_record`, `update_record` and, where records may
    be removed, `delete_record`. Its records carry a version, served as their ETag: PATCH and DELETE need `If-Match`
    (the service checks it); a create does not.
    """

    create_input: type[serializers.Serializer] | None = None
    update_input: type[serializers.Serializer] | None = None
    # Writes that need no If-Match (read by the schema's hook): they name no record that exists already.
    unconditional_actions = frozenset({"create"})

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # The description `write_schema` gave a mixin goes on each viewset built with it (a view, with a `schema`).
        operations = getattr(cls, "write_operations", None)
        if operations and hasattr(cls, "schema"):
            extend_schema_view(**operations)(cls)

    def get_permissions(self):
        if self.action in WRITE_ACTIONS:
            return [IsAuthenticated(), RegulatorOnly()]
        return super().get_permissions()

    def write_input(self, serializer_class, request, *, partial: bool = False) -> dict:
        payload = serializer_class(data=request.data, partial=partial, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        return dict(payload.validated_data)

    def answer(self, record: models.Model, status_code: int) -> Response:
        """The record as the read side shows it, with its ETag."""
        shown = log_reads(self.request, [self.get_queryset().get(pk=record.pk)])[0]
        headers = {"ETag": shown.etag} if shown.etag is not None else {}
        return Response(self.get_serializer(shown).data, status=status_code, headers=headers)

    def create(self, request, *args, **kwargs):
        values = self.write_input(self.create_input, request)
        record = run_write(request, lambda: self.create_record(request.user, values))
        return self.answer(record, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        version = expected_version(request)  # 428 without it, whatever the body says (it is checked below)
        values = self.write_input(self.update_input, request, partial=True)
        changed = run_write(request, lambda: self.update_record(request.user, record, values, version))
        return self.answer(changed, status.HTTP_200_OK)

    def create_record(self, actor, values: dict) -> models.Model:
        raise NotImplementedError

    def update_record(self, actor, record: models.Model, values: dict, version: int) -> models.Model:
        """Change the record through its service, at `version` (the service refuses any other)."""
        raise NotImplementedError


class KeptByOthers(APIException):
    """409: the record cannot be removed as it stands (other records depend on it); the detail says which."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The record cannot be removed while other records depend on it.")
    default_code = "conflict"

    @classmethod
    def refusing(cls, errors: dict | list) -> KeptByOthers:
        """The service's reasons, as one detail."""
        reasons = errors.values() if isinstance(errors, dict) else [errors]
        return cls(" ".join(str(message) for messages in reasons for message in messages))


class RegulatorDeleteMixin:
    """DELETE for regulator staff through the viewset's `delete_record` service, with If-Match set to the ETag."""

    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        version = expected_version(request)
        try:
            run_write(request, lambda: self.delete_record(request.user, record, version))
        except serializers.ValidationError as refusal:
            raise KeptByOthers.refusing(refusal.detail) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    def delete_record(self, actor, record: models.Model, version: int) -> None:
        """Remove the record through its service, at `version` (the service refuses any other)."""
        raise NotImplementedError


def write_schema(*, read, create=None, update=None, delete: bool = False, created: str = "", updated: str = ""):
    """What a viewset's writes take (`create`, `update`: the input serializers they validate) and answer, and their
    OpenAPI description, on a viewset or on its mixin."""
    operations = {}
    if create is not None:
        operations["create"] = extend_schema(request=create, responses={201: read}, description=created)
    if update is not None:
        operations["partial_update"] = extend_schema(request=update, responses={200: read}, description=updated)
    if delete:
        operations["destroy"] = extend_schema(request=None, responses={204: None})

    def decorate(cls):
        if create is not None:
            cls.create_input = create
        if update is not None:
            cls.update_input = update
        if hasattr(cls, "schema"):
            return extend_schema_view(**operations)(cls)
        cls.write_operations = operations
        return cls

    return decorate
