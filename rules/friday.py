"""Friday Law Service Day (星期五法治服务日): pairings, visits and studio office hours.

Every Friday the chief legal consultants go out: to single firms (at their premises), to chambers
of commerce (法律进商会 group sessions), to villages and communities (法律下基层), and to the
city's legal-help studios (法律助企工作室), where firms book them by the half hour. Each firm keeps
one paired consultant (一帮一) who comes back. Three rulesets, one per question the application
asks; the application computes every count, flag and rank from the database and the calendar
(`calendars.day_info`), the rules only decide.

"friday_pairing": which consultant is this firm's pair, and does its current pair stay?
    One `request` fact and one `candidate` fact per consultant considered:

        {"kind": "request", "firm": "清河市示例轴承有限公司", "town": "城关镇", "topics": 2,
         "current_consultant": "王律师", "candidates": 12}
        {"kind": "candidate", "consultant_id": 7, "consultant": "王律师",
         "firm": "清河市示例轴承有限公司", "rank": 0, "current": True, "conflict": False,
         "available": True, "topics": 2, "covers_topics": True, "missing_topics": 0,
         "same_town": True, "nearby_town": False, "load": 9}

    `current_consultant` is the name of the firm's current pair, None on a first request;
    `candidates` the number of candidate facts. A candidate repeats the request's `firm` and
    `topics` so that its rules need no join. `current`: this consultant is the firm's current
    pair. `conflict`: the consultant has declared a conflict of interest with the firm or with
    a counterparty of the firm's matter. `available`: the consultant is active and not on
    extended leave. `covers_topics`: the consultant's expertise covers every topic (problem
    category) of the request; `missing_topics` counts those it does not cover (so covers_topics
    is missing_topics == 0, which the schema checks). `same_town`: the consultant's home town is
    the firm's; `nearby_town`: it borders the firm's (never both). `load`: the firms the
    consultant is currently paired with, NOT counting this firm. `rank` is the application's
    order of preference, 0 first, each rank once: the current pair first, then consultants of the
    same town, then of a nearby town, then of another town; within each, the lowest load first,
    then the lowest consultant id.

    Per candidate, exactly one of these holds: refused by one or more of `conflict_of_interest`,
    `consultant_unavailable`, `outside_expertise`, `over_pairing_load` (each with
    `{"refused": True, "eligible": False}`); or `keep_pairing` (`{"eligible": True, "keep":
    True}`, the current pair when none of its refusals applies: continuity); or `may_be_paired`
    (`{"eligible": True}`). The pairing load limit is not applied to the current pair: the limit
    is about taking on new firms, not dropping old ones. When the current pair is refused,
    `replace_pairing` fires on it too (`{"replace": True, "because": [rule names]}`) with a
    reason that says why, so the decision log keeps why the pairing changed. `checked` fires
    once on the request, last. Here `Decision.is_refused` is not the verdict (candidates are
    routinely refused): `pairing_choice(decision)` is the candidate to pair, the kept pair if
    there is one, else the eligible candidate of the lowest rank, else None (no one suits: a
    coordinator widens the search or the limit).

"friday_visit": may this visit be put on this Friday for this consultant? Asked by the monthly
    roster planner and for every direct booking or move by a coordinator or a consultant. One
    `visit` fact:

        {"kind": "visit", "date": "2026-10-09", "weekday": 4, "working_day": True,
         "holiday_name": None, "holiday_name_zh": None, "days_ahead": 14,
         "by_coordinator": False, "consultant": "王律师", "consultant_on_leave": False,
         "visits_that_friday": 1, "visits_per_friday_max": 2, "conflict": False,
         "topics": 2, "covers_topics": True, "missing_topics": 0,
         "venue_kind": "premises", "venue": "清河市示例轴承有限公司", "headcount": 0}

    From `calendars.day_info(date)`: `working_day` (`.working`), `holiday_name` /
    `holiday_name_zh` (`.holiday_name_en` / `.holiday_name_zh`, None unless the day is in a
    holiday block). `weekday` is `date.weekday()` (0 = Monday; the schema checks it against
    the date). `days_ahead` is the date minus today (Shanghai), in days. `by_coordinator`:
    a coordinator books or moves it (the coordinators' roster planner too); the lead time does
    not bind them. `consultant_on_leave`: on leave that Friday, or no longer active.
    `visits_that_friday`: the consultant's OTHER live visits that Friday (a moved visit does not
    count itself); `visits_per_friday_max`: the consultant's own limit (1 to 10).
    `conflict`: as for pairing, with the venue's firm (or the chamber or village's matter).
    `topics` / `covers_topics` / `missing_topics`: as for pairing, for the visit's topics.
    `venue_kind` is "premises" (a firm), "chamber" (a chamber of commerce session), "village"
    (a village or community session) or "studio" (sitting at a legal-help studio); `venue` is
    its name. `headcount`: the attendees signed up for a chamber or village session (ignored
    for premises and studio; give 0).

"friday_office_hours": may this firm book this half-hour with this consultant at this studio?
    One `booking` fact:

        {"kind": "booking", "date": "2026-10-09", "weekday": 4, "working_day": True,
         "holiday_name": None, "holiday_name_zh": None, "days_ahead": 3,
         "by_coordinator": False, "slot_starts": "09:30", "studio": "城关法律助企工作室",
         "consultant": "王律师", "firm": "清河市示例轴承有限公司", "within_hours": True,
         "slot_taken": False, "consultant_on_leave": False, "conflict": False,
         "firm_bookings_that_day": 0}

    Day fields as for a visit. `slot_starts` is the half-hour's start, "HH:MM" Shanghai time.
    `within_hours`: the consultant holds office hours at this studio at that time that day.
    `slot_taken`: another live booking holds the half-hour. `firm_bookings_that_day`: the firm's
    OTHER live bookings that day, at any studio.

In "friday_visit" and "friday_office_hours" every refusing rule that applies fires
(`{"refused": True}`, a reason that names the problem and how to fix it), so whoever asks sees
all the problems at once, and the lowest-priority `checked` fires for every fact, refused or
not, with a summary for the decision log (the pattern of "study_visit"). The verdict is
`Decision.is_refused`; the reasons are `decision.refusals`. The rules about the day (date, a
Friday, a working day, the lead time, leave) are one function each, registered in both.

    friday_visit: date_has_passed, not_a_friday, holiday_friday, not_a_working_friday,
        book_in_good_time, consultant_on_leave, over_friday_limit, conflict_of_interest,
        outside_expertise, group_without_attendees, group_too_large; checked.
    friday_office_hours: date_has_passed, not_a_friday, holiday_friday, not_a_working_friday,
        book_in_good_time, consultant_on_leave, outside_office_hours, slot_taken,
        conflict_of_interest, too_many_half_hours; checked.

Holiday names travel as two reason parameters, `holiday` (English) and `holiday_zh` (Chinese,
the English name when the calendar gives none), as in the "calendar" ruleset.

Beware `any_of`: durable_rules fires a rule once for EVERY branch of a disjunction that holds,
so each `any_of` here has branches that exclude one another, and a test checks that no rule
fires twice on one fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from rules import registry
from rules.conditions import all_of, any_of, eq, gt, gte, lt, ne, one_of, param, ref, when
from rules.decision import Decision
from rules.facts import FactKind, FactSchema, Field, weekday_problem
from rules.messages import N_, Reason, nested, weekday_name
from rules.parameters import ParameterSpec
from rules.ruleset import Match, Outcome, Ruleset

__all__ = [
    "FRIDAY",
    "GROUP_VENUES",
    "VENUE_KINDS",
    "friday_office_hours",
    "friday_pairing",
    "friday_visit",
    "pairing_choice",
]

FRIDAY = 4  # date.weekday()
VENUE_KINDS = ("premises", "chamber", "village", "studio")
GROUP_VENUES = ("chamber", "village")  # sessions with a headcount
_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
_NAME = 120


# --- Facts --------------------------------------------------------------------------------------


def _day_fields() -> tuple[Field, ...]:
    """The fields every dated fact carries, from calendars.day_info and today's date."""
    return (
        Field("date", date),
        Field("weekday", int, min=0, max=6),
        Field("working_day", bool),
        Field("holiday_name", str, required=False, nullable=True, max_length=100),
        Field("holiday_name_zh", str, required=False, nullable=True, max_length=100),
        Field("days_ahead", int, min=-3650, max=3650),
        Field("by_coordinator", bool),
    )


def _check_day(fact: Mapping[str, Any]) -> Iterator[tuple[str, Reason]]:
    """The weekday must be the date's, and a holiday is never a working day."""
    problem = weekday_problem(fact)
    if problem is not None:
        yield problem
    if fact["working_day"] and fact["holiday_name"] is not None:
        yield (
            "holiday_name",
            Reason(
                N_("{field} is given, but {date} is marked as a working day."),
                {"field": "holiday_name", "date": fact["date"]},
            ),
        )


def _check_topics(fact: Mapping[str, Any]) -> Iterator[tuple[str, Reason]]:
    """`covers_topics` must be `missing_topics == 0`, and no more topics missing than asked."""
    if fact["missing_topics"] > fact["topics"]:
        yield (
            "missing_topics",
            Reason(
                N_("{field} is {value}, more than the {topics} topics asked about."),
                {
                    "field": "missing_topics",
                    "value": fact["missing_topics"],
                    "topics": fact["topics"],
                },
            ),
        )
    elif fact["covers_topics"] is not (fact["missing_topics"] == 0):
        yield (
            "covers_topics",
            Reason(
                N_("{field} is {value}, but {missing} topics are outside the expertise."),
                {
                    "field": "covers_topics",
                    "value": fact["covers_topics"],
                    "missing": fact["missing_topics"],
                },
            ),
        )


def _topic_fields() -> tuple[Field, ...]:
    return (
        Field("topics", int, min=0, max=50),
        Field("covers_topics", bool),
        Field("missing_topics", int, min=0, max=50),
    )


def _check_visit(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    yield from _check_day(fact)
    yield from _check_topics(fact)


def _check_booking(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    yield from _check_day(fact)
    if not _HHMM.match(fact["slot_starts"]):
        yield (
            "slot_starts",
            Reason(
                N_("{field} must be a time of day written HH:MM, not {value}."),
                {"field": "slot_starts", "value": fact["slot_starts"]},
            ),
        )


def _check_candidate(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    yield from _check_topics(fact)
    if fact["same_town"] and fact["nearby_town"]:
        yield (
            "nearby_town",
            Reason(
                N_("{field} and {other} cannot both be true."),
                {"field": "nearby_town", "other": "same_town"},
            ),
        )


# --- Rulesets -----------------------------------------------------------------------------------

friday_visit = Ruleset(
    "friday_visit",
    "2026.1",
    FactSchema(
        FactKind(
            "visit",
            *_day_fields(),
            Field("consultant", str, max_length=_NAME),
            Field("consultant_on_leave", bool),
            Field("visits_that_friday", int, min=0, max=100),
            Field("visits_per_friday_max", int, min=1, max=10),
            Field("conflict", bool),
            *_topic_fields(),
            Field("venue_kind", str, choices=VENUE_KINDS),
            Field("venue", str, max_length=_NAME),
            Field("headcount", int, min=0, max=10_000),
            check=_check_visit,
        ),
        max_facts=1,
    ),
    parameters=[
        ParameterSpec(
            "lead_time_days",
            int,
            3,
            min=0,
            max=30,
            unit=N_("days"),
            label=N_("Friday visit lead time"),
            help=N_(
                "How many days before the Friday a visit must be booked or moved, so that the "
                "firm and the consultant can prepare. Coordinators may book later."
            ),
        ),
        ParameterSpec(
            "group_headcount_max",
            int,
            80,
            min=5,
            max=500,
            unit=N_("people"),
            label=N_("Attendees of a group session"),
            help=N_(
                "How many people one consultant's session at a chamber of commerce or in a "
                "village or community may take, so that everyone can ask questions. A larger "
                "group is split over two Fridays or two consultants."
            ),
        ),
    ],
    description=N_("Friday Law Service Day visits"),
)

friday_office_hours = Ruleset(
    "friday_office_hours",
    "2026.1",
    FactSchema(
        FactKind(
            "booking",
            *_day_fields(),
            Field("slot_starts", str, max_length=5),
            Field("studio", str, max_length=_NAME),
            Field("consultant", str, max_length=_NAME),
            Field("firm", str, max_length=_NAME),
            Field("within_hours", bool),
            Field("slot_taken", bool),
            Field("consultant_on_leave", bool),
            Field("conflict", bool),
            Field("firm_bookings_that_day", int, min=0, max=100),
            check=_check_booking,
        ),
        max_facts=1,
    ),
    parameters=[
        ParameterSpec(
            "lead_time_days",
            int,
            1,
            min=0,
            max=14,
            unit=N_("days"),
            label=N_("Office-hour booking lead time"),
            help=N_(
                "How many days before the Friday a firm must book a half-hour at a studio, so "
                "that the consultant can read up on the question. Coordinators may book later."
            ),
        ),
        ParameterSpec(
            "firm_bookings_per_day_max",
            int,
            2,
            min=1,
            max=16,
            unit=N_("half-hours"),
            label=N_("Half-hours per firm per Friday"),
            help=N_(
                "How many half-hours of office hours one firm may book on one Friday, at all "
                "the studios together, so that other firms get a turn."
            ),
        ),
    ],
    description=N_("Friday office hours at the legal-help studios"),
)

friday_pairing = Ruleset(
    "friday_pairing",
    "2026.1",
    FactSchema(
        FactKind(
            "request",
            Field("firm", str, max_length=_NAME),
            Field("town", str, max_length=40),
            Field("topics", int, min=0, max=50),
            Field("current_consultant", str, required=False, nullable=True, max_length=_NAME),
            Field("candidates", int, min=0, max=400),
        ),
        FactKind(
            "candidate",
            Field("consultant_id", int, min=1),
            Field("consultant", str, max_length=_NAME),
            Field("firm", str, max_length=_NAME),
            Field("rank", int, min=0, max=10_000),
            Field("current", bool),
            Field("conflict", bool),
            Field("available", bool),
            *_topic_fields(),
            Field("same_town", bool),
            Field("nearby_town", bool),
            Field("load", int, min=0, max=10_000),
            check=_check_candidate,
        ),
        max_facts=401,  # one request and up to 400 consultants
    ),
    parameters=[
        ParameterSpec(
            "pairings_per_consultant_max",
            int,
            30,
            min=1,
            max=200,
            unit=N_("firms"),
            label=N_("Firms paired with one consultant"),
            help=N_(
                "How many firms one consultant may be paired with (one-to-one help, 一帮一), so "
                "that every paired firm is visited again. A consultant at the limit takes no new "
                "firm, but keeps the firms already paired."
            ),
        )
    ],
    description=N_("Pairing each firm with its consultant (one-to-one help)"),
)


# --- Examples -----------------------------------------------------------------------------------

_VISIT: dict[str, Any] = {
    "kind": "visit",
    "date": "2026-10-09",
    "weekday": 4,
    "working_day": True,
    "holiday_name": None,
    "holiday_name_zh": None,
    "days_ahead": 14,
    "by_coordinator": False,
    "consultant": "王律师",
    "consultant_on_leave": False,
    "visits_that_friday": 0,
    "visits_per_friday_max": 2,
    "conflict": False,
    "topics": 2,
    "covers_topics": True,
    "missing_topics": 0,
    "venue_kind": "premises",
    "venue": "清河市示例轴承有限公司",
    "headcount": 0,
}
_BOOKING: dict[str, Any] = {
    "kind": "booking",
    "date": "2026-10-09",
    "weekday": 4,
    "working_day": True,
    "holiday_name": None,
    "holiday_name_zh": None,
    "days_ahead": 3,
    "by_coordinator": False,
    "slot_starts": "09:30",
    "studio": "城关法律助企工作室",
    "consultant": "王律师",
    "firm": "清河市示例轴承有限公司",
    "within_hours": True,
    "slot_taken": False,
    "consultant_on_leave": False,
    "conflict": False,
    "firm_bookings_that_day": 0,
}
_REQUEST: dict[str, Any] = {
    "kind": "request",
    "firm": "清河市示例轴承有限公司",
    "town": "城关镇",
    "topics": 2,
    "current_consultant": "王律师",
    "candidates": 1,
}
_CANDIDATE: dict[str, Any] = {
    "kind": "candidate",
    "consultant_id": 7,
    "consultant": "王律师",
    "firm": "清河市示例轴承有限公司",
    "rank": 0,
    "current": True,
    "conflict": False,
    "available": True,
    "topics": 2,
    "covers_topics": True,
    "missing_topics": 0,
    "same_town": True,
    "nearby_town": False,
    "load": 9,
}
_NATIONAL_DAY = {"date": "2026-10-02", "holiday_name": "National Day", "holiday_name_zh": "国庆节"}
_HOLIDAY = {**_NATIONAL_DAY, "working_day": False}
_UNNAMED_DAY_OFF = {"working_day": False, "holiday_name": None}
_SATURDAY = {"date": "2026-10-10", "weekday": 5}  # an adjusted working day, but no Friday


def _refused(msgid: str, params: dict[str, Any], **outcome: Any) -> Outcome:
    return {"refused": True, **outcome}, Reason(msgid, params)


# --- The day: rules of both "friday_visit" and "friday_office_hours" ---------------------------


@friday_office_hours.rule(
    when("booking", lt("days_ahead", 0)),
    priority=10,
    examples=[{**_BOOKING, "days_ahead": -1, "by_coordinator": True}],
)
@friday_visit.rule(
    when("visit", lt("days_ahead", 0)),
    priority=10,
    examples=[{**_VISIT, "days_ahead": -7}, {**_VISIT, "days_ahead": -1, "by_coordinator": True}],
)
def date_has_passed(match: Match) -> Outcome:
    """A visit or a half-hour is booked for a day still to come, by coordinators too: what took
    place is recorded, not booked (Friday Law Service Day booking rules)."""
    fact = match.fact
    return _refused(
        N_("{date} has passed ({days} days ago); choose a date from today on."),
        {"date": fact["date"], "days": -fact["days_ahead"]},
    )


@friday_office_hours.rule(
    when("booking", ne("weekday", FRIDAY)),
    priority=20,
    examples=[{**_BOOKING, **_SATURDAY}],
)
@friday_visit.rule(
    when("visit", ne("weekday", FRIDAY)),
    priority=20,
    examples=[{**_VISIT, **_SATURDAY}, {**_VISIT, "date": "2026-10-08", "weekday": 3}],
)
def not_a_friday(match: Match) -> Outcome:
    """The consultants go out, and sit at the studios, on Fridays: the Friday Law Service Day of
    the Political and Legal Affairs Commission and the Law Society. A working Saturday (调休上班日)
    is not a Friday either."""
    fact = match.fact
    return _refused(
        N_(
            "The Friday Law Service Day is held on Fridays, and {date} is a {weekday}; choose "
            "a Friday."
        ),
        {"date": fact["date"], "weekday": weekday_name(fact["weekday"])},
    )


@friday_office_hours.rule(
    when("booking", ne("holiday_name", None), weekday=FRIDAY, working_day=False),
    priority=30,
    examples=[{**_BOOKING, **_HOLIDAY}],
)
@friday_visit.rule(
    when("visit", ne("holiday_name", None), weekday=FRIDAY, working_day=False),
    priority=30,
    examples=[{**_VISIT, **_HOLIDAY}],
)
def holiday_friday(match: Match) -> Outcome:
    """No Friday Law Service Day on a Friday that is a public holiday (State Council notice on
    public holidays): firms, chambers and studios are closed. The reason names the holiday, in
    English (`holiday`) and Chinese (`holiday_zh`)."""
    fact = match.fact
    return _refused(
        N_(
            "{date} is a day off for the {holiday} holiday, so there is no Friday Law Service "
            "Day that week; choose another Friday."
        ),
        {
            "date": fact["date"],
            "holiday": fact["holiday_name"],
            "holiday_zh": fact["holiday_name_zh"] or fact["holiday_name"],
        },
    )


@friday_office_hours.rule(
    when("booking", eq("holiday_name", None), weekday=FRIDAY, working_day=False),
    priority=30,
    examples=[{**_BOOKING, **_UNNAMED_DAY_OFF}],
)
@friday_visit.rule(
    when("visit", eq("holiday_name", None), weekday=FRIDAY, working_day=False),
    priority=30,
    examples=[{**_VISIT, **_UNNAMED_DAY_OFF}],
)
def not_a_working_friday(match: Match) -> Outcome:
    """No Friday Law Service Day on a Friday that is not a working day, even when the calendar
    gives the day off no name (State Council notice on public holidays)."""
    return _refused(
        N_(
            "{date} is not a working day, so there is no Friday Law Service Day that week; "
            "choose another Friday."
        ),
        {"date": match.fact["date"]},
    )


@friday_office_hours.rule(
    when(
        "booking",
        gte("days_ahead", 0),
        lt("days_ahead", param("lead_time_days")),
        by_coordinator=False,
    ),
    priority=40,
    examples=[{**_BOOKING, "days_ahead": 0}],
)
@friday_visit.rule(
    when(
        "visit",
        gte("days_ahead", 0),
        lt("days_ahead", param("lead_time_days")),
        by_coordinator=False,
    ),
    priority=40,
    examples=[{**_VISIT, "days_ahead": 2}, {**_VISIT, "days_ahead": 0}],
)
def book_in_good_time(match: Match) -> Outcome:
    """A visit is booked or moved at least the lead time ahead (3 days for visits, 1 for studio
    office hours, unless the coordinator changes it), so that the firm, the chamber or the
    village can prepare and the consultant can read up on the questions. Coordinators may book
    later."""
    fact = match.fact
    return _refused(
        N_(
            "Book at least {days} days ahead: {date} is only {ahead} days away; choose a later "
            "date or ask the coordinator."
        ),
        {"days": match.params["lead_time_days"], "date": fact["date"], "ahead": fact["days_ahead"]},
    )


@friday_office_hours.rule(
    when("booking", consultant_on_leave=True),
    priority=50,
    examples=[{**_BOOKING, "consultant_on_leave": True}],
)
@friday_visit.rule(
    when("visit", consultant_on_leave=True),
    priority=50,
    examples=[{**_VISIT, "consultant_on_leave": True}],
)
def consultant_on_leave(match: Match) -> Outcome:
    """A consultant on leave that Friday, or no longer on the team, makes no visits and holds no
    office hours (the chief legal consultant team's roster)."""
    fact = match.fact
    return _refused(
        N_("{consultant} is on leave on {date}; choose another Friday or another consultant."),
        {"consultant": fact["consultant"], "date": fact["date"]},
    )


# --- friday_visit -------------------------------------------------------------------------------


@friday_visit.rule(
    when("visit", gte("visits_that_friday", ref("visits_per_friday_max"))),
    priority=60,
    examples=[{**_VISIT, "visits_that_friday": 2}, {**_VISIT, "visits_that_friday": 5}],
)
def over_friday_limit(match: Match) -> Outcome:
    """A consultant makes at most as many visits on one Friday as they have said they can (their
    own limit, one to ten), so that each visit gets its time and travel fits the day."""
    fact = match.fact
    return _refused(
        N_(
            "{consultant} already has {count} other visits on Friday {date}, and their limit is "
            "{max} visits a Friday; choose another Friday or another consultant."
        ),
        {
            "consultant": fact["consultant"],
            "count": fact["visits_that_friday"],
            "date": fact["date"],
            "max": fact["visits_per_friday_max"],
        },
    )


@friday_visit.rule(
    when("visit", conflict=True),
    name="conflict_of_interest",
    priority=70,
    examples=[{**_VISIT, "conflict": True}],
)
def visit_conflict_of_interest(match: Match) -> Outcome:
    """A consultant who has declared a conflict of interest with the firm or a counterparty of
    its matter does not advise it (Lawyers Law art. 39; the Law Society's conflict rules)."""
    fact = match.fact
    return _refused(
        N_(
            "{consultant} has declared a conflict of interest with {venue} or a party on the "
            "other side of its matter, and cannot make this visit; choose another consultant."
        ),
        {"consultant": fact["consultant"], "venue": fact["venue"]},
    )


@friday_visit.rule(
    when("visit", covers_topics=False),
    name="outside_expertise",
    priority=80,
    examples=[{**_VISIT, "covers_topics": False, "missing_topics": 1}],
)
def visit_outside_expertise(match: Match) -> Outcome:
    """A visit goes to a consultant whose expertise covers every topic the firm has raised
    (enterprise management, contracts, labour, intellectual property…), so that the problems
    are solved on the day."""
    fact = match.fact
    return _refused(
        N_(
            "The expertise of {consultant} does not cover {missing} of the {topics} topics of "
            "this visit; choose a consultant whose expertise covers them all, or change the "
            "topics."
        ),
        {
            "consultant": fact["consultant"],
            "missing": fact["missing_topics"],
            "topics": fact["topics"],
        },
    )


@friday_visit.rule(
    when("visit", one_of("venue_kind", GROUP_VENUES), headcount=0),
    priority=90,
    examples=[{**_VISIT, "venue_kind": "chamber", "venue": "清河市轴承商会", "headcount": 0}],
)
def group_without_attendees(match: Match) -> Outcome:
    """A session at a chamber of commerce (法律进商会) or in a village or community (法律下基层)
    is held for the people who have signed up: with no one signed up, the consultant's Friday
    goes elsewhere."""
    fact = match.fact
    return _refused(
        N_(
            "No one has signed up for the session at {venue} on {date}; enter the attendees "
            "who have signed up, or choose another Friday."
        ),
        {"venue": fact["venue"], "date": fact["date"]},
    )


@friday_visit.rule(
    when(
        "visit", one_of("venue_kind", GROUP_VENUES), gt("headcount", param("group_headcount_max"))
    ),
    priority=91,
    examples=[{**_VISIT, "venue_kind": "village", "venue": "东关村", "headcount": 81}],
)
def group_too_large(match: Match) -> Outcome:
    """One consultant's group session takes at most so many people (80 unless the coordinator
    changes it), so that everyone can ask their question; a larger group is split."""
    fact = match.fact
    return _refused(
        N_(
            "{headcount} people have signed up for the session at {venue} on {date}, more than "
            "the {max} one session takes; split them over two Fridays or two consultants."
        ),
        {
            "headcount": fact["headcount"],
            "venue": fact["venue"],
            "date": fact["date"],
            "max": match.params["group_headcount_max"],
        },
    )


@friday_visit.rule(
    when("visit"),
    name="checked",
    priority=1000,
    examples=[_VISIT, {**_VISIT, **_HOLIDAY, "conflict": True}],
)
def visit_checked(match: Match) -> Outcome:
    """Every visit is checked against all the rules above; this records what was checked. It
    fires for every visit, refused or not: the verdict is whether any rule refused."""
    fact = match.fact
    return {"checked": True}, Reason(
        N_(
            "Checked the visit of {consultant} to {venue} on {date}: {count} other visits that "
            "Friday (limit {max}), {topics} topics."
        ),
        {
            "consultant": fact["consultant"],
            "venue": fact["venue"],
            "date": fact["date"],
            "count": fact["visits_that_friday"],
            "max": fact["visits_per_friday_max"],
            "topics": fact["topics"],
        },
    )


# --- friday_office_hours ------------------------------------------------------------------------


@friday_office_hours.rule(
    when("booking", within_hours=False),
    priority=60,
    examples=[{**_BOOKING, "within_hours": False, "slot_starts": "12:00"}],
)
def outside_office_hours(match: Match) -> Outcome:
    """A firm books a half-hour in which the consultant sits at that studio that Friday (the
    studio's office-hour roster, 法律助企工作室)."""
    fact = match.fact
    return _refused(
        N_(
            "{consultant} holds no office hours at {studio} at {time} on {date}; choose one of "
            "the half-hours the studio shows as open."
        ),
        {
            "consultant": fact["consultant"],
            "studio": fact["studio"],
            "time": fact["slot_starts"],
            "date": fact["date"],
        },
    )


@friday_office_hours.rule(
    when("booking", slot_taken=True),
    priority=70,
    examples=[{**_BOOKING, "slot_taken": True}],
)
def slot_taken(match: Match) -> Outcome:
    """One firm per half-hour: a half-hour another firm has booked is taken."""
    fact = match.fact
    return _refused(
        N_(
            "The half-hour at {time} on {date} with {consultant} at {studio} is already booked; "
            "choose another half-hour."
        ),
        {
            "time": fact["slot_starts"],
            "date": fact["date"],
            "consultant": fact["consultant"],
            "studio": fact["studio"],
        },
    )


@friday_office_hours.rule(
    when("booking", conflict=True),
    name="conflict_of_interest",
    priority=80,
    examples=[{**_BOOKING, "conflict": True}],
)
def booking_conflict_of_interest(match: Match) -> Outcome:
    """A consultant who has declared a conflict of interest with the firm or a counterparty of
    its matter does not advise it (Lawyers Law art. 39; the Law Society's conflict rules)."""
    fact = match.fact
    return _refused(
        N_(
            "{consultant} has declared a conflict of interest with {firm} or a party on the "
            "other side of its matter; book a half-hour with another consultant."
        ),
        {"consultant": fact["consultant"], "firm": fact["firm"]},
    )


@friday_office_hours.rule(
    when("booking", gte("firm_bookings_that_day", param("firm_bookings_per_day_max"))),
    priority=90,
    examples=[{**_BOOKING, "firm_bookings_that_day": 2}],
)
def too_many_half_hours(match: Match) -> Outcome:
    """A firm books at most so many half-hours on one Friday, at all the studios together (2
    unless the coordinator changes it), so that other firms get a turn."""
    fact = match.fact
    return _refused(
        N_(
            "{firm} already has {count} half-hours booked on {date}, and a firm may book at "
            "most {max} a day so that other firms get a turn; choose another Friday."
        ),
        {
            "firm": fact["firm"],
            "count": fact["firm_bookings_that_day"],
            "date": fact["date"],
            "max": match.params["firm_bookings_per_day_max"],
        },
    )


@friday_office_hours.rule(
    when("booking"),
    name="checked",
    priority=1000,
    examples=[_BOOKING, {**_BOOKING, "slot_taken": True}],
)
def booking_checked(match: Match) -> Outcome:
    """Every booking is checked against all the rules above; this records what was checked. It
    fires for every booking, refused or not: the verdict is whether any rule refused."""
    fact = match.fact
    return {"checked": True}, Reason(
        N_(
            "Checked the booking of {firm} with {consultant} at {studio} on {date} at {time}: "
            "{count} other half-hours that day."
        ),
        {
            "firm": fact["firm"],
            "consultant": fact["consultant"],
            "studio": fact["studio"],
            "date": fact["date"],
            "time": fact["slot_starts"],
            "count": fact["firm_bookings_that_day"],
        },
    )


# --- friday_pairing -----------------------------------------------------------------------------

_REFUSED_CANDIDATE = {"eligible": False}


@friday_pairing.rule(
    when("candidate", conflict=True),
    name="conflict_of_interest",
    priority=10,
    examples=[[_REQUEST, {**_CANDIDATE, "conflict": True}]],
)
def pairing_conflict_of_interest(match: Match) -> Outcome:
    """A consultant who has declared a conflict of interest with the firm or a counterparty of
    its matter is not its paired consultant (Lawyers Law art. 39; the Law Society's conflict
    rules), and a current pair with a new conflict is replaced."""
    fact = match.fact
    return _refused(
        N_(
            "{consultant} has declared a conflict of interest with {firm} or a party on the "
            "other side of its matter, and cannot be its paired consultant; choose another "
            "consultant."
        ),
        {"consultant": fact["consultant"], "firm": fact["firm"]},
        **_REFUSED_CANDIDATE,
    )


@friday_pairing.rule(
    when("candidate", available=False),
    priority=20,
    examples=[{**_CANDIDATE, "available": False}],
)
def consultant_unavailable(match: Match) -> Outcome:
    """Only a consultant who is active and not on extended leave is paired: one-to-one help
    (一帮一) means coming back to the firm."""
    fact = match.fact
    return _refused(
        N_(
            "{consultant} is not available (on leave or no longer on the team) and cannot be "
            "the paired consultant of {firm}; choose another consultant."
        ),
        {"consultant": fact["consultant"], "firm": fact["firm"]},
        **_REFUSED_CANDIDATE,
    )


@friday_pairing.rule(
    when("candidate", covers_topics=False),
    name="outside_expertise",
    priority=30,
    examples=[{**_CANDIDATE, "covers_topics": False, "missing_topics": 2}],
)
def pairing_outside_expertise(match: Match) -> Outcome:
    """A firm's paired consultant is expert in every topic it has asked for help with
    (enterprise management, contracts, labour, intellectual property…): the year's problems are
    solved by the pair, not passed on."""
    fact = match.fact
    return _refused(
        N_(
            "The expertise of {consultant} does not cover {missing} of the {topics} topics "
            "{firm} asks about; choose a consultant whose expertise covers them all."
        ),
        {
            "consultant": fact["consultant"],
            "missing": fact["missing_topics"],
            "topics": fact["topics"],
            "firm": fact["firm"],
        },
        **_REFUSED_CANDIDATE,
    )


@friday_pairing.rule(
    when("candidate", gte("load", param("pairings_per_consultant_max")), current=False),
    priority=40,
    examples=[{**_CANDIDATE, "current": False, "load": 30}],
)
def over_pairing_load(match: Match) -> Outcome:
    """A consultant takes on no new firm once paired with as many as the limit (30 unless the
    coordinator changes it), so that every paired firm is visited again. The limit does not
    drop a firm already paired: continuity comes first."""
    fact = match.fact
    return _refused(
        N_(
            "{consultant} is already paired with {load} firms, the most one consultant takes "
            "({max}); choose another consultant, or ask the coordinator to raise the limit."
        ),
        {
            "consultant": fact["consultant"],
            "load": fact["load"],
            "max": match.params["pairings_per_consultant_max"],
        },
        **_REFUSED_CANDIDATE,
    )


# Why a current pair cannot continue, in the order of the refusing rules above.
_REPLACED_BECAUSE = (
    ("conflict_of_interest", "conflict", True, N_("a declared conflict of interest")),
    ("consultant_unavailable", "available", False, N_("no longer available")),
    ("outside_expertise", "covers_topics", False, N_("expertise that does not cover the topics")),
)


@friday_pairing.rule(
    when(
        "candidate",
        # The current pair's refusals, as branches that exclude each other (see any_of above).
        any_of(
            eq("conflict", True),
            all_of(eq("conflict", False), eq("available", False)),
            all_of(eq("conflict", False), eq("available", True), eq("covers_topics", False)),
        ),
        current=True,
    ),
    priority=50,
    examples=[
        {**_CANDIDATE, "available": False},
        {**_CANDIDATE, "conflict": True, "covers_topics": False, "missing_topics": 1},
    ],
)
def replace_pairing(match: Match) -> Outcome:
    """A firm keeps its paired consultant unless the consultant has declared a conflict of
    interest, is no longer available, or the firm's topics have moved outside their expertise;
    then a new pair is chosen, and why the pairing changed is kept in the decision log."""
    fact = match.fact
    because = [entry for entry in _REPLACED_BECAUSE if fact[entry[1]] is entry[2]]
    return {"replace": True, "because": [entry[0] for entry in because]}, Reason(
        N_(
            "{consultant} can no longer be the paired consultant of {firm} ({reasons}); a new "
            "paired consultant is chosen from those who may be paired."
        ),
        {
            "consultant": fact["consultant"],
            "firm": fact["firm"],
            "reasons": [nested(entry[3]) for entry in because],
        },
    )


@friday_pairing.rule(
    when("candidate", current=True, conflict=False, available=True, covers_topics=True),
    priority=60,
    examples=[[_REQUEST, _CANDIDATE], {**_CANDIDATE, "load": 40}],
)
def keep_pairing(match: Match) -> Outcome:
    """A firm keeps its paired consultant while nothing stands in the way: one-to-one help
    (一帮一) means the same consultant comes back, and continuity matters more than the load."""
    fact = match.fact
    return {"eligible": True, "keep": True}, Reason(
        N_(
            "{consultant} stays the paired consultant of {firm}: no conflict of interest, "
            "available, and their expertise covers the {topics} topics."
        ),
        {"consultant": fact["consultant"], "firm": fact["firm"], "topics": fact["topics"]},
    )


_TOWN = {
    (True, False): N_("in the same town"),
    (False, True): N_("in a nearby town"),
    (False, False): N_("in another town"),
}


@friday_pairing.rule(
    when(
        "candidate",
        lt("load", param("pairings_per_consultant_max")),
        current=False,
        conflict=False,
        available=True,
        covers_topics=True,
    ),
    priority=70,
    examples=[{**_CANDIDATE, "current": False, "same_town": False, "nearby_town": True}],
)
def may_be_paired(match: Match) -> Outcome:
    """A consultant may be paired with a firm when they have no conflict of interest, are
    available, their expertise covers the firm's topics and they are under the pairing limit;
    of those, the firm gets the first in the application's order (same town, nearby town, then
    the lightest load)."""
    fact = match.fact
    return {"eligible": True}, Reason(
        N_(
            "{consultant} may be paired with {firm}: no conflict of interest, available, "
            "expertise covering the {topics} topics, {load} firms paired of at most {max}, "
            "{where}."
        ),
        {
            "consultant": fact["consultant"],
            "firm": fact["firm"],
            "topics": fact["topics"],
            "load": fact["load"],
            "max": match.params["pairings_per_consultant_max"],
            "where": nested(_TOWN[fact["same_town"], fact["nearby_town"]]),
        },
    )


@friday_pairing.rule(
    when("request"),
    name="checked",
    priority=1000,
    examples=[_REQUEST, {**_REQUEST, "current_consultant": None, "candidates": 0}],
)
def pairing_checked(match: Match) -> Outcome:
    """Every pairing request is recorded with what was asked: the firm, its town, its topics and
    how many consultants were considered. It fires once, last, whatever was decided."""
    fact = match.fact
    params = {
        "firm": fact["firm"],
        "town": fact["town"],
        "topics": fact["topics"],
        "candidates": fact["candidates"],
    }
    if fact["current_consultant"] is None:
        msgid = N_(
            "Looked for a paired consultant for {firm} ({town}) among {candidates} consultants, "
            "for {topics} topics; it had none yet."
        )
    else:
        msgid = N_(
            "Looked for a paired consultant for {firm} ({town}) among {candidates} consultants, "
            "for {topics} topics; its current pair is {current}."
        )
        params["current"] = fact["current_consultant"]
    return {"checked": True}, Reason(msgid, params)


registry.register(friday_visit)
registry.register(friday_office_hours)
registry.register(friday_pairing)


def pairing_choice(decision: Decision) -> Mapping[str, Any] | None:
    """The candidate fact a "friday_pairing" decision pairs the firm with, or None if none suits.

    The current pair if `keep_pairing` fired for it (continuity, whatever its rank), else the
    eligible candidate of the lowest `rank`. The choice follows from the decision alone, so the
    stored decision explains it.
    """
    if decision.ruleset != friday_pairing.name:
        raise ValueError(f"not a friday_pairing decision: {decision.ruleset!r}")
    facts = {fact["id"]: fact for fact in decision.facts}
    best: tuple[bool, int] | None = None
    chosen = None
    for fired in decision.where("eligible", True):
        fact = facts[fired.fact_ids[0]]
        key = (fired.outcome.get("keep") is not True, fact["rank"])
        if best is None or key < best:
            best, chosen = key, fact
    return chosen
