"""A school asks for a date, the coordinator publishes, the school completes its safety plan
and takes its dates into a calendar app: in a real browser, in Chinese."""

import re

import icalendar
import vobject
from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_school_request_to_published_date_with_safety_plan_and_ics(page, browser, live_server):
    coordinator = browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    log_in(coordinator, "coordinator")
    coordinator.goto("/study/sessions?term=2027-spring")
    coordinator.get_by_label("从").fill("2027-03-01")
    coordinator.get_by_label("到").fill("2027-03-12")
    for name in ("刘建军", "赵振华"):  # the traffic police lead the safety class
        coordinator.get_by_label(name).first.check()
    coordinator.get_by_role("button", name="创建场次").click()
    expect(coordinator.get_by_text(re.compile(r"已在基地开放日创建 \d+ 个场次"))).to_be_visible()

    log_in(page, "school")
    page.get_by_role("link", name="预约研学").first.click()
    march = page.locator("#session_id option", has_text="2027年3月").first.get_attribute("value")
    page.get_by_label("场次").select_option(march)
    page.get_by_label(re.compile("交通安全沉浸式教育课")).check()
    page.get_by_label("带队教师").fill("1")  # too few for the group: the rule says so
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text(re.compile("too_few_teachers"))).to_be_visible()
    expect(page.get_by_label("带队教师")).to_have_value("1")
    page.get_by_label("带队教师").fill("5")
    page.get_by_label(re.compile("交通安全沉浸式教育课")).check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("申请已提交")).to_be_visible()
    expect(page.get_by_text("草稿").first).to_be_visible()
    visit_url = page.url

    coordinator.goto("/study/?term=2027-spring")
    coordinator.get_by_role("button", name="发布本学期全部草稿").click()
    expect(coordinator.get_by_text(re.compile(r"已发布 \d+ 项研学"))).to_be_visible()
    coordinator.context.close()

    page.goto(visit_url)
    expect(page.locator("h1 .status")).to_have_text("已发布")
    page.get_by_label("当天紧急联系人").fill("王老师")
    page.get_by_label("紧急联系电话").fill("13900000000")
    page.get_by_label("出行方式").select_option(label="校车")
    page.get_by_role("button", name="保存安全预案").click()
    expect(page.get_by_text("安全预案已保存")).to_be_visible()

    page.goto("/account")
    page.get_by_role("button", name="开启日历订阅").click()
    feed_url = page.locator("input.feed-url").input_value()
    path = feed_url.split("127.0.0.1:5000", 1)[1]
    response = page.request.get(path)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    body = response.body()
    summaries = [e.summary.value for e in vobject.readOne(body.decode()).vevent_list]
    assert any("交通安全沉浸式教育课" in s for s in summaries)
    assert icalendar.Calendar.from_ical(body).to_ical() == body
