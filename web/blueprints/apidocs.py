"""The API's documentation as a page, rendered here from the same OpenAPI description the API serves
(web/api/openapi.py): no CDN, no script, nothing that can drift from /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from web.api.openapi import spec
from web.templating import render

bp = Blueprint("apidocs", __name__)
METHODS = ("get", "post", "put", "patch", "delete")


def operations() -> list[dict[str, Any]]:
    """Each path and method with its summary, parameters, request content types and responses."""
    out = []
    for path, ops in spec()["paths"].items():
        for method in METHODS:
            if method not in ops:
                continue
            op = ops[method]
            body = op.get("requestBody", {}).get("content", {})
            out.append({"path": path, "method": method.upper(), "summary": op.get("summary", ""),
                        "parameters": op.get("parameters", []), "body": list(body),
                        "responses": [(code, r.get("description", "")) for code, r in op["responses"].items()]})
    return out


@bp.get("/api-docs")
def index() -> str:
    info = spec()["info"]
    return render("apidocs.html.j2", info=info, operations=operations())
