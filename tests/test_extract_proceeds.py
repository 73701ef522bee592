"""Use of proceeds: each item keeps its own figures, and SDG wording is never a project category."""

from __future__ import annotations

from engine.documents import read_bytes
from engine.extract import extract
from engine.models.disclosures import Extraction


def _read(text: str) -> Extraction:
    return extract(read_bytes(text.encode("utf-8"), name="passage.txt"))


LIST_WITH_TOTAL = """USE OF PROCEEDS

The University will apply an amount equal to the net proceeds of GBP 25 million to the following
Eligible Social Projects:

(a) Access to essential services - education and vocational training: 55 per cent. of the net
    proceeds (GBP 13,750,000) will finance the construction of the Skills Centre.

(b) Socioeconomic advancement and empowerment: 35 per cent. (GBP 8,750,000) will endow the
    Scholarship Fund.

(c) Access to essential services (refinancing): 10 per cent. (GBP 2,500,000) will refinance the
    fit-out of the apprenticeship workshop.
"""


def test_each_list_item_gets_its_own_share_and_amount_not_the_issue_total() -> None:
    items = [(u.category, u.share_pct, u.amount, u.refinancing) for u in _read(LIST_WITH_TOTAL).use_of_proceeds]
    assert items == [
        ("access_to_essential_services", 55.0, 13_750_000.0, False),
        ("socioeconomic_advancement_and_empowerment", 35.0, 8_750_000.0, False),
        ("access_to_essential_services", 10.0, 2_500_000.0, True),
    ]


def test_the_total_of_the_issue_is_no_items_amount_in_prose_either() -> None:
    got = _read("The net proceeds of EUR 300 million will be allocated to renewable energy (EUR 200 million) "
                "and green buildings (EUR 100 million).").use_of_proceeds
    assert {(u.category, u.amount) for u in got} == {("renewable_energy", 200e6), ("green_buildings", 100e6)}


SDG_CLAIM = """USE OF PROCEEDS

Verdant intends to use approximately 60% of the net proceeds to refurbish its restaurants with LED lighting.

Verdant believes that the programme supports the United Nations Sustainable Development Goals, including
SDG 6 (Clean Water and Sanitation), SDG 12 (Responsible Consumption and Production) and SDG 4 (Quality
Education), and target 3.8 (access to quality essential health-care services).
"""


def test_goal_titles_and_target_glosses_are_sdg_references_not_categories() -> None:
    got = _read(SDG_CLAIM)
    assert [(u.category, u.share_pct) for u in got.use_of_proceeds] == [("energy_efficiency", 60.0)]
    assert {(s.sdg, s.target) for s in got.sdg_references} == {(6, None), (12, None), (4, None), (3, "3.8")}


def test_a_category_named_outside_the_goal_title_still_counts() -> None:
    got = _read("60 per cent. of the net proceeds will be allocated to wastewater treatment, in support of SDG 6 "
                "(Clean Water and Sanitation), and 40 per cent. to sanitation networks in rural areas.").use_of_proceeds
    assert {(u.category, u.share_pct) for u in got} == {
        ("sustainable_water_and_wastewater_management", 60.0), ("affordable_basic_infrastructure", 40.0)}


def test_a_company_name_is_not_a_category() -> None:
    got = _read("USE OF PROCEEDS\n\nThe proceeds will be paid to the eight SMEs as SME financing.\n\n"
                "  SME                                   Financing (CNY 10,000)\n"
                "  Guangzhou Xinneng Energy Storage      2,960\n"
                "  SunCo Solar Power Ltd                 2,580\n").use_of_proceeds
    assert [u.category for u in got] == ["employment_generation"]


def test_title_case_categories_after_a_determiner_still_count() -> None:
    got = _read("The Renewable Energy and Green Buildings categories will receive 100% of the net proceeds.")
    assert {u.category for u in got.use_of_proceeds} == {"renewable_energy", "green_buildings"}


def test_unallocated_money_is_no_items_amount() -> None:
    got = _read("Proceeds allocated: renewable energy EUR 60 million; energy efficiency EUR 40 million; "
                "unallocated EUR 5 million held in cash.").use_of_proceeds
    assert {(u.category, u.amount) for u in got} == {("renewable_energy", 60e6), ("energy_efficiency", 40e6)}


def test_a_money_kpi_elsewhere_in_the_sentence_leaves_allocations_alone() -> None:
    got = _read("EUR 50 million of the net proceeds will be allocated to renewable energy, while the licensees' "
                "own R&D expenditure reached EUR 4 million in 2025.")
    assert [(u.category, u.amount) for u in got.use_of_proceeds] == [("renewable_energy", 50e6)]
    assert [(k.metric, k.value) for k in got.kpis] == [("rd_expenditure", 4e6)]


def test_a_category_naming_a_document_is_not_a_category() -> None:
    for text in ("The net proceeds were allocated in line with the Renewable Energy Directive to clean transportation.",
                 "The net proceeds were allocated to clean transportation; a climate resilience assessment was made.",
                 "The net proceeds were allocated to clean transportation under the Energy Efficiency Regulation."):
        assert [u.category for u in _read(text).use_of_proceeds] == ["clean_transportation"], text
    found = _read("The net proceeds were allocated to renewable energy and clean transportation.")
    assert sorted(u.category for u in found.use_of_proceeds) == ["clean_transportation", "renewable_energy"]
