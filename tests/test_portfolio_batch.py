"""Batch screening: broken deals go to the errors file and the rest go on; outputs read back equal."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.portfolio import errors_path, read_errors, read_results, run_batch, write_results

ROOT = Path(__file__).resolve().parents[1]
MIXED = ROOT / "tests" / "fixtures" / "portfolio" / "mixed"
AS_OF = date(2026, 6, 30)
GOOD = ["gen-000000-nordwind", "gen-000001-praxis", "gen-000002-voltara"]


def _generator():
    spec = importlib.util.spec_from_file_location("portfolio_gen", ROOT / "benchmarks" / "portfolio_gen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mixed():
    return run_batch(MIXED, as_of=AS_OF, workers=1)


def test_good_deals_get_results_and_each_broken_one_an_error_line(mixed):
    assert list(mixed.table["deal"]) == GOOD
    assert set(mixed.table["verdict"]) <= {"eligible", "conditional", "ineligible"}
    assert mixed.table["esg_score"].between(0, 100).all()
    assert any(c.startswith("sdg_") for c in mixed.table.columns)
    assert any(c.startswith("check_") for c in mixed.table.columns)
    assert mixed.table["ruleset_hashes"].str.contains("@").all()
    errs = mixed.errors
    by_file = {Path(s).name: set(errs.loc[errs["source"] == s, "code"]) for s in errs["source"]}
    assert by_file == {
        "broken-label.yaml": {"invalid_value", "cross_field"},  # its shares add to 120 %, known despite the label
        "broken-missing-document.json": {"file_not_found"},
        "broken-syntax.yaml": {"yaml_syntax"},
        "broken-unknown-key.json": {"unknown_key"},
        "zz-duplicate-id.json": {"duplicate_id"},
    }
    label = errs[errs["code"] == "invalid_value"].iloc[0]
    assert label["line"] == 6 and "greenish" in label["reason"] and "valid choices" in label["reason"]
    assert "gen-000001-praxis.json" in errs[errs["code"] == "duplicate_id"].iloc[0]["reason"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_outputs_read_back_equal_the_in_memory_results(mixed, tmp_path, suffix):
    out, errs = write_results(mixed, tmp_path / f"results{suffix}")
    assert errs == errors_path(out) == tmp_path / "results.errors.csv"
    pd.testing.assert_frame_equal(read_results(out), mixed.table)
    pd.testing.assert_frame_equal(read_errors(errs), mixed.errors)
    raw = {".csv": pd.read_csv, ".xlsx": pd.read_excel, ".parquet": pd.read_parquet}[suffix](out)
    pd.testing.assert_frame_equal(raw, mixed.table, check_dtype=False)


def test_worker_count_does_not_change_the_table(tmp_path):
    gen = _generator()
    gen.write_portfolio(gen.generate_portfolio(24, seed=4), tmp_path, "json")
    one = run_batch(tmp_path, as_of=AS_OF, workers=1)
    two = run_batch(tmp_path, as_of=AS_OF, workers=2)
    assert one.errors.empty and len(one.table) == 24
    assert list(one.table["deal"]) == sorted(one.table["deal"])
    pd.testing.assert_frame_equal(one.table, two.table)


def test_cli_writes_results_and_errors_and_goes_on(tmp_path):
    out = tmp_path / "book.csv"
    result = CliRunner().invoke(main, ["batch", str(MIXED), "-o", str(out), "--workers", "1",
                                       "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    assert list(read_results(out)["deal"]) == GOOD
    assert len(read_errors(tmp_path / "book.errors.csv")) >= 5
    assert "screened 3 of 8 deals" in result.output and "5 failed" in result.output


def test_cli_rejects_an_unknown_output_type_before_screening(tmp_path):
    result = CliRunner().invoke(main, ["batch", str(MIXED), "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 2
    assert "unsupported_file" in result.output and ".parquet" in result.output


def test_an_error_raised_while_screening_names_the_deal_file(tmp_path):
    """A valid file whose royalties stop before as_of fails in valuation; the errors file must say which file."""
    import re

    source = (ROOT / "examples" / "deals" / "solaris-green-patent-abs.yaml").read_text(encoding="utf-8")
    source = re.sub(r"documents:\n(  - .*\n)+", "", source)  # deal data only
    dried = tmp_path / "dried-up.yaml"
    dried.write_text(re.sub(r"years: \d+\}", "years: 1}", source), encoding="utf-8")  # royalties stop after 2026
    (tmp_path / "fine.yaml").write_text(source.replace("solaris-green-patent-abs-2026", "solaris-copy"),
                                        encoding="utf-8")
    result = run_batch(tmp_path, as_of=date(2027, 6, 30), workers=1)
    assert list(result.table["deal"]) == ["solaris-copy"]
    assert list(result.errors["source"]) == [str(dried)] and list(result.errors["code"]) == ["empty_pool"]
