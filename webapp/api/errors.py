"""Errors of the API, as JSON: a machine-readable code, a message in the caller's language (the
Accept-Language header, else the account's language), the field it concerns, and for a rule
refusal each refusing rule with its reason.

    {"error": {"code": "refused_by_rules", "message": "…", "field": null,
               "rules": [{"rule": "base_closed", "reason": "…"}], "problems": []}}

Statuses: 400 malformed or invalid input, 401 no valid token, 403 wrong role, 404 no such record
(or not the caller's to see), 405 wrong method, 409 somebody changed it first, 422 the rules or
the program refused.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from programs.errors import Conflict, DomainError, NotFound, Refused
from programs.i18n import DEFAULT_LOCALE, N_, translate


class RuleOut(BaseModel):
    rule: str
    reason: str


class ProblemOut(BaseModel):
    field: str
    type: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None
    rules: list[RuleOut] = []
    problems: list[ProblemOut] = []


class ErrorOut(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """An error answered as JSON with `status`."""

    def __init__(
        self,
        status: int,
        code: str,
        msgid: str,
        params: dict[str, Any] | None = None,
        *,
        field: str | None = None,
        rules: list[tuple[str, str, dict[str, Any]]] = (),  # type: ignore[assignment]
        problems: list[ProblemOut] = (),  # type: ignore[assignment]
    ) -> None:
        super().__init__(msgid)
        self.status, self.code, self.msgid, self.params = status, code, msgid, params or {}
        self.field, self.rules, self.problems = field, list(rules), list(problems)


def api_locale() -> str:
    """The caller's language: Accept-Language if it names Chinese or English, else the
    account's, else Chinese."""
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    if best:
        return "en" if best.startswith("en") else "zh_Hans"
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.locale
    return DEFAULT_LOCALE


def respond(error: ApiError) -> Response:
    locale = api_locale()
    body = ErrorOut(
        error=ErrorBody(
            code=error.code,
            message=translate(error.msgid, locale, error.params),
            field=error.field,
            rules=[
                RuleOut(rule=rule, reason=translate(msgid, locale, params))
                for rule, msgid, params in error.rules
            ],
            problems=error.problems,
        )
    )
    response = current_app.response_class(
        body.model_dump_json(), status=error.status, mimetype="application/json"
    )
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="fengqiao"'
    return response


def from_domain(error: DomainError) -> ApiError:
    """The API's answer to an operation's refusal."""
    if isinstance(error, NotFound):
        return ApiError(404, "not_found", error.msgid, error.params)
    if isinstance(error, Conflict):
        return ApiError(409, "conflict", error.msgid, error.params, field=error.field)
    if isinstance(error, Refused):
        return ApiError(
            422,
            "refused_by_rules",
            error.msgid,
            error.params,
            field=error.field,
            rules=error.reasons,
        )
    return ApiError(422, "not_accepted", error.msgid, error.params, field=error.field)


def invalid_input(error: ValidationError) -> ApiError:
    """400 with every value that did not validate."""
    problems = [
        ProblemOut(
            field=".".join(str(part) for part in problem["loc"]) or "body",
            type=problem["type"],
            message=problem["msg"],
        )
        for problem in error.errors(include_url=False)
    ]
    return ApiError(
        400,
        "invalid_input",
        N_("{count} values are not valid: {fields}. Correct them and send again."),
        {"count": len(problems), "fields": ", ".join(p.field for p in problems)},
        problems=problems,
    )


HTTP_CODES = {
    400: ("bad_request", N_("The request could not be read.")),
    401: ("unauthenticated", N_("Send a valid token: Authorization: Bearer <token>.")),
    403: ("forbidden", N_("Your account cannot use this operation.")),
    404: ("not_found", N_("The page you asked for does not exist.")),
    405: ("method_not_allowed", N_("This address cannot be used that way.")),
    413: ("too_large", N_("The request is too large.")),
    500: ("server_error", N_("Something went wrong on our side. Please try again later.")),
}


def from_status(status: int) -> ApiError:
    code, msgid = HTTP_CODES.get(status, ("error", N_("The request could not be read.")))
    return ApiError(status, code, msgid)
