"""Alembic migrations build exactly the schema the models describe, on both engines."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from programs import schema
from programs.models import metadata


def test_migrated_database_matches_the_models(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    differences = compare_metadata(context, metadata)
    assert differences == []


def test_database_is_at_the_newest_revision(connection):
    assert schema.current_revision(connection) == schema.head_revision()


def test_migrations_run_from_empty_and_back(tmp_path):
    from programs.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    schema.upgrade(engine)
    assert schema.current_revision(engine) == schema.head_revision()
    schema.upgrade(engine)  # again: nothing to do, no error
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(connection=conn), "base")
    assert schema.current_revision(engine) is None
    engine.dispose()


def _insert(conn, table, **values):
    """A row with the given values and a plain value in every other required column."""
    from sqlalchemy import text

    plain = {"TEXT": "", "DATE": "2026-01-01", "DATETIME": "2026-01-01 00:00:00"}
    for _, name, kind, required, default, key in conn.execute(text(f"PRAGMA table_info({table})")):
        if required and default is None and not key and name not in values:
            values[name] = next((v for k, v in plain.items() if kind.startswith(k)), 0)
            if kind.startswith("VARCHAR"):
                values[name] = ""
    names = ", ".join(f'"{n}"' for n in values)
    conn.execute(
        text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"),
        values,
    )


def test_the_days_of_resolution_are_filled_from_the_moves(tmp_path):
    """Cases resolved before the day of resolution was kept get it from their moves: the first
    day each reached its resolving stage; the others have none."""
    from sqlalchemy import text

    from programs.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'before.sqlite3'}")
    schema.upgrade(engine, "d608d8d1fa39")
    with engine.begin() as conn:
        _insert(conn, "towns", id=1, code="T1", name="甲镇", kind="town")
        for id_, case_type, stage in (
            (1, "labour", "closed"),
            (2, "contract_review", "closed"),
            (3, "commercial", "mediation"),
        ):
            _insert(
                conn, "dispute_cases", id=id_, number=f"N-{id_}", case_type=case_type,
                stage=stage, subject="other", team="professional_mediation", town_id=1,
                source="intake",
            )  # fmt: skip
        for case_id, to_stage, on in (
            (1, "mediation", "2026-01-02"),
            (1, "feedback", "2026-02-03"),
            (1, "mediation", "2026-02-10"),  # back once, then feedback again: the first counts
            (1, "feedback", "2026-03-04"),
            (1, "closed", "2026-04-05"),
            (2, "feedback", "2026-01-20"),  # not a review's resolving stage
            (2, "closed", "2026-02-06"),
            (3, "mediation", "2026-01-02"),
        ):
            _insert(conn, "case_transitions", case_id=case_id, to_stage=to_stage, on=on)
    schema.upgrade(engine)
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT id, resolved_on FROM dispute_cases")).all())
    assert found == {1: "2026-02-03", 2: "2026-02-06", 3: None}
    engine.dispose()
