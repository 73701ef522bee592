"""Use of proceeds: ICMA categories with their share or amount, refinancing share and look-back period.

A share counts as an allocation only in a sentence that talks about proceeds, and
only when it sits next to a category (same table row first, then nearest). Shares
next to market words ("market share", "grew 12 %") are not allocations.
"""

from __future__ import annotations

import re

from engine.extract.context import SentenceView, clause, gap, nearest
from engine.models.disclosures import Refinancing, UseOfProceeds
from engine.nlp import Hit

WINDOW = 90  # a share further than this from its category is about something else
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "twelve": 12, "eighteen": 18, "twenty-four": 24, "thirty-six": 36}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(_WORDS) + r")(?:\s*\(\d+\))?"
_LOOK_BACK = [
    re.compile(rf"(?i)look[- ]?back(?:\speriod)?\s(?:of\s)?(?:up\sto\s|no\smore\sthan\s|maximum\sof\s)?{_NUM}[\s-]"
               r"(years?|months?)"),
    re.compile(rf"(?i){_NUM}[\s-](years?|months?)\s(?:look[- ]?back|prior\sto\s(?:the\s)?issu)"),
    re.compile(rf"(?i)(?:within|in\sthe|during\sthe)\s(?:the\s)?(?:last\s|previous\s|preceding\s)?{_NUM}[\s-]"
               r"(years?|months?)\s(?:prior\sto|before|preceding)\s(?:the\s)?(?:issu|the\sdate)"),
]


def look_back_years(text: str) -> float | None:
    """'a look-back period of three (3) years' -> 3; '36 months prior to issuance' -> 3."""
    for pattern in _LOOK_BACK:
        m = pattern.search(text)
        if m:
            raw, unit = m.group(1).lower(), m.group(2).lower()
            value = float(_WORDS[raw]) if raw in _WORDS else float(raw)
            return value / 12 if unit.startswith("month") else value
    return None


def _category_for(view: SentenceView, start: int, end: int, categories: list[Hit], shares_first: bool) -> Hit | None:
    """'60 % to renewable energy': the category after; 'renewable energy (60 %)' or a table row: the one before."""
    line = view.line_of(start)
    row = [h for h in categories if view.line_of(h.start) == line] if "\n" in view.text.strip() else []
    if row and all(h.end <= start for h in row):
        return row[0]  # a table row: category first, then project words and its figures
    if row and all(h.start >= end for h in row):
        return row[0]
    if shares_first:
        after = [h for h in row or categories if h.start >= end]
        if after:
            return after[0]
    else:
        before = [h for h in row or categories if h.end <= start]
        if before:
            return before[-1]
    return nearest(view, start, end, categories)


# "at least 30 % lower primary energy demand", "20% more efficient", "a 15 % reduction": a performance level
_COMPARATIVE = re.compile(r"(?i)\s*(?:lower|higher|less|more|better|worse|above|below|fewer|greater|"
                          r"reductions?|improvements?|savings?|decrease|increase|cut|drop)\b")
# listed vs allocated: "were allocated to", "has been disbursed"; not "will be allocated" (a framework's promise)
_ALLOCATED = re.compile(r"(?i)(?<!will be )(?<!shall be )(?<!may be )(?<!to be )(?<!can be )(?<!could be )"
                        r"(?<!would be )\b(?:allocated|disbursed|spent|were\sused|was\sused|ha(?:s|ve)\sbeen\sused|"
                        r"ha(?:s|ve)\sbeen\sinvested|were\sinvested)\b|已投放|已使用|已投入|已分配")
ALL_REACH = 40  # "全部用于“陆上风电”": the category right after the words that say all proceeds go to it
_EXAMPLE_WORDS = r"such\sas|e\.g\.|for\sexample|for\sinstance"  # words that give an example, in _EXAMPLES too
_EXAMPLES = re.compile(rf"(?i)\b(?:{_EXAMPLE_WORDS}|including|includes)\b|例如|包括")


def _an_example(view: SentenceView, start: int, end: int, cat: Hit) -> bool:
    """The category is an example in a list that the share is of ('areas such as ... renewable energy')."""
    if cat.start < end:
        return False
    between = view.text[end - view.sentence.start:cat.start - view.sentence.start]
    return bool(_EXAMPLES.search(between))


NEGATION_REACH = 40  # "there is no assessment of climate resilience": the cue's scope, within its clause


def _inside(hit: Hit, spans: list[Hit]) -> bool:
    return any(s.start <= hit.start and hit.end <= s.end for s in spans)


def _negated(view: SentenceView, hit: Hit) -> bool:
    """A category after a negation cue in the same clause ('no assessment of climate resilience')."""
    bounds = clause(view, hit.start, hit.end)
    return any(bounds[0] <= n.start and n.end <= hit.start and hit.start - n.end <= NEGATION_REACH
               for n in view.hits("negation"))


# "Renewable Energy Directive", "climate resilience assessment": a category word naming a document, not a use
_DOCUMENT_NOUN = re.compile(r"(?i)[^\S\n]+(?:assessment|directive|regulation|report|law|standard)\b")


def _names_a_document(view: SentenceView, hit: Hit) -> bool:
    """A category directly followed by a document-type noun ('energy efficiency directive') is not a category."""
    return _DOCUMENT_NOUN.match(view.text, hit.end - view.sentence.start) is not None


_EXAMPLE_OF = re.compile(rf"(?i)\b(?:{_EXAMPLE_WORDS})|例如")
_PROCEEDS_WORD = re.compile(r"(?i)\bproceeds\b|募集资金|募集資金")


def _only_an_example(view: SentenceView, hit: Hit) -> bool:
    """'other environmental benefits, such as climate resilience', 'spending in areas such as renewable energy':
    a category given as an example of something else; kept when the sentence says it is about the proceeds."""
    at = hit.start - view.sentence.start
    before = view.text[max(0, at - 80):at]
    marker = next(reversed(list(_EXAMPLE_OF.finditer(before))), None)
    if marker is None or re.search(r"[.;:\n]", before[marker.end():]):
        return False
    return not _PROCEEDS_WORD.search(view.text[:at])


def _excluded_spans(view: SentenceView) -> list[int]:
    """Offsets after which categories are what proceeds will *not* go to."""
    return [h.start for h in view.hits("exclusion")]


def _names_a_goal(view: SentenceView, hit: Hit, sdg_patterns: list[re.Pattern[str]]) -> bool:
    """'SDG 6 (Clean Water and Sanitation)', 'target 4.3 (... education)': words that name a goal or target.

    A category word inside a goal's title, or in the parenthesis or after the colon that follows
    an SDG or target number, is part of an SDG reference, not a place the proceeds go.
    """
    if not view.has("sdg_cue"):
        return False
    if any(t.start <= hit.start and hit.end <= t.end for t in view.hits("sdg_title")):
        return True
    base = view.sentence.start
    for pattern in sdg_patterns:
        for m in pattern.finditer(view.text):
            gloss = _GLOSS.match(view.text, m.end())
            if gloss and base + gloss.start() <= hit.start and hit.end <= base + gloss.end():
                return True
    return False


_GLOSS = re.compile(r"\s?(?:\([^()]*\)|[:\u2013\u2014-]\s?[A-Z][\w ,&'-]*?(?=[.;]|\s(?:and|or)\s|$))")
# "(a) Renewable energy: ...", "(ii) ...", "1) ...": an enumerated list item starts a new clause of proceeds
_LIST_ITEM = re.compile(r"(?:^|(?<=[\n:;]))\s*\(?(?:[a-h]|i{1,3}|iv|vi{0,3}|\d{1,2})\)\s")
# "the net proceeds of GBP 25 million", "an aggregate principal amount of EUR 300m": the total, and
# "unallocated proceeds of EUR 6.6 million": money not (yet) allocated; neither is an item's amount
_NOT_AN_ITEM_BEFORE = re.compile(r"(?i)\b(?:proceeds|issue|offering|principal\samount|aggregate(?:\samount)?"
                                 r"|total(?:\samount)?|totalling|totaling|in\saggregate|unallocated)\s(?:of\s)?"
                                 r"(?:approximately\s|about\s|up\sto\s|some\s)?$")


_NOT_A_NAME = r"(?:The|A|An|Our|Its|This|These|Their|Each|All|Any|Such|Eligible)"
_NAME_BEFORE = re.compile(rf"(?:\b(?!{_NOT_A_NAME}\b)[A-Z][\w&.-]* ){{2,}}$")  # "Guangzhou Xinneng " + "Energy Storage"
_COMPANY_AFTER = re.compile(r"^,? (?:Ltd|Limited|plc|PLC|GmbH|Inc|Corp|Corporation|Co|AG|SA|S\.A\.|LLC|LLP|Group)\b")


def _in_a_name(view: SentenceView, hit: Hit) -> bool:
    """'Guangzhou Xinneng Energy Storage', 'SunCo Solar Power Ltd': a company's name, not a project category."""
    if not all(w[0].isupper() for w in hit.text.split() if w[0].isalpha()):
        return False
    at, end = hit.start - view.sentence.start, hit.end - view.sentence.start
    line_start = view.text.rfind("\n", 0, at) + 1
    return bool(_NAME_BEFORE.search(view.text[line_start:at]) or _COMPANY_AFTER.match(view.text[end:end + 16]))


def _items(view: SentenceView) -> list[tuple[int, int]]:
    """Page offsets of the list items of an enumerated sentence ('(a) ... (b) ...'); one span when not a list."""
    base = view.sentence.start
    cuts = [m.start() for m in _LIST_ITEM.finditer(view.text) if m.start() > 0]
    bounds = [0, *cuts, len(view.text)]
    return [(base + a, base + b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _not_an_items_amount(view: SentenceView, start: int) -> bool:
    before = view.text[max(0, start - view.sentence.start - 60):start - view.sentence.start]
    return bool(_NOT_AN_ITEM_BEFORE.search(before))


def _same_row(view: SentenceView, a: int, b: int) -> bool:
    """Both offsets in one row of a table (not merely on one line of prose)."""
    cell_a, cell_b = view.cell_at(a), view.cell_at(b)
    return cell_a is not None and cell_b is not None and cell_a.row == cell_b.row


def use_of_proceeds(view: SentenceView, sdg_patterns: list[re.Pattern[str]] | None = None,
                    money_metrics: frozenset[str] = frozenset()) -> tuple[list[UseOfProceeds], list[Refinancing]]:
    """Categories with their share or amount.

    ``sdg_patterns`` (the sdg_cue patterns) mark SDG references; ``money_metrics`` are KPI ids measured
    in money ('R&D expenditure ... CNY 96 million'): an amount next to one is that KPI, not an allocation.
    """
    categories = view.hits("icma_category") if view.has("proceeds") or view.after_proceeds else []
    measured = view.hits("kpi_metric")  # "Renewable energy generated  84,250": a KPI row names a metric, not proceeds
    categories = [h for h in categories if not _names_a_goal(view, h, sdg_patterns or []) and not _in_a_name(view, h)
                  and not any(m.start <= h.start and h.end <= m.end and m.end > h.end for m in measured)
                  and not _inside(h, view.hits("not_a_category")) and not _negated(view, h)
                  and not _names_a_document(view, h)
                  and not _only_an_example(view, h)]
    if not categories and not view.has("refinancing"):
        return [], []
    cut = min(_excluded_spans(view), default=None)
    if cut is not None:
        categories = [h for h in categories if h.start < cut]
    negatives = view.hits("proceeds_negative")
    refis = view.hits("refinancing")
    # "Renewable energy (refinancing)": a refinancing word right after a category labels that category
    labelled = {c: r for c in categories for r in refis if 0 <= r.start - c.end <= 3}
    free_refis = [r for r in refis if r not in labelled.values()]
    sized: dict[Hit, list[tuple[int, float, str | None, bool, int, int]]] = {}
    sizes = [q for q in view.quantities if q.percent or q.currency and not _not_an_items_amount(view, q.start)]
    shares_first = bool(sizes and categories and sizes[0].start < categories[0].start)
    refinancing_share: float | None = None
    spans = _items(view)
    money_kpis = [h for h in view.hits("kpi_metric") if h.id in money_metrics]
    for q in view.quantities:
        is_share = q.percent and 0 < q.value <= 100 and not _COMPARATIVE.match(view.text, q.end - view.sentence.start)
        is_amount = q.currency is not None and q.value > 0 and not _not_an_items_amount(view, q.start) and not any(
            _same_row(view, h.start, q.start) or gap(q.start, q.end, h.start, h.end) <= WINDOW // 2 for h in money_kpis)
        if not (is_share or is_amount):
            continue
        if any(gap(q.start, q.end, n.start, n.end) <= 30 for n in negatives):
            continue
        span = next(s for s in spans if s[0] <= q.start < s[1]) if len(spans) > 1 else None
        # in a list, a figure belongs to a category of its own item; several words for one category are one item
        own = [h for h in categories if span[0] <= h.start < span[1]] if span else categories
        cat = _category_for(view, q.start, q.end, own, shares_first)
        if cat is not None and span is not None:
            cat = next(h for h in own if h.id == cat.id)
        refi = nearest(view, q.start, q.end, free_refis)
        cat_key = (view.line_of(cat.start) != view.line_of(q.start), gap(q.start, q.end, cat.start, cat.end)) \
            if cat else (True, 10**9)
        refi_key = (view.line_of(refi.start) != view.line_of(q.start), gap(q.start, q.end, refi.start, refi.end)) \
            if refi else (True, 10**9)
        if is_share and refi_key < cat_key and refi_key[1] <= WINDOW:
            refinancing_share = q.value
            continue
        cat_gap = cat_key[1]
        if cat is None or (cat_gap > WINDOW and (len({c.id for c in categories}) > 1 or cat_gap > 2 * WINDOW)):
            continue
        if is_share and _an_example(view, q.start, q.end, cat):
            continue  # "37 % ... in areas such as green infrastructure and renewable energy": not that category's
        sized.setdefault(cat, []).append((cat_gap, q.value, q.currency, is_share, q.start, q.end))
    for hit in view.hits("proceeds_all"):  # "募集资金全部用于X", "all of the net proceeds will finance X"
        bounds = clause(view, hit.start, hit.end + ALL_REACH)
        named = [h for h in categories if hit.end <= h.start and h.start - hit.end <= ALL_REACH
                 and h.start < max(bounds[1], hit.end + 1) + ALL_REACH]
        if len({h.id for h in named}) == 1 and not any(v[3] for v in sized.get(named[0], [])):
            sized.setdefault(named[0], []).append((0, 100.0, None, True, hit.start, hit.end))
    look_back = look_back_years(view.text) if refis else None
    items: list[UseOfProceeds] = []
    seen: set[str] = set()
    for hit in categories:
        share = amount = currency = None
        lo, hi = hit.start, hit.end
        for _, value, cur, is_share, q_start, q_end in sorted(sized.get(hit, []), key=lambda x: x[0]):
            if is_share and share is None:
                share = value
            elif not is_share and amount is None:
                amount, currency = value, cur
            else:
                continue
            lo, hi = min(lo, q_start), max(hi, q_end)
        if hit.id in seen:
            earlier = next(i for i, item in enumerate(items) if item.category == hit.id)
            if (share is not None or amount is not None) and items[earlier].share_pct is None \
                    and items[earlier].amount is None:
                items[earlier] = items[earlier].model_copy(update={"share_pct": share, "amount": amount,
                                                                   "currency": currency, "allocated": True,
                                                                   "evidence": view.evidence_at(lo, hi)})
            if share is None and amount is None or items[earlier].share_pct == share:
                continue  # 'access to essential services (healthcare), 40 per cent.': one category, one item
        seen.add(hit.id)
        refi_label = labelled.get(hit)
        label = view.text[hit.start - view.sentence.start:refi_label.end - view.sentence.start].strip(" (") + ")" \
            if refi_label else hit.text
        items.append(UseOfProceeds(category=hit.id, label=label, share_pct=share, amount=amount,  # type: ignore[arg-type]
                                   currency=currency, refinancing=refi_label is not None,
                                   refinancing_share_pct=refinancing_share,
                                   look_back_years=look_back, evidence=view.evidence_at(lo, hi),
                                   hedged=view.hedged_at(lo, hi), allocated=share is not None or amount is not None
                                   or bool(_ALLOCATED.search(view.part_of(hit.start, hit.end)))))
    refinancing = []
    if refis and (refinancing_share is not None or look_back is not None):
        refinancing.append(Refinancing(share_pct=refinancing_share, look_back_years=look_back,
                                       evidence=view.evidence, hedged=view.hedged))
    return items, refinancing
