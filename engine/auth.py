"""Users, roles and API tokens, kept in the screening database beside the screenings.

- Users have one role: ``reviewer`` (reads, signs off), ``researcher`` (reads, screens), ``admin``
  (everything). They are created only by ``ipsdg users add``; there is no default user or password.
- Passwords are stored as scrypt hashes (stdlib ``hashlib.scrypt``, n=2**14, r=8, p=1, 16-byte salt).
- API tokens are 32 random bytes shown once; only their SHA-256 is stored (a token is high-entropy, so a
  plain hash is enough and lets a request be checked by one indexed lookup).

The tables live in this module's own ``metadata`` (engine/store.py keeps the screenings); ``ensure_schema``
creates what is missing, and the Alembic baseline (migrations/) creates the same.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

ROLES = ("reviewer", "researcher", "admin")
CAN_SCREEN = frozenset({"researcher", "admin"})
CAN_SIGN_OFF = frozenset({"reviewer", "admin"})
MIN_PASSWORD = 12
TOKEN_PREFIX = "ipsdg_"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

metadata = sa.MetaData()

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(200)),  # None: token-only account (a service)
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, default=False),
)


class AuthError(ValueError):
    """A user or token request that cannot be carried out (the message says why)."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def can_screen(self) -> bool:
        return self.role in CAN_SCREEN

    @property
    def can_sign_off(self) -> bool:
        return self.role in CAN_SIGN_OFF


def ensure_schema(engine: Engine) -> None:
    from engine import audit

    metadata.create_all(engine)
    audit.ensure_schema(engine)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random secret, made once (on the first unknown name): checking against it costs one scrypt."""
    return hash_password(secrets.token_urlsafe(32))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row: Any) -> User | None:
    return User(int(row[0]), str(row[1]), str(row[2])) if row is not None else None


def add_user(engine: Engine, name: str, role: str, password: str | None) -> User:
    """Create a user; a password (if any) must have MIN_PASSWORD characters."""
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() or not c.isprintable() for c in name):
        raise AuthError("a user name is 1 to 100 printable characters without spaces")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AuthError(f"the password needs at least {MIN_PASSWORD} characters")
    with engine.begin() as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.name == name)).first() is not None:
            raise AuthError(f"a user named {name!r} already exists")
        key = conn.execute(sa.insert(users).values(
            name=name, role=role, password_hash=hash_password(password) if password else None,
            created_at=datetime.now(UTC), disabled=False)).inserted_primary_key
    assert key is not None
    return User(int(key[0]), name, role)


def list_users(engine: Engine) -> list[tuple[User, bool]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(users.c.id, users.c.name, users.c.role, users.c.disabled)
                            .order_by(users.c.name)).all()
    return [(User(int(r[0]), str(r[1]), str(r[2])), bool(r[3])) for r in rows]


def user_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(users)
                                .where(users.c.disabled.is_(False))).scalar_one())


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    """The user if the name and password match an enabled account (same work whether or not the name exists)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(users.c.id, users.c.name, users.c.role, users.c.password_hash)
                           .where(users.c.name == name, users.c.disabled.is_(False))).first()
    if row is None:
        check_password(password, _dummy_hash())  # one scrypt, as for a known name: no timing difference
        return None
    return _user(row) if check_password(password, row[3] or _dummy_hash()) else None


def create_token(engine: Engine, name: str, label: str) -> str:
    """A new API token for user ``name``; returned once, stored only as its SHA-256."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        row = conn.execute(sa.select(users.c.id).where(users.c.name == name)).first()
        if row is None:
            raise AuthError(f"no user named {name!r}")
        conn.execute(sa.insert(api_tokens).values(user_id=row[0], token_sha256=_token_digest(token),
                                                  label=label[:100] or "token", created_at=datetime.now(UTC),
                                                  revoked=False))
    return token


def revoke_tokens(engine: Engine, name: str) -> int:
    with engine.begin() as conn:
        ids = sa.select(users.c.id).where(users.c.name == name).scalar_subquery()
        return int(conn.execute(sa.update(api_tokens).where(api_tokens.c.user_id == ids)
                                .values(revoked=True)).rowcount)


def token_user(engine: Engine, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    query = (sa.select(users.c.id, users.c.name, users.c.role)
             .join(api_tokens, api_tokens.c.user_id == users.c.id)
             .where(api_tokens.c.token_sha256 == _token_digest(token), api_tokens.c.revoked.is_(False),
                    users.c.disabled.is_(False)))
    with engine.connect() as conn:
        return _user(conn.execute(query).first())


def get_user(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as conn:
        return _user(conn.execute(sa.select(users.c.id, users.c.name, users.c.role)
                                  .where(users.c.id == user_id, users.c.disabled.is_(False))).first())
