"""baseline: screenings, users, api tokens, audit log

The schema as engine/store.py, engine/auth.py and engine/audit.py created it when migrations began
(tests/test_migrations.py checks that upgrading an empty database gives exactly the code's tables).
A database created earlier by Store holds the screening tables of this revision and is stamped here.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# audit_log refuses UPDATE and DELETE in the database itself (as engine/audit.py at this revision)
APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    ],
}


def upgrade() -> None:
    op.create_table('screenings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('deal_id', sa.String(length=120), nullable=False),
    sa.Column('deal_name', sa.Text(), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('grade', sa.String(length=10), nullable=False),
    sa.Column('esg_score', sa.Float(), nullable=False),
    sa.Column('deal_filename', sa.Text(), nullable=False),
    sa.Column('deal_text', sa.Text(), nullable=False),
    sa.Column('deal_json', sa.Text(), nullable=False),
    sa.Column('screening_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_screenings_deal_id'), 'screenings', ['deal_id'], unique=False)
    op.create_table('screening_documents',
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('screening_id', 'position')
    )
    op.create_index(op.f('ix_screening_documents_sha256'), 'screening_documents', ['sha256'], unique=False)
    op.create_table('screening_findings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=120), nullable=False),
    sa.Column('ruleset', sa.String(length=120), nullable=False),
    sa.Column('effect', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_screening_findings_rule_id'), 'screening_findings', ['rule_id'], unique=False)
    op.create_index(op.f('ix_screening_findings_screening_id'), 'screening_findings', ['screening_id'], unique=False)
    op.create_table('screening_rulesets',
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('version', sa.String(length=60), nullable=False),
    sa.Column('hash', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('screening_id', 'name')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_sha256')
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_audit_log_action'), 'audit_log', ['action'], unique=False)
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE")
    op.drop_index(op.f('ix_audit_log_action'), table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index(op.f('ix_api_tokens_user_id'), table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('screening_rulesets')
    op.drop_index(op.f('ix_screening_findings_screening_id'), table_name='screening_findings')
    op.drop_index(op.f('ix_screening_findings_rule_id'), table_name='screening_findings')
    op.drop_table('screening_findings')
    op.drop_index(op.f('ix_screening_documents_sha256'), table_name='screening_documents')
    op.drop_table('screening_documents')
    op.drop_index(op.f('ix_screenings_deal_id'), table_name='screenings')
    op.drop_table('screenings')
