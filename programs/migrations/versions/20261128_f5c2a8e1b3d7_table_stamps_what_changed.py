"""table stamps: which tables changed, for the figures' cache

Revision ID: f5c2a8e1b3d7
Revises: e4b7c1d2a9f0
Create Date: 2026-11-28 19:40:00.000000
"""

import uuid

from alembic import op
import sqlalchemy as sa


revision = 'f5c2a8e1b3d7'
down_revision = 'e4b7c1d2a9f0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamps = op.create_table('table_stamps',
    sa.Column('name', sa.String(length=63), nullable=False),
    sa.Column('stamp', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_table_stamps'))
    )
    # A stamp for the database and for each table there is, so that the first writers of a
    # table renew a row instead of racing to insert it.
    names = ['*', *sa.inspect(op.get_bind()).get_table_names()]
    op.bulk_insert(stamps, [{'name': name, 'stamp': uuid.uuid4().hex} for name in names])


def downgrade() -> None:
    op.drop_table('table_stamps')
