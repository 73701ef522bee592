"""Each bundled example screens to the verdict a reviewer would give, for the reasons a reviewer would give.

Screened as of 2026-06-30 (tests/screening_cases.py). When a rule or example changes
on purpose, change the expectation here and say why in the commit.
"""

from __future__ import annotations

from datetime import date

from engine.models.screening import OpinionRow, Screening
from tests.screening_cases import by_stem, screened


def _s(stem: str) -> Screening:
    return screened(by_stem(stem))


def _rules(items: list[str]) -> set[str]:
    return {text.rsplit("[", 1)[-1].rstrip("]") for text in items}


def _fired(s: Screening) -> set[str]:
    return {f.rule_id for f in s.findings}


def _ops(s: Screening) -> tuple[str, str, str, str]:
    assert s.opinions is not None
    o = s.opinions
    return o.icma.status, o.eu_gbs.status, o.sdg.grade, o.credit.status


def _row(rows: list[OpinionRow], key: str) -> OpinionRow:
    return next(r for r in rows if r.key == key)


def test_solaris_green_patent_pool_is_aligned_and_only_concentration_is_on_watch() -> None:
    """Y02E solar/wind/storage patents, 80 % of proceeds to renewables, SPO and verification, DSCR ~2x.

    Reviewer: all four GBP core components with firm wording, framework, pre-issuance SPO and a
    post-issuance verification -> aligned; SDG 7.2 evidenced by deal data -> significant; credit on
    watch only for asset and licensee concentration (a financial watch, not a label question)."""
    s = _s("solaris-green-patent-abs")
    assert _ops(s) == ("aligned", "not_claimed", "significant", "watch")
    assert s.verdict == "conditional" and s.grade in ("A", "B") and not s.blockers
    assert _rules(s.conditions) <= {"ELIG-CONC-ASSET", "ELIG-CONC-LICENSEE", "ELIG-OBLIGOR-HHI"}, \
        "only watch-level concentration"
    assert [t.sdg for t in s.top_sdgs][:1] == [7] and "7.2" in s.top_sdgs[0].targets
    assert {"CPC-Y02E10-7.2", "UOP-RE-7.2", "KPI-GHG-AVOIDED-13.2"} <= _fired(s)
    assert s.red_flag_count == 0 and not s.contradictions


def test_northfield_university_social_abs_is_aligned_with_credit_on_watch() -> None:
    """Vocational training and scholarships (SBP essential services); a patent challenge and a short life cushion.

    Reviewer: SBP components and recommendations all met -> aligned; SDG 4 (4.3/4.4) significant;
    credit watch for the pending litigation and a 1.35-year legal-life cushion."""
    s = _s("northfield-university-patent-abs")
    assert _ops(s) == ("aligned", "not_claimed", "significant", "watch")
    assert s.verdict == "conditional" and not s.blockers
    assert s.top_sdgs[0].sdg == 4 and {"4.3", "4.4"} & set(s.top_sdgs[0].targets)
    assert {"ELIG-LITIGATION", "ELIG-LIFE-CUSHION"} <= _rules(s.conditions)
    assert not s.contradictions, "the only deliberate contradiction of the examples is Verdant's"


def test_huangpu_sme_licence_abs_serves_sdg_8_and_9_but_is_not_sbp_aligned() -> None:
    """Like the 2019 Guangzhou deals: SME employment and innovation; guaranteed, but collateral covers alone.

    Reviewer: the deal file describes no tracking of net proceeds, and management of proceeds is an SBP
    core component -> not aligned (the issuer sees what to add); SDG 8 and 9 significant; credit watch
    (DSCR 1.399 against a 1.40 pass level)."""
    s = _s("huangpu-sme-patent-licence-abs")
    assert _ops(s) == ("not_aligned", "not_claimed", "significant", "watch")
    assert s.opinions is not None
    mop = _row(s.opinions.icma.rows, "icma_sbp:management_of_proceeds")
    assert mop.status == "missing" and mop.note and "track net proceeds" in mop.note
    assert {t.sdg for t in s.top_sdgs[:2]} == {8, 9}
    assert {"SBP-FRAMEWORK", "SBP-VERIFICATION"} <= _rules(s.conditions)
    unenhanced = [c for c in s.checks if c.metric == "dscr_min_unenhanced"]
    assert unenhanced and unenhanced[0].status == "pass", "the guarantee is not the only thing holding it up"


def test_marlowe_catalogue_bond_is_unlabelled_and_credit_ineligible() -> None:
    """Bowie-shaped 1997 bond: 75 % of royalties from one record label and a 6 %/yr decline (downgraded in 2004).

    Reviewer: no label -> ICMA not applicable, no EU GBS claim, no SDG evidenced; the credit opinion alone
    is ineligible (one licensee, DSCR 1.00)."""
    s = _s("marlowe-catalogue-royalty-bonds")
    assert _ops(s) == ("not_applicable", "not_claimed", "none", "ineligible")
    assert {"ELIG-CONC-LICENSEE", "ELIG-DSCR-ROYALTY"} <= _rules(s.blockers)
    assert all(x.score == 0 for x in s.sdg_scores), "an unlabelled music catalogue evidences no SDG"
    assert not s.components, "no ICMA requirement applies to an unlabelled bond"


def test_verdant_green_wbs_is_not_aligned_on_hedged_selection_and_missing_components() -> None:
    """Financially solid restaurant WBS; the green label rests on hedged claims, no review, and a 60 % vs 65 %.

    Reviewer: "Management will consider sustainability factors where feasible" is not a selection
    process (partly, hedge shown); no tracking and no reporting commitment -> not aligned; SDG 12 claimed
    with nothing behind it stays visible as an over-claim; credit only on watch."""
    s = _s("verdant-grill-whole-business-abs")
    assert _ops(s) == ("not_aligned", "not_claimed", "moderate", "watch")
    assert s.opinions is not None
    sel = _row(s.opinions.icma.rows, "icma_gbp:project_evaluation_and_selection")
    assert sel.status == "partly" and sel.note and "where feasible" in sel.note
    assert [(c.field, c.deal_value, c.document_value) for c in s.contradictions] == [
        ("allocation.energy_efficiency", "65 %", "60 %")]
    assert {"GBP-REVIEW", "GBP-FRAMEWORK", "RF-CONTRADICTION"} <= _rules(s.conditions)
    assert {"GBP-SELECTION", "GBP-MANAGEMENT", "GBP-REPORTING"} <= _rules(s.blockers)
    assert not any(r.startswith("ELIG-") for r in _rules(s.blockers)), "the finances are not what fails it"
    assert {"RF-CLAIM-UNSCREENED-SDG", "RF-OVERCLAIM-SDG12"} <= _fired(s)
    assert [r.key for r in s.opinions.sdg.rows if r.status == "over_claim"] == ["SDG 12"]
    sdg12 = next(x for x in s.sdg_scores if x.sdg == 12)
    assert sdg12.score == -15 and sdg12.band == "negative", "the SDG 12 over-claim is counted once, not per source"
    dscr = next(c for c in s.checks if c.metric == "dscr_min")
    assert dscr.status == "pass" and dscr.rule_id == "ELIG-DSCR-WBS"


def test_carbonvault_is_not_eu_gbs_compliant_for_the_articles_it_breaks() -> None:
    """Synthetic, fossil-fuel licensees, nothing taxonomy-aligned, an unregistered reviewer: yet 'EU GBS'.

    Reviewer: Art. 17 (synthetic), Art. 18(1) (extraction and refining licensees), Art. 4(1)/5(1)
    (40 % aligned), Art. 10(1)(b) and the ESMA registration (from 21 June 2026) fail. That the
    originator does not issue the bond is not a failure (Art. 16)."""
    s = _s("carbonvault-synthetic-eu-gbs")
    assert s.opinions is not None
    # ICMA: the GBP process components are documented (a framework SPO, no allocation verification yet);
    # the fossil licensees are an SDG matter (deal-wide red flags, listed) and an Art. 18(1) failure, not a
    # GBP component. Credit: DSCR 0.18 and LTV 105 % fail on their own.
    assert _ops(s) == ("aligned_with_recommendations", "not_compliant", "moderate", "ineligible")
    assert sum("deal-wide red flag" in r and "RF-FOSSIL-LICENSEE" in r for r in s.opinions.sdg.reasons) == 3
    assert s.verdict == "ineligible"
    rows = {r.key: r.status for r in s.opinions.eu_gbs.rows}
    assert {k: rows[k] for k in ("Art. 4(1)", "Art. 17", "Art. 18(1)", "Art. 10(1)(b)", "Art. 69 / Art. 23",
                                 "Art. 16")} == {
        "Art. 4(1)": "missing", "Art. 17": "missing", "Art. 18(1)": "missing", "Art. 10(1)(b)": "missing",
        "Art. 69 / Art. 23": "missing", "Art. 16": "met"}
    assert rows["Art. 6"] == rows["Art. 19(2)"] == "not_assessable"
    assert "EUGBS-ORIGINATOR-NOT-ISSUER" not in _fired(s), "Art. 16 reads 'issuer' as the originator"
    assert min(x.score for x in s.sdg_scores) >= 0, "deal-wide flags take contribution away, never below 0"


def test_aurora_eu_gbs_securitisation_by_an_sspe_is_compliant() -> None:
    """True-sale, SSPE-issued, taxonomy-aligned originator, factsheet positively reviewed by an ESMA-registered firm.

    Reviewer: every assessable article is met; the originator not issuing the bond is how Art. 16 works;
    Art. 6, 7, 11(4) and 19(2) stay not assessable from a deal file. GBP core met, post-issuance
    verification still to come -> aligned with recommendations; credit only on concentration watch."""
    s = _s("aurora-eugbs-heat-pump-securitisation")
    assert _ops(s) == ("aligned_with_recommendations", "compliant", "significant", "watch")
    assert s.opinions is not None and s.deal.structure.originator_is_issuer is False
    rows = {r.key: r.status for r in s.opinions.eu_gbs.rows}
    assert {k for k, v in rows.items() if v == "missing"} == set()
    assert {k for k, v in rows.items() if v == "not_assessable"} == {"Art. 6", "Art. 7", "Art. 11(4)", "Art. 19(2)"}
    assert rows["Art. 16"] == rows["Art. 18(1)"] == rows["Art. 10(1)(b)"] == "met"
    assert not s.blockers


def test_aurora_before_the_registration_date_needs_only_a_notified_reviewer() -> None:
    """Dated: as of 2026-06-20 the transitional regime (Art. 69(1)) applies, from 2026-06-21 registration."""
    before = screened(by_stem("aurora-eugbs-heat-pump-securitisation"), date(2026, 6, 20))
    assert before.opinions is not None
    assert {f.rule_id for f in before.findings} >= {"EUGBS-REVIEWER-NOTIFIED"}
    assert "EUGBS-REVIEWER-REGISTERED" not in {f.rule_id for f in before.findings}


def test_vita_unsecured_social_bond_is_judged_on_its_use_of_proceeds_apart_from_its_credit() -> None:
    """Royalty-Pharma-style senior unsecured notes: proceeds to healthcare access (SBP essential services).

    Reviewer: the SBP components are met by the framework whatever backs the notes -> aligned with
    recommendations (no post-issuance verification yet); SDG 3.8 from a pharmaceutical originator, not
    SDG 4; credit is its own opinion (royalty concentration on watch) and costs no SDG point."""
    s = _s("vita-royalty-unsecured-social-bond")
    assert _ops(s) == ("aligned_with_recommendations", "not_claimed", "limited", "watch")
    assert s.opinions is not None
    assert [r.key for r in s.opinions.sdg.rows if r.status == "contributes"] == ["SDG 3.8"]
    assert all(x.score == 0 for x in s.sdg_scores if x.sdg != 3)
    assert not any(p.rule_id and p.rule_id.startswith("RF-CONC") for x in s.sdg_scores for p in x.penalties)


def test_editions_are_dated_solaris_as_of_2024_cites_gbp_2021_and_as_of_2026_gbp_2025() -> None:
    """A screening as of 2024-01-01 uses GBP June 2021 (with the June 2022 appendix); as of 2026-06-30 GBP June 2025."""
    old = screened(by_stem("solaris-green-patent-abs"), date(2024, 1, 1))
    new = _s("solaris-green-patent-abs")
    assert old.opinions is not None and new.opinions is not None
    assert "June 2021" in old.opinions.icma.principles and "June 2025" in new.opinions.icma.principles
    assert {f.rule_id for f in old.findings if f.rule_id.startswith("GBP-")} == {
        f.rule_id + "-2021" for f in new.findings if f.rule_id.startswith("GBP-")}
