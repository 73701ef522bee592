"""review: notes and sign-offs on screenings (engine/review.py)

The app creates these tables itself on first use (like the screening tables), so a database the app made
before ``ipsdg db upgrade`` ran may hold them already; it is stamped at the baseline and this revision then
skips the tables it finds.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    if 'screening_notes' not in present:
        op.create_table('screening_notes',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('screening_id', sa.Integer(), nullable=False),
        sa.Column('author', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index(op.f('ix_screening_notes_screening_id'), 'screening_notes', ['screening_id'], unique=False)
    if 'screening_signoffs' not in present:
        op.create_table('screening_signoffs',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('screening_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('superseded_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['superseded_by'], ['screenings.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('screening_id', 'seq', name='uq_screening_signoffs_seq')
        )
        op.create_index(op.f('ix_screening_signoffs_screening_id'), 'screening_signoffs', ['screening_id'],
                        unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_screening_signoffs_screening_id'), table_name='screening_signoffs')
    op.drop_table('screening_signoffs')
    op.drop_index(op.f('ix_screening_notes_screening_id'), table_name='screening_notes')
    op.drop_table('screening_notes')
