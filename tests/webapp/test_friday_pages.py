"""The Friday pages: a firm asks, the coordinator books (the rules refuse a holiday Friday in
plain words), the consultant records the visit, the firm sees its problems."""

import re
from datetime import date

from sqlalchemy import select

from calendars import working_fridays
from programs.accounts.models import User
from programs.directory.models import Enterprise
from programs.friday import services
from programs.friday.models import FridayRequest, FridayVisit, Pairing
from tests.helpers import post_form


def _ask(client) -> int:
    html = client.get("/friday/requests/new").get_data(as_text=True)
    friday = re.search(r'name="preferred_fridays" type="checkbox" value="([0-9-]+)"', html)
    response = post_form(
        client,
        "/friday/requests/new",
        {
            "venue_kind": "premises",
            "topics": ["labour", "contracts"],
            "description": "员工加班费计算和劳动合同续签",
            "preferred_fridays": [friday.group(1)],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_firm_asks_and_is_paired_with_a_consultant_who_knows_the_topics(login, session):
    client = login("enterprise")
    request_id = _ask(client)
    page = client.get(f"/friday/requests/{request_id}").get_data(as_text=True)
    assert "结对专家" in page and "为什么是这位专家" in page
    firm_id = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
    pairing = session.scalar(
        select(Pairing).where(Pairing.enterprise_id == firm_id, Pairing.ended_on.is_(None))
    )
    assert pairing.consultant.name in page
    assert {"labour", "contracts"} <= set(pairing.consultant.expertise)


def test_a_rejected_request_comes_back_filled_in(login):
    client = login("enterprise")
    response = post_form(
        client,
        "/friday/requests/new",
        {"venue_kind": "premises", "description": "没有选主题"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "没有选主题" in html and "请至少选择一个主题" in html


def test_the_coordinator_books_is_refused_a_holiday_and_the_consultant_records(login, session):
    request_id = _ask(login("enterprise"))
    coordinator = login("coordinator")
    url = f"/friday/requests/{request_id}"
    pairing = session.scalar(
        select(Pairing).join(FridayRequest, FridayRequest.enterprise_id == Pairing.enterprise_id)
    )
    refused = post_form(
        coordinator,
        url,
        {"action": "book", "book-consultant_id": pairing.consultant_id, "book-on": "2027-01-01"},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "元旦" in html and "holiday_friday" in html
    friday = working_fridays(date(2026, 12, 1), date(2026, 12, 31))[1]
    booked = post_form(
        coordinator,
        url,
        {
            "action": "book",
            "book-consultant_id": pairing.consultant_id,
            "book-on": friday.isoformat(),
        },
    )
    assert booked.status_code == 302
    visit = session.scalar(select(FridayVisit).where(FridayVisit.request_id == request_id))
    assert visit.on == friday and visit.status == "published"
    visit.on = date(2026, 11, 27)  # as if the Friday had come: the visit can be recorded
    session.flush()
    recorded = post_form(
        coordinator,
        f"/friday/visits/{visit.id}",
        {
            "action": "record",
            "record-met": "总经理、人事主管",
            "record-minutes": "90",
            "record-problems-0-category": "labour",
            "record-problems-0-description": "加班费按基本工资计算，低于法定标准",
            "record-problems-0-solved": "y",
            "record-problems-1-category": "contracts",
            "record-problems-1-description": "三份劳动合同即将到期未续签",
            "record-problems-1-follow_up": "y",
        },
    )
    assert recorded.status_code == 302, recorded.get_data(as_text=True)[:3000]
    firm_page = login("enterprise").get("/friday/").get_data(as_text=True)
    assert "劳动用工" in firm_page or "劳动" in firm_page
    visit_page = login("enterprise").get(f"/friday/visits/{visit.id}").get_data(as_text=True)
    assert "加班费按基本工资计算" in visit_page and "当场解决" in visit_page


def test_the_coordinator_drafts_and_publishes_the_roster_and_prints_it(login, session, tmp_path):
    import subprocess

    client = login("coordinator")
    url = "/friday/roster?month=2026-12"
    assert "生成" in client.get(url).get_data(as_text=True) or client.get(url).status_code == 200
    assert post_form(client, url, {"action": "draft"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "草稿" in page and "结对专家" in page
    roster_id = re.search(r'name="roster_id" value="(\d+)"', page).group(1)
    assert post_form(client, url, {"action": "publish", "roster_id": roster_id}).status_code == 302
    assert "已发布" in client.get(url).get_data(as_text=True)
    pdf = client.get("/friday/roster.pdf?month=2026-12")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    path = tmp_path / "roster.pdf"
    path.write_bytes(pdf.data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert any(
        ("WenQuanYi" in line or "NotoSansCJK" in line) and " yes " in line
        for line in fonts.splitlines()
    )
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "排班" in text


def test_firms_do_not_see_the_roster(login):
    assert login("enterprise").get("/friday/roster").status_code == 403


def test_a_firm_books_half_an_hour_at_a_studio_and_a_second_firm_cannot_take_it(login, session):
    from programs.friday.models import OfficeBooking, OfficeHours

    hours = session.scalars(select(OfficeHours).order_by(OfficeHours.on, OfficeHours.id)).first()
    free = next(
        at
        for at in services.half_hours(hours.starts, hours.ends)
        if not any(b.starts == at and b.status == "booked" for b in hours.bookings)
    )
    firm = login("enterprise")
    data = {
        "action": "book",
        "slot-office_hours_id": hours.id,
        "slot-starts": free.strftime("%H:%M"),
        "slot-topic": "contracts",
        "slot-note": "合同审查",
    }
    assert post_form(firm, "/friday/studios", data).status_code == 302
    booking = session.scalar(
        select(OfficeBooking).where(
            OfficeBooking.office_hours_id == hours.id, OfficeBooking.starts == free
        )
    )
    assert booking is not None and booking.status == "booked"
    coordinator = login("coordinator")
    other = session.scalar(
        select(Enterprise.id).where(Enterprise.id != booking.enterprise_id).limit(1)
    )
    again = post_form(coordinator, "/friday/studios", {**data, "slot-enterprise_id": other})
    assert again.status_code == 422
    assert "slot_taken" in again.get_data(as_text=True)


def test_the_paired_consultant_books_a_visit_directly_checked_by_the_same_rules(login, session):
    request_id = _ask(login("enterprise"))
    consultant = login("consultant")
    url = f"/friday/requests/{request_id}"
    assert consultant.get(url).status_code == 200  # the firm's paired consultant sees it
    refused = post_form(consultant, url, {"action": "book", "book-on": "2027-02-05"})
    assert refused.status_code == 422 and "春节" in refused.get_data(as_text=True)
    friday = working_fridays(date(2026, 12, 7), date(2026, 12, 31))[0]
    booked = post_form(consultant, url, {"action": "book", "book-on": friday.isoformat()})
    assert booked.status_code == 302
    visit = session.scalar(select(FridayVisit).where(FridayVisit.request_id == request_id))
    me = session.scalar(select(User).where(User.username == "consultant"))
    assert visit.consultant_id == me.consultant_id and visit.on == friday


def test_a_consultant_declares_a_conflict_and_is_no_longer_the_pair(login, session):
    _ask(login("enterprise"))
    firm_id = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
    me = session.scalar(select(User).where(User.username == "consultant"))
    pairing = session.scalar(
        select(Pairing).where(Pairing.enterprise_id == firm_id, Pairing.ended_on.is_(None))
    )
    assert pairing.consultant_id == me.consultant_id  # the demo logins are paired
    client = login("consultant")
    empty = post_form(client, "/friday/conflicts", {"reason": "没写对象"})
    assert empty.status_code == 422 and "没写对象" in empty.get_data(as_text=True)
    done = post_form(
        client, "/friday/conflicts", {"enterprise_id": firm_id, "reason": "曾代理其对方当事人"}
    )
    assert done.status_code == 302
    session.refresh(pairing)
    assert pairing.ended_on is not None and pairing.end_reason == "conflict_of_interest"


def test_a_coordinator_keeps_a_consultants_expertise_current(login, session):
    from programs.directory.models import Consultant

    consultant = session.scalar(select(Consultant).order_by(Consultant.id))
    url = f"/directory/consultants/{consultant.id}/edit"
    client = login("coordinator")
    bad = post_form(
        client,
        url,
        {"home_town_id": consultant.home_town_id, "visits_per_friday": "12", "title": "主任"},
    )
    assert bad.status_code == 422 and 'value="主任"' in bad.get_data(as_text=True)
    good = post_form(
        client,
        url,
        {
            "home_town_id": consultant.home_town_id,
            "visits_per_friday": "3",
            "expertise": ["tax", "financing"],
            "active": "y",
        },
    )
    assert good.status_code == 302
    session.refresh(consultant)
    assert consultant.expertise == ["financing", "tax"] and consultant.visits_per_friday == 3
