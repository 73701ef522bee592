"""The screening store: inputs and results kept together, latest per deal, rule index, atomic writes."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import date

import pytest
import sqlalchemy as sa

from engine import store as store_mod
from engine.store import Store, clean_user, sqlite_url


@dataclass
class _Doc:
    name: str
    sha256: str
    pages: int | None


@dataclass
class _Ruleset:
    name: str
    version: str
    hash: str


@dataclass
class _Finding:
    rule_id: str
    ruleset: str
    effect: str
    status: str | None


@dataclass
class _Deal:
    id: str

    def model_dump_json(self) -> str:
        return json.dumps({"id": self.id})


@dataclass
class _Screening:
    """Only the attributes the store reads (the Screening contract); the store never validates it."""

    deal_id: str
    verdict: str = "eligible"
    grade: str = "B"
    esg_score: float = 71.5
    deal_name: str = "A deal"
    label: str = "green"
    as_of: date = date(2026, 6, 30)
    documents: list[_Doc] = field(default_factory=lambda: [_Doc("oc.pdf", "ab" * 32, 12)])
    rulesets: list[_Ruleset] = field(default_factory=lambda: [_Ruleset("mapping", "2026.1", "h1")])
    findings: list[_Finding] = field(default_factory=lambda: [
        _Finding("UOP-RE-7.2", "mapping", "contribute", "fired"),
        _Finding("RF-SYNTH", "red-flags", "flag", "fired")])

    @property
    def deal(self) -> _Deal:
        return _Deal(self.deal_id)

    def model_dump_json(self) -> str:
        return json.dumps({"deal_id": self.deal_id, "verdict": self.verdict})


@pytest.fixture
def store(database_url):  # SQLite and PostgreSQL (tests/conftest.py)
    s = Store(database_url)
    yield s
    s.close()


def test_schema_is_created_on_first_run_and_found_on_the_second(tmp_path):
    url = sqlite_url(tmp_path / "new" / "x.sqlite")
    first = Store(url)
    sid = first.save(_Screening("d1"), deal_text="id: d1\n", deal_filename="d1.yaml")
    first.close()
    second = Store(url)
    assert second.get(sid).summary.deal_id == "d1"
    second.close()


def test_a_saved_screening_keeps_every_input_and_the_full_result(store):
    sid = store.save(_Screening("d1"), deal_text="id: d1\n# comment kept\n", deal_filename="my deal.yaml",
                     user="  Ada   Lovelace ")
    got = store.get(sid)
    assert got.deal_text == "id: d1\n# comment kept\n"
    assert json.loads(got.deal_json) == {"id": "d1"}
    assert json.loads(got.screening_json) == {"deal_id": "d1", "verdict": "eligible"}
    s = got.summary
    assert (s.user, s.deal_filename, s.verdict, s.grade, s.esg_score) == ("Ada Lovelace", "my deal.yaml",
                                                                          "eligible", "B", 71.5)
    assert [(d.name, d.pages) for d in s.documents] == [("oc.pdf", 12)]
    assert [(r.name, r.version, r.hash) for r in s.rulesets] == [("mapping", "2026.1", "h1")]
    assert s.created_at.tzinfo is not None


def test_missing_id_is_none(store):
    assert store.get(12345) is None


@pytest.mark.parametrize(("given", "stored"), [(None, "anonymous"), ("", "anonymous"), ("   ", "anonymous"),
                                               ("x" * 500, "x" * 100)])
def test_user_defaults_to_anonymous_and_is_bounded(given, stored):
    assert clean_user(given) == stored


def test_latest_per_deal_is_the_portfolio(store):
    store.save(_Screening("d1", verdict="ineligible"), deal_text="", deal_filename="d1.yaml")
    store.save(_Screening("d2"), deal_text="", deal_filename="d2.yaml")
    newest = store.save(_Screening("d1", verdict="conditional"), deal_text="", deal_filename="d1.yaml")
    latest = store.latest_per_deal()
    assert [(x.summary.deal_id, x.summary.verdict) for x in latest] == [("d1", "conditional"), ("d2", "eligible")]
    assert latest[0].summary.id == newest
    assert store.count() == 3 and store.count(deal_id="d1") == 2
    assert [s.deal_id for s in store.summaries()] == ["d1", "d2", "d1"]  # newest first
    assert [s.verdict for s in store.summaries(deal_id="d1")] == ["conditional", "ineligible"]


def test_rule_index_says_where_each_rule_fired(store):
    a = store.save(_Screening("d1"), deal_text="", deal_filename="d1.yaml")
    b = store.save(_Screening("d2", findings=[_Finding("UOP-RE-7.2", "mapping", "contribute", "fired")]),
                   deal_text="", deal_filename="d2.yaml")
    assert store.rule_counts() == {"UOP-RE-7.2": 2, "RF-SYNTH": 1}
    where = store.findings_of_rule("UOP-RE-7.2")
    assert [(f.screening_id, s.id, s.deal_id) for f, s in where] == [(b, b, "d2"), (a, a, "d1")]
    assert store.findings_of_rule("NOPE") == []


def test_a_failed_write_leaves_no_half_record(store, monkeypatch):
    bad = _Screening("d1", findings=[_Finding("X", "r", "flag", "fired")])
    real_insert = store_mod.sa.insert

    def failing_insert(table):
        if table is store_mod.screening_findings:
            raise RuntimeError("crash mid-screening")
        return real_insert(table)

    monkeypatch.setattr(store_mod.sa, "insert", failing_insert)
    with pytest.raises(RuntimeError):
        store.save(bad, deal_text="", deal_filename="d1.yaml")
    monkeypatch.undo()
    assert store.count() == 0
    with store._engine.connect() as conn:
        for table in (store_mod.screening_documents, store_mod.screening_rulesets, store_mod.screening_findings):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0


def test_concurrent_writers_all_land(store):
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            store.save(_Screening(f"d{i % 5}"), deal_text=str(i), deal_filename=f"{i}.yaml", user=f"u{i}")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count() == 20
    assert len(store.latest_per_deal()) == 5
    assert sorted(s.user for s in store.summaries()) == sorted(f"u{i}" for i in range(20))


def test_sigkill_mid_writes_leaves_only_whole_records(database_url):
    """A writer process killed while saving screenings (on SQLite and PostgreSQL): each stored screening
    has all its rows, and the database takes new writes."""
    import os
    import signal
    import subprocess
    import sys
    import textwrap
    import time
    from pathlib import Path

    script = textwrap.dedent(f"""
        import sys
        from engine.store import Store
        from tests.test_store import _Finding, _Screening
        store = Store({database_url!r})
        for i in range(100000):
            findings = [_Finding(f"R{{k}}", "r", "flag", "fired") for k in range(40)]
            store.save(_Screening(f"d{{i % 7}}", findings=findings), deal_text="x" * 5000, deal_filename="k.yaml")
            if i == 5:
                print("writing", flush=True)
    """)
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    time.sleep(0.3)  # let it get well into further writes
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    store = Store(database_url)
    try:
        total = store.count()
        assert total >= 6
        with store.engine.connect() as conn:
            per = conn.execute(sa.select(store_mod.screening_findings.c.screening_id, sa.func.count())
                               .group_by(store_mod.screening_findings.c.screening_id)).all()
        assert len(per) == total and {n for _, n in per} == {40}
        new_id = store.save(_Screening("after"), deal_text="", deal_filename="after.yaml")
        assert store.get(new_id).summary.deal_id == "after"
    finally:
        store.close()
