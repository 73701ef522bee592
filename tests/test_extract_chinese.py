"""Chinese disclosures: jieba-segmented cues, 万/亿 scales, 千瓦/吨标准煤/吨二氧化碳 units, the same catalogue.

Passages written for these tests (not taken from any issuer's document).
"""

from __future__ import annotations

import pytest

from engine.documents import read_bytes
from engine.extract import extract
from engine.models.disclosures import Extraction
from engine.nlp import is_chinese, strip_glosses


def run(text: str) -> Extraction:
    return extract(read_bytes(text.encode("utf-8"), name="公告.txt"))


def kpis(found: Extraction) -> set[tuple[str, float, str]]:
    return {(k.metric, round(k.value, 2), k.normalized_unit) for k in found.kpis}


def test_carbon_coal_and_pollutants_with_wan_scales() -> None:
    found = run("本期债券募集资金全部用于光伏发电项目建设。经第三方机构测算，项目建成后每年可减排二氧化碳38.6万吨、"
                "节约标准煤12.4万吨、减排氮氧化物56.2吨。")
    assert kpis(found) == {("ghg_avoided", 386000.0, "tCO2e"), ("energy_saved", 124000.0, "MWh"),
                           ("air_pollutants_avoided", 56.2, "t")}
    coal = next(k for k in found.kpis if k.metric == "energy_saved")
    assert coal.normalized_value == pytest.approx(124000 * 8.141)  # GB/T 2589-2020: 1 tce = 29.3076 GJ
    assert all(k.period == "annual" for k in found.kpis)
    assert [(u.category, u.share_pct) for u in found.use_of_proceeds] == [("renewable_energy", 100.0)]


def test_capacity_in_wan_kilowatts_and_generation_in_yi_kilowatt_hours() -> None:
    found = run("募集资金将用于海上风电项目，项目总装机容量80万千瓦，投产后年发电量约24亿千瓦时。")
    assert kpis(found) == {("renewable_capacity_installed", 800000.0, "MW"), ("renewable_generation", 2.4e9, "MWh")}
    capacity = next(k for k in found.kpis if k.metric == "renewable_capacity_installed")
    assert capacity.normalized_value == pytest.approx(800.0)
    assert "80万千瓦" in capacity.evidence.text


def test_traditional_characters_and_pinyin_glosses() -> None:
    text = "本次債券發(fā)行規(guī)模15億元，募集資金不低於80%用於風電項目，預計年減排二氧化碳42.7萬噸。"
    found = run(text)
    assert [(u.category, u.share_pct) for u in found.use_of_proceeds] == [("renewable_energy", 80.0)]
    assert kpis(found) == {("ghg_avoided", 427000.0, "tCO2e")}
    kpi = found.kpis[0]
    assert text[kpi.evidence.start:kpi.evidence.end] == kpi.evidence.text  # quotes stay verbatim, glosses and all


def test_a_coupon_rate_and_a_portfolio_share_are_not_allocations() -> None:
    found = run("本期债券发行金额10亿元，票面利率3.15%，募集资金全部用于水电站项目建设。公司清洁能源装机占比超过90%。")
    assert [(u.category, u.share_pct) for u in found.use_of_proceeds] == [("renewable_energy", 100.0)]


def test_all_proceeds_to_two_categories_gives_no_share() -> None:
    found = run("募集资金全部用于绿色建筑和清洁交通项目。")
    assert {(u.category, u.share_pct) for u in found.use_of_proceeds} == {("green_buildings", None),
                                                                         ("clean_transportation", None)}


def test_an_outcome_idiom_is_not_a_category() -> None:
    found = run("募集资金全部用于风电项目建设，助力实现节能减排目标。")
    assert {u.category for u in found.use_of_proceeds} == {"renewable_energy"}


def test_ip_securitisation_for_technology_smes() -> None:
    found = run("该知识产权资产支持专项计划发行规模3亿元，募集资金用于支持科技型中小企业发展。")
    assert {u.category for u in found.use_of_proceeds} == {"employment_generation"}


def test_language_detection_and_gloss_offsets() -> None:
    assert is_chinese("募集资金全部用于风电项目") and not is_chinese("Proceeds finance wind farms (风电).")
    cleaned, index = strip_glosses("發(fā)行")
    assert cleaned == "發行" and index is not None and [index[i] for i in range(2)] == [0, 5]


def test_a_negated_use_is_not_a_category_but_at_least_is_a_share() -> None:
    found = run("本期募集资金不用于风电项目，募集资金不低于60%用于绿色建筑。")
    assert [(u.category, u.share_pct) for u in found.use_of_proceeds] == [("green_buildings", 60.0)]


def test_a_long_page_without_terminators_goes_to_jieba_in_bounded_pieces() -> None:
    from engine.nlp import _candidates

    page = "本期债券募集资金用于光伏发电项目建设，" * 110_000  # ~2 MB of text, no 。！？ and no line end
    assert len(page.encode("utf-8")) > 2_000_000
    pieces = _candidates([page], frozenset({"光伏"}), 200_000)
    sizes = [len(text) for _, _, text in pieces.items]
    assert max(sizes) <= 200_000 and len(sizes) == -(-len(page) // 200_000)
    assert "".join(text for _, _, text in pieces.items) == page
    assert all(page[offset:offset + len(text)] == text for _, offset, text in pieces.items)


def test_a_second_extractor_with_another_chinese_term_leaves_the_first_segmentation_alone() -> None:
    from engine.extract import TRIGGERS, default_extractor
    from engine.nlp import CueFinder

    text = "募集资金用于光伏发电项目建设和运营。"
    first = default_extractor().zh_cues
    before = [t.text for t in first.nlp.tokenizer(text)]  # type: ignore[union-attr]
    assert "发电项目建设" not in before
    phrases = {**default_extractor().phrases, "proceeds:extra": ["发电项目建设"]}
    second = CueFinder(phrases, triggers=TRIGGERS, lang="zh")
    assert "发电项目建设" in [t.text for t in second.nlp.tokenizer(text)]  # type: ignore[union-attr]
    assert [t.text for t in first.nlp.tokenizer(text)] == before  # type: ignore[union-attr]
