"""Alembic environment: the screening store, identity and audit tables of ipsdg (run by engine/migrate.py)."""

from __future__ import annotations

from alembic import context

from engine.migrate import target_metadata

config = context.config
connection = config.attributes["connection"]  # engine/migrate.py always passes an open connection
context.configure(connection=connection, target_metadata=target_metadata(), compare_type=True)
with context.begin_transaction():
    context.run_migrations()
