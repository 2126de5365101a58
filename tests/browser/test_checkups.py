"""A legal check-up in the browser: the firm asks; its paired consultant examines it on a
Friday visit and finishes it (the rules grade it); the firm downloads the PDF report and marks
the finding fixed; the consultant verifies the fix at a return visit; the check-up closes."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from calendars import today, working_fridays
from programs.accounts.models import User
from programs.checkups.models import Checkup
from programs.friday import services as friday
from tests.browser.conftest import LIVE_DATABASES, log_in
from tests.reports.test_pdf import assert_cjk_font_embedded, pdftotext


def test_request_examine_report_fix_verify_close(page, browser, live_server, tmp_path):
    database = LIVE_DATABASES[live_server]
    with database.transaction() as session:
        firm_id = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
        for old in session.scalars(select(Checkup).where(Checkup.enterprise_id == firm_id)):
            if old.status in ("requested", "examining"):
                old.status = "cancelled"  # another test's, on the same live server

    # The firm asks for a check-up.
    log_in(page, "enterprise")
    page.goto("/checkups/new")
    page.get_by_label("希望顾问重点查看的内容（可不填）").fill("新版劳动合同和员工手册")
    with page.expect_navigation():
        page.get_by_role("button", name="申请体检").click()
    expect(page.locator("body")).to_contain_text("规则选定")
    checkup_id = int(re.search(r"/checkups/(\d+)", page.url).group(1))
    expect(page.locator("body")).to_contain_text("《中华人民共和国")  # each item's legal basis

    # Its Friday comes: the paired consultant's visit, on the last Friday before today.
    with database.transaction() as session:
        checkup = session.get(Checkup, checkup_id)
        consultant_user = session.scalar(select(User).where(User.username == "consultant"))
        assert checkup.consultant_id == consultant_user.consultant_id
        on = working_fridays(today() - timedelta(days=21), today() - timedelta(days=1))[-1]
        visit = friday.book_visit(
            session,
            consultant_user,
            checkup.friday_request_id,
            checkup.consultant_id,
            on,
            today=on - timedelta(days=14),
            announce=False,
        )
        visit_id = visit.id
        first_item = checkup.items[0].id
        item_ids = [item.id for item in checkup.items]

    # The consultant opens the visit and examines the firm there.
    consultant = browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    log_in(consultant, "consultant")
    consultant.goto(f"/friday/visits/{visit_id}")
    with consultant.expect_navigation():
        consultant.get_by_role("button", name="在本次走访中开展体检").click()
    expect(consultant.locator("#examination")).to_be_visible()
    for item_id in item_ids[1:]:
        consultant.locator(f"input[name='exam-result_{item_id}'][value=compliant]").check()
    consultant.locator(f"input[name='exam-result_{first_item}'][value=finding]").check()
    # Finishing without the finding's words is refused beside the field; the rest is kept.
    consultant.locator(f"select[name='exam-risk_{first_item}']").select_option("high")
    with consultant.expect_navigation():
        consultant.get_by_role("button", name="完成并评级").click()
    expect(consultant.locator(f"#exam-finding_{first_item}-error")).to_contain_text("写明")
    expect(
        consultant.locator(f"input[name='exam-result_{item_ids[-1]}'][value=compliant]")
    ).to_be_checked()
    consultant.locator(f"textarea[name='exam-finding_{first_item}']").fill(
        "三名员工入职超过一个月仍未签订书面劳动合同"
    )
    consultant.locator(f"textarea[name='exam-recommendation_{first_item}']").fill(
        "立即补签书面劳动合同，并核算应支付的二倍工资差额"
    )
    consultant.locator(f"input[name='exam-urgent_{first_item}']").check()
    consultant.locator("textarea[name='exam-summary']").fill("劳动用工存在紧急风险，其余合规。")
    with consultant.expect_navigation():
        consultant.get_by_role("button", name="完成并评级").click()
    expect(consultant.locator("body")).to_contain_text("红色")
    expect(consultant.locator("body")).to_contain_text("serious_and_urgent")  # the why card

    # The firm downloads its report.
    page.goto(f"/checkups/{checkup_id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载体检报告（PDF）").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert_cjk_font_embedded(pdf)
    text = pdftotext(pdf)
    assert "三名员工入职超过一个月仍未签订书面劳动合同" in text
    assert "劳动合同法" in text

    # The firm marks the finding fixed, with a scanned document.
    scan = tmp_path / "补签合同.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed contracts\n")
    page.locator(f"textarea[name='fix-{first_item}-note']").fill("已与三名员工补签劳动合同")
    page.locator(f"input[name='fix-{first_item}-document']").set_input_files(str(scan))
    with page.expect_navigation():
        page.get_by_role("button", name="标记已整改").click()
    expect(page.locator("body")).to_contain_text("回访时核实")

    # The consultant verifies it at the return visit: the check-up closes.
    consultant.goto(f"/checkups/{checkup_id}")
    expect(consultant.locator("body")).to_contain_text("补签合同.pdf")
    with consultant.expect_navigation():
        consultant.get_by_role("button", name="登记回访").click()
    expect(consultant.locator("body")).to_contain_text("已核实")
    expect(consultant.locator("h1")).to_contain_text("已办结")
    with database.transaction() as session:
        checkup = session.get(Checkup, checkup_id)
        assert checkup.status == "closed" and checkup.grade == "red"
        assert checkup.follow_up_request_id is not None and checkup.prevention_case_id
