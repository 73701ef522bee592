"""Reporting frequency comes from the reporting sentence, for the kind of report it qualifies."""

from __future__ import annotations

from engine.documents import read_bytes
from engine.extract import extract


def reporting(text: str) -> set[tuple[str, str | None]]:
    found = extract(read_bytes(text.encode("utf-8"), name="framework.txt"))
    return {(r.kind, r.frequency) for r in found.reporting}


def test_each_kind_keeps_its_own_frequency() -> None:
    text = ("The Ministry will publish an allocation report on the eligible expenditure every year and an impact "
            "report describing the environmental benefits at least every two years.")
    assert reporting(text) == {("allocation", "annual"), ("impact", "biennial")}


def test_adjectives_before_the_report_word() -> None:
    text = "The issuer commits to quarterly allocation reporting and biennial reporting on impacts."
    assert reporting(text) == {("allocation", "quarterly"), ("impact", "biennial")}


def test_a_coupon_frequency_is_not_a_reporting_frequency() -> None:
    text = ("Profit Rate: 5.50 % Fixed, Semi-annual. The Issuer will report on the allocation of proceeds "
            "until full allocation.")
    got = reporting(text)
    assert ("allocation", "semi_annual") not in got


def test_interest_payable_annually_next_to_a_report_promise() -> None:
    text = "Interest is payable annually in arrear and the issuer will publish an impact report."
    assert reporting(text) == {("impact", None)}
