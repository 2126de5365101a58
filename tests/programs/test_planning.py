"""The study-tour planner (programs.study_tours.planning) on its own: no database.

Random cities (hypothesis): every plan passes `verify` and every rule of "study_visit", accounts
for every school due, reports figures that agree with its placements, leaves no school over
beside a session that could take it as it stands, and explains itself in Chinese. Fixed cities:
the same input, in any order and under any hash seed, gives the same plan; a demo-sized term
places everyone; a city short of sessions gets a shortfall account that re-planning confirms;
wishes are met when there is room.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

import rules
from calendars import is_working_day
from programs import i18n
from programs.study_tours import planning
from programs.study_tours.planning import (
    SLOTS,
    ActivityInfo,
    BaseSlot,
    InstructorInfo,
    Plan,
    PlanningInput,
    SchoolDue,
    VisitParameters,
)
from rules.messages import WEEKDAY_NAMES

ROOT = Path(__file__).resolve().parents[2]
MONDAYS = tuple(date(2027, 3, 1) + timedelta(weeks=k) for k in range(12))  # into the May holiday
TOWNS = ("town-a", "town-b", "town-c", "town-d")
PLACEHOLDER = re.compile(r"\{\w+\}")
CJK = re.compile(r"[\u4e00-\u9fff]")

# Activities like the demo city's: grades, group sizes, instructors needed, whether they tour.
DEMO_ACTIVITIES = (
    ActivityInfo(1, "mock-court", 5, 9, 30, 100, 2, True),
    ActivityInfo(2, "traffic-safety", 1, 9, 20, 100, 1, True),
    ActivityInfo(3, "anti-bullying", 4, 9, 30, 100, 1, True),
    ActivityInfo(4, "online-safety", 4, 12, 30, 120, 1, True),
    ActivityInfo(5, "drug-prevention", 4, 12, 40, 120, 1, False),
    ActivityInfo(6, "self-protection", 3, 8, 20, 60, 1, False),
)
# What each of twelve instructors leads (activity ids).
DEMO_LEADS = (
    (1, 3, 4, 6),
    (1, 3, 5),
    (2, 3, 4),
    (4, 5, 6),
    (2, 3, 6),
    (1,),
    (1,),
    (1, 5),
    (1,),
    (2,),
    (2,),
    (4, 6),
)


# --- Building inputs ----------------------------------------------------------------------------


def school_days(start: date, end: date) -> list[date]:
    """Working weekdays from start to end (public holidays left out)."""
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5 and is_working_day(d)]


def _subset(items: Sequence[Any], max_size: int) -> st.SearchStrategy[frozenset[Any]]:
    if not items or max_size < 1:
        return st.just(frozenset())
    return st.frozensets(st.sampled_from(items), max_size=max_size)


@st.composite
def cities(draw: st.DrawFn, max_schools: int = 40) -> PlanningInput:
    """A small-to-medium city: base sessions on Tuesdays and Thursdays (some already holding
    groups and instructors), touring days on the other school days, instructors with days off,
    activities for some grades, schools with wishes, blackouts and sometimes too few teachers."""
    start = draw(st.sampled_from(MONDAYS))
    weeks = draw(st.integers(1, 6))
    end = start + timedelta(days=7 * weeks - 3)  # a Friday
    days = school_days(start, end)
    params = VisitParameters(
        lead_time_days=draw(st.sampled_from((0, 3, 7, 7, 7, 14))),
        students_per_teacher_max=draw(st.sampled_from((10, 15, 20, 25))),
        visits_per_month_max=draw(st.integers(1, 2)),
    )
    activities = []
    for n in range(draw(st.integers(1, 4))):
        # The first activity is for most grades and groups, the others for some.
        grade_min = draw(st.integers(1, 3 if n == 0 else 9))
        group_min = draw(st.integers(10, 20 if n == 0 else 40))
        activities.append(
            ActivityInfo(
                id=n + 1,
                name=f"activity-{n + 1}",
                grade_min=grade_min,
                grade_max=draw(st.integers(9 if n == 0 else grade_min, 12)),
                group_min=group_min,
                group_max=draw(st.integers(100 if n == 0 else group_min + 10, 130)),
                instructors_needed=draw(st.integers(1, 2)),
                tours_schools=draw(st.sampled_from((True, False))),
            )
        )
    activity_ids = [a.id for a in activities]
    instructors = tuple(
        InstructorInfo(
            id=n + 1,
            name=f"instructor-{n + 1}",
            activity_ids=draw(st.frozensets(st.sampled_from(activity_ids), min_size=1)),
            unavailable=draw(_subset(days, 4)),
        )
        for n in range(draw(st.integers(2, 8)))
    )
    months = sorted({d.month for d in days}) or [start.month]
    towns = TOWNS[: draw(st.integers(1, len(TOWNS)))]
    schools = []
    # Mostly about as many schools as the base takes in the weeks (the demo city has seven a
    # week), sometimes more.
    most = min(max_schools, draw(st.sampled_from((6, 8, 8, 12))) * weeks)
    rare = draw(st.randoms(use_true_random=True))  # for what only some schools do
    for n in range(draw(st.integers(3, max(3, most)))):
        students = draw(st.integers(20, 100)) if rare.random() < 0.9 else rare.randint(10, 130)
        needed = math.ceil(students / params.students_per_teacher_max)
        teachers = None if rare.random() < 0.7 else needed + rare.choice((0, 0, 1, 2))
        if rare.random() < 0.05:
            teachers = needed - 1  # one teacher short (none, for a small group)
        schools.append(
            SchoolDue(
                id=n + 1,
                name=f"school-{n + 1}",
                town=draw(st.sampled_from(towns)),
                level="primary",
                grade=draw(st.integers(1, 9)) if rare.random() < 0.9 else rare.randint(1, 12),
                students=students,
                teachers=teachers,
                preferred_weekdays=draw(_subset(range(5), 2)),
                preferred_months=draw(_subset(months, 2)),
                blackout=draw(_subset(days, 3)),
            )
        )
    # Groups already booked: schools not due, and now and then one of the schools due.
    booked = [9001, 9002, 9003, 9004, 9005, 9006, draw(st.sampled_from(schools)).id]
    slots = []
    session_id = 500
    for day in (d for d in days if d.weekday() in (1, 3)):
        for half in SLOTS:
            kind = draw(st.sampled_from(("open", "open", "open", "open", "closed", "existing")))
            if kind == "closed":
                continue
            seats = draw(st.sampled_from((100, 60, 120, 40)))
            if kind == "open":
                slots.append(BaseSlot(day, half, seats))
                continue
            session_id += 1
            fixed = draw(
                st.one_of(
                    st.none(),
                    st.frozensets(st.sampled_from([i.id for i in instructors]), max_size=3).map(
                        lambda ids: tuple(sorted(ids))
                    ),
                )
            )
            slots.append(
                BaseSlot(
                    on=day,
                    slot=half,
                    seats=seats,
                    seats_taken=draw(st.integers(0, seats)),
                    session_id=session_id,
                    instructor_ids=fixed,
                    school_ids_present=tuple(
                        draw(st.lists(st.sampled_from(booked), max_size=2, unique=True))
                    ),
                )
            )
    others = [d for d in days if d.weekday() not in (1, 3)]
    touring = draw(st.sampled_from(("all", "some", "none")))
    if touring != "all":
        others = sorted(draw(_subset(others, len(others)))) if touring == "some" else []
    return PlanningInput(
        today=start + timedelta(days=draw(st.sampled_from((-20, -14, -10, -7, -3, 0, 2)))),
        term_start=start,
        term_end=end,
        parameters=params,
        base_slots=tuple(slots),
        touring_days=tuple(others),
        schools=tuple(schools),
        activities=tuple(activities),
        instructors=instructors,
        max_touring_per_day=draw(st.sampled_from((2, 1, 3, 0))),
        groups_per_session_max=draw(st.sampled_from((2, 1, 3))),
    )


def demo_term(seed: int, schools: int = 135, *, base_days: int | None = None) -> PlanningInput:
    """A demo-sized spring term: the base on working Tuesdays and Thursdays (the first
    `base_days` of them if given), touring on the other working weekdays, some sessions of the
    first three weeks already booked with their instructors."""
    rng = random.Random(seed)
    term_start, term_end = date(2027, 2, 22), date(2027, 7, 10)
    days = school_days(term_start, term_end)
    tue_thu = [d for d in days if d.weekday() in (1, 3)][:base_days]
    instructors = tuple(
        InstructorInfo(
            n + 1,
            f"instructor-{n + 1}",
            frozenset(leads),
            frozenset(d for d in days if rng.random() < 0.06),
        )
        for n, leads in enumerate(DEMO_LEADS)
    )
    slots = []
    for n, day in enumerate(tue_thu):
        for half in SLOTS:
            if day < term_start + timedelta(days=21) and rng.random() < 0.5:
                slots.append(
                    BaseSlot(
                        day,
                        half,
                        100,
                        rng.choice((40, 45, 50)),
                        1000 + 2 * n + SLOTS.index(half),
                        tuple(sorted(rng.sample(range(1, len(DEMO_LEADS) + 1), 4))),
                        (90000 + 2 * n + SLOTS.index(half),),
                    )
                )
            else:
                slots.append(BaseSlot(day, half, 100))
    months = sorted({d.month for d in tue_thu})
    levels = (("primary", 5), ("junior", 7), ("senior", 10), ("nine_year", 6))
    due = []
    for n in range(schools):
        level, grade = rng.choices(levels, (62, 28, 7, 3))[0]
        students = rng.randint(40, 100)
        due.append(
            SchoolDue(
                id=n + 1,
                name=f"school-{n + 1}",
                town=f"town-{rng.randint(1, 16):02d}",
                level=level,
                grade=grade,
                students=students,
                teachers=None if rng.random() < 0.7 else -(-students // 20) + rng.randint(0, 2),
                preferred_weekdays=frozenset({rng.choice((1, 3))})
                if rng.random() < 0.4
                else frozenset(),
                preferred_months=frozenset(rng.sample(months, rng.choice((1, 2))))
                if rng.random() < 0.3
                else frozenset(),
                blackout=frozenset(rng.sample(days, rng.randint(1, 6)))
                if rng.random() < 0.25
                else frozenset(),
            )
        )
    return PlanningInput(
        today=term_start - timedelta(days=10),
        term_start=term_start,
        term_end=term_end,
        parameters=VisitParameters(),
        base_slots=tuple(slots),
        touring_days=tuple(d for d in days if d.weekday() not in (1, 3)),
        schools=tuple(due),
        activities=DEMO_ACTIVITIES,
        instructors=instructors,
        max_touring_per_day=2,
    )


# --- Checking a plan ----------------------------------------------------------------------------


def _week(on: date) -> date:
    return on - timedelta(days=on.weekday())


def _earliest(pi: PlanningInput) -> date:
    return max(pi.term_start, pi.today + timedelta(days=pi.parameters.lead_time_days))


def _suits(activity: ActivityInfo, school: SchoolDue) -> bool:
    return (
        activity.grade_min <= school.grade <= activity.grade_max
        and activity.group_min <= school.students <= activity.group_max
    )


def _teachers(school: SchoolDue, pi: PlanningInput) -> int:
    if school.teachers is not None:
        return school.teachers
    return max(1, math.ceil(school.students / pi.parameters.students_per_teacher_max))


def cannot_come(school: SchoolDue, pi: PlanningInput) -> bool:
    """No capacity can place this school: already booked, too few teachers, or no activity."""
    teachers = _teachers(school, pi)
    return (
        any(school.id in s.school_ids_present for s in pi.base_slots)
        or teachers < 1
        or school.students > teachers * pi.parameters.students_per_teacher_max
        or not any(_suits(a, school) for a in pi.activities)
    )


def _points(school: SchoolDue, on: date) -> int:
    return (on.weekday() in school.preferred_weekdays) + (on.month in school.preferred_months)


def _wishes(school: SchoolDue) -> int:
    return bool(school.preferred_weekdays) + bool(school.preferred_months)


def check_rules(result: Plan, pi: PlanningInput) -> None:
    """Every placement passes "study_visit", as the coordinator's booking and, since the planner
    keeps the lead time as a hard constraint, as the school's own booking too."""
    parameters = rules.ParameterValues(None, pi.parameters.values())
    for p in result.placements:
        for by_coordinator in (True, False):
            facts = planning.visit_facts(p, pi, by_coordinator=by_coordinator)
            decision = rules.decide("study_visit", facts, parameters=parameters)
            assert not decision.is_refused, (
                p,
                by_coordinator,
                [f.reason.render() for f in decision.refusals],
            )
            assert decision.first("checked") is True


def check_accounting(result: Plan, pi: PlanningInput) -> None:
    """Each school due is placed once or left over once, with a reason; the shortfall splits
    the left-over schools into capacity (school_ids) and no capacity (unplaceable_ids)."""
    placed = [p.school_id for p in result.placements]
    unplaced = [u.school_id for u in result.unplaced]
    assert len(placed) == len(set(placed))
    assert len(unplaced) == len(set(unplaced))
    assert not set(placed) & set(unplaced)
    assert set(placed) | set(unplaced) == {s.id for s in pi.schools}
    schools = {s.id: s for s in pi.schools}
    hopeless = {s.id for s in pi.schools if cannot_come(s, pi)}
    assert hopeless <= set(unplaced)
    for p in result.placements:
        school = schools[p.school_id]
        assert p.teachers == _teachers(school, pi)
        assert p.why, p
        assert any(p.on.isoformat() in r.render() for r in p.why), p.why  # says when
    short = result.shortfall
    if short is None:
        return
    assert short.school_ids == tuple(sorted(short.school_ids))
    assert short.school_ids, "a shortfall without schools short"
    assert not set(short.school_ids) & set(short.unplaceable_ids)
    assert set(short.school_ids) | set(short.unplaceable_ids) == set(unplaced)
    assert hopeless <= set(short.unplaceable_ids)
    assert short.sessions_short >= 1
    assert 0 <= short.placed_with_suggestion <= len(short.school_ids)


def check_metrics(result: Plan, pi: PlanningInput) -> None:
    """The figures, recomputed from the placements and the input."""
    m = result.metrics
    schools = {s.id: s for s in pi.schools}
    base = [p for p in result.placements if p.kind == "base"]
    touring = [p for p in result.placements if p.kind == "touring"]
    assert len(base) + len(touring) == len(result.placements)
    assert m.schools_due == len(pi.schools)
    assert m.placed_base == len(base)
    assert m.placed_touring == len(touring)
    assert m.placed == len(result.placements)
    assert m.unplaced == len(result.unplaced) == len(pi.schools) - len(result.placements)
    assert m.touring_sessions == len(touring)
    halves = {(p.on, p.slot) for p in base}
    assert m.base_sessions_used == len(halves)
    assert planning.sessions_used(result) == len(halves) + len(touring)
    stating = [s for s in pi.schools if _wishes(s)]
    assert m.with_preferences == len(stating)
    points = [_points(schools[p.school_id], p.on) for p in result.placements]
    assert m.preference_points == sum(points)
    met = sum(
        1
        for p, got in zip(result.placements, points, strict=True)
        if _wishes(schools[p.school_id]) and got == _wishes(schools[p.school_id])
    )
    assert m.preferences_met == met
    assert m.preferences_share == pytest.approx(met / len(stating) if stating else 1.0, abs=1e-4)
    slots = {(s.on, s.slot): s for s in pi.base_slots}
    planned = sum(p.students for p in base)
    used_seats = sum(slots[h].seats for h in halves)
    used_taken = sum(slots[h].seats_taken for h in halves)
    assert m.seat_utilisation_used == pytest.approx(
        (planned + used_taken) / used_seats if used_seats else 0.0, abs=1e-4
    )
    all_seats = sum(s.seats for s in pi.base_slots)
    all_taken = sum(s.seats_taken for s in pi.base_slots)
    assert m.seat_utilisation_all == pytest.approx(
        (planned + all_taken) / all_seats if all_seats else 0.0, abs=1e-4
    )
    weeks = Counter(_week(p.on) for p in result.placements)
    town_weeks = Counter((schools[p.school_id].town, _week(p.on)) for p in result.placements)
    assert m.week_load_max == max(weeks.values(), default=0)
    assert m.week_load_min <= m.week_load_max
    assert m.town_week_load_max == max(town_weeks.values(), default=0)
    assert [t.town for t in m.towns] == sorted({s.town for s in pi.schools})
    for row in m.towns:
        assert row.schools == sum(1 for s in pi.schools if s.town == row.town)
        assert row.placed == sum(
            1 for p in result.placements if schools[p.school_id].town == row.town
        )
        assert row.week_max == max(
            (v for (t, _), v in town_weeks.items() if t == row.town), default=0
        )


def open_alone(school: SchoolDue, result: Plan, pi: PlanningInput) -> list[tuple[date, str, str]]:
    """Sessions that could take the school as the plan stands, nothing else moved: a base
    session nobody is planned into, or a touring half-day on a day with touring to spare."""
    earliest = _earliest(pi)
    instructors = {i.id: i for i in pi.instructors}
    suited = [a for a in pi.activities if _suits(a, school)]

    def usable(on: date) -> bool:
        return earliest <= on <= pi.term_end and on not in school.blackout

    def covered(activity: ActivityInfo, pool: Iterable[int], on: date) -> bool:
        qualified = [
            x
            for x in pool
            if x in instructors
            and on not in instructors[x].unavailable
            and activity.id in instructors[x].activity_ids
        ]
        return len(qualified) >= activity.instructors_needed

    busy: dict[tuple[date, str], set[int]] = {}
    for p in result.placements:
        busy.setdefault((p.on, p.slot), set()).update(p.instructor_ids)
    planned = {(p.on, p.slot) for p in result.placements if p.kind == "base"}
    found = []
    for s in pi.base_slots:
        if not usable(s.on) or (s.on, s.slot) in planned:
            continue
        if len(s.school_ids_present) >= pi.groups_per_session_max:
            continue
        if school.students > s.seats - s.seats_taken:
            continue
        if s.instructor_ids is not None:
            pool: set[int] = set(s.instructor_ids)
        else:
            pool = set(instructors) - busy.get((s.on, s.slot), set())
        if any(covered(a, pool, s.on) for a in suited):
            found.append((s.on, s.slot, "base"))
    touring = Counter(p.on for p in result.placements if p.kind == "touring")
    for day in sorted(set(pi.touring_days)):
        if not usable(day) or touring[day] >= pi.max_touring_per_day:
            continue
        for half in SLOTS:
            pool = set(instructors) - busy.get((day, half), set())
            if any(a.tours_schools and covered(a, pool, day) for a in suited):
                found.append((day, half, "touring"))
    return found


def check_nobody_left_beside_room(result: Plan, pi: PlanningInput) -> None:
    """Goal 1 first: a school is not left over while a session could take it as things stand."""
    schools = {s.id: s for s in pi.schools}
    for u in result.unplaced:
        school = schools[u.school_id]
        if cannot_come(school, pi):
            continue
        assert open_alone(school, result, pi) == [], (u, u.reason.render())


def _nested_msgids(value: Any) -> Iterable[str]:
    if isinstance(value, dict) or hasattr(value, "keys"):
        if "msgid" in value:
            yield value["msgid"]
            for inner in (value.get("params") or {}).values():
                yield from _nested_msgids(inner)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _nested_msgids(item)


def check_renders(reason: rules.Reason) -> str:
    """The reason in Chinese: every message id (nested ones too) translated, nothing left in
    braces; and in English without an error. Returns the Chinese text."""
    english = reason.render()
    assert not PLACEHOLDER.search(english), english
    msgids = [reason.msgid, *(m for v in reason.params.values() for m in _nested_msgids(v))]
    for msgid in msgids:
        assert i18n.gettext("zh_Hans", msgid) != msgid, f"untranslated: {msgid!r}"
    chinese = i18n.translate(reason, "zh_Hans")
    assert not PLACEHOLDER.search(chinese), chinese
    assert CJK.search(chinese), chinese
    return chinese


def check_reasons(result: Plan) -> None:
    for p in result.placements:
        for reason in p.why:
            check_renders(reason)
    for u in result.unplaced:
        check_renders(u.reason)
    if result.shortfall is not None:
        check_renders(result.shortfall.message)


def check_suggestion(result: Plan, pi: PlanningInput) -> Plan | None:
    """Re-plan with the suggested capacity: it places what the shortfall says, and
    `sessions_short` is how many more sessions that plan uses. With no suggestion, nothing is
    added and `sessions_short` is the number of schools short. Returns the new plan, if any."""
    short = result.shortfall
    if short is None:
        return None
    bigger = short.apply(pi)
    if not short.placed_with_suggestion:
        assert bigger == pi  # re-planning it gives this plan again (see the determinism tests)
        assert short.extra_base_slots == () and short.max_touring_per_day is None
        assert short.sessions_short == len(short.school_ids)
        return None
    again = planning.plan(bigger)
    assert planning.verify(again, bigger) == []
    placed = sum(again.placement_of(s) is not None for s in short.school_ids)
    assert placed == short.placed_with_suggestion == len(short.school_ids)
    assert again.shortfall is None
    assert short.sessions_short == max(
        1, planning.sessions_used(again) - planning.sessions_used(result)
    )
    return again


def check_plan(result: Plan, pi: PlanningInput) -> None:
    assert planning.verify(result, pi) == []
    check_accounting(result, pi)
    check_metrics(result, pi)
    check_rules(result, pi)
    check_reasons(result)


# --- 1. Random cities ---------------------------------------------------------------------------

# Found by the property test (shrunk by hand): the shortfall's `sessions_short` is not what
# planning with its suggestion uses. Two base sessions on 29 April, the base closed on the
# Mondays; nine schools, one instructor, an activity that does not tour.
SHORT_BY_SEARCH = PlanningInput(
    today=date(2027, 4, 5),
    term_start=date(2027, 4, 12),
    term_end=date(2027, 4, 30),
    parameters=VisitParameters(),
    base_slots=(BaseSlot(date(2027, 4, 29), "am", 60), BaseSlot(date(2027, 4, 29), "pm", 100)),
    touring_days=(date(2027, 4, 12), date(2027, 4, 19), date(2027, 4, 26)),
    schools=tuple(
        SchoolDue(n, f"school-{n}", "town-a", "primary", 5, students)
        for n, students in enumerate((50, 80, 70, 40, 90, 70, 70, 40, 40), start=1)
    ),
    activities=(ActivityInfo(1, "activity-1", 1, 12, 10, 120, 1, False),),
    instructors=(InstructorInfo(1, "instructor-1", frozenset({1})),),
    max_touring_per_day=0,
)


@settings(max_examples=50, deadline=None)
@example(pi=SHORT_BY_SEARCH)
@given(pi=cities())
def test_every_plan_keeps_the_constraints_rules_and_figures(pi: PlanningInput) -> None:
    """`verify` finds nothing, the rules refuse nothing, every school is accounted for, the
    figures add up, nobody is left beside room, a shortfall's suggestion does what it says."""
    result = planning.plan(pi)
    share = result.metrics.placed / len(pi.schools)
    event(f"placed: {'all' if share == 1 else 'none' if share == 0 else f'{share:.1f}'}")
    event(f"shortfall: {result.shortfall is not None}")
    event(f"touring sessions: {min(result.metrics.touring_sessions, 3)}+")
    event(f"shared sessions: {any(p.shares_with for p in result.placements)}")
    check_plan(result, pi)
    check_nobody_left_beside_room(result, pi)
    check_suggestion(result, pi)


def test_sessions_short_is_what_planning_with_the_suggestion_uses() -> None:
    """The Shortfall docstring: the planner was run again with the extra capacity (`apply`
    gives that input), and `sessions_short` is how many more sessions that plan uses."""
    pi = SHORT_BY_SEARCH
    result = planning.plan(pi)
    check_plan(result, pi)
    short = result.shortfall
    assert short is not None and short.placed_with_suggestion == len(short.school_ids)
    again = planning.plan(short.apply(pi))
    assert again.shortfall is None
    more = planning.sessions_used(again) - planning.sessions_used(result)
    assert short.sessions_short == more
    assert _numbers(short.message.render())[str(more)] >= 1


def _broken(result: Plan, how: str) -> Plan:
    metrics = result.metrics
    if how == "figures":
        return replace(result, metrics=replace(metrics, placed_base=metrics.placed_base + 1))
    if how == "wishes":
        points = metrics.preference_points + 1
        return replace(result, metrics=replace(metrics, preference_points=points))
    if how == "lost school":
        return replace(result, placements=result.placements[1:])
    assert how == "too few teachers"
    first = replace(result.placements[0], teachers=1)
    return replace(result, placements=(first, *result.placements[1:]))


@pytest.mark.parametrize(
    "how, check",
    [
        ("figures", check_metrics),
        ("wishes", check_metrics),
        ("lost school", check_accounting),
        ("too few teachers", check_rules),
    ],
)
def test_the_checks_catch_a_broken_plan(how: str, check: Any) -> None:
    pi = tight_city(6, base=4, touring_weekdays=(2,), touring=2, max_touring=1)
    wishing = replace(pi.schools[0], preferred_weekdays=frozenset({2}))
    pi = replace(pi, schools=(wishing, *pi.schools[1:]))
    result = planning.plan(pi)
    check_plan(result, pi)
    assert result.metrics.preference_points == 1
    assert result.placements[0].students > pi.parameters.students_per_teacher_max
    with pytest.raises(AssertionError):
        check(_broken(result, how), pi)


def test_an_untranslated_reason_does_not_render() -> None:
    with pytest.raises(AssertionError):
        check_renders(rules.Reason("A message nobody translated, for {school}.", {"school": "x"}))


# --- 2. Determinism -----------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(pi=cities(max_schools=25), data=st.data())
def test_the_same_input_in_any_order_gives_the_same_plan(
    pi: PlanningInput, data: st.DataObject
) -> None:
    first = planning.plan(pi).to_record()
    assert planning.plan(pi).to_record() == first
    lists = ("schools", "base_slots", "instructors", "activities", "touring_days")
    shuffled = replace(
        pi, **{name: tuple(data.draw(st.permutations(getattr(pi, name)))) for name in lists}
    )
    assert planning.plan(shuffled).to_record() == first


def test_a_sessions_instructors_in_any_order_give_the_same_plan() -> None:
    """An existing session's instructors are a set: listing them in another order is the same
    input, and must give the same plan (the planner's own choices are listed sorted)."""
    days = school_days(date(2027, 3, 1), date(2027, 3, 12))
    session = BaseSlot(days[1], "am", 100, 0, 7, (2, 1))
    pi = PlanningInput(
        today=date(2027, 2, 15),
        term_start=days[0],
        term_end=days[-1],
        parameters=VisitParameters(),
        base_slots=(session,),
        touring_days=(),
        schools=(SchoolDue(1, "school-1", "town-a", "primary", 5, 40),),
        activities=(ActivityInfo(1, "mock-court", 1, 9, 20, 100, 2, True),),
        instructors=tuple(InstructorInfo(n, f"instructor-{n}", frozenset({1})) for n in (1, 2)),
    )
    first = planning.plan(pi)
    assert first.metrics.placed == 1
    again = planning.plan(replace(pi, base_slots=(replace(session, instructor_ids=(1, 2)),)))
    assert again.placements[0].instructor_ids == first.placements[0].instructor_ids
    assert again.to_record() == first.to_record()


_HASH_SCRIPT = """
import json
from programs.study_tours import planning
from tests.programs.test_planning import hash_cities
print(json.dumps([planning.plan(pi).to_record() for pi in hash_cities()]))
"""


def hash_cities() -> list[PlanningInput]:
    """A term with room, and one short of sessions (for the shortfall search)."""
    short = replace(demo_term(4, 60, base_days=8), max_touring_per_day=0)
    return [demo_term(3, 60), short]


def test_the_plan_does_not_depend_on_the_hash_seed() -> None:
    outputs = []
    for seed in ("0", "1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _HASH_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(json.loads(out.stdout))
    assert outputs[0][1]["shortfall"] is not None  # the shortfall search is covered too
    assert outputs[1] == outputs[0], "PYTHONHASHSEED=1 and 0 give different plans"
    assert outputs[2] == outputs[0], "PYTHONHASHSEED=2 and 0 give different plans"


# --- 3. A demo-sized term -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_a_demo_sized_term_with_room_places_every_school(seed: int) -> None:
    pi = demo_term(seed)
    assert len(pi.schools) == 135
    result = planning.plan(pi)
    check_plan(result, pi)
    assert result.metrics.unplaced == 0
    assert result.metrics.placed == 135
    assert result.unplaced == ()
    assert result.shortfall is None


# --- 4. Shortfall -------------------------------------------------------------------------------

TIGHT_START, TIGHT_END = date(2027, 3, 1), date(2027, 6, 18)
TIGHT_ACTIVITY = ActivityInfo(1, "mock-court", 1, 9, 20, 100, 1, True)


def tight_city(
    schools: int,
    *,
    base_weekdays: tuple[int, ...] = (1, 3),
    base: int,
    touring_weekdays: tuple[int, ...] = (),
    touring: int = 0,
    max_touring: int = 0,
    touring_after_base: bool = False,
    hopeless: tuple[SchoolDue, ...] = (),
) -> PlanningInput:
    """Interchangeable schools, one group a session, instructors to spare: the capacity is the
    first `base` base half-days on `base_weekdays` plus `touring` touring days on
    `touring_weekdays` (after the last base day, if asked) times `max_touring`."""
    days = school_days(TIGHT_START, TIGHT_END)
    halves = [(d, s) for d in days if d.weekday() in base_weekdays for s in SLOTS][:base]
    assert len(halves) == base
    after = halves[-1][0] if halves and touring_after_base else TIGHT_START - timedelta(days=1)
    touring_days = [d for d in days if d.weekday() in touring_weekdays and d > after][:touring]
    assert len(touring_days) == touring
    due = tuple(
        SchoolDue(n + 1, f"school-{n + 1}", TOWNS[n % 3], "primary", 5, 40) for n in range(schools)
    )
    return PlanningInput(
        today=TIGHT_START - timedelta(days=14),
        term_start=TIGHT_START,
        term_end=TIGHT_END,
        parameters=VisitParameters(),
        base_slots=tuple(BaseSlot(d, s, 100) for d, s in halves),
        touring_days=tuple(touring_days),
        schools=due + hopeless,
        activities=(TIGHT_ACTIVITY,),
        instructors=tuple(
            InstructorInfo(n, f"instructor-{n}", frozenset({1})) for n in range(1, 4)
        ),
        max_touring_per_day=max_touring,
        groups_per_session_max=1,
    )


def capacity(pi: PlanningInput) -> int:
    return len(pi.base_slots) + len(pi.touring_days) * pi.max_touring_per_day


# A school one teacher short, and one whose grade no activity is for.
HOPELESS = (
    SchoolDue(801, "school-801", "town-a", "primary", 5, 40, teachers=1),
    SchoolDue(802, "school-802", "town-b", "senior", 12, 40),
)

SHORT_CITIES = {
    # Base only: the touring days (Mondays, Wednesdays, Fridays) have no touring sessions.
    "base": dict(base=40, touring_weekdays=(0, 2, 4), touring=30, max_touring=0),
    # Base and one touring session on each of ten Wednesdays.
    "base+touring": dict(base=30, touring_weekdays=(2,), touring=10, max_touring=1),
}


def _numbers(text: str) -> Counter[str]:
    return Counter(re.findall(r"\d+", text))


@pytest.mark.parametrize("city", sorted(SHORT_CITIES))
def test_a_city_with_105_percent_demand_gets_a_correct_shortfall(city: str) -> None:
    probe = tight_city(0, **SHORT_CITIES[city])
    need = math.ceil(1.05 * capacity(probe))
    pi = tight_city(need, **SHORT_CITIES[city], hopeless=HOPELESS)
    result = planning.plan(pi)
    check_plan(result, pi)
    short = result.shortfall
    assert short is not None
    unplaced = {u.school_id for u in result.unplaced}
    assert result.metrics.placed == capacity(pi)  # every session is used
    assert result.metrics.unplaced == need - capacity(pi) + len(HOPELESS)
    assert set(short.school_ids) == unplaced - {s.id for s in HOPELESS}
    assert len(short.school_ids) == need - capacity(pi)
    assert short.unplaceable_ids == tuple(sorted(s.id for s in HOPELESS))
    # One group a session: each school short needs exactly one more session.
    assert short.sessions_short == need - capacity(pi)
    # The suggestion: the base opens on a weekday it is closed, on touring days, in those months.
    assert short.weekday is not None and short.weekday not in (1, 3)
    assert short.extra_base_slots
    assert {s.on.weekday() for s in short.extra_base_slots} == {short.weekday}
    assert {(s.on.year, s.on.month) for s in short.extra_base_slots} == set(short.months)
    assert {s.on for s in short.extra_base_slots} <= set(pi.touring_days)
    assert len(short.extra_base_slots) >= short.sessions_short
    again = check_suggestion(result, pi)
    assert again is not None
    check_plan(again, short.apply(pi))
    assert {u.school_id for u in again.unplaced} == {s.id for s in HOPELESS}
    assert short.placed_with_suggestion == len(short.school_ids)
    # The message says the same numbers as the fields, and names the weekday and months.
    english = short.message.render()
    chinese = check_renders(short.message)
    wanted = Counter([str(len(short.school_ids)), str(short.sessions_short)])
    for text in (english, chinese):
        assert _numbers(text) >= wanted, text
    assert WEEKDAY_NAMES[short.weekday] in english
    assert i18n.gettext("zh_Hans", WEEKDAY_NAMES[short.weekday]) in chinese
    for _, month in short.months:
        assert planning.MONTH_NAMES[month - 1] in english


@pytest.mark.parametrize("city", sorted(SHORT_CITIES))
def test_the_same_city_with_exactly_enough_capacity_places_everyone(city: str) -> None:
    probe = tight_city(0, **SHORT_CITIES[city])
    pi = tight_city(capacity(probe), **SHORT_CITIES[city], hopeless=HOPELESS)
    result = planning.plan(pi)
    check_plan(result, pi)
    assert result.shortfall is None
    assert result.metrics.placed == capacity(pi)
    assert {u.school_id for u in result.unplaced} == {s.id for s in HOPELESS}


def test_a_school_no_capacity_can_place_keeps_its_own_reason() -> None:
    pi = tight_city(21, base=20, touring_weekdays=(0, 2, 4), touring=20, max_touring=0)
    pi = replace(pi, schools=pi.schools + HOPELESS)
    result = planning.plan(pi)
    short = result.shortfall
    assert short is not None
    assert short.unplaceable_ids == (801, 802)
    assert short.school_ids and not set(short.school_ids) & {801, 802}
    reasons = {u.school_id: u.reason for u in result.unplaced}
    capacity_msgids = {reasons[s].msgid for s in short.school_ids}
    for school in HOPELESS:
        assert reasons[school.id].msgid not in capacity_msgids
    teachers = reasons[801].render()
    assert "school-801" in teachers
    assert _numbers(teachers) >= Counter(["40", "1", "2"])  # students, teachers, needed
    assert "12" in _numbers(reasons[802].render())  # the grade no activity is for
    for school_id in short.school_ids:
        assert f"school-{school_id}" in reasons[school_id].render()
    # Not a capacity shortfall: the count in the message leaves them out.
    assert _numbers(short.message.render())[str(len(short.school_ids))] >= 1
    assert len(short.school_ids) == 1


def test_when_more_touring_sessions_a_day_would_place_them_the_shortfall_says_so() -> None:
    # The base on Tuesdays, touring days on later Tuesdays: no other weekday to open the base on.
    city = dict(base_weekdays=(1,), base=12, touring_weekdays=(1,), touring=9, max_touring=1)
    need = math.ceil(1.05 * capacity(tight_city(0, **city, touring_after_base=True)))
    pi = tight_city(need, **city, touring_after_base=True)
    result = planning.plan(pi)
    check_plan(result, pi)
    short = result.shortfall
    assert short is not None
    assert len(short.school_ids) == need - capacity(pi)
    assert short.weekday is None and short.extra_base_slots == ()
    assert short.max_touring_per_day is not None
    assert short.max_touring_per_day > pi.max_touring_per_day
    assert short.sessions_short == need - capacity(pi)
    again = check_suggestion(result, pi)
    assert again is not None and again.metrics.unplaced == 0
    text = short.message.render()
    wanted = [len(short.school_ids), short.sessions_short, short.max_touring_per_day]
    assert _numbers(text) >= Counter(str(n) for n in [*wanted, pi.max_touring_per_day]), text


def test_when_no_capacity_would_place_them_the_shortfall_counts_the_schools() -> None:
    pi = tight_city(13, base=12)  # no touring days: nothing to suggest
    result = planning.plan(pi)
    check_plan(result, pi)
    short = result.shortfall
    assert short is not None
    assert len(short.school_ids) == 1
    assert check_suggestion(result, pi) is None
    assert planning.plan(short.apply(pi)).to_record() == result.to_record()
    assert short.placed_with_suggestion == 0
    assert short.sessions_short == 1
    assert _numbers(short.message.render())["1"] >= 1


# --- 5. Wishes ----------------------------------------------------------------------------------

WISH_START, WISH_END = date(2027, 3, 1), date(2027, 6, 18)


@st.composite
def wishing_cities(draw: st.DrawFn) -> PlanningInput:
    """Eight schools wishing for any weekday and month of a long term with room to spare."""
    days = school_days(WISH_START, WISH_END)
    months = sorted({d.month for d in days})
    schools = tuple(
        SchoolDue(
            id=n + 1,
            name=f"school-{n + 1}",
            town=TOWNS[n % 2],
            level="primary",
            grade=draw(st.integers(3, 9)),
            students=draw(st.integers(30, 50)),
            preferred_weekdays=draw(_subset(range(5), 2)),
            preferred_months=draw(_subset(months, 2)),
        )
        for n in range(8)
    )
    return PlanningInput(
        today=WISH_START - timedelta(days=10),
        term_start=WISH_START,
        term_end=WISH_END,
        parameters=VisitParameters(),
        base_slots=tuple(BaseSlot(d, s, 100) for d in days if d.weekday() in (1, 3) for s in SLOTS),
        touring_days=tuple(d for d in days if d.weekday() not in (1, 3)),
        schools=schools,
        activities=(
            ActivityInfo(1, "traffic-safety", 1, 9, 20, 100, 1, True),
            ActivityInfo(2, "drug-prevention", 3, 12, 20, 100, 1, False),
        ),
        instructors=tuple(
            InstructorInfo(n, f"instructor-{n}", frozenset({1, 2})) for n in range(1, 7)
        ),
        max_touring_per_day=4,
    )


def _room_for_wishes(school: SchoolDue, pi: PlanningInput) -> int:
    """Groups that days meeting all the school's wishes could take (two a base session)."""

    def meets(on: date) -> bool:
        return _points(school, on) == _wishes(school)

    base = sum(pi.groups_per_session_max for s in pi.base_slots if meets(s.on))
    touring = sum(pi.max_touring_per_day for d in pi.touring_days if meets(d))
    return base + touring


@settings(max_examples=15, deadline=None)
@given(pi=wishing_cities())
def test_wishes_are_met_when_there_is_room(pi: PlanningInput) -> None:
    for school in pi.schools:  # room to spare: each school's wishes could hold every school
        assert _room_for_wishes(school, pi) >= len(pi.schools)
    result = planning.plan(pi)
    check_plan(result, pi)
    assert result.metrics.unplaced == 0
    assert result.metrics.preferences_met == result.metrics.with_preferences
    schools = {s.id: s for s in pi.schools}
    for p in result.placements:
        school = schools[p.school_id]
        assert _points(school, p.on) == _wishes(school), p


def test_a_wish_no_day_can_meet_does_not_stop_the_school_coming() -> None:
    pi = tight_city(5, base=10)
    saturday = replace(pi.schools[0], preferred_weekdays=frozenset({5}))
    august = replace(
        pi.schools[1], preferred_months=frozenset({8}), preferred_weekdays=frozenset({3})
    )
    pi = replace(pi, schools=(saturday, august, *pi.schools[2:]))
    result = planning.plan(pi)
    check_plan(result, pi)
    assert result.metrics.unplaced == 0
    assert result.metrics.with_preferences == 2
    assert result.metrics.preferences_met == 0
    thursday = result.placement_of(august.id)
    assert thursday is not None and thursday.on.weekday() == 3  # the wish that can be met is
    assert result.metrics.preference_points == 1


# --- 6. Reasons ---------------------------------------------------------------------------------


def test_every_reason_of_a_demo_term_renders_in_chinese() -> None:
    pi = demo_term(5, base_days=30)  # short of base sessions: touring, sharing, wishes missed
    result = planning.plan(pi)
    check_plan(result, pi)
    kinds = {p.kind for p in result.placements}
    assert kinds == {"base", "touring"}
    assert any(p.shares_with for p in result.placements)
    msgids = {r.msgid for p in result.placements for r in p.why}
    assert len(msgids) >= 6  # wishes met and missed, sessions alone and shared, touring, ...
    for p in result.placements:
        texts = [check_renders(r) for r in p.why]
        assert any(i18n.format_date(p.on, "zh_Hans") in t for t in texts), texts
