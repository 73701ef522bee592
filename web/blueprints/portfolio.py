"""The portfolio: the latest screening of every deal, filtered and sorted, exported as CSV or XLSX."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import pandas as pd
from flask import Blueprint, Response, request

from engine import review
from engine.models.screening import Screening
from engine.models.stored import StoredScreening
from web.services import services
from web.templating import render

bp = Blueprint("portfolio", __name__)

FIXED = ["screening_id", "deal_id", "deal_name", "label", "verdict", "signoff", "grade", "esg_score",
         "red_flags", "failing_checks", "watch_checks", "as_of", "screened_at", "user"]
SORTABLE = ("deal_id", "deal_name", "label", "verdict", "signoff", "grade", "esg_score", "red_flags", "as_of",
            "screened_at")
FILTERS = ("verdict", "signoff", "label", "grade")
VERDICT_ORDER = {"eligible": 0, "conditional": 1, "ineligible": 2}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _row(stored: StoredScreening, signoff: str) -> dict[str, Any]:
    s = Screening.model_validate_json(stored.screening_json)
    row: dict[str, Any] = {
        "screening_id": stored.summary.id, "deal_id": s.deal_id, "deal_name": s.deal_name, "label": s.label,
        "verdict": s.verdict, "signoff": signoff,
        "grade": s.grade, "esg_score": round(s.esg_score, 1), "red_flags": s.red_flag_count,
        "failing_checks": ", ".join(c.metric for c in s.checks if c.status == "fail"),
        "watch_checks": ", ".join(c.metric for c in s.checks if c.status == "watch"),
        "as_of": s.as_of.isoformat(), "screened_at": stored.summary.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "user": stored.summary.user,
    }
    row.update({f"SDG {x.sdg}": round(x.score, 1) for x in s.sdg_scores})
    return row


def frame() -> pd.DataFrame:
    """The latest screening of every deal, one row each, with its sign-off state and one column per SDG scored."""
    store = services().store
    latest = store.latest_per_deal()
    states = review.states(store.engine, [x.summary.id for x in latest])
    rows = [_row(x, states[x.summary.id]) for x in latest]
    df = pd.DataFrame(rows, columns=FIXED) if not rows else pd.DataFrame(rows)
    sdg_cols = sorted((c for c in df.columns if c.startswith("SDG ")), key=lambda c: int(c.split()[1]))
    return df[FIXED + sdg_cols]


def select(df: pd.DataFrame, args: Mapping[str, str]) -> pd.DataFrame:
    """Apply the filters and the sort given as query parameters."""
    for column in FILTERS:
        if args.get(column):
            df = df[df[column] == args[column]]
    if args.get("q"):
        needle = args["q"].lower()
        df = df[df["deal_id"].str.lower().str.contains(needle, regex=False)
                | df["deal_name"].str.lower().str.contains(needle, regex=False)]
    min_score = _float(args.get("min_score"))
    if min_score is not None:
        df = df[df["esg_score"] >= min_score]
    if args.get("failing") == "1":
        df = df[df["failing_checks"] != ""]
    sort = args.get("sort", "deal_id")
    if sort not in SORTABLE and not (sort.startswith("SDG ") and sort in df.columns):
        sort = "deal_id"
    key = (lambda col: col.map(VERDICT_ORDER)) if sort == "verdict" else None
    return df.sort_values(sort, ascending=args.get("order", "asc") != "desc", key=key, kind="stable")


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _safe_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Deal names are user input: a cell starting with '=' must not run as a spreadsheet formula."""
    def cell(value: Any) -> Any:
        return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value

    return df.map(cell)


@bp.get("/portfolio")
def index() -> str:
    full = frame()
    df = select(full, request.args)
    choices = {c: sorted(full[c].dropna().unique().tolist()) for c in FILTERS}
    sdg_cols = [c for c in df.columns if c.startswith("SDG ")]
    return render("portfolio.html.j2", rows=df.to_dict("records"), sdg_cols=sdg_cols, choices=choices,
                  args=request.args, total=len(full), sortable=SORTABLE)


@bp.get("/portfolio.csv")
def export_csv() -> Response:
    text = _safe_cells(select(frame(), request.args)).to_csv(index=False)
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="portfolio.csv"'})


@bp.get("/portfolio.xlsx")
def export_xlsx() -> Response:
    buffer = io.BytesIO()
    _safe_cells(select(frame(), request.args)).to_excel(buffer, index=False, sheet_name="portfolio", engine="openpyxl")
    return Response(buffer.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="portfolio.xlsx"'})
