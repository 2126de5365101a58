"""/api/v1: tokens made and revoked on the account page, the same access checks as the pages,
errors as JSON in the caller's language, ETags, and Friday requests filed through the same
operation as the form."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from programs.accounts.models import ApiToken, User
from programs.friday.models import FridayRequest
from reports import figures
from reports.figures import Scope
from tests.helpers import csrf_token


def test_no_token_no_access(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/api/v1/me", headers={"Authorization": "Bearer fq_nonsense"})
    assert wrong.status_code == 401 and wrong.json["error"]["code"] == "invalid_token"
    assert "令牌" in wrong.json["error"]["message"]  # Chinese unless asked otherwise


def test_a_browser_session_does_not_open_the_api(login):
    client = login("coordinator")
    assert client.get("/api/v1/me").status_code == 401


def test_the_token_acts_as_its_user(client, token_of):
    response = client.get("/api/v1/me", headers=token_of("enterprise"))
    assert response.status_code == 200
    assert response.json["username"] == "enterprise" and response.json["role"] == "enterprise"


def test_roles_are_checked_as_on_the_pages(client, token_of):
    response = client.get("/api/v1/figures", headers=token_of("enterprise"))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    assert client.get("/api/v1/figures", headers=token_of("coordinator")).status_code == 200


def test_a_figure_with_its_records_paged(client, token_of, session):
    headers = token_of("coordinator")
    response = client.get(
        "/api/v1/figures/friday.problems?period=2026&per_page=7&page=2", headers=headers
    )
    assert response.status_code == 200
    body = response.json
    value = figures.get("friday.problems").value(
        session, Scope(date(2026, 1, 1), date(2026, 12, 31))
    )
    assert body["total"] == value.total and body["records"] == value.records
    assert body["paging"]["total"] == value.records and len(body["rows"]) == 7
    assert body["columns"][0]["name"] == "on"
    # The ETag: the same answer again is "not modified".
    again = client.get(
        "/api/v1/figures/friday.problems?period=2026&per_page=7&page=2",
        headers={**headers, "If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_bad_input_is_400_with_each_problem_in_english_when_asked(client, token_of):
    headers = {**token_of("coordinator"), "Accept-Language": "en"}
    response = client.get("/api/v1/figures/friday.visits?per_page=0&town=x", headers=headers)
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "invalid_input"
    assert {p["field"] for p in error["problems"]} == {"per_page", "town"}
    assert "not valid" in error["message"]
    per_page = next(p for p in error["problems"] if p["field"] == "per_page")
    assert per_page["type"] == "greater_than_equal" and per_page["message"] == (
        "Give a value of at least 1."
    )
    chinese = client.get(
        "/api/v1/figures/friday.visits?per_page=0", headers=token_of("coordinator")
    )
    assert chinese.json["error"]["problems"][0]["message"] == "数值不能小于 1。"
    period = client.get("/api/v1/figures/friday.visits?period=2026-13", headers=headers)
    assert period.status_code == 400 and period.json["error"]["field"] == "period"
    assert client.get("/api/v1/figures/no.such", headers=headers).status_code == 404
    assert client.get("/api/v1/nowhere", headers=headers).json["error"]["code"] == "not_found"


def test_a_firm_files_a_friday_request_through_the_same_operation(client, token_of, session):
    headers = token_of("enterprise")
    firm = session.scalar(select(User).where(User.username == "enterprise"))
    response = client.post(
        "/api/v1/friday/requests",
        json={"topics": ["labour"], "description": "劳动合同续签", "enterprise_id": 1},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    made = session.get(FridayRequest, response.json["id"])
    assert made.enterprise_id == firm.enterprise_id  # its own, whatever it sent
    assert made.source == "firm" and response.json["paired_consultant"]
    listed = client.get("/api/v1/friday/requests?status=open&per_page=200", headers=headers)
    assert made.id in [r["id"] for r in listed.json["items"]]
    # Another firm's request is not there for it to see.
    other = session.scalar(
        select(FridayRequest).where(FridayRequest.enterprise_id != firm.enterprise_id)
    )
    assert client.get(f"/api/v1/friday/requests/{other.id}", headers=headers).status_code == 404


def test_a_request_the_program_refuses_is_422_with_its_reason(client, token_of):
    response = client.post(
        "/api/v1/friday/requests",
        json={"topics": ["labour"], "preferred_fridays": ["2020-01-07"]},
        headers=token_of("enterprise"),
    )
    assert response.status_code == 422
    assert response.json["error"]["code"] in ("not_accepted", "refused_by_rules")
    assert response.json["error"]["message"]


def test_unknown_fields_and_malformed_json_are_400(client, token_of):
    headers = token_of("enterprise")
    extra = client.post(
        "/api/v1/friday/requests", json={"topics": ["labour"], "admin": True}, headers=headers
    )
    assert extra.status_code == 400 and extra.json["error"]["problems"][0]["field"] == "admin"
    broken = client.post(
        "/api/v1/friday/requests",
        data="{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400 and broken.json["error"]["code"] == "invalid_json"


def _make_token(page, name):
    data = {"action": "token", "tk-name": name, "tk-csrf_token": csrf_token(page, "/account")}
    return page.post("/account", data=data)


def test_tokens_are_made_and_revoked_on_the_account_page(login, session, client):
    page = login("enterprise")
    response = _make_token(page, "热线系统")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "热线系统" in html
    secret = html.split('aria-label="新令牌"', 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]
    assert secret.startswith("fq_")
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    token = session.scalar(select(ApiToken).where(ApiToken.name == "热线系统"))
    assert token.digest != secret and secret not in html.split(secret, 1)[1]  # shown once
    revoked = page.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(page, "/account")}
    )
    assert revoked.status_code == 302
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )
    # The same name twice is refused beside the field, and the form keeps what was typed.
    _make_token(page, "小程序")
    twice = _make_token(page, "小程序")
    assert twice.status_code == 422 and "小程序" in twice.get_data(as_text=True)


def test_someone_elses_token_cannot_be_revoked(login, session, token_of):
    token_of("coordinator")
    theirs = session.scalar(select(ApiToken).where(ApiToken.name == "测试系统 coordinator"))
    page = login("enterprise")
    response = page.post(
        f"/account/tokens/{theirs.id}/revoke", data={"csrf_token": csrf_token(page, "/account")}
    )
    assert response.status_code == 404 and theirs.revoked_at is None


def test_the_openapi_document_describes_every_operation(client):
    from webapp.api.spec import OPERATIONS

    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    declared = {(op.method.lower(), op.name) for op in OPERATIONS}
    documented = {
        (method, entry["operationId"])
        for methods in spec["paths"].values()
        for method, entry in methods.items()
    }
    assert documented == declared and len(declared) >= 8
    assert "/api/v1/friday/requests/{request_id}" in spec["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "POST /api/v1/friday/requests" in page.get_data(as_text=True)


def test_a_mediator_reads_the_cases_and_why_each_moved(client, token_of, session):
    from programs.disputes import services as dispute_services
    from programs.disputes.models import DisputeCase

    headers = token_of("mediator")
    listed = client.get("/api/v1/disputes/cases?mine=false&closed=true&per_page=5", headers=headers)
    assert listed.status_code == 200
    mediator = session.scalar(select(User).where(User.username == "mediator"))
    visible = session.scalar(
        select(func.count()).select_from(
            dispute_services.visible_cases(session, mediator).order_by(None).subquery()
        )
    )
    assert listed.json["paging"]["total"] == visible and len(listed.json["items"]) == 5
    first = listed.json["items"][0]
    detail = client.get(f"/api/v1/disputes/cases/{first['id']}", headers=headers).json
    case = session.get(DisputeCase, first["id"])
    assert detail["number"] == case.number and len(detail["moves"]) == len(case.transitions)
    reasons = [why["reason"] for move in detail["moves"] for why in move["why"]]
    assert reasons and all(not r.isascii() for r in reasons)  # in Chinese
    # A case the firm is not a party to is not there for the firm.
    firm = session.scalar(select(User).where(User.username == "enterprise"))
    other = session.scalar(
        select(DisputeCase).where(
            DisputeCase.enterprise_id != firm.enterprise_id,
            DisputeCase.counterparty_id.is_(None)
            | (DisputeCase.counterparty_id != firm.enterprise_id),
        )
    )
    response = client.get(f"/api/v1/disputes/cases/{other.id}", headers=token_of("enterprise"))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert client.get("/api/v1/disputes/cases", headers=token_of("school")).status_code == 403


def test_a_visit_moved_to_a_closed_day_is_refused_with_the_rule(client, token_of, session):
    from programs.decisions.models import DecisionRecord
    from programs.study_tours.models import Visit

    visit = session.scalar(
        select(Visit)
        .join(
            DecisionRecord,
            (DecisionRecord.subject_type == "visits") & (DecisionRecord.subject_id == Visit.id),
        )
        .where(Visit.status == "published")
        .order_by(Visit.id)
    )
    headers = token_of("coordinator")
    read = client.get(f"/api/v1/study/visits/{visit.id}", headers=headers)
    assert read.status_code == 200 and read.json["school_id"] == visit.school_id
    assert read.json["why"] and not read.json["why"][0]["reason"].isascii()
    moved = client.post(
        f"/api/v1/study/visits/{visit.id}/move-to-date",
        json={"on": "2027-03-10", "slot": "am"},  # a Wednesday: the base tours Tue and Thu
        headers=headers,
    )
    assert moved.status_code == 422
    error = moved.json["error"]
    assert error["code"] == "refused_by_rules"
    assert "closed_on_other_weekdays" in [r["rule"] for r in error["rules"]]
    assert session.get(Visit, visit.id).session_id == visit.session_id  # nothing moved
    # A school sees its own visits only; only a coordinator moves them.
    school = session.scalar(select(User).where(User.username == "school"))
    other = session.scalar(select(Visit).where(Visit.school_id != school.school_id))
    mine = token_of("school")
    assert client.get(f"/api/v1/study/visits/{other.id}", headers=mine).status_code == 404
    refused = client.post(
        f"/api/v1/study/visits/{visit.id}/move-to-date",
        json={"on": "2027-03-09", "slot": "am"},
        headers=mine,
    )
    assert refused.status_code == 403
