"""A reviewer compares two screenings of one deal in a real headless Chromium: history -> compare -> report."""

from __future__ import annotations

import pytest

from tests.test_compare import _deal

pytestmark = pytest.mark.browser


def _screen(page, live_app, deal, as_of):
    page.goto(f"{live_app}/screenings/new")
    page.set_input_files("#deal", str(deal))
    page.fill("#user", "Browser Reviewer")
    page.fill("#as_of", as_of)
    page.click("#screen")
    page.wait_for_url("**/screenings/*", timeout=120_000)
    return int(page.url.rsplit("/", 1)[1])


def test_compare_two_screenings_of_a_deal(page, live_app, tmp_path):
    deal = tmp_path / "acme.json"
    deal.write_text(_deal("acme", [("renewable_energy", 7.0), ("energy_efficiency", 30.0)]), encoding="utf-8")
    first = _screen(page, live_app, deal, "2025-06-30")
    second = _screen(page, live_app, deal, "2026-06-30")

    page.click("nav.site >> text=History")
    page.click(f"#history a.compare[href$='/screenings/{first}/compare/{second}']")
    page.wait_for_url(f"**/screenings/{first}/compare/{second}")
    assert "Compare screenings of Deal acme" in page.inner_text("h1")
    as_of = page.locator("#sides tr", has_text="As of")
    assert as_of.locator("td").all_inner_texts() == ["2025-06-30", "2026-06-30"]
    assert "changed" in (as_of.get_attribute("class") or "")
    assert page.locator("#opinions tr[data-key]").count() == 4
    removed = page.locator("#findings tr[data-rule='UOP-RE-7.2']")
    assert removed.get_attribute("data-change") == "removed"
    cause = removed.locator(".cause").inner_text()
    assert "parameter" in cause.lower()
    assert "$min_material_share_pct 5 (from 2021-06-01) -> 10 (from 2026-01-01)" in cause
    sdg7 = page.locator("#sdg tr", has_text="7 ").first
    assert sdg7.locator("td").nth(3).inner_text().startswith("-")  # SDG 7 falls
    shot = tmp_path / "compare.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000

    page.click(f"#sides a[href$='/screenings/{second}']")  # the newer report links back to the comparison
    page.click("#compare-previous")
    page.wait_for_url(f"**/screenings/{first}/compare/{second}")
    page.goto(f"{live_app}/screenings/{first}")  # the older one picks the newer from its list
    page.select_option("#compare-other", str(second))
    page.click("#compare-with button")
    page.wait_for_url(f"**/screenings/{first}/compare/{second}")
    assert page.locator("#findings tr[data-rule='UOP-RE-7.2']").count() == 1
