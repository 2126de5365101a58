"""The API's operations, declared once: the Flask route, the validation of what comes in, the
shape of what goes out, who may call it, and the OpenAPI document built from the same
declarations (the schemas are the validation; nothing is written beside them by hand).

    @operation(bp, "GET", "/figures/<key>", summary=..., query=FigureQuery, response=FigureOut,
               roles=("coordinator",))
    def figure(key: str, query: FigureQuery) -> FigureOut: ...

A view receives the validated `query` and `body` models and returns a response model (or a
(model, status) pair). Query parameters and bodies that do not validate get 400 with each
problem; a caller of the wrong role 403; every error is JSON (webapp.api.errors).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, request
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from programs.i18n import N_
from webapp.api.errors import ApiError, ErrorOut, from_status, invalid_input

_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_PATH_TYPES = {"int": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647}}
ID = "<int(min=1, max=2147483647):{}>"  # a record's id in a path: what the database can hold


@dataclass(frozen=True)
class Operation:
    """One API operation, as declared."""

    method: str
    rule: str  # the Flask rule under the blueprint's prefix: /figures/<key>
    name: str
    summary: str
    description: str
    tag: str
    response: type[BaseModel]
    status: int
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    roles: tuple[str, ...] | None  # None: any signed-in user
    etag: bool
    errors: tuple[int, ...]


OPERATIONS: list[Operation] = []


def operation(
    bp: Blueprint,
    method: str,
    rule: str,
    *,
    summary: str,
    response: type[BaseModel],
    tag: str,
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    roles: tuple[str, ...] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an operation and register its route on `bp`."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        found = Operation(
            method=method,
            rule=rule,
            name=view.__name__,
            summary=summary,
            description=(view.__doc__ or "").strip(),
            tag=tag,
            response=response,
            status=status,
            query=query,
            body=body,
            roles=roles,
            etag=method == "GET",
            errors=errors,
        )
        OPERATIONS.append(found)

        @wraps(view)
        def wrapped(**path: Any) -> Response:
            if roles is not None and current_user.role not in roles:
                raise from_status(403)
            arguments: dict[str, Any] = dict(path)
            if query is not None:
                arguments["query"] = _validate(query, _query_arguments(query))
            if body is not None:
                payload = request.get_json(silent=True)
                if payload is None:
                    raise ApiError(
                        400, "invalid_json", N_("Send the request body as a JSON object.")
                    )
                arguments["body"] = _validate(body, payload)
            result = view(**arguments)
            code = status
            if isinstance(result, tuple):
                result, code = result
            return _respond(result, code, etag=found.etag)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapped, methods=[method])
        return wrapped

    return decorator


def _query_arguments(model: type[BaseModel]) -> dict[str, Any]:
    """The query string as the model's fields want it: lists for list fields."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name not in request.args:
            continue
        if getattr(field.annotation, "__origin__", None) is list:
            out[name] = request.args.getlist(name)
        else:
            out[name] = request.args.get(name)
    return out


def _validate(model: type[BaseModel], data: Any) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid_input(error) from None


def _respond(result: BaseModel, status: int, *, etag: bool) -> Response:
    body = result.model_dump_json(by_alias=True)
    response = current_app.response_class(body, status=status, mimetype="application/json")
    if etag and status == 200:
        tag = hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]
        response.set_etag(tag)
        response.headers["Cache-Control"] = "private, no-cache"
        if request.if_none_match.contains(tag):
            response = current_app.response_class(status=304)
            response.set_etag(tag)
    return response


# --- The OpenAPI document -----------------------------------------------------------------------


def _openapi_path(prefix: str, rule: str) -> tuple[str, list[dict[str, Any]]]:
    parameters = []
    for converter, name in _CONVERTER.findall(rule):
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": _PATH_TYPES.get(converter, {"type": "string"}),
            }
        )
    return prefix + _CONVERTER.sub(r"{\2}", rule), parameters


def _keep(components: dict[str, Any], name: str, definition: dict[str, Any]) -> None:
    """Add a schema under its class name; two different models of one name would silently
    describe one with the other, so that fails at once."""
    if name in components and components[name] != definition:
        raise RuntimeError(f"two API models are named {name}: rename one")
    components[name] = definition


def _schema(model: type[BaseModel], components: dict[str, Any], mode: str) -> dict[str, Any]:
    schema = model.model_json_schema(
        ref_template="#/components/schemas/{model}", mode=mode, by_alias=True
    )
    for name, definition in schema.pop("$defs", {}).items():
        _keep(components, name, definition)
    _keep(components, model.__name__, schema)
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _query_parameters(model: type[BaseModel], components: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        _keep(components, name, definition)
    required = set(schema.get("required", ()))
    out = []
    for name, prop in schema.get("properties", {}).items():
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if prop.get("type") == "array":
            parameter.update(style="form", explode=True)
        if "description" in prop:
            parameter["description"] = prop["description"]
        out.append(parameter)
    return out


# The meaning of each status, in the document (English) and on the reference page (translated).
ERROR_MEANINGS = {
    400: N_("The request is malformed or a value is not valid (each problem is listed)."),
    401: N_("No token, or a token that is unknown or revoked."),
    403: N_("The token's account may not use this operation."),
    404: N_("No such record, or one the account may not see."),
    409: N_("Someone changed the record first; read it again and retry."),
    422: N_("The rules refused (each refusing rule and its reason are given)."),
}
OK = N_("OK")
NOT_MODIFIED = N_("Not modified since the ETag sent.")


def openapi(prefix: str, title: str, version: str, description: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every declared operation."""
    components: dict[str, Any] = {}
    error_ref = _schema(ErrorOut, components, "serialization")
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        path, parameters = _openapi_path(prefix, op.rule)
        if op.query is not None:
            parameters += _query_parameters(op.query, components)
        responses: dict[str, Any] = {
            str(op.status): {
                "description": OK,
                "content": {
                    "application/json": {
                        "schema": _schema(op.response, components, "serialization")
                    }
                },
            }
        }
        if op.etag:
            responses["304"] = {"description": NOT_MODIFIED}
        codes = {401, *op.errors}
        if op.roles is not None:
            codes.add(403)
        if op.query is not None or op.body is not None:
            codes.add(400)
        for code in sorted(codes):
            responses[str(code)] = {
                "description": ERROR_MEANINGS[code],
                "content": {"application/json": {"schema": error_ref}},
            }
        entry: dict[str, Any] = {
            "operationId": op.name,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": parameters,
            "responses": responses,
        }
        if op.description:
            entry["description"] = op.description
        if op.roles is not None:
            entry["x-roles"] = list(op.roles)
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {"schema": _schema(op.body, components, "validation")}
                },
            }
        paths.setdefault(path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "servers": [{"url": "/"}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token made on the account page (我的账户 → 接口令牌).",
                }
            },
        },
    }
