"""The synthetic portfolio generator: seeded, valid, varied; its command line writes what it says."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from engine.deals import load_deal
from engine.documents import read_document
from engine.models import Deal

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "portfolio_gen.py"


def _generator():
    spec = importlib.util.spec_from_file_location("portfolio_gen", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_same_seed_same_deals_and_every_deal_is_valid():
    gen = _generator()
    deals = gen.generate_portfolio(400, seed=5)
    assert deals == gen.generate_portfolio(400, seed=5)
    assert deals != gen.generate_portfolio(400, seed=6)
    models = [Deal.model_validate(d) for d in deals]
    assert len({m.id for m in models}) == 400
    labels = Counter(m.structure.label for m in models)
    kinds = Counter(a.kind for m in models for a in m.assets)
    assert set(labels) == {"green", "social", "sustainability", "sustainability_linked", "none"}
    assert {"patent", "utility_model", "design", "trademark", "copyright"} <= set(kinds)
    assert any(c.startswith("Y02") for m in models for a in m.assets for c in a.cpc)
    assert any(len(m.tranches) > 1 for m in models) and any(m.kpis for m in models)


def test_command_line_writes_yaml_files_and_paged_documents(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), "3", str(tmp_path), "--seed", "2", "--format", "yaml",
                    "--doc-pages", "4"], check=True, capture_output=True)
    files = sorted(tmp_path.glob("*.yaml"))
    assert len(files) == 3
    deal = load_deal(files[0])
    document = read_document(files[0].parent / deal.documents[0].path)
    assert len(document.pages) == 4 and deal.name in document.pages[0].text


def test_json_output_is_the_generated_data(tmp_path):
    gen = _generator()
    deals = gen.generate_portfolio(2, seed=9)
    paths = gen.write_portfolio(deals, tmp_path, "json")
    assert [json.loads(p.read_text()) for p in paths] == deals
