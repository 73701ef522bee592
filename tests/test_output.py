"""Result files: written whole or not at all, with the permissions the user's umask asks for."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.output import write_atomic
from tests.screening_cases import by_stem


@pytest.fixture
def umask():
    def set_mask(mask: int) -> None:
        os.umask(mask)

    previous = os.umask(0o022)
    yield set_mask
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_write_atomic_follows_the_umask_and_leaves_no_temporary_file(tmp_path: Path, umask, mask: int) -> None:
    umask(mask)
    target = tmp_path / "out" / "report.md"
    write_atomic(target, "first")
    write_atomic(target, "second")  # replacing keeps the mode the umask gives
    assert target.read_text() == "second" and _mode(target) == 0o666 & ~mask
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]


def test_screen_output_has_the_same_mode_as_batch_output(tmp_path: Path, umask) -> None:
    umask(0o022)
    deal = by_stem("marlowe-catalogue-royalty-bonds")
    report = tmp_path / "marlowe.json"
    table = tmp_path / "results.csv"
    screened = CliRunner().invoke(main, ["screen", str(deal), "--as-of", "2026-06-30", "--format", "json",
                                         "-o", str(report)])
    assert screened.exit_code == 0, screened.output
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / deal.name).write_text(deal.read_text(encoding="utf-8").split("\ndocuments:")[0] + "\n",
                                    encoding="utf-8")
    batched = CliRunner().invoke(main, ["batch", str(folder), "--as-of", "2026-06-30", "--workers", "1",
                                        "-o", str(table)])
    assert batched.exit_code == 0, batched.output
    assert _mode(report) == _mode(table) == 0o644


def test_a_batch_output_that_cannot_be_built_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    """Written whole or not at all: a failure while building the table keeps the previous results."""
    from datetime import date

    import pandas as pd

    from engine.portfolio import run_batch, write_results

    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "minimal.yaml").write_text((Path(__file__).parent / "fixtures" / "deals" / "minimal.yaml")
                                         .read_text(encoding="utf-8"), encoding="utf-8")
    result = run_batch(folder, as_of=date(2026, 6, 30), workers=1)
    out = tmp_path / "results.parquet"
    out.write_bytes(b"previous results")

    def broken(self, target, **kwargs):  # writes part of the table, then fails
        if isinstance(target, str | Path):
            Path(target).write_bytes(b"PAR1 half a table")
        else:
            target.write(b"PAR1 half a table")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError):
        write_results(result, out)
    assert out.read_bytes() == b"previous results"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book", "results.parquet"]
