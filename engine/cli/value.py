"""``ipsdg value``: pool value, debt coverage, stress grid and the financial eligibility checks."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click

from engine.cli import main, report_input_errors
from engine.deals import load_deal
from engine.models import Valuation
from engine.models.findings import Finding
from engine.rules import load_rulebook
from engine.valuation import value_deal


@main.command()
@click.argument("deal", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Valuation date, YYYY-MM-DD (default: today; a fully matured deal is valued at issue).")
@click.option("--rulesets", "rulesets_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Rule sets folder (default: the shipped rulesets/).")
@report_input_errors
def value(deal: str, fmt: str, as_of: datetime | None, rulesets_dir: Path | None) -> None:
    """Value DEAL's IP pool, measure debt coverage and run the eligibility checks."""
    from engine.valuation.checks import eligibility_checks  # the rule engine loads only when a command runs

    loaded = load_deal(deal)
    at = as_of.date() if as_of else date.today()
    valuation = value_deal(loaded, at)
    checks = eligibility_checks(loaded, valuation, load_rulebook(rulesets_dir), at)
    if fmt == "json":
        click.echo(json.dumps({"valuation": valuation.model_dump(mode="json"),
                               "checks": [c.model_dump(mode="json") for c in checks]}, indent=2))
    else:
        click.echo(markdown(valuation, checks))


def _money(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _num(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def markdown(v: Valuation, checks: list[Finding]) -> str:
    """A reviewer's page: value, per-asset table, debt years, metrics, checks with thresholds, stress grid."""
    cur = v.currency
    out = [f"# Valuation of {v.deal_id} as of {v.as_of}", "",
           f"Pool value (collateral: pre-tax income approach, {v.convention}-year convention, "
           f"r = {v.discount_rate_pct:g} %): **{cur} {_money(v.pool_value)}**", "",
           *[f"- {m.method.replace('_', ' ')}: {cur} {_money(m.value)} (gap {_num(m.gap_pct, 1)} %; {m.basis})"
             for m in v.methods[1:]],
           f"- LTV ({_num(v.metrics['ltv_pct'], 1)} %) uses the {v.ltv_basis} value"
           + (f"; on the appraisal it is {_num(v.ltv_appraisal_pct, 1)} %" if v.ltv_appraisal_pct is not None else ""),
           f"- reserve at closing and counted guarantees: {cur} {_money(v.support)} "
           f"(guarantees counted {cur} {_money(v.guarantee_counted)})", "",
           "## Assets", "", "| asset | kind | life end | limited by | remaining y | value | share % |",
           "|---|---|---|---|---:|---:|---:|"]
    out += [f"| {a.id} | {a.kind} | {a.life_end or '-'} | {a.limited_by} | {_num(a.remaining_life_years, 1)} | "
            f"{_money(a.income_value)} | {_num(a.value_share_pct, 1)} |" for a in v.assets]
    if v.licensees:
        out += ["", "Largest licensees: " + "; ".join(
            f"{lic.name} {lic.share_pct:.1f} %" + (f" ({lic.count:,} obligors)" if lic.count > 1 else "")
            for lic in v.licensees[:5])]
    out += ["", "## Debt years", "",
            "| year | from | collections | interest | sched. principal | bullets | DSCR with support | unenhanced |",
            "|---:|---|---:|---:|---:|---:|---:|---:|"]
    out += [f"| {y.year} | {y.start} | {_money(y.cash_flow)} | {_money(y.interest)} | {_money(y.principal)} | "
            f"{_money(y.balloon)} | {_num(y.dscr)} | {_num(y.dscr_unenhanced)} |" for y in v.debt_years]
    out += ["", f"## Waterfall ({v.payment_frequency} payments)", "",
            "| # | from | collections | senior fees | NCF | interest | sched. principal | bullet | reserve draw | "
            "reserve funded | reserve | guarantee draw | accumulated | trapped | prepaid | residual | shortfall | "
            "refinanced | notes outstanding | trigger | DSCR | with support |",
            "|---:|---|" + "---:|" * 17 + "---|---:|---:|"]
    out += [f"| {r.period} | {r.start} | {_money(r.collections)} | {_money(r.senior_fees)} | "
            f"{_money(r.net_cash_flow)} | "
            f"{_money(sum(r.interest_paid.values()))} | {_money(r.principal_due)} | {_money(r.bullet_due)} | "
            f"{_money(r.reserve_draw)} | {_money(r.reserve_funded)} | {_money(r.reserve_balance)} | "
            f"{_money(r.guarantee_draw)} | {_money(r.accumulated)} | {_money(r.trapped)} | {_money(r.prepaid)} | "
            f"{_money(r.residual)} | {_money(r.shortfall)} | {_money(r.refinanced)} | {_money(r.notes_outstanding)} | "
            f"{r.trigger or '-'} | {_num(r.dscr)} | {_num(r.dscr_with_support)} |" for r in v.waterfall]
    if v.dscr_first_breach_year:
        out += ["", f"First DSCR breach (below 1.0x): debt year {v.dscr_first_breach_year}"]
    out += ["", "## Metrics", "", "| metric | value | unit |", "|---|---:|---|"]
    out += [f"| {k} | {_num(val, 0 if v.units[k] == 'currency' else 2)} | {v.units[k]} |"
            for k, val in v.metrics.items()]
    out += ["", "## Eligibility checks", "", "| rule | check | value | pass | watch | status | reference |",
            "|---|---|---:|---:|---:|---|---|"]
    for c in checks:
        if c.effect == "check":
            out.append(f"| {c.rule_id} | {c.title} | {_num(c.value)} | {_num(c.pass_threshold)} | "
                       f"{_num(c.watch_threshold)} | **{c.status}** | {c.reference.title} ({c.reference.kind}) |")
    flags = [c for c in checks if c.effect == "flag"]
    if flags:
        out += [""] + [f"- {c.severity}: {c.message} [{c.rule_id}]" for c in flags]
    out += ["", "## Stress grid", "", "| haircut % | extra decay % | rate % | pool value | LTV % | DSCR min | "
            "unenhanced |", "|---:|---:|---:|---:|---:|---:|---:|"]
    out += [f"| {r.haircut_pct:g} | {r.extra_decay_pct:g} | {r.discount_rate_pct:g} | {_money(r.pool_value)} | "
            f"{_num(r.ltv_pct, 1)} | {_num(r.dscr_min)} | {_num(r.dscr_min_unenhanced)} |" for r in v.stress]
    if v.scenarios:
        out += ["", "## Credit stress scenarios (through the waterfall)", "",
                "| scenario | applied | pool value | LTV % | DSCR min | unenhanced | interest unpaid | "
                "principal lost | first shortfall | refinancing % | periods under trigger |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        out += [f"| {s.title} | {s.applied} | {_money(s.pool_value)} | {_num(s.ltv_pct, 1)} | {_num(s.dscr_min)} | "
                f"{_num(s.dscr_min_unenhanced)} | {_money(s.interest_shortfall)} | {_money(s.principal_loss)} | "
                f"{s.first_shortfall_period or '-'} | "
                f"{_num(s.refinancing_need_pct, 1)} | {s.periods_under_trigger} |" for s in v.scenarios]
    if v.notes:
        out += ["", "## Notes", ""] + [f"- {n}" for n in v.notes]
    return "\n".join(out)
