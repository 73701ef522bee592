"""Screen the shipped example deals into an app's store: what ``make demo`` shows first."""

from __future__ import annotations

from datetime import date

from flask import Flask

from engine.errors import InputError, Problem
from web import runs
from web.services import Services

DEMO_USER = "demo"


def seed(app: Flask, *, as_of: date | None = None, skip_existing: bool = True) -> tuple[list[int], list[Problem]]:
    """Screen every example deal (with its documents); returns new screening ids and the problems of bad examples.

    With ``skip_existing`` a deal already in the store is not screened again, so
    running the demo twice does not double the history.
    """
    svc: Services = app.extensions["ipsdg"]
    known = {s.summary.deal_filename for s in svc.store.latest_per_deal()} if skip_existing else set()
    ids: list[int] = []
    problems: list[Problem] = []
    with app.app_context():
        for name in svc.examples():
            if name in known:
                continue
            try:
                ids.append(runs.screen_example(name, user=DEMO_USER, as_of=as_of))
            except InputError as exc:
                problems.extend(exc.problems)
    return ids, problems
