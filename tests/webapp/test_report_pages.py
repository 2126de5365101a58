"""The figures pages: the dashboard in Chinese with its charts, a figure's records and their
CSV, a bad period explained, and nobody but coordinators."""

from __future__ import annotations

import csv
import io
from datetime import date

from calendars import today as shanghai_today
from reports import figures
from reports.figures import Scope
from reports.periods import month_of


def test_the_dashboard_shows_each_program_and_its_charts(login):
    client = login("coordinator")
    response = client.get("/reports/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for words in ("星期五法治服务日", "法治体检", "三端闭环", "研学基地", "走访市场主体"):
        assert words in html, words
    assert html.count("<svg") >= 5
    month = month_of(shanghai_today())
    assert f"/reports/figures/friday.visits?period={month.code}" in html


def test_a_figure_lists_its_records_and_they_add_up(login, session):
    client = login("coordinator")
    html = client.get("/reports/figures/friday.problems?period=2026").get_data(as_text=True)
    value = figures.get("friday.problems").value(
        session, Scope(date(2026, 1, 1), date(2026, 12, 31))
    )
    assert f"{value.records:,}" in html or str(value.records) in html
    response = client.get("/reports/figures/friday.problems.csv?period=2026")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "星期五" and len(rows) - 1 == value.records


def test_a_bad_period_is_explained_and_the_month_shown(login):
    client = login("coordinator")
    html = client.get("/reports/?period=2026-13").get_data(as_text=True)
    assert "不是有效的期间" in html or "2026-Q4" in html
    assert client.get("/reports/figures/no.such.figure").status_code == 404


def test_only_coordinators_see_the_figures(login):
    for role in ("consultant", "mediator", "enterprise", "chamber", "school", "instructor"):
        client = login(role)
        assert client.get("/reports/").status_code == 403, role
        assert client.get("/reports/figures/friday.visits.csv").status_code == 403, role


def test_the_report_pdf_of_a_quarter(login):
    client = login("coordinator")
    html = client.get("/reports/?period=2026-Q3").get_data(as_text=True)
    assert "/reports/report.pdf?period=2026-Q3" in html
    response = client.get("/reports/report.pdf?period=2026-Q3")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "program-report-2026-Q3.pdf" in response.headers["Content-Disposition"]
    assert client.get("/reports/report.pdf?period=2026-Q9").status_code == 400


def test_the_dashboard_lists_the_data_problems_of_the_period(login, session):
    from reports import quality

    month = month_of(shanghai_today())
    found = quality.problems(session, Scope(month.start_on, month.end_on), shanghai_today())
    html = login("coordinator").get("/reports/").get_data(as_text=True)
    assert ("签发前须处理的记录" in html) == bool(found)
    for problem in found:
        assert f"：{len(problem.table.rows)} —" in html or f": {len(problem.table.rows)} —" in html
