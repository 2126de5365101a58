"""the seasonal list proposes a study-base class before the summer holidays

Revision ID: e8b2c4d6f1a3
Revises: d7a1e5c9b2f4
Create Date: 2026-11-29 04:40:00.000000
"""

from alembic import op


revision = 'e8b2c4d6f1a3'
down_revision = 'd7a1e5c9b2f4'
branch_labels = None
depends_on = None

OLD = "kind IN ('friday_session', 'checkup_campaign')"
NEW = "kind IN ('friday_session', 'checkup_campaign', 'study_class')"


def upgrade() -> None:
    with op.batch_alter_table('seasonal_actions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_seasonal_actions_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_seasonal_actions_kind'), NEW)


def downgrade() -> None:
    op.execute("DELETE FROM seasonal_actions WHERE kind = 'study_class'")
    with op.batch_alter_table('seasonal_actions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_seasonal_actions_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_seasonal_actions_kind'), OLD)
