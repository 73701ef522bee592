"""The review of a stored screening: notes, and a sign-off state recorded with who and when.

States: ``draft`` (nothing signed yet) -> ``reviewed`` -> ``approved``; ``draft`` or ``reviewed`` ->
``rejected``; any state but ``superseded`` -> ``superseded`` by a newer screening of the same deal.
Who may do what (the four-eyes rule):
- reviewers and admins review, reject, approve and supersede; researchers may only write notes;
- approving needs a different person from the one who reviewed, unless the approver is an admin;
- with no sign-in configured (``make demo`` on loopback) the local user is the single user and may do all
  of it alone: the four-eyes rule cannot be enforced for one person, and the pages say so.

Sign-offs are events, never updated: the state is the latest event's. Each event has a sequence number
unique per screening, so two people acting on the same state at once cannot both succeed (the second
gets a conflict). Every sign-off and note writes the audit log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from engine import audit
from engine.auth import CAN_SIGN_OFF
from engine.store import aware, in_id_range, screenings

State = Literal["draft", "reviewed", "approved", "rejected", "superseded"]
Action = Literal["review", "approve", "reject", "supersede"]
ACTIONS: dict[str, State] = {"review": "reviewed", "approve": "approved", "reject": "rejected",
                             "supersede": "superseded"}
FROM: dict[str, tuple[str, ...]] = {"review": ("draft",), "approve": ("reviewed",),
                                    "reject": ("draft", "reviewed"),
                                    "supersede": ("draft", "reviewed", "approved", "rejected")}
MAX_NOTE = 4000

metadata = sa.MetaData()

screening_signoffs = sa.Table(
    "screening_signoffs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("screening_id", sa.ForeignKey(screenings.c.id, ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),  # 1, 2, ... per screening: a concurrent second write fails
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("role", sa.String(20)),  # None: the single local user (no sign-in configured)
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("superseded_by", sa.ForeignKey(screenings.c.id, ondelete="SET NULL")),
    sa.UniqueConstraint("screening_id", "seq", name="uq_screening_signoffs_seq"),
)

screening_notes = sa.Table(
    "screening_notes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("screening_id", sa.ForeignKey(screenings.c.id, ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("role", sa.String(20)),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)


class ReviewError(ValueError):
    """A sign-off that cannot be made; ``kind`` is ``forbidden`` (who), ``conflict`` (the state), ``invalid``
    (the input) or ``missing`` (no such screening)."""

    def __init__(self, kind: Literal["forbidden", "conflict", "invalid", "missing"], message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user with a role, or (role None) the single local user of an unauthenticated app."""

    name: str
    role: str | None

    @property
    def local(self) -> bool:
        return self.role is None


@dataclass(frozen=True)
class SignOff:
    screening_id: int
    seq: int
    state: str
    actor: str
    role: str | None
    at: datetime
    note: str | None
    superseded_by: int | None


@dataclass(frozen=True)
class Note:
    screening_id: int
    author: str
    role: str | None
    at: datetime
    text: str


@dataclass(frozen=True)
class Review:
    screening_id: int
    events: list[SignOff] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.events[-1].state if self.events else "draft"

    @property
    def reviewed_by(self) -> str | None:
        return next((e.actor for e in reversed(self.events) if e.state == "reviewed"), None)

    @property
    def superseded_by(self) -> int | None:
        return self.events[-1].superseded_by if self.events else None


def ensure_schema(engine: Engine) -> None:
    metadata.create_all(engine)


def refusal(actor: Actor, current: Review, action: str) -> ReviewError | None:
    """Why ``actor`` may not take ``action`` on a screening in this review state (None: allowed)."""
    if action not in ACTIONS:
        return ReviewError("invalid", f"no sign-off action {action!r}; choose one of: {', '.join(ACTIONS)}")
    if not actor.local and actor.role not in CAN_SIGN_OFF:
        return ReviewError("forbidden", f"{actor.name} is a {actor.role}; signing off needs the reviewer or "
                                        "admin role (a researcher may add notes)")
    if current.state not in FROM[action]:
        return ReviewError("conflict", f"screening #{current.screening_id} is {current.state}; "
                                       f"{action} needs it to be {' or '.join(FROM[action])}")
    if (action == "approve" and not actor.local and actor.role != "admin"
            and current.reviewed_by == actor.name):
        return ReviewError("forbidden", f"{actor.name} reviewed screening #{current.screening_id}; approval "
                                        "needs a different person (another reviewer, or an admin)")
    return None


def _load(conn: Connection, screening_id: int) -> Review:
    events = [SignOff(r.screening_id, r.seq, r.state, r.actor, r.role, aware(r.at), r.note, r.superseded_by)
              for r in conn.execute(sa.select(screening_signoffs).where(
                  screening_signoffs.c.screening_id == screening_id).order_by(screening_signoffs.c.seq))]
    notes = [Note(r.screening_id, r.author, r.role, aware(r.at), r.text)
             for r in conn.execute(sa.select(screening_notes).where(
                 screening_notes.c.screening_id == screening_id).order_by(screening_notes.c.id))]
    return Review(screening_id, events, notes)


def review(engine: Engine, screening_id: int) -> Review:
    with engine.connect() as conn:
        return _load(conn, screening_id)


def states(engine: Engine, ids: Sequence[int]) -> dict[int, str]:
    """The sign-off state of each given screening (``draft`` when nothing was signed)."""
    found = {int(i): "draft" for i in ids}
    if not found:
        return found
    latest = (sa.select(screening_signoffs.c.screening_id, sa.func.max(screening_signoffs.c.seq).label("seq"))
              .where(screening_signoffs.c.screening_id.in_(list(found))).group_by(screening_signoffs.c.screening_id)
              .subquery())
    query = sa.select(screening_signoffs.c.screening_id, screening_signoffs.c.state).join(
        latest, sa.and_(latest.c.screening_id == screening_signoffs.c.screening_id,
                        latest.c.seq == screening_signoffs.c.seq))
    with engine.connect() as conn:
        found.update({int(i): s for i, s in conn.execute(query).all()})
    return found


def sign_off(engine: Engine, screening_id: int, action: str, actor: Actor, note: str | None = None,
             superseded_by: int | None = None) -> SignOff:
    """Record one sign-off (and its audit entry, in the same transaction); ReviewError says why not."""
    note = (note or "").strip()[:MAX_NOTE] or None
    try:
        with engine.begin() as conn:
            _exists(conn, screening_id)
            current = _load(conn, screening_id)
            refused = refusal(actor, current, action)
            if refused is not None:
                raise refused
            if action == "supersede":
                _check_newer(conn, screening_id, superseded_by)
            elif superseded_by is not None:
                raise ReviewError("invalid", "only 'supersede' names a newer screening")
            event = SignOff(screening_id, len(current.events) + 1, ACTIONS[action], actor.name, actor.role,
                            datetime.now(UTC), note, superseded_by)
            conn.execute(sa.insert(screening_signoffs).values(
                screening_id=screening_id, seq=event.seq, state=event.state, actor=event.actor, role=event.role,
                at=event.at, note=event.note, superseded_by=event.superseded_by))
            audit.record(conn, actor.name, audit.SIGN_OFF, f"screening:{screening_id}",
                         {"from": current.state, "to": event.state, "role": actor.role or "local",
                          "note": note, "superseded_by": superseded_by})
    except sa.exc.IntegrityError:
        raise ReviewError("conflict", f"screening #{screening_id} was signed off by someone else meanwhile; "
                                      "reload it and try again") from None
    return event


def _exists(conn: Connection, screening_id: int) -> None:
    found = in_id_range(screening_id) and conn.execute(
        sa.select(screenings.c.id).where(screenings.c.id == screening_id)).first() is not None
    if not found:
        raise ReviewError("missing", f"there is no stored screening #{screening_id}")


def _check_newer(conn: Connection, screening_id: int, newer: int | None) -> None:
    if newer is None:
        raise ReviewError("invalid", "supersede needs the id of the newer screening that replaces this one")
    if not in_id_range(newer):  # 2**70 would overflow the driver: no such row, bad input
        raise ReviewError("invalid", f"there is no stored screening #{newer}")
    rows = {r.id: r.deal_id for r in conn.execute(sa.select(screenings.c.id, screenings.c.deal_id).where(
        screenings.c.id.in_([screening_id, newer])))}
    if newer not in rows:
        raise ReviewError("invalid", f"there is no stored screening #{newer}")
    if newer <= screening_id or rows[newer] != rows[screening_id]:
        raise ReviewError("invalid", f"screening #{newer} cannot supersede #{screening_id}: it must be a newer "
                                     f"screening of the same deal ({rows[screening_id]!r})")


def add_note(engine: Engine, screening_id: int, actor: Actor, text: str) -> Note:
    """Any user (any role) may annotate a screening; the note is kept with who and when, and audited."""
    text = text.strip()
    with engine.begin() as conn:
        _exists(conn, screening_id)  # first: no such screening is "missing" whatever the text
        if not text:
            raise ReviewError("invalid", "the note is empty; write what you want to record")
        if len(text) > MAX_NOTE:
            raise ReviewError("invalid", f"the note has {len(text)} characters; the limit is {MAX_NOTE}")
        note = Note(screening_id, actor.name, actor.role, datetime.now(UTC), text)
        conn.execute(sa.insert(screening_notes).values(screening_id=screening_id, author=note.author,
                                                       role=note.role, at=note.at, text=note.text))
        audit.record(conn, actor.name, audit.SCREENING_NOTE, f"screening:{screening_id}", {"chars": len(text)})
    return note
