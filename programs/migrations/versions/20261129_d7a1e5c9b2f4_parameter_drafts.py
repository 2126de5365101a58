"""draft parameter versions, replayed over history before they are published

Revision ID: d7a1e5c9b2f4
Revises: c3e9a7f1d2b4
Create Date: 2026-11-29 04:40:00.000000
"""

import uuid

from alembic import op
import sqlalchemy as sa


revision = 'd7a1e5c9b2f4'
down_revision = 'c3e9a7f1d2b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('parameter_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ruleset', sa.String(length=60), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('based_on_version', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'published', 'discarded')", name=op.f('ck_parameter_drafts_status')),
    sa.CheckConstraint('length(note) > 0', name=op.f('ck_parameter_drafts_note')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_parameter_drafts_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_parameter_drafts_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parameter_drafts'))
    )
    op.create_index(op.f('ix_parameter_drafts_ruleset'), 'parameter_drafts', ['ruleset'], unique=False)
    op.execute(
        sa.text("INSERT INTO table_stamps (name, stamp) VALUES (:name, :stamp)")
        .bindparams(name='parameter_drafts', stamp=uuid.uuid4().hex)
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_parameter_drafts_ruleset'), table_name='parameter_drafts')
    op.drop_table('parameter_drafts')
    op.execute(sa.text("DELETE FROM table_stamps WHERE name = 'parameter_drafts'"))
