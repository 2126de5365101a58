"""The three-end loop's operations on the demo city: opening a case (team, assignee, parties,
input checks), who sees what, moves checked by the rules, statutory deadlines counted on the
real 2026 calendar, the tick (warn, overdue, escalate, awards that took effect), the feedback
visit that returns to prevention, contract reviews, and the case list and the loop's figures.

The demo city may hold dispute cases of its own: tests count only what they create (a firm
without cases, users of their own, dates no demo data uses) and never assume case numbers.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from calendars.workdays import day_info
from programs import db
from programs.accounts.models import User
from programs.decisions.models import DecisionRecord
from programs.decisions.services import decisions_about
from programs.directory.models import Enterprise
from programs.disputes import daily, queries, services
from programs.disputes.models import CaseTeamMember, CaseTransition, DisputeCase
from programs.disputes.services import CaseInput, FeedbackInput, Outcome, WorkerInput
from programs.errors import Conflict, DomainError, NotFound, Refused
from programs.friday.models import FridayRequest
from programs.notifications.models import Notification

TODAY = date(2026, 11, 16)  # a Monday
WHY = "按程序推进"  # a reason for a move by hand


# --- Fixtures and helpers --------------------------------------------------------------------------


@pytest.fixture
def users(session):
    return {u.username: u for u in session.scalars(select(User))}


@pytest.fixture
def firm(session, users):
    """The demo firm the "enterprise" account is bound to."""
    return session.get(Enterprise, users["enterprise"].enterprise_id)


@pytest.fixture
def other_firm(session, firm):
    return session.scalar(
        select(Enterprise)
        .where(Enterprise.id != firm.id, Enterprise.status == "active")
        .order_by(Enterprise.id)
    )


@pytest.fixture(autouse=True)
def teams(session, users):
    """The demo mediator works in both mediation teams, the consultant in legal service."""
    wanted = [
        ("professional_mediation", users["mediator"]),
        ("industry_mediation", users["mediator"]),
        ("precise_legal_service", users["consultant"]),
    ]
    for team, user in wanted:
        if session.get(CaseTeamMember, (team, user.id)) is None:
            session.add(CaseTeamMember(team=team, user_id=user.id))
    session.flush()


def _quiet_firm(session, *, skip=()):
    """An active firm no dispute case names, so counts about it are the test's own."""
    named = select(DisputeCase.enterprise_id).where(DisputeCase.enterprise_id.is_not(None))
    against = select(DisputeCase.counterparty_id).where(DisputeCase.counterparty_id.is_not(None))
    firm = session.scalar(
        select(Enterprise)
        .where(
            Enterprise.status == "active",
            Enterprise.id.not_in(named),
            Enterprise.id.not_in(against),
            Enterprise.id.not_in(select(User.enterprise_id).where(User.enterprise_id.is_not(None))),
            Enterprise.id.not_in(skip),
        )
        .order_by(Enterprise.id)
    )
    assert firm is not None
    return firm


def _staff(session, username, *teams):
    """A mediator account of the test's own, with no cases yet."""
    user = User(username=username, display_name=username, password_hash="!", role="mediator")
    session.add(user)
    session.flush()
    for team in teams:
        session.add(CaseTeamMember(team=team, user_id=user.id))
    session.flush()
    return user


def _labour(session, actor, firm, today=TODAY, **extra):
    data = {"workers": 1, "subject": "wage_arrears", "summary": "拖欠三个月工资", **extra}
    return services.open_case(
        session, actor, CaseInput(case_type="labour", enterprise_id=firm.id, **data), today=today
    )


def _commercial(session, actor, firm, today=TODAY, **extra):
    data = {"subject": "payment", "counterparty_name": "某贸易公司", **extra}
    return services.open_case(
        session,
        actor,
        CaseInput(case_type="commercial", enterprise_id=firm.id, **data),
        today=today,
    )


def _move(session, actor, case, to_stage, today=TODAY, reason=WHY, **outcome):
    return services.move_case(
        session, actor, case.id, to_stage, today=today, reason=reason, outcome=Outcome(**outcome)
    )


def _to_feedback(session, actor, case, today, **agreement):
    """Mediation, an agreement, performed: the case waits for its return visit."""
    _move(session, actor, case, "mediation", today)
    _move(session, actor, case, "agreement", today, agreement_terms="十日内付清", **agreement)
    return _move(session, actor, case, "feedback", today)


def _law_due(start, days):
    """The last day of a period of days by the law, counted here from the calendar alone: the
    start day is not counted, a last day off (holiday or weekend) moves to the next working day,
    an adjusted working weekend day is a working day."""
    due = start + timedelta(days=days)
    while not day_info(due).working:
        due += timedelta(days=1)
    return due


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def _fired(record):
    return {f["rule"] for f in record.record["fired"]}


def _refused_by(caught):
    return [rule for rule, _msgid, _params in caught.value.reasons]


# --- Opening a case --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_type", "team", "rule", "prefix"),
    [
        ("labour", "professional_mediation", "labour_to_professional_mediation", "LD"),
        ("commercial", "industry_mediation", "commercial_to_industry_mediation", "CD"),
        ("contract_review", "precise_legal_service", "legal_service_team", "CR"),
        ("prevention", "precise_legal_service", "legal_service_team", "PT"),
    ],
)
def test_the_rules_choose_the_team_and_the_decision_is_kept(
    session, users, firm, case_type, team, rule, prefix
):
    extra = {"workers": 1} if case_type == "labour" else {}
    if case_type == "commercial":
        extra = {"counterparty_name": "某贸易公司"}
    data = CaseInput(case_type=case_type, enterprise_id=firm.id, **extra)
    case = services.open_case(session, users["coordinator"], data, today=TODAY)
    again = services.open_case(session, users["coordinator"], data, today=TODAY)
    assert case.team == team
    assert re.fullmatch(rf"{prefix}-2026-\d{{4}}", case.number)
    assert int(again.number[-4:]) == int(case.number[-4:]) + 1
    chosen = [
        r for r in decisions_about(session, "dispute_cases", case.id) if r.ruleset == "dispute_team"
    ]
    assert len(chosen) == 1 and _fired(chosen[0]) == {rule}
    opening = case.transitions[0]
    assert (opening.from_stage, opening.to_stage) == (None, case.stage)
    assert opening.decision_id == chosen[0].id and opening.actor_id == users["coordinator"].id
    assert case.source == "intake" and case.opened_on == TODAY


def test_the_actor_takes_a_case_of_their_team_otherwise_the_least_busy_member(session, users, firm):
    session.execute(delete(CaseTeamMember).where(CaseTeamMember.team == "professional_mediation"))
    first = _staff(session, "dispute-test-a", "professional_mediation")
    second = _staff(session, "dispute-test-b", "professional_mediation")
    coordinator = users["coordinator"]
    assert _labour(session, first, firm).assignee_id == first.id  # in the team: their own
    assert _labour(session, coordinator, firm).assignee_id == second.id  # 0 open against 1
    assert _labour(session, coordinator, firm).assignee_id == first.id  # 1 against 1: lower id
    assert _labour(session, coordinator, firm).assignee_id == second.id  # 1 against 2
    assert _labour(session, first, firm).assignee_id == first.id  # busier, but in the team
    # Closed cases do not count: first opens two more and they are closed at once.
    closing = _labour(session, first, firm)
    _move(session, coordinator, closing, "closed")
    closing = _labour(session, first, firm)
    _move(session, coordinator, closing, "closed")
    assert _labour(session, coordinator, firm).assignee_id == second.id  # 2 against 3
    assert _labour(session, coordinator, firm).assignee_id == first.id  # 3 against 3
    assert _labour(session, users["mediator"], firm).assignee_id == second.id  # not in the team


def test_numbers_count_on_past_9999_within_the_year_and_type(session, users, firm):
    first = _labour(session, users["coordinator"], firm)
    prefix, sequence = first.number.rsplit("-", 1)
    assert prefix == f"LD-{TODAY.year}" and len(sequence) == 4
    assert (
        _labour(session, users["coordinator"], firm).number == f"{prefix}-{int(sequence) + 1:04d}"
    )
    first.number = f"{prefix}-9999"
    assert _labour(session, users["coordinator"], firm).number == f"{prefix}-10000"
    assert _labour(session, users["coordinator"], firm).number == f"{prefix}-10001"
    commercial = _commercial(session, users["coordinator"], firm)
    assert not commercial.number.endswith("-10002")  # each type counts on its own
    year = TODAY.year + 5  # a year nobody has opened a case in
    assert _labour(session, users["coordinator"], firm, today=TODAY.replace(year)).number == (
        f"LD-{year}-0001"
    )


def test_a_number_taken_at_the_same_moment_is_not_reused(session, users, firm, monkeypatch):
    """Two intakes read the same last number; the one that writes second takes the next."""
    before = session.scalar(select(func.count()).select_from(DisputeCase))
    first = _labour(session, users["coordinator"], firm)
    counted = db.next_number
    picks: list[str] = []

    def racing(session_, column, prefix):
        number = first.number if not picks else counted(session_, column, prefix)
        picks.append(number)
        return number

    monkeypatch.setattr(db, "next_number", racing)
    second = _labour(session, users["mediator"], firm, summary="另一名工人的加班费")
    assert picks[0] == first.number and len(picks) == 2
    assert second.id is not None and second.number == picks[1] != first.number
    assert second.summary == "另一名工人的加班费" and second.transitions[0].to_stage == "intake"
    assert session.scalar(select(func.count()).select_from(DisputeCase)) == before + 2


def test_parties_of_a_labour_and_a_commercial_case(session, users, firm, other_firm):
    workers = (WorkerInput("张三", "13800000001"), WorkerInput("李四"))
    labour = _labour(session, users["coordinator"], firm, workers=3, named_workers=workers)
    parties = [(p.kind, p.side, p.name, p.enterprise_id) for p in labour.parties]
    assert parties == [
        ("worker", "applicant", "张三", None),
        ("worker", "applicant", "李四", None),
        ("enterprise", "respondent", firm.name, firm.id),
    ]
    assert labour.parties[0].contact == "13800000001" and labour.parties[0].is_personal
    known = _commercial(session, users["coordinator"], firm, counterparty_id=other_firm.id)
    parties = [(p.kind, p.side, p.name, p.enterprise_id) for p in known.parties]
    assert parties == [
        ("enterprise", "applicant", firm.name, firm.id),
        ("enterprise", "respondent", other_firm.name, other_firm.id),
    ]
    assert known.counterparty_name == other_firm.name and known.workers == 0
    typed = _commercial(session, users["coordinator"], firm, counterparty_name=" 外地某公司 ")
    assert [(p.side, p.name, p.enterprise_id) for p in typed.parties][1] == (
        "respondent",
        "外地某公司",
        None,
    )


@pytest.mark.parametrize(
    ("case_type", "change", "field"),
    [
        ("labour", {"enterprise_id": None}, "enterprise_id"),
        ("commercial", {"enterprise_id": None}, "enterprise_id"),
        ("contract_review", {"enterprise_id": None}, "enterprise_id"),
        ("commercial", {"counterparty_name": ""}, "counterparty_name"),
        ("commercial", {"counterparty_id": "firm"}, "counterparty_id"),
        (
            "labour",
            {"workers": 1, "named_workers": (WorkerInput("甲"), WorkerInput("乙"))},
            "workers",
        ),
        ("labour", {"workers": 0}, "workers"),
        ("labour", {"knew_on": TODAY + timedelta(days=1)}, "knew_on"),
        ("labour", {"amount_claimed": Decimal("-0.01")}, "amount_claimed"),
        ("labour", {"subject": "sales"}, "subject"),
        ("labour", {"named_workers": (WorkerInput("  "),)}, "named_workers"),
    ],
)
def test_bad_input_is_refused_beside_its_field(session, users, firm, case_type, change, field):
    base = {"labour": {"workers": 2}, "commercial": {"counterparty_name": "某贸易公司"}}
    values = {"enterprise_id": firm.id, **base.get(case_type, {}), **change}
    if values.get("counterparty_id") == "firm":
        values["counterparty_id"] = firm.id
    before = _count(session, DisputeCase)
    with pytest.raises(DomainError) as caught:
        services.open_case(
            session, users["coordinator"], CaseInput(case_type=case_type, **values), today=TODAY
        )
    assert type(caught.value) is DomainError and caught.value.field == field
    assert _count(session, DisputeCase) == before


def test_the_day_learned_may_be_today_and_the_amount_zero(session, users, firm):
    case = _labour(session, users["coordinator"], firm, knew_on=TODAY, amount_claimed=Decimal(0))
    assert case.knew_on == TODAY and case.amount_claimed == 0


# --- A firm's own cases ----------------------------------------------------------------------------


def test_a_firm_opens_its_own_case_only_and_sees_no_other_firms(session, users, firm, other_firm):
    me = users["enterprise"]
    own = _labour(session, me, firm, workers=2, named_workers=(WorkerInput("王五", "139"),))
    assert own.source == "firm" and own.created_by_id == me.id
    assert own.assignee_id not in (None, me.id)  # a member of the team takes it
    assert services.get_case(session, me, own.id) is own
    assert not services.can_see_personal_data(session, me, own)  # not even in its own case
    assert services.can_see_personal_data(session, users["coordinator"], own)
    assert services.can_see_personal_data(session, users["mediator"], own)  # the team's mediator
    with pytest.raises(NotFound):
        _labour(session, me, other_firm)
    with pytest.raises(NotFound):
        services.open_case(
            session, me, CaseInput(case_type="prevention", enterprise_id=firm.id), today=TODAY
        )
    theirs = _labour(session, users["coordinator"], other_firm)
    with pytest.raises(NotFound):
        services.get_case(session, me, theirs.id)
    with pytest.raises(NotFound):  # nor move it
        _move(session, me, own, "mediation")
    listed = queries.case_list(
        session, me, queries.CaseFilter(include_closed=True), per_page=10_000
    )
    assert own in listed.cases and theirs not in listed.cases
    assert all(firm.id in (c.enterprise_id, c.counterparty_id) for c in listed.cases)
    # The other side of a commercial dispute sees it too.
    against = _commercial(session, users["coordinator"], other_firm, counterparty_id=firm.id)
    assert services.get_case(session, me, against.id) is against


def test_staff_outside_the_team_do_not_see_the_case(session, users, firm):
    outsider = _staff(session, "dispute-test-outsider", "industry_mediation")
    case = _labour(session, users["coordinator"], firm)
    with pytest.raises(NotFound):
        services.get_case(session, outsider, case.id)
    assert services.get_case(session, users["mediator"], case.id) is case


# --- Moving a case ---------------------------------------------------------------------------------


def test_an_allowed_move_keeps_the_decision_and_the_reason(session, users, firm):
    case = _labour(session, users["coordinator"], firm, today=date(2026, 11, 2))
    _move(session, users["mediator"], case, "mediation", TODAY, reason="  双方同意调解 ")
    assert case.stage == "mediation" and case.stage_entered_on == TODAY
    moved = case.transitions[-1]
    assert (moved.from_stage, moved.to_stage, moved.on) == ("intake", "mediation", TODAY)
    assert moved.reason == "双方同意调解" and moved.manual and moved.days_in_stage == 14
    assert moved.actor_id == users["mediator"].id
    record = moved.decision
    assert record.ruleset == "dispute_transition" and not record.refused
    assert (record.subject_type, record.subject_id) == ("dispute_cases", case.id)
    assert "checked" in _fired(record)
    with pytest.raises(DomainError) as caught:  # an agreement is drawn from its terms
        _move(session, users["mediator"], case, "agreement", agreement_terms=" ")
    assert caught.value.field == "agreement_terms"


def test_a_move_by_hand_needs_a_reason(session, users, firm):
    case = _labour(session, users["coordinator"], firm)
    with pytest.raises(Refused) as caught:
        _move(session, users["mediator"], case, "mediation", reason="  ")
    assert _refused_by(caught) == ["manual_needs_reason"]


def test_labour_litigation_from_mediation_is_refused_and_changes_nothing(session, users, firm):
    case = _labour(session, users["coordinator"], firm)
    _move(session, users["mediator"], case, "mediation")
    transitions = _count(session, CaseTransition)
    records = _count(session, DecisionRecord)
    with pytest.raises(Refused) as caught, session.begin_nested():
        _move(
            session,
            users["mediator"],
            case,
            "litigation",
            mediation_failed=True,
            agreement_terms="无",
        )
    assert _refused_by(caught) == ["arbitration_first"]
    assert case.stage == "mediation" and case.stage_entered_on == TODAY
    assert not case.mediation_failed and case.agreement_terms == ""
    assert _count(session, CaseTransition) == transitions
    assert _count(session, DecisionRecord) == records
    # The failed mediation may go to arbitration before its 15 days are over.
    _move(session, users["mediator"], case, "arbitration_application", mediation_failed=True)
    assert case.stage == "arbitration_application" and case.mediation_failed


def test_a_coordinator_closes_a_case_a_mediator_does_not(session, users, firm):
    opened = date(2026, 11, 2)
    case = _to_feedback(
        session, users["mediator"], _labour(session, users["coordinator"], firm, opened), opened
    )
    with pytest.raises(Refused) as caught, session.begin_nested():
        _move(session, users["coordinator"], case, "closed")
    assert _refused_by(caught) == ["no_return_visit"]  # the loop closes with the return visit
    visit = FeedbackInput(visited_on=TODAY, satisfaction=4, note="工资已付清")
    services.record_feedback(session, users["mediator"], case.id, visit, today=TODAY)
    with pytest.raises(Conflict, match="already recorded"), session.begin_nested():
        services.record_feedback(session, users["mediator"], case.id, visit, today=TODAY)
    assert case.satisfaction == 4
    with pytest.raises(Refused) as caught, session.begin_nested():
        _move(session, users["mediator"], case, "closed")
    assert _refused_by(caught) == ["closing_needs_coordinator"]
    assert case.stage == "feedback" and case.closed_on is None
    _move(session, users["coordinator"], case, "closed")
    assert case.stage == "closed" and case.closed_on == TODAY and case.due_on is None
    with pytest.raises(Conflict):
        _move(session, users["coordinator"], case, "feedback")


# --- Deadlines on the real calendar ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered_on", "nominal_kind", "due_on"),
    [
        # 15 days end on 7 October, the last day of the National Day holiday.
        (date(2026, 9, 22), "holiday", date(2026, 10, 8)),
        # 15 days end on Saturday 21 November, an ordinary weekend.
        (date(2026, 11, 6), "weekend", date(2026, 11, 23)),
        # 15 days end on Saturday 10 October, an adjusted working day: no extension.
        (date(2026, 9, 25), "adjusted_workday", date(2026, 10, 10)),
    ],
)
def test_labour_mediation_falls_due_by_the_law(
    session, users, firm, entered_on, nominal_kind, due_on
):
    nominal = entered_on + timedelta(days=15)
    assert day_info(nominal).kind == nominal_kind
    assert _law_due(entered_on, 15) == due_on
    case = _labour(session, users["coordinator"], firm, today=entered_on)
    _move(session, users["mediator"], case, "mediation", entered_on)
    assert (case.due_on, case.due_basis) == (due_on, "statute")
    assert case.warned_on is None and not case.overdue


def test_an_extended_award_period_runs_60_days(session, users, firm):
    applied = date(2026, 8, 3)
    plain = _labour(session, users["coordinator"], firm, today=applied)
    extended = _labour(session, users["coordinator"], firm, today=applied)
    for case, extend in ((plain, False), (extended, True)):
        _move(session, users["mediator"], case, "arbitration_application", applied)
        _move(
            session,
            users["mediator"],
            case,
            "arbitration_accepted",
            applied,
            period_extended=extend,
        )
    assert plain.due_on == _law_due(applied, 45)
    assert extended.due_on == _law_due(applied, 60) == date(2026, 10, 8)  # 2 Oct: a holiday
    assert extended.due_basis == "statute"
    # After 50 days the plain award period is over, the extended one is not.
    later = applied + timedelta(days=50)
    _move(session, users["mediator"], plain, "litigation", later)
    with pytest.raises(Refused) as caught, session.begin_nested():
        _move(session, users["mediator"], extended, "litigation", later)
    assert _refused_by(caught) == ["award_pending"]


def test_a_stage_without_a_statutory_period_has_the_centres_limit(session, users, firm):
    case = _commercial(session, users["coordinator"], firm)
    assert case.due_basis == "target" and case.due_on == _law_due(TODAY, 30)
    _move(session, users["mediator"], case, "arbitration", arbitration_agreed=True)
    assert case.due_on is None and case.due_basis is None  # in the tribunal's hands


# --- The tick --------------------------------------------------------------------------------------


def _settle(session, day):
    """Tick the last day a test will tick first: whatever else is in the database is then warned,
    overdue or moved for every day up to it, so later ticks on those days count only the test's
    own cases."""
    daily.tick(session, day)


def _zeros():
    return {"moved": 0, "warned": 0, "overdue": 0, "escalated": 0}


def _tick_twice(session, day):
    """Tick a day, then again: the second run finds nothing to do and writes nothing."""
    counts = daily.tick(session, day).as_dict()
    records, notes = _count(session, DecisionRecord), _count(session, Notification)
    assert daily.tick(session, day).as_dict() == _zeros()
    assert (_count(session, DecisionRecord), _count(session, Notification)) == (records, notes)
    return counts


def test_the_tick_warns_once_then_marks_overdue_once_and_escalates(session, users, firm):
    entered, due = date(2026, 9, 22), date(2026, 10, 8)
    _settle(session, due + timedelta(days=1))
    case = _labour(session, users["coordinator"], firm, today=entered)
    _move(session, users["coordinator"], case, "mediation", entered)
    assert case.due_on == due and not case.escalated and case.assignee_id is not None

    def warnings():
        return session.scalar(
            select(func.count()).where(
                Notification.user_id == case.assignee_id,
                Notification.link == f"/disputes/{case.id}",
                Notification.subject_msgid == "Case {number}: a deadline is near",
            )
        )

    # The lead is two working days: before the National Day holiday (1-7 October) the mediator
    # is warned on Tuesday 29 September, while still at work, not on the 6th.
    monday, tuesday = date(2026, 9, 28), date(2026, 9, 29)
    assert _tick_twice(session, monday) == _zeros()  # 29, 30 Sep and 8 Oct: 3 working days
    assert case.warned_on is None and warnings() == 0
    assert _tick_twice(session, tuesday) == {**_zeros(), "warned": 1}
    assert case.warned_on == tuesday and warnings() == 1
    for day in (date(2026, 9, 30), date(2026, 10, 6), due):
        assert _tick_twice(session, day) == _zeros()  # warned once; the last day is not overdue
    assert not case.overdue and warnings() == 1
    after = due + timedelta(days=1)
    assert _tick_twice(session, after) == {**_zeros(), "overdue": 1, "escalated": 1}
    assert case.overdue and case.escalated and case.escalated_on == after
    assert case.warned_on == tuesday
    deadline = [
        r for r in decisions_about(session, "dispute_cases", case.id)
        if r.ruleset == "dispute_deadline"
    ]  # fmt: skip
    assert len(deadline) == 2  # newest first: overdue and up to the centre, then the warning
    assert {"stage_overdue", "overdue_dispute_escalates"} <= set(_fired(deadline[0]))
    assert "falls_due_soon" in _fired(deadline[1])
    supervised = queries.CaseFilter(supervised=True, search=case.number)
    assert queries.case_list(session, users["coordinator"], supervised).cases == [case]
    assert _tick_twice(session, after + timedelta(days=1)) == _zeros()


def test_a_case_first_seen_after_its_due_day_is_overdue_without_a_warning(session, users, firm):
    entered, after = date(2026, 9, 22), date(2026, 10, 12)
    _settle(session, after)
    case = _labour(session, users["coordinator"], firm, today=entered)
    _move(session, users["coordinator"], case, "mediation", entered)
    assert _tick_twice(session, after) == {**_zeros(), "overdue": 1, "escalated": 1}
    assert case.overdue and case.warned_on == after


@pytest.mark.parametrize(
    ("today", "due_on", "left"),
    [
        (date(2026, 11, 27), date(2026, 11, 30), 1),  # Friday, for Monday
        (date(2026, 11, 30), date(2026, 11, 30), 0),  # the day itself
        (date(2026, 12, 1), date(2026, 11, 30), 0),  # past
        (date(2026, 9, 29), date(2026, 10, 8), 2),  # across the National Day holiday
        (date(2026, 10, 9), date(2026, 10, 12), 2),  # Saturday 10 October is worked
    ],
)
def test_working_days_left_to_a_deadline(today, due_on, left):
    assert daily.working_days_left(today, due_on) == left


@pytest.mark.parametrize(
    ("today", "warn_days", "horizon"),
    [
        (date(2026, 11, 27), 2, date(2026, 12, 1)),  # Friday: Monday and Tuesday
        (date(2026, 11, 27), 0, date(2026, 11, 29)),  # only what falls due by the weekend
        (date(2026, 9, 29), 2, date(2026, 10, 8)),  # the 30th, then the 8th after the holiday
    ],
)
def test_the_warning_horizon_is_counted_in_working_days(today, warn_days, horizon):
    assert daily.warning_horizon(today, warn_days) == horizon


def test_several_warnings_reach_the_mediator_as_one_digest(session, users, firm):
    entered, friday = date(2026, 11, 2), date(2026, 11, 13)
    _settle(session, friday)
    mediator = users["mediator"]
    cases = [_labour(session, mediator, firm, today=entered) for _ in range(3)]
    for case in cases:
        _move(session, mediator, case, "mediation", entered)
        assert case.due_on == date(2026, 11, 17) and case.assignee_id == mediator.id
    before = _count(session, Notification)
    assert _tick_twice(session, friday - timedelta(days=1)) == _zeros()  # three working days
    assert _tick_twice(session, friday) == {**_zeros(), "warned": 3}
    (digest,) = session.scalars(
        select(Notification)
        .where(Notification.user_id == mediator.id)
        .order_by(Notification.id.desc())
        .limit(_count(session, Notification) - before)
    ).all()
    assert digest.subject_msgid == "{count} of your cases fall due soon"
    assert digest.params["count"] == 3
    assert all(case.number in digest.params["numbers"] for case in cases)
    assert all(case.warned_on == friday for case in cases)


def test_a_collective_dispute_is_escalated_at_opening(session, users, firm):
    notes = _count(session, Notification)
    nine = _labour(session, users["mediator"], firm, workers=9)
    assert not nine.escalated and nine.escalated_on is None
    assert _count(session, Notification) == notes  # the mediator took it: nobody to tell
    ten = _labour(session, users["mediator"], firm, workers=10)
    assert ten.escalated and ten.escalated_on == TODAY
    went_up = [
        r
        for r in decisions_about(session, "dispute_cases", ten.id)
        if r.ruleset == "dispute_escalation"
    ]
    assert len(went_up) == 1 and "collective_dispute" in _fired(went_up[0])
    coordinators = session.scalar(
        select(func.count()).where(User.role == "coordinator", User.status == "active")
    )
    assert _count(session, Notification) == notes + coordinators


def test_an_award_nobody_sued_against_moves_to_feedback_by_the_tick(session, users, firm):
    awarded = date(2026, 11, 2)
    due = _law_due(awarded, 15)
    assert due == date(2026, 11, 17)
    _settle(session, due + timedelta(days=1))
    case = _labour(session, users["coordinator"], firm, today=date(2026, 8, 3))
    for stage in ("arbitration_application", "arbitration_accepted"):
        _move(session, users["mediator"], case, stage, date(2026, 8, 3))
    _move(session, users["mediator"], case, "award", awarded)
    assert case.due_on == due
    assert _tick_twice(session, due) == {**_zeros(), "warned": 1}
    assert case.stage == "award"
    assert _tick_twice(session, due + timedelta(days=1)) == {**_zeros(), "moved": 1}
    assert case.stage == "feedback" and case.stage_entered_on == due + timedelta(days=1)
    moved = case.transitions[-1]
    assert (moved.from_stage, moved.to_stage) == ("award", "feedback")
    assert moved.actor_id is None and not moved.manual and moved.reason == ""
    assert session.get(DecisionRecord, moved.decision_id).actor_id is None
    assert case.due_basis == "return_visit" and not case.overdue


# --- Feedback: back to prevention ------------------------------------------------------------------


def test_feedback_only_at_the_feedback_stage_with_a_satisfaction_from_1_to_5(session, users, firm):
    case = _labour(session, users["coordinator"], firm)
    visit = FeedbackInput(visited_on=TODAY, satisfaction=5)
    with pytest.raises(Conflict):
        services.record_feedback(session, users["mediator"], case.id, visit, today=TODAY)
    _to_feedback(session, users["mediator"], case, TODAY)
    for wrong in (0, 6):
        with pytest.raises(DomainError) as caught:
            services.record_feedback(
                session, users["mediator"], case.id, FeedbackInput(TODAY, wrong), today=TODAY
            )
        assert caught.value.field == "satisfaction"
    result = services.record_feedback(
        session, users["mediator"], case.id, FeedbackInput(TODAY, 1, " 基本满意 "), today=TODAY
    )
    assert result.case.satisfaction == 1 and case.feedback_note == "基本满意"
    assert case.return_visit_on == TODAY and case.due_on is None


def test_a_repeated_dispute_returns_to_prevention_once(session, users):
    quiet = _quiet_firm(session)
    mediator = users["mediator"]
    requests = _count(session, FridayRequest)

    def resolve(opened_on, subject="wage_arrears"):
        case = _labour(session, users["coordinator"], quiet, opened_on, subject=subject)
        _to_feedback(session, mediator, case, opened_on)
        visit = FeedbackInput(opened_on + timedelta(days=3), 4)
        return services.record_feedback(
            session, mediator, case.id, visit, today=opened_on + timedelta(days=3)
        )

    first = resolve(date(2031, 3, 3))
    assert first.prevention is None and first.friday_request_id is None
    other_subject = resolve(date(2031, 3, 10), subject="dismissal")
    assert other_subject.prevention is None
    second = resolve(date(2031, 5, 5))
    task = second.prevention
    assert task is not None and task.case_type == "prevention" and task.source == "repeat"
    assert task.parent_id == second.case.id and task.enterprise_id == quiet.id
    assert task.subject == "labour" and task.team == "precise_legal_service"
    request = session.get(FridayRequest, second.friday_request_id)
    assert request.source == "labour" and request.topics == ["labour"]
    assert request.enterprise_id == quiet.id and second.case.number in request.description
    why = [
        r
        for r in decisions_about(session, "dispute_cases", second.case.id)
        if r.ruleset == "dispute_feedback"
    ]
    assert "repeated_disputes" in _fired(why[0])
    third = resolve(date(2031, 6, 8))
    assert third.prevention is None and third.friday_request_id is None
    tasks = session.scalar(
        select(func.count()).where(
            DisputeCase.enterprise_id == quiet.id, DisputeCase.case_type == "prevention"
        )
    )
    assert tasks == 1 and _count(session, FridayRequest) == requests + 1


def test_a_dispute_more_than_a_year_before_does_not_count(session, users):
    quiet = _quiet_firm(session)
    for opened_on in (date(2030, 1, 2), date(2031, 3, 3)):
        case = _labour(session, users["coordinator"], quiet, opened_on)
        _to_feedback(session, users["mediator"], case, opened_on)
        result = services.record_feedback(
            session, users["mediator"], case.id, FeedbackInput(opened_on, 3), today=opened_on
        )
        assert result.prevention is None


# --- Contract reviews ------------------------------------------------------------------------------


def _review_with_findings(session, users, firm, **extra):
    consultant = users["consultant"]
    review = services.open_case(
        session,
        consultant,
        CaseInput(
            case_type="contract_review",
            subject="employment",
            enterprise_id=firm.id,
            contracts=4,
            **extra,
        ),
        today=TODAY,
    )
    assert review.assignee_id == consultant.id and review.contracts_reviewed == 4
    _move(session, consultant, review, "reviewing")
    return _move(session, consultant, review, "findings", findings="试用期条款违法")


def test_a_review_that_found_a_live_dispute_opens_a_child_case(session, users, firm):
    review = _review_with_findings(session, users, firm)
    with pytest.raises(Refused) as caught, session.begin_nested():
        _move(session, users["coordinator"], review, "dispute_opened")
    assert _refused_by(caught) == ["no_live_dispute"]
    _move(session, users["consultant"], review, "dispute_opened", live_dispute=True, opens="labour")
    child = session.scalar(select(DisputeCase).where(DisputeCase.parent_id == review.id))
    assert child.case_type == "labour" and child.source == "review"
    assert child.stage == "intake" and child.team == "professional_mediation"
    assert child.enterprise_id == firm.id and child.summary == "试用期条款违法"
    assert child.number.startswith("LD-2026-")
    _move(session, users["coordinator"], review, "closed")
    assert review.closed_on == TODAY


def test_a_review_with_a_loss_but_no_evidence_is_not_closed(session, users, firm):
    review = _review_with_findings(session, users, firm)
    with pytest.raises(Refused) as caught, session.begin_nested():
        _move(session, users["coordinator"], review, "closed", loss_avoided=Decimal(20000))
    assert _refused_by(caught) == ["loss_without_evidence"]
    assert review.stage == "findings" and review.loss_avoided == 0
    _move(
        session,
        users["coordinator"],
        review,
        "closed",
        loss_avoided=Decimal(20000),
        loss_evidence="修订后的劳动合同",
    )
    assert review.stage == "closed" and review.recovered_total == 20000


def test_an_overdue_review_is_not_escalated(session, users, firm):
    review = _review_with_findings(session, users, firm)
    assert review.due_basis == "target"
    after = review.due_on + timedelta(days=1)
    daily.tick(session, after)
    assert review.overdue and not review.escalated


# --- Reading: the case list and the loop's figures -------------------------------------------------


def test_the_case_list_pages_and_filters(session, users, firm):
    me = _staff(session, "dispute-test-list", "professional_mediation", "industry_mediation")
    opened = [TODAY - timedelta(days=n) for n in range(5)]
    commercial = [_commercial(session, me, firm, day) for day in opened]
    labour = _labour(session, me, firm)
    big = _commercial(session, me, firm, amount_claimed=Decimal(600_000))
    gone = _commercial(session, me, firm)
    _move(session, users["coordinator"], gone, "closed")
    elsewhere = _commercial(session, users["mediator"], firm)  # the team's, not mine
    mine = queries.CaseFilter(mine=True)

    first = queries.case_list(session, me, mine, per_page=3)
    assert (first.total, first.pages, first.page) == (7, 3, 1)
    pages = [queries.case_list(session, me, mine, page=n, per_page=3).cases for n in (1, 2, 3)]
    seen = [c for page in pages for c in page]
    assert len(seen) == 7 and len(set(seen)) == 7 and [len(p) for p in pages] == [3, 3, 1]
    assert set(seen) == {*commercial, labour, big}
    assert [c.due_on for c in seen] == sorted(c.due_on for c in seen)  # soonest due first
    assert queries.case_list(session, me, mine, page=99, per_page=3).page == 3
    assert queries.case_list(session, me, mine, page=0, per_page=3).page == 1

    by_type = queries.case_list(session, me, queries.CaseFilter(mine=True, case_type="labour"))
    assert by_type.cases == [labour]
    supervised = queries.case_list(session, me, queries.CaseFilter(mine=True, supervised=True))
    assert supervised.cases == [big] and big.escalated
    with_closed = queries.case_list(session, me, queries.CaseFilter(mine=True, include_closed=True))
    assert gone in with_closed.cases and with_closed.total == 8
    # Without `mine`: the team's cases too; a closed one only when asked for.
    assert queries.case_list(session, me, queries.CaseFilter(search=elsewhere.number)).cases == [
        elsewhere
    ]
    assert queries.case_list(session, me, queries.CaseFilter(search=gone.number)).cases == []
    found = queries.case_list(session, me, queries.CaseFilter(mine=True, search=labour.number))
    assert found.cases == [labour]
    for wildcard in ("%", "_", "LD%"):  # searched for as written, not as a pattern
        assert queries.case_list(session, me, queries.CaseFilter(search=wildcard)).total == 0


def test_the_loop_figures_of_a_year(session, users):
    coordinator, mediator = users["coordinator"], users["mediator"]
    quiet = _quiet_firm(session)
    year = (date(2031, 1, 1), date(2031, 12, 31))
    before = queries.loop_figures(session, *year)

    # Opened the year before, of another subject than `first` (two alike would open a task).
    late = _labour(session, coordinator, quiet, date(2030, 12, 22), subject="overtime")
    _to_feedback(session, mediator, late, date(2031, 1, 5), agreed_amount=Decimal(3000))
    first = _labour(session, coordinator, quiet, date(2031, 3, 2))
    _move(session, mediator, first, "mediation", date(2031, 3, 3))
    _move(
        session,
        mediator,
        first,
        "agreement",
        date(2031, 3, 10),
        agreement_terms="分两期支付",
        agreed_amount=Decimal(8000),
    )
    _move(session, mediator, first, "feedback", date(2031, 3, 12))
    services.record_feedback(
        session, mediator, first.id, FeedbackInput(date(2031, 3, 20), 4), today=date(2031, 3, 20)
    )
    _move(session, coordinator, first, "closed", date(2031, 3, 21))  # resolved once, not twice
    collective = _labour(session, coordinator, quiet, date(2031, 4, 1), workers=12)
    withdrawn = _labour(session, coordinator, quiet, date(2031, 4, 2))
    _move(session, coordinator, withdrawn, "closed", date(2031, 4, 3))  # not resolved by the loop
    trade = _commercial(session, coordinator, quiet, date(2031, 5, 4))
    _to_feedback(session, mediator, trade, date(2031, 5, 6), agreed_amount=Decimal(50000))
    services.record_feedback(
        session, mediator, trade.id, FeedbackInput(date(2031, 5, 8), 2), today=date(2031, 5, 8)
    )
    review = services.open_case(
        session,
        coordinator,
        CaseInput(case_type="contract_review", enterprise_id=quiet.id, contracts=7),
        today=date(2031, 6, 2),
    )
    _move(session, coordinator, review, "reviewing", date(2031, 6, 2))
    _move(session, coordinator, review, "findings", date(2031, 6, 9))
    _move(
        session,
        coordinator,
        review,
        "closed",
        date(2031, 6, 10),
        amount_recovered=Decimal(10000),
        loss_avoided=Decimal(30000),
        loss_evidence="和解协议",
    )
    next_year = _labour(session, coordinator, quiet, date(2032, 1, 5))
    _to_feedback(session, mediator, next_year, date(2032, 1, 6))

    figures = queries.loop_figures(session, *year)
    assert before.opened == {} and before.resolved == {}  # nobody else uses 2031
    assert figures.opened == {"labour": 3, "commercial": 1, "contract_review": 1}
    assert figures.resolved == {"labour": 2, "commercial": 1, "contract_review": 1}
    assert figures.disputes_resolved == 3
    assert figures.agreed == Decimal(61000)
    assert figures.recovered == Decimal(40000) and figures.contracts_reviewed == 7
    assert figures.satisfaction == 3.0
    assert figures.escalated == 1 and collective.escalated_on == date(2031, 4, 1)
    assert figures.days_per_stage["reviewing"] == 7
    assert figures.days_per_stage["intake"] == pytest.approx((14 + 1 + 1 + 2) / 4)
    assert figures.days_per_stage["mediation"] == pytest.approx((0 + 7 + 0) / 3)
    march = queries.loop_figures(session, date(2031, 3, 1), date(2031, 3, 31))
    assert march.opened == {"labour": 1} and march.resolved == {"labour": 1}
    assert march.satisfaction == 4.0 and march.escalated == 0
