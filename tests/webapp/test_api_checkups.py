"""/api/v1/checkups: a firm asks and reads why the rules chose its checklist; the consultant's
examination is graded by the rules with their reasons; the firm fixes (with a document as
base64) or accepts a risk; the consultant verifies; cancelling and starting on a Friday visit;
the list with its filters. Each with its refusals: the wrong role, another's record, what the
program refuses, what cannot be read, and a step somebody else already took."""

from __future__ import annotations

import base64
from datetime import timedelta

from sqlalchemy import func, select

from calendars import today as shanghai_today
from calendars import working_fridays
from programs.accounts.models import User
from programs.checkups import services
from programs.checkups.models import Checkup, CheckupItem, FixDocument
from programs.directory.models import Enterprise
from programs.friday import services as friday
from programs.friday.models import FridayRequest, FridayVisit

PDF = b"%PDF-1.4\n% the new contract template\n"


def _user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _fresh(session, model, key):
    """A record as the database has it now, after the calls (not as the test session saw it)."""
    session.expire_all()
    return session.get(model, key)


def _firm_id(session) -> int:
    """The demo firm of the "enterprise" account, with no check-up under way."""
    firm_id = _user(session, "enterprise").enterprise_id
    for old in session.scalars(select(Checkup).where(Checkup.enterprise_id == firm_id)):
        if old.status in ("requested", "examining"):
            old.status = "cancelled"
    session.flush()
    return firm_id


def _ask(client, token_of, **body) -> dict:
    response = client.post(
        "/api/v1/checkups",
        json={"note": "劳动合同和员工手册", **body},
        headers=token_of("enterprise"),
    )
    assert response.status_code == 201, response.json
    return response.json


def _visit(session, checkup_id: int) -> FridayVisit:
    """The firm's Friday visit by its paired consultant, on a recent Friday."""
    checkup = _fresh(session, Checkup, checkup_id)
    on = working_fridays(shanghai_today() - timedelta(days=21), shanghai_today())[-1]
    visit = friday.book_visit(
        session,
        _user(session, "consultant"),
        checkup.friday_request_id,
        checkup.consultant_id,
        on,
        today=on - timedelta(days=14),
        announce=False,
    )
    session.flush()
    return visit


def _exam(checkup: dict, visit: FridayVisit, findings: dict[int, dict], **extra) -> dict:
    """Every item compliant, except the positions in `findings` (position -> its fields)."""
    items = []
    for item in checkup["items"]:
        if item["position"] in findings:
            items.append({"item_id": item["id"], "result": "finding", **findings[item["position"]]})
        else:
            items.append({"item_id": item["id"], "result": "compliant"})
    return {"visit_id": visit.id, "items": items, "summary": "总体较好", **extra}


def _reported(client, token_of, session, findings: dict[int, dict]) -> dict:
    """A check-up of the demo firm, examined and graded with these findings."""
    _firm_id(session)
    asked = _ask(client, token_of)
    visit = _visit(session, asked["id"])
    response = client.post(
        f"/api/v1/checkups/{asked['id']}/examination",
        json=_exam(asked, visit, findings, finish=True),
        headers=token_of("consultant"),
    )
    assert response.status_code == 200, response.json
    return response.json


LOW = {"risk": "low", "finding": "制度缺失", "recommendation": "制定制度"}


# --- Asking ----------------------------------------------------------------------------------------


def test_a_firm_asks_and_reads_what_will_be_checked_and_why(client, token_of, session):
    firm_id = _firm_id(session)
    other = session.scalar(select(Enterprise.id).where(Enterprise.id != firm_id))
    body = _ask(client, token_of, enterprise_id=other)  # a firm asks for itself, whatever it says
    checkup = _fresh(session, Checkup, body["id"])
    assert checkup.enterprise_id == firm_id and body["enterprise_id"] == firm_id
    assert checkup.source == "firm" and checkup.status == "requested" == body["status"]
    assert checkup.note == "劳动合同和员工手册" == body["note"]
    assert [i["code"] for i in body["items"]] == [i.code for i in checkup.items]
    assert body["item_count"] == len(checkup.items) > 0
    assert all(i["result"] == "pending" and i["bases"] for i in body["items"])
    rules = [w["rule"] for w in body["checklist_why"]]
    assert "every_firm_contracts" in rules
    assert all(not w["reason"].isascii() for w in body["checklist_why"])  # in Chinese
    assert body["grade"] is None and body["grade_why"] == []
    request = _fresh(session, FridayRequest, checkup.friday_request_id)
    assert body["friday_request_id"] == request.id and request.enterprise_id == firm_id
    assert body["consultant_id"] == checkup.consultant_id is not None
    # The same check-up read again, and in the firm's list.
    read = client.get(f"/api/v1/checkups/{checkup.id}", headers=token_of("enterprise"))
    assert read.status_code == 200 and read.json == body
    listed = client.get("/api/v1/checkups?status=requested", headers=token_of("enterprise"))
    assert [c["id"] for c in listed.json["items"]] == [checkup.id]
    # Asking again while it is under way: somebody (the firm) got there first.
    again = client.post("/api/v1/checkups", json={}, headers=token_of("enterprise"))
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    assert checkup.number in again.json["error"]["message"]


def test_a_coordinator_asks_for_a_firm_and_must_name_it(client, token_of, session):
    firm_id = _firm_id(session)
    headers = token_of("coordinator")
    unnamed = client.post("/api/v1/checkups", json={"note": "合同"}, headers=headers)
    assert unnamed.status_code == 422
    assert unnamed.json["error"]["field"] == "enterprise_id"
    response = client.post("/api/v1/checkups", json={"enterprise_id": firm_id}, headers=headers)
    assert response.status_code == 201, response.json
    assert _fresh(session, Checkup, response.json["id"]).source == "coordinator"


def test_asking_is_refused_as_the_form_refuses(client, token_of, session):
    _firm_id(session)
    headers = {**token_of("enterprise"), "Accept-Language": "en"}
    before = session.scalar(select(func.count()).select_from(Checkup))
    past = client.post(
        "/api/v1/checkups", json={"preferred_fridays": ["2020-01-03"]}, headers=headers
    )
    assert past.status_code == 422 and past.json["error"]["field"] == "preferred_fridays"
    assert "has passed" in past.json["error"]["message"]
    too_long = client.post("/api/v1/checkups", json={"note": "长" * 501}, headers=headers)
    assert too_long.status_code == 400
    assert too_long.json["error"]["problems"][0]["field"] == "note"
    unknown = client.post("/api/v1/checkups", json={"grade": "green"}, headers=headers)
    assert unknown.status_code == 400
    assert session.scalar(select(func.count()).select_from(Checkup)) == before  # nothing made
    for name in ("consultant", "mediator", "chamber", "school"):
        assert client.post("/api/v1/checkups", json={}, headers=token_of(name)).status_code == 403


def test_nobody_else_sees_a_firms_checkup(client, token_of, session):
    firm_id = _firm_id(session)
    other = session.scalar(
        select(Checkup).where(Checkup.enterprise_id != firm_id).order_by(Checkup.id)
    )
    response = client.get(f"/api/v1/checkups/{other.id}", headers=token_of("enterprise"))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    consultant = _user(session, "consultant")
    theirs = session.scalar(
        select(Checkup).where(Checkup.consultant_id != consultant.consultant_id)
    )
    assert (
        client.get(f"/api/v1/checkups/{theirs.id}", headers=token_of("consultant")).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/checkups/{theirs.id}", headers=token_of("coordinator")).status_code
        == 200
    )
    assert client.get("/api/v1/checkups", headers=token_of("mediator")).status_code == 403
    assert client.get(f"/api/v1/checkups/{other.id}", headers=token_of("school")).status_code == 403


# --- The list --------------------------------------------------------------------------------------


def test_the_list_filters_by_status_grade_overdue_period_and_town(client, token_of, session):
    headers = token_of("coordinator")
    everything = client.get("/api/v1/checkups?per_page=200", headers=headers).json
    assert everything["paging"]["total"] == session.scalar(
        select(func.count()).select_from(Checkup)
    )
    red = client.get("/api/v1/checkups?grade=red&status=closed&per_page=200", headers=headers)
    assert red.status_code == 200
    assert red.json["paging"]["total"] == session.scalar(
        select(func.count()).where(Checkup.grade == "red", Checkup.status == "closed")
    )
    assert {(c["grade"], c["status"]) for c in red.json["items"]} <= {("red", "closed")}
    overdue = client.get("/api/v1/checkups?overdue=true&per_page=200", headers=headers).json
    late = set(
        session.scalars(
            select(CheckupItem.checkup_id).where(
                CheckupItem.fix_status == "open", CheckupItem.fix_due_on < shanghai_today()
            )
        )
    )
    assert late and {c["id"] for c in overdue["items"]} == late
    assert all(c["overdue_count"] > 0 for c in overdue["items"])
    # By the firm's town and the month the check-up was asked for.
    first = session.scalar(select(Checkup).order_by(Checkup.id))
    month = first.requested_on.strftime("%Y-%m")
    town = first.enterprise.town_id
    found = client.get(
        f"/api/v1/checkups?period={month}&town={town}&per_page=200", headers=headers
    ).json
    expected = {
        c.id
        for c in session.scalars(select(Checkup))
        if c.enterprise.town_id == town and c.requested_on.strftime("%Y-%m") == month
    }
    assert first.id in expected and {c["id"] for c in found["items"]} == expected
    assert all(c["town_id"] == town for c in found["items"])
    # Paged: the second page of three follows the first.
    one = client.get("/api/v1/checkups?per_page=3", headers=headers).json
    two = client.get("/api/v1/checkups?per_page=3&page=2", headers=headers).json
    assert [c["id"] for c in one["items"] + two["items"]] == [
        c["id"] for c in everything["items"][:6]
    ]
    assert one["paging"]["pages"] == -(-everything["paging"]["total"] // 3)


def test_the_list_answers_not_modified_and_refuses_what_it_cannot_read(client, token_of):
    headers = token_of("enterprise")
    mine = client.get("/api/v1/checkups", headers=headers)
    assert mine.status_code == 200 and mine.json["items"]
    again = client.get(
        "/api/v1/checkups", headers={**headers, "If-None-Match": mine.headers["ETag"]}
    )
    assert again.status_code == 304
    assert client.get("/api/v1/checkups?period=2026-13", headers=headers).status_code == 400
    assert client.get("/api/v1/checkups?grade=blue", headers=headers).status_code == 400
    nowhere = client.get("/api/v1/checkups?town=999999", headers=headers)
    assert nowhere.status_code == 404 and nowhere.json["error"]["field"] == "town"


# --- The examination -------------------------------------------------------------------------------


def test_an_examination_is_refused_beside_its_item_then_graded_with_why(client, token_of, session):
    _firm_id(session)
    asked = _ask(client, token_of)
    visit = _visit(session, asked["id"])
    first = asked["items"][0]
    headers = token_of("consultant")
    url = f"/api/v1/checkups/{asked['id']}/examination"
    urgent = {"risk": "high", "urgent": True, "finding": "", "recommendation": "补签合同"}
    refused = client.post(url, json=_exam(asked, visit, {1: urgent}, finish=True), headers=headers)
    assert refused.status_code == 422
    assert refused.json["error"]["field"] == f"finding_{first['id']}"
    assert _fresh(session, Checkup, asked["id"]).status == "requested"  # nothing saved
    # Saved without finishing: as it is, not graded.
    saved = client.post(url, json=_exam(asked, visit, {1: urgent}), headers=headers)
    assert saved.status_code == 200, saved.json
    assert saved.json["status"] == "examining" and saved.json["grade"] is None
    assert saved.json["visit_id"] == visit.id
    urgent["finding"] = "两名员工未签劳动合同"
    done = client.post(url, json=_exam(asked, visit, {1: urgent}, finish=True), headers=headers)
    assert done.status_code == 200, done.json
    checkup = _fresh(session, Checkup, asked["id"])
    assert checkup.status == "reported" == done.json["status"]
    assert checkup.grade == "red" == done.json["grade"]
    assert "serious_and_urgent" in [w["rule"] for w in done.json["grade_why"]]
    item = done.json["items"][0]
    assert item["result"] == "finding" and item["fix_status"] == "open"
    assert item["fix_due_on"] is not None and item["fix_due_on"] > visit.on.isoformat()
    assert done.json["finding_count"] == 1 and done.json["examined_on"] == visit.on.isoformat()
    # Once reported, another examination lost the race.
    late = client.post(url, json=_exam(asked, visit, {}, finish=True), headers=headers)
    assert late.status_code == 409 and late.json["error"]["code"] == "conflict"


def test_an_examination_needs_the_firms_visit_and_its_consultant(client, token_of, session):
    _firm_id(session)
    asked = _ask(client, token_of)
    visit = _visit(session, asked["id"])
    url = f"/api/v1/checkups/{asked['id']}/examination"
    body = _exam(asked, visit, {})
    other = session.scalar(select(FridayVisit.id).where(FridayVisit.id != visit.id))
    wrong = client.post(url, json={**body, "visit_id": other}, headers=token_of("consultant"))
    assert wrong.status_code == 422 and wrong.json["error"]["field"] == "visit_id"
    assert client.post(url, json=body, headers=token_of("enterprise")).status_code == 403
    theirs = session.scalar(
        select(Checkup.id).where(
            Checkup.consultant_id != visit.consultant_id, Checkup.status == "requested"
        )
    )
    response = client.post(
        f"/api/v1/checkups/{theirs}/examination", json=body, headers=token_of("consultant")
    )
    assert response.status_code == 404
    bad = client.post(
        url,
        json={**body, "items": [{"item_id": 1, "result": "maybe"}]},
        headers=token_of("consultant"),
    )
    assert bad.status_code == 400 and bad.json["error"]["problems"][0]["field"] == (
        "items.0.result"
    )
    assert _fresh(session, Checkup, asked["id"]).status == "requested"


# --- The fixes -------------------------------------------------------------------------------------


def test_the_firm_fixes_with_a_document_and_the_consultant_verifies(client, token_of, session):
    reported = _reported(client, token_of, session, {1: LOW, 2: LOW})
    first, second = reported["items"][0]["id"], reported["items"][1]["id"]
    firm = token_of("enterprise")
    url = f"/api/v1/checkups/items/{first}/fixed"

    def document(content: bytes, content_type: str = "application/pdf") -> dict:
        return {
            "filename": "制度.pdf",
            "content_type": content_type,
            "content_base64": base64.b64encode(content).decode(),
        }

    unreadable = {**document(PDF), "content_base64": "not base64!"}
    bad = client.post(url, json={"note": "已制定", "document": unreadable}, headers=firm)
    assert bad.status_code == 400 and bad.json["error"]["field"] == "document.content_base64"
    fake = client.post(url, json={"document": document(b"MZ not a pdf")}, headers=firm)
    assert fake.status_code == 422 and fake.json["error"]["field"] == "document"
    image = client.post(url, json={"document": document(PDF, "text/html")}, headers=firm)
    assert image.status_code == 400
    empty = client.post(url, json={"note": "  "}, headers=firm)
    assert empty.status_code == 422 and empty.json["error"]["field"] == "note"
    assert _fresh(session, CheckupItem, first).fix_status == "open"
    assert (
        client.post(url, json={"note": "已制定"}, headers=token_of("consultant")).status_code == 403
    )
    fixed = client.post(url, json={"note": "已制定制度", "document": document(PDF)}, headers=firm)
    assert fixed.status_code == 200, fixed.json
    item = _fresh(session, CheckupItem, first)
    assert item.fix_status == "fixed" and item.fix_note == "已制定制度"
    stored = session.scalar(select(FixDocument).where(FixDocument.item_id == first))
    assert stored.content == PDF and stored.content_type == "application/pdf"
    shown = fixed.json["items"][0]
    assert shown["fix_status"] == "fixed" and shown["documents"][0]["id"] == stored.id
    assert shown["documents"][0]["size"] == len(PDF)
    again = client.post(url, json={"note": "再次"}, headers=firm)
    assert again.status_code == 409
    # The consultant: not a day to come, a return needs its note; then verified.
    verify = f"/api/v1/checkups/items/{first}/verify"
    today = shanghai_today()
    consultant = token_of("consultant")
    future = client.post(
        verify, json={"visited_on": (today + timedelta(days=1)).isoformat()}, headers=consultant
    )
    assert future.status_code == 422 and future.json["error"]["field"] == "visited_on"
    silent = client.post(
        verify, json={"visited_on": today.isoformat(), "outcome": "returned"}, headers=consultant
    )
    assert silent.status_code == 422 and silent.json["error"]["field"] == "note"
    assert (
        client.post(verify, json={"visited_on": today.isoformat()}, headers=firm).status_code == 403
    )
    done = client.post(verify, json={"visited_on": today.isoformat()}, headers=consultant)
    assert done.status_code == 200, done.json
    assert _fresh(session, CheckupItem, first).fix_status == "verified"
    assert done.json["items"][0]["verified_on"] == today.isoformat()
    assert (
        client.post(verify, json={"visited_on": today.isoformat()}, headers=consultant).status_code
        == 409
    )
    # The other finding's risk accepted in writing: every finding settled, the check-up closes.
    accept = f"/api/v1/checkups/items/{second}/accept"
    short = client.post(accept, json={"statement": "不整改", "signer": "张三 总经理"}, headers=firm)
    assert short.status_code == 422 and short.json["error"]["field"] == "statement"
    statement = "本企业已知悉该项风险及整改建议，经研究决定暂不整改，自愿承担相应法律风险。"
    accepted = client.post(
        accept, json={"statement": statement, "signer": "张三 总经理"}, headers=firm
    )
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["items"][1]["fix_status"] == "accepted"
    assert accepted.json["status"] == "closed" == _fresh(session, Checkup, reported["id"]).status
    assert accepted.json["settled_count"] == 2


def test_a_fix_sent_back_is_open_again_and_others_cannot_touch_it(client, token_of, session):
    reported = _reported(client, token_of, session, {1: LOW})
    item_id = reported["items"][0]["id"]
    firm = token_of("enterprise")
    assert (
        client.post(
            f"/api/v1/checkups/items/{item_id}/fixed", json={"note": "已改"}, headers=firm
        ).status_code
        == 200
    )
    returned = client.post(
        f"/api/v1/checkups/items/{item_id}/verify",
        json={
            "visited_on": shanghai_today().isoformat(),
            "outcome": "returned",
            "note": "制度未经职代会讨论",
        },
        headers=token_of("consultant"),
    )
    assert returned.status_code == 200
    item = _fresh(session, CheckupItem, item_id)
    assert item.fix_status == "open" and item.returned_note == "制度未经职代会讨论"
    assert returned.json["items"][0]["returned_note"] == "制度未经职代会讨论"
    # Another firm's finding is not there for this firm.
    firm_id = _user(session, "enterprise").enterprise_id
    theirs = session.scalar(
        select(CheckupItem.id)
        .join(CheckupItem.checkup)
        .where(Checkup.enterprise_id != firm_id, CheckupItem.fix_status == "open")
    )
    response = client.post(
        f"/api/v1/checkups/items/{theirs}/accept",
        json={"statement": "本企业知悉风险并自愿承担。", "signer": "李四"},
        headers=firm,
    )
    assert response.status_code == 404
    assert _fresh(session, CheckupItem, theirs).fix_status == "open"


# --- Cancelling and starting on a visit ------------------------------------------------------------


def test_the_firm_withdraws_its_request(client, token_of, session):
    _firm_id(session)
    asked = _ask(client, token_of)
    url = f"/api/v1/checkups/{asked['id']}/cancel"
    assert (
        client.post(url, json={"reason": "改期"}, headers=token_of("consultant")).status_code == 403
    )
    assert client.post(url, json={"reason": ""}, headers=token_of("enterprise")).status_code == 400
    blank = client.post(url, json={"reason": "   "}, headers=token_of("enterprise"))
    assert blank.status_code == 422 and blank.json["error"]["field"] == "reason"
    done = client.post(url, json={"reason": "年底再做"}, headers=token_of("enterprise"))
    assert done.status_code == 200, done.json
    checkup = _fresh(session, Checkup, asked["id"])
    assert checkup.status == "cancelled" == done.json["status"]
    assert checkup.cancel_reason == "年底再做" == done.json["cancel_reason"]
    assert _fresh(session, FridayRequest, checkup.friday_request_id).status == "cancelled"
    again = client.post(url, json={"reason": "年底再做"}, headers=token_of("enterprise"))
    assert again.status_code == 409
    # Another firm's check-up: not the firm's to see.
    other = session.scalar(
        select(Checkup.id).where(
            Checkup.enterprise_id != checkup.enterprise_id, Checkup.status == "requested"
        )
    )
    response = client.post(
        f"/api/v1/checkups/{other}/cancel", json={"reason": "x"}, headers=token_of("enterprise")
    )
    assert response.status_code == 404


def test_a_consultant_starts_a_checkup_on_a_friday_visit(client, token_of, session):
    _firm_id(session)
    asked = _ask(client, token_of)
    visit = _visit(session, asked["id"])
    headers = token_of("consultant")
    assert (
        client.post(
            f"/api/v1/checkups/from-visit/{visit.id}", headers=token_of("enterprise")
        ).status_code
        == 403
    )
    taken = client.post(f"/api/v1/checkups/from-visit/{visit.id}", headers=headers)
    assert taken.status_code == 200, taken.json
    assert taken.json["id"] == asked["id"]  # the firm's request, taken up there
    checkup = _fresh(session, Checkup, asked["id"])
    assert checkup.status == "examining" and checkup.visit_id == visit.id
    # Without a request under way, a new one with the checklist the rules choose.
    services.cancel_checkup(session, _user(session, "coordinator"), checkup.id, "重新开始")
    session.flush()
    new = client.post(f"/api/v1/checkups/from-visit/{visit.id}", headers=headers)
    assert new.status_code == 200, new.json
    made = _fresh(session, Checkup, new.json["id"])
    assert made.id != checkup.id and made.source == "visit" and made.visit_id == visit.id
    assert new.json["checklist_why"] and new.json["status"] == "examining"
    # Another consultant's visit; a group session; a visit not published.
    consultant = _user(session, "consultant")
    theirs = session.scalar(
        select(FridayVisit.id).where(FridayVisit.consultant_id != consultant.consultant_id)
    )
    assert client.post(f"/api/v1/checkups/from-visit/{theirs}", headers=headers).status_code == 404
    group = session.scalar(
        select(FridayVisit.id)
        .join(FridayVisit.request)
        .where(
            FridayRequest.enterprise_id.is_(None),
            FridayVisit.status.in_(("published", "done")),
        )
    )
    refused = client.post(f"/api/v1/checkups/from-visit/{group}", headers=token_of("coordinator"))
    assert refused.status_code == 422 and refused.json["error"]["code"] == "not_accepted"
    visit.status = "cancelled"
    session.flush()
    later = client.post(f"/api/v1/checkups/from-visit/{visit.id}", headers=headers)
    assert later.status_code == 422 and later.json["error"]["message"]
    assert client.post("/api/v1/checkups/from-visit/2147483647", headers=headers).status_code == 404
