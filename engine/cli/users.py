"""``ipsdg users``: accounts, roles and API tokens for a served ipsdg (there is no default user or password)."""

from __future__ import annotations

import sys

import click

from engine.cli import main

DB_HELP = "Database URL, as given to ipsdg serve --db (default: the SQLite file in instance/)."


def _engine(db_url: str | None):  # type: ignore[no-untyped-def]
    """The serve database's engine, with the identity and audit tables created if missing."""
    from engine import auth
    from engine.store import Store

    if db_url is None:
        from web import default_database_url

        db_url = default_database_url()
    store = Store(db_url)
    auth.ensure_schema(store.engine)
    return store.engine


@main.group()
def users() -> None:
    """Add users (reviewer, researcher, admin), list them, issue and revoke API tokens."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["reviewer", "researcher", "admin"]), required=True,
              help="reviewer: reads and signs off; researcher: reads and screens; admin: everything.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--no-password", is_flag=True, help="A token-only account (a program), no browser sign-in.")
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_HELP)
def add(name: str, role: str, password_stdin: bool, no_password: bool, db_url: str | None) -> None:
    """Create user NAME with ROLE; asks for the password twice unless --password-stdin or --no-password."""
    from engine import audit, auth

    if no_password:
        password = None
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    engine = _engine(db_url)
    try:
        user = auth.add_user(engine, name, role, password)
    except auth.AuthError as exc:
        click.echo(f"ipsdg users add: {exc}", err=True)
        sys.exit(2)
    audit.record(engine, "cli", audit.USER_ADD, user.name, {"role": role, "password": password is not None})
    click.echo(f"added {user.name} ({user.role})")


@users.command("list")
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_HELP)
def list_(db_url: str | None) -> None:
    """Every user with role and state."""
    from engine import auth

    for user, disabled in auth.list_users(_engine(db_url)):
        click.echo("\t".join([user.name, user.role, *(["disabled"] if disabled else [])]))


@users.command("token")
@click.argument("name")
@click.option("--label", default="api", show_default=True, help="What the token is for (shown in the audit log).")
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_HELP)
def token(name: str, label: str, db_url: str | None) -> None:
    """Issue an API token for user NAME; it is printed once and stored only as a hash."""
    from engine import audit, auth

    engine = _engine(db_url)
    try:
        value = auth.create_token(engine, name, label)
    except auth.AuthError as exc:
        click.echo(f"ipsdg users token: {exc}", err=True)
        sys.exit(2)
    audit.record(engine, "cli", audit.TOKEN_CREATE, name, {"label": label})
    click.echo(value)


@users.command("revoke-tokens")
@click.argument("name")
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_HELP)
def revoke(name: str, db_url: str | None) -> None:
    """Revoke every API token of user NAME."""
    from engine import audit, auth

    engine = _engine(db_url)
    count = auth.revoke_tokens(engine, name)
    audit.record(engine, "cli", audit.TOKEN_REVOKE, name, {"count": count})
    click.echo(f"revoked {count} token(s) of {name}")


@main.command("audit")
@click.option("--action", default=None, help="Only this action (e.g. screening.create, login.failed).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_HELP)
def audit_cmd(action: str | None, limit: int, db_url: str | None) -> None:
    """Print the append-only audit log, newest first: time, actor, action, subject, detail."""
    import json

    from engine import audit

    for entry in audit.entries(_engine(db_url), action=action, limit=limit):
        click.echo("\t".join([entry.at.isoformat(timespec="seconds"), entry.actor, entry.action, entry.subject,
                              json.dumps(entry.detail, sort_keys=True)]))
