"""Error classes seen on real disclosures (issue 15), each with passages written for this test."""

from __future__ import annotations

from engine.documents import read_bytes
from engine.extract import extract
from engine.models.disclosures import Extraction


def run(text: str) -> Extraction:
    return extract(read_bytes(text.encode("utf-8"), name="framework.txt"))


def categories(text: str) -> set[str]:
    return {u.category for u in run(text).use_of_proceeds}


def shares(text: str) -> set[tuple[str, float | None]]:
    return {(u.category, u.share_pct) for u in run(text).use_of_proceeds}


# --- category lists and synonyms -----------------------------------------------------------------------------------

def test_a_run_on_list_of_categories() -> None:
    text = ("The framework defines four project categories: Green Buildings, Clean Transportation, Pollution "
            "Prevention and Control and Renewable Energy.")
    assert categories(text) == {"green_buildings", "clean_transportation", "pollution_prevention_and_control",
                                "renewable_energy"}


def test_a_bulleted_list_after_a_colon() -> None:
    text = ("Eligible green expenditures fall into these categories:\n\n  • Sustainable Transportation\n\n"
            "  • Living and Natural Resources\n\n  • Water Quality and Conservation\n")
    assert categories(text) == {"clean_transportation", "sustainable_natural_resources_and_land_use",
                                "sustainable_water_and_wastewater_management"}


def test_waste_and_water_management_is_two_categories() -> None:
    assert categories("Proceeds will finance transport infrastructure, waste and water management.") == {
        "clean_transportation", "pollution_prevention_and_control", "sustainable_water_and_wastewater_management"}


def test_health_and_social_care() -> None:
    assert categories("Net proceeds will be allocated to health and social care facilities.") == {
        "access_to_essential_services"}


# --- negation, examples, problems named -----------------------------------------------------------------------------

def test_a_negated_category_is_not_a_use_of_proceeds() -> None:
    text = "The eligible categories are renewable energy; there is no assessment of climate resilience."
    assert categories(text) == {"renewable_energy"}


def test_examples_of_something_else_are_not_categories() -> None:
    text = ("The issuer considers other environmental benefits of its eligible projects, such as biodiversity "
            "enhancement and flood protection.")
    assert categories(text) == set()


def test_examples_of_what_proceeds_finance_are_kept() -> None:
    text = "The net proceeds will finance renewable projects, such as solar parks."
    assert categories(text) == {"renewable_energy"}


def test_a_problem_tackled_is_not_a_category() -> None:
    assert categories("Proceeds finance expenditure that tackles biodiversity loss and pollution control.") == {
        "pollution_prevention_and_control"}


# --- what a percentage is -------------------------------------------------------------------------------------------

def test_an_eligibility_threshold_is_not_a_share() -> None:
    text = ("Proceeds will be allocated to energy efficiency upgrades that make buildings at least 20 % more "
            "efficient than the national standard.")
    assert shares(text) == {("energy_efficiency", None)}


def test_a_reduction_target_is_not_a_share() -> None:
    text = "Proceeds will be allocated to green buildings that reduce energy use by 30 % against code."
    assert shares(text) == {("green_buildings", None)}


def test_a_share_needs_to_be_near_its_category() -> None:
    text = ("At least 40% of national spending is used for reforms in many fields and, as the ministry notes in "
            "its long annual review of the programme and of its many sub-programmes, for renewable energy.")
    assert all(s is None for _, s in shares(text))


def test_allocation_shares_still_read() -> None:
    text = "Of the net proceeds, 62 % were allocated to clean transportation and 38 % to energy efficiency."
    assert shares(text) == {("clean_transportation", 62.0), ("energy_efficiency", 38.0)}


# --- units and scales ---------------------------------------------------------------------------------------------

def test_a_bare_tonnage_of_greenhouse_gas_is_co2e() -> None:
    found = run("The programme is expected to reduce greenhouse gas emissions by 3.5 million tonnes per year.")
    assert [(k.metric, k.normalized_value, k.normalized_unit, k.period) for k in found.kpis] == [
        ("ghg_reduced", 3.5e6, "tCO2e", "annual")]


def test_co2_equivalent_spelled_out() -> None:
    found = run("Financed projects avoided 0.8 million metric tons of CO2-equivalent emissions in one year.")
    assert [(k.metric, k.normalized_value) for k in found.kpis] == [("ghg_avoided", 800000.0)]


# --- paired values: what each figure is ----------------------------------------------------------------------------

def basis(text: str) -> list[tuple[float, str | None]]:
    return [(k.value, k.basis) for k in run(text).kpis]


def test_actual_and_expected_side_by_side_are_both_kept() -> None:
    assert basis("The solar parks avoided 1,634,786 tCO2e actual and 2,091,219 tCO2e expected in 2025.") == [
        (1634786.0, "actual"), (2091219.0, "expected")]


def test_a_prior_year_comparator_is_a_baseline() -> None:
    assert basis("Renewable generation reached 8.2 million MWh, up from 2.2 million MWh in the prior year.") == [
        (8.2e6, None), (2.2e6, "baseline")]


def test_an_expected_figure_and_a_target() -> None:
    assert basis("The programme is expected to reduce greenhouse gas emissions by 44 million tonnes per annum.") == [
        (44e6, "expected")]
    assert basis("Our target is to avoid 50,000 tCO2e per year.") == [(50000.0, "target")]


def test_a_table_column_header_says_what_its_figures_are() -> None:
    text = ("Impact indicators:\n\nIndicator                      Expected value      Baseline (2022)\n"
            "Renewable energy generated     45,000 MWh          30,000 MWh\n")
    assert [(k.value, k.basis, k.baseline) for k in run(text).kpis] == [(45000.0, "expected", 30000.0)]


# --- reviews ------------------------------------------------------------------------------------------------------

def test_compatibility_with_a_standard_is_not_a_certification() -> None:
    text = ("Sustainalytics has been retained by the Authority to review and provide an opinion on its green bond "
            "framework and its compatibility with the Climate Bonds Standard.")
    assert [(r.provider, r.type) for r in run(text).external_reviews] == [("Sustainalytics", "second_party_opinion")]


# --- hedge scope ----------------------------------------------------------------------------------------------------

def test_a_hedge_in_another_part_of_the_sentence_does_not_hedge_an_allocation() -> None:
    found = run("Proceeds will be allocated to solar parks; the issuer may also publish an impact report.")
    assert [(u.category, u.hedged) for u in found.use_of_proceeds] == [("renewable_energy", False)]
    assert [(r.kind, r.hedged) for r in found.reporting] == [("impact", True)]


def test_a_hedge_in_the_same_part_hedges() -> None:
    found = run("The issuer intends to allocate the net proceeds to solar parks.")
    assert [(u.category, u.hedged) for u in found.use_of_proceeds] == [("renewable_energy", True)]


def test_a_table_figure_is_not_hedged_by_prose_below_it() -> None:
    text = ("Impact indicators:\n\nIndicator                    Value\nWind capacity installed      120 MW\n\n"
            "The issuer may add further turbines in later years.")
    assert [(k.value, k.hedged) for k in run(text).kpis] == [(120.0, False)]


def test_hectares_acres_and_kilometres() -> None:
    found = run("The parks protected 3,000 acres of wetland habitat, and proceeds financed 25 km of cycle lanes.")
    got = {(k.metric, round(k.normalized_value, 1), k.normalized_unit) for k in found.kpis}
    assert got == {("land_area_conserved", 1214.1, "ha"), ("clean_transport_km", 25.0, "km")}


def test_a_thousand_participants() -> None:
    assert [(k.metric, k.value) for k in run("The programme reached over 127 thousand participants in 2024.").kpis] == [
        ("beneficiaries", 127000.0)]


def test_a_road_length_alone_is_no_impact() -> None:
    assert run("The 12 km ring road opened in 2024.").kpis == []


# --- listed vs allocated ----------------------------------------------------------------------------------------------

def test_listed_categories_are_not_allocations() -> None:
    text = ("The framework lists eight eligible categories, among them renewable energy, green buildings, clean "
            "transportation and biodiversity conservation. In 2025, net proceeds were allocated to renewable energy "
            "(EUR 40 million) and green buildings.")
    got = {(u.category, u.allocated) for u in run(text).use_of_proceeds}
    assert got == {("renewable_energy", True), ("green_buildings", True), ("clean_transportation", False),
                   ("biodiversity_conservation", False)}


def test_a_framework_promise_is_not_an_allocation_record() -> None:
    assert [u.allocated for u in run("Proceeds will be allocated to solar parks.").use_of_proceeds] == [False]
    assert [u.allocated for u in run("Proceeds will be allocated 60% to solar parks.").use_of_proceeds] == [True]
