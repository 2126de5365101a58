"""api tokens: keys users make for other systems

Revision ID: a7e3d9c4b2f1
Revises: f5c2a8e1b3d7
Create Date: 2026-11-28 20:10:00.000000
"""

import uuid

from alembic import op
import sqlalchemy as sa


revision = 'a7e3d9c4b2f1'
down_revision = 'f5c2a8e1b3d7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_on', sa.Date(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('digest', name=op.f('uq_api_tokens_digest'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)
    op.execute(
        sa.text("INSERT INTO table_stamps (name, stamp) VALUES ('api_tokens', :stamp)").bindparams(
            stamp=uuid.uuid4().hex
        )
    )


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
    op.execute(sa.text("DELETE FROM table_stamps WHERE name = 'api_tokens'"))
