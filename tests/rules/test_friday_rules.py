"""The Friday Law Service Day rulesets: visits, studio office hours, one-to-one pairings."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from calendars import day_info, working_fridays
from rules import Decision, FactError, ParameterError, ParameterValues, decide, registry
from rules import validate_parameters as check_parameters
from rules.friday import pairing_choice

CONSULTANT = "王律师"
FIRM = "清河市示例轴承有限公司"
TODAY = date(2026, 9, 25)


def day(on: date | str) -> dict[str, Any]:
    """The day fields of a fact, computed as the application does: from calendars/."""
    on = date.fromisoformat(on) if isinstance(on, str) else on
    info = day_info(on)
    return {
        "date": on.isoformat(),
        "weekday": on.weekday(),
        "working_day": info.working,
        "holiday_name": info.holiday_name_en,
        "holiday_name_zh": info.holiday_name_zh,
        "days_ahead": (on - TODAY).days,
    }


def visit(on: date | str = "2026-10-09", **fields: Any) -> dict[str, Any]:
    """A visit fact that every rule lets through (on a working Friday two weeks ahead)."""
    return {
        "kind": "visit",
        **day(on),
        "by_coordinator": False,
        "consultant": CONSULTANT,
        "consultant_on_leave": False,
        "visits_that_friday": 0,
        "visits_per_friday_max": 2,
        "conflict": False,
        "topics": 2,
        "covers_topics": True,
        "missing_topics": 0,
        "venue_kind": "premises",
        "venue": FIRM,
        "headcount": 0,
        **fields,
    }


def booking(on: date | str = "2026-10-09", **fields: Any) -> dict[str, Any]:
    """An office-hours booking that every rule lets through."""
    return {
        "kind": "booking",
        **day(on),
        "by_coordinator": False,
        "slot_starts": "09:30",
        "studio": "城关法律助企工作室",
        "consultant": CONSULTANT,
        "firm": FIRM,
        "within_hours": True,
        "slot_taken": False,
        "consultant_on_leave": False,
        "conflict": False,
        "firm_bookings_that_day": 0,
        **fields,
    }


def request(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "request",
        "firm": FIRM,
        "town": "城关镇",
        "topics": 2,
        "current_consultant": CONSULTANT,
        "candidates": 3,
        **fields,
    }


def candidate(rank: int, **fields: Any) -> dict[str, Any]:
    """A consultant who may be paired (a new one, not the current pair)."""
    return {
        "kind": "candidate",
        "consultant_id": 100 + rank,
        "consultant": f"顾问{rank}",
        "firm": FIRM,
        "rank": rank,
        "current": False,
        "conflict": False,
        "available": True,
        "topics": 2,
        "covers_topics": True,
        "missing_topics": 0,
        "same_town": True,
        "nearby_town": False,
        "load": 3,
        **fields,
    }


def current(**fields: Any) -> dict[str, Any]:
    """The firm's current paired consultant, ranked first as the application ranks it."""
    return candidate(0, consultant=CONSULTANT, current=True, **fields)


def run(ruleset: str, facts: Any, **params: Any) -> Decision:
    parameters = ParameterValues(1, params) if params else None
    return decide(ruleset, facts, parameters=parameters)


def refusals(decision: Decision) -> list[str]:
    return [f.rule for f in decision.refusals]


# --- friday_visit: the day ----------------------------------------------------------------------


def test_a_working_friday_is_accepted():
    decision = run("friday_visit", visit("2026-10-09"))
    assert decision.rules == ("checked",)
    assert not decision.is_refused
    assert decision.fired[0].reason.render() == (
        "Checked the visit of 王律师 to 清河市示例轴承有限公司 on 2026-10-09: 0 other visits that "
        "Friday (limit 2), 2 topics."
    )
    assert decision.ruleset_version == "2026.1"


def test_the_national_day_friday_is_refused_naming_the_holiday():
    fact = visit("2026-10-02")
    assert fact["working_day"] is False  # from calendars/, not written here
    decision = run("friday_visit", fact)
    assert decision.rules == ("holiday_friday", "checked")
    assert decision.is_refused
    (fired,) = decision.refusals
    assert fired.reason.params == {
        "date": "2026-10-02",
        "holiday": "National Day",
        "holiday_zh": "国庆节",
    }
    assert fired.reason.render() == (
        "2026-10-02 is a day off for the National Day holiday, so there is no Friday Law Service "
        "Day that week; choose another Friday."
    )


def test_a_friday_off_without_a_name_is_refused_too():
    fact = visit(working_day=False, holiday_name=None, holiday_name_zh=None)
    assert refusals(run("friday_visit", fact)) == ["not_a_working_friday"]


@pytest.mark.parametrize(
    ("on", "weekday"),
    [("2026-10-08", "Thursday"), ("2026-10-10", "Saturday"), ("2026-10-01", "Thursday")],
)
def test_a_day_other_than_friday_is_refused(on: str, weekday: str):
    """2026-10-10 is a working Saturday (调休) and 2026-10-01 a holiday: neither is a Friday."""
    decision = run("friday_visit", visit(on))
    assert refusals(decision) == ["not_a_friday"]
    assert decision.refusals[0].reason.render() == (
        f"The Friday Law Service Day is held on Fridays, and {on} is a {weekday}; choose a Friday."
    )


def test_exactly_the_working_fridays_of_the_calendar_are_accepted():
    """Every day of the autumn, against calendars.working_fridays (Mid-Autumn, National Day)."""
    start, end = date(2026, 9, 1), date(2026, 12, 31)
    fridays = set(working_fridays(start, end))
    assert date(2026, 9, 25) not in fridays and date(2026, 10, 2) not in fridays
    on = start
    while on <= end:
        decision = run("friday_visit", visit(on, by_coordinator=True, days_ahead=30))
        assert decision.is_refused is (on not in fridays), on
        on += timedelta(days=1)


@pytest.mark.parametrize(
    ("days_ahead", "by_coordinator", "rule"),
    [
        (-1, False, "date_has_passed"),
        (-1, True, "date_has_passed"),
        (0, False, "book_in_good_time"),
        (2, False, "book_in_good_time"),
        (3, False, None),
        (0, True, None),
    ],
)
def test_date_and_lead_time(days_ahead: int, by_coordinator: bool, rule: str | None):
    fact = visit(days_ahead=days_ahead, by_coordinator=by_coordinator)
    assert refusals(run("friday_visit", fact)) == ([rule] if rule else [])


def test_the_lead_time_is_a_parameter():
    fact = visit(days_ahead=2)
    assert not run("friday_visit", fact, lead_time_days=2).is_refused
    refused = run("friday_visit", fact, lead_time_days=5)
    assert refused.refusals[0].reason.params == {"days": 5, "date": "2026-10-09", "ahead": 2}
    assert refused.parameters_version == 1


# --- friday_visit: the consultant and the venue -----------------------------------------------


@pytest.mark.parametrize(
    ("others", "limit", "refused"),
    [(0, 1, False), (1, 1, True), (1, 2, False), (2, 2, True), (3, 2, True), (9, 10, False)],
)
def test_the_consultants_own_friday_limit(others: int, limit: int, refused: bool):
    fact = visit(visits_that_friday=others, visits_per_friday_max=limit)
    decision = run("friday_visit", fact)
    assert refusals(decision) == (["over_friday_limit"] if refused else [])
    if refused:
        assert decision.refusals[0].reason.render() == (
            f"王律师 already has {others} other visits on Friday 2026-10-09, and their limit is "
            f"{limit} visits a Friday; choose another Friday or another consultant."
        )


def test_a_conflict_of_interest_is_refused():
    decision = run("friday_visit", visit(conflict=True))
    assert refusals(decision) == ["conflict_of_interest"]
    assert decision.refusals[0].reason.params == {"consultant": CONSULTANT, "venue": FIRM}
    assert "choose another consultant" in decision.refusals[0].reason.render()


def test_topics_outside_the_expertise_are_refused():
    decision = run("friday_visit", visit(topics=3, covers_topics=False, missing_topics=1))
    assert refusals(decision) == ["outside_expertise"]
    assert decision.refusals[0].reason.params == {
        "consultant": CONSULTANT,
        "missing": 1,
        "topics": 3,
    }


def test_a_consultant_on_leave_is_refused():
    decision = run("friday_visit", visit(consultant_on_leave=True))
    assert refusals(decision) == ["consultant_on_leave"]
    assert decision.refusals[0].reason.render() == (
        "王律师 is on leave on 2026-10-09; choose another Friday or another consultant."
    )


@pytest.mark.parametrize(
    ("venue_kind", "headcount", "rule"),
    [
        ("chamber", 0, "group_without_attendees"),
        ("chamber", 1, None),
        ("chamber", 80, None),
        ("chamber", 81, "group_too_large"),
        ("village", 0, "group_without_attendees"),
        ("village", 200, "group_too_large"),
        ("premises", 0, None),
        ("studio", 0, None),
        ("premises", 500, None),
    ],
)
def test_group_sessions_need_attendees_and_fit_one_session(
    venue_kind: str, headcount: int, rule: str | None
):
    fact = visit(venue_kind=venue_kind, venue="清河市轴承商会", headcount=headcount)
    assert refusals(run("friday_visit", fact)) == ([rule] if rule else [])


def test_the_group_maximum_is_a_parameter():
    fact = visit(venue_kind="chamber", venue="清河市轴承商会", headcount=81)
    assert not run("friday_visit", fact, group_headcount_max=100).is_refused
    decision = run("friday_visit", fact, group_headcount_max=50)
    assert decision.refusals[0].reason.render() == (
        "81 people have signed up for the session at 清河市轴承商会 on 2026-10-09, more than the "
        "50 one session takes; split them over two Fridays or two consultants."
    )


def test_every_problem_of_a_visit_is_reported_at_once():
    fact = visit(
        "2026-10-02",
        days_ahead=1,
        consultant_on_leave=True,
        visits_that_friday=2,
        conflict=True,
        covers_topics=False,
        missing_topics=2,
        venue_kind="village",
        venue="东关村",
        headcount=0,
    )
    decision = run("friday_visit", fact)
    assert decision.rules == (
        "holiday_friday",
        "book_in_good_time",
        "consultant_on_leave",
        "over_friday_limit",
        "conflict_of_interest",
        "outside_expertise",
        "group_without_attendees",
        "checked",
    )
    assert all(f.outcome == {"refused": True} for f in decision.refusals)
    assert all("{" not in f.reason.render() for f in decision.fired)
    assert Decision.from_record(decision.to_record()) == decision


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"weekday": 3}, "weekday"),
        ({"holiday_name": "National Day"}, "holiday_name"),
        ({"covers_topics": False}, "covers_topics"),
        ({"missing_topics": 1}, "covers_topics"),
        ({"missing_topics": 3}, "missing_topics"),
        ({"visits_per_friday_max": 0}, "visits_per_friday_max"),
        ({"venue_kind": "office"}, "venue_kind"),
    ],
)
def test_inconsistent_visits_are_refused_by_the_schema(fields: dict[str, Any], field: str):
    with pytest.raises(FactError) as caught:
        run("friday_visit", visit(**fields))
    assert caught.value.fields == (field,)


# --- friday_office_hours ------------------------------------------------------------------------


def test_a_free_half_hour_may_be_booked():
    decision = run("friday_office_hours", booking())
    assert decision.rules == ("checked",)
    assert not decision.is_refused


def test_a_taken_half_hour_is_refused():
    decision = run("friday_office_hours", booking(slot_taken=True))
    assert refusals(decision) == ["slot_taken"]
    assert decision.refusals[0].reason.render() == (
        "The half-hour at 09:30 on 2026-10-09 with 王律师 at 城关法律助企工作室 is already booked; "
        "choose another half-hour."
    )


@pytest.mark.parametrize(
    ("others", "limit", "refused"),
    [(0, 2, False), (1, 2, False), (2, 2, True), (2, 3, False), (0, 1, False), (1, 1, True)],
)
def test_half_hours_per_firm_per_friday(others: int, limit: int, refused: bool):
    decision = run(
        "friday_office_hours",
        booking(firm_bookings_that_day=others),
        firm_bookings_per_day_max=limit,
    )
    assert refusals(decision) == (["too_many_half_hours"] if refused else [])
    if refused:
        assert decision.refusals[0].reason.params["max"] == limit


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"within_hours": False}, "outside_office_hours"),
        ({"consultant_on_leave": True}, "consultant_on_leave"),
        ({"conflict": True}, "conflict_of_interest"),
        ({"days_ahead": 0}, "book_in_good_time"),
        ({"days_ahead": 0, "by_coordinator": True}, None),
        ({"days_ahead": -1, "by_coordinator": True}, "date_has_passed"),
    ],
)
def test_office_hours_rules(fields: dict[str, Any], rule: str | None):
    assert refusals(run("friday_office_hours", booking(**fields))) == ([rule] if rule else [])


def test_no_office_hours_on_a_holiday_friday_or_another_day():
    holiday = run("friday_office_hours", booking("2026-10-02"))
    assert refusals(holiday) == ["holiday_friday"]
    assert holiday.refusals[0].reason.params["holiday_zh"] == "国庆节"
    assert refusals(run("friday_office_hours", booking("2026-10-08"))) == ["not_a_friday"]


def test_every_problem_of_a_booking_is_reported_at_once():
    fact = booking(
        "2026-10-02",
        days_ahead=0,
        within_hours=False,
        slot_taken=True,
        consultant_on_leave=True,
        conflict=True,
        firm_bookings_that_day=2,
    )
    decision = run("friday_office_hours", fact)
    assert decision.rules == (
        "holiday_friday",
        "book_in_good_time",
        "consultant_on_leave",
        "outside_office_hours",
        "slot_taken",
        "conflict_of_interest",
        "too_many_half_hours",
        "checked",
    )
    assert all("{" not in f.reason.render() for f in decision.fired)


@pytest.mark.parametrize("starts", ["9:30", "24:00", "09:60", "0930"])
def test_the_slot_time_is_checked(starts: str):
    with pytest.raises(FactError) as caught:
        run("friday_office_hours", booking(slot_starts=starts))
    assert caught.value.fields == ("slot_starts",)


# --- friday_pairing -----------------------------------------------------------------------------


def pair(*candidates: dict[str, Any], **params: Any) -> Decision:
    return run("friday_pairing", [request(candidates=len(candidates)), *candidates], **params)


def rules_for(decision: Decision, fact_id: int) -> list[str]:
    return [f.rule for f in decision.for_fact(fact_id)]


def test_the_current_pair_is_kept_when_nothing_stands_in_the_way():
    decision = pair(current(), candidate(1))
    assert rules_for(decision, 1) == ["keep_pairing"]
    assert rules_for(decision, 2) == ["may_be_paired"]
    assert decision.fired_rule("keep_pairing")[0].outcome == {"eligible": True, "keep": True}
    chosen = pairing_choice(decision)
    assert chosen is not None and chosen["consultant"] == CONSULTANT
    assert decision.rules[-1] == "checked"
    assert decision.fired[-1].reason.render() == (
        "Looked for a paired consultant for 清河市示例轴承有限公司 (城关镇) among 2 consultants, "
        "for 2 topics; its current pair is 王律师."
    )


def test_the_pairing_limit_does_not_drop_a_current_pair():
    decision = pair(current(load=40), candidate(1))
    assert rules_for(decision, 1) == ["keep_pairing"]
    assert pairing_choice(decision)["consultant"] == CONSULTANT


def test_continuity_wins_even_if_the_current_pair_is_not_ranked_first():
    decision = pair(candidate(0), {**current(), "rank": 1, "consultant_id": 99})
    assert pairing_choice(decision)["consultant_id"] == 99


@pytest.mark.parametrize(
    ("fields", "refusal", "because"),
    [
        ({"available": False}, "consultant_unavailable", "no longer available"),
        (
            {"covers_topics": False, "missing_topics": 1},
            "outside_expertise",
            "expertise that does not cover the topics",
        ),
        ({"conflict": True}, "conflict_of_interest", "a declared conflict of interest"),
    ],
)
def test_the_current_pair_is_replaced_and_why_is_logged(
    fields: dict[str, Any], refusal: str, because: str
):
    decision = pair(current(**fields), candidate(1))
    assert rules_for(decision, 1) == [refusal, "replace_pairing"]
    (replaced,) = decision.fired_rule("replace_pairing")
    assert replaced.outcome == {"replace": True, "because": (refusal,)}
    assert replaced.reason.render() == (
        f"王律师 can no longer be the paired consultant of 清河市示例轴承有限公司 ({because}); a new "
        "paired consultant is chosen from those who may be paired."
    )
    assert decision.for_fact(1)[0].outcome == {"refused": True, "eligible": False}
    assert pairing_choice(decision)["rank"] == 1
    # The record keeps the reason: read back, it says the same.
    assert Decision.from_record(decision.to_record()).fired_rule("replace_pairing") == (replaced,)


def test_several_reasons_to_replace_are_given_together_once():
    decision = pair(current(available=False, conflict=True), candidate(1))
    assert rules_for(decision, 1) == [
        "conflict_of_interest",
        "consultant_unavailable",
        "replace_pairing",
    ]
    assert decision.fired_rule("replace_pairing")[0].outcome["because"] == (
        "conflict_of_interest",
        "consultant_unavailable",
    )


def test_a_candidate_with_a_conflict_is_refused_and_the_next_is_chosen():
    decision = pair(candidate(0, conflict=True), candidate(1))
    assert rules_for(decision, 1) == ["conflict_of_interest"]
    assert decision.for_fact(1)[0].reason.params == {"consultant": "顾问0", "firm": FIRM}
    assert pairing_choice(decision)["rank"] == 1


def test_the_best_ranked_eligible_candidate_is_chosen_whatever_the_order_given():
    candidates = [
        candidate(0, available=False),
        candidate(1, covers_topics=False, missing_topics=2),
        candidate(2, load=30),
        candidate(3, same_town=False, nearby_town=True),
        candidate(4, same_town=False),
    ]
    for seed in range(5):
        shuffled = candidates[:]
        random.Random(seed).shuffle(shuffled)
        chosen = pairing_choice(
            run("friday_pairing", [request(current_consultant=None), *shuffled])
        )
        assert chosen is not None and chosen["rank"] == 3


def test_may_be_paired_says_where_the_consultant_lives():
    decision = pair(candidate(0, same_town=False, nearby_town=True))
    assert decision.fired_rule("may_be_paired")[0].reason.render() == (
        "顾问0 may be paired with 清河市示例轴承有限公司: no conflict of interest, available, "
        "expertise covering the 2 topics, 3 firms paired of at most 30, in a nearby town."
    )


@pytest.mark.parametrize(
    ("load", "limit", "refused"),
    [(14, 15, False), (15, 15, True), (15, 16, False), (0, 1, False), (1, 1, True)],
)
def test_the_pairing_load_limit_for_new_pairs(load: int, limit: int, refused: bool):
    decision = pair(candidate(0, load=load), pairings_per_consultant_max=limit)
    assert rules_for(decision, 1) == (["over_pairing_load"] if refused else ["may_be_paired"])


def test_no_one_suits():
    decision = pair(candidate(0, conflict=True), candidate(1, available=False))
    assert pairing_choice(decision) is None
    assert not decision.where("eligible", True)


def test_a_first_request_is_logged_as_such():
    facts = [request(current_consultant=None, candidates=1), candidate(0)]
    decision = run("friday_pairing", facts)
    assert decision.fired[-1].reason.render().endswith("for 2 topics; it had none yet.")


def test_pairing_choice_only_reads_pairing_decisions():
    with pytest.raises(ValueError):
        pairing_choice(run("friday_visit", visit()))


def test_a_candidate_in_the_same_and_a_nearby_town_is_refused_by_the_schema():
    with pytest.raises(FactError) as caught:
        pair(candidate(0, nearby_town=True))
    assert caught.value.fields == ("facts[1].nearby_town",)


# --- Parameters ---------------------------------------------------------------------------------


def test_parameters_have_defaults_labels_and_help():
    assert registry.get("friday_visit").defaults == {"lead_time_days": 3, "group_headcount_max": 80}
    assert registry.get("friday_office_hours").defaults == {
        "lead_time_days": 1,
        "firm_bookings_per_day_max": 2,
    }
    assert registry.get("friday_pairing").defaults == {"pairings_per_consultant_max": 30}
    for name in ("friday_visit", "friday_office_hours", "friday_pairing"):
        ruleset = registry.get(name)
        assert ruleset.description
        assert all(p.label and p.help and p.unit for p in ruleset.parameters)


@pytest.mark.parametrize(
    ("ruleset", "values"),
    [
        ("friday_visit", {"lead_time_days": 31}),
        ("friday_visit", {"group_headcount_max": 4}),
        ("friday_office_hours", {"firm_bookings_per_day_max": 0}),
        ("friday_pairing", {"pairings_per_consultant_max": 0}),
        ("friday_pairing", {"lead_time_days": 3}),
    ],
)
def test_parameter_bounds(ruleset: str, values: dict[str, Any]):
    with pytest.raises(ParameterError):
        check_parameters(ruleset, values)


# --- No rule fires twice on one fact (durable_rules fires once per any_of branch that holds) ----


def test_no_rule_fires_twice_and_each_candidate_has_one_verdict():
    rng = random.Random(20261009)
    fridays = ["2026-10-02", "2026-10-09", "2026-10-08", "2026-10-10", "2026-09-25"]
    for _ in range(200):
        topics = rng.randint(0, 3)
        missing = rng.randint(0, topics)
        v = visit(
            rng.choice(fridays),
            days_ahead=rng.randint(-2, 6),
            by_coordinator=rng.random() < 0.3,
            consultant_on_leave=rng.random() < 0.2,
            visits_that_friday=rng.randint(0, 3),
            visits_per_friday_max=rng.randint(1, 3),
            conflict=rng.random() < 0.2,
            topics=topics,
            missing_topics=missing,
            covers_topics=missing == 0,
            venue_kind=rng.choice(["premises", "chamber", "village", "studio"]),
            headcount=rng.choice([0, 1, 80, 81]),
        )
        decision = run("friday_visit", v)
        assert len(decision.rules) == len(set(decision.rules)), decision.rules
        assert decision.rules[-1] == "checked"

        b = booking(
            rng.choice(fridays),
            days_ahead=rng.randint(-1, 2),
            by_coordinator=rng.random() < 0.3,
            within_hours=rng.random() < 0.7,
            slot_taken=rng.random() < 0.3,
            consultant_on_leave=rng.random() < 0.2,
            conflict=rng.random() < 0.2,
            firm_bookings_that_day=rng.randint(0, 3),
        )
        decision = run("friday_office_hours", b)
        assert len(decision.rules) == len(set(decision.rules)), decision.rules
        assert decision.rules[-1] == "checked"

        candidates = []
        for rank in range(4):
            topics = rng.randint(0, 3)
            missing = rng.randint(0, topics)
            same = rng.random() < 0.5
            candidates.append(
                candidate(
                    rank,
                    current=rank == 0 and rng.random() < 0.6,
                    conflict=rng.random() < 0.2,
                    available=rng.random() < 0.8,
                    topics=topics,
                    missing_topics=missing,
                    covers_topics=missing == 0,
                    same_town=same,
                    nearby_town=not same and rng.random() < 0.5,
                    load=rng.randint(13, 16),
                )
            )
        decision = pair(*candidates)
        fired = [(f.rule, f.fact_ids) for f in decision.fired]
        assert len(fired) == len(set(fired)), fired
        assert decision.rules[-1] == "checked"
        for index, fact in enumerate(candidates, start=1):
            verdicts = decision.for_fact(index)
            eligible = [f for f in verdicts if f.outcome.get("eligible") is True]
            refused = [f.rule for f in verdicts if f.outcome.get("refused") is True]
            assert bool(eligible) is not bool(refused), verdicts
            assert len(eligible) <= 1
            replaced = [f for f in verdicts if f.rule == "replace_pairing"]
            assert bool(replaced) is (fact["current"] and bool(refused))
            if replaced:
                assert list(replaced[0].outcome["because"]) == refused
        chosen = pairing_choice(decision)
        eligible_ranks = [
            decision.facts[f.fact_ids[0]]["rank"] for f in decision.where("eligible", True)
        ]
        assert (chosen is None) is (not eligible_ranks)
        if chosen is not None and not chosen["current"]:
            assert chosen["rank"] == min(eligible_ranks)
