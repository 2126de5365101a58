"""What-if in the browser: a coordinator drafts a lower escalation amount, reads what the year's
disputes would have done with it (counts and both whys), replays a shorter period, publishes."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from calendars import today
from programs.accounts.models import User
from programs.audit import AuditEntry
from programs.decisions import services as decisions
from programs.whatif import services as whatif
from tests.browser.conftest import LIVE_DATABASES, log_in

URL = "/admin/parameters/dispute_escalation"


def _cells(page, label: str) -> list[str]:
    row = page.locator("table.list tr", has=page.locator(f"th:text-is('{label}')"))
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def test_a_coordinator_drafts_reads_the_replay_and_publishes(page, live_server):
    database = LIVE_DATABASES[live_server]
    with database.transaction() as session:
        before = decisions.parameter_values(session, "dispute_escalation")
    lower = before["amount_threshold"] // 2

    log_in(page, "coordinator")
    page.goto(URL)
    page.locator("input[name=p_amount_threshold]").fill(str(lower))
    page.locator("textarea[name=note]").fill("欠薪案件金额普遍下降，试一试较低的上报金额")
    page.get_by_role("button", name="先用历史记录试一试").click()
    page.wait_for_url(re.compile(r"/drafts/\d+$"))
    draft_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("h1")).to_contain_text("尚未发布")
    expect(page.locator("body")).to_contain_text("草稿已保存在现行参数旁")

    live, drafted, difference = _cells(page, "上报的案件")[:3]
    assert int(drafted) > int(live) and difference == f"+{int(drafted) - int(live)}"
    first = page.locator("ol.replay-changes > li").first
    expect(first.locator("h4").nth(0)).to_have_text("按现行参数的理由")
    expect(first.locator("h4").nth(1)).to_have_text("按草稿的理由")
    expect(first.locator("section.why").nth(1)).to_contain_text("一站式")

    # A shorter period: from the first of the last month replayed.
    _start, end = whatif.default_period(today())
    page.locator("input[name=start_on]").fill(end.replace(day=1).isoformat())
    page.get_by_role("button", name="回放", exact=True).click()
    expect(page.locator("body")).to_contain_text(f"{end.month}月1日至")
    shorter = _cells(page, "上报的案件")[:2]
    assert int(shorter[1]) <= int(drafted)

    page.get_by_role("button", name="发布草稿").click()
    page.wait_for_url(re.compile(rf"{URL}$"))
    expect(page.locator(".flash-success")).to_contain_text("已发布为第")
    expect(page.locator("body")).to_contain_text(f"{before['amount_threshold']} → {lower}")
    expect(page.locator("table.list").first).to_contain_text("已发布为第")

    with database.transaction() as session:
        assert (
            decisions.parameter_values(session, "dispute_escalation")["amount_threshold"] == lower
        )
        entry = session.scalar(
            select(AuditEntry)
            .where(AuditEntry.action == "parameters.draft_published")
            .order_by(AuditEntry.id.desc())
        )
        assert entry.subject_id == draft_id
        # Put the city back as it was, for the other tests on this server.
        coordinator = session.scalar(select(User).where(User.username == "coordinator"))
        decisions.change_parameters(
            session, coordinator, "dispute_escalation", before, "the browser test is done"
        )
