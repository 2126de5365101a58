"""The monthly Friday roster planner (programs.friday.roster_planning) on its own: no database.

Random months (hypothesis), October 2026 with its National Day Friday among them: every plan
passes `verify` and every rule of "friday_visit", and the test re-checks from the input alone that
it is maximal and keeps priority (a request left open for lack of room is not passed over by a
lower-priority one on any consultant who could take it), that a request is away from its paired
consultant or its asked-for Friday only when there is no room there, and that the figures and
flags agree with the visits. Fixed months: the same input in any order and under any hash seed
gives the same plan; one consultant takes exactly the top of the queue; the reasons say why.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import rules
from calendars import is_working_day
from programs import i18n
from programs.friday import roster_planning
from programs.friday.roster_planning import (
    UNASSIGNED_CODES,
    ConsultantInfo,
    RequestInfo,
    RosterInput,
    RosterParameters,
    RosterPlan,
    fridays_of,
)

ROOT = Path(__file__).resolve().parents[2]
OCTOBER = date(2026, 10, 1)
NATIONAL_DAY_FRIDAY = date(2026, 10, 2)
TODAY = date(2026, 9, 25)
# Months with a holiday Friday: National Day, May Day, Mid-Autumn, Spring Festival, New Year
# 2027 (a provisional year); and one with none.
MONTHS = (
    OCTOBER,
    date(2026, 5, 1),
    date(2026, 9, 1),
    date(2026, 2, 1),
    date(2027, 1, 1),
    date(2026, 11, 1),
)
TOPICS = ("labour", "contracts", "management", "intellectual_property")
PARTIES = ("示例公司", " 示例  公司 ", "ACME Ltd", "acme ltd", "Other Co")
PLACEHOLDER = re.compile(r"\{\w+\}")


# --- Independent checks -------------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", name).casefold()


def priority(r: RequestInfo) -> tuple[int, date, int]:
    return (0 if r.follow_up else 1, r.waiting_since, r.id)


def open_fridays(ri: RosterInput) -> list[date]:
    """The Fridays the roster may use, computed here without the planner."""
    found = []
    for on in sorted(set(ri.fridays or fridays_of(ri.month))):
        ahead = (on - ri.today).days
        if (
            (on.year, on.month) == (ri.month.year, ri.month.month)
            and on.weekday() == 4
            and is_working_day(on)
            and ahead >= 1
            and (ri.by_coordinator or ahead >= ri.parameters.lead_time_days)
        ):
            found.append(on)
    return found


def suits(c: ConsultantInfo, r: RequestInfo, on: date, ri: RosterInput) -> bool:
    """Whether the rules let consultant c visit request r on an open Friday `on`."""
    group_ok = r.venue_kind not in ("chamber", "village") or (
        1 <= r.headcount <= ri.parameters.group_headcount_max
    )
    conflict = (r.enterprise_id is not None and r.enterprise_id in c.conflict_enterprises) or (
        _norm(r.counterparty) != ""
        and any(_norm(p) == _norm(r.counterparty) for p in c.conflict_counterparties)
    )
    return c.active and on not in c.leave and r.topics <= c.expertise and not conflict and group_ok


def free_places(plan: RosterPlan, ri: RosterInput) -> dict[tuple[int, date], int]:
    used = Counter(ri.booked) + Counter((a.consultant_id, a.on) for a in plan.assignments)
    return {
        (c.id, on): c.per_friday_max - used[(c.id, on)]
        for c in ri.consultants
        for on in open_fridays(ri)
    }


def check_plan(plan: RosterPlan, ri: RosterInput) -> None:
    """Everything a plan must satisfy, re-checked here from the input alone."""
    assert roster_planning.verify(plan, ri) == []
    requests = {r.id: r for r in ri.requests}
    consultants = {c.id: c for c in ri.consultants}
    fridays = open_fridays(ri)
    free = free_places(plan, ri)
    booked = Counter(ri.booked)
    for cid, on in {(a.consultant_id, a.on) for a in plan.assignments}:
        assert free[(cid, on)] >= 0, "over the consultant's limit"
    parameters = rules.ParameterValues(1, ri.parameters.values())
    holders: dict[int, list[RequestInfo]] = {}
    for a in plan.assignments:
        r, c = requests[a.request_id], consultants[a.consultant_id]
        holders.setdefault(c.id, []).append(r)
        assert a.on in fridays and a.on != NATIONAL_DAY_FRIDAY
        assert suits(c, r, a.on, ri)
        decision = rules.decide(
            "friday_visit", roster_planning.visit_facts(a, ri, plan), parameters=parameters
        )
        assert not decision.is_refused, [f.rule for f in decision.refusals]
        # The flags say what is true.
        assert a.paired == (r.paired_consultant_id == c.id)
        assert a.preferred == (a.on in r.preferred_fridays)
        near = (r.town_id, c.town_id) in ri.neighbours or (c.town_id, r.town_id) in ri.neighbours
        assert a.town == ("same" if r.town_id == c.town_id else "nearby" if near else "other")
        # Away from the paired consultant only when they have no room on any open Friday.
        pair = consultants.get(r.paired_consultant_id or 0)
        if pair is not None and pair.id != c.id:
            assert all(free[(pair.id, on)] <= 0 for on in fridays if suits(pair, r, on, ri))
        # Off the asked-for Fridays only when this consultant has no room on any of them.
        if not a.preferred:
            assert all(
                free[(c.id, on)] <= 0
                for on in fridays
                if on in r.preferred_fridays and suits(c, r, on, ri)
            )
        assert len(a.why) >= 3
        for reason in a.why:
            text = i18n.translate(reason, "en")
            assert not PLACEHOLDER.search(text), text
    for u in plan.unassigned:
        r = requests[u.request_id]
        assert u.code in UNASSIGNED_CODES
        assert not PLACEHOLDER.search(i18n.translate(u.reason, "en"))
        possible = [
            (c, on)
            for c in ri.consultants
            for on in fridays
            if suits(c, r, on, ri) and c.per_friday_max > booked[(c.id, on)]
        ]
        if u.code != "full":
            # Nobody could take it even on an empty roster.
            assert not possible, u.code
            if u.code == "no_friday":
                assert not fridays
            elif u.code == "no_expertise":
                assert not any(c.active and r.topics <= c.expertise for c in ri.consultants)
            elif u.code.startswith("group_"):
                assert r.venue_kind in ("chamber", "village")
            continue
        assert possible
        for c, on in possible:
            # Maximal: every place it could take is full...
            assert free[(c.id, on)] <= 0
            # ...and held by requests of higher priority (never passed over).
            assert all(priority(h) < priority(r) for h in holders.get(c.id, []))
    m = plan.metrics
    assert m.assigned == len(plan.assignments)
    assert m.requests == len(ri.requests) == m.assigned + m.unassigned
    assert m.paired == sum(a.paired for a in plan.assignments)
    assert m.preferred == sum(a.preferred for a in plan.assignments)
    assert m.follow_ups_assigned == sum(requests[a.request_id].follow_up for a in plan.assignments)
    assert plan.fridays == tuple(fridays)
    json.dumps(plan.to_record())


# --- Generated months ---------------------------------------------------------------------------


@st.composite
def months(draw: st.DrawFn) -> RosterInput:
    month = draw(st.sampled_from(MONTHS))
    all_fridays = list(fridays_of(month))
    today = month + timedelta(days=draw(st.integers(-12, 16)))
    sub = st.lists(st.sampled_from(all_fridays), max_size=3).map(frozenset)
    consultants = []
    for cid in range(1, draw(st.integers(1, 7)) + 1):
        consultants.append(
            ConsultantInfo(
                id=cid,
                name=f"顾问{cid}",
                town_id=draw(st.integers(1, 4)),
                expertise=draw(st.frozensets(st.sampled_from(TOPICS))),
                per_friday_max=draw(st.integers(1, 3)),
                leave=draw(sub),
                conflict_enterprises=draw(st.frozensets(st.integers(1, 6), max_size=2)),
                conflict_counterparties=draw(st.frozensets(st.sampled_from(PARTIES), max_size=1)),
                active=draw(st.integers(0, 9)) > 0,
            )
        )
    requests = []
    for rid in range(1, draw(st.integers(0, 24)) + 1):
        kind = draw(st.sampled_from(("enterprise", "enterprise", "chamber", "village")))
        venue_kind = kind if kind != "enterprise" else draw(st.sampled_from(("premises", "studio")))
        requests.append(
            RequestInfo(
                id=rid,
                kind=kind,
                label=f"{kind}-{rid}",
                town_id=draw(st.integers(1, 4)),
                waiting_since=month - timedelta(days=draw(st.integers(1, 6))),  # ties happen
                topics=draw(st.frozensets(st.sampled_from(TOPICS), max_size=2)),
                enterprise_id=draw(st.integers(1, 6)) if kind == "enterprise" else None,
                preferred_fridays=draw(sub),
                follow_up=draw(st.booleans()),
                paired_consultant_id=draw(st.none() | st.integers(1, 8)),
                counterparty=draw(st.sampled_from(("", "", *PARTIES))),
                venue_kind=venue_kind,
                headcount=draw(st.sampled_from((0, 30, 80, 81, 95))) if kind != "enterprise" else 0,
            )
        )
    ids = [c.id for c in consultants]
    booked = draw(
        st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(all_fridays)), max_size=8)
    )
    towns = [(a, b) for a in range(1, 5) for b in range(a + 1, 5)]
    fridays = draw(
        st.sampled_from(
            (
                (),
                tuple(all_fridays),
                tuple(all_fridays[:2]),
                (*all_fridays, month + timedelta(days=2), month - timedelta(days=3)),
            )
        )
    )
    return RosterInput(
        month=month,
        today=today,
        consultants=tuple(consultants),
        requests=tuple(requests),
        fridays=fridays,
        booked=tuple(booked),
        neighbours=draw(st.frozensets(st.sampled_from(towns))),
        parameters=RosterParameters(
            lead_time_days=draw(st.sampled_from((0, 3, 7))),
            group_headcount_max=draw(st.sampled_from((80, 90))),
        ),
        by_coordinator=draw(st.integers(0, 4)) > 0,
    )


@settings(max_examples=150, deadline=None)
@given(months(), st.randoms(use_true_random=False))
def test_generated_months_keep_every_rule_and_goal(ri: RosterInput, rng: random.Random) -> None:
    plan = roster_planning.plan(ri)
    check_plan(plan, ri)
    shuffled = replace(
        ri,
        consultants=tuple(rng.sample(ri.consultants, len(ri.consultants))),
        requests=tuple(rng.sample(ri.requests, len(ri.requests))),
        booked=tuple(rng.sample(ri.booked, len(ri.booked))),
        fridays=tuple(rng.sample(ri.fridays, len(ri.fridays))),
    )
    assert roster_planning.plan(shuffled).to_record() == plan.to_record()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.integers(1, 5)), max_size=20),
    st.integers(1, 3),
    st.lists(st.sampled_from(fridays_of(OCTOBER)), max_size=4),
)
@example(  # found by CI: every Friday booked before the roster
    queue=[(False, 1)],
    per_friday=1,
    booked=[date(2026, 10, 9), date(2026, 10, 16), date(2026, 10, 23), date(2026, 10, 30)],
)
def test_one_consultant_takes_exactly_the_top_of_the_queue(
    queue: list[tuple[bool, int]], per_friday: int, booked: list[date]
) -> None:
    consultant = ConsultantInfo(1, "王律师", 1, frozenset(TOPICS), per_friday_max=per_friday)
    requests = tuple(
        RequestInfo(
            id=rid,
            kind="enterprise",
            label=f"firm-{rid}",
            town_id=1,
            waiting_since=date(2026, 9, days),
            topics=frozenset({"labour"}),
            enterprise_id=rid,
            follow_up=follow_up,
        )
        for rid, (follow_up, days) in enumerate(queue, start=1)
    )
    ri = RosterInput(
        OCTOBER, TODAY, (consultant,), requests, booked=tuple((1, on) for on in booked)
    )
    plan = roster_planning.plan(ri)
    check_plan(plan, ri)
    used = Counter(booked)
    capacity = sum(max(0, per_friday - used[on]) for on in fridays_of(OCTOBER)[1:])
    top = sorted(requests, key=priority)[:capacity]
    assert {a.request_id for a in plan.assignments} == {r.id for r in top}
    # Left open because higher-priority requests took the room, or because visits booked
    # before the roster had taken it all.
    assert all(u.code == ("full" if capacity else "booked_full") for u in plan.unassigned)


# --- Fixed months -------------------------------------------------------------------------------


def consultant(cid: int, town: int = 1, **fields: object) -> ConsultantInfo:
    return ConsultantInfo(
        id=cid,
        name=f"顾问{cid}",
        town_id=town,
        expertise=frozenset(fields.pop("expertise", TOPICS)),  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


def request(rid: int, town: int = 1, **fields: object) -> RequestInfo:
    values: dict[str, object] = {
        "kind": "enterprise",
        "label": f"firm-{rid}",
        "town_id": town,
        "waiting_since": date(2026, 9, 1),
        "topics": frozenset({"labour"}),
        "enterprise_id": rid,
    }
    values.update(fields)
    return RequestInfo(id=rid, **values)  # type: ignore[arg-type]


def october(consultants: list[ConsultantInfo], requests: list[RequestInfo], **fields: object):
    ri = RosterInput(OCTOBER, TODAY, tuple(consultants), tuple(requests), **fields)  # type: ignore[arg-type]
    plan = roster_planning.plan(ri)
    check_plan(plan, ri)
    return plan


def test_the_national_day_friday_is_closed_and_named():
    plan = october(
        [consultant(1)], [request(1, preferred_fridays=frozenset({NATIONAL_DAY_FRIDAY}))]
    )
    assert plan.fridays == (
        date(2026, 10, 9),
        date(2026, 10, 16),
        date(2026, 10, 23),
        date(2026, 10, 30),
    )
    [closed] = plan.closed_fridays
    assert closed.on == NATIONAL_DAY_FRIDAY
    assert closed.reason.params["holiday"] == "National Day"
    assert closed.reason.params["holiday_zh"] == "国庆节"
    [a] = plan.assignments
    assert a.on != NATIONAL_DAY_FRIDAY and not a.preferred
    assert any("is open for visits this month" in r.msgid for r in a.why)


def test_a_month_of_holiday_fridays_leaves_every_request_open():
    plan = october([consultant(1)], [request(1), request(2)], fridays=(NATIONAL_DAY_FRIDAY,))
    assert plan.assignments == ()
    assert [u.code for u in plan.unassigned] == ["no_friday", "no_friday"]
    assert plan.unassigned[0].reason.params["fridays"] == ("2026-10-02",)


def test_today_and_past_fridays_are_never_planned():
    ri = RosterInput(OCTOBER, date(2026, 10, 16), (consultant(1, per_friday_max=1),),
                     tuple(request(i) for i in range(1, 6)))  # fmt: skip
    plan = roster_planning.plan(ri)
    check_plan(plan, ri)
    assert sorted(a.on for a in plan.assignments) == [date(2026, 10, 23), date(2026, 10, 30)]
    assert {c.on for c in plan.closed_fridays} >= {date(2026, 10, 9), date(2026, 10, 16)}


def test_the_lead_time_binds_only_when_not_by_coordinator():
    people = [consultant(1, per_friday_max=1)]
    wanted = [request(i) for i in range(1, 6)]
    today = date(2026, 10, 5)  # 4 days before 10-09
    strict = RosterParameters(lead_time_days=7)
    ri = RosterInput(OCTOBER, today, tuple(people), tuple(wanted), parameters=strict)
    assert date(2026, 10, 9) in roster_planning.plan(ri).fridays
    ri = replace(ri, by_coordinator=False)
    plan = roster_planning.plan(ri)
    check_plan(plan, ri)
    assert date(2026, 10, 9) not in plan.fridays
    assert len(plan.assignments) == 3


def test_follow_ups_then_the_longest_waiting_then_the_lowest_id_come_first():
    wanted = [
        request(1, waiting_since=date(2026, 9, 20)),
        request(2, waiting_since=date(2026, 9, 1)),
        request(3, waiting_since=date(2026, 9, 24), follow_up=True),
        request(4, waiting_since=date(2026, 9, 1)),
    ]
    plan = october(
        [consultant(1, per_friday_max=1, leave=frozenset(fridays_of(OCTOBER)[2:]))], wanted
    )
    assert [a.request_id for a in plan.assignments] == [3]
    wide = october(
        [consultant(1, per_friday_max=1, leave=frozenset(fridays_of(OCTOBER)[3:]))], wanted
    )
    assert {a.request_id for a in wide.assignments} == {3, 2}
    assert {u.request_id: u.code for u in wide.unassigned} == {1: "full", 4: "full"}


def test_a_request_with_one_consultant_is_not_crowded_out_by_one_with_two():
    # Request 1 comes first and prefers consultant 1 (same town), the only one request 2 may
    # have; an augmenting move puts 1 with consultant 2 so that both are planned.
    people = [
        consultant(1, town=1, per_friday_max=1, leave=frozenset(fridays_of(OCTOBER)[2:])),
        consultant(2, town=2, per_friday_max=1, expertise={"labour"},
                   leave=frozenset(fridays_of(OCTOBER)[2:])),
    ]  # fmt: skip
    wanted = [
        request(1, town=1, follow_up=True),
        request(2, town=1, topics=frozenset({"contracts"})),
    ]
    plan = october(people, wanted)
    assert {(a.request_id, a.consultant_id) for a in plan.assignments} == {(1, 2), (2, 1)}


def test_a_firm_keeps_its_paired_consultant_when_they_have_room():
    people = [consultant(1, town=1), consultant(2, town=5)]
    plan = october(people, [request(1, town=1, paired_consultant_id=2)])
    [a] = plan.assignments
    assert (a.consultant_id, a.paired, a.town) == (2, True, "other")
    assert "paired consultant" in a.why[0].msgid


def test_a_request_that_is_not_theirs_makes_room_with_the_paired_consultant():
    one_friday = frozenset(fridays_of(OCTOBER)[2:])
    people = [
        consultant(1, town=1, per_friday_max=1, leave=one_friday),
        consultant(2, town=2, per_friday_max=1, leave=one_friday),
    ]
    wanted = [
        request(1, town=1, follow_up=True),  # no pair; consultant 1 is in its town
        request(2, town=2, paired_consultant_id=1),
    ]
    plan = october(people, wanted)
    assert {(a.request_id, a.consultant_id) for a in plan.assignments} == {(1, 2), (2, 1)}
    assert plan.metrics.paired == 1


def test_the_paired_consultant_who_is_full_says_so():
    one_friday = frozenset(fridays_of(OCTOBER)[2:])
    people = [consultant(1, per_friday_max=1, leave=one_friday), consultant(2)]
    wanted = [request(1, paired_consultant_id=1), request(2, paired_consultant_id=1)]
    plan = october(people, wanted)
    second = plan.assignment_of(2)
    assert second is not None and second.consultant_id == 2
    assert second.why[0].params["why"]["msgid"] == "their Fridays are full with other visits"


def test_the_asked_for_friday_is_given_when_there_is_room():
    oct_23 = date(2026, 10, 23)
    plan = october([consultant(1, per_friday_max=1)],
                   [request(i, preferred_fridays=frozenset({oct_23})) for i in (1, 2)])  # fmt: skip
    assert plan.assignment_of(1).on == oct_23  # type: ignore[union-attr]
    assert not plan.assignment_of(2).preferred  # type: ignore[union-attr]
    assert "no room left" in plan.assignment_of(2).why[1].msgid  # type: ignore[union-attr]


def test_fridays_are_swapped_so_that_both_get_what_they_asked_for():
    oct_9, oct_16 = date(2026, 10, 9), date(2026, 10, 16)
    leave = frozenset(fridays_of(OCTOBER)[3:])
    people = [consultant(1, per_friday_max=1, leave=leave)]
    wanted = [
        request(1, follow_up=True),  # no wish, goes first to the earliest Friday
        request(2, preferred_fridays=frozenset({oct_9})),
    ]
    plan = october(people, wanted)
    assert plan.assignment_of(2).on == oct_9  # type: ignore[union-attr]
    assert plan.assignment_of(1).on == oct_16  # type: ignore[union-attr]


def test_conflicts_by_firm_and_by_counterparty_ignore_case_and_spaces():
    people = [
        consultant(1, town=1, conflict_counterparties=frozenset({"ACME  Trading Ltd"})),
        consultant(2, town=1, conflict_enterprises=frozenset({2})),
        consultant(3, town=9),
    ]
    wanted = [request(1, counterparty="acme trading ltd"), request(2)]
    plan = october(people, wanted)
    assert plan.assignment_of(1).consultant_id != 1  # type: ignore[union-attr]
    assert plan.assignment_of(2).consultant_id != 2  # type: ignore[union-attr]
    alone = october(people[:1], [request(1, counterparty=" Acme trading LTD ")])
    assert [u.code for u in alone.unassigned] == ["conflict"]


def test_group_sessions_need_attendees_within_the_limit():
    people = [consultant(1)]
    wanted = [
        request(1, kind="chamber", venue_kind="chamber", enterprise_id=None, headcount=0),
        request(2, kind="village", venue_kind="village", enterprise_id=None, headcount=85),
        request(3, kind="chamber", venue_kind="chamber", enterprise_id=None, headcount=80),
    ]
    plan = october(people, wanted)
    assert {u.request_id: u.code for u in plan.unassigned} == {
        1: "group_empty",
        2: "group_too_large",
    }
    wider = october(
        people, wanted, parameters=RosterParameters.from_values({"group_headcount_max": 90})
    )
    assert {a.request_id for a in wider.assignments} == {2, 3}


def test_leave_booked_visits_and_expertise_limit_the_roster():
    fridays = fridays_of(OCTOBER)[1:]
    people = [
        consultant(1, per_friday_max=2, leave=frozenset(fridays[:2])),
        consultant(2, expertise={"tax"}),
        consultant(3, active=False),
    ]
    booked = ((1, fridays[2]), (1, fridays[2]), (1, fridays[3]))
    plan = october(people, [request(i) for i in range(1, 4)], booked=booked)
    assert [(a.consultant_id, a.on) for a in plan.assignments] == [(1, fridays[3])]
    assert plan.metrics.capacity == 1 + 8
    no_one = october(people, [request(9, topics=frozenset({"financing"}))])
    assert [u.code for u in no_one.unassigned] == ["no_expertise"]
    on_leave = october(people[:1], [request(1)], booked=(), fridays=fridays[:2])
    assert [u.code for u in on_leave.unassigned] == ["on_leave"]
    booked_full = ((1, fridays[2]),) * 2 + ((1, fridays[3]),) * 2
    full = october(people[:1], [request(1)], booked=booked_full, fridays=fridays[2:])
    assert [u.code for u in full.unassigned] == ["booked_full"]


def test_visit_facts_count_the_other_visits_of_that_friday():
    oct_9 = date(2026, 10, 9)
    people = [consultant(1, per_friday_max=3, leave=frozenset(fridays_of(OCTOBER)[2:]))]
    ri = RosterInput(OCTOBER, TODAY, tuple(people), (request(1), request(2)), booked=((1, oct_9),))
    plan = roster_planning.plan(ri)
    [fact] = roster_planning.visit_facts(plan.assignments[0], ri, plan)
    assert fact["visits_that_friday"] == 2 and fact["by_coordinator"] is True
    assert fact["days_ahead"] == 14 and fact["working_day"] is True
    over = replace(ri, booked=((1, oct_9),) * 2)
    [fact] = roster_planning.visit_facts(plan.assignments[0], over, plan)
    decision = rules.decide("friday_visit", [fact])
    assert [f.rule for f in decision.refusals] == ["over_friday_limit"]
    assert roster_planning.verify(plan, over) == [
        "consultant 1 on 2026-10-09: 2 booked and 2 planned, limit 3"
    ]


def test_verify_finds_a_broken_plan():
    ri = RosterInput(OCTOBER, TODAY, (consultant(1, expertise={"tax"}),), (request(1),))
    plan = roster_planning.plan(ri)
    assert plan.assignments == ()
    bad = replace(
        plan,
        assignments=(roster_planning.Assignment(1, 1, NATIONAL_DAY_FRIDAY),),
        unassigned=(),
    )
    problems = roster_planning.verify(bad, ri)
    assert any("not a working day" in p for p in problems)
    assert any("topics outside the expertise" in p for p in problems)


def test_parameters_default_to_the_ruleset():
    assert RosterParameters().values() == dict(rules.registry.get("friday_visit").defaults)
    assert RosterParameters.from_values({"lead_time_days": 5}).lead_time_days == 5


def big_month() -> RosterInput:
    rng = random.Random(7)
    people = tuple(
        consultant(cid, town=rng.randint(1, 5), per_friday_max=rng.randint(1, 3),
                   expertise=set(rng.sample(TOPICS, rng.randint(1, 4))))
        for cid in range(1, 16)
    )  # fmt: skip
    wanted = tuple(
        request(rid, town=rng.randint(1, 5), topics=frozenset(rng.sample(TOPICS, rng.randint(1, 2))),
                follow_up=rng.random() < 0.2, waiting_since=date(2026, 9, rng.randint(1, 20)),
                paired_consultant_id=rng.choice((None, rng.randint(1, 15))),
                preferred_fridays=frozenset(rng.sample(fridays_of(OCTOBER), rng.randint(0, 2))),
                counterparty=rng.choice(("", *PARTIES)))
        for rid in range(1, 181)
    )  # fmt: skip
    return RosterInput(OCTOBER, TODAY, people, wanted, neighbours=frozenset({(1, 2), (3, 4)}))


def test_a_busy_month_is_planned_by_the_rules():
    ri = big_month()
    plan = roster_planning.plan(ri)
    check_plan(plan, ri)
    assert 0 < plan.metrics.assigned <= plan.metrics.capacity < plan.metrics.requests
    assert "full" in {u.code for u in plan.unassigned}
    assert plan.metrics.paired > 0 and plan.metrics.preferred > 0


SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
from tests.programs.test_roster_planning import big_month
from programs.friday import roster_planning
print(json.dumps(roster_planning.plan(big_month()).to_record(), sort_keys=True))
"""


def test_the_plan_does_not_depend_on_the_hash_seed():
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT.format(root=str(ROOT))],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            cwd=ROOT,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_every_reason_renders(locale: str):
    plan = roster_planning.plan(big_month())
    for a in plan.assignments:
        for reason in a.why:
            assert not PLACEHOLDER.search(i18n.translate(reason, locale))
    for u in plan.unassigned:
        assert not PLACEHOLDER.search(i18n.translate(u.reason, locale))
