"""The figures in the browser: a coordinator opens 统计, reads the month against last year,
clicks a figure to see the records behind it, downloads them as CSV, and the report as PDF."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.reports.test_pdf import assert_cjk_font_embedded


def test_dashboard_figure_records_csv_and_report(page, tmp_path):
    log_in(page, "coordinator")
    page.get_by_role("link", name="统计").first.click()
    expect(page.locator("h1")).to_contain_text("统计")
    expect(page.locator("body")).to_contain_text("上年同期")
    assert page.locator("svg[role=img]").count() >= 5  # the charts
    page.locator("input[name=period]").fill("2026-Q3")
    with page.expect_navigation():
        page.get_by_role("button", name="显示").click()
    expect(page.locator("h1")).to_contain_text("2026-Q3")
    with page.expect_navigation():
        page.locator("a:has-text('发现的问题')").first.click()
    expect(page.locator("h1")).to_contain_text("发现的问题")
    records = page.locator("table.records tbody tr").count()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV").click()
    path = tmp_path / "problems.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "星期五" and len(rows) - 1 == records > 0
    page.get_by_role("link", name="返回统计概览").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载报告（PDF）").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert_cjk_font_embedded(pdf)
    # A bad period is explained in words, and the page still shows a month.
    page.locator("input[name=period]").fill("2026年3季度")
    with page.expect_navigation():
        page.get_by_role("button", name="显示").click()
    expect(page.locator("p.error")).to_contain_text("不是有效的期间")
