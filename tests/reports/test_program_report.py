"""The program report as PDF over the demo city: it renders with a CJK font embedded, and the
figures in its text are the figures the database gives."""

from __future__ import annotations

from datetime import date

import pytest

from reports import figures, program_report
from reports.figures import Scope
from reports.periods import parse_period
from tests.reports.test_pdf import assert_cjk_font_embedded, pdftotext

TODAY = date(2026, 11, 28)


@pytest.fixture
def november(session):
    return program_report.program_report(
        session, parse_period("2026-11"), None, today=TODAY, locale="zh_Hans"
    )


def test_the_report_renders_with_its_figures(session, november, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(program_report.program_report_pdf(november))
    assert_cjk_font_embedded(path)
    text = pdftotext(path)
    scope = Scope(date(2026, 11, 1), date(2026, 11, 30))
    entities = figures.get("friday.entities_visited").value(session, scope).total
    solved = figures.get("friday.problems_solved").value(session, scope).total
    resolved = figures.get("disputes.disputes_resolved").value(session, scope).total
    squeezed = "".join(text.split())
    assert f"走访了{entities:,}个市场主体" in squeezed
    assert f"当场解决问题{solved:,}个" in squeezed or f"{solved:,}" in squeezed
    assert f"{resolved:,}" in squeezed
    for heading in ("星期五法治服务日", "法治体检", "三端闭环", "研学基地", "月报"):
        assert heading in squeezed, heading


def test_the_narrative_names_the_largest_changes(november):
    assert len(november.narrative) >= 1
    assert november.narrative[0].startswith("2026-11")


def test_quarter_and_year(session):
    for code in ("2026-Q3", "2025"):
        data = program_report.program_report(
            session, parse_period(code), None, today=TODAY, locale="en"
        )
        html = program_report.program_report_html(data, "en")
        assert "Quarterly report" in html or "Annual report" in html
