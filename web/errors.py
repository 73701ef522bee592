"""One error shape for the API and one error page for people, for every failure.

API (any path under /api/): ``{"error": {"code", "message", "problems": [...]}}``
with the HTTP status; bad deals list every ``file:line`` problem. Pages: the
same message on an HTML page. Nothing here lets an error take the server down.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from engine.errors import InputError, Problem

# HTTP status -> stable API error code
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict",
         413: "payload_too_large",
         415: "unsupported_media_type", 422: "invalid_input", 500: "internal_error"}


def problem_json(problem: Problem) -> dict[str, Any]:
    """A problem as JSON; ``text`` is the same one line the CLI prints."""
    return {"code": problem.code, "message": problem.message, "path": problem.path, "line": problem.line,
            "loc": list(problem.loc), "choices": list(problem.choices), "hint": problem.hint, "text": str(problem)}


def error_body(code: str, message: str, problems: list[Problem] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "problems": [problem_json(p) for p in problems or []]}}


def api_error(status: int, message: str, problems: list[Problem] | None = None, code: str | None = None) -> Response:
    response = jsonify(error_body(code or CODES.get(status, "error"), message, problems))
    response.status_code = status
    return response


def too_large_message() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return (f"The upload is larger than the limit of {limit / 1024 / 1024:g} MB. "
            "Send fewer or smaller documents.")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    message = too_large_message() if isinstance(exc, RequestEntityTooLarge) else (exc.description or exc.name)
    if _wants_json():
        response = api_error(status, message)
        for name, value in exc.get_headers():
            if name.lower() == "allow":  # 405 says which methods would work
                response.headers[name] = value
        return response
    from web.templating import render

    return render("error.html.j2", status=status, title=exc.name, message=message, problems=[]), status


def _input_error(exc: InputError) -> Any:
    message = f"{len(exc.problems)} problem(s) with the input"
    if _wants_json():
        return api_error(422, message, exc.problems)
    from web.templating import render

    return render("error.html.j2", status=422, title="Problems with the input", message=message,
                  problems=exc.problems), 422


def _unexpected(exc: Exception) -> Any:
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    return _http_error(InternalServerError("Something went wrong on our side; the error has been logged. "
                                           "The server is still running: try again or report the input."))


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InputError, _input_error)
    app.register_error_handler(Exception, _unexpected)
