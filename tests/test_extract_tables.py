"""KPI tables: each row's baseline and target come from its own cells, units from the header or the label."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from engine.documents import read_bytes, read_document
from engine.extract import extract
from engine.extract.tables import Table
from engine.models.disclosures import Kpi

NORTHFIELD = """IMPACT INDICATORS

The University will report the following indicators:

  Indicator                       Expected value            Baseline         Target
  Students trained per year       4,800 students (2027)     3,100 (2024)     6,000 by 2030
  Scholarships awarded per year   350 scholarships (2026)   -                420 by 2029
  Apprenticeship placements      900 placements by 2030    -                -
  (cumulative)

The Training Centre is expected to train 4,800 students per year from 2027.
"""


def _kpis(text: str) -> dict[str, Kpi]:
    return {k.metric: k for k in extract(read_bytes(text.encode("utf-8"), name="t.txt")).kpis}


def test_each_row_keeps_its_own_target_year_and_baseline() -> None:
    got = _kpis(NORTHFIELD)
    students, scholarships = got["students_trained"], got["scholarships"]
    assert (students.value, students.baseline, students.baseline_year, students.target_year) == (4800, 3100, 2024, 2030)
    assert (scholarships.value, scholarships.baseline, scholarships.baseline_year, scholarships.target_year) == (
        350, None, None, 2029)
    assert set(got) == {"students_trained", "scholarships"}  # placements are not a catalogue metric


def test_units_stated_once_in_the_header_or_the_row_label() -> None:
    got = _kpis("Impact of the eligible portfolio:\n\n"
                "  Indicator                      Energy (GWh)    GHG (tCO2e)     Baseline (GWh)\n"
                "  Renewable energy generated     84.2            -               61.0\n"
                "  Emissions avoided              -               31,900          -\n"
                "  Energy saved per year (MWh)    12,400          -               8,100 (2021)\n")
    assert got["renewable_generation"].normalized_value == pytest.approx(84_200)
    assert got["renewable_generation"].baseline == pytest.approx(61.0)  # in the KPI's own unit, GWh
    assert got["ghg_avoided"].normalized_value == 31_900 and got["ghg_avoided"].baseline is None
    assert (got["energy_saved"].unit, got["energy_saved"].value) == ("MWh", 12_400)
    assert (got["energy_saved"].baseline, got["energy_saved"].baseline_year) == (8_100, 2021)


def test_a_bare_head_count_is_named_by_its_row() -> None:
    got = _kpis("SOCIAL IMPACT\n\n  Indicator                  Value     Target\n"
                "  Jobs created at the SMEs   1,350     1,500 by 2028\n")
    assert (got["jobs_created"].value, got["jobs_created"].target_year) == (1350, 2028)


def test_cells_belong_to_the_column_they_lie_under() -> None:
    table = Table("  Indicator         2025 value     Baseline (2022)   Target\n"
                  "  Energy saved      12,400           8,100            15,000 by 2028\n"
                  "  Jobs created     1,350            -                -\n")
    roles = [(c.text, c.column.role) for c in table.cells]
    assert roles == [("Energy saved", "label"), ("12,400", "value"), ("8,100", "baseline"),
                     ("15,000 by 2028", "target"), ("Jobs created", "label"), ("1,350", "value"), ("-", "baseline"),
                     ("-", "target")]
    assert table.cells[2].column.year == 2022


def test_prose_and_figure_rows_without_a_header_are_not_tables() -> None:
    assert Table("Revenue grew 12% in 2024.\n  850 MW   610 MW\n").cells == []


def test_a_pdf_table_keeps_its_columns(tmp_path: Path) -> None:
    """pdfium writes a wide gap as one space; the reader puts the width back so columns can be told apart."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    pdf.multi_cell(0, 5, "The Issuer will report these indicators, which the Notes finance and which are audited "
                         "annually by the Verification Agent in line with the Framework of 2025.", align="J")
    for line in NORTHFIELD.split("\n")[4:7]:
        pdf.set_font("courier", size=8)
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "table.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    assert "Students trained per year       4,800 students (2027)     3,100 (2024)" in doc.pages[0].text
    assert "  " not in doc.pages[0].text.split("\n")[0]  # justified prose is not a table
    got = {k.metric: k for k in extract(doc).kpis}
    assert (got["students_trained"].baseline_year, got["students_trained"].target_year) == (2024, 2030)
    assert got["scholarships"].target_year == 2029


def test_a_row_that_lost_its_columns_is_read_as_prose() -> None:
    got = _kpis("SOCIAL IMPACT\n\n  Indicator                Value         Period\n"
                "  SMEs financed            8 SMEs        2025\n"
                "  R&D expenditure of the financed SMEs CNY 96 million annual, 2026\n")
    assert {(k.metric, k.value) for k in got.values()} == {("smes_financed", 8), ("rd_expenditure", 96e6)}
