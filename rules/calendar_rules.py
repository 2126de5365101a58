"""Is the study base open for a study tour on a given day? (ruleset "calendar")

The application asks this when a school books a date and again whenever the calendar changes
(the State Council announces the next year's holidays and adjusted working days, the base closes
for a day), to re-check bookings already made. One `booking_day` fact per date; the facts come
from calendars/ (which knows holidays and adjusted working days) and the base's settings:

    {"kind": "booking_day", "date": "2026-10-01", "weekday": 3, "day_kind": "holiday",
     "holiday_name": "National Day", "holiday_name_zh": "国庆节", "closure_reason": None,
     "opening_weekdays": [1, 3]}

`weekday` counts like `date.weekday()`: 0 is Monday, so tours on Tuesdays and Thursdays are
[1, 3]; it must agree with the date, which catches a caller counting from Sunday or from 1.
`day_kind` is "workday", "weekend", "holiday" or "adjusted_workday" (a Saturday or Sunday made a
working day, 调休上班日). `holiday_name` and the optional `holiday_name_zh` are the holiday's English
and Chinese names (None when the calendar has none). Every closing rule that applies fires, so the school is told all the
reasons; the outcome is `{"open": False, "refused": True}`. Exactly when none applies, the
opening rule fires with `{"open": True}`. Per date: `decision.for_fact(i)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from rules import registry
from rules.conditions import contains, eq, lacks, ne, one_of, ref, when
from rules.facts import FactKind, FactSchema, Field, weekday_problem
from rules.messages import N_, Reason, weekday_name
from rules.ruleset import Match, Outcome, Ruleset

__all__ = ["DAY_KINDS", "calendar"]

DAY_KINDS = ("workday", "weekend", "holiday", "adjusted_workday")
_WEEKEND = (5, 6)


def _check_booking_day(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    """The weekday must be the date's, and the kind of day must fit the weekday."""
    actual = date.fromisoformat(fact["date"]).weekday()
    problem = weekday_problem(fact)
    if problem is not None:
        yield problem
    elif fact["day_kind"] in ("weekend", "adjusted_workday") and actual not in _WEEKEND:
        yield (
            "day_kind",
            Reason(
                N_("{field} is {value}, but {date} is a {weekday}."),
                {
                    "field": "day_kind",
                    "value": fact["day_kind"],
                    "date": fact["date"],
                    "weekday": weekday_name(actual),
                },
            ),
        )
    elif fact["day_kind"] == "workday" and actual in _WEEKEND:
        yield (
            "day_kind",
            Reason(
                N_(
                    "{field} is workday, but {date} is a {weekday}: "
                    "a working weekend day is an adjusted_workday."
                ),
                {"field": "day_kind", "date": fact["date"], "weekday": weekday_name(actual)},
            ),
        )


calendar = Ruleset(
    "calendar",
    "2026.2",
    FactSchema(
        FactKind(
            "booking_day",
            Field("date", date),
            Field("weekday", int, min=0, max=6),
            Field("day_kind", str, choices=DAY_KINDS),
            Field("holiday_name", str, required=False, nullable=True, max_length=100),
            Field("holiday_name_zh", str, required=False, nullable=True, max_length=100),
            Field("closure_reason", str, required=False, nullable=True, max_length=200),
            Field(
                "opening_weekdays",
                list,
                items=int,
                min=0,
                max=6,
                min_items=1,
                max_items=7,
                unique=True,
            ),
            check=_check_booking_day,
        ),
        max_facts=400,  # a term's worth of dates in one re-check
    ),
    description=N_("Whether the study base is open for study tours on a day."),
)

_TUE_THU = [1, 3]
_WORKING = ("workday", "adjusted_workday")


def _closed(match: Match, msgid: str, **params: Any) -> Outcome:
    return {"open": False, "refused": True}, Reason(msgid, {"date": match.fact["date"], **params})


@calendar.rule(
    when("booking_day", ne("holiday_name", None), day_kind="holiday"),
    priority=10,
    examples=[
        {
            "kind": "booking_day",
            "date": "2026-10-01",
            "weekday": 3,
            "day_kind": "holiday",
            "holiday_name": "National Day",
            "holiday_name_zh": "国庆节",
            "opening_weekdays": _TUE_THU,
        }
    ],
)
def closed_for_holiday(match: Match) -> Outcome:
    """No study tours on a public holiday (State Council notice on public holidays).

    The reason carries the holiday's English name as `holiday` and its Chinese name as
    `holiday_zh` (the English name when the calendar gives no Chinese one), so the Chinese text
    can say 国庆节 rather than "National Day".
    """
    fact = match.fact
    return _closed(
        match,
        N_("The base is closed on {date}: {holiday} holiday."),
        holiday=fact["holiday_name"],
        holiday_zh=fact["holiday_name_zh"] or fact["holiday_name"],
    )


@calendar.rule(
    when("booking_day", eq("holiday_name", None), day_kind="holiday"),
    priority=10,
    examples=[
        {
            "kind": "booking_day",
            "date": "2026-10-06",
            "weekday": 1,
            "day_kind": "holiday",
            "opening_weekdays": _TUE_THU,
        }
    ],
)
def closed_for_unnamed_holiday(match: Match) -> Outcome:
    """No study tours on a public holiday, even when the calendar gives it no name."""
    return _closed(match, N_("The base is closed on {date}: it is a public holiday."))


@calendar.rule(
    when("booking_day", day_kind="weekend"),
    priority=20,
    examples=[
        {
            "kind": "booking_day",
            "date": "2026-03-07",
            "weekday": 5,
            "day_kind": "weekend",
            "opening_weekdays": _TUE_THU,
        }
    ],
)
def closed_on_weekend(match: Match) -> Outcome:
    """No study tours on Saturdays and Sundays: schools are not in session (study-base plan)."""
    return _closed(
        match,
        N_("The base is closed on {date}: it is a {weekday}."),
        weekday=weekday_name(match.fact["weekday"]),
    )


@calendar.rule(
    when("booking_day", ne("closure_reason", None)),
    priority=30,
    examples=[
        {
            "kind": "booking_day",
            "date": "2026-03-10",
            "weekday": 1,
            "day_kind": "workday",
            "closure_reason": "Exhibition hall maintenance",
            "opening_weekdays": _TUE_THU,
        }
    ],
)
def closed_by_the_base(match: Match) -> Outcome:
    """No study tours on a day the base has closed itself (the coordinator's closure, with why)."""
    return _closed(
        match, N_("The base is closed on {date}: {closure}"), closure=match.fact["closure_reason"]
    )


@calendar.rule(
    when("booking_day", one_of("day_kind", _WORKING), lacks("opening_weekdays", ref("weekday"))),
    priority=40,
    examples=[
        {
            "kind": "booking_day",
            "date": "2026-03-09",
            "weekday": 0,
            "day_kind": "workday",
            "opening_weekdays": _TUE_THU,
        },
        {
            "kind": "booking_day",
            "date": "2026-09-20",
            "weekday": 6,
            "day_kind": "adjusted_workday",
            "opening_weekdays": _TUE_THU,
        },
    ],
)
def closed_on_other_weekdays(match: Match) -> Outcome:
    """Study tours run only on the base's opening weekdays, Tuesday and Thursday (study plan)."""
    fact = match.fact
    return _closed(
        match,
        N_("Study tours run only on {days}; {date} is a {weekday}."),
        days=[weekday_name(day) for day in sorted(fact["opening_weekdays"])],
        weekday=weekday_name(fact["weekday"]),
    )


@calendar.rule(
    when(
        "booking_day",
        one_of("day_kind", _WORKING),
        eq("closure_reason", None),
        contains("opening_weekdays", ref("weekday")),
    ),
    priority=100,
    examples=[
        {
            "kind": "booking_day",
            "date": "2026-03-10",
            "weekday": 1,
            "day_kind": "workday",
            "opening_weekdays": _TUE_THU,
        }
    ],
)
def open_for_tours(match: Match) -> Outcome:
    """The base is open on a working day that is one of its opening weekdays, unless closed."""
    return {"open": True}, Reason(
        N_("The base is open for study tours on {date}."), {"date": match.fact["date"]}
    )


registry.register(calendar)
