"""The monthly Friday roster planner (programs.friday.roster_planning): speed and quality.

Two generated months of October 2026 (its first Friday, 2026-10-02, is the National Day holiday),
planned on 2026-09-25, seeded so every run plans the same months:

- a demo-like city: 30 consultants, 60 open requests; target under 1 s;
- a large city: 200 consultants, 5,000 open requests (far more than the month takes, so
  priority decides); target under 10 s.

For each: time, requests planned of all and of the month's free places, follow-ups planned,
pairing continuity (of the planned requests whose paired consultant could take them at all, the
share that got them), asked-for Fridays met, towns, loads. Checks, independent of the planner:
`verify` finds nothing; no request left open has a consultant who could take it with a free
place (the plan is maximal); no request left open for lack of room is passed over by a request
of lower priority on one of its consultants (priority). `run()` returns True when all hold.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import date, timedelta

from programs.friday import roster_planning
from programs.friday.roster_planning import (
    ConsultantInfo,
    RequestInfo,
    RosterInput,
    RosterPlan,
    fridays_of,
    normalise_name,
    priority_key,
)

MONTH = date(2026, 10, 1)
TODAY = date(2026, 9, 25)
TOWNS = 16
TARGET_DEMO_S = 1.0
TARGET_LARGE_S = 10.0
# Problem categories weighted as the city reports them (programs/friday/demo.py).
TOPICS = {
    "labour": 30,
    "contracts": 26,
    "management": 20,
    "intellectual_property": 14,
    "compliance": 5,
    "tax": 3,
    "financing": 2,
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def _topics(rng: random.Random, low: int, high: int) -> frozenset[str]:
    names = list(TOPICS)
    weights = list(TOPICS.values())
    chosen: set[str] = set()
    wanted = rng.randint(low, high)
    while len(chosen) < wanted:
        chosen.add(rng.choices(names, weights)[0])
    return frozenset(chosen)


def neighbours(towns: int = TOWNS) -> frozenset[tuple[int, int]]:
    """Towns on a ring, each bordering the next two: a rough county map."""
    pairs = set()
    for t in range(1, towns + 1):
        for step in (1, 2):
            pairs.add((t, (t - 1 + step) % towns + 1))
    return frozenset(pairs)


NEIGHBOURS = neighbours()


def _town_rank(a: int, b: int) -> int:
    return 0 if a == b else 1 if (a, b) in NEIGHBOURS else 2


def month_input(consultants: int, requests: int, seed: int) -> RosterInput:
    """A generated month: consultants with expertise, limits, leave and conflicts; open requests
    from firms, chambers and villages, some follow-ups, most firms paired; a few visits booked."""
    rng = random.Random(seed)
    fridays = fridays_of(MONTH)
    working = fridays[1:]  # 2026-10-02 is a holiday
    firms = max(20, requests * 3 // 4)
    people = []
    for cid in range(1, consultants + 1):
        leave = frozenset(rng.sample(working, rng.randint(1, 2))) if rng.random() < 0.15 else None
        people.append(
            ConsultantInfo(
                id=cid,
                name=f"{SURNAMES[cid % len(SURNAMES)]}律师{cid}",
                town_id=rng.randint(1, TOWNS),
                expertise=_topics(rng, 2, 5),
                per_friday_max=rng.choices((1, 2, 3, 4), (2, 5, 2, 1))[0],
                leave=leave or frozenset(),
                conflict_enterprises=frozenset(
                    rng.randint(1, firms) for _ in range(rng.choice((0, 0, 0, 1, 2)))
                ),
                conflict_counterparties=frozenset(
                    [f"对方公司{rng.randint(1, 30)}"] if rng.random() < 0.1 else []
                ),
                active=rng.random() > 0.03,
            )
        )
    wanted: list[RequestInfo] = []
    for rid in range(1, requests + 1):
        kind = rng.choices(("enterprise", "chamber", "village"), (80, 12, 8))[0]
        topics = _topics(rng, 1, 3)
        town = rng.randint(1, TOWNS)
        preferred = (
            frozenset(rng.sample(working, rng.randint(1, 2))) if rng.random() < 0.4 else frozenset()
        )
        if rng.random() < 0.05:
            preferred |= {fridays[0]}  # asked for the holiday Friday
        paired = None
        enterprise = None
        headcount = 0
        venue_kind = "premises"
        if kind == "enterprise":
            enterprise = rng.randint(1, firms)
            town = enterprise % TOWNS + 1
            if rng.random() < 0.7:
                # Paired as the pairing rules pair: covering the topics, nearest town first.
                covering = sorted(
                    (c for c in people if topics <= c.expertise),
                    key=lambda c: (_town_rank(town, c.town_id), (c.id * enterprise) % 97, c.id),
                )
                paired = covering[0].id if covering else None
            if rng.random() < 0.1:
                venue_kind = "studio"
        else:
            venue_kind = kind
            headcount = rng.choice((rng.randint(10, 80), rng.randint(10, 80), rng.randint(60, 120)))
        wanted.append(
            RequestInfo(
                id=rid,
                kind=kind,
                label=f"{kind}-{rid}",
                town_id=town,
                waiting_since=TODAY - timedelta(days=rng.randint(1, 120)),
                topics=topics,
                enterprise_id=enterprise,
                preferred_fridays=preferred,
                follow_up=rng.random() < 0.15,
                paired_consultant_id=paired,
                counterparty=f"对方 公司{rng.randint(1, 30)}" if rng.random() < 0.1 else "",
                venue_kind=venue_kind,
                headcount=headcount,
            )
        )
    booked = tuple(
        (rng.randint(1, consultants), rng.choice(working)) for _ in range(consultants // 3)
    )
    rng.shuffle(people)
    rng.shuffle(wanted)
    return RosterInput(
        month=MONTH,
        today=TODAY,
        consultants=tuple(people),
        requests=tuple(wanted),
        fridays=fridays,
        booked=booked,
        neighbours=NEIGHBOURS,
    )


def _suits(c: ConsultantInfo, r: RequestInfo, on: date) -> bool:
    party = normalise_name(r.counterparty)
    return (
        c.active
        and on not in c.leave
        and r.topics <= c.expertise
        and (r.enterprise_id is None or r.enterprise_id not in c.conflict_enterprises)
        and not (party and any(normalise_name(n) == party for n in c.conflict_counterparties))
    )


def order_problems(result: RosterPlan, ri: RosterInput) -> tuple[int, int]:
    """(requests left open beside a free place they could take, requests left open for lack of
    room while a lower-priority request holds a place of one of their consultants)."""
    planned = Counter((a.consultant_id, a.on) for a in result.assignments)
    booked = Counter(ri.booked)
    holders: dict[int, list[RequestInfo]] = {}
    requests = {r.id: r for r in ri.requests}
    for a in result.assignments:
        holders.setdefault(a.consultant_id, []).append(requests[a.request_id])
    not_maximal = passed_over = 0
    for u in result.unassigned:
        if u.code != "full":
            continue
        r = requests[u.request_id]
        for c in ri.consultants:
            cells = [on for on in result.fridays if _suits(c, r, on)]
            if not cells:
                continue
            if any(booked[(c.id, on)] + planned[(c.id, on)] < c.per_friday_max for on in cells):
                not_maximal += 1
                break
            if any(priority_key(h) > priority_key(r) for h in holders.get(c.id, [])):
                passed_over += 1
                break
    return not_maximal, passed_over


def measure(label: str, ri: RosterInput, target_s: float) -> bool:
    started = time.perf_counter()
    result = roster_planning.plan(ri)
    elapsed = time.perf_counter() - started
    m = result.metrics
    problems = roster_planning.verify(result, ri)
    not_maximal, passed_over = order_problems(result, ri)
    codes = Counter(u.code for u in result.unassigned)
    print(f"{label}: {len(ri.consultants)} consultants, {m.requests} open requests")
    print(f"  time {elapsed:.2f} s (target < {target_s:.0f} s)")
    print(
        f"  planned {m.assigned}/{m.requests} ({m.assigned / m.requests:.0%}); free places "
        f"{m.capacity}, used {m.assigned / m.capacity:.0%}; Fridays "
        + ", ".join(f"{on:%m-%d}: {n}" for on, n in m.fridays)
        + f"; closed: {', '.join(c.on.isoformat() for c in result.closed_fridays) or 'none'}"
    )
    print(f"  follow-ups planned {m.follow_ups_assigned}/{m.follow_ups}")
    print(
        f"  pairing continuity {m.paired}/{m.pair_possible} ({m.paired_share:.1%}) of the "
        f"{m.with_pair} planned requests with a pair"
    )
    print(
        f"  asked-for Friday {m.preferred}/{m.with_preferences} ({m.preferred_share:.1%}); towns: "
        f"same {m.same_town}, nearby {m.nearby_town}, other {m.other_town}"
    )
    print(f"  consultants used {m.consultants_used}; month load min {m.load_min}, max {m.load_max}")
    print(f"  left open by reason: {dict(sorted(codes.items()))}")
    print(
        f"  verify: {len(problems)} problems; open beside a free place: {not_maximal}; "
        f"passed over by lower priority: {passed_over}"
    )
    for problem in problems[:5]:
        print(f"    {problem}")
    return elapsed < target_s and not problems and not not_maximal and not passed_over


def demo_city_month() -> bool:
    """The real demo city (its database, its open requests) drafting next month's roster, as
    the coordinator's button does: reading the month, planning, booking every visit through the
    rules. The demo is loaded into a temporary SQLite file first (not timed)."""
    import tempfile
    from pathlib import Path

    from sqlalchemy import select

    from calendars import today as shanghai_today
    from programs import demo, hooks, schema
    from programs.accounts.models import User
    from programs.db import Database, make_engine
    from programs.friday import roster

    hooks.install()
    today = shanghai_today()
    month = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        schema.upgrade(engine)
        database = Database(engine)
        with database.transaction() as session:
            demo.load(session, today=today)
        with database.transaction() as session:
            coordinator = session.scalar(select(User).where(User.username == "coordinator"))
            started = time.perf_counter()
            ri = roster.roster_input(session, month, today)
            read = time.perf_counter() - started
            plan = roster_planning.plan(ri)
            planned = time.perf_counter() - started - read
            done = roster.draft(session, coordinator, month, today)
            total = time.perf_counter() - started
        engine.dispose()
    m = plan.metrics
    print(
        f"demo city, {month:%Y-%m}: {len(ri.consultants)} consultants, {m.requests} open requests"
    )
    print(
        f"  reading {read:.2f} s, planning {planned:.2f} s; the whole draft with every visit "
        f"booked through the rules {total - read - planned:.2f} s (target < {TARGET_DEMO_S:.0f} s "
        "for the planning)"
    )
    print(
        f"  planned {m.assigned}/{m.requests}; follow-ups {m.follow_ups_assigned}/{m.follow_ups}; "
        f"with their pair {m.paired}/{m.pair_possible}; booked {done.placed}, left {done.left}"
    )
    return planned < TARGET_DEMO_S and done.placed == m.assigned


def run() -> bool:
    ok = demo_city_month()
    ok &= measure("demo-like month", month_input(30, 60, seed=2026), TARGET_DEMO_S)
    ok &= measure("large month", month_input(200, 5000, seed=5_2026), TARGET_LARGE_S)
    print("targets met" if ok else "TARGETS MISSED")
    return ok
