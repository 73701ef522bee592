"""The EuGB factsheet (Reg. (EU) 2023/2631 Annex I): pre-filled from the deal file, gaps marked, nothing invented."""

from __future__ import annotations

from click.testing import CliRunner

from engine.cli import main
from engine.opinions.factsheet import factsheet
from engine.report import render
from tests.screening_cases import by_stem, screened


def test_aurora_factsheet_names_the_originator_and_marks_what_the_deal_file_cannot_fill() -> None:
    s = screened(by_stem("aurora-eugbs-heat-pump-securitisation"))
    fields = {f.label: f for sec in factsheet(s) for f in sec.fields}
    assert fields["Legal name of the originator (securitisation bond)"].value == "Aurora Waermetechnik GmbH"
    assert fields["Securitisation bond"].value == "yes"
    assert fields["Minimum proportion of proceeds for environmentally sustainable activities (at least 85 %)"].value \
        == "100 %"
    assert fields["Identity and contact details of the external reviewer"].value == \
        "Nordlicht Green Review GmbH (contact details: gap)"
    for label in ("Legal entity identifier (LEI), where available", "ISIN(s), where available",
                  "Estimated issuance costs deducted from the proceeds (Art. 4(1))"):
        assert fields[label].gap, f"{label} is not in a deal file and must stay a gap"
    text = render(s, "eugb-factsheet")  # type: ignore[arg-type]
    assert text.startswith("# EUROPEAN GREEN BOND FACTSHEET") and "**GAP**" in text
    assert "construed as and, where appropriate, replaced with references to the originator" in text


def test_a_deal_without_alignment_data_leaves_the_85_percent_field_as_a_gap() -> None:
    s = screened(by_stem("huangpu-sme-patent-licence-abs"))
    fields = {f.label: f for sec in factsheet(s) for f in sec.fields}
    assert fields["Minimum proportion of proceeds for environmentally sustainable activities (at least 85 %)"].gap
    assert fields["Designation statement"].gap, "no designation statement for a deal that does not claim the EuGB"
    [name] = [f for label, f in fields.items() if label.startswith("Legal name of the")]
    party = s.deal.originator if s.deal.structure.type == "securitisation" else s.deal.issuer
    assert name.value == party.name


def test_cli_renders_the_factsheet() -> None:
    deal = str(by_stem("aurora-eugbs-heat-pump-securitisation"))
    result = CliRunner().invoke(main, ["screen", deal, "--as-of", "2026-06-30", "--format", "eugb-factsheet"])
    assert result.exit_code == 0, result.output
    assert "## 4. Intended allocation of bond proceeds" in result.output
