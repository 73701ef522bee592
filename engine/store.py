"""Persistence of screenings: every input, the rule set hashes and the full result.

One SQLAlchemy Core schema serves the embedded SQLite file (the default) and
PostgreSQL (any SQLAlchemy URL). A screening and all its index rows are written
in one transaction, so a crash mid-write leaves no half record. The full
``Screening`` JSON is stored verbatim: re-rendering a past report needs nothing
but this database, even after the rule files have changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from engine.models.stored import (
    ScreeningSummary,
    StoredDocument,
    StoredFinding,
    StoredRuleset,
    StoredScreening,
)

if TYPE_CHECKING:
    from engine.models.screening import Screening

ANONYMOUS = "anonymous"
MAX_USER_LENGTH = 100

metadata = sa.MetaData()

screenings = sa.Table(
    "screenings", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user", sa.String(MAX_USER_LENGTH), nullable=False),
    sa.Column("deal_id", sa.String(120), nullable=False, index=True),
    sa.Column("deal_name", sa.Text, nullable=False),
    sa.Column("label", sa.String(60), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("verdict", sa.String(20), nullable=False),
    sa.Column("grade", sa.String(10), nullable=False),
    sa.Column("esg_score", sa.Float, nullable=False),
    sa.Column("deal_filename", sa.Text, nullable=False),
    sa.Column("deal_text", sa.Text, nullable=False),
    sa.Column("deal_json", sa.Text, nullable=False),
    sa.Column("screening_json", sa.Text, nullable=False),
)

screening_documents = sa.Table(
    "screening_documents", metadata,
    sa.Column("screening_id", sa.ForeignKey("screenings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("pages", sa.Integer),
)

screening_rulesets = sa.Table(
    "screening_rulesets", metadata,
    sa.Column("screening_id", sa.ForeignKey("screenings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.String(120), primary_key=True),
    sa.Column("version", sa.String(60), nullable=False),
    sa.Column("hash", sa.String(128), nullable=False),
)

screening_findings = sa.Table(
    "screening_findings", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("screening_id", sa.ForeignKey("screenings.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("rule_id", sa.String(120), nullable=False, index=True),
    sa.Column("ruleset", sa.String(120), nullable=False),
    sa.Column("effect", sa.String(40), nullable=False),
    sa.Column("status", sa.String(40)),
)


def sqlite_url(path: str | Path) -> str:
    """The URL of an embedded SQLite file (created with its folder on first use)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(path).resolve()}"


MAX_ID = 2**63 - 1  # the largest 64-bit key; a larger integer matches no row (and the driver would overflow)


def in_id_range(value: int) -> bool:
    """Whether an integer can be a stored row id (1 .. 2**63-1): query only then."""
    return 0 < value <= MAX_ID


def clean_user(user: str | None) -> str:
    """Who screened: free text from a form or API call, trimmed; empty means anonymous."""
    text = " ".join((user or "").split())[:MAX_USER_LENGTH]
    return text or ANONYMOUS


class Store:
    """Screenings in a SQL database; safe to share between threads (one pooled engine)."""

    def __init__(self, url: str):
        self.url = url
        self._engine: Engine = _make_engine(url)
        metadata.create_all(self._engine)  # first run creates the schema; later runs find it

    @property
    def engine(self) -> Engine:
        """The pooled engine (identity and audit tables share the database: engine/auth.py, engine/audit.py)."""
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    # --- writing -------------------------------------------------------------

    def save(self, screening: Screening, *, deal_text: str, deal_filename: str, user: str | None = None,
             created_at: datetime | None = None, also: Callable[[Connection, int], None] | None = None) -> int:
        """Store one screening with its inputs in a single transaction; returns its id.

        ``also(conn, id)`` runs in the same transaction (the audit entry: both are written or neither).
        """
        row = {
            "created_at": created_at or datetime.now(UTC),
            "user": clean_user(user),
            "deal_id": screening.deal_id,
            "deal_name": screening.deal_name,
            "label": screening.label,
            "as_of": screening.as_of,
            "verdict": screening.verdict,
            "grade": screening.grade,
            "esg_score": float(screening.esg_score),
            "deal_filename": deal_filename,
            "deal_text": deal_text,
            "deal_json": screening.deal.model_dump_json(),
            "screening_json": screening.model_dump_json(),
        }
        with self._engine.begin() as conn:
            key = conn.execute(sa.insert(screenings).values(**row)).inserted_primary_key
            assert key is not None
            new_id = int(key[0])
            docs = [{"screening_id": new_id, "position": i, "name": d.name, "sha256": d.sha256, "pages": d.pages}
                    for i, d in enumerate(screening.documents)]
            if docs:
                conn.execute(sa.insert(screening_documents), docs)
            sets = [{"screening_id": new_id, "name": r.name, "version": str(r.version), "hash": r.hash}
                    for r in screening.rulesets]
            if sets:
                conn.execute(sa.insert(screening_rulesets), sets)
            found = [{"screening_id": new_id, "rule_id": f.rule_id, "ruleset": f.ruleset, "effect": f.effect,
                      "status": getattr(f, "status", None)} for f in screening.findings]
            if found:
                conn.execute(sa.insert(screening_findings), found)
            if also is not None:
                also(conn, new_id)
        return new_id

    # --- reading -------------------------------------------------------------

    def get(self, screening_id: int) -> StoredScreening | None:
        """One stored screening with every input, or None if there is no such id."""
        if not in_id_range(screening_id):
            return None
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(screenings).where(screenings.c.id == screening_id)).mappings().first()
            if row is None:
                return None
            summary = _summaries(conn, [row])[0]
        return StoredScreening(summary=summary, deal_text=row["deal_text"], deal_json=row["deal_json"],
                               screening_json=row["screening_json"])

    def summaries(self, *, deal_id: str | None = None, limit: int = 100, offset: int = 0) -> list[ScreeningSummary]:
        """Stored screenings, newest first."""
        if offset > MAX_ID:  # past any 64-bit row count (a page number in the billions of billions): nothing
            return []
        query = sa.select(*_SUMMARY_COLUMNS).order_by(screenings.c.id.desc()).limit(limit).offset(offset)
        if deal_id is not None:
            query = query.where(screenings.c.deal_id == deal_id)
        with self._engine.connect() as conn:
            return _summaries(conn, conn.execute(query).mappings().all())

    def count(self, *, deal_id: str | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(screenings)
        if deal_id is not None:
            query = query.where(screenings.c.deal_id == deal_id)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def previous_ids(self, ids: Sequence[int]) -> dict[int, int]:
        """For each given screening, the id of the screening of the same deal stored just before it (if any)."""
        if not ids:
            return {}
        other = screenings.alias("other")
        prev = (sa.select(sa.func.max(other.c.id))
                .where(other.c.deal_id == screenings.c.deal_id, other.c.id < screenings.c.id).scalar_subquery())
        query = sa.select(screenings.c.id, prev).where(screenings.c.id.in_(list(ids)))
        with self._engine.connect() as conn:
            return {int(i): int(p) for i, p in conn.execute(query).all() if p is not None}

    def latest_per_deal(self) -> list[StoredScreening]:
        """The most recent screening of every deal (the portfolio), ordered by deal id."""
        newest = sa.select(sa.func.max(screenings.c.id)).group_by(screenings.c.deal_id).scalar_subquery()
        query = sa.select(screenings).where(screenings.c.id.in_(newest)).order_by(screenings.c.deal_id)
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            summaries = _summaries(conn, rows)
        return [StoredScreening(summary=s, deal_text=r["deal_text"], deal_json=r["deal_json"],
                                screening_json=r["screening_json"]) for s, r in zip(summaries, rows, strict=True)]

    def findings_of_rule(self, rule_id: str, *, limit: int = 200) -> list[tuple[StoredFinding, ScreeningSummary]]:
        """Where a rule produced findings: each finding with the screening it belongs to, newest first."""
        finding_cols = [c.label(f"finding_{c.name}") for c in screening_findings.c]  # both tables have an id
        query = (sa.select(*finding_cols, *_SUMMARY_COLUMNS)
                 .join(screenings, screenings.c.id == screening_findings.c.screening_id)
                 .where(screening_findings.c.rule_id == rule_id)
                 .order_by(screenings.c.id.desc(), screening_findings.c.id).limit(limit))
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            summaries = _summaries(conn, rows)
        return [(StoredFinding(screening_id=r["finding_screening_id"], rule_id=r["finding_rule_id"],
                               ruleset=r["finding_ruleset"], effect=r["finding_effect"], status=r["finding_status"]), s)
                for r, s in zip(rows, summaries, strict=True)]

    def rule_counts(self) -> dict[str, int]:
        """How many stored screenings each rule produced a finding on."""
        query = (sa.select(screening_findings.c.rule_id,
                           sa.func.count(sa.distinct(screening_findings.c.screening_id)))
                 .group_by(screening_findings.c.rule_id))
        with self._engine.connect() as conn:
            return {rule_id: int(n) for rule_id, n in conn.execute(query).all()}


_SUMMARY_COLUMNS = tuple(c for c in screenings.c if c.name not in ("deal_text", "deal_json", "screening_json"))


def _summaries(conn: Connection, rows: Sequence[Any]) -> list[ScreeningSummary]:
    """Rows of ``screenings`` -> summaries, with documents and rule sets loaded in two queries."""
    ids = sorted({row["id"] for row in rows})
    docs: dict[int, list[StoredDocument]] = {i: [] for i in ids}
    sets: dict[int, list[StoredRuleset]] = {i: [] for i in ids}
    if ids:
        for d in conn.execute(sa.select(screening_documents).where(screening_documents.c.screening_id.in_(ids))
                              .order_by(screening_documents.c.position)).mappings():
            docs[d["screening_id"]].append(StoredDocument(name=d["name"], sha256=d["sha256"], pages=d["pages"]))
        for r in conn.execute(sa.select(screening_rulesets).where(screening_rulesets.c.screening_id.in_(ids))
                              .order_by(screening_rulesets.c.name)).mappings():
            sets[r["screening_id"]].append(StoredRuleset(name=r["name"], version=r["version"], hash=r["hash"]))
    return [ScreeningSummary(
        id=row["id"], created_at=aware(row["created_at"]), user=row["user"], deal_id=row["deal_id"],
        deal_name=row["deal_name"], label=row["label"], as_of=row["as_of"], verdict=row["verdict"],
        grade=row["grade"], esg_score=row["esg_score"], deal_filename=row["deal_filename"],
        documents=docs[row["id"]], rulesets=sets[row["id"]]) for row in rows]


def aware(value: datetime) -> datetime:
    """SQLite drops the time zone; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _make_engine(url: str) -> Engine:
    if url.startswith(("postgresql://", "postgres://")):  # the driver ipsdg installs (psycopg 3)
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        # WAL lets readers run while a screening is written; foreign keys are off by default in SQLite.
        cursor = dbapi_conn.cursor()
        if ":memory:" not in url and url != "sqlite://":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine

