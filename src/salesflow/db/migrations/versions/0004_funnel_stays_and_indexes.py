"""funnel: stay columns on stage_moves, covering indexes

Each stage move begins a stay; the funnel reads a stay as one index entry instead of replaying
every deal's history with window functions. The new columns are derived from the history (see
`salesflow.db.stays`), and filled here for the moves already there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:20:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# A frozen copy of `salesflow.db.stays` at this revision (a migration must not change when the
# application does): every move's stay columns from its deal's history.
_SECONDS = {
    "sqlite": "CAST(round((julianday(s.left_at) - julianday(s.at)) * 86400) AS INTEGER)",
    "postgresql": "CAST(round(EXTRACT(EPOCH FROM (s.left_at - s.at))) AS BIGINT)",
}
_BACKFILL = """
UPDATE stage_moves
SET left_at = s.left_at, stay_seconds = {seconds},
    furthest_after = CASE WHEN s.status = 'won' THEN s.now_position ELSE s.later_open END,
    reentry = s.reentry, deal_currency = s.currency
FROM (
  SELECT m.id, m.at, d.currency, d.status, cur.position AS now_position,
         LEAD(m.at) OVER by_deal AS left_at,
         MAX(CASE WHEN st.kind = 'open' THEN st.position END)
           OVER (by_deal ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS later_open,
         ROW_NUMBER() OVER (PARTITION BY m.deal_id, m.to_stage_id ORDER BY m.at, m.id) > 1
           AS reentry
  FROM stage_moves m
  JOIN deals d ON d.id = m.deal_id
  JOIN stages st ON st.id = m.to_stage_id
  JOIN stages cur ON cur.id = d.stage_id
  WINDOW by_deal AS (PARTITION BY m.deal_id ORDER BY m.at, m.id)
) AS s
WHERE stage_moves.id = s.id
"""


def upgrade() -> None:
    with op.batch_alter_table('stage_moves', schema=None) as batch_op:
        batch_op.add_column(sa.Column('left_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('stay_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('furthest_after', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reentry', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('deal_currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True))

    dialect = op.get_bind().dialect.name
    op.execute(sa.text(_BACKFILL.format(seconds=_SECONDS.get(dialect, _SECONDS["postgresql"]))))

    with op.batch_alter_table('stage_moves', schema=None) as batch_op:
        # the funnel index starts with to_stage_id too and covers more: it replaces this one
        # (which the query planner would otherwise pick for `at < :until`, then read each row)
        batch_op.drop_index('ix_stage_moves_to_stage_at')
        batch_op.create_index('ix_stage_moves_funnel', ['to_stage_id', 'deal_currency', 'stay_seconds', 'at', 'left_at', 'furthest_after', 'reentry', 'deal_id'], unique=False)

    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index('ix_deals_funnel_open', ['status', 'pipeline_id', 'currency', 'stage_id', 'owner', 'value_minor'], unique=False)
        batch_op.create_index('ix_deals_pipeline_currency_owner', ['pipeline_id', 'currency', 'owner'], unique=False)

    with op.batch_alter_table('close_outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_close_outcomes_standing', ['reopened_at', 'currency', 'outcome', 'deal_id', 'closed_on', 'amount_minor'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('close_outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_close_outcomes_standing')

    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_pipeline_currency_owner')
        batch_op.drop_index('ix_deals_funnel_open')

    with op.batch_alter_table('stage_moves', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_moves_funnel')
        batch_op.create_index('ix_stage_moves_to_stage_at', ['to_stage_id', 'at'], unique=False)
        batch_op.drop_column('deal_currency')
        batch_op.drop_column('reentry')
        batch_op.drop_column('furthest_after')
        batch_op.drop_column('stay_seconds')
        batch_op.drop_column('left_at')
