"""The study base's part of the demo city: instructors, closures, and a year and a half of visits.

History is dated relative to today from a fixed seed: the whole of last school year and this
school year up to today are visits that happened, with attendance; the coming weeks of this term
hold published visits (some with their safety plans) and a few schools' requests still in draft,
made through the real operations so that the rules decide and the visits can say why. The spring
term is left for the planner.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calendars import TZ
from programs.accounts.models import User
from programs.calendar import services as calendar_services
from programs.calendar.models import Closure
from programs.decisions import services as decisions
from programs.directory.models import School
from programs.errors import DomainError
from programs.study_tours import services
from programs.study_tours.models import (
    Activity,
    Instructor,
    SafetyPlan,
    StudyBase,
    StudySession,
    Visit,
)
from programs.study_tours.terms import school_year_of

SEED = 4_2026

INSTRUCTORS = [
    # name, kind, organisation, activities they lead
    (
        "钱文静",
        "researcher",
        "清河市未成年人保护研究会",
        ["mock-court", "anti-bullying", "online-safety", "self-protection"],
    ),
    (
        "孙立新",
        "researcher",
        "清河市未成年人保护研究会",
        ["mock-court", "anti-bullying", "drug-prevention"],
    ),
    ("李晓燕", "researcher", "清河市法学会", ["online-safety", "anti-bullying", "traffic-safety"]),
    (
        "周海涛",
        "researcher",
        "清河市法学会",
        ["drug-prevention", "online-safety", "self-protection"],
    ),
    (
        "吴敏",
        "researcher",
        "清河市青少年宫",
        ["self-protection", "traffic-safety", "anti-bullying"],
    ),
    ("郑国强", "judge", "清河市人民法院少年审判庭", ["mock-court"]),
    ("王丽娟", "judge", "清河市人民法院", ["mock-court"]),
    ("冯志刚", "prosecutor", "清河市人民检察院未成年人检察部", ["mock-court", "drug-prevention"]),
    ("陈思远", "prosecutor", "清河市人民检察院", ["mock-court"]),
    ("刘建军", "police", "清河市公安局交通警察大队", ["traffic-safety"]),
    ("赵振华", "police", "清河市公安局交通警察大队", ["traffic-safety"]),
    ("杨春生", "teacher", "清河市教育和体育局", ["online-safety", "self-protection"]),
]
DEMO_INSTRUCTOR = "钱文静"


def load_instructors(session: Session, base: StudyBase) -> dict[str, Instructor]:
    """The instructors and what they may lead (added once)."""
    found = {i.name: i for i in session.scalars(select(Instructor))}
    activities = {a.code: a for a in session.scalars(select(Activity))}
    for name, kind, organisation, codes in INSTRUCTORS:
        if name in found:
            continue
        found[name] = Instructor(
            name=name,
            kind=kind,
            organisation=organisation,
            phone=f"1390635{len(found):04d}",
            activities=[activities[c] for c in codes],
        )
        session.add(found[name])
    session.flush()
    return found


def _vacations(school_year: int) -> list[tuple[date, date, str, str]]:
    return [
        (date(school_year + 1, 1, 12), date(school_year + 1, 1, 16), "exams", "期末考试周"),
        (date(school_year + 1, 1, 21), date(school_year + 1, 2, 19), "vacation", "寒假"),
        (date(school_year + 1, 6, 22), date(school_year + 1, 6, 30), "exams", "期末考试周"),
        (date(school_year + 1, 7, 11), date(school_year + 1, 8, 31), "vacation", "暑假"),
    ]


def load_closures(session: Session, coordinator: User, school_years: list[int]) -> None:
    """School vacations and exam weeks of the years shown, as every school district has them."""
    for year in school_years:
        for start, end, kind, reason in _vacations(year):
            exists = session.scalar(
                select(Closure.id).where(
                    Closure.scope == "all_schools",
                    Closure.starts_on == start,
                    Closure.ends_on == end,
                )
            )
            if exists:
                continue
            session.add(
                Closure(
                    scope="all_schools",
                    kind=kind,
                    starts_on=start,
                    ends_on=end,
                    reason=reason,
                    created_by_id=coordinator.id,
                )
            )
    session.flush()


def _activities_for(
    grade: int, activities: list[Activity], rng: random.Random, touring: bool
) -> list[Activity]:
    suited = [
        a
        for a in activities
        if a.grade_min <= grade <= a.grade_max and (a.tours_schools or not touring)
    ]
    if not suited:
        return []
    big = [a for a in suited if a.group_max >= 90]
    chosen = [rng.choice(big or suited)]
    others = [a for a in big if a not in chosen]
    if others and rng.random() < 0.5:
        chosen.append(rng.choice(others))
    return chosen


def _instructors_for(
    chosen: list[Activity], instructors: list[Instructor], rng: random.Random
) -> list[Instructor]:
    needed = max(a.instructors_needed for a in chosen)
    wanted = {a.id for a in chosen}
    able = [i for i in instructors if wanted & {a.id for a in i.activities}]
    rng.shuffle(able)
    return sorted(able[: max(needed, 2)], key=lambda i: i.id)


def load_history(session: Session, base: StudyBase, coordinator: User, today: date) -> int:
    """Visits of last school year and of this one so far, with attendance (added once)."""
    this_year = school_year_of(today)
    if session.scalar(
        select(func.count()).select_from(Visit).where(Visit.school_year == this_year - 1)
    ):
        return 0
    rng = random.Random(SEED)
    instructors = list(session.scalars(select(Instructor).order_by(Instructor.id)))
    activities = list(
        session.scalars(select(Activity).where(Activity.active).order_by(Activity.id))
    )
    schools = list(
        session.scalars(select(School).where(School.status == "active").order_by(School.id))
    )
    created = 0
    for year in (this_year - 1, this_year):
        start = date(year, 9, 1)
        end = min(date(year + 1, 7, 10), today - timedelta(days=1))
        open_days = calendar_services.base_open_days(session, base, start, end)
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        slots = [(d, e["code"]) for d in days if open_days.is_open(d) for e in base.session_times]
        order = schools[:]
        rng.shuffle(order)
        created += _place(
            session,
            base,
            slots,
            order,
            year,
            activities,
            instructors,
            rng,
            coordinator,
            touring=year < this_year,
        )
    return created


def _place(
    session, base, slots, order, year, activities, instructors, rng, coordinator, touring
) -> int:
    """Fill the sessions in order; the schools left over in a finished year went on tour."""
    created = 0
    queue = [
        s
        for s in order
        if services.default_plan(session, s, year).students <= base.seats_per_session
    ]
    for on, slot in slots:
        if not queue:
            break
        row = services._new_session(session, base, on, slot, "base", None)
        taken = 0
        while queue:
            school = queue[0]
            plan = services.default_plan(session, school, year)
            if taken + plan.students > base.seats_per_session:
                break
            queue.pop(0)
            chosen = _activities_for(plan.grade, activities, rng, touring=False)
            if not chosen:
                continue
            row.instructors = row.instructors or _instructors_for(chosen, instructors, rng)
            created += _visit(session, row, school, plan, chosen, year, rng, coordinator)
            taken += plan.students
            if taken > base.seats_per_session * 0.6:
                break
    # Schools the base could not take in that year were visited by touring sessions.
    day = slots[-1][0] if slots and touring else None
    for school in queue:
        if day is None:
            break
        day = day - timedelta(days=1)
        while day.weekday() not in (0, 2, 4):
            day = day - timedelta(days=1)
        plan = services.default_plan(session, school, year)
        chosen = _activities_for(plan.grade, activities, rng, touring=True)
        if not chosen:
            continue
        row = services._new_session(session, base, day, "am", "touring", school.id)
        row.instructors = _instructors_for(chosen, instructors, rng)
        created += _visit(session, row, school, plan, chosen, year, rng, coordinator)
    session.flush()
    return created


def _visit(session, row, school, plan, chosen, year, rng, coordinator) -> int:
    teachers = max(2, -(-plan.students // 20))
    published = datetime.combine(row.on - timedelta(days=21), time(10), tzinfo=TZ)
    checked = _checked(session, row, school.id, plan, teachers, chosen, coordinator, published)
    visit = Visit(
        session=row,
        school_id=school.id,
        school_year=year,
        grade=plan.grade,
        classes=plan.classes,
        students=plan.students,
        teachers=teachers,
        status="published",
        source="coordinator",
        created_by_id=coordinator.id,
        published_at=published,
        created_at=published,
        updated_at=published,
        activities=chosen,
        actual_students=max(1, plan.students - rng.choice([0, 0, 0, 1, 2, 3])),
        actual_teachers=teachers,
        attendance_recorded_at=datetime.combine(row.on, time(17), tzinfo=TZ),
    )
    session.add(visit)
    for decision in (checked.day, checked.group):
        decisions.log(session, decision, actor=coordinator, subject=visit).created_at = published
    visit.safety_plan = SafetyPlan(
        accompanying_teachers=teachers,
        transport=rng.choice(["school_bus", "hired_coach"]),
        emergency_contact=plan.contact_name or "班主任",
        emergency_phone="13906350000",
        special_needs_count=rng.choice([0, 0, 1, 2]),
        completed_at=published,
    )
    session.add(visit)
    return 1


def _checked(session, row, school_id, plan, teachers, chosen, coordinator, published):
    """The rules' decisions on the visit as the coordinator booked it three weeks before (kept
    with it and dated then, so its page says why and a what-if replay of the year finds it)."""
    session.flush()  # the session's other visits count against its seats
    return services.check_visit(
        session,
        coordinator,
        services.VisitInput(
            school_id=school_id,
            session_id=row.id,
            activity_ids=[a.id for a in chosen],
            students=plan.students,
            teachers=teachers,
            grade=plan.grade,
        ),
        today=published.astimezone(TZ).date(),
    )


def load_coming_weeks(
    session: Session, base: StudyBase, coordinator: User, school_user: User | None, today: date
) -> int:
    """Sessions for the rest of this term with published visits and a few requests in draft."""
    term_end = date(school_year_of(today) + 1, 1, 20)
    start = today + timedelta(days=1)
    if start > term_end or session.scalar(
        select(func.count()).select_from(StudySession).where(StudySession.on > today)
    ):
        return 0
    rng = random.Random(SEED + 1)
    instructors = list(session.scalars(select(Instructor).order_by(Instructor.id)))
    sessions = services.open_sessions(session, coordinator, start, term_end, [])
    for row in sessions:
        row.instructors = [i for i in instructors if services.instructor_free(session, i, row.on)]
    session.flush()
    year = school_year_of(today)
    # Schools not yet visited this year, in a fixed order.
    visited = set(session.scalars(select(Visit.school_id).where(Visit.school_year == year)))
    waiting = [
        s
        for s in session.scalars(
            select(School).where(School.status == "active").order_by(School.id)
        )
        if s.id not in visited
    ]
    rng.shuffle(waiting)
    if school_user is not None and school_user.school_id not in visited:
        waiting.sort(key=lambda s: s.id != school_user.school_id)
        waiting = [
            s for s in waiting if s.id != school_user.school_id
        ]  # the demo school asks itself
    activities = list(
        session.scalars(select(Activity).where(Activity.active).order_by(Activity.id))
    )
    created = 0
    for index, row in enumerate(sessions):
        if not waiting:
            break
        school = waiting.pop(0)
        plan = services.plan_of(session, school, year)
        chosen = _activities_for(plan.grade, activities, rng, touring=False)
        if not chosen:
            continue
        data = services.VisitInput(
            school.id,
            row.id,
            [a.id for a in chosen],
            plan.students,
            max(2, -(-plan.students // 20)),
        )
        try:
            visit = services.request_visit(session, coordinator, data, today=today)
        except DomainError:
            continue
        created += 1
        if index < len(sessions) * 0.6:
            services.publish(session, coordinator, [visit.id])
            if row.on <= today + timedelta(days=10) and rng.random() < 0.6:
                services.save_safety_plan(
                    session,
                    coordinator,
                    visit.id,
                    services.SafetyInput(
                        accompanying_teachers=visit.teachers,
                        transport="school_bus",
                        emergency_contact="德育处",
                        emergency_phone="13906351234",
                        special_needs_count=rng.choice([0, 1]),
                        notes="",
                    ),
                )
    session.flush()
    return created


def load_wishes(session: Session, school_year: int) -> None:
    """Some schools' wishes for this year (a weekday, months), as schools tell the base."""
    rng = random.Random(SEED + school_year)
    for school in session.scalars(
        select(School).where(School.status == "active").order_by(School.id)
    ):
        plan = services.plan_of(session, school, school_year)
        if plan.preferred_weekdays or plan.preferred_months:
            continue
        if rng.random() < 0.35:
            plan.preferred_weekdays = [rng.choice([1, 3])]
        if rng.random() < 0.3:
            plan.preferred_months = sorted(rng.sample([3, 4, 5, 6], 2))
    session.flush()
