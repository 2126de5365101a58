"""The three-end loop at the scale of a province: the tick and the case lists over 100,000 cases.

A PostgreSQL database of its own (`fengqiao_bench`, dropped and created afresh each run, dropped
again at the end unless FENGQIAO_BENCH_KEEP=1) is migrated and filled, untimed, with the demo
city's towns and firms, a coordinator, 40 mediators in the three teams and 100,000 open cases
written by COPY: 45 % labour, 30 % commercial, 20 % contract reviews, 5 % prevention
tasks, each at one of its type's stages (weighted, never closed), entered in the last 120 days,
its due day counted by services.stage_due as a move would count it, disputes over a large amount
or of many workers already escalated as opening them would have. Nothing is warned or marked
yet, so the first tick finds every stage that is due or past due: the tick after an outage.

Measured, on the bench day and the day after:

1. the cold tick (every due stage not yet marked) and the daily tick of the next day, each in
   its own transaction including the commit; target under 30 s for the tick over 100,000 cases;
   the counts are checked against what the rows say they must be;
2. each tick run again the same day changes nothing (all counts zero);
3. the case list, 200 requests each (half page 1, half a random page; each its own session,
   loading the user, counting and loading the page with its firms and assignees): a
   coordinator's open cases, a mediator's own cases, the supervision list, the open cases of
   one type; target p95 under 300 ms.

The plans PostgreSQL chooses for the lists are printed (the indexes used, the time of a deep
page). `run()` returns True when every target holds; False too when PostgreSQL is unreachable.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, create_engine, event, func, insert, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from programs import demo, schema
from programs.accounts.models import User
from programs.db import Database, make_engine
from programs.directory.models import Enterprise, Town
from programs.disputes import daily, queries, services
from programs.disputes.models import CaseTeamMember, DisputeCase
from rules.disputes import STAGES, SUBJECTS

URL = os.environ.get(
    "FENGQIAO_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/fengqiao_bench"
)
KEEP = os.environ.get("FENGQIAO_BENCH_KEEP", "").lower() in ("1", "true", "yes")
SEED = 100_000
CASES = 100_000
TODAY = date(2026, 11, 17)  # a Tuesday; the 120 days before it hold the National Day holiday
SPREAD_DAYS = 120
REQUESTS = 200
TARGET_TICK_S = 30.0
TARGET_P95_MS = 300.0

TYPE_SHARES = {"labour": 45, "commercial": 30, "contract_review": 20, "prevention": 5}
TEAM_OF_TYPE = {
    "labour": "professional_mediation",
    "commercial": "industry_mediation",
    "contract_review": "precise_legal_service",
    "prevention": "precise_legal_service",
}
# Where open cases stand, by type: most in mediation or waiting on the tribunal or the court.
STAGE_WEIGHTS: dict[str, dict[str, int]] = {
    "labour": {
        "intake": 10,
        "mediation": 25,
        "agreement": 10,
        "judicial_confirmation": 4,
        "arbitration_application": 6,
        "arbitration_accepted": 15,
        "award": 6,
        "final": 3,
        "litigation": 9,
        "feedback": 12,
    },
    "commercial": {
        "intake": 12,
        "mediation": 30,
        "agreement": 12,
        "judicial_confirmation": 6,
        "arbitration": 10,
        "litigation": 15,
        "feedback": 15,
    },
    "contract_review": {"submitted": 25, "reviewing": 35, "findings": 30, "dispute_opened": 10},
    "prevention": {"open": 70, "done": 30},
}
# Mediators per team; the first few of the industry team also work in professional mediation.
TEAM_SIZES = {"professional_mediation": 18, "industry_mediation": 12, "precise_legal_service": 10}
BOTH_MEDIATION_TEAMS = 4
NUMBER_PREFIX = services.NUMBER_PREFIX


# --- The database -------------------------------------------------------------------------------


def _admin_engine() -> Engine:
    return create_engine(
        make_url(URL).set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )


def _drop(admin: Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def bench_database() -> Iterator[Database]:
    """A fresh, migrated database for the bench; dropped afterwards unless KEEP."""
    name = make_url(URL).database
    admin = _admin_engine()
    _drop(admin, name)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(URL)
    try:
        schema.upgrade(engine)
        yield Database(engine)
    finally:
        engine.dispose()
        if KEEP:
            print(f"  (kept the database {name} for EXPLAIN)")
        else:
            _drop(admin, name)
        admin.dispose()


# --- Building 100,000 cases ---------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _directory(session: Session) -> tuple[list[tuple[int, int]], int, dict[str, list[int]]]:
    """The demo city's towns and firms, a coordinator and the teams' mediators (bulk inserts).

    Returns (firm id, town id) pairs, the coordinator's id and the member ids of each team."""
    city = demo.build_city()
    session.execute(insert(Town), [{"code": c, "name": n, "kind": k} for c, n, k in city.towns])
    towns = dict(session.execute(select(Town.code, Town.id)).all())
    rows = []
    for f in city.enterprises:
        row = {k: v for k, v in vars(f).items() if k != "town_code"}
        rows.append({**row, "town_id": towns[f.town_code]})
    session.execute(insert(Enterprise), rows)
    firms = [tuple(r) for r in session.execute(select(Enterprise.id, Enterprise.town_id))]

    def user(username: str, name: str, role: str) -> dict[str, Any]:
        return {
            "username": username,
            "display_name": name,
            "email": f"{username}@bench.fengqiao.local",
            "password_hash": "!",  # no login: the bench calls the services directly
            "role": role,
        }

    staff = [user("coordinator", "协调员", "coordinator")]
    for team, size in TEAM_SIZES.items():
        staff += [
            user(f"{team[:4]}_{n:02d}", f"调解员{team[:4]}{n}", "mediator") for n in range(size)
        ]
    session.execute(insert(User), staff)
    ids = dict(session.execute(select(User.username, User.id)).all())
    members: dict[str, list[int]] = {}
    for team, size in TEAM_SIZES.items():
        members[team] = [ids[f"{team[:4]}_{n:02d}"] for n in range(size)]
    members["professional_mediation"] += members["industry_mediation"][:BOTH_MEDIATION_TEAMS]
    session.execute(
        insert(CaseTeamMember),
        [{"team": t, "user_id": u} for t, users in members.items() for u in users],
    )
    return firms, ids["coordinator"], members


def _case_rows(
    firms: list[tuple[int, int]],
    coordinator_id: int,
    members: dict[str, list[int]],
    parameters: dict[str, Any],
) -> Iterator[dict[str, Any]]:
    """100,000 open cases as the loop would hold them; due days counted as a move counts them."""
    rng = random.Random(SEED)
    numbers: Counter[tuple[str, int]] = Counter()
    due_cache: dict[tuple[str, str, date, bool], tuple[date | None, str | None]] = {}
    created = datetime(2026, 1, 1, tzinfo=UTC)
    types = rng.choices(list(TYPE_SHARES), list(TYPE_SHARES.values()), k=CASES)
    for case_type in types:
        stage = _weighted(rng, STAGE_WEIGHTS[case_type])
        entered = TODAY - timedelta(days=rng.randrange(SPREAD_DAYS))
        position = STAGES[case_type].index(stage)
        opened = entered - timedelta(days=rng.randint(0, 25 * position))
        numbers[case_type, opened.year] += 1
        extended = stage == "arbitration_accepted" and rng.random() < 0.1
        key = (case_type, stage, entered, extended)
        if key not in due_cache:
            like = SimpleNamespace(
                case_type=case_type, stage=stage, stage_entered_on=entered, period_extended=extended
            )
            due = services.stage_due(like, parameters)  # type: ignore[arg-type]
            due_cache[key] = (due.due_on, due.basis) if due else (None, None)
        due_on, due_basis = due_cache[key]
        firm_id, town_id = rng.choice(firms)
        workers = 0
        amount = Decimal(0)
        counterparty_id = None
        counterparty_name = ""
        if case_type == "labour":
            workers = rng.randint(10, 60) if rng.random() < 0.03 else rng.randint(1, 5)
            amount = Decimal(round(workers * rng.lognormvariate(9.8, 0.7)))
        elif case_type == "commercial":
            amount = Decimal(round(rng.lognormvariate(11.8, 1.0)))
            other = rng.choice(firms)[0]
            if rng.random() < 0.4 and other != firm_id:
                counterparty_id = other
            counterparty_name = f"对方公司{rng.randint(1, 5000)}"
        dispute = case_type in ("labour", "commercial")
        escalated = dispute and (workers >= 10 or amount >= 500_000)
        team = TEAM_OF_TYPE[case_type]
        subjects = [s for s in SUBJECTS[case_type] if s != "other"]
        yield {
            "number": f"{NUMBER_PREFIX[case_type]}-{opened.year}-"
            f"{numbers[case_type, opened.year]:04d}",
            "case_type": case_type,
            "subject": rng.choice(subjects),
            "stage": stage,
            "stage_entered_on": entered,
            "opened_on": opened,
            "closed_on": None,
            "team": team,
            "assignee_id": rng.choice(members[team]),
            "enterprise_id": firm_id,
            "counterparty_id": counterparty_id,
            "counterparty_name": counterparty_name,
            "town_id": town_id,
            "summary": f"基准案件：{case_type}，{stage}",
            "source": "intake",
            "workers": workers,
            "amount_claimed": amount,
            "mediation_failed": dispute and position > STAGES[case_type].index("mediation"),
            "arbitration_agreed": case_type == "commercial" and stage == "arbitration",
            "award_final_eligible": stage == "final",
            "period_extended": extended,
            "due_on": due_on,
            "due_basis": due_basis,
            "warned_on": None,
            "overdue": False,
            "escalated": escalated,
            "escalated_on": opened if escalated else None,
            "created_at": created,
            "created_by_id": coordinator_id,
            "updated_at": created,
        }


def _copy(session: Session, table: Table, rows: Iterator[dict[str, Any]]) -> None:
    """Write rows (all with the same keys) by COPY, five times faster than psycopg's executemany
    of INSERTs; COPY knows no Python-side defaults, so the columns' defaults are filled in."""
    defaults = {
        c.name: c.default.arg
        for c in table.columns
        if c.default is not None and c.default.is_scalar
    }
    first = next(rows)
    columns = list({**defaults, **first})
    raw = session.connection().connection.driver_connection  # psycopg's own connection
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in itertools.chain([first], rows):
            values = {**defaults, **row}
            copy.write_row([values[c] for c in columns])


def vacuum(database: Database) -> None:
    """What autovacuum does soon after a mass insert or update: statistics, a clean table."""
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def build(database: Database) -> dict[str, Any]:
    """Write the directory, the staff and 100,000 cases; ANALYZE as a running database would."""
    with database.transaction() as session:
        firms, coordinator_id, members = _directory(session)
        parameters = services.deadline_parameters(session)
        _copy(
            session, DisputeCase.__table__, _case_rows(firms, coordinator_id, members, parameters)
        )
    vacuum(database)
    return {"firms": len(firms), "mediators": sum(TEAM_SIZES.values()), "parameters": parameters}


# --- The tick -------------------------------------------------------------------------------------


def expected_counts(session: Session, today: date, warn_days: int) -> dict[str, int]:
    """What the tick must do today, counted from the rows independently of the tick."""
    open_due = (DisputeCase.closed_on.is_(None), DisputeCase.due_on.is_not(None))
    award = DisputeCase.stage.in_(("award", "final"))

    def count(*where: Any) -> int:
        return session.scalar(select(func.count()).where(*open_due, *where)) or 0

    horizon = daily.warning_horizon(today, warn_days)  # warn_days working days ahead
    overdue = (DisputeCase.due_on < today, DisputeCase.overdue.is_(False), ~award)
    return {
        "moved": count(DisputeCase.due_on < today, award),
        "warned": count(
            DisputeCase.due_on.between(today, horizon), DisputeCase.warned_on.is_(None)
        ),
        "overdue": count(*overdue),
        "escalated": count(
            *overdue,
            DisputeCase.case_type.in_(("labour", "commercial")),
            DisputeCase.stage != "feedback",  # a late return visit is not escalated
            DisputeCase.escalated.is_(False),
        ),
    }


def timed_tick(database: Database, today: date) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    with database.transaction() as session:
        counts = daily.tick(session, today).as_dict()
    return time.perf_counter() - started, counts


def measure_tick(database: Database, label: str, today: date, warn_days: int) -> float:
    """One tick and its repeat the same day; prints both; the first's seconds, or inf when a
    count is wrong or the repeat changed anything."""
    with database.transaction() as session:
        expected = expected_counts(session, today, warn_days)
    seconds, counts = timed_tick(database, today)
    again_s, again = timed_tick(database, today)
    right = counts == expected
    idle = not any(again.values())
    print(f"{label} tick on {today}: {seconds:.2f} s; {counts}")
    if not right:
        print(f"  COUNTS WRONG: the rows say {expected}")
    print(
        f"  the same tick again: {again_s:.2f} s; {again}"
        + ("" if idle else "  <-- CHANGED SOMETHING")
    )
    return seconds if right and idle else float("inf")


def state(session: Session) -> str:
    def count(*where: Any) -> int:
        return session.scalar(select(func.count()).where(DisputeCase.closed_on.is_(None), *where))

    return (
        f"open {count()}, with a due day {count(DisputeCase.due_on.is_not(None))}, "
        f"warned {count(DisputeCase.warned_on.is_not(None))}, overdue "
        f"{count(DisputeCase.overdue)}, escalated {count(DisputeCase.escalated)}"
    )


# --- The lists ------------------------------------------------------------------------------------


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def measure_list(
    database: Database,
    label: str,
    users: list[int],
    call: Callable[[Session, User, int], queries.Page],
    rng: random.Random,
) -> float:
    """REQUESTS requests, half page 1 and half a random page, each in a session of its own (as
    a web request is); prints p50, p95 and max in ms; returns p95."""
    pages: dict[int, int] = {}
    timings: dict[bool, list[float]] = {True: [], False: []}
    for n in range(REQUESTS + 5):
        user_id = rng.choice(users)
        first = n % 2 == 0
        page = 1 if first or user_id not in pages else rng.randint(1, pages[user_id])
        started = time.perf_counter()
        with database.sessionmaker() as session:
            result = call(session, session.get(User, user_id), page)
            assert all(c.assignee is not None for c in result.cases)  # loaded with the page
        elapsed = (time.perf_counter() - started) * 1000
        pages[user_id] = result.pages
        if n >= 5:  # the first few warm the connection pool and the statement cache
            timings[first].append(elapsed)
    every = timings[True] + timings[False]
    p95 = _p95(every)
    totals = sorted(set(pages.values()))
    print(
        f"{label}: p50 {statistics.median(every):.0f} ms, p95 {p95:.0f} ms, max "
        f"{max(every):.0f} ms (page 1 p95 {_p95(timings[True]):.0f} ms, random pages p95 "
        f"{_p95(timings[False]):.0f} ms); {totals[0]}–{totals[-1]} pages of "
        f"{queries.PER_PAGE}  {'ok' if p95 < TARGET_P95_MS else 'MISSED'}"
    )
    return p95


def explain(database: Database, label: str, user_id: int, filters: queries.CaseFilter) -> None:
    """The plan of the last page's query, as case_list sends it: which index, how long."""
    sent: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "LIMIT" in statement:
            sent.append((statement, parameters))

    with database.sessionmaker() as session:
        user = session.get(User, user_id)
        last = queries.case_list(session, user, filters).pages
        event.listen(database.engine, "before_cursor_execute", keep)
        try:
            queries.case_list(session, user, filters, page=last)
        finally:
            event.remove(database.engine, "before_cursor_execute", keep)
        statement, parameters = sent[-1]
        plan = [
            line
            for (line,) in session.connection().exec_driver_sql(
                f"EXPLAIN (ANALYZE, COSTS OFF) {statement}", parameters
            )
        ]
    nodes = [
        re.sub(r"actual time=\S+ ", "", line.strip().removeprefix("->  "))
        for line in plan
        if "Scan" in line or "Sort Method" in line
    ]
    timing = next((line for line in plan if line.startswith("Execution Time")), "")
    print(f"  {label}, page {last}: {timing}; " + " | ".join(dict.fromkeys(nodes)))


# --- The bench ------------------------------------------------------------------------------------


def run() -> bool:
    began = time.perf_counter()
    try:
        with _admin_engine().connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # any failure to connect: nothing can be measured
        print(f"PostgreSQL at {URL} unreachable ({type(exc).__name__}): NOT MEASURED")
        return False
    print(f"load average at the start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    ok = True
    with bench_database() as database:
        started = time.perf_counter()
        built = build(database)
        warn_days = built["parameters"]["warn_days"]
        with database.transaction() as session:
            by_type = dict(
                session.execute(
                    select(DisputeCase.case_type, func.count()).group_by(DisputeCase.case_type)
                ).all()
            )
            due = expected_counts(session, TODAY, warn_days)
        print(
            f"built {CASES:,} open cases in {time.perf_counter() - started:.1f} s (untimed): "
            f"{by_type}; {built['firms']} firms, {built['mediators']} mediators; on {TODAY}: "
            f"{due['moved']} awards past their suit period, {due['overdue']} other stages past "
            f"due, {due['warned']} due within {warn_days} days"
        )
        cold = measure_tick(database, "cold", TODAY, warn_days)
        daily = measure_tick(database, "daily", TODAY + timedelta(days=1), warn_days)
        with database.transaction() as session:
            print(f"  after the ticks: {state(session)}")
        print(
            f"  target < {TARGET_TICK_S:.0f} s: cold {'ok' if cold < TARGET_TICK_S else 'MISSED'}"
            f", daily {'ok' if daily < TARGET_TICK_S else 'MISSED'}"
        )
        ok &= cold < TARGET_TICK_S and daily < TARGET_TICK_S
        vacuum(database)  # the cold tick rewrote two thirds of the rows

        with database.transaction() as session:
            coordinator = session.scalar(select(User.id).where(User.role == "coordinator"))
            mediators = list(session.scalars(select(User.id).where(User.role == "mediator")))
        rng = random.Random(SEED)
        types = list(TYPE_SHARES)
        kinds: list[tuple[str, list[int], Callable[[Session, User, int], queries.Page]]] = [
            (
                "coordinator, all open cases",
                [coordinator],
                lambda s, u, p: queries.case_list(s, u, queries.CaseFilter(), page=p),
            ),
            (
                "mediator, own cases (mine)",
                mediators,
                lambda s, u, p: queries.case_list(s, u, queries.CaseFilter(mine=True), page=p),
            ),
            (
                "supervision list",
                [coordinator],
                lambda s, u, p: queries.supervision_list(s, u, page=p),
            ),
            (
                "coordinator, one type",
                [coordinator],
                lambda s, u, p: queries.case_list(
                    s, u, queries.CaseFilter(case_type=rng.choice(types)), page=p
                ),
            ),
        ]
        print(f"case lists, {REQUESTS} requests each (target p95 < {TARGET_P95_MS:.0f} ms):")
        for label, users, call in kinds:
            ok &= measure_list(database, f"  {label}", users, call, rng) < TARGET_P95_MS
        print("plans (EXPLAIN ANALYZE of the page query):")
        explain(database, "all open", coordinator, queries.CaseFilter())
        explain(database, "mine", mediators[0], queries.CaseFilter(mine=True))
        explain(database, "supervision", coordinator, queries.CaseFilter(supervised=True))
        explain(database, "labour", coordinator, queries.CaseFilter(case_type="labour"))
    print(
        f"bench time {time.perf_counter() - began:.0f} s; load average at the end "
        f"{os.getloadavg()[0]:.1f}"
    )
    print("targets met" if ok else "TARGETS MISSED")
    return ok
