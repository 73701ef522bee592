"""The double-submit guard and the progress note, in a real headless Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SUBMIT_TWICE = """() => {
  const form = document.getElementById("new-screening");
  const prevented = [];
  window.addEventListener("submit", (e) => prevented.push(e.defaultPrevented));  // after the guard's listener
  document.getElementById("example").value = "northfield-university-patent-abs.yaml";
  form.requestSubmit(); form.requestSubmit();
  return {prevented, busyHidden: document.getElementById("screening-busy").hidden};
}"""


def test_a_second_submit_is_stopped_and_progress_is_shown(page, live_app):
    page.goto(f"{live_app}/screenings/new")
    assert page.locator("#screening-busy").is_hidden()
    result = page.evaluate(SUBMIT_TWICE)
    assert result == {"prevented": [False, True], "busyHidden": False}
    page.wait_for_url("**/screenings/1", timeout=120_000)
    page.goto(f"{live_app}/history")
    assert page.locator("#history tr").count() == 2  # the header and one screening
