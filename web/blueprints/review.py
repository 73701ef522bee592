"""Sign-off and notes on a stored screening (the workflow itself is engine/review.py).

Forms on the report page post here; each redirects back to the report's review panel. A refusal is a
page with the reason: 403 (your role, or the four-eyes rule), 409 (the screening is not in a state that
allows it), 404 (no such screening), 422 (bad input, e.g. an empty note or a supersede by an older screening).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, request, url_for

from engine import review
from web.auth import review_actor
from web.services import services

bp = Blueprint("review", __name__)
STATUS = {"forbidden": 403, "conflict": 409, "invalid": 422, "missing": 404}


def _back(screening_id: int) -> Any:
    return redirect(url_for("screenings.show", screening_id=screening_id) + "#review", code=303)


def _refused(exc: review.ReviewError) -> Any:
    abort(STATUS[exc.kind], description=f"Not recorded: {exc}.")


@bp.post("/screenings/<int:screening_id>/signoff")
def sign_off(screening_id: int) -> Any:
    form = request.form
    newer = form.get("superseded_by", type=int) if form.get("action") == "supersede" else None
    try:
        review.sign_off(services().store.engine, screening_id, form.get("action", ""), review_actor(),
                        note=form.get("note"), superseded_by=newer)
    except review.ReviewError as exc:
        return _refused(exc)
    return _back(screening_id)


@bp.post("/screenings/<int:screening_id>/notes")
def add_note(screening_id: int) -> Any:
    try:
        review.add_note(services().store.engine, screening_id, review_actor(), request.form.get("text", ""))
    except review.ReviewError as exc:
        return _refused(exc)
    return _back(screening_id)
