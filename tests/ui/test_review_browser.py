"""Two reviewers sign off a screening in a real headless Chromium (sign-in on): note, review, the four-eyes
refusal, approval by the second reviewer, the portfolio's sign-off filter, and supersede."""

from __future__ import annotations

from datetime import date

import pytest

from engine import auth
from engine.screen import load_inputs, screen
from tests.live import serve
from tests.test_web import EXAMPLES
from web import create_app

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture
def secured_app(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'review.sqlite'}", "UPLOAD_TMP": str(tmp_path),
                      "AUTH_REQUIRED": True})
    store = app.extensions["ipsdg"].store
    for name in ("rita", "rex"):
        auth.add_user(store.engine, name, "reviewer", PASSWORD)
    deal, documents = load_inputs(EXAMPLES / "northfield-university-patent-abs.yaml")
    result = screen(deal, documents, as_of=date(2026, 6, 30))
    ids = [store.save(result, deal_text="x", deal_filename="northfield.yaml", user="ada") for _ in range(2)]
    with serve(app) as base:
        yield base, ids
    store.close()


def _sign_in(page, base, name):
    page.goto(f"{base}/login?next=/portfolio")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url("**/portfolio")


def _sign_out(page):
    page.click("nav.site form.signout button")
    page.wait_for_url("**/login*")


def test_two_reviewers_sign_off_and_supersede(page, secured_app, tmp_path):
    base, (first, second) = secured_app
    _sign_in(page, base, "rita")
    page.goto(f"{base}/screenings/{first}")
    assert page.inner_text("#review-state") == "draft"
    assert "Approval needs a different person from the one who reviewed" in page.inner_text("#review-rule")
    assert page.locator("#review-local").count() == 0
    page.fill("#note-text", "royalty curve checked against the 2025 licence report")
    page.click("#add-note")
    page.wait_for_url(f"**/screenings/{first}#review")
    assert "rita (reviewer)" in page.inner_text("#notes") and "royalty curve" in page.inner_text("#notes")
    page.fill("#signoff-note", "figures agree with the circular")
    page.click("#do-review")
    page.wait_for_url(f"**/screenings/{first}#review")
    assert page.inner_text("#review-state") == "reviewed"
    assert page.locator("#do-approve").count() == 0  # rita reviewed: she may not approve
    assert "approval needs a different person" in page.inner_text("#review-refusals")
    page.screenshot(path=str(tmp_path / "reviewed.png"), full_page=False)
    _sign_out(page)

    _sign_in(page, base, "rex")
    page.goto(f"{base}/screenings/{first}")
    page.click("#do-approve")
    page.wait_for_url(f"**/screenings/{first}#review")
    assert page.inner_text("#review-state") == "approved"
    events = page.locator("#signoffs li").all_inner_texts()
    assert len(events) == 2
    assert events[0].startswith("reviewed by rita (reviewer) on ") and "figures agree with the circular" in events[0]
    assert events[1].startswith("approved by rex (reviewer) on ")
    shot = tmp_path / "approved.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 1000

    page.click("nav.site >> text=History")
    states = page.locator("#history tr td:nth-child(11)").all_inner_texts()
    assert states == ["draft", "approved"]  # newest first: #second is still a draft

    page.goto(f"{base}/screenings/{first}")  # the newer screening replaces the approved one
    page.select_option("#superseded-by-pick", str(second))
    page.click("#do-supersede")
    page.wait_for_url(f"**/screenings/{first}#review")
    assert page.inner_text("#review-state") == "superseded"
    page.click("#superseded-by")
    page.wait_for_url(f"**/screenings/{second}")
    page.click("#do-review")
    page.wait_for_url(f"**/screenings/{second}#review")
    _sign_out(page)
    _sign_in(page, base, "rita")
    page.goto(f"{base}/screenings/{second}")
    page.click("#do-approve")
    page.wait_for_url(f"**/screenings/{second}#review")

    page.goto(f"{base}/portfolio")
    page.select_option("#f-signoff", "approved")
    page.click("#filters button")
    rows = page.locator("#portfolio tbody tr")
    assert rows.count() == 1
    assert rows.locator("td").last.inner_text() == "approved"
    assert rows.locator(f"a[href='/screenings/{second}']").count() == 1
