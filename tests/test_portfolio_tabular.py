"""Portfolio sources: folder listing, CSV/XLSX rows -> deals, and errors located at row and column."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from engine.errors import InputError
from engine.portfolio import list_items, load_item

ROOT = Path(__file__).resolve().parents[1]
MIXED = ROOT / "tests" / "fixtures" / "portfolio" / "mixed"


def _generator():
    spec = importlib.util.spec_from_file_location("portfolio_gen", ROOT / "benchmarks" / "portfolio_gen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOOD_ROW = {
    "id": "row-deal", "name": "Row Deal", "originator_name": "Acme Solar", "originator_country": "DE",
    "originator_sector": "energy_renewable", "label": "green", "collateral_basis": "patent_licence",
    "currency": "EUR", "issue_date": "2025-03-01", "principal": "50000000", "coupon_pct": "4.5",
    "tenor_years": "7", "asset_kind": "patent", "asset_title": "PV cell", "asset_status": "granted",
    "annual_cash_flow": "9000000", "cash_flow_years": "10", "cpc": "Y02E10/50;H01L31/04",
    "allocations": "renewable_energy:70;energy_efficiency:20", "kpis": "ghg_avoided:412000:tCO2e:annual",
    "sdg_claims": "7.2;13", "review_provider": "Sustainalytics", "cash_flow_growth_pct": "-3",
}


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    header = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_folder_lists_deal_files_only_in_name_order():
    names = [Path(i.source).name for i in list_items(MIXED)]
    assert names == sorted(names)
    assert "README.txt" not in names and "broken-syntax.yaml" in names


def test_a_full_row_becomes_the_deal_it_describes(tmp_path):
    items = list_items(_write_csv(tmp_path / "book.csv", [GOOD_ROW]))
    assert [(i.line) for i in items] == [2]
    deal, docs = load_item(items[0])
    assert deal.id == "row-deal" and deal.issuer.name == "Acme Solar" and docs == []
    assert deal.tranches[0].principal == 50_000_000 and deal.tranches[0].tenor_years == 7
    assert deal.assets[0].cpc == ["Y02E10/50", "H01L31/04"]
    assert deal.assets[0].cash_flows.projection.decay_pct == 3
    shares = [(a.category, a.share_pct) for a in deal.allocations]
    assert shares == [("renewable_energy", 70), ("energy_efficiency", 20)]
    assert deal.kpis[0].metric == "ghg_avoided" and deal.kpis[0].period == "annual"
    assert [(c.sdg, c.targets) for c in deal.framework.sdg_claims] == [(7, ["7.2"]), (13, [])]


@pytest.mark.parametrize(("cells", "column", "code", "words"), [
    ({"principal": "lots"}, "principal", "wrong_type", "not a number"),
    ({"label": "greenish"}, "label", "invalid_value", "not allowed"),
    ({"issue_date": "01/03/2025"}, "issue_date", "wrong_type", "YYYY-MM-DD"),
    ({"allocations": "renewable_energy:80;energy_efficiency:40"}, "allocations", "cross_field", "more than 100"),
    ({"kpis": "ghg_avoided=12"}, "kpis", "wrong_type", "metric:value:unit:period"),
    ({"tenor_years": "7.5"}, "tenor_years", "wrong_type", "whole number"),
])
def test_a_bad_cell_is_reported_at_its_row_and_column(tmp_path, cells, column, code, words):
    path = _write_csv(tmp_path / "book.csv", [GOOD_ROW, {**GOOD_ROW, "id": "second", **cells}])
    first, second = list_items(path)
    load_item(first)
    with pytest.raises(InputError) as info:
        load_item(second)
    problem = info.value.problems[0]
    assert (problem.path, problem.line, problem.loc, problem.code) == (str(path), 3, (column,), code)
    assert words in problem.message


def test_empty_required_cells_are_each_named(tmp_path):
    path = _write_csv(tmp_path / "book.csv", [{**GOOD_ROW, "currency": "", "asset_title": ""}])
    with pytest.raises(InputError) as info:
        load_item(list_items(path)[0])
    assert sorted(p.loc[0] for p in info.value.problems) == ["asset_title", "currency"]


def test_unknown_and_missing_columns_reject_the_whole_sheet(tmp_path):
    row = {k: v for k, v in GOOD_ROW.items() if k != "currency"}
    path = _write_csv(tmp_path / "book.csv", [{**row, "princpal": "1"}])
    with pytest.raises(InputError) as info:
        list_items(path)
    text = str(info.value)
    assert "unknown column 'princpal'" in text and "valid choices: id, name" in text
    assert "required column 'currency' is missing" in text


def test_xlsx_rows_read_like_csv_rows(tmp_path):
    book = Workbook()
    sheet = book.active
    header = list(GOOD_ROW)
    sheet.append(header)
    sheet.append([GOOD_ROW[h] for h in header])
    sheet.append([{"principal": 50_000_000.0, "tenor_years": 7}.get(h, GOOD_ROW[h]) if h != "id" else "xl-2"
                  for h in header])
    path = tmp_path / "book.xlsx"
    book.save(path)
    items = list_items(path)
    assert [i.line for i in items] == [2, 3]
    assert [load_item(i)[0].id for i in items] == ["row-deal", "xl-2"]


def test_a_row_may_point_at_a_full_deal_file(tmp_path):
    deal = _generator().generate_portfolio(1, seed=3)[0]
    (tmp_path / "deal.json").write_text(json.dumps(deal), encoding="utf-8")
    path = _write_csv(tmp_path / "book.csv", [{"deal_file": "deal.json", "documents": "oc.txt"}])
    loaded, docs = load_item(list_items(path)[0])
    assert loaded.id == deal["id"] and docs == [tmp_path / "oc.txt"]


def test_json_fast_path_still_rejects_duplicate_keys(tmp_path):
    deal = _generator().generate_portfolio(1, seed=3)[0]
    text = json.dumps(deal)
    path = tmp_path / "dup.json"
    path.write_text(text.replace('"currency":', '"currency": "USD", "currency":', 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_item(list_items(path)[0])
    assert info.value.problems[0].code == "duplicate_key"


def test_generated_csv_portfolio_loads_every_row(tmp_path):
    gen = _generator()
    deals = gen.generate_portfolio(200, seed=11)
    [path] = gen.write_portfolio(deals, tmp_path, "csv")
    loaded = [load_item(item)[0] for item in list_items(path)]
    assert [d.id for d in loaded] == [d["id"] for d in deals]
    assert {d.structure.label for d in loaded} == {"green", "social", "sustainability", "sustainability_linked", "none"}
