"""What-if replay over the demo city's year of history.

A SQLite database in a temporary folder (the embedded default) is migrated and loaded, untimed,
with the demo city on TODAY. Then each change below is replayed over the year before TODAY
through both the live parameters and the draft, as the draft page does (history read, every
question answered twice, the counts made), twice each: the first replay also builds the rules'
engine for the draft's values, the second finds it built. Printed per change: the questions
replayed, the decisions that would change, and the wall time of both runs.

Target (issue 13): a replay of the year finishes in seconds; here, each under 10 s. `run()`
returns True when every replay meets it.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from programs import demo, schema
from programs.db import Database, make_engine
from programs.decisions import services as decisions
from programs.whatif import services as whatif
from programs.whatif.replay import replay

TODAY = date(2026, 11, 28)
TARGET_SECONDS = 10.0
CHANGES = {
    "dispute_escalation": {"amount_threshold": 200_000, "collective_workers_min": 8},
    "dispute_deadline": {"warn_days": 5, "stage_target_days": 20},
    "friday_pairing": {"pairings_per_consultant_max": 12},
    "friday_visit": {"group_headcount_max": 20},
    "checkup_checklist": {"non_compete_min_employees": 20},
    "checkup_grade": {"orange_medium_min": 3},
    "study_visit": {"students_per_teacher_max": 15},
}


def run() -> bool:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'whatif.sqlite3'}")
        try:
            return _measure(Database(engine))
        finally:
            engine.dispose()


def _measure(database: Database) -> bool:
    schema.upgrade(database.engine)
    started = time.perf_counter()
    with database.transaction() as session:
        demo.load(session, today=TODAY)
    print(f"demo city loaded in {time.perf_counter() - started:.1f} s (untimed)")
    start, end = whatif.default_period(TODAY)
    print(f"period replayed: {start} to {end}")
    print(f"{'ruleset':<20} {'asked':>6} {'changed':>8} {'first s':>8} {'again s':>8}")
    ok = True
    total = 0.0
    with database.transaction() as session:
        for ruleset, change in CHANGES.items():
            values = {**decisions.parameter_values(session, ruleset), **change}
            times = []
            for _ in range(2):
                began = time.perf_counter()
                result = replay(session, ruleset, values, start, end, TODAY)
                times.append(time.perf_counter() - began)
            total += times[0]
            ok &= max(times) < TARGET_SECONDS
            print(
                f"{ruleset:<20} {len(result.pairs):>6} {len(result.changed):>8} "
                f"{times[0]:>8.2f} {times[1]:>8.2f}"
            )
        session.rollback()
    verdict = "met" if ok else "MISSED"
    print(f"every replay under {TARGET_SECONDS:.0f} s: {verdict} (all first runs: {total:.1f} s)")
    return ok
