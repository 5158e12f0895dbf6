"""OpenAPI schema: the errors every operation may answer, as RFC 9457 problem details, in one place."""

# A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) adds to each operation the
# error responses it can give, each pointing at one shared `Problem` component served as application/problem+json,
# and documents the ETags: the `ETag` header of a record's retrieve (with If-None-Match and its 304) and of the answers
# to its writes, and If-Match, required, on the writes (writes on the resources that serve ETags, but for the actions
# a view lists in `unconditional_actions`).

from __future__ import annotations

import uritemplate
from drf_spectacular.openapi import AutoSchema
from rest_framework.settings import api_settings

from compliance.api import lookups
from compliance.api.conditional import ETagRetrieveMixin
from compliance.api.pagination import KeysetPagination

PROBLEM_MEDIA_TYPE = "application/problem+json"
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "description": "A URI identifying the kind of problem; `about:blank` for none."},
        "title": {"type": "string", "description": "A short summary of the kind of problem."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong with this request."},
        "instance": {"type": "string", "description": "The path of the request that failed."},
        "code": {"type": "string", "description": "A machine-readable code of the error."},
        "errors": {
            "type": "object",
            "description": (
                "Invalid input only: each field, or `non_field_errors`, with its messages; "
                "for a list (files), its messages by position."
            ),
            "additionalProperties": {
                "anyOf": [
                    {"type": "array", "items": {"type": "string"}},
                    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                ]
            },
        },
    },
    "required": ["type", "title", "status", "detail", "instance"],
}

# status: (component name, description); the order is the order in the schema.
ERROR_RESPONSES = {
    "400": ("BadRequest", "The request is not valid: see `errors` for each field."),
    "401": ("Unauthorized", "No valid credentials: an API token (`Authorization: Token <token>`), or a password."),
    "403": ("Forbidden", "Not allowed for this person."),
    "404": ("NotFound", "No such record, or not one this person may see."),
    "409": ("Conflict", "The record cannot be removed while other records depend on it: see `detail`."),
    "412": ("PreconditionFailed", "The record changed since its ETag was read: read it again and retry."),
    "415": ("UnsupportedMediaType", "The body is not of a media type this operation reads: see its request body."),
    "428": ("PreconditionRequired", "Send `If-Match` with the ETag of the record being changed."),
    "429": ("TooManyRequests", "Too many requests with this token: retry after `Retry-After` seconds."),
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": 'The ETag of the record being changed, as its last read answered it (`"3"`).',
    "schema": {"type": "string", "minLength": 1},
}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "The ETag of the record as last read: 304, with no body, while it is still the current one.",
    "schema": {"type": "string"},
}
ETAG = {
    "description": 'The record\'s current version, as an entity tag (`"3"`): send it as `If-Match` to change it.',
    "schema": {"type": "string"},
}
ETAG_HEADER = {"ETag": {"$ref": "#/components/headers/ETag"}}
NOT_MODIFIED = {"description": "The record is still at the version `If-None-Match` names.", "headers": ETAG_HEADER}
# Query parameters that are not filters (pages, cursors, ordering, format): an empty value is the same as none.
NOT_FILTERS = frozenset(
    {
        KeysetPagination.page_size_query_param,
        KeysetPagination.cursor_query_param,
        api_settings.ORDERING_PARAM,
        api_settings.URL_FORMAT_OVERRIDE,
    }
)


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's operations, with each segment of a coded record's key documented as a string
    (`compliance.api.lookups`): `/measures/{case}/{finding}/{code}/`."""

    def get_override_parameters(self) -> list:
        variables = set(uritemplate.variables(self.path))
        key = [parameter for parameter in lookups.path_parameters(self.view) if parameter.name in variables]
        return [*key, *super().get_override_parameters()]

    def _get_parameters(self) -> list[dict]:
        # The key's segments in the order of the path (case, finding, code), as a generated client takes them.
        order = {name: position for position, name in enumerate(uritemplate.variables(self.path))}
        parameters = super()._get_parameters()
        return sorted(
            parameters, key=lambda p: (p["in"] != "path", order.get(p["name"], 0) if p["in"] == "path" else 0)
        )


def add_error_responses(result: dict, generator, request, public: bool) -> dict:
    """Add the common error responses, and `If-Match` where a write needs it, to every operation."""
    conditional, answers_with_etag, retrieves = set(), set(), set()
    for path, _regex, method, callback in generator.endpoints:
        view_class = getattr(callback, "cls", object)
        if not issubclass(view_class, ETagRetrieveMixin):
            continue
        action = (getattr(callback, "actions", None) or {}).get(method.lower())
        view = generator.create_view(callback, method)
        if action == "retrieve":
            retrieves.add(generator.coerce_path(path, method, view))
        # A create on a resource with ETags has no record to match yet (unless the view says it names one).
        elif method.lower() in WRITE_METHODS and action not in getattr(view_class, "unconditional_actions", ()):
            conditional.add((generator.coerce_path(path, method, view), method.lower()))
            if action not in getattr(view_class, "answers_without_etag", ()):
                answers_with_etag.add((generator.coerce_path(path, method, view), method.lower()))
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components["schemas"] = dict(sorted(components["schemas"].items()))
    responses = components.setdefault("responses", {})
    for status, (name, description) in ERROR_RESPONSES.items():
        content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        responses[name] = {"description": description, "content": content}
        if status == "429":
            responses[name]["headers"] = {
                "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
            }
    components["responses"] = dict(sorted(responses.items()))
    components.setdefault("headers", {})["ETag"] = ETAG

    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            statuses = ["401", "403", "404", "429"]
            if (method in WRITE_METHODS and "requestBody" in operation) or any(
                p.get("in") == "query" for p in parameters
            ):
                statuses.append("400")
            if "requestBody" in operation:
                statuses.append("415")
            if method == "delete":  # refused while companies keep private records on it
                statuses.append("409")
            require_filter_values(parameters)
            documented = operation.setdefault("responses", {})
            if (path, method) in conditional:
                statuses += ["412", "428"]
                if not any(p.get("in") == "header" and p["name"].lower() == "if-match" for p in parameters):
                    operation["parameters"] = [*parameters, IF_MATCH]
            if (path, method) in answers_with_etag:
                with_etag(documented, ("200", "201"))
            if method == "get" and path in retrieves:
                operation["parameters"] = [*operation.get("parameters", []), IF_NONE_MATCH]
                with_etag(documented, ("200",))
                documented.setdefault("304", NOT_MODIFIED)
            for status in statuses:
                documented.setdefault(status, {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"})
            operation["responses"] = dict(sorted(documented.items()))
    return result


def with_etag(responses: dict, statuses: tuple[str, ...]) -> None:
    """The `ETag` header on the answers (of these statuses) that carry a record."""
    for status in statuses:
        if status in responses and "$ref" not in responses[status]:
            responses[status].setdefault("headers", {}).update(ETAG_HEADER)


def require_filter_values(parameters: list[dict]) -> None:
    """A text filter named in a query needs a value (`compliance.api.filtering`), and no NUL, which no text holds."""
    for parameter in parameters:
        schema = parameter.get("schema", {})
        is_filter = parameter.get("in") == "query" and parameter["name"] not in NOT_FILTERS
        if is_filter and schema.get("type") == "string" and not {"enum", "format"} & schema.keys():
            schema.update(minLength=1, pattern="^[^\\x00]*$")
