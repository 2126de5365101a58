"""Every action a page can post has its API operation, or a stated reason to stay on the pages."""

from __future__ import annotations

import inspect
import re

from programs.i18n import translate
from webapp.api.coverage import NOT_IN_API, UI_ACTIONS
from webapp.api.spec import OPERATIONS
from webapp.study.routes import VISIT_ACTIONS

# How a page view dispatches on the button pressed: `action == "move"`.
_DISPATCH = re.compile(r'action"?\)? == "(\w+)"')


def page_actions(app) -> set[tuple[str, str | None]]:
    """Each (endpoint, action) a page view takes by POST, read from the views themselves."""
    found: set[tuple[str, str | None]] = set()
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.endpoint.startswith("api."):
            continue
        source = inspect.getsource(inspect.unwrap(app.view_functions[rule.endpoint]))
        actions: set[str | None] = set(_DISPATCH.findall(source))
        if "VISIT_ACTIONS" in source:
            actions |= set(VISIT_ACTIONS)
        found |= {(rule.endpoint, action) for action in actions or {None}}
    return found


def test_the_scan_sees_the_actions_of_a_page(app):
    actions = page_actions(app)
    assert ("disputes.case_page", "move") in actions
    assert ("study.visit_page", "swap") in actions
    assert ("checkups.new_checkup", None) in actions
    assert not any(endpoint.startswith("api.") for endpoint, _ in actions)


def test_every_page_action_has_its_endpoint_or_a_reason(app):
    actions = page_actions(app)
    missing = sorted(actions - UI_ACTIONS.keys() - NOT_IN_API.keys(), key=str)
    assert missing == [], f"page actions with no API operation and no reason: {missing}"
    assert not UI_ACTIONS.keys() & NOT_IN_API.keys()


def test_what_the_table_names_exists(app):
    names = {op.name for op in OPERATIONS}
    assert set(UI_ACTIONS.values()) <= names, set(UI_ACTIONS.values()) - names
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    stale = {key for key in {**UI_ACTIONS, **NOT_IN_API} if key[0] not in endpoints}
    assert stale == set()
    # An operation that stands for a page action changes something: it is a POST.
    methods = {op.name: op.method for op in OPERATIONS}
    assert {methods[name] for name in UI_ACTIONS.values()} == {"POST"}


def test_the_reference_page_reads_in_chinese(client):
    untranslated = [
        op.summary for op in OPERATIONS if translate(op.summary, "zh_Hans") == op.summary
    ]
    assert untranslated == []
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for op in OPERATIONS:
        assert translate(op.summary, "zh_Hans") in page
    english = client.get("/api/v1/docs", headers={"Accept-Language": "en"})
    assert english.status_code == 200
