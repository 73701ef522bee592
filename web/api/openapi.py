"""The OpenAPI 3.1 description of /api/v1/, written by hand beside the routes.

Schemas of the payload models come from pydantic (so they cannot drift); the paths,
parameters and responses are written out here. tests/test_web_api.py checks that
every API route is described and every described path exists.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from engine.models.compare import Comparison
from engine.models.disclosures import Extraction
from engine.models.screening import Screening
from engine.models.stored import ScreeningSummary

REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "An error, in the one shape every API error has.")
ERRORS = {"404": ERROR, "405": ERROR, "413": ERROR, "500": ERROR}
STORED = {"type": "object", "required": ["id", "summary", "report_url", "screening"], "properties": {
    "id": {"type": "integer"}, "summary": _ref("ScreeningSummary"), "report_url": {"type": "string"},
    "screening": _ref("Screening")}}
USER = {"name": "user", "in": "query", "schema": {"type": "string"},
        "description": "Who screens (free text, default 'anonymous'); a multipart field of the same name works too."}
AS_OF = {"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "Screen as of this date (YYYY-MM-DD); default today."}

PATHS: dict[str, Any] = {
    "/api/v1/screenings": {
        "post": {
            "summary": "Screen a deal and store the screening",
            "parameters": [USER, AS_OF],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"type": "object", "description": "A deal, as in a deal JSON file"}},
                "multipart/form-data": {"schema": {"type": "object", "required": ["deal"], "properties": {
                    "deal": {"type": "string", "format": "binary", "description": "deal file (.yaml, .yml, .json)"},
                    "documents": {"type": "array", "items": {"type": "string", "format": "binary"},
                                  "description": "offering documents: PDF, HTML, TXT, DOCX (checked by content)"},
                    "user": {"type": "string"}, "as_of": {"type": "string", "format": "date"}}}}}},
            "responses": {"201": _json(STORED, "Screened and stored; Location names the new screening."),
                          "415": ERROR, "422": _json(_ref("Error"), "Bad deal or document: every problem with "
                                                                     "its file:line."), **ERRORS},
        },
        "get": {
            "summary": "List stored screenings, newest first",
            "parameters": [
                {"name": "deal", "in": "query", "schema": {"type": "string"}, "description": "only this deal id"},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
            "responses": {"200": _json({"type": "object", "properties": {
                "items": {"type": "array", "items": _ref("ScreeningSummary")}, "total": {"type": "integer"},
                "limit": {"type": "integer"}, "offset": {"type": "integer"}}}, "A page of screenings."), **ERRORS},
        },
    },
    "/api/v1/screenings/{screening_id}": {
        "get": {
            "summary": "One stored screening: summary, inputs' digests and the full result",
            "parameters": [{"name": "screening_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": _json(STORED, "The stored screening."), **ERRORS},
        },
    },
    "/api/v1/screenings/{a}/compare/{b}": {
        "get": {
            "summary": "Two screenings of one deal side by side, each changed finding and check with its cause",
            "parameters": [{"name": n, "in": "path", "required": True, "schema": {"type": "integer"},
                            "description": d} for n, d in (("a", "the older (before) screening"),
                                                           ("b", "the newer (after) screening"))],
            "responses": {"200": _json(_ref("Comparison"), "The comparison (causes: parameter, rule_changed, "
                                                           "input, as_of)."),
                          "400": _json(_ref("Error"), "The screenings are of different deals."), **ERRORS},
        },
    },
    "/api/v1/extract": {
        "post": {
            "summary": "Extract disclosures (use of proceeds, KPIs, reviews, reporting, SDG mentions) from a document",
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["document"],
                "properties": {"document": {"type": "string", "format": "binary"}}}}}},
            "responses": {"200": _json(_ref("Extraction"), "The `ipsdg extract --format json` shape."),
                          "415": ERROR, "422": ERROR, **ERRORS},
        },
    },
    "/api/v1/rulesets": {
        "get": {
            "summary": "The rule sets in force (read-only)",
            "responses": {"200": _json({"type": "object", "properties": {"items": {"type": "array", "items": {
                "type": "object", "properties": {k: {"type": "string"} for k in
                                                 ("name", "title", "version", "hash", "url")}
                | {"rules": {"type": "integer"}}}}}}, "Every rule set with version and content hash."),
                **ERRORS},
        },
    },
    "/api/v1/rulesets/{name}/rules": {
        "get": {
            "summary": "Every rule of a rule set with its parameters' dated values, references and use",
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _json({"type": "object", "properties": {
                "ruleset": {"type": "object"}, "items": {"type": "array", "items": {"type": "object"}}}},
                "The rules; `fired_on_screenings` counts stored screenings with a finding of the rule."), **ERRORS},
        },
    },
    "/api/v1/openapi.json": {
        "get": {"summary": "This description", "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")}},
    },
}

ERROR_SCHEMA = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message", "problems"], "properties": {
        "code": {"type": "string", "description": "stable: bad_request, not_found, method_not_allowed, "
                                                  "payload_too_large, unsupported_media_type, invalid_input, "
                                                  "internal_error"},
        "message": {"type": "string"},
        "problems": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}, "path": {"type": "string"},
            "line": {"type": ["integer", "null"]}, "loc": {"type": "array"}, "choices": {"type": "array"},
            "hint": {"type": ["string", "null"]},
            "text": {"type": "string", "description": "the one line the CLI prints: path:line: where: message"}}}},
    }}}}


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for model in (Screening, ScreeningSummary, Extraction, Comparison):
        schema = model.model_json_schema(ref_template=REF, mode="serialization")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return {
        "openapi": "3.1.0",
        "info": {"title": "ipsdg API", "version": "1",
                 "description": "SDG compliance and ESG screening of IP-backed securities. Every error has the "
                                "shape of components.schemas.Error."},
        "paths": PATHS,
        "components": {"schemas": schemas},
    }
