"""A reviewer's walk in a real headless Chromium: upload -> report -> portfolio (sort) -> rule browser."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOLARIS = ROOT / "examples" / "deals" / "solaris-green-patent-abs.yaml"
SOLARIS_DOC = ROOT / "examples" / "documents" / "solaris-offering-circular.txt"

pytestmark = pytest.mark.browser


def test_upload_report_portfolio_rules(page, live_app, tmp_path):
    page.goto(f"{live_app}/screenings/new")
    page.set_input_files("#deal", str(SOLARIS))
    page.set_input_files("#documents", str(SOLARIS_DOC))
    page.fill("#user", "Browser Reviewer")
    page.fill("#as_of", "2026-06-30")
    page.click("#screen")
    page.wait_for_url("**/screenings/*", timeout=120_000)
    assert "Solaris Clean Energy Patent Royalty ABS 2026-1" in page.inner_text("h1")
    assert "Browser Reviewer" in page.inner_text("#stored-meta")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

    page.goto(f"{live_app}/screenings/new")  # a second deal, picked from the examples
    page.select_option("#example", "northfield-university-patent-abs.yaml")
    page.click("#screen")
    page.wait_for_url("**/screenings/*", timeout=120_000)

    page.click("nav.site >> text=Portfolio")
    rows = page.locator("#portfolio tbody tr")
    assert rows.count() == 2
    esg = page.locator("#portfolio th", has_text="ESG")
    esg.click()
    first_up = page.locator("#portfolio tbody tr td:nth-child(5)").all_inner_texts()
    esg.click()
    first_down = page.locator("#portfolio tbody tr td:nth-child(5)").all_inner_texts()
    assert first_down == list(reversed(first_up))
    assert [float(x) for x in first_up] == sorted(float(x) for x in first_up)
    page.screenshot(path=str(tmp_path / "portfolio.png"), full_page=True)

    page.click("nav.site >> text=Rule sets")
    page.locator("#rulesets a").first.click()
    assert page.locator("#parameters").count() == 1
    page.locator("h3 a code").first.click()
    assert page.locator("#fired").count() == 1
    shot = tmp_path / "rules.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000


def test_bad_upload_shows_file_line_problems(page, live_app, tmp_path):
    bad = tmp_path / "bad-deal.yaml"
    bad.write_text("id: bad\nname: Bad\ncolour: green\n")
    page.goto(f"{live_app}/screenings/new")
    page.set_input_files("#deal", str(bad))
    page.click("#screen")
    problems = page.inner_text("#problems")
    assert "bad-deal.yaml:3:" in problems and "unknown key 'colour'" in problems
    page.goto(f"{live_app}/portfolio")  # and the server still serves
    assert "Portfolio" in page.inner_text("h1")
