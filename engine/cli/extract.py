"""``ipsdg extract``: disclosures found in one offering document, each with a page-cited quote."""

from __future__ import annotations

import click

from engine.cli import main, report_input_errors
from engine.documents import read_document
from engine.extract import extract as run_extract
from engine.models.disclosures import Extraction

_SECTIONS = ("use_of_proceeds", "kpis", "external_reviews", "reporting", "sdg_references", "management_of_proceeds",
             "project_selection", "exclusions", "refinancing")
_SKIP = {"evidence", "hedged", "label", "period_stated"}


def to_markdown(found: Extraction) -> str:
    """A reviewer's reading list: one bullet per disclosure, with page and quote."""
    lines = [f"# Disclosures in {found.document}", "", f"{found.pages} pages, sha256 `{found.sha256[:12]}`", ""]
    data = found.model_dump(mode="json")
    for section in _SECTIONS:
        items = data[section]
        lines.append(f"## {section.replace('_', ' ').capitalize()} ({len(items)})")
        lines.append("")
        for item in items:
            facts = ", ".join(f"{k}: {v}" for k, v in item.items() if k not in _SKIP and v not in (None, [], ""))
            weak = " *(hedged)*" if item["hedged"] else ""
            quote = " ".join(item["evidence"]["text"].split())
            lines.append(f"- {facts}{weak} — p. {item['evidence']['page']}: \"{quote[:300]}\"")
        lines.append("")
    return "\n".join(lines)


@main.command()
@click.argument("doc", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="json", show_default=True)
@report_input_errors
def extract(doc: str, fmt: str) -> None:
    """Extract use of proceeds, KPIs, reviews, reporting and SDG references from DOC (PDF, HTML, TXT, DOCX)."""
    found = run_extract(read_document(doc))
    click.echo(found.model_dump_json(indent=2) if fmt == "json" else to_markdown(found))
