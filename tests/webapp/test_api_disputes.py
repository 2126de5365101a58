"""/api/v1/disputes: a case opened, moved, visited, joined, named and documented through the
same operations as the case pages — each with its success (the database changed as said) and
its refusals (wrong role 403, a case not the caller's 404, the rules 422 with each rule, a lost
race 409, malformed input 400) — and the case lists filtered by period and town."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from calendars import today as shanghai_today
from programs.accounts.models import User
from programs.disputes import services
from programs.disputes.models import CaseParty, DisputeCase
from programs.disputes.services import CaseInput, Outcome

API = "/api/v1/disputes"


@pytest.fixture
def users(session):
    return {u.username: u for u in session.scalars(select(User))}


@pytest.fixture
def firm_id(users) -> int:
    return users["enterprise"].enterprise_id


def _labour(client, headers, firm_id: int, **extra):
    body = {
        "case_type": "labour",
        "subject": "wage_arrears",
        "enterprise_id": firm_id,
        "summary": "拖欠三名工人两个月工资",
        "workers": 3,
        "amount_claimed": "36000.00",
        "named_workers": [{"name": "李建国", "contact": "13900001111"}],
        "documents": [{"kind": "application", "title": "调解申请书"}],
        **extra,
    }
    return client.post(f"{API}/cases", json=body, headers=headers)


def _case(session, users, firm_id: int, case_type: str = "labour", **extra) -> DisputeCase:
    """A case opened by the mediator through the service, as the intake page does."""
    data = {"subject": "wage_arrears", "workers": 2} if case_type == "labour" else {}
    if case_type == "commercial":
        data = {"subject": "payment", "counterparty_name": "某贸易公司"}
    case = services.open_case(
        session,
        users["mediator"],
        CaseInput(case_type=case_type, enterprise_id=firm_id, **{**data, **extra}),
        today=shanghai_today(),
    )
    session.flush()
    return case


def _move(session, users, case, to_stage: str, **outcome):
    services.move_case(
        session,
        users["mediator"],
        case.id,
        to_stage,
        today=shanghai_today(),
        reason="按程序推进",
        outcome=Outcome(**outcome),
    )
    session.flush()


# --- Opening a case ------------------------------------------------------------------------------


def test_a_mediator_opens_a_labour_case_and_the_rules_pick_the_team(
    client, token_of, session, users, firm_id
):
    response = _labour(client, token_of("mediator"), firm_id)
    assert response.status_code == 201, response.json
    body = response.json
    case = session.get(DisputeCase, body["id"])
    assert case.number == body["number"] and case.number.startswith("LD-")
    assert case.team == body["team"] == "professional_mediation"
    assert case.stage == body["stage"] == "intake" and case.created_by_id == users["mediator"].id
    assert case.enterprise_id == firm_id and case.workers == 3
    assert body["amount_claimed"] == "36000.00"
    rules = {w["rule"] for w in body["why"]}
    assert "labour_to_professional_mediation" in rules
    assert body["moves"][0]["to_stage"] == "intake"
    assert any(w["rule"] == "labour_to_professional_mediation" for w in body["moves"][0]["why"])
    # Intake runs under the centre's own limit: the day and its basis are said.
    assert body["deadline"]["basis"] == "target" and body["deadline"]["law"] == []
    assert body["deadline"]["due_on"] == case.due_on.isoformat() == body["due_on"]
    assert "期限" in body["deadline"]["explanation"]
    workers = [p for p in body["parties"] if p["kind"] == "worker"]
    assert [(w["name"], w["contact"]) for w in workers] == [("李建国", "13900001111")]
    assert [(d["kind"], d["title"]) for d in body["documents"]] == [("application", "调解申请书")]


def test_a_firm_opens_its_own_case_whatever_firm_it_names(
    client, token_of, session, firm_id, users
):
    other = session.scalar(
        select(DisputeCase.enterprise_id).where(
            DisputeCase.enterprise_id.is_not(None), DisputeCase.enterprise_id != firm_id
        )
    )
    response = client.post(
        f"{API}/cases",
        json={
            "case_type": "contract_review",
            "subject": "sales",
            "enterprise_id": other,
            "contracts": 4,
        },
        headers=token_of("enterprise"),
    )
    assert response.status_code == 201, response.json
    case = session.get(DisputeCase, response.json["id"])
    assert case.enterprise_id == firm_id and case.source == "firm"
    assert case.contracts_reviewed == 4 and case.team == "precise_legal_service"
    # A prevention task is the centre's, not a firm's to open.
    refused = client.post(
        f"{API}/cases",
        json={"case_type": "prevention", "subject": "labour"},
        headers=token_of("enterprise"),
    )
    assert refused.status_code == 404


def test_an_intake_that_does_not_fit_its_type_is_refused(client, token_of, firm_id):
    headers = token_of("mediator")
    response = _labour(client, headers, firm_id, workers=0)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "not_accepted" and error["field"] == "workers"
    assert "工人" in error["message"]
    wrong_subject = _labour(client, headers, firm_id, subject="sales")
    assert wrong_subject.status_code == 422 and wrong_subject.json["error"]["field"] == "subject"
    no_firm = client.post(
        f"{API}/cases", json={"case_type": "labour", "workers": 1}, headers=headers
    )
    assert no_firm.status_code == 422 and no_firm.json["error"]["field"] == "enterprise_id"


def test_a_malformed_intake_is_400_and_a_school_is_403(client, token_of, firm_id):
    headers = token_of("mediator")
    cents = _labour(client, headers, firm_id, amount_claimed="10.001")
    assert cents.status_code == 400
    assert cents.json["error"]["problems"][0]["field"] == "amount_claimed"
    four = [{"name": f"工人{i}"} for i in range(4)]
    assert _labour(client, headers, firm_id, named_workers=four).status_code == 400
    unknown = _labour(client, headers, firm_id, colour="red")
    assert unknown.status_code == 400
    assert unknown.json["error"]["problems"][0]["type"] == "extra_forbidden"
    assert _labour(client, headers, firm_id, case_type="divorce").status_code == 400
    assert _labour(client, token_of("school"), firm_id).status_code == 403


# --- Moving a case -------------------------------------------------------------------------------


def test_a_move_is_made_and_its_statutory_day_is_said(client, token_of, session, users, firm_id):
    case = _case(session, users, firm_id)
    response = client.post(
        f"{API}/cases/{case.id}/move",
        json={"to_stage": "mediation", "reason": "双方同意调解", "from_stage": "intake"},
        headers=token_of("mediator"),
    )
    assert response.status_code == 200, response.json
    session.expire_all()
    case = session.get(DisputeCase, case.id)
    assert case.stage == response.json["stage"] == "mediation"
    assert case.transitions[-1].reason == "双方同意调解"
    assert case.transitions[-1].actor_id == users["mediator"].id
    deadline = response.json["deadline"]
    assert deadline["basis"] == "statute" and deadline["due_on"] == case.due_on.isoformat()
    law = deadline["law"][0]
    assert (law["article"], law["paragraph"], law["length"], law["unit"]) == (14, 3, 15, "days")
    assert law["citation"] == "《中华人民共和国劳动争议调解仲裁法》第十四条第三款"
    english = client.get(
        f"{API}/cases/{case.id}", headers={**token_of("mediator"), "Accept-Language": "en"}
    )
    assert english.json["deadline"]["law"][0]["citation"] == (
        "Labour Dispute Mediation and Arbitration Law art. 14(3)"
    )
    last = response.json["moves"][-1]
    assert last["to_stage"] == "mediation" and last["why"]


def test_the_rules_refuse_a_move_with_each_rule_and_nothing_changes(
    client, token_of, session, users, firm_id
):
    case = _case(session, users, firm_id)
    _move(session, users, case, "mediation")
    headers = token_of("mediator")
    response = client.post(
        f"{API}/cases/{case.id}/move",
        json={"to_stage": "arbitration_application", "reason": "想仲裁"},
        headers=headers,
    )
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "refused_by_rules"
    assert "mediation_period_running" in {r["rule"] for r in error["rules"]}
    assert all(r["reason"] for r in error["rules"])
    # Agreement terms sent with a refused move are not kept either.
    no_reason = client.post(
        f"{API}/cases/{case.id}/move",
        json={"to_stage": "agreement", "reason": " ", "agreement_terms": "十日内付清"},
        headers=headers,
    )
    assert no_reason.status_code == 422
    assert "manual_needs_reason" in {r["rule"] for r in no_reason.json["error"]["rules"]}
    session.expire_all()
    case = session.get(DisputeCase, case.id)
    assert case.stage == "mediation" and case.agreement_terms == ""
    assert len(case.transitions) == 2


def test_a_move_sets_the_outcome_the_rules_see(client, token_of, session, users, firm_id):
    case = _case(session, users, firm_id)
    _move(session, users, case, "mediation")
    response = client.post(
        f"{API}/cases/{case.id}/move",
        json={
            "to_stage": "agreement",
            "reason": "达成协议",
            "agreement_terms": "十日内付清",
            "agreed_amount": "30000.50",
        },
        headers=token_of("mediator"),
    )
    assert response.status_code == 200, response.json
    assert response.json["agreement_terms"] == "十日内付清"
    assert response.json["agreed_amount"] == "30000.50"
    session.expire_all()
    case = session.get(DisputeCase, case.id)
    assert case.stage == "agreement" and str(case.agreed_amount) == "30000.50"
    assert response.json["deadline"]["law"][0]["article"] == 205  # CPL: 30 days to confirm


def test_a_stale_or_closed_move_is_a_conflict(client, token_of, session, users, firm_id):
    case = _case(session, users, firm_id)
    _move(session, users, case, "mediation")
    headers = token_of("mediator")
    stale = client.post(
        f"{API}/cases/{case.id}/move",
        json={"to_stage": "mediation", "reason": "调解", "from_stage": "intake"},
        headers=headers,
    )
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "conflict"
    assert stale.json["error"]["field"] == "from_stage" and "调解" in stale.json["error"]["message"]
    closed = session.scalar(
        select(DisputeCase).where(DisputeCase.stage == "closed").order_by(DisputeCase.id)
    )
    response = client.post(
        f"{API}/cases/{closed.id}/move",
        json={"to_stage": "feedback", "reason": "重开"},
        headers=token_of("coordinator"),
    )
    assert response.status_code == 409


def test_who_may_move_a_case(client, token_of, session, users, firm_id):
    case = _case(session, users, firm_id)
    body = {"to_stage": "mediation", "reason": "调解"}
    # The firm sees its case but does not work on it; a consultant outside the team does not see it.
    firm = client.post(f"{API}/cases/{case.id}/move", json=body, headers=token_of("enterprise"))
    assert firm.status_code == 403
    consultant = client.post(
        f"{API}/cases/{case.id}/move", json=body, headers=token_of("consultant")
    )
    assert consultant.status_code == 404
    missing = client.post(f"{API}/cases/2147483647/move", json=body, headers=token_of("mediator"))
    assert missing.status_code == 404
    bad = client.post(
        f"{API}/cases/{case.id}/move", json={"to_stage": "moon"}, headers=token_of("mediator")
    )
    assert bad.status_code == 400
    assert {p["field"] for p in bad.json["error"]["problems"]} == {"to_stage", "reason"}
    session.expire_all()
    assert session.get(DisputeCase, case.id).stage == "intake"


# --- The return visit, parties, documents ---------------------------------------------------------


def test_the_return_visit_is_recorded_once(client, token_of, session, users, firm_id):
    case = _case(session, users, firm_id)
    headers = token_of("mediator")
    early = client.post(
        f"{API}/cases/{case.id}/feedback",
        json={"visited_on": shanghai_today().isoformat(), "satisfaction": 5},
        headers=headers,
    )
    assert early.status_code == 409  # not at its feedback stage yet
    _move(session, users, case, "mediation")
    _move(session, users, case, "agreement", agreement_terms="十日内付清")
    _move(session, users, case, "feedback")
    future = client.post(
        f"{API}/cases/{case.id}/feedback",
        json={"visited_on": "2099-01-01", "satisfaction": 5},
        headers=headers,
    )
    assert future.status_code == 422 and future.json["error"]["field"] == "visited_on"
    response = client.post(
        f"{API}/cases/{case.id}/feedback",
        json={"visited_on": shanghai_today().isoformat(), "satisfaction": 4, "note": "满意"},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    body = response.json
    session.expire_all()
    case = session.get(DisputeCase, case.id)
    assert case.return_visit_on == shanghai_today() and case.satisfaction == 4
    assert case.feedback_note == "满意" and body["satisfaction"] == 4
    assert body["deadline"] is None and case.due_on is None
    # Whether the loop returned to prevention is said, and matches what was opened.
    children = session.scalars(select(DisputeCase.id).where(DisputeCase.parent_id == case.id))
    assert body["children"] == list(children)
    assert body["prevention_id"] == (body["children"][0] if body["children"] else None)
    assert any(w["rule"] for w in body["why"])
    again = client.post(
        f"{API}/cases/{case.id}/feedback",
        json={"visited_on": shanghai_today().isoformat(), "satisfaction": 4},
        headers=headers,
    )
    assert again.status_code == 409
    wrong = client.post(
        f"{API}/cases/{case.id}/feedback",
        json={"visited_on": shanghai_today().isoformat(), "satisfaction": 6},
        headers=headers,
    )
    assert wrong.status_code == 400


def test_an_authority_joins_once(client, token_of, session, users, firm_id):
    case = _case(session, users, firm_id)
    headers = token_of("coordinator")
    response = client.post(
        f"{API}/cases/{case.id}/authorities", json={"authority": "court"}, headers=headers
    )
    assert response.status_code == 201, response.json
    joined = [p for p in response.json["parties"] if p["kind"] == "authority"]
    assert [(p["authority"], p["side"]) for p in joined] == [("court", "joined")]
    assert session.scalar(
        select(func.count()).where(CaseParty.case_id == case.id, CaseParty.authority == "court")
    )
    again = client.post(
        f"{API}/cases/{case.id}/authorities", json={"authority": "court"}, headers=headers
    )
    assert again.status_code == 409 and again.json["error"]["field"] == "authority"
    assert (
        client.post(
            f"{API}/cases/{case.id}/authorities", json={"authority": "police"}, headers=headers
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"{API}/cases/{case.id}/authorities",
            json={"authority": "court"},
            headers=token_of("enterprise"),
        ).status_code
        == 403
    )


def test_a_worker_is_named_and_withheld_from_the_firm(client, token_of, session, users, firm_id):
    case = _case(session, users, firm_id)  # two workers claiming, none named
    headers = token_of("mediator")
    response = client.post(
        f"{API}/cases/{case.id}/workers",
        json={"name": "王小明", "contact": "13800002222"},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    assert (
        session.scalar(
            select(CaseParty.contact).where(
                CaseParty.case_id == case.id, CaseParty.name == "王小明"
            )
        )
        == "13800002222"
    )
    seen = client.get(f"{API}/cases/{case.id}", headers=token_of("enterprise")).json
    workers = [p for p in seen["parties"] if p["kind"] == "worker"]
    assert workers == [
        {
            "id": workers[0]["id"],
            "kind": "worker",
            "side": "applicant",
            "name": None,
            "contact": None,
            "authority": None,
        }
    ]
    second = client.post(f"{API}/cases/{case.id}/workers", json={"name": "赵六"}, headers=headers)
    assert second.status_code == 201
    third = client.post(f"{API}/cases/{case.id}/workers", json={"name": "孙七"}, headers=headers)
    assert third.status_code == 422 and third.json["error"]["field"] == "name"
    commercial = _case(session, users, firm_id, "commercial")
    refused = client.post(
        f"{API}/cases/{commercial.id}/workers", json={"name": "王小明"}, headers=headers
    )
    assert refused.status_code == 422
    assert (
        client.post(
            f"{API}/cases/{case.id}/workers", json={"name": ""}, headers=headers
        ).status_code
        == 400
    )


def test_a_document_is_added_to_the_list(client, token_of, session, users, firm_id):
    case = _case(session, users, firm_id)
    headers = token_of("mediator")
    response = client.post(
        f"{API}/cases/{case.id}/documents",
        json={"kind": "evidence", "title": "工资条复印件"},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    assert [(d["kind"], d["title"], d["received_on"]) for d in response.json["documents"]] == [
        ("evidence", "工资条复印件", shanghai_today().isoformat())
    ]
    session.expire_all()
    assert [d.title for d in session.get(DisputeCase, case.id).documents] == ["工资条复印件"]
    assert (
        client.post(
            f"{API}/cases/{case.id}/documents",
            json={"kind": "photo", "title": "x"},
            headers=headers,
        ).status_code
        == 400
    )
    hidden = client.post(
        f"{API}/cases/{case.id}/documents",
        json={"kind": "evidence", "title": "x"},
        headers=token_of("consultant"),
    )
    assert hidden.status_code == 404


# --- The lists -----------------------------------------------------------------------------------


def test_the_case_list_is_filtered_by_period_and_town(client, token_of, session):
    headers = token_of("coordinator")
    town, year = session.execute(
        select(DisputeCase.town_id, func.min(DisputeCase.opened_on))
        .group_by(DisputeCase.town_id)
        .order_by(func.count().desc())
    ).first()
    year = year.year
    expected = session.scalar(
        select(func.count()).where(
            DisputeCase.town_id == town,
            DisputeCase.opened_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
    )
    response = client.get(
        f"{API}/cases?closed=true&period={year}&town={town}&per_page=200", headers=headers
    )
    assert response.status_code == 200
    items = response.json["items"]
    assert response.json["paging"]["total"] == expected > 0
    assert all(item["town_id"] == town for item in items)
    assert all(item["opened_on"].startswith(str(year)) for item in items)
    statutory = [i for i in items if i["deadline"] and i["deadline"]["basis"] == "statute"]
    assert all(i["deadline"]["law"] for i in statutory)
    assert client.get(f"{API}/cases?town=2147483647", headers=headers).status_code == 404
    assert client.get(f"{API}/cases?period=someday", headers=headers).status_code == 400


def test_the_supervision_list_is_the_coordinators(client, token_of, session):
    response = client.get(f"{API}/supervision?per_page=200", headers=token_of("coordinator"))
    assert response.status_code == 200
    expected = session.scalar(
        select(func.count()).where(
            DisputeCase.closed_on.is_(None), DisputeCase.overdue | DisputeCase.escalated
        )
    )
    assert response.json["paging"]["total"] == expected > 0
    assert all(i["overdue"] or i["escalated"] for i in response.json["items"])
    etag = response.headers["ETag"]
    again = client.get(
        f"{API}/supervision?per_page=200",
        headers={**token_of("coordinator"), "If-None-Match": etag},
    )
    assert again.status_code == 304
    assert client.get(f"{API}/supervision", headers=token_of("mediator")).status_code == 403
