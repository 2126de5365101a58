"""The labour loop in the browser: a mediator opens a labour case, moves it through mediation
to an agreement and judicial confirmation, downloads the agreement, records the return visit;
the coordinator saw it on the supervision list while its mediation was overdue."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from calendars import today
from programs.accounts.models import User
from programs.disputes import daily
from programs.disputes.models import DisputeCase
from tests.browser.conftest import LIVE_DATABASES, log_in


def _move(page, stage: str, reason: str, **fields: str) -> None:
    page.locator("select[name='move-to_stage']").select_option(stage)
    for name, value in fields.items():
        page.locator(f"[name='move-{name}']").fill(value)
    page.locator("textarea[name='move-reason']").fill(reason)
    with page.expect_navigation():
        page.locator("form:has(input[name=action][value=move]) button[type=submit]").click()


def test_a_labour_case_from_intake_to_feedback(page, browser, live_server, tmp_path):
    database = LIVE_DATABASES[live_server]
    with database.transaction() as session:
        firm_id = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))

    log_in(page, "mediator")
    page.goto("/disputes/new")
    page.locator("select[name=case_type]").select_option("labour")
    page.locator("select[name=subject]").select_option("wage_arrears")
    page.locator("select[name=enterprise_id]").select_option(str(firm_id))
    page.locator("textarea[name=summary]").fill("拖欠两名工人三个月工资")
    page.locator("input[name=workers]").fill("2")
    page.locator("input[name=amount_claimed]").fill("42000")
    page.locator("input[name=worker_name_1]").fill("赵铁柱")
    page.locator("input[name=worker_contact_1]").fill("13700002222")
    page.locator("form button[type=submit].primary").click()
    page.wait_for_url(re.compile(r"/disputes/\d+$"))
    case_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("body")).to_contain_text("专业调解")

    _move(page, "mediation", "双方同意调解")
    expect(page.locator("body")).to_contain_text("劳动争议调解仲裁法")  # art. 14, counted

    # Fifteen days and more pass without an agreement: the tick marks the mediation overdue.
    with database.transaction() as session:
        case = session.get(DisputeCase, case_id)
        later = case.due_on + timedelta(days=1)
        daily.tick(session, later)
        assert case.overdue and case.escalated
        number = case.number
    coordinator = browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    log_in(coordinator, "coordinator")
    coordinator.goto("/disputes/supervision")
    expect(coordinator.locator("body")).to_contain_text(number)
    coordinator.get_by_role("link", name=number).click()
    expect(coordinator.locator("body")).to_contain_text("逾期")

    # The parties agree after all; the mediator records it and they apply for confirmation.
    _move(page, "agreement", "双方达成调解协议",
          **{"agreement_terms": "十日内一次性支付工资三万六千元", "agreed_amount": "36000"})  # fmt: skip
    expect(page.locator("body")).to_contain_text("十日内一次性支付工资三万六千元")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("调解协议书")).click()
    path = tmp_path / "agreement.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    _move(page, "judicial_confirmation", "双方共同向法院申请司法确认")
    _move(page, "feedback", "法院裁定确认协议有效，已履行")

    page.locator("input[name='feedback-visited_on']").fill(today().isoformat())
    page.locator("select[name='feedback-satisfaction']").select_option("5")
    page.locator("textarea[name='feedback-note']").fill("工人已收到全部工资")
    with page.expect_navigation():
        page.locator("form:has(input[name=action][value=feedback]) button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("工人已收到全部工资")

    with database.transaction() as session:
        case = session.get(DisputeCase, case_id)
        assert case.stage == "feedback" and case.satisfaction == 5
        assert [t.to_stage for t in case.transitions] == [
            "intake", "mediation", "agreement", "judicial_confirmation", "feedback",
        ]  # fmt: skip
        assert all(t.reason for t in case.transitions[1:])
