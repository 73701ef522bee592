"""Speed of `ipsdg extract` on a generated 300-page circular (prints figures; asserts nothing).

    .venv/bin/python benchmarks/extract_bench.py [--pages 300]

Targets (issue 4): PDF to disclosures in < 1.5 s for 300 pages on one core; extraction
>= 400k tokens/s. The baseline is a tokenizer-only pass over the same text in the same run.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from fpdf import FPDF

from engine.documents import read_document
from engine.extract import default_extractor
from engine.nlp import count_tokens

FILLER = [
    "The Notes are limited recourse obligations of the Issuer and are secured by the Collateral.",
    "Payments of interest on the Class A Notes will be made quarterly in arrear on each Payment Date.",
    "Investors should consider the risk factors set out in this section before investing in the Notes.",
    "The Servicer will collect royalties from licensees and transfer them to the Collection Account.",
    "No assurance can be given that the patents will not be challenged in opposition proceedings.",
    "The Trustee will hold the security on trust for the Noteholders and the other Secured Creditors.",
    "Licence agreements are governed by German law and may be terminated for material breach.",
    "The weighted average remaining life of the patent portfolio was 12.4 years at the Cut-off Date.",
]
DISCLOSURES = [
    "An amount equal to the net proceeds will be allocated: 60% to renewable energy and 40% to energy efficiency.",
    "In 2025 the financed projects avoided 12,500 tCO2e and generated 45 GWh of renewable electricity.",
    "Sustainalytics has provided a Second-Party Opinion on the Framework.",
    "The Issuer will publish an allocation report annually until full allocation.",
    "The projects contribute to SDG 7 (target 7.2) and SDG 13.",
    "Proceeds will not be allocated to fossil fuel exploration or nuclear power.",
]


def make_pdf(path: Path, pages: int) -> None:
    rng = random.Random(7)
    pdf = FPDF()
    pdf.set_font("helvetica", size=9)
    pdf.set_auto_page_break(False)
    for page in range(pages):
        pdf.add_page()
        lines = [rng.choice(FILLER) for _ in range(34)]
        if page % 10 == 0:
            lines[rng.randrange(len(lines))] = rng.choice(DISCLOSURES)
        pdf.multi_cell(0, 7.5, " ".join(lines))
    pdf.output(str(path))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    extractor = default_extractor()  # lexicons loaded and matchers built once, as in a long-running process
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "circular.pdf"
        make_pdf(path, args.pages)
        read_document(path)  # warm-up (imports, pdfium init)
        t0 = time.perf_counter()
        doc = read_document(path)
        t_read = time.perf_counter() - t0
        texts = [p.text for p in doc.pages]
        count_tokens(texts[:5])
        extractor.extract(doc)
        t0 = time.perf_counter()
        tokens = count_tokens(texts)
        t_tok = time.perf_counter() - t0
        t0 = time.perf_counter()
        found = extractor.extract(doc)
        t_ext = time.perf_counter() - t0
        t0 = time.perf_counter()
        extractor.extract(read_document(path))
        t_e2e = time.perf_counter() - t0
    chars = sum(len(t) for t in texts)
    print(f"pages: {len(doc.pages)}, characters: {chars:,}, tokens: {tokens:,}")
    print(f"ingestion (pypdfium2): {t_read:.3f} s = {len(doc.pages) / t_read:,.0f} pages/s")
    print(f"tokenizer only:        {t_tok:.3f} s = {tokens / t_tok:,.0f} tokens/s")
    print(f"full extraction:       {t_ext:.3f} s = {tokens / t_ext:,.0f} tokens/s "
          f"({t_ext / t_tok:.1f}x the tokenizer-only time)")
    print(f"end to end (PDF -> disclosures): {t_e2e:.3f} s for {len(doc.pages)} pages "
          f"(target < 1.5 s); found {len(found.use_of_proceeds)} allocations, {len(found.kpis)} KPIs, "
          f"{len(found.external_reviews)} reviews")


if __name__ == "__main__":
    main()
