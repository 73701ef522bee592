"""New screening (upload or example) -> stored report; history of every screening."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for

from engine import report, review
from engine.errors import InputError, Problem
from engine.models.screening import Screening
from engine.portfolio import compare as comparison
from web import runs
from web.auth import review_actor, screening_user
from web.services import services
from web.templating import render
from web.uploads import read_deal_upload, read_document_uploads

bp = Blueprint("screenings", __name__)
PAGE_SIZE = 50
DOWNLOADS = {"md": "text/markdown; charset=utf-8", "json": "application/json", "html": "text/html; charset=utf-8"}


@bp.get("/")
def home() -> Any:
    target = "portfolio.index" if services().store.count() else "screenings.new"
    return redirect(url_for(target))


@bp.get("/screenings/new")
def new() -> str:
    return _form()


@bp.post("/screenings/new")
def create() -> Any:
    form = request.form
    user = form.get("user")
    screening_user(user)  # before any upload is read: a reviewer or a signed-out caller is refused at once
    try:
        as_of = runs.parse_as_of(form.get("as_of"))
        deal_file = request.files.get("deal")
        if deal_file is not None and deal_file.filename:
            deal = read_deal_upload(deal_file)
            documents = read_document_uploads(request.files.getlist("documents"), services().upload_tmp)
            new_id = runs.screen_text(deal.text, deal.name, documents, user=user, as_of=as_of,
                                      json_only=deal.json_only)
        elif form.get("example"):
            new_id = runs.screen_example(form["example"], user=user, as_of=as_of)
        else:
            raise InputError.single("missing_field", "choose a deal file to upload or pick an example deal", "deal")
    except InputError as exc:
        return _form(problems=exc.problems), 422
    return redirect(url_for("screenings.show", screening_id=new_id), code=303)


def _form(problems: list[Problem] | None = None) -> str:
    limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 1024 / 1024
    return render("new.html.j2", examples=services().examples(), problems=problems or [], form=request.form,
                  limit_mb=limit_mb)


@bp.get("/screenings")
def screenings() -> Any:
    """The list of screenings lives at /history (the nav's "History"); old links keep working."""
    query = request.query_string.decode("ascii", "replace")
    return redirect(url_for("screenings.history") + (f"?{query}" if query else ""), code=308)


@bp.get("/history")
def history() -> str:
    store = services().store
    deal_id = request.args.get("deal") or None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    total = store.count(deal_id=deal_id)
    rows = store.summaries(deal_id=deal_id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    ids = [r.id for r in rows]
    return render("history.html.j2", rows=rows, deal_id=deal_id, page=page, total=total, page_size=PAGE_SIZE,
                  previous=store.previous_ids(ids), states=review.states(store.engine, ids))


def _row(screening_id: int) -> Any:
    """The stored screening, not parsed; 404 if there is none."""
    stored = services().store.get(screening_id)
    if stored is None:
        abort(404, description=f"There is no stored screening #{screening_id}.")
    return stored


def _stored(screening_id: int) -> tuple[Any, Screening]:
    stored = _row(screening_id)
    return stored, Screening.model_validate_json(stored.screening_json)


@bp.get("/screenings/<int:screening_id>")
def show(screening_id: int) -> str:
    """A past report, re-rendered from the stored Screening JSON (not re-screened)."""
    stored, screening = _stored(screening_id)
    store = services().store
    others = [r for r in store.summaries(deal_id=stored.summary.deal_id, limit=PAGE_SIZE) if r.id != screening_id]
    previous = store.previous_ids([screening_id]).get(screening_id)
    actor = review_actor()
    rv = review.review(store.engine, screening_id)
    refusals = {a: review.refusal(actor, rv, a) for a in ("review", "approve", "reject", "supersede")}
    return render("report.html.j2", stored=stored.summary, previous=previous, others=others, rv=rv, actor=actor,
                  refusals=refusals, newer=[o for o in others if o.id > screening_id], **report.context(screening))


@bp.get("/screenings/<int:screening_id>/compare")
def compare_pick(screening_id: int) -> Any:
    """The report page's "compare with" picker (a GET form) lands here and goes to the comparison."""
    other = request.args.get("with", 0, type=int) or 0
    old, new = sorted((other, screening_id))
    return redirect(url_for("screenings.compare", a=old, b=new), code=303)


@bp.get("/screenings/<int:a>/compare/<int:b>")
def compare(a: int, b: int) -> Any:
    """Two screenings of one deal side by side, the earlier stored one as "before" (a reversed URL is turned)."""
    if a > b:
        return redirect(url_for("screenings.compare", a=b, b=a), code=308)
    old, new = _row(a), _row(b)  # compare parses each screening once
    try:
        result = comparison.compare(old, new)
    except comparison.NotComparable as exc:
        abort(400, description=f"Cannot compare: {exc}.")
    return render("compare.html.j2", c=result)


@bp.get("/screenings/<int:screening_id>/report.<fmt>")
def download(screening_id: int, fmt: str) -> Response:
    if fmt not in DOWNLOADS:
        abort(404, description=f"No report format {fmt!r}; choose one of: {', '.join(DOWNLOADS)}.")
    stored, screening = _stored(screening_id)
    text = report.render(screening, fmt)  # type: ignore[arg-type]
    name = f"{stored.summary.deal_id}-{screening_id}.{fmt}"
    return Response(text, mimetype=DOWNLOADS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
