"""Each bundled example screens to the verdict a reviewer would give, for the reasons a reviewer would give.

Screened as of 2026-06-30 (tests/screening_cases.py). When a rule or example changes
on purpose, change the expectation here and say why in the commit.
"""

from __future__ import annotations

from engine.models.screening import Screening
from tests.screening_cases import by_stem, screened


def _s(stem: str) -> Screening:
    return screened(by_stem(stem))


def _rules(items: list[str]) -> set[str]:
    return {text.rsplit("[", 1)[-1].rstrip("]") for text in items}


def _fired(s: Screening) -> set[str]:
    return {f.rule_id for f in s.findings}


def test_solaris_green_patent_pool_is_sound_with_only_concentration_to_watch() -> None:
    """Y02E solar/wind/storage patents, 80 % of proceeds to renewables, SPO and verification, DSCR ~2x."""
    s = _s("solaris-green-patent-abs")
    assert s.verdict == "conditional" and s.grade in ("A", "B") and not s.blockers
    assert _rules(s.conditions) <= {"ELIG-CONC-ASSET", "ELIG-CONC-LICENSEE", "ELIG-OBLIGOR-HHI"}, \
        "only watch-level concentration"
    assert [t.sdg for t in s.top_sdgs][:1] == [7] and "7.2" in s.top_sdgs[0].targets
    assert {"CPC-Y02E10-7.2", "UOP-RE-7.2", "KPI-GHG-AVOIDED-13.2"} <= _fired(s)
    assert all(c.status == "met" for c in s.components if c.standard == "icma_gbp")
    assert s.red_flag_count == 0 and not s.contradictions


def test_northfield_university_social_abs_contributes_to_education_with_conditions_to_watch() -> None:
    """Vocational training and scholarships (SBP essential services); a patent challenge and a short life cushion."""
    s = _s("northfield-university-patent-abs")
    assert s.verdict == "conditional" and not s.blockers
    assert s.top_sdgs[0].sdg == 4 and {"4.3", "4.4"} & set(s.top_sdgs[0].targets)
    assert {"ELIG-LITIGATION", "ELIG-LIFE-CUSHION"} <= _rules(s.conditions)
    assert not s.contradictions, "the only deliberate contradiction of the examples is Verdant's"


def test_huangpu_sme_licence_abs_serves_sdg_8_and_9_but_lacks_a_framework() -> None:
    """Like the 2019 Guangzhou deals: SME employment and innovation; guaranteed, but collateral covers alone."""
    s = _s("huangpu-sme-patent-licence-abs")
    assert s.verdict == "conditional" and not s.blockers
    assert {t.sdg for t in s.top_sdgs[:2]} == {8, 9}
    assert {"SBP-FRAMEWORK", "SBP-VERIFICATION"} <= _rules(s.conditions)
    unenhanced = [c for c in s.checks if c.metric == "dscr_min_unenhanced"]
    assert unenhanced and unenhanced[0].status == "pass", "the guarantee is not the only thing holding it up"


def test_marlowe_catalogue_bond_fails_on_one_licensee_and_declining_royalties() -> None:
    """Bowie-shaped 1997 bond: 75 % of royalties from one record label and a 6 %/yr decline (downgraded in 2004)."""
    s = _s("marlowe-catalogue-royalty-bonds")
    assert s.verdict == "ineligible"
    assert {"ELIG-CONC-LICENSEE", "ELIG-DSCR-ROYALTY"} <= _rules(s.blockers)
    assert all(x.score == 0 for x in s.sdg_scores), "an unlabelled music catalogue evidences no SDG"
    assert not s.components, "no ICMA requirement applies to an unlabelled bond"


def test_verdant_green_wbs_is_conditional_on_its_vague_and_contradicted_green_claims() -> None:
    """Financially solid restaurant WBS; the green label rests on hedged claims, no review, and a 60 % vs 65 %."""
    s = _s("verdant-grill-whole-business-abs")
    assert s.verdict == "conditional" and not s.blockers and s.grade in ("D", "E")
    assert [(c.field, c.deal_value, c.document_value) for c in s.contradictions] == [
        ("allocation.energy_efficiency", "65 %", "60 %")]
    assert {"GBP-REVIEW", "GBP-FRAMEWORK", "RF-CONTRADICTION"} <= _rules(s.conditions)
    assert {"RF-CLAIM-UNSCREENED-SDG", "RF-OVERCLAIM-SDG12"} <= _fired(s)
    sdg12 = next(x for x in s.sdg_scores if x.sdg == 12)
    assert sdg12.score < 0 and sdg12.band == "negative", "claiming SDG 12 with nothing behind it costs SDG 12"
    dscr = next(c for c in s.checks if c.metric == "dscr_min")
    assert dscr.status == "pass" and dscr.rule_id == "ELIG-DSCR-WBS"


def test_carbonvault_fails_every_eu_gbs_securitisation_condition_it_claims() -> None:
    """Synthetic, originator not the issuer, fossil-fuel licensees, nothing taxonomy-aligned: yet 'EU GBS'."""
    s = _s("carbonvault-synthetic-eu-gbs")
    assert s.verdict == "ineligible" and s.grade == "E"
    assert {"EUGBS-SYNTHETIC", "EUGBS-ORIGINATOR-NOT-ISSUER", "EUGBS-FOSSIL-EXPOSURE",
            "EUGBS-TAXONOMY-SHORTFALL"} <= _rules(s.blockers)
    assert all(x.score <= 0 for x in s.sdg_scores), "deal-wide red flags cancel the CCUS classes"
    assert min(x.score for x in s.sdg_scores) >= -100
