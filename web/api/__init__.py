"""JSON API under /api/v1/, mirroring the CLI: screen, read stored screenings, extract, list rules.

Every error, including 404/405/413/500, has one shape:
``{"error": {"code", "message", "problems": [...]}}`` (see web/errors.py).
The OpenAPI description beside these routes (openapi.py) is tested to cover each one.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from engine.errors import InputError
from engine.models.screening import Screening
from engine.portfolio import compare as comparison
from web import runs
from web.api.openapi import spec
from web.auth import screening_user
from web.errors import api_error
from web.services import services
from web.templating import shown_path
from web.uploads import check_deal_size, read_deal_upload, read_document_uploads

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_LIMIT = 500


def _created(new_id: int) -> Response:
    stored = services().store.get(new_id)
    assert stored is not None
    response = jsonify(_stored_json(new_id, stored))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_screening", screening_id=new_id)
    return response


def _stored_json(screening_id: int, stored: Any) -> dict[str, Any]:
    return {"id": screening_id, "summary": stored.summary.model_dump(mode="json"),
            "report_url": url_for("screenings.show", screening_id=screening_id),
            "screening": Screening.model_validate_json(stored.screening_json).model_dump(mode="json")}


@bp.post("/screenings")
def create_screening() -> Any:
    """A JSON deal as the body, or multipart with a ``deal`` file and ``documents`` files."""
    user = request.values.get("user")
    screening_user(user)  # before any upload is read: a reviewer or a signed-out caller is refused at once
    as_of = runs.parse_as_of(request.values.get("as_of"))
    if request.mimetype == "application/json":
        body = request.get_data()
        check_deal_size(len(body), "request.json")  # before decoding: over yamlio's limit is refused at once
        text = body.decode(errors="replace")
        return _created(runs.screen_text(text, "request.json", user=user, as_of=as_of, json_only=True))
    if request.mimetype == "multipart/form-data":
        deal_file = request.files.get("deal")
        if deal_file is None or not deal_file.filename:
            raise InputError.single("missing_field", "the multipart body needs a 'deal' file part", "deal")
        deal = read_deal_upload(deal_file)
        documents = read_document_uploads(request.files.getlist("documents"), services().upload_tmp)
        return _created(runs.screen_text(deal.text, deal.name, documents, user=user, as_of=as_of,
                                         json_only=deal.json_only))
    sent = request.mimetype or "an empty body"
    return api_error(415, f"Send the deal as application/json or multipart/form-data, not {sent}.")


@bp.get("/screenings/<int:screening_id>")
def get_screening(screening_id: int) -> Any:
    stored = services().store.get(screening_id)
    if stored is None:
        return api_error(404, f"There is no stored screening #{screening_id}.")
    return jsonify(_stored_json(screening_id, stored))


@bp.get("/screenings/<int:a>/compare/<int:b>")
def compare_screenings(a: int, b: int) -> Any:
    """The comparison the page /screenings/<a>/compare/<b> shows, as JSON (``a`` is the "old" side)."""
    store = services().store
    old, new = store.get(a), store.get(b)
    for wanted, found in ((a, old), (b, new)):
        if found is None:
            return api_error(404, f"There is no stored screening #{wanted}.")
    assert old is not None and new is not None
    try:
        return jsonify(comparison.compare(old, new).model_dump(mode="json"))
    except comparison.NotComparable as exc:
        return api_error(400, f"Cannot compare: {exc}.")


@bp.get("/screenings")
def list_screenings() -> Any:
    limit = _paging("limit", 100, 1, MAX_LIMIT)
    offset = _paging("offset", 0, 0, 2**63 - 1)
    deal_id = request.args.get("deal") or None
    store = services().store
    items = store.summaries(deal_id=deal_id, limit=limit, offset=offset)
    return jsonify({"items": [s.model_dump(mode="json") for s in items], "total": store.count(deal_id=deal_id),
                    "limit": limit, "offset": offset})


def _paging(name: str, default: int, low: int, high: int) -> int:
    """A paging parameter as the OpenAPI description states it: an integer in [low, high], or 422."""
    text = request.args.get(name)
    if text is None or text == "":
        return default
    value = int(text) if re.fullmatch(r"-?[0-9]{1,19}", text) else None
    if value is None or not low <= value <= high:
        raise InputError.single("invalid_value", f"{text[:40]!r} is not an integer from {low} to {high}", name)
    return value


@bp.post("/extract")
def extract_document() -> Any:
    """Disclosures from one uploaded document, in the ``ipsdg extract --format json`` shape."""
    from engine.extract import extract

    if request.mimetype != "multipart/form-data":
        return api_error(415, "Send the document as multipart/form-data with a 'document' file part.")
    upload = request.files.get("document")
    if upload is None or not upload.filename:
        raise InputError.single("missing_field", "the multipart body needs a 'document' file part", "document")
    [document] = read_document_uploads([upload], services().upload_tmp)
    return jsonify(extract(document).model_dump(mode="json"))


def _rule_json(rule: Any, counts: dict[str, int]) -> dict[str, Any]:
    params = [rule.ruleset.parameters[name] for name in rule.params if name in rule.ruleset.parameters]
    return {
        "id": rule.id, "title": rule.title, "ruleset": rule.ruleset.name, "effect": rule.effect,
        "then": rule.then.model_dump(mode="json", by_alias=True, exclude_none=True),
        "reference": rule.reference.model_dump(mode="json"),
        "effective": rule.effective.model_dump(mode="json", by_alias=True) if rule.effective else None,
        "parameters": [{"name": p.name, "unit": p.unit, "reference": p.reference.model_dump(mode="json"),
                        "values": [{"from": d.isoformat(), "value": v} for d, v in p.values]} for p in params],
        "source": {"path": shown_path(rule.path), "line": rule.line},
        "fired_on_screenings": counts.get(rule.id, 0),
    }


@bp.get("/rulesets")
def list_rulesets() -> Any:
    book = services().rulebook()
    sizes = {info.name: sum(1 for r in book.rules if r.ruleset.name == info.name) for info in book.rulesets}
    return jsonify({"items": [{"name": i.name, "title": i.title, "version": i.version, "hash": i.hash,
                               "rules": sizes[i.name], "url": url_for("api.list_rules", name=i.name)}
                              for i in book.rulesets]})


@bp.get("/rulesets/<name>/rules")
def list_rules(name: str) -> Any:
    book = services().rulebook()
    info = next((r for r in book.rulesets if r.name == name), None)
    if info is None:
        return api_error(404, f"There is no rule set named {name!r}.")
    counts = services().store.rule_counts()
    return jsonify({"ruleset": {"name": info.name, "title": info.title, "version": info.version, "hash": info.hash},
                    "items": [_rule_json(r, counts) for r in book.rules if r.ruleset.name == name]})


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(spec())
