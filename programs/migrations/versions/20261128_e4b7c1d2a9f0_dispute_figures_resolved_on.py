"""dispute figures: each case's day of resolution, the moves by day

Revision ID: e4b7c1d2a9f0
Revises: d608d8d1fa39
Create Date: 2026-11-28 19:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = 'e4b7c1d2a9f0'
down_revision = 'd608d8d1fa39'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dispute_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_dispute_cases_resolved_on', ['resolved_on'], unique=False)
    op.create_index('ix_case_transitions_on', 'case_transitions', ['on'], unique=False)
    # The cases resolved so far: the first day each reached its resolving stage (a dispute
    # its feedback, a contract review or a prevention task its closing).
    op.execute(
        """
        UPDATE dispute_cases SET resolved_on = (
            SELECT min(t."on") FROM case_transitions t
            WHERE t.case_id = dispute_cases.id
              AND t.to_stage = CASE
                  WHEN dispute_cases.case_type IN ('labour', 'commercial') THEN 'feedback'
                  ELSE 'closed'
              END
        )
        """
    )


def downgrade() -> None:
    op.drop_index('ix_case_transitions_on', table_name='case_transitions')
    with op.batch_alter_table('dispute_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_dispute_cases_resolved_on')
        batch_op.drop_column('resolved_on')
