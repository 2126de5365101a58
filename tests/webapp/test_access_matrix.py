"""Every route against every role, read from the app itself so that a new route is covered the
day it is added: nobody signed out gets past the login page (pages) or 401 (API); a page or an
API operation limited to some roles answers 403 to every other role, whatever the record, and
lets its roles through. Record-level checks (another firm's record is 404) are in test_access.py
and each program's tests."""

from __future__ import annotations

import re

import pytest

from programs.accounts.models import ROLES
from tests.helpers import csrf_token
from webapp.api.spec import OPERATIONS

# Open to anyone: logging in, signing up, the feeds (a secret in the address), the static files
# and the API's own description.
PUBLIC = {
    "auth.login",
    "auth.logout",
    "auth.signup",
    "auth.signup_enterprise",
    "auth.signup_school",
    "auth.signup_done",
    "feeds.feed",
    "static",
    "api.openapi_document",
    "api.docs",
}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def _url(rule) -> str:
    """The rule with each argument filled: a number for ids, the first choice of an `any`."""

    def fill(match: re.Match[str]) -> str:
        converter, options, _name = match.groups()
        if converter == "int":
            return "1"
        if converter == "any":
            return options.split(",")[0].strip()
        return "x"

    return _ARGUMENT.sub(fill, rule.rule)


def _page_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.startswith("api.") and rule.endpoint not in PUBLIC
    ]


def _call(client, rule, token: str | None = None):
    url = _url(rule)
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={"csrf_token": token} if token else {})


def test_nobody_signed_out_passes_a_page(client, app):
    rules = _page_rules(app)
    assert len(rules) > 80
    for rule in rules:
        response = _call(client, rule)
        assert response.status_code in (302, 400), rule.rule  # to the login page (or no CSRF)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], rule.rule


def test_nobody_without_a_token_passes_the_api(client):
    for op in OPERATIONS:
        url = "/api/v1" + _ARGUMENT.sub("1", op.rule)
        response = client.open(url, method=op.method, json={})
        assert response.status_code == 401, (op.method, url)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_meets_the_pages_limited_to_others_with_403(login, app, role):
    client = login(role)
    token = csrf_token(client, "/account")
    checked = 0
    for rule in _page_rules(app):
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if allowed is None:
            continue  # any signed-in user: the view checks the record itself
        if role in allowed:
            if "GET" not in rule.methods:
                continue  # an action the role may take: posting it here would really do it
            assert _call(client, rule).status_code != 403, (role, rule.rule)
        else:
            status = _call(client, rule, token).status_code
            assert status == 403, (role, rule.rule, status)
        checked += 1
    assert checked > 40


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_meets_the_api_operations_limited_to_others_with_403(client, token_of, role):
    headers = token_of(role)
    limited = [op for op in OPERATIONS if op.roles is not None]
    assert len(limited) > 20
    for op in limited:
        url = "/api/v1" + _ARGUMENT.sub("1", op.rule)
        status = client.open(url, method=op.method, json={}, headers=headers).status_code
        if role in op.roles:
            assert status != 403, (role, op.method, url)
        else:
            assert status == 403, (role, op.method, url, status)
