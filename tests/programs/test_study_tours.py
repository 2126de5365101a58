"""The study base through the programs layer: every rule with a passing and a failing case."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from programs.accounts.models import User
from programs.calendar import rechecks
from programs.calendar import services as calendar_services
from programs.calendar.models import RecheckFlag
from programs.decisions.models import DecisionRecord
from programs.directory.models import School
from programs.errors import DomainError, Refused
from programs.notifications.models import Notification
from programs.study_tours import queries, services
from programs.study_tours.models import Activity, Instructor, StudySession, Visit, WaitlistEntry

TODAY = date(2027, 2, 22)  # a Monday of the spring term 2027, after the demo's history
TUESDAY = date(2027, 3, 9)
THURSDAY = date(2027, 3, 11)


def _user(session, name):
    return session.scalar(select(User).where(User.username == name))


@pytest.fixture
def coordinator(session):
    return _user(session, "coordinator")


@pytest.fixture
def unvisited(session):
    """Schools with no visit this school year (2026), in a fixed order."""
    visited = select(Visit.school_id).where(Visit.school_year == 2026)
    own = _user(session, "school").school_id  # the demo school's own account asks for itself
    return list(
        session.scalars(
            select(School)
            .where(
                School.status == "active",
                School.level == "primary",
                School.id.not_in(visited),
                School.id != own,
            )
            .order_by(School.id)
        )
    )


def _activity(session, code):
    return session.scalar(select(Activity).where(Activity.code == code))


def _instructors(session, *codes):
    wanted = {_activity(session, c).id for c in codes}
    return [
        i.id
        for i in session.scalars(select(Instructor).order_by(Instructor.id))
        if wanted & {a.id for a in i.activities}
    ]


def _session(session, coordinator, on, *, codes=("traffic-safety",), slot="am"):
    rows = services.open_sessions(session, coordinator, on, on, _instructors(session, *codes))
    if rows:
        return next(r for r in rows if r.slot == slot)
    return session.scalar(
        select(StudySession).where(StudySession.on == on, StudySession.slot == slot)
    )


def _raw_session(session, on, instructors=()):
    """A session on any day, as if the base had opened it (to ask the rules about that day)."""
    row = services._new_session(session, services.the_base(session), on, "am", "base", None)
    row.instructors = [session.get(Instructor, i) for i in instructors]
    session.flush()
    return row


def _input(school, row, session, *, codes=("traffic-safety",), students=80, teachers=4, grade=None):
    return services.VisitInput(
        school_id=school.id,
        session_id=row.id,
        activity_ids=[_activity(session, c).id for c in codes],
        students=students,
        teachers=teachers,
        grade=grade,
    )


def _refusal_rules(excinfo):
    return [rule for rule, _msgid, _params in excinfo.value.reasons]


def test_a_request_on_an_open_tuesday_is_taken_and_logged_with_why(session, coordinator, unvisited):
    row = _session(session, coordinator, TUESDAY)
    school = unvisited[0]
    visit = services.request_visit(session, coordinator, _input(school, row, session), today=TODAY)
    assert visit.status == "draft"
    records = session.scalars(
        select(DecisionRecord).where(
            DecisionRecord.subject_type == "visits", DecisionRecord.subject_id == visit.id
        )
    ).all()
    assert {r.ruleset for r in records} == {"calendar", "study_visit"}
    assert not any(r.refused for r in records)


def test_a_wednesday_is_refused_by_the_calendar_rule(session, coordinator, unvisited):
    row = _raw_session(session, date(2027, 3, 10), _instructors(session, "traffic-safety"))
    with pytest.raises(Refused) as caught:
        services.request_visit(
            session, coordinator, _input(unvisited[0], row, session), today=TODAY
        )
    assert "closed_on_other_weekdays" in _refusal_rules(caught)


def test_the_substituted_day_off_on_tuesday_6_october_is_refused_naming_national_day(
    session, coordinator, unvisited
):
    row = _raw_session(session, date(2026, 10, 6), _instructors(session, "traffic-safety"))
    with pytest.raises(Refused) as caught:
        services.request_visit(
            session, coordinator, _input(unvisited[0], row, session), today=date(2026, 9, 1)
        )
    rule, _msgid, params = caught.value.reasons[0]
    assert rule == "closed_for_holiday"
    assert params["holiday_zh"] == "国庆节"


def test_an_overfull_session_is_refused_and_offers_the_waiting_list(
    session, coordinator, unvisited
):
    row = _session(session, coordinator, TUESDAY)
    services.request_visit(
        session, coordinator, _input(unvisited[0], row, session, students=80), today=TODAY
    )
    with pytest.raises(Refused) as caught:
        services.request_visit(
            session, coordinator, _input(unvisited[1], row, session, students=40), today=TODAY
        )
    assert _refusal_rules(caught) == ["session_full"]
    assert caught.value.full
    # Fits: 20 more students into the 100 seats.
    services.request_visit(
        session,
        coordinator,
        _input(unvisited[2], row, session, students=20, teachers=1),
        today=TODAY,
    )


def test_schools_book_a_week_ahead_coordinators_may_book_later(session, coordinator, unvisited):
    row = _session(session, coordinator, TUESDAY)
    school_user = _user(session, "school")
    own = session.get(School, school_user.school_id)
    with pytest.raises(Refused) as caught:
        services.request_visit(
            session, school_user, _input(own, row, session), today=TUESDAY - timedelta(days=3)
        )
    assert "book_in_good_time" in _refusal_rules(caught)
    services.request_visit(
        session, school_user, _input(own, row, session), today=TUESDAY - timedelta(days=8)
    )
    other = _session(session, coordinator, THURSDAY)
    services.request_visit(
        session,
        coordinator,
        _input(unvisited[0], other, session),
        today=THURSDAY - timedelta(days=2),
    )


def test_one_teacher_per_twenty_students(session, coordinator, unvisited):
    row = _session(session, coordinator, TUESDAY)
    with pytest.raises(Refused) as caught:
        services.request_visit(
            session,
            coordinator,
            _input(unvisited[0], row, session, students=90, teachers=4),
            today=TODAY,
        )
    _rule, _msgid, params = next(r for r in caught.value.reasons if r[0] == "too_few_teachers")
    assert params["needed"] == 5
    services.request_visit(
        session,
        coordinator,
        _input(unvisited[0], row, session, students=90, teachers=5),
        today=TODAY,
    )


def test_grade_and_group_size_must_suit_the_activity(session, coordinator, unvisited):
    row = _session(session, coordinator, TUESDAY, codes=("mock-court", "self-protection"))
    with pytest.raises(Refused) as caught:
        services.request_visit(
            session,
            coordinator,
            _input(unvisited[0], row, session, codes=("mock-court",), grade=3),
            today=TODAY,
        )
    assert "grade_not_suited" in _refusal_rules(caught)
    with pytest.raises(Refused) as caught:
        services.request_visit(
            session,
            coordinator,
            _input(unvisited[0], row, session, codes=("self-protection",), students=90, teachers=5),
            today=TODAY,
        )
    assert "group_too_large" in _refusal_rules(caught)
    services.request_visit(
        session,
        coordinator,
        _input(unvisited[0], row, session, codes=("mock-court",), grade=5, students=90, teachers=5),
        today=TODAY,
    )


def test_a_session_without_instructors_cannot_be_booked(session, coordinator, unvisited):
    row = _raw_session(session, TUESDAY)
    with pytest.raises(Refused) as caught:
        services.request_visit(
            session, coordinator, _input(unvisited[0], row, session), today=TODAY
        )
    assert _refusal_rules(caught) == ["instructors_missing"]
    services.assign_instructors(
        session, coordinator, row.id, _instructors(session, "traffic-safety")
    )
    services.request_visit(session, coordinator, _input(unvisited[0], row, session), today=TODAY)


def test_an_instructor_on_leave_is_refused_by_name(session, coordinator):
    row = _raw_session(session, TUESDAY)
    instructor = session.scalar(select(Instructor).order_by(Instructor.id))
    calendar_services.add_closure(
        session,
        coordinator,
        calendar_services.ClosureInput(
            scope="instructor",
            scope_id=instructor.id,
            kind="leave",
            starts_on=TUESDAY,
            ends_on=TUESDAY,
            reason="出差",
        ),
    )
    with pytest.raises(DomainError) as caught:
        services.assign_instructors(session, coordinator, row.id, [instructor.id])
    assert caught.value.params["name"] == instructor.name


def test_one_visit_a_month_and_first_visits_first(session, coordinator, unvisited):
    first = _session(session, coordinator, TUESDAY)
    second = _session(session, coordinator, THURSDAY)
    school = unvisited[0]
    services.request_visit(session, coordinator, _input(school, first, session), today=TODAY)
    with pytest.raises(Refused) as caught:
        services.request_visit(session, coordinator, _input(school, second, session), today=TODAY)
    assert {"one_visit_a_month", "first_visits_first"} <= set(_refusal_rules(caught))


def test_cancelling_close_to_the_day_needs_a_coordinator_and_the_seat_goes_to_the_least_covered(
    session, coordinator, unvisited
):
    row = _session(session, coordinator, TUESDAY)
    school_user = _user(session, "school")
    own = session.get(School, school_user.school_id)
    mine = services.request_visit(
        session, school_user, _input(own, row, session, students=90, teachers=5), today=TODAY
    )
    services.publish(session, coordinator, [mine.id])
    # Two schools wait; the one with fewer visits this year must get the seat, whoever asked first.
    visited_school = session.scalar(
        select(School)
        .join(Visit, Visit.school_id == School.id)
        .where(Visit.school_year == 2026, Visit.status == "published", School.id != own.id)
        .limit(1)
    )
    services.join_waitlist(
        session, coordinator, _input(visited_school, row, session, students=50, teachers=3)
    )
    services.join_waitlist(
        session, coordinator, _input(unvisited[0], row, session, students=50, teachers=3)
    )
    with pytest.raises(Refused) as caught:
        services.cancel_visit(
            session, school_user, mine.id, "校运会", today=TUESDAY - timedelta(days=2)
        )
    assert _refusal_rules(caught) == ["late_cancellation_needs_coordinator"]
    services.cancel_visit(
        session, coordinator, mine.id, "学校申请，协调员同意", today=TUESDAY - timedelta(days=2)
    )
    offered = session.scalar(
        select(Visit).where(Visit.session_id == row.id, Visit.status == "draft")
    )
    assert offered.school_id == unvisited[0].id
    assert session.scalar(
        select(WaitlistEntry.offered_at).where(WaitlistEntry.school_id == unvisited[0].id)
    )
    why = session.scalars(
        select(DecisionRecord).where(
            DecisionRecord.subject_id == offered.id, DecisionRecord.ruleset == "study_waitlist"
        )
    ).one()
    assert why.record["fired"][0]["rule"] == "offer_to_least_covered"


def test_publishing_tells_the_school_and_moving_rechecks_every_rule(session, coordinator):
    school_user = _user(session, "school")
    own = session.get(School, school_user.school_id)
    row = _session(session, coordinator, TUESDAY)
    visit = services.request_visit(session, school_user, _input(own, row, session), today=TODAY)
    services.publish(session, coordinator, [visit.id])
    assert session.scalar(
        select(Notification).where(
            Notification.user_id == school_user.id, Notification.link == f"/study/visits/{visit.id}"
        )
    )
    closed = _raw_session(
        session, date(2027, 3, 10), _instructors(session, "traffic-safety")
    )  # a Wednesday
    with pytest.raises(Refused):
        services.move_visit(session, coordinator, visit.id, closed.id, today=TODAY)
    assert visit.session_id == row.id
    better = _session(session, coordinator, THURSDAY)
    services.move_visit(session, coordinator, visit.id, better.id, today=TODAY)
    assert visit.session_id == better.id and visit.sequence >= 2


def test_a_closure_over_a_published_visit_is_flagged_not_moved(session, coordinator):
    school_user = _user(session, "school")
    own = session.get(School, school_user.school_id)
    row = _session(session, coordinator, TUESDAY)
    visit = services.request_visit(session, school_user, _input(own, row, session), today=TODAY)
    services.publish(session, coordinator, [visit.id])
    calendar_services.add_closure(
        session,
        coordinator,
        calendar_services.ClosureInput(
            scope="base",
            scope_id=row.base_id,
            kind="maintenance",
            starts_on=TUESDAY,
            ends_on=TUESDAY,
            reason="停电检修",
        ),
    )
    flag = session.scalar(
        select(RecheckFlag).where(
            RecheckFlag.subject_type == "visits", RecheckFlag.subject_id == visit.id
        )
    )
    assert flag is not None and flag.params["closure"] == "停电检修"
    assert visit.session.on == TUESDAY and visit.status == "published"
    assert rechecks.open_flags(session)


def test_safety_plan_and_attendance(session, coordinator):
    school_user = _user(session, "school")
    own = session.get(School, school_user.school_id)
    row = _session(session, coordinator, TUESDAY)
    visit = services.request_visit(session, school_user, _input(own, row, session), today=TODAY)
    plan = services.SafetyInput(4, "school_bus", "王老师", "13900000000", 1, "")
    with pytest.raises(DomainError):
        services.save_safety_plan(session, school_user, visit.id, plan)  # still a draft
    services.publish(session, coordinator, [visit.id])
    assert [v.id for v in queries.not_ready(session, TUESDAY - timedelta(days=5))] == [visit.id]
    with pytest.raises(DomainError) as caught:
        services.save_safety_plan(
            session,
            school_user,
            visit.id,
            plan.__class__(**{**plan.__dict__, "special_needs_count": 500}),
        )
    assert caught.value.field == "special_needs_count"
    services.save_safety_plan(session, school_user, visit.id, plan)
    assert queries.not_ready(session, TUESDAY - timedelta(days=5)) == []
    with pytest.raises(DomainError):
        services.record_attendance(
            session, coordinator, visit.id, 78, 4, today=TUESDAY - timedelta(days=1)
        )
    services.record_attendance(session, coordinator, visit.id, 78, 4, today=TUESDAY)
    assert visit.actual_students == 78


def test_a_school_cannot_act_for_another(session, coordinator, unvisited):
    row = _session(session, coordinator, TUESDAY)
    from programs.errors import NotFound

    with pytest.raises(NotFound):
        services.request_visit(
            session, _user(session, "school"), _input(unvisited[0], row, session), today=TODAY
        )


def test_demo_history_counts_students_not_names(session):
    visits = session.scalars(select(Visit).where(Visit.school_year == 2025)).all()
    assert len({v.school_id for v in visits}) >= 130
    assert all(v.actual_students is not None for v in visits)
    columns = {c.name for c in Visit.__table__.columns} | {c.name for c in School.__table__.columns}
    assert not {"student_name", "name_of_student", "id_number"} & columns


def test_coverage_and_csv(session):
    towns = queries.coverage(session, 2025, date(2026, 8, 1))
    assert sum(t.covered for t in towns) == sum(
        len(t.schools) for t in towns
    )  # last year: all covered
    from programs.study_tours.terms import Term

    body = queries.visits_csv(queries.term_visits(session, Term(2025, "autumn")))
    assert body.startswith("\ufeffdate,slot".encode())
    assert len(body.decode("utf-8").splitlines()) > 20
