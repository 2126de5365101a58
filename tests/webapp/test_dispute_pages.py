"""The loop's pages: a mediator takes a labour case in and moves it (the rules refuse a move in
plain words and nothing is lost), a firm sees its case without the workers' names, the
coordinator's supervision list, the mediator's list with what falls due."""

import re
from datetime import timedelta

from sqlalchemy import select

from calendars import next_working_day
from calendars import today as shanghai_today
from programs.accounts.models import User
from programs.disputes.models import DisputeCase
from tests.helpers import post_form


def _firm_id(session) -> int:
    return session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))


def _open_labour(client, firm_id: int, **extra) -> object:
    data = {
        "case_type": "labour",
        "subject": "wage_arrears",
        "enterprise_id": str(firm_id),
        "counterparty_id": "0",
        "summary": "拖欠三名工人两个月工资",
        "workers": "3",
        "amount_claimed": "36000",
        "worker_name_1": "李建国",
        "worker_contact_1": "13900001111",
        **extra,
    }
    return post_form(client, "/disputes/new", data)


def test_a_mediator_takes_in_a_labour_case_and_the_rules_pick_the_team(login, session):
    client = login("mediator")
    response = _open_labour(client, _firm_id(session))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "专业调解" in page  # the professional mediation team, named in Chinese
    assert "李建国" in page and "13900001111" in page
    assert "labour_to_professional_mediation" in page  # the why card names the rule


def test_a_rejected_intake_comes_back_filled_in(login, session):
    client = login("mediator")
    response = _open_labour(client, _firm_id(session), workers="0", summary="工人人数填错了")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "工人人数填错了" in html and "李建国" in html
    assert 'aria-invalid="true"' in html


def test_a_refused_move_is_explained_and_a_move_needs_a_reason(login, session):
    client = login("mediator")
    location = _open_labour(client, _firm_id(session)).headers["Location"]
    case_id = int(location.rsplit("/", 1)[1])
    post_form(client, location, {"action": "move", "move-to_stage": "mediation",
                                 "move-reason": "双方同意调解"})  # fmt: skip
    assert session.get(DisputeCase, case_id).stage == "mediation"
    response = post_form(
        client,
        location,
        {"action": "move", "move-to_stage": "arbitration_application", "move-reason": "想仲裁"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "mediation_period_running" in html and "15" in html
    session.expire_all()
    assert session.get(DisputeCase, case_id).stage == "mediation"
    response = post_form(client, location, {"action": "move", "move-to_stage": "agreement",
                                            "move-agreement_terms": "十日内付清"})  # fmt: skip
    assert response.status_code == 422
    assert "十日内付清" in response.get_data(as_text=True)


def test_a_firm_sees_its_case_without_the_workers_names(login, session):
    mediator = login("mediator")
    location = _open_labour(mediator, _firm_id(session)).headers["Location"]
    firm = login("enterprise")
    page = firm.get(location).get_data(as_text=True)
    assert "李建国" not in page and "13900001111" not in page
    assert "拖欠三名工人两个月工资" in page
    other = session.scalar(
        select(DisputeCase).where(
            DisputeCase.enterprise_id != _firm_id(session),
            (DisputeCase.counterparty_id.is_(None))
            | (DisputeCase.counterparty_id != _firm_id(session)),
        )
    )
    assert firm.get(f"/disputes/{other.id}").status_code == 404
    assert firm.get(f"/disputes/{other.id}/agreement.pdf").status_code in (403, 404)


def test_the_supervision_list_is_the_coordinators(login, session):
    coordinator = login("coordinator")
    html = coordinator.get("/disputes/supervision").get_data(as_text=True)
    overdue = session.scalars(
        select(DisputeCase).where(DisputeCase.overdue, DisputeCase.closed_on.is_(None))
    ).all()
    assert overdue, "the demo leaves overdue cases"
    for case in overdue[:5]:
        assert case.number in html
    assert login("mediator").get("/disputes/supervision").status_code in (403, 404)


def test_the_mediators_list_says_what_falls_due_on_the_next_working_day(login, session):
    today = shanghai_today()
    target = next_working_day(today + timedelta(days=1))
    case = session.scalar(
        select(DisputeCase).where(DisputeCase.due_on == target, DisputeCase.stage == "mediation")
    )
    if case is None:
        return  # the calendar allowed no such case when the demo was loaded
    user = session.get(User, case.assignee_id)
    html = login(user.username).get("/disputes/?mine=1").get_data(as_text=True)
    row = re.search(rf"{case.number}.*?</tr>", html, re.S).group(0)
    expected = "明天到期" if (target - today).days == 1 else f"{(target - today).days}天后"
    assert expected in row
