"""The calendar ruleset: is the study base open for a study tour on a day?"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rules import FactError, decide

TUE_THU = [1, 3]


def day(on: str, kind: str = "workday", **fields: object) -> dict[str, object]:
    """A booking_day fact for an ISO date, with its weekday worked out."""
    return {
        "kind": "booking_day",
        "date": on,
        "weekday": date.fromisoformat(on).weekday(),
        "day_kind": kind,
        "opening_weekdays": TUE_THU,
        **fields,
    }


def test_open_on_an_ordinary_tuesday():
    decision = decide("calendar", day("2026-03-10"))
    assert decision.rules == ("open_for_tours",)
    assert decision.first("open") is True and not decision.is_refused
    assert decision.reasons[0].render() == "The base is open for study tours on 2026-03-10."
    assert decision.ruleset_version == "2026.2"


@pytest.mark.parametrize(
    ("fact", "rule", "text"),
    [
        (
            day("2026-10-01", "holiday", holiday_name="National Day"),
            "closed_for_holiday",
            "The base is closed on 2026-10-01: National Day holiday.",
        ),
        (
            day("2026-10-06", "holiday"),
            "closed_for_unnamed_holiday",
            "The base is closed on 2026-10-06: it is a public holiday.",
        ),
        (
            day("2026-03-07", "weekend"),
            "closed_on_weekend",
            "The base is closed on 2026-03-07: it is a Saturday.",
        ),
        (
            day("2026-03-12", closure_reason="Exhibition hall maintenance."),
            "closed_by_the_base",
            "The base is closed on 2026-03-12: Exhibition hall maintenance.",
        ),
        (
            day("2026-03-09"),
            "closed_on_other_weekdays",
            "Study tours run only on Tuesday, Thursday; 2026-03-09 is a Monday.",
        ),
        (
            day("2026-09-20", "adjusted_workday"),
            "closed_on_other_weekdays",
            "Study tours run only on Tuesday, Thursday; 2026-09-20 is a Sunday.",
        ),
    ],
)
def test_closed_days_say_why(fact: dict[str, object], rule: str, text: str):
    decision = decide("calendar", fact)
    assert decision.rules == (rule,)
    assert decision.first("open") is False and decision.is_refused
    assert decision.fired[0].reason.render() == text


def test_every_reason_for_closing_is_given():
    fact = day("2026-10-01", "holiday", holiday_name="National Day", closure_reason="Painting.")
    decision = decide("calendar", fact)
    assert decision.rules == ("closed_for_holiday", "closed_by_the_base")
    assert decision.outcomes("open") == (False, False)


def test_an_adjusted_working_saturday_on_an_opening_weekday_is_open():
    assert decide(
        "calendar", day("2026-09-26", "adjusted_workday", opening_weekdays=[5])
    ).rules == ("open_for_tours",)


def test_a_term_of_days_in_one_decision():
    start = date(2026, 3, 2)
    facts = []
    for n in range(28):
        on = start + timedelta(days=n)
        kind = "weekend" if on.weekday() >= 5 else "workday"
        facts.append(day(on.isoformat(), kind))
    decision = decide("calendar", facts)
    open_days = [
        facts[i]["date"] for i in range(len(facts)) if decision.for_fact(i)[0].outcome["open"]
    ]
    assert len(open_days) == 8
    assert all(date.fromisoformat(d).weekday() in (1, 3) for d in open_days)
    assert all(len(decision.for_fact(i)) == 1 for i in range(len(facts)))


@pytest.mark.parametrize(
    ("fact", "field"),
    [
        ({**day("2026-03-10"), "weekday": 2}, "weekday"),  # counted from Sunday or from 1
        (day("2026-03-10", "weekend"), "day_kind"),
        (day("2026-03-07", "workday"), "day_kind"),
        (day("2026-03-10", "adjusted_workday"), "day_kind"),
        (day("2026-03-10", "festival"), "day_kind"),
        (day("2026-03-10", opening_weekdays=[]), "opening_weekdays"),
        (day("2026-03-10", opening_weekdays=[7]), "opening_weekdays"),
        (day("2026-03-10", opening_weekdays=[1, 1]), "opening_weekdays"),
        ({**day("2026-03-10"), "date": "10/03/2026"}, "date"),
        (day("2026-03-10", holiday_name=""), None),  # empty text is a value; fine
    ],
)
def test_inconsistent_days_are_refused(fact: dict[str, object], field: str | None):
    if field is None:
        assert decide("calendar", fact).rules == ("open_for_tours",)
        return
    with pytest.raises(FactError) as caught:
        decide("calendar", fact)
    assert caught.value.fields == (field,)
