"""One message catalog for the web pages, the CLI and the PDF reports.

Message ids are English text with `{name}` placeholders, marked `N_(...)` where they are written
(in `rules/`, `calendars/` and `programs/`) or `_(...)` in templates and views. Flask-Babel reads
the same catalog for the web pages; everything else calls `translate()` with a locale, so nothing
here needs an application context.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from calendars import TZ

TRANSLATIONS_DIR = Path(__file__).with_name("translations")
DOMAIN = "messages"
LOCALES = ("zh_Hans", "en")
DEFAULT_LOCALE = "zh_Hans"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def N_(msgid: str) -> str:
    """Mark a message for extraction without translating it now."""
    return msgid


class MessageLike(Protocol):
    """Anything carrying a message id and its parameters (rules.Reason, calendars.Message, ...)."""

    msgid: str
    params: Mapping[str, Any]


def compile_catalogs(force: bool = False) -> list[Path]:
    """Compile each .po file to .mo when the .mo is missing or older; return what was written."""
    written = []
    for po_path in sorted(TRANSLATIONS_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        # A name of our own: several processes (gunicorn or test workers) may compile at once.
        tmp = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)
        written.append(mo_path)
    translations.cache_clear()
    return written


@cache
def translations(locale: str) -> NullTranslations:
    """The gettext catalog for a locale (English is the source language: identity)."""
    if locale == "en":
        return NullTranslations()
    compile_catalogs()
    return Translations.load(str(TRANSLATIONS_DIR), [locale], DOMAIN)


def gettext(locale: str, msgid: str) -> str:
    """Translate one message id."""
    return translations(locale).gettext(msgid)


def format_date(value: date | str, locale: str) -> str:
    """A date (or an ISO date string, as JSON stores it) as the reader writes it:
    2026年10月1日 or 2026-10-01."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if locale == "en":
        return value.isoformat()
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime(value: datetime, locale: str) -> str:
    """A moment in Shanghai time, to the minute."""
    local = value.astimezone(TZ)
    return f"{format_date(local.date(), locale)} {local:%H:%M}"


def _render_param(value: Any, locale: str) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value, locale)
    if isinstance(value, date):
        return format_date(value, locale)
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return format_date(date.fromisoformat(value), locale)
        except ValueError:
            return value
    if isinstance(value, Mapping) and "msgid" in value:
        return translate(value["msgid"], locale, value.get("params") or {})
    if isinstance(value, list | tuple):
        sep = "、" if locale != "en" else ", "
        return sep.join(str(_render_param(v, locale)) for v in value)
    return value


def translate(
    message: MessageLike | str, locale: str, params: Mapping[str, Any] | None = None
) -> str:
    """Translate a message and fill in its parameters for the reader.

    Dates (objects or ISO strings) are written the reader's way; a parameter that is itself a
    `{"msgid": ..., "params": ...}` mapping is translated too; lists are joined. A message whose
    parameters do not fit its text is shown untranslated rather than crashing the page.
    """
    if isinstance(message, str):
        msgid, values = message, params or {}
    else:
        msgid, values = message.msgid, message.params
    text = gettext(locale, msgid)
    if not values:
        return text
    rendered = {k: _render_param(v, locale) for k, v in values.items()}
    try:
        return text.format(**rendered)
    except (KeyError, IndexError, ValueError):
        return msgid.format_map(_Lenient(rendered))


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
