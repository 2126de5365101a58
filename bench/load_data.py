"""The PostgreSQL database the load bench serves: the demo city at the volume of twenty cities.

Loading the demo city takes a minute or two; loading it twenty times would take most of an
hour. So the city is loaded once (on today's date, as the server reads "today") and its records
are copied CITIES - 1 more times by INSERT … SELECT with their ids offset, as the report bench
does (`bench.report_bench.multiply`: Friday requests, visits and problems, dispute cases and
their moves, check-ups and their items, study-tour visits), onto the same towns, firms and
sessions. The result is kept as a template database named for a checksum of what made it (the
migrations, the demo modules, the copying, the day): a later run on the same day with the same
code copies the template (`CREATE DATABASE … TEMPLATE`, seconds) instead of building it again,
and a fresh clone builds it itself. Older templates of this bench are dropped.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bench import report_bench
from calendars import today as shanghai_today
from programs import demo, schema
from programs.db import Database, make_engine

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get(
    "FENGQIAO_LOAD_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/fengqiao_load"
)
CITIES = int(os.environ.get("FENGQIAO_LOAD_BENCH_CITIES", "20"))
PREFIX = "fengqiao_load_tpl_"


def admin_engine() -> Engine:
    """The server's maintenance database, for creating and dropping databases."""
    return create_engine(
        make_url(URL).set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )


def checksum() -> str:
    """What the data depends on: migrations, the demo modules, the copying, the day."""
    digest = hashlib.sha256()
    sources = sorted(
        [
            *ROOT.glob("programs/migrations/versions/*.py"),
            ROOT / "programs/demo.py",
            *ROOT.glob("programs/*/demo.py"),
            ROOT / "bench/report_bench.py",
            Path(__file__),
        ]
    )
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(f"{CITIES} {shanghai_today().isoformat()}".encode())
    return digest.hexdigest()[:16]


def _exists(admin: Engine, name: str) -> bool:
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        return found.first() is not None


def _build(admin: Engine, name: str) -> None:
    """Make the template `name`: migrated, the demo city, copied to CITIES cities' volume."""
    building = name + "_building"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{building}"'))
    engine = make_engine(make_url(URL).set(database=building).render_as_string(False))
    try:
        database = Database(engine)
        schema.upgrade(engine)
        started = time.perf_counter()
        with database.transaction() as session:
            loaded = demo.load(session)
        print(f"demo city loaded in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        counts = report_bench.multiply(database, CITIES)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        print(
            f"copied to the volume of {CITIES} cities in {time.perf_counter() - started:.0f} s: "
            f"{counts} (the demo itself: {loaded.added})",
            flush=True,
        )
    finally:
        engine.dispose()
    with admin.connect() as conn:  # complete: only now does it get the name that is reused
        conn.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))


def prepare() -> str:
    """A fresh database for one run, copied from the template (built first if missing); its URL.

    Raises when PostgreSQL can not be reached."""
    admin = admin_engine()
    try:
        template = PREFIX + checksum()
        if _exists(admin, template):
            print(f"reusing the data of {CITIES} cities kept in {template}", flush=True)
        else:
            print(f"building the data of {CITIES} cities into {template} (once)", flush=True)
            with admin.connect() as conn:
                old = conn.execute(
                    text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                    {"p": PREFIX + "%"},
                ).scalars()
                for stale in list(old):
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)'))
            _build(admin, template)
        run = make_url(URL).database
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{run}" TEMPLATE "{template}"'))
        return URL
    finally:
        admin.dispose()


def drop() -> None:
    """Drop the run's database (the template stays for the next run)."""
    admin = admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(URL).database}" WITH (FORCE)'))
    finally:
        admin.dispose()
