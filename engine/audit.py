"""An append-only audit log: who screened, signed off, published rules, added users or tokens, and when.

Rows are only ever inserted (``record``); the database itself refuses UPDATE and DELETE on the table
through triggers (SQLite and PostgreSQL), so a bug or a hand-run query cannot rewrite history without
first dropping the trigger, which needs the schema owner's rights.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

SCREENING = "screening.create"
SIGN_OFF = "screening.sign_off"
SCREENING_NOTE = "screening.note"
RULES_PUBLISH = "rules.publish"
USER_ADD = "user.add"
TOKEN_CREATE = "token.create"
TOKEN_REVOKE = "token.revoke"
LOGIN = "login"
LOGIN_FAILED = "login.failed"

metadata = sa.MetaData()

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(40), nullable=False, index=True),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)

# Refuse UPDATE and DELETE in the database itself (DDL per dialect; both idempotent).
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
]


def triggers(dialect: str) -> list[str]:
    return SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS if dialect == "postgresql" else []


def ensure_schema(engine: Engine) -> None:
    metadata.create_all(engine)
    with engine.begin() as conn:
        for statement in triggers(engine.dialect.name):
            conn.exec_driver_sql(statement)


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]


def record(target: Engine | Connection, actor: str, action: str, subject: str,
           detail: Mapping[str, Any] | None = None) -> None:
    """Append one entry; pass a Connection to write it in the caller's transaction."""
    row = {"at": datetime.now(UTC), "actor": actor[:100], "action": action, "subject": subject[:200],
           "detail": json.dumps(dict(detail or {}), sort_keys=True, default=str)}
    if isinstance(target, Connection):
        target.execute(sa.insert(audit_log).values(**row))
    else:
        with target.begin() as conn:
            conn.execute(sa.insert(audit_log).values(**row))


def entries(engine: Engine, *, action: str | None = None, limit: int = 100) -> list[Entry]:
    """Newest first."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [Entry(int(r["id"]), r["at"], r["actor"], r["action"], r["subject"], json.loads(r["detail"]))
            for r in rows]
