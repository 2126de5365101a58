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
