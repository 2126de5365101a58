"""No page shows an untranslated string, in Chinese or in English.

Each role signs in and walks its pages the way a user does: from the home page, following every
link of the site (menus, lists, records, their tabs and the pages they link to), up to a bound.
Every page is read twice — in Chinese and in English — as text a reader sees: the words between
tags and the words in `title`, `placeholder`, `aria-label`, `alt` and button values.

- In Chinese, a run of English words is untranslated, unless it is data (a username, an email,
  a code) or one of the few names that stay in Latin letters (PDF, iCalendar, …).
- In English, Chinese characters are untranslated, unless they are data: every run of Chinese
  must occur in some text the database holds (names of towns, firms and schools, summaries,
  titles…) or in the holiday table's own names.

The test reports every untranslated string with the page it was found on."""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from flask import url_for
from sqlalchemy import String, Text, select

from programs.accounts.models import ROLES, User
from programs.db import Base
from webapp import nav

PAGES_PER_ROLE = 120
# Links not followed: leaving, files rather than pages, and the API (JSON, checked by its own
# tests).
NOT_FOLLOWED = re.compile(
    r"^/(logout|static/|api/|feeds/)|\.(pdf|ics|csv|zip|png|json)$|/(pdf|ics|csv|download)(/|$)"
)
# Words that stay in Latin letters in a Chinese text: file formats and standards a reader meets
# by these names.
LATIN_NAMES = {
    "API",
    "CSV",
    "PDF",
    "iCalendar",
    "ics",
    "Bearer",
    "HTTPS",
    "URL",
    "OpenAPI",
    "JSON",
    "Excel",
    "Outlook",
    "Google",
    "Apple",
    "Fengqiao",
    "JPEG",
    "PNG",
}
# Tables whose texts are the application's own (message ids, links, mail it wrote, codes of
# rules and actions), not data people entered: their words do not excuse an English word.
NOT_DATA = {"notifications", "outbound_mail", "audit_entries", "decision_records"}
# Values a file to import must hold, which an English page names as they are written.
FILE_VALUES = {"是", "否", "无"}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+(?:[\u3400-\u9fff\uf900-\ufaff·]+)*")
# Two or more English words in a row, or one English word of four letters or more.
ENGLISH = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*)+|[A-Za-z]{4,}")
SEEN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Text inside these is code, not prose: rule and fact names, file columns, JSON.
CODE = {"code", "pre", "kbd", "samp", "script", "style", "template"}


class _Text(HTMLParser):
    """The text a reader sees, and the site's own links. What the page itself marks as not to be
    translated is left out: code (`<code>`, `<pre>`), `translate="no"`, and words in another
    language than the page's marked with their own `lang` (a language's own name in the
    language menu)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skipped: list[str] = []  # the open elements from the first one left out

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if self._skipped:
            if tag not in VOID:
                self._skipped.append(tag)
            return
        if tag in CODE or values.get("translate") == "no" or (values.get("lang") and tag != "html"):
            if tag not in VOID:
                self._skipped.append(tag)
            return
        for name in SEEN_ATTRIBUTES:
            if values.get(name):
                self.texts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._skipped and self._skipped[-1] == tag:
            self._skipped.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipped and data.strip():
            self.texts.append(data.strip())


def _read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def _walk(client, limit: int = PAGES_PER_ROLE) -> dict[str, str]:
    """The role's pages, as {url: html}, breadth first from the home page."""
    seen: dict[str, str] = {}
    queue = ["/"]
    queued = {"/"}
    shapes: dict[str, int] = defaultdict(int)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        response = client.get(url, follow_redirects=True)
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()
            continue
        html = response.get_data(as_text=True)
        seen[url] = html
        for href in _read(html).links:
            href, _fragment = urldefrag(href)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if NOT_FOLLOWED.search(parts.path):
                continue
            # One of each shape of address is enough: /cases/1 stands for /cases/2, and a
            # list's pages and filters for one another.
            shape = re.sub(r"\d+", "N", parts.path) + ("?" if parts.query else "")
            if href in queued or shapes[shape] >= 2:
                continue
            shapes[shape] += 1
            queued.add(href)
            queue.append(href)
    return seen


def _data_text(session) -> str:
    """Every text the database holds, joined: Chinese found in it on an English page is data."""
    texts: list[str] = []
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            texts.extend(v for v in row if v)
    return "\n".join(texts)


def _data_words(session) -> set[str]:
    """Latin-letter words the database holds (usernames, emails, codes, names of firms)."""
    words: set[str] = set()
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        if table.name in NOT_DATA:
            continue
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for row in session.execute(select(*columns)) if columns else ():
            for value in row:
                if value:
                    words.update(re.findall(r"[A-Za-z]+", value))
    return words


def _untranslated_chinese(texts: list[str], data_words: set[str]) -> list[str]:
    found = []
    for text in texts:
        cleaned = re.sub(r"\S+@\S+|https?://\S+|/[\w/.-]+|\b[\w-]*\d[\w-]*\b", " ", text)
        for match in ENGLISH.finditer(cleaned):
            words = re.findall(r"[A-Za-z]+", match.group())
            if all(w in LATIN_NAMES or w in data_words for w in words):
                continue
            found.append(match.group())
    return found


def _untranslated_english(texts: list[str], data: str, holidays: set[str]) -> list[str]:
    found = []
    for text in texts:
        # A Chinese term glossed in brackets after its English ("tracking (跟踪督办)") is the
        # name the reader will hear; it is not left untranslated.
        glossed = {
            run
            for group in re.findall(r"[(（][^()（）]*[)）]", text)
            for run in CJK.findall(group)
            if re.search(r"[A-Za-z]{3,}", text.replace(group, ""))
        }
        for run in CJK.findall(text):
            if run in glossed or run in FILE_VALUES or run in holidays or _is_data(run, data):
                continue
            found.append(run)
    return found


def _is_data(run: str, data: str) -> bool:
    """Whether the run is data, or two data texts written one after the other (a town and its
    village)."""
    return run in data or any(run[:i] in data and run[i:] in data for i in range(1, len(run)))


def _holiday_names() -> set[str]:
    import holidays

    names: set[str] = set()
    for year in range(2024, 2029):
        names.update(holidays.China(years=year, language="zh_CN").values())
    return {n for name in names for n in CJK.findall(name)}


@pytest.mark.slow
@pytest.mark.parametrize("role", sorted(ROLES))
# The words on a page do not depend on the database engine: SQLite only, to keep the suite short.
@pytest.mark.parametrize("db_engine", ["sqlite"], indirect=True)
def test_no_page_shows_an_untranslated_string(app, login, session, role):
    client = login(role)
    chinese = _walk(client)
    with app.test_request_context():
        menu = {url_for(item.endpoint) for item in nav.for_role(role)}
    assert menu - chinese.keys() == set(), f"{role}'s menu pages were not all read"
    assert len(chinese) >= 2 * len(menu), f"{role} reached only {sorted(chinese)}"
    data_words = _data_words(session)
    problems: dict[str, set[str]] = defaultdict(set)
    for url, html in chinese.items():
        for text in _untranslated_chinese(_read(html).texts, data_words):
            problems[text].add(f"zh {url}")

    user = session.scalar(select(User).where(User.username == role))
    user.locale = "en"
    session.flush()
    data = _data_text(session)
    holidays = _holiday_names()
    for url in chinese:
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert '<html lang="en"' in html, url
        for text in _untranslated_english(_read(html).texts, data, holidays):
            problems[text].add(f"en {url}")
    report = "\n".join(f"{text!r}: {sorted(where)[:3]}" for text, where in sorted(problems.items()))
    assert not problems, f"{len(problems)} untranslated strings:\n{report}"


def test_the_readers_find_what_is_left_untranslated():
    """The two checks catch a string left in the source language, and let data through."""
    page = _read(
        '<main><h1>研学计划</h1><p title="Save the plan">保存</p><button>Cancel</button>'
        '<code>study_visit</code><span translate="no">friday_pairing</span>'
        '<a lang="en" href="/x">English</a><script>var notShown = "Hidden text";</script></main>'
    )
    assert page.texts == ["研学计划", "Save the plan", "保存", "Cancel"]
    assert _untranslated_chinese(page.texts, set()) == ["Save the plan", "Cancel"]
    assert _untranslated_chinese(["联系 hengtong-hr@demo.cn，导出 PDF"], set()) == []
    assert _untranslated_chinese(["申请人 Acme Trading"], {"Acme", "Trading"}) == []
    data = "运河街道\n运河街道南村\n"
    english = ["Town 运河街道运河街道南村", "Tracking (跟踪督办) of cases", "Plan 研学", "是 or 否"]
    assert _untranslated_english(english, data, set()) == ["研学"]
