"""One deal per row of a CSV or XLSX sheet: flat columns -> ``Deal``, problems located at row and column.

A spreadsheet is how most books of deals arrive, and most deals fit one row: one
tranche, one IP asset (or pool of like assets) and short lists. Columns (header
row first; names are case-sensitive; empty cells mean "not given"):

required   id, name, originator_name, originator_country, originator_sector, label, collateral_basis,
           currency, issue_date, principal, coupon_pct, tenor_years, asset_kind, asset_title,
           asset_status, annual_cash_flow, cash_flow_years
deal       description, issuer_name (default: originator_name), issuer_country (default:
           originator_country), issuer_sector (default: financial_services), structure_type
           (default: securitisation), secured_green_type, synthetic, claims_eu_gbs, originator_is_issuer
tranche    amortisation (bullet | level; default bullet), seniority, rating
asset      asset_jurisdiction (default: originator_country), asset_owner (default: originator_name),
           filing_date, grant_date, expiry_date, cpc, ipc, nice_classes, chain_of_title,
           royalty_rate_pct, economic_life_years, cash_flow_start_year (default: issue year),
           cash_flow_growth_pct (negative for decay)
use        allocations      ``category:share_pct;...``   e.g. ``renewable_energy:70;energy_efficiency:20``
           kpis             ``metric:value:unit:period;...`` e.g. ``ghg_avoided:412000:tCO2e:annual``
           sdg_claims       targets or goals, ``7.2;9.5;13``
framework  framework_published, review_provider, review_type, review_timing (default pre_issuance),
           allocation_reporting, impact_reporting (a frequency: annual, semi_annual, ...),
           tracking (sub_account | sub_portfolio | other | none),
           slb_kpis (``metric;metric``) and slb_step_up_bps for sustainability-linked deals
files      documents        ``path;path`` relative to the portfolio file
           deal_file        a full deal file (YAML/JSON) relative to the portfolio file, for deals that do
                            not fit one row; only ``documents`` may be filled besides it

Booleans are true/false (or yes/no, 1/0); dates are YYYY-MM-DD; lists are separated by ``;``.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine import errors, yamlio
from engine.errors import InputError, Problem
from engine.models import Deal

REQUIRED = ("id", "name", "originator_name", "originator_country", "originator_sector", "label", "collateral_basis",
            "currency", "issue_date", "principal", "coupon_pct", "tenor_years", "asset_kind", "asset_title",
            "asset_status", "annual_cash_flow", "cash_flow_years")
# column -> cell type; order is the documented order
COLUMNS: dict[str, str] = {
    **{c: "str" for c in REQUIRED},
    "principal": "float", "coupon_pct": "float", "tenor_years": "int", "issue_date": "date",
    "annual_cash_flow": "float", "cash_flow_years": "int",
    "description": "str", "issuer_name": "str", "issuer_country": "str", "issuer_sector": "str",
    "structure_type": "str", "secured_green_type": "str", "synthetic": "bool", "claims_eu_gbs": "bool",
    "originator_is_issuer": "bool", "amortisation": "str", "seniority": "str", "rating": "str",
    "asset_jurisdiction": "str", "asset_owner": "str", "filing_date": "date", "grant_date": "date",
    "expiry_date": "date", "cpc": "list", "ipc": "list", "nice_classes": "list", "chain_of_title": "str",
    "royalty_rate_pct": "float", "economic_life_years": "float", "cash_flow_start_year": "int",
    "cash_flow_growth_pct": "float", "allocations": "list", "kpis": "list", "sdg_claims": "list",
    "framework_published": "bool", "review_provider": "str", "review_type": "str", "review_timing": "str",
    "allocation_reporting": "str", "impact_reporting": "str", "tracking": "str", "slb_kpis": "list",
    "slb_step_up_bps": "float", "documents": "list",
    "deal_file": "str",
}
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}


@dataclass(frozen=True)
class Row:
    """A sheet row as read: cells by column (empty ones left out) and the line it starts on."""

    source: str
    line: int
    cells: dict[str, Any]


def read_rows(path: Path) -> Iterator[Row]:
    """Rows of a CSV or XLSX portfolio; InputError for a file whose header is wrong."""
    shown = str(path)
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            _check_header(header, shown)
            assert header is not None
            start = reader.line_num + 1
            for values in reader:
                cells = {h: v.strip() for h, v in zip(header, values, strict=False) if v.strip()}
                if cells:
                    yield Row(shown, start, cells)
                start = reader.line_num + 1
        return
    from openpyxl import load_workbook

    from engine.documents import check_archive

    if zipfile.is_zipfile(path):  # decompressed sizes bounded before openpyxl parses any XML
        check_archive(path, shown)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise InputError.single(errors.UNSUPPORTED_FILE, f"not a readable XLSX workbook ({exc})", shown) from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        header = [str(h).strip() if h is not None else "" for h in first] if first else None
        _check_header(header, shown)
        assert header is not None
        for number, values in enumerate(rows, start=2):
            cells = {h: (v.strip() if isinstance(v, str) else v) for h, v in zip(header, values, strict=False)
                     if h and v is not None and v != ""}
            if cells:
                yield Row(shown, number, cells)
    finally:
        book.close()


def _check_header(header: list[str] | None, path: str) -> None:
    if not header:
        raise InputError.single(errors.EMPTY_FILE, "the portfolio sheet has no header row", path, 1)
    problems = [Problem(errors.UNKNOWN_KEY, f"unknown column {name!r}", path, 1, choices=tuple(COLUMNS))
                for name in header if name and name not in COLUMNS]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(errors.DUPLICATE_KEY, f"column {name!r} appears twice", path, 1))
        seen.add(name)
    if "deal_file" not in header:
        problems += [Problem(errors.MISSING_FIELD, f"required column {name!r} is missing", path, 1)
                     for name in REQUIRED if name not in header]
    errors.raise_if(problems)


def row_deal(row: Row, base: Path) -> tuple[Deal, list[Path]]:
    """Validate one row into a Deal and its document paths; InputError names the row's line and columns."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for column, raw in row.cells.items():
        try:
            values[column] = _cell(COLUMNS[column], raw)
        except ValueError as exc:
            problems.append(Problem(errors.WRONG_TYPE, str(exc), row.source, row.line, (column,)))
    errors.raise_if(problems)
    documents = [base / p for p in values.pop("documents", [])]
    if "deal_file" in values:
        extra = sorted(set(values) - {"deal_file"})
        if extra:
            raise InputError.single(errors.CROSS_FIELD, f"a row with deal_file takes only 'documents' besides it; "
                                    f"remove {', '.join(extra)}", row.source, row.line)
        from engine.deals import document_paths, load_deal

        path = base / values["deal_file"]
        deal = load_deal(path)
        return deal, documents or document_paths(deal, path)
    missing = [c for c in REQUIRED if c not in values]
    if missing:
        raise InputError([Problem(errors.MISSING_FIELD, "required cell is empty", row.source, row.line, (c,))
                          for c in missing])
    data, columns = _deal_data(values, problems, row)
    errors.raise_if(problems)
    try:
        return Deal.model_validate(data), documents
    except ValidationError as exc:
        raise InputError(_located(exc, data, columns, row)) from None


def _cell(kind: str, raw: Any) -> Any:
    if kind == "str":
        return str(raw) if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))
    if kind == "list":
        return [part.strip() for part in str(raw).split(";") if part.strip()]
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError(f"{raw!r} is not true or false")
    if kind == "date":
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            raise ValueError(f"{raw!r} is not a date in YYYY-MM-DD form") from None
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a number")
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{raw!r} is not a number") from None
    if kind == "int":
        if not number.is_integer():
            raise ValueError(f"{raw!r} is not a whole number")
        return int(number)
    return number


Loc = tuple[str | int, ...]


def _deal_data(v: dict[str, Any], problems: list[Problem], row: Row) -> tuple[dict[str, Any], dict[Loc, str]]:
    """The nested deal data, and which column each place in it came from (for error messages)."""
    columns: dict[Loc, str] = {}

    def put(loc: Loc, column: str, value: Any) -> Any:
        columns[loc] = column
        return value

    issue: date = v["issue_date"]
    structure = {"type": put(("structure", "type"), "structure_type", v.get("structure_type", "securitisation")),
                 "label": put(("structure", "label"), "label", v["label"]),
                 "collateral_basis": put(("structure", "collateral_basis"), "collateral_basis", v["collateral_basis"])}
    for key in ("secured_green_type", "synthetic", "claims_eu_gbs", "originator_is_issuer"):
        if key in v:
            structure[key] = put(("structure", key), key, v[key])
    tranche: dict[str, Any] = {"name": "Notes"}
    for key, column in (("principal", "principal"), ("coupon_pct", "coupon_pct"), ("tenor_years", "tenor_years"),
                        ("amortisation", "amortisation"), ("seniority", "seniority"), ("rating", "rating")):
        if column in v:
            tranche[key] = put(("tranches", 0, key), column, v[column])
    growth = v.get("cash_flow_growth_pct", 0.0)
    projection: dict[str, Any] = {"base": put(("assets", 0, "cash_flows", "projection", "base"), "annual_cash_flow",
                                              v["annual_cash_flow"]),
                                  "start_year": put(("assets", 0, "cash_flows", "projection", "start_year"),
                                                    "cash_flow_start_year", v.get("cash_flow_start_year", issue.year)),
                                  "years": put(("assets", 0, "cash_flows", "projection", "years"), "cash_flow_years",
                                               v["cash_flow_years"])}
    if growth >= 0:
        projection["growth_pct"] = put(("assets", 0, "cash_flows", "projection", "growth_pct"),
                                       "cash_flow_growth_pct", growth)
    else:
        projection["decay_pct"] = put(("assets", 0, "cash_flows", "projection", "decay_pct"),
                                      "cash_flow_growth_pct", -growth)
    asset: dict[str, Any] = {"id": "pool", "kind": v["asset_kind"], "title": v["asset_title"],
                             "status": v["asset_status"],
                             "jurisdiction": v.get("asset_jurisdiction", v["originator_country"]),
                             "owner": v.get("asset_owner", v["originator_name"]),
                             "cash_flows": {"projection": projection}}
    for key, column in (("kind", "asset_kind"), ("title", "asset_title"), ("status", "asset_status"),
                        ("jurisdiction", "asset_jurisdiction"), ("owner", "asset_owner")):
        columns[("assets", 0, key)] = column
    for key in ("filing_date", "grant_date", "expiry_date", "cpc", "ipc", "chain_of_title", "royalty_rate_pct",
                "economic_life_years"):
        if key in v:
            asset[key] = put(("assets", 0, key), key, v[key])
    if "nice_classes" in v:
        try:
            asset["nice_classes"] = put(("assets", 0, "nice_classes"), "nice_classes",
                                        [int(x) for x in v["nice_classes"]])
        except ValueError:
            problems.append(Problem(errors.WRONG_TYPE, "Nice classes are whole numbers separated by ';'",
                                    row.source, row.line, ("nice_classes",)))
    columns[("assets", 0)] = "asset_kind"
    data: dict[str, Any] = {
        "id": put(("id",), "id", v["id"]), "name": put(("name",), "name", v["name"]),
        "originator": {"name": v["originator_name"], "country": v["originator_country"],
                       "sector": v["originator_sector"]},
        "issuer": {"name": v.get("issuer_name", v["originator_name"]),
                   "country": v.get("issuer_country", v["originator_country"]),
                   "sector": v.get("issuer_sector", "financial_services")},
        "structure": structure, "currency": put(("currency",), "currency", v["currency"]),
        "issue_date": put(("issue_date",), "issue_date", issue),
        "tranches": [tranche], "assets": [asset],
    }
    for part in ("name", "country", "sector"):
        columns[("originator", part)] = f"originator_{part}"
        columns[("issuer", part)] = f"issuer_{part}" if f"issuer_{part}" in v else f"originator_{part}"
    if "description" in v:
        data["description"] = put(("description",), "description", v["description"])
    data["allocations"] = _allocations(v.get("allocations", []), problems, row, columns)
    data["kpis"] = _kpis(v.get("kpis", []), issue, problems, row, columns)
    data["framework"] = _framework(v, problems, row, columns)
    return data, columns


def _allocations(items: list[str], problems: list[Problem], row: Row, columns: dict[Loc, str]) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(items):
        category, _, share = item.partition(":")
        try:
            out.append({"category": category.strip(), "share_pct": float(share)})
            columns[("allocations", i)] = "allocations"
        except ValueError:
            problems.append(Problem(errors.WRONG_TYPE, f"{item!r} is not 'category:share_pct'", row.source, row.line,
                                    ("allocations",), hint="e.g. renewable_energy:70;energy_efficiency:20"))
    columns[("allocations",)] = "allocations"
    return out


def _kpis(items: list[str], issue: date, problems: list[Problem], row: Row,
          columns: dict[Loc, str]) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(items):
        parts = [p.strip() for p in item.split(":")]
        try:
            metric, value, unit, period = parts
            out.append({"metric": metric, "value": float(value), "unit": unit, "period": period, "year": issue.year})
            columns[("kpis", i)] = "kpis"
        except ValueError:
            problems.append(Problem(errors.WRONG_TYPE, f"{item!r} is not 'metric:value:unit:period'", row.source,
                                    row.line, ("kpis",), hint="e.g. ghg_avoided:412000:tCO2e:annual"))
    columns[("kpis",)] = "kpis"
    return out


def _framework(v: dict[str, Any], problems: list[Problem], row: Row, columns: dict[Loc, str]) -> dict[str, Any]:
    framework: dict[str, Any] = {}
    columns[("framework",)] = "framework_published"
    if "framework_published" in v:
        framework["published"] = v["framework_published"]
    claims: dict[int, list[str]] = {}
    for item in v.get("sdg_claims", []):
        goal = item.split(".")[0]
        if not goal.isdigit():
            problems.append(Problem(errors.WRONG_TYPE, f"{item!r} is not an SDG or target like 7 or 7.2",
                                    row.source, row.line, ("sdg_claims",)))
            continue
        targets = claims.setdefault(int(goal), [])
        if "." in item:
            targets.append(item)
    if claims:
        framework["sdg_claims"] = [{"sdg": g, "targets": t} for g, t in sorted(claims.items())]
        columns[("framework", "sdg_claims")] = "sdg_claims"
    if "review_provider" in v or "review_type" in v:
        framework["external_reviews"] = [{"provider": v.get("review_provider", ""),
                                          "type": v.get("review_type", "second_party_opinion"),
                                          "timing": v.get("review_timing", "pre_issuance")}]
        for key in ("provider", "type", "timing"):
            columns[("framework", "external_reviews", 0, key)] = f"review_{key}"
    reporting = {kind: {"frequency": v[f"{kind}_reporting"]} for kind in ("allocation", "impact")
                 if f"{kind}_reporting" in v}
    if reporting:
        framework["reporting"] = reporting
        for kind in reporting:
            columns[("framework", "reporting", kind)] = f"{kind}_reporting"
    if "tracking" in v:
        framework["management_of_proceeds"] = {"tracking": v["tracking"]}
        columns[("framework", "management_of_proceeds")] = "tracking"
    if "slb_kpis" in v or "slb_step_up_bps" in v:
        framework["sustainability_linked"] = {"kpis": v.get("slb_kpis", [])}
        if "slb_step_up_bps" in v:
            framework["sustainability_linked"]["coupon_step_up_bps"] = v["slb_step_up_bps"]
        columns[("framework", "sustainability_linked")] = "slb_kpis"
    return framework


def _located(exc: ValidationError, data: dict[str, Any], columns: dict[Loc, str], row: Row) -> list[Problem]:
    loaded = yamlio.Loaded(data=data, path=row.source, lines={(): row.line})
    out = []
    for problem in yamlio.problems_from_validation(exc, loaded, Deal):
        column = _column_for(problem.loc, columns)
        out.append(Problem(problem.code, problem.message, row.source, row.line, (column,) if column else problem.loc,
                           problem.choices if problem.code != errors.UNKNOWN_KEY else (), problem.hint))
    return out


def _column_for(loc: Loc, columns: dict[Loc, str]) -> str | None:
    for end in range(len(loc), 0, -1):
        column = columns.get(tuple(loc[:end]))
        if column:
            return column
    return None
