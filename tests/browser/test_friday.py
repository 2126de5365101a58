"""Friday Law Service Day in the browser: a firm asks, the coordinator drafts and publishes the
month's roster with the request on it, the consultant records the visit and its problems, and
the firm reads them on its page."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from calendars import today, working_fridays
from programs.accounts.models import User
from programs.directory.models import Consultant
from programs.friday.models import FridayVisit
from tests.browser.conftest import LIVE_DATABASES, log_in


def test_request_roster_record_and_the_firm_sees_its_problems(page, browser, live_server):
    database = LIVE_DATABASES[live_server]
    with database.transaction() as session:
        me = session.scalar(select(User).where(User.username == "consultant"))
        topic = session.get(Consultant, me.consultant_id).expertise[0]
    # The firm asks for a visit about a topic its paired consultant knows.
    log_in(page, "enterprise")
    page.goto("/friday/requests/new")
    page.locator(f"input[name=topics][value={topic}]").check()
    page.get_by_label("具体事项（几句话即可）").fill("股东出资期限是否需要调整")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/friday/requests/\d+$"))
    request_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("body")).to_contain_text("结对专家")

    # The coordinator drafts next month's roster and publishes it.
    coordinator = browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    log_in(coordinator, "coordinator")
    coordinator.goto("/friday/roster")
    coordinator.get_by_role("button", name=re.compile("生成排班草稿")).click()
    expect(coordinator.locator("body")).to_contain_text("已生成草稿")
    coordinator.get_by_role("button", name=re.compile("发布 .* 个草稿走访")).click()
    expect(coordinator.locator("body")).to_contain_text("已发布")

    with database.transaction() as session:
        visit = session.scalar(select(FridayVisit).where(FridayVisit.request_id == request_id))
        assert visit is not None and visit.status == "published"
        assert visit.consultant_id == me.consultant_id  # the paired consultant goes
        # The Friday comes: the visit moves to the last Friday before today.
        visit.on = working_fridays(today() - timedelta(days=21), today())[-1]
        visit_id = visit.id

    # The consultant records the visit and the problems found.
    consultant = browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    log_in(consultant, "consultant")
    consultant.goto(f"/friday/visits/{visit_id}")
    consultant.get_by_label("接待人员").fill("总经理、财务负责人")
    consultant.get_by_label("用时（分钟）").fill("80")
    consultant.locator("select[name='record-problems-0-category']").select_option("management")
    consultant.locator("input[name='record-problems-0-description']").fill("认缴出资期限超过五年")
    consultant.locator("input[name='record-problems-0-solved']").check()
    consultant.locator("select[name='record-problems-1-category']").select_option("contracts")
    consultant.locator("input[name='record-problems-1-description']").fill("对外担保合同需要审查")
    consultant.locator("input[name='record-problems-1-follow_up']").check()
    consultant.get_by_role("button", name="保存记录").click()
    expect(consultant.locator("body")).to_contain_text("已记录")

    # The firm sees the visit and its problems.
    page.goto(f"/friday/visits/{visit_id}")
    html = page.content()
    assert "认缴出资期限超过五年" in html and "当场解决" in html and "已申请跟进" in html
    page.goto("/friday/")
    assert page.locator("text=企业管理").count() > 0  # the problem's category on its list
