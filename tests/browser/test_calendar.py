"""The calendar in a real browser: a coordinator closes the base and the month shows why."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_coordinator_closes_the_base_and_sees_it_on_the_month(page):
    log_in(page, "coordinator")
    page.get_by_role("link", name="日历", exact=True).click()
    page.goto("/calendar/?year=2026&month=10")
    expect(page.get_by_role("heading", name=re.compile("工作日日历"))).to_be_visible()
    expect(page.locator("td.kind-holiday").first).to_contain_text("国庆节")
    expect(page.locator("td.kind-adjusted_workday")).to_contain_text("调休上班")

    page.get_by_role("link", name="添加暂停安排").click()
    page.get_by_label("暂停对象").select_option(label="研学基地")
    page.get_by_label("具体是哪一个").select_option(index=1)
    page.get_by_label("类型").select_option(label="设施维护")
    page.get_by_label("开始日期").fill("2026-12-03")
    page.get_by_label("结束日期").fill("2026-12-01")
    page.get_by_label("原因").fill("模拟法庭改造")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#ends_on-error")).to_contain_text("结束日期早于开始日期")
    expect(page.get_by_label("原因")).to_have_value("模拟法庭改造")

    page.get_by_label("结束日期").fill("2026-12-04")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("暂停安排已保存")).to_be_visible()
    expect(page.locator("td.closed").first).to_contain_text("模拟法庭改造")


def test_a_provisional_year_is_flagged_on_the_month(page):
    log_in(page, "instructor")
    page.goto("/calendar/?year=2027&month=2")
    expect(page.get_by_text("国务院尚未公布2027年的放假安排")).to_be_visible()
