"""Render a Screening as HTML, Markdown or JSON with the Jinja templates in ``reports/``.

Document text is untrusted: HTML autoescapes everything and StrictUndefined
makes a template that names a missing field fail loudly instead of printing
nothing. Chart geometry is computed here, so templates only place shapes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from engine.models.screening import Screening
from engine.precision import distinct

TEMPLATES = Path(__file__).resolve().parents[1] / "reports"
Format = Literal["html", "md", "json", "eugb-factsheet"]
VERDICT_TEXT = {
    "eligible": "Eligible",
    "conditional": "Eligible subject to conditions",
    "ineligible": "Not eligible",
}
STANDARD_TITLES = {
    "icma_gbp": "ICMA Green Bond Principles",
    "icma_sbp": "ICMA Social Bond Principles",
    "icma_slbp": "ICMA Sustainability-Linked Bond Principles",
    "icma_secured": "ICMA Secured Green Bonds",
    "eu_gbs": "EU Green Bond Standard (Regulation (EU) 2023/2631)",
    "china_catalogue": "China endorsed projects catalogue (2021 / 2025 editions)",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The report Environment; the web app extends the same templates."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = _num
    env.filters["pct"] = lambda v: "n/a" if v is None else f"{v:,.1f} %"
    env.filters["md"] = _md_cell
    env.filters["near"] = _near
    env.globals.update(verdict_text=VERDICT_TEXT, standard_titles=STANDARD_TITLES)
    return env


def _autoescape(name: str | None) -> bool:
    """HTML templates escape everything; Markdown escapes through the ``md`` filter instead."""
    return name is None or not name.endswith(".md.j2")


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}" if abs(value) < 1e15 else f"{value:.3e}"
    return str(value)


def _near(value: float | None, *thresholds: float | None) -> str:
    """A checked value with enough decimals to tell it from the thresholds it is compared with."""
    return "n/a" if value is None else distinct(value, thresholds)


_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def _md_cell(value: Any) -> str:
    """Markdown text from untrusted input: one line, no table pipes, no raw HTML, no entities.

    A backslash before ``<`` makes it a literal character in CommonMark, so no tag can
    open, and ``->`` reads as written (an HTML entity such as ``&gt;`` would show as
    such in the .md file). ``&`` is escaped only where it would start an entity.
    """
    text = str(value).replace("\r", " ").replace("\n", " ").replace("\\", "\\\\").replace("|", "\\|")
    return _ENTITY.sub(r"\\&", text.replace("<", "\\<"))


def sdg_chart(screening: Screening) -> dict[str, Any]:
    """Horizontal bars, one per SDG, 0-100 scale (negative scores drawn left of zero)."""
    rows = screening.sdg_scores
    bar_h, gap, left, width = 18, 8, 190, 360
    zero = left + 40
    scale = (width - 40) / 100.0
    bars = []
    for i, s in enumerate(rows):
        y = 10 + i * (bar_h + gap)
        length = abs(s.score) * scale
        x = zero if s.score >= 0 else max(left, zero - length)
        bars.append({"label": f"SDG {s.sdg} {s.short}", "score": s.score, "band": s.band,
                     "x": round(x, 1), "y": y, "w": round(min(length, width - 40) if s.score >= 0 else zero - x, 1),
                     "h": bar_h, "ty": y + bar_h - 5})
    return {"bars": bars, "zero": zero, "height": 20 + len(rows) * (bar_h + gap), "width": left + width + 150,
            "left": left}


def dscr_chart(screening: Screening) -> dict[str, Any] | None:
    """DSCR per year as columns, with the 1.0x line and the check thresholds."""
    valuation = screening.valuation
    years = [(row.start.year, row.dscr) for row in valuation.debt_years if row.dscr is not None] if valuation else []
    if not years:
        return None
    top = max(3.0, max(v for _, v in years) * 1.1)
    height, bottom, col, gap, left = 180, 200, 26, 8, 40
    cols = []
    for i, (year, dscr) in enumerate(years):
        h = min(dscr, top) / top * height
        cols.append({"year": year, "dscr": dscr, "x": left + i * (col + gap), "y": round(bottom - h, 1),
                     "h": round(h, 1), "w": col, "low": dscr < 1.0})
    lines = []
    thresholds = {1.0: "1.00x"}
    for check in screening.checks:
        if check.metric.startswith("dscr_min") and check.pass_threshold is not None:
            thresholds.setdefault(check.pass_threshold, f"pass {check.pass_threshold:g}x")
            if check.watch_threshold is not None:
                thresholds.setdefault(check.watch_threshold, f"watch {check.watch_threshold:g}x")
    for value, label in sorted(thresholds.items()):
        if value <= top:
            lines.append({"y": round(bottom - value / top * height, 1), "label": label})
    return {"cols": cols, "lines": lines, "width": left + len(cols) * (col + gap) + 90, "height": bottom + 30,
            "bottom": bottom, "left": left}


def context(screening: Screening) -> dict[str, Any]:
    findings = screening.findings
    standards = sorted({c.standard for c in screening.components})
    return {
        "s": screening,
        "deal": screening.deal,
        "asset_values": {a.id: a for a in screening.valuation.assets} if screening.valuation else {},
        "sdg_chart": sdg_chart(screening),
        "dscr_chart": dscr_chart(screening),
        "standards": standards,
        "contributions": [f for f in findings if f.effect == "contribute"],
        "flags": [f for f in findings if f.effect == "flag"],
        "red_flags": screening.red_flags,
    }


def render(screening: Screening, fmt: Format) -> str:
    """The report as text in one of the three formats.

    Every format renders the screening as it is written (numbers at the precision of
    engine/precision.py), so a report from the CLI, the web app and the store agree
    digit for digit, and no figure is rounded twice.
    """
    written = screening.model_dump_json(indent=2)
    if fmt == "json":
        return written + "\n"
    screening = Screening.model_validate_json(written)
    if fmt == "eugb-factsheet":  # Annex I of Reg. (EU) 2023/2631, pre-filled, gaps marked (Markdown)
        from engine.opinions import factsheet as annex_i
        sections = annex_i.factsheet(screening)
        fields = [f for sec in sections for f in sec.fields]
        return environment().get_template("eugb-factsheet.md.j2").render(
            s=screening, deal=screening.deal, sections=sections, title=annex_i.TITLE, disclaimer=annex_i.DISCLAIMER,
            footer=annex_i.FOOTER, gaps=sum(f.gap for f in fields), total=len(fields))
    name = {"html": "screening.html.j2", "md": "screening.md.j2"}.get(fmt)
    if name is None:
        raise ValueError(f"unknown report format {fmt!r} (valid choices: html, md, json, eugb-factsheet)")
    return environment().get_template(name).render(**context(screening))
