"""Study tours at the minors-protection study base: visits, cancellations, the waiting list.

Three rulesets, one per question the application asks (the day itself, whether the base is open
on a date, is the "calendar" ruleset's question and is not repeated here):

"study_visit": may this school's group be booked into this session?
    One `visit` fact and one `activity` fact per chosen activity (one or two):

        {"kind": "visit", "date": "2026-10-13", "session_kind": "base", "days_ahead": 14,
         "by_coordinator": False, "school": "城关中心小学", "grade": 5, "seats": 120,
         "seats_left": 80, "students": 45, "teachers": 3, "students_per_teacher": 15.0,
         "visits_this_month": 0, "visits_this_year": 0, "schools_uncovered": 40,
         "instructors_needed": 2, "instructors_qualified": 2, "activities_count": 1}
        {"kind": "activity", "name": "少年模拟法庭", "grade_min": 4, "grade_max": 9,
         "group_min": 20, "group_max": 60, "grade": 5, "students": 45,
         "tours_schools": True, "session_kind": "base"}

    The engine does no arithmetic, so the caller works out two numbers: `seats_left`, the
    session's seats minus the students of the OTHER live groups in it (the group being checked
    is not counted; may be negative if seats were cut after booking), and
    `students_per_teacher`, students / teachers, or students itself when there is no teacher
    (that is: students / max(teachers, 1); the schema checks it). A group without a teacher is
    refused whatever that number is. `days_ahead` is the date minus today, in days;
    `visits_this_month` / `visits_this_year` count the school's OTHER live visits (draft or
    published) in the same calendar month / school year; `schools_uncovered` counts the schools
    due this school year that have no live visit yet, not counting this school. An activity fact
    repeats the visit's `grade`, `students` and `session_kind` so that its rules need no join.

    Every refusing rule that applies fires (`{"refused": True}`, with a reason that names the
    problem and how to fix it), so the school sees all its problems at once; `session_full` adds
    `"full": True` so the application can offer the waiting list. A rule firing exactly when no
    refusal applies would have to say "and no activity fact is unsuitable", a negation across
    facts that the condition builder does not offer (and, for two activities, would fire once
    per ordering of them). So instead the lowest-priority rule `checked` fires for every visit
    fact, refused or not, with `{"checked": True}` and a reason that sums up what was checked,
    for the decision log. The verdict is `Decision.is_refused`.

"study_cancellation": may this visit be cancelled by whoever asks? One `cancellation` fact.
    Exactly one of the three rules fires.

"study_waitlist": when seats free up, do they go to this school? One `candidate` fact per school
    waiting; the application ranks them (fewest visits this school year first, then the earliest
    request: `rank` 0 is first). If rank 0's group does not fit the free seats, the refusal says
    so and the application asks again with the next school as rank 0.

Beware `any_of`: durable_rules expands a disjunction into one alternative per branch and fires
the rule once for EVERY branch that holds (measured here: a fact meeting two branches of an
`any_of` fired the rule twice, three branches three times). So every `any_of` in this module has
branches that exclude one another (hence the `lte` / `eq(..., False)` that look redundant), and
a test checks that no rule fires twice on one fact.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from typing import Any

from rules import registry
from rules.conditions import all_of, any_of, eq, gt, gte, lt, lte, param, ref, when
from rules.facts import FactKind, FactSchema, Field
from rules.messages import N_, Reason
from rules.parameters import ParameterSpec
from rules.ruleset import Match, Outcome, Ruleset

__all__ = ["SESSION_KINDS", "study_cancellation", "study_visit", "study_waitlist"]

SESSION_KINDS = ("base", "touring")


# --- study_visit --------------------------------------------------------------------------------


def _check_visit(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    """`students_per_teacher` must be students / max(teachers, 1); seats_left cannot exceed seats."""
    students, teachers = fact["students"], fact["teachers"]
    expected = students / teachers if teachers else float(students)
    if abs(fact["students_per_teacher"] - expected) > 1e-9 * max(1.0, expected):
        yield (
            "students_per_teacher",
            Reason(
                N_(
                    "{field} is {value}, but {students} students with {teachers} teachers make "
                    "{expected} (students divided by teachers, or the students when there is no "
                    "teacher)."
                ),
                {
                    "field": "students_per_teacher",
                    "value": fact["students_per_teacher"],
                    "students": students,
                    "teachers": teachers,
                    "expected": round(expected, 6),
                },
            ),
        )
    if fact["seats_left"] > fact["seats"]:
        yield (
            "seats_left",
            Reason(
                N_("{field} is {value}, more than the session's {seats} seats."),
                {"field": "seats_left", "value": fact["seats_left"], "seats": fact["seats"]},
            ),
        )


def _check_activity(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    """An activity's ranges must not be upside down."""
    for low, high in (("grade_min", "grade_max"), ("group_min", "group_max")):
        if fact[low] > fact[high]:
            yield (
                high,
                Reason(
                    N_("{field} is {value}, less than {other} ({low})."),
                    {"field": high, "value": fact[high], "other": low, "low": fact[low]},
                ),
            )


study_visit = Ruleset(
    "study_visit",
    "2026.1",
    FactSchema(
        FactKind(
            "visit",
            Field("date", date),
            Field("session_kind", str, choices=SESSION_KINDS),
            Field("days_ahead", int, min=-3650, max=3650),
            Field("by_coordinator", bool),
            Field("school", str, max_length=120),
            Field("grade", int, min=1, max=12),
            Field("seats", int, min=1, max=1000),
            Field("seats_left", int, min=-1000, max=1000),
            Field("students", int, min=1, max=1000),
            Field("teachers", int, min=0, max=200),
            Field("students_per_teacher", float, min=0, max=100_000),
            Field("visits_this_month", int, min=0),
            Field("visits_this_year", int, min=0),
            Field("schools_uncovered", int, min=0),
            Field("instructors_needed", int, min=0, max=20),
            Field("instructors_qualified", int, min=0, max=20),
            Field("activities_count", int, min=1, max=2),
            check=_check_visit,
        ),
        FactKind(
            "activity",
            Field("name", str, max_length=80),
            Field("grade_min", int, min=1, max=12),
            Field("grade_max", int, min=1, max=12),
            Field("group_min", int, min=1, max=1000),
            Field("group_max", int, min=1, max=1000),
            Field("grade", int, min=1, max=12),
            Field("students", int, min=1, max=1000),
            Field("tours_schools", bool),
            Field("session_kind", str, choices=SESSION_KINDS),
            check=_check_activity,
        ),
        max_facts=3,  # one visit, one or two activities
    ),
    parameters=[
        ParameterSpec(
            "lead_time_days",
            int,
            7,
            min=0,
            max=60,
            unit=N_("days"),
            label=N_("Booking lead time"),
            help=N_(
                "How many days before the visit a school must book, so that instructors and the "
                "safety plan can be prepared. Coordinators may book later."
            ),
        ),
        ParameterSpec(
            "students_per_teacher_max",
            int,
            20,
            min=5,
            max=50,
            unit=N_("students"),
            label=N_("Students per accompanying teacher"),
            help=N_(
                "A school brings at least one accompanying teacher for this many students. The "
                "2016 opinion of the Ministry of Education and ten departments on study tours "
                "asks for a safety plan for every trip; one teacher per about 20 students is "
                "common practice."
            ),
        ),
        ParameterSpec(
            "visits_per_month_max",
            int,
            1,
            min=1,
            max=4,
            unit=N_("visits"),
            label=N_("Visits per school per month"),
            help=N_(
                "How many visits one school may have in a calendar month, so that the sessions "
                "are shared among the schools."
            ),
        ),
    ],
    description=N_("Study-tour visits at the study base"),
)

_VISIT: dict[str, Any] = {
    "kind": "visit",
    "date": "2026-10-13",
    "session_kind": "base",
    "days_ahead": 14,
    "by_coordinator": False,
    "school": "城关中心小学",
    "grade": 5,
    "seats": 120,
    "seats_left": 80,
    "students": 45,
    "teachers": 3,
    "students_per_teacher": 15.0,
    "visits_this_month": 0,
    "visits_this_year": 0,
    "schools_uncovered": 40,
    "instructors_needed": 2,
    "instructors_qualified": 2,
    "activities_count": 1,
}
_ACTIVITY: dict[str, Any] = {
    "kind": "activity",
    "name": "少年模拟法庭",
    "grade_min": 4,
    "grade_max": 9,
    "group_min": 20,
    "group_max": 60,
    "grade": 5,
    "students": 45,
    "tours_schools": True,
    "session_kind": "base",
}


def _refused(msgid: str, params: dict[str, Any], **outcome: Any) -> Outcome:
    return {"refused": True, **outcome}, Reason(msgid, params)


@study_visit.rule(
    when("visit", lt("days_ahead", 0)),
    priority=10,
    examples=[
        [{**_VISIT, "days_ahead": -1}],
        [{**_VISIT, "days_ahead": -30, "by_coordinator": True}],
    ],
)
def date_has_passed(match: Match) -> Outcome:
    """A visit is booked for a day still to come, by coordinators too: a visit on a past day
    cannot take place (study-base booking rules)."""
    fact = match.fact
    return _refused(
        N_("{date} has passed ({days} days ago); choose a date from today on."),
        {"date": fact["date"], "days": -fact["days_ahead"]},
    )


@study_visit.rule(
    when(
        "visit",
        gte("days_ahead", 0),
        lt("days_ahead", param("lead_time_days")),
        by_coordinator=False,
    ),
    priority=20,
    examples=[{**_VISIT, "days_ahead": 3}, {**_VISIT, "days_ahead": 0}],
)
def book_in_good_time(match: Match) -> Outcome:
    """A school books at least the lead time ahead (7 days unless the coordinator changes it), so
    that instructors are assigned and the safety plan is filed before the trip (2016 opinion of
    the Ministry of Education and ten departments on study tours: a plan for every activity,
    filed before the trip). Coordinators may book later."""
    fact = match.fact
    return _refused(
        N_(
            "Book at least {days} days ahead: {date} is only {ahead} days away; choose a later "
            "date or ask the coordinator."
        ),
        {"days": match.params["lead_time_days"], "date": fact["date"], "ahead": fact["days_ahead"]},
    )


@study_visit.rule(
    when("visit", gt("students", ref("seats"))),
    priority=30,
    examples=[{**_VISIT, "students": 150, "students_per_teacher": 15.0, "teachers": 10}],
)
def group_larger_than_a_session(match: Match) -> Outcome:
    """A group never exceeds a session's seats (the study base takes one or two classes, 40 to
    120 students, per session): a larger group is split over two sessions."""
    fact = match.fact
    return _refused(
        N_(
            "{school} brings {students} students, but the session on {date} has {seats} seats; "
            "split the group over two sessions."
        ),
        {
            "school": fact["school"],
            "students": fact["students"],
            "date": fact["date"],
            "seats": fact["seats"],
        },
    )


@study_visit.rule(
    when("visit", lte("students", ref("seats")), gt("students", ref("seats_left"))),
    priority=40,
    examples=[{**_VISIT, "seats_left": 30}, {**_VISIT, "seats_left": -5}],
)
def session_full(match: Match) -> Outcome:
    """A group fits in the session only if the seats other groups have not taken hold it (the
    session's seats, study-base plan). The outcome says `full`, so the school is offered the
    waiting list: seats that free up go first to the schools with the fewest visits."""
    fact = match.fact
    return _refused(
        N_(
            "Only {left} of {seats} seats are left in the session on {date}, and {school} brings "
            "{students} students; choose another session or bring fewer students, or join the "
            "waiting list."
        ),
        {
            "left": max(fact["seats_left"], 0),
            "seats": fact["seats"],
            "date": fact["date"],
            "school": fact["school"],
            "students": fact["students"],
        },
        full=True,
    )


@study_visit.rule(
    when(
        "visit",
        # A group with no teacher has students_per_teacher == students; the branches exclude
        # each other (see "Beware any_of" above).
        any_of(
            gt("students_per_teacher", param("students_per_teacher_max")),
            all_of(
                eq("teachers", 0), lte("students_per_teacher", param("students_per_teacher_max"))
            ),
        ),
    ),
    priority=50,
    examples=[
        {**_VISIT, "students": 90, "teachers": 4, "students_per_teacher": 22.5},
        {**_VISIT, "students": 15, "teachers": 0, "students_per_teacher": 15.0},
    ],
)
def too_few_teachers(match: Match) -> Outcome:
    """A school brings at least one accompanying teacher for every 20 students (the parameter),
    and never none: every study tour has a safety plan (2016 opinion of the Ministry of Education
    and ten departments on study tours); one teacher per about 20 students is common practice."""
    fact = match.fact
    most = match.params["students_per_teacher_max"]
    needed = math.ceil(fact["students"] / most)
    return _refused(
        N_(
            "{school} brings {students} students with {teachers} teachers, but one teacher is "
            "needed for every {max} students: {needed} teachers. Bring {more} more teachers or "
            "fewer students."
        ),
        {
            "school": fact["school"],
            "students": fact["students"],
            "teachers": fact["teachers"],
            "max": most,
            "needed": needed,
            "more": needed - fact["teachers"],
        },
    )


@study_visit.rule(
    when(
        "activity",
        # Disjoint branches: the schema ensures grade_min <= grade_max.
        any_of(lt("grade", ref("grade_min")), gt("grade", ref("grade_max"))),
        alias="activity",
    ),
    priority=60,
    examples=[[_VISIT, {**_ACTIVITY, "grade": 2}], [{**_ACTIVITY, "grade": 12}]],
)
def grade_not_suited(match: Match) -> Outcome:
    """Each activity is written for some grades only (the 2016 opinion on study tours fits tours
    to the students' age; the study base sets each activity's grades): another grade chooses
    another activity."""
    fact = match.fact
    return _refused(
        N_(
            "{activity} is for grades {min} to {max}, and this group is in grade {grade}; "
            "choose another activity or bring another grade."
        ),
        {
            "activity": fact["name"],
            "min": fact["grade_min"],
            "max": fact["grade_max"],
            "grade": fact["grade"],
        },
    )


@study_visit.rule(
    when("activity", lt("students", ref("group_min")), alias="activity"),
    priority=70,
    examples=[
        [{**_VISIT, "students": 12, "students_per_teacher": 4.0}, {**_ACTIVITY, "students": 12}]
    ],
)
def group_too_small(match: Match) -> Outcome:
    """An activity needs enough students to run (a mock-court role-play needs every role filled;
    the study base sets each activity's smallest group)."""
    fact = match.fact
    return _refused(
        N_(
            "{activity} needs at least {min} students, and the group has {students}; bring "
            "another class or choose another activity."
        ),
        {"activity": fact["name"], "min": fact["group_min"], "students": fact["students"]},
    )


@study_visit.rule(
    when("activity", gt("students", ref("group_max")), alias="activity"),
    priority=71,
    examples=[
        [
            {**_VISIT, "students": 90, "teachers": 5, "students_per_teacher": 18.0},
            {**_ACTIVITY, "students": 90},
        ]
    ],
)
def group_too_large(match: Match) -> Outcome:
    """An activity takes at most so many students (a courtroom or a class's room and its
    instructors; the study base sets each activity's largest group)."""
    fact = match.fact
    return _refused(
        N_(
            "{activity} takes at most {max} students, and the group has {students}; split the "
            "group over two sessions or choose another activity."
        ),
        {"activity": fact["name"], "max": fact["group_max"], "students": fact["students"]},
    )


@study_visit.rule(
    when("activity", session_kind="touring", tours_schools=False, alias="activity"),
    priority=80,
    examples=[
        [
            {**_VISIT, "session_kind": "touring"},
            {**_ACTIVITY, "session_kind": "touring", "tours_schools": False},
        ]
    ],
)
def activity_does_not_tour(match: Match) -> Outcome:
    """Only the activities that tour the schools (巡回: the mock-court game, the traffic-safety
    class) are offered in a session held at a school; the others need the base."""
    return _refused(
        N_(
            "{activity} takes place only at the study base and does not tour the schools; "
            "choose another activity, or a session at the base."
        ),
        {"activity": match.fact["name"]},
    )


@study_visit.rule(
    when("visit", lt("instructors_qualified", ref("instructors_needed"))),
    priority=90,
    examples=[{**_VISIT, "instructors_qualified": 1}],
)
def instructors_missing(match: Match) -> Outcome:
    """Every activity is led by enough trained instructors, assigned to the session and free that
    day (the study base's trained minors-protection law researchers); without them the session
    cannot take the group yet."""
    fact = match.fact
    return _refused(
        N_(
            "The session on {date} has {have} of the {need} instructors the chosen activities "
            "need; a coordinator assigns instructors before it can be booked."
        ),
        {
            "date": fact["date"],
            "have": fact["instructors_qualified"],
            "need": fact["instructors_needed"],
        },
    )


@study_visit.rule(
    when("visit", gte("visits_this_month", param("visits_per_month_max"))),
    priority=100,
    examples=[{**_VISIT, "visits_this_month": 1}],
)
def one_visit_a_month(match: Match) -> Outcome:
    """A school comes at most once a calendar month (the parameter), so that the Tuesday and
    Thursday sessions are shared among all the schools of the study-tour plan (研学计划表)."""
    fact = match.fact
    return _refused(
        N_(
            "{school} already has {count} visits in the month of {date}, and at most {max} are "
            "allowed a month; choose a date in another month."
        ),
        {
            "school": fact["school"],
            "count": fact["visits_this_month"],
            "date": fact["date"],
            "max": match.params["visits_per_month_max"],
        },
    )


@study_visit.rule(
    when("visit", gte("visits_this_year", 1), gt("schools_uncovered", 0)),
    priority=110,
    examples=[{**_VISIT, "visits_this_year": 1, "schools_uncovered": 3}],
)
def first_visits_first(match: Match) -> Outcome:
    """The study-tour plan (研学计划表) covers every primary and middle school: a school that has
    had its visit this school year waits until every school due has had its first."""
    fact = match.fact
    return _refused(
        N_(
            "{school} already has {visits} visits this school year; a second visit waits until "
            "every school due has had its first; {count} have not. Ask again when they have."
        ),
        {
            "school": fact["school"],
            "visits": fact["visits_this_year"],
            "count": fact["schools_uncovered"],
        },
    )


@study_visit.rule(
    when("visit"),
    priority=1000,
    examples=[[_VISIT, _ACTIVITY], [{**_VISIT, "days_ahead": -2}]],
)
def checked(match: Match) -> Outcome:
    """Every visit is checked against all the rules above; this records what was checked. It
    fires for every visit, refused or not: the verdict is whether any rule refused."""
    fact = match.fact
    return {"checked": True}, Reason(
        N_(
            "Checked the visit of {school} on {date}: grade {grade}, {students} students, "
            "{teachers} teachers, {activities} activities."
        ),
        {
            "school": fact["school"],
            "date": fact["date"],
            "grade": fact["grade"],
            "students": fact["students"],
            "teachers": fact["teachers"],
            "activities": fact["activities_count"],
        },
    )


registry.register(study_visit)


# --- study_cancellation -------------------------------------------------------------------------

study_cancellation = Ruleset(
    "study_cancellation",
    "2026.1",
    FactSchema(
        FactKind(
            "cancellation",
            Field("date", date),
            Field("days_before", int, min=-3650, max=3650),
            Field("by_coordinator", bool),
            Field("status", str, choices=("draft", "published")),
            Field("school", str, max_length=120),
        ),
        max_facts=1,
    ),
    parameters=[
        ParameterSpec(
            "cutoff_days",
            int,
            3,
            min=0,
            max=30,
            unit=N_("days"),
            label=N_("Cancellations closer than this need a coordinator"),
            help=N_(
                "A school may cancel a published visit itself until this many days before it; "
                "closer to the day, only a coordinator cancels, because instructors and the "
                "session are already prepared."
            ),
        )
    ],
    description=N_("Cancelling study-tour visits"),
)

_CANCELLATION: dict[str, Any] = {
    "kind": "cancellation",
    "date": "2026-10-13",
    "days_before": 10,
    "by_coordinator": False,
    "status": "published",
    "school": "城关中心小学",
}


@study_cancellation.rule(
    when(
        "cancellation",
        gte("days_before", 0),
        lt("days_before", param("cutoff_days")),
        status="published",
        by_coordinator=False,
    ),
    priority=10,
    examples=[{**_CANCELLATION, "days_before": 2}, {**_CANCELLATION, "days_before": 0}],
)
def late_cancellation_needs_coordinator(match: Match) -> Outcome:
    """Close to the day (under 3 days, the parameter) a school cannot cancel a published visit
    itself: instructors and the session are prepared, so the coordinator decides (study-base
    booking rules). A past visit is the next rule's case."""
    fact = match.fact
    return {"refused": True}, Reason(
        N_(
            "The visit of {school} on {date} is only {days} days away; closer than {cutoff} days "
            "a visit is cancelled by the coordinator. Ask the coordinator, or send a change "
            "request."
        ),
        {
            "school": fact["school"],
            "date": fact["date"],
            "days": fact["days_before"],
            "cutoff": match.params["cutoff_days"],
        },
    )


@study_cancellation.rule(
    when("cancellation", lt("days_before", 0), by_coordinator=False),
    priority=20,
    examples=[
        {**_CANCELLATION, "days_before": -1},
        {**_CANCELLATION, "days_before": -5, "status": "draft"},
    ],
)
def past_visit_cannot_be_cancelled(match: Match) -> Outcome:
    """A visit whose day has passed is not cancelled by the school: it took place, or the
    coordinator records that it did not (study-base booking rules)."""
    fact = match.fact
    return {"refused": True}, Reason(
        N_(
            "The visit of {school} on {date} has already taken place and cannot be cancelled; "
            "if it did not happen, tell the coordinator, who records it."
        ),
        {"school": fact["school"], "date": fact["date"]},
    )


@study_cancellation.rule(
    when(
        "cancellation",
        # The complement of the two refusals, as three branches that exclude each other.
        any_of(
            eq("by_coordinator", True),
            all_of(eq("by_coordinator", False), eq("status", "draft"), gte("days_before", 0)),
            all_of(
                eq("by_coordinator", False),
                eq("status", "published"),
                gte("days_before", param("cutoff_days")),
            ),
        ),
    ),
    priority=100,
    examples=[
        _CANCELLATION,
        {**_CANCELLATION, "days_before": 1, "status": "draft"},
        {**_CANCELLATION, "days_before": -3, "by_coordinator": True},
    ],
)
def cancellation_allowed(match: Match) -> Outcome:
    """Otherwise the visit may be cancelled: a coordinator always may, a school may cancel a draft
    at any time before the day and a published visit until the cut-off. Exactly when neither
    refusal applies."""
    fact = match.fact
    return {"allowed": True}, Reason(
        N_(
            "The visit of {school} on {date} may be cancelled; its seats are offered to the "
            "schools waiting."
        ),
        {"school": fact["school"], "date": fact["date"]},
    )


registry.register(study_cancellation)


# --- study_waitlist -----------------------------------------------------------------------------

study_waitlist = Ruleset(
    "study_waitlist",
    "2026.1",
    FactSchema(
        FactKind(
            "candidate",
            Field("school", str, max_length=120),
            Field("visits_this_year", int, min=0),
            Field("rank", int, min=0, max=10_000),
            Field("requested_on", date),
            Field("students", int, min=1, max=1000),
            Field("seats_left", int, min=-1000, max=1000),
        ),
        max_facts=200,
    ),
    description=N_("Offering freed study-tour seats to the schools waiting"),
)

_CANDIDATE: dict[str, Any] = {
    "kind": "candidate",
    "school": "城关中心小学",
    "visits_this_year": 0,
    "rank": 0,
    "requested_on": "2026-09-20",
    "students": 45,
    "seats_left": 50,
}


@study_waitlist.rule(
    when("candidate", lte("students", ref("seats_left")), rank=0),
    priority=10,
    examples=[_CANDIDATE],
)
def offer_to_least_covered(match: Match) -> Outcome:
    """Freed seats go first to the school waiting that has had the fewest visits this school year,
    and among those to the one that asked first (the study-tour plan covers every school), if its
    group fits in them."""
    fact = match.fact
    return {"offer": True}, Reason(
        N_(
            "The freed seats are offered to {school}: of the schools waiting it has had the "
            "fewest visits this school year ({visits}), and among those it asked first (on "
            "{requested_on}); its {students} students fit the {left} seats free."
        ),
        {
            "school": fact["school"],
            "visits": fact["visits_this_year"],
            "requested_on": fact["requested_on"],
            "students": fact["students"],
            "left": fact["seats_left"],
        },
    )


@study_waitlist.rule(
    when("candidate", gt("rank", 0)),
    priority=20,
    examples=[{**_CANDIDATE, "rank": 2, "visits_this_year": 1}],
)
def waits_for_a_less_covered_school(match: Match) -> Outcome:
    """A school further down the list waits while a school with fewer visits this school year, or
    as many but an earlier request, is offered the seats first."""
    fact = match.fact
    return {"offer": False}, Reason(
        N_(
            "{school} stays on the waiting list: {ahead} schools come first, having had fewer "
            "visits this school year or asked earlier."
        ),
        {"school": fact["school"], "ahead": fact["rank"]},
    )


@study_waitlist.rule(
    when("candidate", gt("students", ref("seats_left")), rank=0),
    priority=30,
    examples=[{**_CANDIDATE, "students": 60}],
)
def group_does_not_fit(match: Match) -> Outcome:
    """The first school waiting is passed over, and stays on the list, when its group does not
    fit in the seats that are free: the application then asks again with the next school as the
    first (rank 0)."""
    fact = match.fact
    return {"offer": False, "refused": True}, Reason(
        N_(
            "The group of {school} ({students} students) does not fit the {left} seats free; "
            "the seats are offered to the next school waiting, and {school} stays on the list."
        ),
        {
            "school": fact["school"],
            "students": fact["students"],
            "left": max(fact["seats_left"], 0),
        },
    )


registry.register(study_waitlist)
