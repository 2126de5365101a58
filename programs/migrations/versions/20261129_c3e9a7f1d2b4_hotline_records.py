"""hotline and petition records, and the seasonal list's preventive actions

Revision ID: c3e9a7f1d2b4
Revises: b8d4f2a6c1e3
Create Date: 2026-11-29 02:10:00.000000
"""

import uuid

from alembic import op
import sqlalchemy as sa


revision = 'c3e9a7f1d2b4'
down_revision = 'b8d4f2a6c1e3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hotline_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('town_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('from_enterprise', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("channel IN ('hotline', 'petition')", name=op.f('ck_hotline_records_channel')),
    sa.CheckConstraint("category IN ('wage_arrears', 'labour_contract', 'social_insurance', 'work_injury', 'commercial', 'consumer', 'other')", name=op.f('ck_hotline_records_category')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_hotline_records_imported_by_id_users')),
    sa.ForeignKeyConstraint(['town_id'], ['towns.id'], name=op.f('fk_hotline_records_town_id_towns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotline_records')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_hotline_records_fingerprint'))
    )
    op.create_index('ix_hotline_records_received_on_town', 'hotline_records', ['received_on', 'town_id'], unique=False)
    op.create_table('seasonal_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('town_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('peak_starts_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('friday_session', 'checkup_campaign')", name=op.f('ck_seasonal_actions_kind')),
    sa.CheckConstraint("status IN ('proposed', 'approved', 'dismissed')", name=op.f('ck_seasonal_actions_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_seasonal_actions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['town_id'], ['towns.id'], name=op.f('fk_seasonal_actions_town_id_towns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seasonal_actions')),
    sa.UniqueConstraint('town_id', 'category', 'peak_starts_on', 'kind', name=op.f('uq_seasonal_actions_town_id_category_peak_starts_on_kind'))
    )
    for table in ('hotline_records', 'seasonal_actions'):
        op.execute(
            sa.text("INSERT INTO table_stamps (name, stamp) VALUES (:name, :stamp)")
            .bindparams(name=table, stamp=uuid.uuid4().hex)
        )


def downgrade() -> None:
    op.drop_table('seasonal_actions')
    op.drop_index('ix_hotline_records_received_on_town', table_name='hotline_records')
    op.drop_table('hotline_records')
    op.execute(sa.text("DELETE FROM table_stamps WHERE name IN ('hotline_records', 'seasonal_actions')"))
