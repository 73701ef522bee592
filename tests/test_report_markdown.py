"""Markdown reports read as written: no HTML entities, while untrusted text still cannot open a tag or a cell."""

from __future__ import annotations

import re

import pytest

from engine.report import _md_cell, render
from tests.screening_cases import EXAMPLES, screened

ENTITY = re.compile(r"&(#?[0-9A-Za-z]+);")


@pytest.mark.parametrize("deal_path", EXAMPLES, ids=lambda p: p.stem)
def test_markdown_report_has_no_html_entities(deal_path) -> None:
    md = render(screened(deal_path), "md")
    assert ENTITY.findall(md) == []
    assert re.search(r"(?<!\\)<[A-Za-z/!?]", md) is None  # no raw HTML tag can start


def test_rule_basis_arrows_read_as_arrows() -> None:
    md = render(screened(next(p for p in EXAMPLES if p.stem == "solaris-green-patent-abs")), "md")
    assert "CPC class -> SDG target" in md


@pytest.mark.parametrize(("text", "expected"), [
    ("class -> target", "class -> target"),
    ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"),
    ("a | b\nc", "a \\| b c"),
    ("&lt;img&gt; and AT&T", "\\&lt;img\\&gt; and AT&T"),  # shown as typed, not decoded into a tag
    ("a\\|b", "a\\\\\\|b"),  # a backslash in the text cannot un-escape the pipe
])
def test_md_cell_keeps_text_literal_and_table_safe(text: str, expected: str) -> None:
    assert _md_cell(text) == expected
