"""The check-up pages: a firm asks; a refused examination comes back filled in with the error
beside the item's field; a finished one shows the grade and why; the firm's fix with a document;
access: nobody else sees a firm's check-up or its documents."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import select

from calendars import today as shanghai_today
from calendars import working_fridays
from programs.accounts.models import User
from programs.checkups.models import Checkup
from programs.friday import services as friday
from tests.helpers import csrf_token, post_form


def _firm_id(session) -> int:
    firm_id = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
    for old in session.scalars(select(Checkup).where(Checkup.enterprise_id == firm_id)):
        if old.status in ("requested", "examining"):
            old.status = "cancelled"
    session.flush()
    return firm_id


def _ask(client, note: str = "劳动合同和员工手册") -> int:
    response = post_form(client, "/checkups/new", {"note": note})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/checkups/(\d+)", response.headers["Location"]).group(1))


def _visit(session, checkup_id: int):
    checkup = session.get(Checkup, checkup_id)
    on = working_fridays(shanghai_today() - timedelta(days=21), shanghai_today())[-1]
    consultant = session.scalar(select(User).where(User.username == "consultant"))
    visit = friday.book_visit(
        session,
        consultant,
        checkup.friday_request_id,
        checkup.consultant_id,
        on,
        today=on - timedelta(days=14),
        announce=False,
    )
    session.flush()
    return checkup, visit


def _exam_data(checkup, visit, finding_item=None, **finding) -> dict:
    data = {"exam-visit_id": str(visit.id), "exam-summary": "总体较好"}
    for item in checkup.items:
        data[f"exam-result_{item.id}"] = "compliant"
    if finding_item is not None:
        data[f"exam-result_{finding_item.id}"] = "finding"
        for key, value in finding.items():
            data[f"exam-{key}_{finding_item.id}"] = value
    return data


def test_a_firm_asks_and_reads_what_will_be_checked_and_why(login, session):
    _firm_id(session)
    client = login("enterprise")
    page = client.get("/checkups/new").get_data(as_text=True)
    assert "申请" in page and "星期五" in page
    checkup_id = _ask(client)
    page = client.get(f"/checkups/{checkup_id}").get_data(as_text=True)
    assert "劳动合同和员工手册" in page
    assert "《中华人民共和国劳动合同法》" in page  # each item's legal basis, in Chinese
    assert "every_firm_contracts" in page  # the why card names the rule that chose items
    listed = client.get("/checkups/").get_data(as_text=True)
    assert session.get(Checkup, checkup_id).number in listed


def test_a_refused_examination_comes_back_filled_in(login, session):
    _firm_id(session)
    checkup_id = _ask(login("enterprise"))
    checkup, visit = _visit(session, checkup_id)
    first = checkup.items[0]
    consultant = login("consultant")
    data = _exam_data(checkup, visit, first, risk="high", finding="", recommendation="补签合同")
    data["finish"] = "1"
    response = post_form(
        consultant, f"/checkups/{checkup_id}/examination", data, page=f"/checkups/{checkup_id}"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "补签合同" in html  # what was typed is kept
    assert f'id="exam-finding_{first.id}-error"' in html  # the error beside the item's field
    assert session.get(Checkup, checkup_id).status in ("requested", "examining")
    data[f"exam-finding_{first.id}"] = "两名员工未签劳动合同"
    data[f"exam-urgent_{first.id}"] = "y"
    response = post_form(
        consultant, f"/checkups/{checkup_id}/examination", data, page=f"/checkups/{checkup_id}"
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    html = consultant.get(f"/checkups/{checkup_id}").get_data(as_text=True)
    assert "serious_and_urgent" in html and "两名员工未签劳动合同" in html
    session.expire_all()
    assert session.get(Checkup, checkup_id).grade == "red"
    pdf = consultant.get(f"/checkups/{checkup_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_firm_fixes_with_a_document_and_only_it_and_its_staff_see_it(login, session):
    _firm_id(session)
    firm = login("enterprise")
    checkup_id = _ask(firm)
    checkup, visit = _visit(session, checkup_id)
    first = checkup.items[0]
    consultant = login("consultant")
    data = _exam_data(checkup, visit, first, risk="low", finding="制度缺失", recommendation="制定")
    data["finish"] = "1"
    assert (
        post_form(
            consultant, f"/checkups/{checkup_id}/examination", data, page=f"/checkups/{checkup_id}"
        ).status_code
        == 302
    )
    home = firm.get("/enterprise").get_data(as_text=True)
    assert re.search(r'<span class="num">[1-9]\d*</span> 项问题待整改', home)
    assert session.get(Checkup, checkup_id).number in home
    token = csrf_token(firm, f"/checkups/{checkup_id}")
    bad = firm.post(
        f"/checkups/items/{first.id}/fixed",
        data={
            "csrf_token": token,
            f"fix-{first.id}-note": "已制定制度",
            f"fix-{first.id}-document": (
                io.BytesIO(b"MZ not a pdf"),
                "制度.pdf",
                "application/pdf",
            ),
        },
        content_type="multipart/form-data",
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "已制定制度" in html  # refused, kept
    response = firm.post(
        f"/checkups/items/{first.id}/fixed",
        data={
            "csrf_token": token,
            f"fix-{first.id}-note": "已制定制度",
            f"fix-{first.id}-document": (
                io.BytesIO(b"%PDF-1.4 policy"),
                "制度.pdf",
                "application/pdf",
            ),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    session.expire_all()
    document = session.get(Checkup, checkup_id).items[0].documents[0]
    assert firm.get(f"/checkups/documents/{document.id}").data == b"%PDF-1.4 policy"
    assert consultant.get(f"/checkups/documents/{document.id}").status_code == 200
    home = consultant.get("/consultant").get_data(as_text=True)
    assert re.search(r'<span class="num">[1-9]\d*</span> 项整改待回访核实', home)
    for name in ("mediator", "chamber", "school"):
        other = login(name)
        assert other.get(f"/checkups/{checkup_id}").status_code in (403, 404)
        assert other.get(f"/checkups/documents/{document.id}").status_code in (403, 404)
        assert other.get(f"/checkups/{checkup_id}/report.pdf").status_code in (403, 404)
