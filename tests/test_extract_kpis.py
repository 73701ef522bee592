"""Impact KPIs: every catalogue metric is read where a document states it, in its own unit."""

from __future__ import annotations

from engine.documents import read_bytes
from engine.extract import extract
from engine.models.disclosures import Extraction


def _read(text: str) -> Extraction:
    return extract(read_bytes(text.encode("utf-8"), name="passage.txt"))


def test_rd_expenditure_is_money_in_its_own_currency() -> None:
    (kpi,) = _read("The licensees reported R&D expenditure of USD 12.5 million in 2025 on the licensed "
                   "technologies.").kpis
    assert (kpi.metric, kpi.value, kpi.unit, kpi.normalized_value, kpi.normalized_unit) == (
        "rd_expenditure", 12.5e6, "USD", 12.5e6, "USD")


def test_an_impact_table_amount_is_a_kpi_not_an_allocation() -> None:
    got = _read("USE OF PROCEEDS\n\nThe proceeds will be paid to the SMEs.\n\nSOCIAL IMPACT\n\n"
                "  Indicator                                   Value\n"
                "  SMEs financed                               8 SMEs\n"
                "  R&D expenditure of the financed SMEs        CNY 96 million\n")
    assert {(k.metric, k.value) for k in got.kpis} == {("smes_financed", 8), ("rd_expenditure", 96e6)}
    assert not [u for u in got.use_of_proceeds if u.amount], got.use_of_proceeds


def test_a_retained_job_is_not_a_created_one() -> None:
    got = _read("The loans helped retain 2,150 jobs during the downturn and created 430 new jobs.")
    assert {(k.metric, k.value) for k in got.kpis} == {("jobs_retained", 2150), ("jobs_created", 430)}


def test_energy_access_needs_energy_words() -> None:
    assert [k.metric for k in _read("In 2025, 4,100 households gained access to electricity.").kpis] == [
        "people_with_energy_access"]
    assert not [k for k in _read("In 2025, 4,100 households gained access to primary care.").kpis
                if k.metric == "people_with_energy_access"]


def test_licences_count_only_towards_developing_countries() -> None:
    assert [(k.metric, k.value) for k in _read("12 licences were granted to manufacturers in least developed "
                                               "countries.").kpis] == [("technology_licences_developing", 12)]
    assert not _read("12 licences were granted to manufacturers in Germany.").kpis


def test_any_year_states_an_annual_period() -> None:
    for year in ("2019", "2031"):
        found = _read(f"The financed wind farms generated 1,250 MWh of renewable electricity in {year}.")
        assert [(k.metric, k.period, k.period_stated) for k in found.kpis] == [
            ("renewable_generation", "annual", True)], year
    found = _read("The financed wind farms generated 1,250 MWh of renewable electricity over the lifetime.")
    assert [(k.period, k.period_stated) for k in found.kpis] == [("lifetime", True)]


def test_track_is_a_length_of_line_not_tracking_proceeds() -> None:
    for text in ("The project built 120 km of track for the new metro.", "The track length of the new line is 45 km.",
                 "The new tracks are 45 km long."):
        assert [k.metric for k in _read(text).kpis] == ["clean_transport_km"], text
    assert _read("The issuer will track proceeds of 500 km in its ledger.").kpis == []
