"""Friday Law Service Day operations on the demo city: requests and pairing (continuity,
conflicts), visits checked by the rules, and visit records whose follow-ups become requests."""

from datetime import date

import pytest
from sqlalchemy import select

from calendars import working_fridays
from programs.accounts.models import User
from programs.decisions.models import DecisionRecord
from programs.directory.models import Consultant, Enterprise
from programs.errors import DomainError, Refused
from programs.friday import services
from programs.friday.models import FridayRequest, Pairing

TODAY = date(2026, 11, 28)


@pytest.fixture
def users(session):
    return {u.username: u for u in session.scalars(select(User))}


@pytest.fixture
def firm(session, users):
    return session.get(Enterprise, users["enterprise"].enterprise_id)


def _ask(session, user, firm, topics=("labour",), today=TODAY, **extra):
    data = services.RequestInput(
        kind="enterprise",
        enterprise_id=firm.id,
        topics=tuple(topics),
        description="劳动合同续签问题",
        **extra,
    )
    return services.submit_request(session, user, data, today=today)


def test_a_first_request_pairs_the_firm_and_a_later_one_keeps_the_pair(session, users):
    firm = session.scalar(
        select(Enterprise)
        .where(Enterprise.status == "active", ~Enterprise.id.in_(select(Pairing.enterprise_id)))
        .order_by(Enterprise.id)
    )
    assert services.current_pairing(session, firm.id) is None  # never paired before
    first = _ask(session, users["coordinator"], firm)
    pairing = services.current_pairing(session, firm.id)
    assert pairing is not None and pairing.started_on == TODAY
    consultant = pairing.consultant
    assert "labour" in consultant.expertise and consultant.active
    why = session.scalar(
        select(DecisionRecord).where(
            DecisionRecord.subject_type == "friday_requests", DecisionRecord.subject_id == first.id
        )
    )
    assert why.ruleset == "friday_pairing" and why.id == pairing.decision_id
    second = _ask(session, users["coordinator"], firm)
    assert services.current_pairing(session, firm.id).id == pairing.id  # continuity
    kept = session.scalar(
        select(DecisionRecord).where(
            DecisionRecord.subject_type == "friday_requests", DecisionRecord.subject_id == second.id
        )
    )
    assert "keep_pairing" in {f["rule"] for f in kept.record["fired"]}


def test_a_declared_conflict_ends_the_pairing_and_is_never_paired_again(session, users, firm):
    _ask(session, users["enterprise"], firm)
    before = services.current_pairing(session, firm.id).consultant_id
    services.declare_conflict(
        session,
        users["coordinator"],
        services.ConflictInput(consultant_id=before, enterprise_id=firm.id, reason="曾代理对方"),
        today=TODAY,
    )
    assert services.current_pairing(session, firm.id) is None
    ended = session.scalar(
        select(Pairing).where(Pairing.consultant_id == before, Pairing.enterprise_id == firm.id)
    )
    assert ended.end_reason == "conflict_of_interest"
    _ask(session, users["enterprise"], firm)
    after = services.current_pairing(session, firm.id)
    assert after is not None and after.consultant_id != before


def test_a_pair_outside_the_new_topics_is_replaced_and_the_reason_kept(session, users, firm):
    _ask(session, users["enterprise"], firm, topics=("labour",))
    pairing = services.current_pairing(session, firm.id)
    missing = next(
        area
        for area in ("intellectual_property", "financing", "tax", "compliance")
        if area not in pairing.consultant.expertise
    )
    _ask(session, users["enterprise"], firm, topics=(missing,))
    session.refresh(pairing)
    assert pairing.ended_on == TODAY and "outside_expertise" in pairing.end_reason
    new = services.current_pairing(session, firm.id)
    assert new is not None and missing in new.consultant.expertise


def test_a_firm_cannot_ask_for_another_firm(session, users, firm):
    other = session.scalar(select(Enterprise).where(Enterprise.id != firm.id))
    with pytest.raises(DomainError):
        _ask(session, users["enterprise"], other)


def test_a_preferred_friday_in_a_holiday_is_explained(session, users, firm):
    with pytest.raises(DomainError) as caught:
        _ask(
            session,
            users["enterprise"],
            firm,
            today=date(2026, 9, 20),
            preferred_fridays=(date(2026, 10, 2),),
        )
    assert caught.value.field == "preferred_fridays"
    assert caught.value.params["holiday_zh"] == "国庆节"


def test_booking_on_the_national_day_friday_is_refused_by_the_rule(session, users, firm):
    request = _ask(session, users["enterprise"], firm, today=date(2026, 9, 20))
    consultant = services.current_pairing(session, firm.id).consultant
    with pytest.raises(Refused) as caught:
        services.book_visit(
            session,
            users["coordinator"],
            request.id,
            consultant.id,
            date(2026, 10, 2),
            today=date(2026, 9, 20),
        )
    assert [r[0] for r in caught.value.reasons] == ["holiday_friday"]


def test_a_consultant_over_their_friday_limit_is_refused(session, users, firm):
    request = _ask(session, users["enterprise"], firm)
    consultant = services.current_pairing(session, firm.id).consultant
    friday = working_fridays(date(2026, 12, 7), date(2026, 12, 31))[0]
    others = session.scalars(
        select(Enterprise).where(Enterprise.id != firm.id, Enterprise.status == "active")
    ).all()
    for other in others[: consultant.visits_per_friday]:
        extra = FridayRequest(
            kind="enterprise",
            enterprise_id=other.id,
            town_id=other.town_id,
            venue_kind="premises",
            topics=["labour"] if "labour" in consultant.expertise else consultant.expertise[:1],
            source="coordinator",
        )
        session.add(extra)
        session.flush()
        services.book_visit(
            session, users["coordinator"], extra.id, consultant.id, friday, today=TODAY
        )
    with pytest.raises(Refused) as caught:
        services.book_visit(
            session, users["coordinator"], request.id, consultant.id, friday, today=TODAY
        )
    assert "over_friday_limit" in [r[0] for r in caught.value.reasons]


def test_a_recorded_visit_lists_its_problems_and_follow_ups_become_requests(session, users, firm):
    request = _ask(session, users["enterprise"], firm, today=date(2026, 11, 1))
    consultant = services.current_pairing(session, firm.id).consultant
    friday = date(2026, 11, 20)
    visit = services.book_visit(
        session, users["coordinator"], request.id, consultant.id, friday, today=date(2026, 11, 1)
    )
    assert visit.status == "published"
    actor = (
        session.scalar(select(User).where(User.consultant_id == consultant.id))
        or users["coordinator"]
    )
    record = services.RecordInput(
        met="总经理、人事主管",
        minutes=90,
        problems=(
            services.ProblemInput("labour", "三名员工未签书面劳动合同", solved=True),
            services.ProblemInput(
                "contracts", "供货合同缺少违约条款", solved=False, follow_up=True
            ),
        ),
    )
    services.record_visit(session, actor, visit.id, record, today=TODAY)
    assert visit.status == "done" and request.status == "done"
    assert [p.category for p in visit.problems] == ["labour", "contracts"]
    follow = visit.problems[1].follow_up_request
    assert follow is not None and follow.source == "follow_up" and follow.topics == ["contracts"]
    assert follow.enterprise_id == firm.id and follow.status == "open"


def test_a_record_with_a_contradiction_changes_nothing(session, users, firm):
    request = _ask(session, users["enterprise"], firm, today=date(2026, 11, 1))
    consultant = services.current_pairing(session, firm.id).consultant
    visit = services.book_visit(
        session,
        users["coordinator"],
        request.id,
        consultant.id,
        date(2026, 11, 20),
        today=date(2026, 11, 1),
    )
    bad = services.RecordInput(
        met="总经理",
        minutes=60,
        problems=(services.ProblemInput("labour", "加班费", solved=True, follow_up=True),),
    )
    with pytest.raises(DomainError) as caught:
        services.record_visit(session, users["coordinator"], visit.id, bad, today=TODAY)
    assert caught.value.field == "problems"
    assert visit.status == "published" and visit.problems == []


def test_consultants_have_expertise_for_every_topic(session):
    covered = {a for c in session.scalars(select(Consultant)) for a in c.expertise}
    assert {"labour", "contracts", "intellectual_property"} <= covered


def test_a_published_visit_is_in_the_consultants_feed_and_is_flagged_by_their_leave(
    session, users, firm
):
    from icalendar import Calendar

    from programs.calendar import feeds
    from programs.calendar import services as calendar_services
    from programs.calendar.models import RecheckFlag

    me = users["consultant"]
    consultant = session.get(Consultant, me.consultant_id)
    request = _ask(session, users["coordinator"], firm, topics=consultant.expertise[:1])
    friday = working_fridays(date(2026, 12, 7), date(2026, 12, 31))[0]
    visit = services.book_visit(session, me, request.id, consultant.id, friday, today=TODAY)
    ics = Calendar.from_ical(feeds.feed(session, me)[0])
    uids = {str(e["UID"]) for e in ics.walk("VEVENT")}
    assert f"friday-visit-{visit.id}@fengqiao" in uids
    calendar_services.add_closure(
        session,
        me,
        calendar_services.ClosureInput(
            scope="consultant",
            scope_id=consultant.id,
            kind="leave",
            starts_on=friday,
            ends_on=friday,
            reason="出庭",
        ),
    )
    flag = session.scalar(
        select(RecheckFlag).where(
            RecheckFlag.subject_type == "friday_visits", RecheckFlag.subject_id == visit.id
        )
    )
    assert flag is not None and flag.params["consultant"] == consultant.name
    before = visit.sequence
    services.move_visit(
        session,
        users["coordinator"],
        visit.id,
        on=working_fridays(friday.replace(day=friday.day + 1), date(2026, 12, 31))[0],
        today=TODAY,
    )
    assert visit.sequence == before + 1
