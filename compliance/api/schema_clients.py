"""The OpenAPI schema made for the programs that generate clients from it (openapi-python-client, openapi-generator).

Generators name a type after an enum's or an object's `title`, and our titles are the fields' Japanese labels: a
client got modules named `implementations_list_状況.py`. So, in one postprocessing hook (`made_for_generators`):
- an enum is named in English: a query parameter's enum is the component enum with the same values (`ItemStatusEnum`),
  or loses its title (the generator then names it after the operation and the parameter); every enum gets
  `x-enum-varnames` (English, from the values) and keeps its Japanese labels as `x-enum-descriptions`;
- a file download answers `application/octet-stream` first, so a generated client reads its bytes, not text.

And in the schema class (`ClientSchema`): operation ids that read as function names (`progress_updates_accept`, not
`progress_updates_accept_create`), and no description taken from a base class written for the code's readers.
"""

from __future__ import annotations

import re

from drf_spectacular.plumbing import get_lib_doc_excludes

from compliance.api.model_serializers import ColumnsReadOnce
from compliance.api.schema import ApiAutoSchema
from compliance.api.writes import InputSerializer

OCTET_STREAM = "application/octet-stream"
STANDARD_ACTIONS = frozenset({"list", "create", "retrieve", "update", "partial_update", "destroy", "metadata"})
CHOICE_LINE = re.compile(r"^\* `(?P<value>[^`]*)` - (?P<label>.*)$")


class ClientSchema(ApiAutoSchema):
    """The API's operations (`ApiAutoSchema`), an extra action's operation id named after the action alone."""

    def get_operation_id(self) -> str:
        operation_id = super().get_operation_id()
        action = getattr(self.view, "action", None)
        if action in STANDARD_ACTIONS or action is None:
            return operation_id
        methods = getattr(getattr(self.view, action, None), "mapping", {})
        if len(methods) != 1:
            return operation_id  # one action, several methods: the method's word tells them apart
        return operation_id.rsplit("_", 1)[0]  # `…_accept_create` → `…_accept`


def internal_doc_excludes() -> list[type]:
    """Base classes whose docstrings explain the code, not the API: a serializer does not inherit them as its
    description (SPECTACULAR_SETTINGS["GET_LIB_DOC_EXCLUDES"])."""
    return [*get_lib_doc_excludes(), ColumnsReadOnce, InputSerializer]


def made_for_generators(result: dict, generator, request, public: bool) -> dict:
    """Enums named in English and downloads readable as bytes, across the whole schema."""
    schemas = result.get("components", {}).get("schemas", {})
    enum_refs = {frozenset(schema["enum"]): name for name, schema in schemas.items() if "enum" in schema}
    for schema in schemas.values():
        for found in _enums_in(schema):
            _name_enum_values(found)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _name_parameter_enum(parameter, enum_refs)
            for response in operation.get("responses", {}).values():
                _download_as_bytes(response)
    return result


def _enums_in(schema: dict):
    """Every schema with an enum inside `schema`, itself included."""
    if not isinstance(schema, dict):
        return
    if "enum" in schema:
        yield schema
    for child in schema.get("properties", {}).values():
        yield from _enums_in(child)
    for key in ("items", "additionalProperties"):
        yield from _enums_in(schema.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for child in schema.get(key, []):
            yield from _enums_in(child)


def _name_enum_values(schema: dict) -> None:
    """English names for the values (`in_progress` → `IN_PROGRESS`), the Japanese labels beside them."""
    schema.pop("title", None)
    values = [value for value in schema["enum"] if value is not None]
    if not values:
        return  # `null` alone needs no name
    schema["x-enum-varnames"] = [enum_varname(value) for value in values]
    labels = _labels(schema.get("description", ""))
    if labels:
        schema["x-enum-descriptions"] = [labels.get(str(value), "") for value in values]


def _name_parameter_enum(parameter: dict, enum_refs: dict[frozenset, str]) -> None:
    schema = parameter.get("schema", {})
    if "enum" not in schema:
        return
    shared = enum_refs.get(frozenset(schema["enum"]))
    if shared is not None:
        parameter["schema"] = {"$ref": f"#/components/schemas/{shared}"}
    else:
        _name_enum_values(schema)


def _download_as_bytes(response: dict) -> None:
    """A response whose content is a file (no JSON among its types) offers `application/octet-stream` first."""
    content = response.get("content")
    if not content or OCTET_STREAM in content or any("json" in media_type for media_type in content):
        return
    response["content"] = {OCTET_STREAM: {"schema": {"type": "string", "format": "binary"}}, **content}


def enum_varname(value: object) -> str:
    """An identifier for an enum value in any language: upper case, `_` for anything else, never a leading digit."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", str(value)).strip("_").upper() or "BLANK"
    return f"V_{name}" if name[0].isdigit() else name


def _labels(description: str) -> dict[str, str]:
    """The labels drf-spectacular lists in an enum's description (`* \\`open\\` - 対応中`), by value."""
    return {m["value"]: m["label"] for line in description.splitlines() if (m := CHOICE_LINE.match(line.strip()))}
