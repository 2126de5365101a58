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

import re
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


# What pydantic found wrong, said in the caller's language (its own messages are English only).
# Parameters come from the problem's context; an unlisted kind keeps pydantic's message.
PROBLEM_MESSAGES = {
    "missing": N_("This value is required."),
    "extra_forbidden": N_("This field is not known here; leave it out."),
    "int_type": N_("Give a whole number."),
    "int_parsing": N_("Give a whole number."),
    "int_from_float": N_("Give a whole number."),
    "float_type": N_("Give a number."),
    "float_parsing": N_("Give a number."),
    "bool_type": N_("Give true or false."),
    "bool_parsing": N_("Give true or false."),
    "string_type": N_("Give text."),
    "list_type": N_("Give a list."),
    "dict_type": N_("Give an object."),
    "model_type": N_("Give an object."),
    "model_attributes_type": N_("Give an object."),
    "date_type": N_("Give a date as YYYY-MM-DD."),
    "date_parsing": N_("Give a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Give a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": N_("Give a date as YYYY-MM-DD."),
    "greater_than_equal": N_("Give a value of at least {ge}."),
    "greater_than": N_("Give a value greater than {gt}."),
    "less_than_equal": N_("Give a value of at most {le}."),
    "less_than": N_("Give a value less than {lt}."),
    "string_too_short": N_("Give at least {min_length} characters."),
    "string_too_long": N_("Give at most {max_length} characters."),
    "too_short": N_("Give at least {min_length} items."),
    "too_long": N_("Give at most {max_length} items."),
    "literal_error": N_("Give one of: {expected}."),
    "enum": N_("Give one of: {expected}."),
    "string_pattern_mismatch": N_("This text holds a character that cannot be stored."),
    "json_invalid": N_("This is not valid JSON."),
    "decimal_type": N_("Give a number."),
    "decimal_parsing": N_("Give a number."),
    "finite_number": N_("Give a number."),
    "decimal_max_places": N_("Give at most {decimal_places} decimal places."),
    "decimal_max_digits": N_("Give at most {max_digits} digits."),
    "decimal_whole_digits": N_("Give at most {whole_digits} digits before the decimal point."),
    "datetime_parsing": N_("Give a date and time as YYYY-MM-DDTHH:MM."),
    "datetime_type": N_("Give a date and time as YYYY-MM-DDTHH:MM."),
    "base64_decode": N_("This is not valid base64."),
}


_PLACEHOLDER = re.compile(r"{(\w+)}")


def _problem_message(problem: dict[str, Any], locale: str) -> str:
    msgid = PROBLEM_MESSAGES.get(problem["type"])
    params = {k: str(v) for k, v in (problem.get("ctx") or {}).items()}
    if msgid is None or not set(_PLACEHOLDER.findall(msgid)) <= params.keys():
        return str(problem["msg"])
    return translate(msgid, locale, params)


def invalid_input(error: ValidationError) -> ApiError:
    """400 with every value that did not validate, each problem in the caller's language."""
    locale = api_locale()
    problems = [
        ProblemOut(
            field=".".join(str(part) for part in problem["loc"]) or "body",
            type=problem["type"],
            message=_problem_message(problem, locale),
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
