"""Every form of every page a role can open, sent back with bad input: nothing crashes (no
5xx), the page comes back refused (422) with a message beside a field or at the top, and what
was typed is still there. Forms are found by reading the pages, so a new form is covered the
day it appears."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from werkzeug.exceptions import HTTPException

from programs.accounts.models import ROLES

MARK = "未填对的内容Ω"
BAD = {
    "text": MARK + " " + "长" * 3000,
    "textarea": MARK + " " + "长" * 30000,
    "number": "十二",
    "date": "2026-02-30",
    "email": "不是邮箱",
    "tel": MARK,
    "time": "25:61",
    "month": "2026-13",
}


class _Forms(HTMLParser):
    """The POST forms of a page: their action and their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and (a.get("href") or "").startswith("/"):
            self.links.append(a["href"])
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "kinds": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "textarea") and a.get("name"):
            kind = "textarea" if tag == "textarea" else (a.get("type") or "text")
            self._form["kinds"][a["name"]] = kind
            self._form["fields"].setdefault(a["name"], a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["kinds"][a["name"]] = "select"
            self._form["fields"].setdefault(a["name"], "")
        elif tag == "button" and a.get("name"):
            self._form["kinds"].setdefault(a["name"], "button")
            self._form["fields"].setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _pages(app) -> list[str]:
    """Every page without arguments that shows something (GET)."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and not rule.endpoint.startswith(("api.", "static", "auth."))
        and not rule.rule.endswith((".pdf", ".csv", ".ics", ".json"))
    )


def _record_pages(app, links: list[str]) -> list[str]:
    """One page of each kind of record linked from the pages (a case, a visit, a check-up…)."""
    adapter = app.url_map.bind("localhost")
    chosen: dict[str, str] = {}
    for link in links:
        path = link.split("#")[0].split("?")[0]
        try:
            endpoint, arguments = adapter.match(path, method="GET")
        except HTTPException:  # not a page of ours (no such address, a POST-only one)
            continue
        if arguments and not path.endswith((".pdf", ".csv", ".ics")):
            chosen.setdefault(endpoint, path)
    return sorted(chosen.values())


def _bad(form: dict) -> dict[str, str]:
    data = {}
    for name, kind in form["kinds"].items():
        if kind in ("hidden", "button", "submit", "checkbox", "radio", "file"):
            data[name] = form["fields"][name]
        elif kind == "select":
            data[name] = "不在选项里"
        else:
            data[name] = BAD.get(kind, BAD["text"])
    return data


@pytest.mark.parametrize("role", sorted(ROLES))
def test_bad_input_in_any_form_comes_back_refused_and_kept(login, app, role):
    client = login(role)
    tried = 0
    pages, links, seen = _pages(app), [], set()
    while pages:
        page = pages.pop(0)
        if page in seen:
            continue
        seen.add(page)
        response = client.get(page)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        links += parser.links
        if not pages and links:  # then one page of each kind of record they link to
            pages, links = [p for p in _record_pages(app, links) if p not in seen], []
        for form in parser.forms:
            action = form["action"] or page
            if not form["kinds"].keys() - {"csrf_token", "action"} or "logout" in action:
                continue
            typed = [n for n, k in form["kinds"].items() if k in ("text", "textarea", "tel")]
            answer = client.post(action, data=_bad(form))
            assert answer.status_code < 500, (role, page, action)
            tried += 1
            if answer.status_code in (302, 303):
                continue  # nothing in it could be wrong (a button, a filter with defaults)
            assert answer.status_code in (400, 403, 404, 413, 422), (role, page, action)
            if answer.status_code == 422:
                html = answer.get_data(as_text=True)
                assert re.search(r'class="(error|form-errors|flash[^"]*)"', html), (role, action)
                if typed:
                    assert MARK in html, (role, action, "what was typed is lost")
    assert tried > 0 or role in ("chamber", "instructor"), role
