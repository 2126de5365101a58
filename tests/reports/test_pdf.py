"""PDF reports: the study-tour term plan renders, embeds a CJK font, numbers its pages, and loads
nothing but our own static files.

Labels are translated later, so assertions stand on structure, fonts and the Chinese names that
come from the data, never on translated words (the page label is rebuilt from the catalog).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from programs.i18n import gettext
from reports import pdf, registry
from reports.study_tours import (
    DEFAULT_TITLE,
    PlanRow,
    StudyTourPlanReport,
    term_plan_html,
    term_plan_pdf,
)
from tests.reports import plans

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CJK_FONT = re.compile(r"WenQuanYi|NotoSansCJK|Noto Sans CJK|NotoSerifCJK", re.IGNORECASE)


def tool(name: str) -> str:
    """The path of a poppler tool; a missing tool skips the test, or fails it under CI."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} (Debian's poppler-utils) is not installed"
        if IN_CI:
            pytest.fail(message + "; CI must check the embedded fonts")
        pytest.skip(message)
    return path


def run(*args: str | Path) -> str:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def pdftotext(path: Path, *pages: int) -> str:
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return run(tool("pdftotext"), "-layout", *span, path, "-")


def fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table as dicts: name, type, encoding, emb, sub, uni."""
    lines = run(tool("pdffonts"), path).splitlines()
    # The dashes under the header give each column's width.
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    keys = [lines[0][a:b].strip().lower() for a, b in spans]
    rows = []
    for line in lines[2:]:
        cells = [line[a:b].strip() for a, b in spans]
        cells[-1] = line[spans[-1][0] :].strip()
        rows.append(dict(zip(keys, cells, strict=True)))
    return rows


def pdf_objects(data: bytes) -> bytes:
    """The PDF's objects, with compressed (object) streams inflated, for looking up keys."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def squeeze(text: str) -> str:
    """Text without whitespace: a name a table cell wraps still reads whole."""
    return re.sub(r"\s+", "", text)


class Rendered:
    """A PDF written to disk, with what WeasyPrint logged while making it."""

    def __init__(self, path: Path, plan, locale: str):
        handler = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        try:
            path.write_bytes(term_plan_pdf(plan, locale))
        finally:
            logger.removeHandler(handler)
        self.path, self.plan, self.locale, self.log = path, plan, locale, handler.records


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Rendered:
    """The city-wide plan of a whole autumn term: 150 visits (takes a few seconds)."""
    return Rendered(tmp_path_factory.mktemp("pdf") / "city.pdf", plans.city_plan(150), "zh_Hans")


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> Rendered:
    """One school's plan: one portrait page."""
    return Rendered(tmp_path_factory.mktemp("pdf") / "school.pdf", plans.school_plan(), "zh_Hans")


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Rendered:
    """A short city-wide plan in English: a few landscape pages."""
    return Rendered(tmp_path_factory.mktemp("pdf") / "en.pdf", plans.city_plan(24), "en")


def assert_cjk_font_embedded(path: Path) -> None:
    table = fonts(path)
    cjk = [f for f in table if CJK_FONT.search(f["name"])]
    assert cjk, f"no CJK font embedded (WeasyPrint draws empty boxes without one): {table}"
    assert all(f["emb"] == "yes" for f in cjk), cjk


def first_page_png(path: Path) -> tuple[int, int]:
    """Rasterise page 1 as pdftoppm does for a preview; return its width and height."""
    prefix = path.with_suffix("")
    run(tool("pdftoppm"), "-png", "-r", "60", "-f", "1", "-l", "1", path, prefix)
    [png] = path.parent.glob(prefix.name + "*.png")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# --- the term plan ---------------------------------------------------------------------------


@pytest.mark.slow
def test_city_wide_plan_of_150_visits(city):
    assert city.path.read_bytes().startswith(b"%PDF-")
    text = squeeze(pdftotext(city.path))
    assert len(city.plan.rows) == 150
    for school_name in {row.school for row in city.plan.rows}:
        assert school_name in text
    for name in ("清河市", plans.BASE, "模拟法庭", "钱文静", "上午09:00–10:30"):
        assert name in text
    for month, _rows in city.plan.months:
        assert f"{month.year}年{month.month}月" in text  # one table per month
    assert not city.log, [r.getMessage() for r in city.log]


@pytest.mark.slow
def test_city_wide_plan_embeds_a_cjk_font(city):
    assert_cjk_font_embedded(city.path)


@pytest.mark.slow
def test_city_wide_plan_numbers_its_pages_and_repeats_the_table_header(city):
    pages = pdftotext(city.path).split("\f")[:-1]
    assert len(pages) > 2  # 150 visits do not fit on two pages
    label = gettext("zh_Hans", pdf.PAGE_OF).format(page=2, pages=len(pages))
    assert squeeze(label) in squeeze(pages[1])
    heading = squeeze(gettext("zh_Hans", "Date"))  # the plan table's first column
    assert all(heading in squeeze(page) for page in pages[1:])


@pytest.mark.slow
def test_city_wide_plan_prints_landscape(city):
    width, height = first_page_png(city.path)
    assert width > height


def test_one_school_plan(school):
    assert school.path.read_bytes().startswith(b"%PDF-")
    text = squeeze(pdftotext(school.path))
    assert plans.SCHOOL_ONE in text
    for row in school.plan.rows:
        assert all(name in text for name in row.activities + row.instructors)
    assert_cjk_font_embedded(school.path)
    width, height = first_page_png(school.path)
    assert width < height  # portrait
    assert not school.log, [r.getMessage() for r in school.log]


def test_metadata_title_author_and_language(school):
    info = run(tool("pdfinfo"), school.path)
    title = gettext("zh_Hans", DEFAULT_TITLE)
    assert re.search(r"^Title:\s+" + re.escape(title) + "$", info, re.M), info
    assert re.search(r"^Author:\s+Fengqiao 枫桥$", info, re.M), info
    assert b"/Lang (zh-Hans)" in pdf_objects(school.path.read_bytes())


def test_renders_in_english_with_numbered_pages(english):
    pages = pdftotext(english.path).split("\f")[:-1]
    assert len(pages) >= 2
    assert "Study-tour term plan" in pages[0]  # English is the source language
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert "Date" in pages[1]  # the table header repeats
    text = squeeze("".join(pages))
    assert all(row.school in text for row in english.plan.rows)
    assert_cjk_font_embedded(english.path)  # the names are still Chinese
    assert b"/Lang (en)" in pdf_objects(english.path.read_bytes())
    assert not english.log, [r.getMessage() for r in english.log]


def test_provisional_warning_only_when_some_year_is_provisional():
    quiet = plans.school_plan(rows=(), provisional_years=())
    given = plans.school_plan(rows=(), provisional_years=(2027,))
    warned = plans.school_plan()  # its January 2027 visit is provisional
    assert quiet.warning_years == ()
    assert given.warning_years == warned.warning_years == (2027,)
    html_quiet = term_plan_html(quiet)
    html_warned = term_plan_html(warned)
    assert 'class="warning"' not in html_quiet
    assert 'class="warning"' in html_warned and "2027" in html_warned
    assert html_warned.count("tag-provisional") == 1  # the one visit in 2027


def test_data_cannot_inject_markup(tmp_path):
    hostile = '<img src="http://example.com/x.png">'
    plan = plans.school_plan(school=hostile, rows=())
    path = tmp_path / "hostile.pdf"
    path.write_bytes(term_plan_pdf(plan, "en"))  # would raise ResourceRefused if fetched
    assert squeeze(hostile) in squeeze(pdftotext(path))


# --- the plain data ----------------------------------------------------------------------------


def test_totals():
    plan = plans.city_plan(40)
    totals = plan.totals
    assert totals.visits == 40
    assert totals.students == sum(r.students for r in plan.rows)
    assert totals.schools == len({r.school for r in plan.rows})
    touring = {(r.on, r.slot, r.school) for r in plan.rows if r.kind == "touring"}
    assert totals.touring_sessions == len(touring)
    assert sum(len(rows) for _m, rows in plan.months) == 40
    assert [r.on for r in plan.rows] == sorted(r.on for r in plan.rows)


def test_a_row_must_fall_on_its_weekday():
    row = plans.rows(1)[0]
    with pytest.raises(ValueError, match="weekday"):
        replace(row, weekday=(row.weekday + 1) % 7)
    with pytest.raises(ValueError, match="kind"):
        replace(row, kind="bus")


def test_teacher_ratio():
    row = PlanRow(
        on=date(2026, 9, 8), weekday=1, slot="上午", kind="base", school="s", town="t",
        grade=5, classes=2, students=81, teachers=4,
    )  # fmt: skip
    assert row.teachers_needed == 5 and row.few_teachers
    assert not replace(row, teachers=5).few_teachers


def test_registered_as_a_report_type():
    report = registry.get("study_tour_plan")
    assert isinstance(report, StudyTourPlanReport)
    assert report in registry.all_types()
    filename, mimetype, data = report.render(plans.school_plan(rows=()), "zh_Hans")
    assert (filename, mimetype) == ("study-tour-plan-2026-autumn-school.pdf", "application/pdf")
    assert data.startswith(b"%PDF-")
    with pytest.raises(TypeError):
        report.render({"rows": []}, "zh_Hans")


# --- loading nothing but our own files ---------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens a socket connection."""

    def refuse(self, address):
        raise AssertionError(f"network access to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/report.css",
        "ftp://example.com/x.png",
        "file:///etc/passwd",
        "file://otherhost/etc/passwd",
        pdf.STATIC_DIR.as_uri() + "/../pdf.py",
        pdf.STATIC_DIR.as_uri() + "/missing.png",
        pdf.STATIC_DIR.as_uri(),
    ],
)
def test_fetcher_refuses_everything_but_static_files(url, no_network):
    with pytest.raises(pdf.ResourceRefused):
        pdf.StaticFilesFetcher().fetch(url)


def test_fetcher_serves_static_files_and_data_uris():
    fetcher = pdf.StaticFilesFetcher()
    css = fetcher.fetch(pdf.STATIC_DIR.as_uri() + "/report.css")
    assert css.content_type == "text/css"
    assert b"@page" in css.read()
    data = fetcher.fetch("data:text/plain;base64,aGk=")
    assert data.read() == b"hi"


@pytest.mark.parametrize(
    "html",
    [
        '<p>x</p><img src="http://example.com/x.png">',
        '<link rel="stylesheet" href="file:///etc/passwd"><p>x</p>',
        '<style>@import url("https://example.com/a.css");</style><p>x</p>',
        '<p style="background: url(http://example.com/bg.png)">x</p>',
    ],
)
def test_a_template_that_references_other_urls_does_not_render(html, no_network):
    with pytest.raises(pdf.ResourceRefused):
        pdf.write_pdf(f"<!doctype html><html><head><title>t</title></head><body>{html}</body>")


def test_css_strings_cannot_escape_the_style_element():
    value = pdf.css_string('a"b\\c</style><script>\n')
    assert value == '"a\\22 b\\5c c\\3c /style\\3e \\3c script\\3e \\a "'
    assert pdf.page_counter_content("第 {page} 页 / 共 {pages} 页") == (
        '"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
    )
    assert pdf.page_counter_content("{page}/{pages}") == 'counter(page) "/" counter(pages)'


def test_unknown_locale_is_refused():
    with pytest.raises(ValueError):
        pdf.environment("fr")


def test_cover_block_can_fill_a_page():
    env = pdf.environment("en")
    template = env.from_string(
        '{% import "_macros.html" as m %}'
        '{{ m.cover("Plan", "清河市", subtitle="<b>base</b>", full_page=true) }}'
    )
    html = template.render()
    assert 'class="cover cover-page"' in html
    assert "&lt;b&gt;base&lt;/b&gt;" in html  # data is escaped
    assert "清河市" in html


# --- laid out beside the web worker --------------------------------------------------------


@pytest.fixture
def elsewhere(tmp_path):
    pdf.lay_out_elsewhere(tmp_path / "layout", 1)
    yield pdf._elsewhere
    pdf.lay_out_elsewhere(None)


def test_a_layout_elsewhere_gives_the_same_document_from_another_process(elsewhere, tmp_path):
    html = (
        '<!doctype html><html lang="zh-Hans"><head><title>研学计划</title>'
        '<link rel="stylesheet" href="report.css"></head><body><p>枫桥 研学</p></body></html>'
    )
    made, here = tmp_path / "elsewhere.pdf", tmp_path / "here.pdf"
    made.write_bytes(pdf.write_pdf(html))
    here.write_bytes(pdf._write_pdf_here(html))
    assert "枫桥 研学" in pdftotext(made) and pdftotext(made) == pdftotext(here)
    workers = set(elsewhere._executor._processes)
    assert workers and os.getpid() not in workers
    assert pdf.write_pdf(html).startswith(b"%PDF")
    assert set(elsewhere._executor._processes) == workers  # the same process, kept


def test_a_refusal_in_the_layout_process_reaches_the_caller(elsewhere, no_network):
    with pytest.raises(pdf.ResourceRefused):
        pdf.write_pdf(
            "<!doctype html><html><head><title>t</title></head><body>"
            '<img src="http://example.com/x.png"></body></html>'
        )


def test_a_layout_waits_while_the_machines_slots_are_taken(tmp_path):
    import fcntl
    import threading

    slot = tmp_path / "layout-0.lock"
    html = "<!doctype html><html><head><title>t</title></head><body><p>x</p></body></html>"
    done = threading.Event()
    with slot.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another worker's layout holds the only slot
        thread = threading.Thread(
            target=lambda: (pdf._write_pdf_in_a_slot(html, str(tmp_path), 1), done.set())
        )
        thread.start()
        assert not done.wait(1.0)
        fcntl.flock(handle, fcntl.LOCK_UN)
    thread.join(30)
    assert done.is_set()
