"""follow-ups remember their playbook and how they ended; files written with customer data

`follow_ups.playbook_stage_id` is the stage whose `on_enter` playbook made the follow-up, so it can
be closed as superseded when the deal leaves that stage; `follow_ups.closed_as` says how a closed
follow-up ended (done, superseded, cancelled). `written_files` lists the exports and backups
salesflow wrote, so `contact forget` can name the copies it cannot reach.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 18:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'written_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('path', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('what', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_written_files')),
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('playbook_stage_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_as', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_follow_ups_playbook_stage_id_stages'), 'stages', ['playbook_stage_id'], ['id'])
    # follow-ups finished before this revision were finished by a rep
    op.execute("UPDATE follow_ups SET closed_as = 'done' WHERE done_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_follow_ups_playbook_stage_id_stages'), type_='foreignkey')
        batch_op.drop_column('closed_as')
        batch_op.drop_column('playbook_stage_id')
    op.drop_table('written_files')
