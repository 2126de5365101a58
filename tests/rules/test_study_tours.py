"""The study-tour rulesets: visits, cancellations, the waiting list (and the day, by "calendar")."""

from __future__ import annotations

import itertools
import random
from datetime import date
from typing import Any

import pytest

from rules import FactError, ParameterError, ParameterValues, decide, registry, validate_parameters

SCHOOL = "城关中心小学"


def visit(**fields: Any) -> dict[str, Any]:
    """A visit fact that every rule lets through; students_per_teacher follows the group."""
    fact: dict[str, Any] = {
        "kind": "visit",
        "date": "2026-10-13",
        "session_kind": "base",
        "days_ahead": 14,
        "by_coordinator": False,
        "school": SCHOOL,
        "grade": 5,
        "seats": 120,
        "seats_left": 80,
        "students": 45,
        "teachers": 3,
        "visits_this_month": 0,
        "visits_this_year": 0,
        "schools_uncovered": 40,
        "instructors_needed": 2,
        "instructors_qualified": 2,
        "activities_count": 1,
        **fields,
    }
    if "students_per_teacher" not in fields:
        fact["students_per_teacher"] = fact["students"] / max(fact["teachers"], 1)
    return fact


def activity(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "activity",
        "name": "Juvenile mock court",
        "grade_min": 4,
        "grade_max": 9,
        "group_min": 20,
        "group_max": 60,
        "grade": 5,
        "students": 45,
        "tours_schools": True,
        "session_kind": "base",
        **fields,
    }


def group(v: dict[str, Any] | None = None, *acts: dict[str, Any]) -> list[dict[str, Any]]:
    """A visit and its activities, the activities repeating the visit's grade and students."""
    v = v or visit()
    acts = acts or (activity(),)
    shared = {"grade": v["grade"], "students": v["students"], "session_kind": v["session_kind"]}
    facts = [{**v, "activities_count": len(acts)}]
    facts.extend({**a, **shared} for a in acts)
    return facts


def study(facts: Any, **params: Any):
    parameters = ParameterValues(1, params) if params else None
    return decide("study_visit", facts, parameters=parameters)


def refusals(decision) -> list[str]:
    return [f.rule for f in decision.refusals]


# --- study_visit: the good case and "checked" -----------------------------------------------------


def test_a_good_visit_is_only_checked():
    decision = study(group())
    assert decision.rules == ("checked",)
    assert not decision.is_refused
    assert decision.first("checked") is True
    assert decision.reasons[0].render() == (
        "Checked the visit of 城关中心小学 on 2026-10-13: grade 5, 45 students, 3 teachers, "
        "1 activities."
    )
    assert decision.ruleset_version == "2026.1"


def test_checked_fires_for_a_refused_visit_too_and_last():
    decision = study(group(visit(days_ahead=-1)))
    assert decision.rules == ("date_has_passed", "checked")
    assert decision.is_refused


def test_two_suitable_activities():
    decision = study(group(visit(), activity(), activity(name="Traffic safety", grade_min=1)))
    assert decision.rules == ("checked",)


# --- study_visit: each rule, firing and not ---------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "fires"),
    [
        ({"days_ahead": -1}, True),
        ({"days_ahead": -1, "by_coordinator": True}, True),
        ({"days_ahead": 0, "by_coordinator": True}, False),
        ({"days_ahead": 7}, False),
    ],
)
def test_date_has_passed(fields: dict[str, Any], fires: bool):
    decision = study(group(visit(**fields)))
    assert ("date_has_passed" in decision.rules) is fires
    if fires:
        (fired,) = decision.fired_rule("date_has_passed")
        assert fired.reason.params["days"] == 1


@pytest.mark.parametrize(
    ("fields", "fires"),
    [
        ({"days_ahead": 6}, True),
        ({"days_ahead": 0}, True),
        ({"days_ahead": 7}, False),
        ({"days_ahead": 3, "by_coordinator": True}, False),
        ({"days_ahead": -1}, False),  # date_has_passed says so instead
    ],
)
def test_book_in_good_time(fields: dict[str, Any], fires: bool):
    decision = study(group(visit(**fields)))
    assert ("book_in_good_time" in decision.rules) is fires


def test_book_in_good_time_says_how_far_ahead():
    decision = study(group(visit(days_ahead=5)))
    assert refusals(decision) == ["book_in_good_time"]
    assert decision.refusals[0].reason.render() == (
        "Book at least 7 days ahead: 2026-10-13 is only 5 days away; choose a later date or ask "
        "the coordinator."
    )


def test_a_shorter_lead_time_lets_a_request_through():
    assert not study(group(visit(days_ahead=5)), lead_time_days=3).is_refused
    refused = study(group(visit(days_ahead=5)), lead_time_days=10)
    assert refused.refusals[0].reason.params["days"] == 10
    assert refused.parameters_version == 1


@pytest.mark.parametrize(
    ("fields", "rules"),
    [
        ({"students": 121, "teachers": 7, "seats_left": 120}, ["group_larger_than_a_session"]),
        ({"students": 121, "teachers": 7, "seats_left": 0}, ["group_larger_than_a_session"]),
        ({"students": 120, "teachers": 6, "seats_left": 120}, []),
        ({"students": 45, "seats_left": 45}, []),
        ({"students": 45, "seats_left": 44}, ["session_full"]),
        ({"students": 45, "seats_left": -10}, ["session_full"]),
    ],
)
def test_seats(fields: dict[str, Any], rules: list[str]):
    acts = activity(group_max=200)
    assert refusals(study(group(visit(**fields), acts))) == rules


def test_a_full_session_offers_the_waiting_list():
    decision = study(group(visit(seats_left=30)))
    (fired,) = decision.refusals
    assert fired.outcome == {"refused": True, "full": True}
    assert fired.reason.render() == (
        "Only 30 of 120 seats are left in the session on 2026-10-13, and 城关中心小学 brings 45 "
        "students; choose another session or bring fewer students, or join the waiting list."
    )
    assert study(group(visit(seats_left=-5))).refusals[0].reason.params["left"] == 0


def test_a_group_larger_than_the_session_is_told_to_split():
    decision = study(group(visit(students=150, teachers=8), activity(group_max=200)))
    assert refusals(decision) == ["group_larger_than_a_session"]
    assert "full" not in decision.refusals[0].outcome
    assert "split the group over two sessions" in decision.refusals[0].reason.render()


@pytest.mark.parametrize(
    ("students", "teachers", "fires"),
    [(40, 2, False), (41, 2, True), (20, 1, False), (21, 1, True), (15, 0, True), (1, 0, True)],
)
def test_too_few_teachers(students: int, teachers: int, fires: bool):
    fact = visit(students=students, teachers=teachers)
    acts = activity(group_min=1)
    assert ("too_few_teachers" in study(group(fact, acts)).rules) is fires


def test_too_few_teachers_counts_the_teachers_needed():
    decision = study(group(visit(students=90, teachers=4, seats_left=100), activity(group_max=100)))
    assert refusals(decision) == ["too_few_teachers"]
    reason = decision.refusals[0].reason
    assert reason.params["needed"] == 5  # ceil(90 / 20)
    assert reason.params["more"] == 1
    assert reason.render() == (
        "城关中心小学 brings 90 students with 4 teachers, but one teacher is needed for every 20 "
        "students: 5 teachers. Bring 1 more teachers or fewer students."
    )


def test_students_per_teacher_max_changes_the_outcome():
    facts = group(visit(students=90, teachers=4, seats_left=100), activity(group_max=100))
    assert not study(facts, students_per_teacher_max=25).is_refused
    decision = study(facts, students_per_teacher_max=10)
    assert decision.refusals[0].reason.params["needed"] == 9


def test_no_teacher_at_all_is_refused():
    decision = study(group(visit(students=15, teachers=0), activity(group_min=10)))
    assert refusals(decision) == ["too_few_teachers"]
    assert decision.refusals[0].reason.params["needed"] == 1


@pytest.mark.parametrize(("grade", "fires"), [(3, True), (4, False), (9, False), (10, True)])
def test_grade_not_suited(grade: int, fires: bool):
    decision = study(group(visit(grade=grade)))
    assert refusals(decision) == (["grade_not_suited"] if fires else [])
    if fires:
        assert decision.refusals[0].reason.render() == (
            f"Juvenile mock court is for grades 4 to 9, and this group is in grade {grade}; "
            "choose another activity or bring another grade."
        )


@pytest.mark.parametrize(
    ("students", "rule"),
    [(19, "group_too_small"), (20, None), (60, None), (61, "group_too_large")],
)
def test_group_size_per_activity(students: int, rule: str | None):
    decision = study(group(visit(students=students, teachers=4)))
    assert refusals(decision) == ([rule] if rule else [])


def test_only_the_activity_that_does_not_suit_is_named():
    acts = (activity(), activity(name="Traffic safety", grade_min=7, group_max=40))
    decision = study(group(visit(), *acts))
    assert refusals(decision) == ["grade_not_suited", "group_too_large"]
    assert {f.reason.params["activity"] for f in decision.refusals} == {"Traffic safety"}
    assert all(f.fact_ids == (2,) for f in decision.refusals)


@pytest.mark.parametrize(
    ("session_kind", "tours", "fires"),
    [("touring", False, True), ("touring", True, False), ("base", False, False)],
)
def test_activity_does_not_tour(session_kind: str, tours: bool, fires: bool):
    decision = study(group(visit(session_kind=session_kind), activity(tours_schools=tours)))
    assert refusals(decision) == (["activity_does_not_tour"] if fires else [])


@pytest.mark.parametrize(("have", "need", "fires"), [(1, 2, True), (2, 2, False), (0, 0, False)])
def test_instructors_missing(have: int, need: int, fires: bool):
    fact = visit(instructors_qualified=have, instructors_needed=need)
    decision = study(group(fact))
    assert refusals(decision) == (["instructors_missing"] if fires else [])
    if fires:
        assert decision.refusals[0].reason.render() == (
            "The session on 2026-10-13 has 1 of the 2 instructors the chosen activities need; "
            "a coordinator assigns instructors before it can be booked."
        )


def test_one_visit_a_month_and_its_parameter():
    assert refusals(study(group(visit(visits_this_month=1)))) == ["one_visit_a_month"]
    assert not study(group(visit(visits_this_month=0))).is_refused
    assert not study(group(visit(visits_this_month=1)), visits_per_month_max=2).is_refused
    refused = study(group(visit(visits_this_month=2)), visits_per_month_max=2)
    assert refused.refusals[0].reason.params == {
        "school": SCHOOL,
        "count": 2,
        "date": "2026-10-13",
        "max": 2,
    }


@pytest.mark.parametrize(
    ("this_year", "uncovered", "fires"), [(1, 3, True), (2, 1, True), (0, 3, False), (1, 0, False)]
)
def test_first_visits_first(this_year: int, uncovered: int, fires: bool):
    fact = visit(visits_this_year=this_year, schools_uncovered=uncovered)
    decision = study(group(fact))
    assert refusals(decision) == (["first_visits_first"] if fires else [])
    if fires:
        assert decision.refusals[0].reason.params["count"] == uncovered


def test_every_problem_is_reported_at_once_in_priority_order():
    fact = visit(
        days_ahead=3,
        students=70,
        teachers=2,
        seats_left=50,
        instructors_qualified=0,
        visits_this_month=1,
        visits_this_year=1,
        session_kind="touring",
    )
    acts = (activity(tours_schools=False, grade_min=7), activity(name="Traffic safety"))
    decision = study(group(fact, *acts))
    assert decision.rules == (
        "book_in_good_time",
        "session_full",
        "too_few_teachers",
        "grade_not_suited",
        "group_too_large",
        "group_too_large",
        "activity_does_not_tour",
        "instructors_missing",
        "one_visit_a_month",
        "first_visits_first",
        "checked",
    )
    assert decision.is_refused
    assert decision.first("full") is True
    # Every refusal renders, with its numbers filled in.
    assert all("{" not in f.reason.render() for f in decision.fired)


def test_the_decision_record_reads_back():
    decision = study(group(visit(seats_left=10)))
    assert type(decision).from_record(decision.to_record()) == decision


# --- study_visit: facts the schema refuses -----------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "field"),
    [
        (visit(students=90, teachers=4, students_per_teacher=4 / 90), "students_per_teacher"),
        (visit(students=15, teachers=0, students_per_teacher=100_000.0), "students_per_teacher"),
        (visit(seats_left=121), "seats_left"),
        (visit(activities_count=3), "activities_count"),
        (visit(session_kind="school"), "session_kind"),
        (visit(grade=0), "grade"),
    ],
)
def test_inconsistent_visits_are_refused(fact: dict[str, Any], field: str):
    with pytest.raises(FactError) as caught:
        study([fact, activity()])
    assert caught.value.fields == (f"facts[0].{field}",)


def test_upside_down_activity_ranges_are_refused():
    with pytest.raises(FactError) as caught:
        study(group(visit(), activity(grade_min=9, grade_max=4)))
    assert caught.value.fields == ("facts[1].grade_max",)


def test_at_most_two_activities():
    with pytest.raises(FactError):
        study([visit(), activity(), activity(), activity()])


@pytest.mark.parametrize(
    "values",
    [
        {"lead_time_days": 61},
        {"students_per_teacher_max": 4},
        {"visits_per_month_max": 0},
        {"lead_time": 3},
    ],
)
def test_parameter_bounds(values: dict[str, Any]):
    with pytest.raises(ParameterError):
        validate_parameters("study_visit", values)


def test_parameters_are_labelled():
    ruleset = registry.get("study_visit")
    assert ruleset.defaults == {
        "lead_time_days": 7,
        "students_per_teacher_max": 20,
        "visits_per_month_max": 1,
    }
    assert all(p.label and p.help and p.unit for p in ruleset.parameters)
    assert ruleset.description == "Study-tour visits at the study base"


# --- The day: the "calendar" ruleset --------------------------------------------------------


def day(on: str, kind: str = "workday", **fields: Any) -> dict[str, Any]:
    return {
        "kind": "booking_day",
        "date": on,
        "weekday": date.fromisoformat(on).weekday(),
        "day_kind": kind,
        "opening_weekdays": [1, 3],
        **fields,
    }


def test_a_substituted_day_off_on_a_tuesday_is_refused_by_the_calendar():
    fact = day("2026-10-06", "holiday", holiday_name="National Day", holiday_name_zh="国庆节")
    decision = decide("calendar", fact)
    assert decision.rules == ("closed_for_holiday",)
    assert decision.is_refused
    assert decision.ruleset_version == "2026.2"
    assert decision.refusals[0].reason.params == {
        "date": "2026-10-06",
        "holiday": "National Day",
        "holiday_zh": "国庆节",
    }


def test_the_chinese_holiday_name_falls_back_to_the_english_one():
    fact = day("2026-10-01", "holiday", holiday_name="National Day")
    (fired,) = decide("calendar", fact).fired
    assert fired.reason.params["holiday_zh"] == "National Day"
    assert fired.reason.render() == "The base is closed on 2026-10-01: National Day holiday."
    none_zh = decide("calendar", {**fact, "holiday_name_zh": None}).fired[0]
    assert none_zh.reason.params["holiday_zh"] == "National Day"


def test_a_wednesday_is_refused_by_the_calendar():
    decision = decide("calendar", day("2026-03-11"))
    assert decision.rules == ("closed_on_other_weekdays",)
    assert decision.is_refused


def test_holiday_name_zh_is_bounded_text():
    with pytest.raises(FactError) as caught:
        decide("calendar", day("2026-10-01", "holiday", holiday_name_zh=1))
    assert caught.value.fields == ("holiday_name_zh",)


# --- study_cancellation -------------------------------------------------------------------------


def cancellation(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "cancellation",
        "date": "2026-10-13",
        "days_before": 10,
        "by_coordinator": False,
        "status": "published",
        "school": SCHOOL,
        **fields,
    }


def cancel(fact: dict[str, Any], **params: Any):
    parameters = ParameterValues(2, params) if params else None
    return decide("study_cancellation", fact, parameters=parameters)


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({}, "cancellation_allowed"),
        ({"days_before": 3}, "cancellation_allowed"),
        ({"days_before": 2}, "late_cancellation_needs_coordinator"),
        ({"days_before": 0}, "late_cancellation_needs_coordinator"),
        ({"days_before": 2, "status": "draft"}, "cancellation_allowed"),
        ({"days_before": 2, "by_coordinator": True}, "cancellation_allowed"),
        ({"days_before": -1}, "past_visit_cannot_be_cancelled"),
        ({"days_before": -1, "status": "draft"}, "past_visit_cannot_be_cancelled"),
        ({"days_before": -1, "by_coordinator": True}, "cancellation_allowed"),
    ],
)
def test_cancellation(fields: dict[str, Any], rule: str):
    decision = cancel(cancellation(**fields))
    assert decision.rules == (rule,)
    assert decision.is_refused is (rule != "cancellation_allowed")
    assert decision.first("allowed") is (True if rule == "cancellation_allowed" else None)


def test_exactly_one_cancellation_rule_fires_always():
    for days, coordinator, status, cutoff in itertools.product(
        range(-2, 6), (False, True), ("draft", "published"), (0, 3, 5)
    ):
        fact = cancellation(days_before=days, by_coordinator=coordinator, status=status)
        decision = cancel(fact, cutoff_days=cutoff)
        assert len(decision.rules) == 1, (fact, cutoff, decision.rules)
        refused = not coordinator and (days < 0 or (status == "published" and days < cutoff))
        assert decision.is_refused is refused, (fact, cutoff)


def test_late_cancellation_says_how_to_proceed():
    decision = cancel(cancellation(days_before=2))
    assert decision.refusals[0].reason.render() == (
        "The visit of 城关中心小学 on 2026-10-13 is only 2 days away; closer than 3 days a visit "
        "is cancelled by the coordinator. Ask the coordinator, or send a change request."
    )
    assert not cancel(cancellation(days_before=2), cutoff_days=1).is_refused


# --- study_waitlist -----------------------------------------------------------------------------


def candidate(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "candidate",
        "school": SCHOOL,
        "visits_this_year": 0,
        "rank": 0,
        "requested_on": "2026-09-20",
        "students": 45,
        "seats_left": 50,
        **fields,
    }


def test_the_seats_go_to_the_least_covered_school():
    decision = decide("study_waitlist", candidate())
    assert decision.rules == ("offer_to_least_covered",)
    assert decision.first("offer") is True and not decision.is_refused
    assert decision.fired[0].reason.params["visits"] == 0
    assert decision.fired[0].reason.params["requested_on"] == "2026-09-20"


def test_a_group_that_just_fits_is_offered():
    assert decide("study_waitlist", candidate(students=50)).first("offer") is True


def test_the_others_wait():
    decision = decide("study_waitlist", candidate(rank=2, visits_this_year=1))
    assert decision.rules == ("waits_for_a_less_covered_school",)
    assert decision.first("offer") is False and not decision.is_refused
    assert decision.fired[0].reason.params["ahead"] == 2


def test_a_first_group_that_does_not_fit_is_passed_over():
    decision = decide("study_waitlist", candidate(students=51))
    assert decision.rules == ("group_does_not_fit",)
    assert decision.first("offer") is False and decision.is_refused
    assert decision.fired[0].reason.params["left"] == 50
    assert decide("study_waitlist", candidate(seats_left=-3)).fired[0].reason.params["left"] == 0


def test_the_whole_list_at_once():
    facts = [
        candidate(school="A", rank=0, students=80),
        candidate(school="B", rank=1, visits_this_year=1),
    ]
    decision = decide("study_waitlist", facts)
    assert [f.rule for f in decision.for_fact(0)] == ["group_does_not_fit"]
    assert [f.rule for f in decision.for_fact(1)] == ["waits_for_a_less_covered_school"]


# --- No rule fires twice on one fact (durable_rules fires once per any_of branch that holds) ----


def test_a_teacherless_group_above_the_ratio_is_refused_once():
    decision = study(group(visit(students=25, teachers=0), activity()))
    assert refusals(decision) == ["too_few_teachers"]
    assert decision.refusals[0].reason.params["needed"] == 2


def test_no_rule_fires_twice_on_the_same_facts():
    rng = random.Random(20261006)
    for _ in range(300):
        students = rng.randint(1, 130)
        teachers = rng.choice([0, 1, 2, 3, 6])
        seats = rng.choice([60, 120])
        grade_min = rng.randint(1, 12)
        fact = visit(
            days_ahead=rng.randint(-3, 10),
            by_coordinator=rng.random() < 0.3,
            grade=rng.randint(1, 12),
            seats=seats,
            seats_left=rng.randint(-5, seats),
            students=students,
            teachers=teachers,
            visits_this_month=rng.randint(0, 2),
            visits_this_year=rng.randint(0, 2),
            schools_uncovered=rng.randint(0, 2),
            instructors_needed=rng.randint(0, 3),
            instructors_qualified=rng.randint(0, 3),
            session_kind=rng.choice(["base", "touring"]),
        )
        acts = [
            activity(
                name=f"a{n}",
                grade_min=grade_min,
                grade_max=rng.randint(grade_min, 12),
                group_min=rng.randint(1, 40),
                group_max=rng.randint(40, 120),
                tours_schools=rng.random() < 0.5,
            )
            for n in range(rng.randint(1, 2))
        ]
        decision = study(group(fact, *acts), students_per_teacher_max=rng.choice([5, 20]))
        fired = [(f.rule, f.fact_ids) for f in decision.fired]
        assert len(fired) == len(set(fired)), fired
        assert decision.rules[-1] == "checked"
        candidates = [
            candidate(
                rank=rng.randint(0, 2), students=rng.randint(1, 60), seats_left=rng.randint(-2, 60)
            )
            for _ in range(3)
        ]
        waitlist = decide("study_waitlist", candidates)
        assert all(len(waitlist.for_fact(i)) == 1 for i in range(3))
