"""Writing and reading batch results: CSV, XLSX or Parquet, plus the ``<stem>.errors.csv`` beside them.

``read_results`` restores the column types a file format loses (an all-empty
check column, integer lines), so a table read back equals the one written.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from engine import errors
from engine.errors import InputError
from engine.output import write_atomic
from engine.portfolio.batch import ERROR_COLUMNS, BatchResult, normalise

FORMATS = (".csv", ".xlsx", ".parquet")


def errors_path(output: str | Path) -> Path:
    """``results.xlsx`` -> ``results.errors.csv``."""
    out = Path(output)
    return out.with_name(f"{out.stem}.errors.csv")


def check_output(output: str | Path) -> Path:
    out = Path(output)
    if out.suffix.lower() not in FORMATS:
        raise InputError.single(errors.UNSUPPORTED_FILE, f"cannot write results as {out.suffix or '(no suffix)'!r}",
                                str(out), hint=f"use one of {', '.join(FORMATS)}")
    return out


def write_results(result: BatchResult, output: str | Path) -> tuple[Path, Path]:
    """Write the results table and the errors file (always, so a stale one is never left behind)."""
    out = check_output(output)
    suffix = out.suffix.lower()
    buffer = io.BytesIO()  # built in memory, then written whole (engine.output): a crash leaves no half file
    if suffix == ".csv":
        buffer.write(result.table.to_csv(index=False).encode("utf-8"))
    elif suffix == ".xlsx":
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            result.table.to_excel(writer, sheet_name="results", index=False)
            result.errors.to_excel(writer, sheet_name="errors", index=False)
    else:
        result.table.to_parquet(buffer, index=False)
    write_atomic(out, buffer.getvalue())
    errs = errors_path(out)
    write_atomic(errs, result.errors.to_csv(index=False))
    return out, errs


def read_results(path: str | Path) -> pd.DataFrame:
    """A results file read back with the in-memory column types."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        table = pd.read_csv(p, keep_default_na=False, na_values=[""])
    elif suffix == ".xlsx":
        table = pd.read_excel(p, sheet_name="results")
    else:
        table = pd.read_parquet(p)
    return normalise(table)


def read_errors(path: str | Path) -> pd.DataFrame:
    table = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"reason": str})
    table = table.reindex(columns=ERROR_COLUMNS)
    table["line"] = table["line"].astype("Int64")
    for column in ("source", "code", "reason"):
        table[column] = table[column].astype("object")
    return table
