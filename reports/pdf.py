"""PDF reports: Jinja2 templates in `reports/templates/` laid out by WeasyPrint.

Reports are built from plain data (dataclasses that `programs/` queries fill), never from ORM
objects, so a report can be rendered, tested and cached without a database session.

The only files a report may load are our own, under `reports/static/` (Indico renders its receipts
the same way): a template, or text that slipped into one, can never make the server fetch a URL
or read another file. A refused resource stops the rendering with `ResourceRefused` instead of
leaving a silent gap in the document.
"""

from __future__ import annotations

import fcntl
import mimetypes
import multiprocessing
import os
import re
import threading
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from babel.dates import format_skeleton
from babel.numbers import format_decimal
from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from programs.i18n import LOCALES, N_, format_date, gettext, translations

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static").resolve()
AUTHOR = "Fengqiao 枫桥"
# Translators: the page footer of every PDF; keep {page} and {pages}.
PAGE_OF = N_("Page {page} of {pages}")
_COUNTERS = re.compile(r"\{(page|pages)\}")


class ResourceRefused(ValueError):
    """A report asked for something other than a file in `reports/static/` or a data: URI."""


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's only way out: serves `reports/static/` and data: URIs, refuses the rest.

    `fail_on_errors` makes a refusal stop the rendering (WeasyPrint would otherwise log it and
    draw the page without the resource).
    """

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True, allowed_protocols=("file", "data"))

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        """Return the resource at `url`, or raise `ResourceRefused`."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = static_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        raise ResourceRefused(f"reports may not fetch {url[:200]!r}")


def static_path(url: str) -> Path:
    """The file in `reports/static/` a file: URL names; anything else is refused.

    The path is resolved first, so `..` and symbolic links cannot lead out of the folder.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise ResourceRefused(f"not a local file URL: {url[:200]!r}")
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_relative_to(STATIC_DIR) or not path.is_file():
        raise ResourceRefused(f"not a file in reports/static/: {url[:200]!r}")
    return path


def css_string(text: Any) -> Markup:
    """`text` as a quoted CSS string, safe inside a <style> element.

    Quotes, backslashes, line breaks and `<`, `>`, `&` become CSS escapes, so no value can close
    the string or the element.
    """
    out = []
    for char in str(text):
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return Markup('"' + "".join(out) + '"')


def page_counter_content(label: str) -> Markup:
    """A CSS `content` value for a translated "Page {page} of {pages}".

    The words come from the catalog and the numbers from CSS counters, so a translator can put
    them in any order ("第 {page} 页 / 共 {pages} 页").
    """
    pieces = []
    for i, piece in enumerate(_COUNTERS.split(label)):
        if i % 2:
            pieces.append(f"counter({piece})")
        elif piece:
            pieces.append(str(css_string(piece)))
    return Markup(" ".join(pieces) or "none")


def _babel_locale(locale: str) -> str:
    return locale if locale in LOCALES else "zh_Hans"


def html_lang(locale: str) -> str:
    """The BCP 47 tag for <html lang>: it goes into the PDF and picks the CJK glyph forms."""
    return locale.replace("_", "-")


@lru_cache(maxsize=8)
def _environment(locale: str, catalog: NullTranslations) -> Environment:
    # One environment per locale (and per loaded catalog: programs.i18n reloads it after a
    # recompile), with the translations and locale-bound filters installed once. Installing
    # translations into one shared environment on every render would race between two threads
    # rendering different languages.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    bl = _babel_locale(locale)
    env.filters.update(
        date=lambda value: format_date(value, locale),
        day=lambda value: format_skeleton("MMMd", value, locale=bl),
        day_weekday=lambda value: format_skeleton("MMMEd", value, locale=bl),
        month=lambda value: format_skeleton("yMMMM", value, locale=bl),
        number=lambda value: format_decimal(value, locale=bl),
        css_string=css_string,
    )
    return env


def environment(locale: str) -> Environment:
    """The Jinja2 environment for one locale: autoescaping, gettext and the report filters.

    Filters: `date` (2026年9月8日), `day` (9月8日), `day_weekday` (9月8日周二), `month`
    (2026年9月), `number` (12,500) and `css_string` (for generated CSS).
    """
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; expected one of {LOCALES}")
    return _environment(locale, translations(locale))


def render_html(
    template: str, context: Mapping[str, Any], *, locale: str = "zh_Hans", title: str
) -> str:
    """The HTML a PDF is made from (useful to debug a template in a browser).

    The base template receives `title`, `locale`, `lang`, `author`, `page_counter` (CSS) and
    `landscape` (False unless the context sets it: wide tables print on A4 landscape).
    """
    values = {
        "landscape": False,
        "generated_on": None,
        **context,
        "title": title,
        "locale": locale,
        "lang": html_lang(locale),
        "author": AUTHOR,
        "page_counter": page_counter_content(gettext(locale, PAGE_OF)),
    }
    return environment(locale).get_template(template).render(values)


def write_pdf(html: str) -> bytes:
    """Lay out HTML as PDF, loading nothing but `reports/static/` (relative URLs start there).

    Title, author and language come from the HTML's <title>, <meta name=author> and <html lang>.
    In a web worker set up with `lay_out_elsewhere`, the layout runs in a process of its own.
    """
    if _elsewhere is not None:
        return _elsewhere.write_pdf(html)
    return _write_pdf_here(html)


def _write_pdf_here(html: str) -> bytes:
    document = HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=StaticFilesFetcher()
    )
    try:
        return document.write_pdf()
    except FatalURLFetchingError as exc:
        # WeasyPrint stops with a BaseException; hand callers an ordinary one.
        raise ResourceRefused(str(exc.__cause__ or exc)) from exc


def _write_pdf_in_a_slot(html: str, folder: str, slots: int) -> bytes:
    """In the layout process: take one of the machine's `slots` layout slots (a lock file each
    in `folder`, shared by every worker's layout process) — a free one if there is one, else
    wait for one — then lay out."""
    locks = [Path(folder) / f"layout-{n}.lock" for n in range(slots)]
    with ExitStack() as held:
        for path in locks:
            handle = held.enter_context(path.open("a"))
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                held.close()  # taken: let go of the file, try the next
        else:
            handle = held.enter_context(locks[os.getpid() % slots].open("a"))
            fcntl.flock(handle, fcntl.LOCK_EX)
        return _write_pdf_here(html)  # the lock goes with the file's closing


class LayoutProcess:
    """A web worker's layouts, done in a process of its own and at most `slots` at a time on
    the machine.

    A layout is about a second of pure Python (WeasyPrint): in a worker's thread it would hold
    the interpreter lock, and the worker's other threads (a booking, a page) would wait behind
    it; and a few at once would take every core. In its own process it holds no lock of the
    worker's, and the slots leave the cores to the pages: a download waits its turn instead.
    The process is started on the first layout (spawned: a fresh interpreter, nothing of the
    worker's threads or connections) and kept.
    """

    def __init__(self, folder: Path, slots: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.slots = max(1, slots)
        self._executor: ProcessPoolExecutor | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None or self._pid != os.getpid():
                context = multiprocessing.get_context("spawn")
                self._executor = ProcessPoolExecutor(max_workers=1, mp_context=context)
                self._pid = os.getpid()
            return self._executor

    def write_pdf(self, html: str) -> bytes:
        executor = self._pool()
        try:
            return executor.submit(
                _write_pdf_in_a_slot, html, str(self.folder), self.slots
            ).result()
        except BrokenProcessPool:  # the layout process died (killed, out of memory): anew
            with self._lock:
                if self._executor is executor:
                    self._executor = None
            raise

    def close(self) -> None:
        with self._lock:
            if self._executor is not None and self._pid == os.getpid():
                self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


_elsewhere: LayoutProcess | None = None


def lay_out_elsewhere(folder: Path | None, slots: int | None = None) -> None:
    """From now on, `write_pdf` lays out in a process of its own with a machine-wide limit of
    `slots` at once (half the cores by default; lock files in `folder`); None: here again."""
    global _elsewhere
    if _elsewhere is not None:
        _elsewhere.close()
    if folder is None:
        _elsewhere = None
        return
    _elsewhere = LayoutProcess(folder, slots or max(1, (os.cpu_count() or 2) // 2))


def render_pdf(
    template: str, context: Mapping[str, Any], *, locale: str = "zh_Hans", title: str
) -> bytes:
    """Render a template from `reports/templates/` with plain data to PDF bytes.

    `title` is the finished (translated) title: it heads every page after the first and becomes
    the PDF's title; the author is "Fengqiao 枫桥" and the language is the locale's.
    """
    return write_pdf(render_html(template, context, locale=locale, title=title))
