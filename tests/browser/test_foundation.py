"""A new user's first minutes, in a real browser: Chinese pages, sign-up, approval, inbox."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_login_page_is_chinese_and_each_role_lands_home(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", name="登录枫桥")).to_be_visible()
    for role, heading in [("coordinator", "全市名录"), ("school", "各年级学生与班级数")]:
        log_in(page, role)
        expect(page).to_have_url(re.compile(f"/{role}$"))
        expect(page.get_by_text(heading).first).to_be_visible()
        page.get_by_role("button", name="退出").click()
        expect(page).to_have_url(re.compile(r"/login"))


def test_a_firm_signs_up_is_approved_and_reads_its_welcome(page, browser, live_server):
    username = f"firm-{uuid.uuid4().hex[:6]}"
    page.goto("/login")
    page.get_by_role("link", name="企业或学校注册").click()
    page.get_by_role("link", name="企业").first.click()

    # A mistyped code comes back with the reason beside the field and everything kept.
    page.get_by_label("统一社会信用代码").fill("91350100M000100Y44")
    page.get_by_label("企业名称").fill("福州示例科技有限公司")
    page.get_by_label("镇街").select_option(label="城关街道")
    page.get_by_label("职工人数").fill("35")
    page.get_by_label("联系人").fill("林晓")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill("secret-123")
    page.get_by_label("再次输入密码").fill("secret-123")
    page.get_by_role("button", name="提交注册申请").click()
    expect(page.locator("#credit_code-error")).to_contain_text("校验码不符")
    expect(page.get_by_label("企业名称")).to_have_value("福州示例科技有限公司")

    page.get_by_label("统一社会信用代码").fill("91350100M000100Y43")
    page.get_by_label("密码", exact=True).fill("secret-123")
    page.get_by_label("再次输入密码").fill("secret-123")
    page.get_by_role("button", name="提交注册申请").click()
    expect(page.get_by_role("heading", name="注册申请已提交")).to_be_visible()

    coordinator = browser.new_context(base_url=live_server).new_page()
    log_in(coordinator, "coordinator")
    coordinator.get_by_role("link", name=re.compile("等待您审核")).click()
    coordinator.get_by_role("link", name=username).click()
    coordinator.get_by_role("button", name="批准").click()
    expect(coordinator.get_by_text(f"已批准 {username}")).to_be_visible()
    coordinator.context.close()

    log_in(page, username, "secret-123")
    expect(page).to_have_url(re.compile(r"/enterprise$"))
    expect(page.get_by_role("heading", name="福州示例科技有限公司")).to_be_visible()
    expect(page.locator(".badge")).to_have_text("1")
    page.get_by_role("link", name=re.compile("站内消息")).click()
    expect(page.get_by_role("button", name=re.compile("欢迎使用枫桥"))).to_be_visible()


def test_phone_width_has_no_horizontal_scroll(page):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, "coordinator")
    page.goto("/directory/enterprises")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
