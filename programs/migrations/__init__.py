"""Alembic migrations; run them with `fengqiao db upgrade`."""
