"""The committed schema as client generators read it: what broke openapi-python-client and openapi-generator before.

`make clients` runs both generators on it; these checks name the rule each of their failures came from.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from compliance.api.schema_clients import enum_varname

SCHEMA = yaml.safe_load((Path(__file__).resolve().parents[1] / "openapi" / "schema.yaml").read_text("utf-8"))
OPERATIONS = [
    (path, method, operation)
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
    if method in {"get", "post", "put", "patch", "delete"}
]
ASCII_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\Z")


def schemas_within(schema):
    if isinstance(schema, dict):
        yield schema
        for value in schema.values():
            yield from schemas_within(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from schemas_within(value)


def test_every_request_body_has_one_media_type_json_unless_files_go():
    for path, method, operation in OPERATIONS:
        content = operation.get("requestBody", {}).get("content", {})
        if not content:
            continue
        assert len(content) == 1, (method, path, list(content))
        (media_type,) = content
        assert media_type in {"application/json", "multipart/form-data"}, (method, path, media_type)
        if media_type == "multipart/form-data":
            body = str(content[media_type])
            component = body.split("/")[-1].rstrip("'}") if "$ref" in body else ""
            fields = SCHEMA["components"]["schemas"].get(component, content[media_type]["schema"])
            assert "binary" in str(fields), f"{method} {path}: a form without a file should be JSON"


def test_every_file_download_offers_octet_stream_first():
    downloads = 0
    for path, method, operation in OPERATIONS:
        for status, response in operation["responses"].items():
            content = response.get("content", {})
            if content and not any("json" in media_type for media_type in content):
                downloads += 1
                assert next(iter(content)) == "application/octet-stream", (method, path, status)
    assert downloads >= 2  # the evidence file and the case file


def test_every_enum_has_english_names_and_no_title_to_name_a_type_after():
    enums = [s for s in schemas_within(SCHEMA) if "enum" in s and any(v is not None for v in s["enum"])]
    assert enums
    for enum in enums:
        assert "title" not in enum, enum
        assert all(ASCII_NAME.match(name) for name in enum["x-enum-varnames"]), enum
        assert len(enum["x-enum-varnames"]) == len([v for v in enum["enum"] if v is not None])


def test_no_schema_title_that_a_generator_could_name_a_type_after_is_in_japanese():
    for schema in schemas_within(SCHEMA["components"]["schemas"]):
        if schema.get("type") == "object" or "enum" in schema:
            assert schema.get("title", "").isascii(), schema["title"]


def test_operation_ids_read_as_function_names():
    ids = [operation["operationId"] for _path, _method, operation in OPERATIONS]
    assert len(ids) == len(set(ids))
    assert all(ASCII_NAME.match(operation_id) for operation_id in ids)
    assert "progress_updates_request_info" in ids and "evidence_download" in ids
    assert not [i for i in ids if re.search(r"_(accept|request_info|approve|refuse|download|export|import)_", i)]


def test_no_description_is_a_docstring_written_for_the_code():
    internal = ("A model serializer", "straight from the row", "Uniqueness across fields is left")
    for name, component in SCHEMA["components"]["schemas"].items():
        assert not any(phrase in component.get("description", "") for phrase in internal), name


@pytest.mark.parametrize(
    ("value", "name"),
    [("in_progress", "IN_PROGRESS"), ("", "BLANK"), ("2-17", "V_2_17"), ("td_operator", "TD_OPERATOR")],
)
def test_enum_value_names(value, name):
    assert enum_varname(value) == name
