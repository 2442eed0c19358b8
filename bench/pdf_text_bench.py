"""Proposal PDF build time against the length of its text: every text field of the proposal
(both abstracts, the industrial problem, the partner enterprise, the three narrative sections
and the declaration of other funding) filled to the same length, in Chinese without spaces,
in English words, and as one unbroken token.

    .venv/bin/python bench/pdf_text_bench.py [--lengths 20000 100000] [--out results.md]

Needs no database: the document is built as plain data, as grants.proposals.presenters.document_for
makes it. Each build runs ``--repeat`` times and the fastest counts (the machine is shared).
Time in proportion to the text shows as a steady time per character across lengths.
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

from scale_data import machine, report, setup, table

TEXTS = {
    "Chinese": "本项目面向长三角制造业研究工业产品表面缺陷的自动检测方法，建立跨省联合实验平台。",
    "English": "We study automatic detection of surface defects in products made across the delta. ",
    "one token": "abcdefghijklmnopqrstuvwxyz0123456789",
}


def filled(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def document(text: str):
    from grants.proposals.budget import OPERATIONS, Line, summarise
    from grants.proposals.pdf import MemberRow, ProposalDocument
    from grants.proposals.presenters import SECTION_HEADINGS

    return ProposalDocument(
        reference="YRD-2026-F06-0042",
        call_title="2026 年度长三角基础研究联合基金 2026 Joint Fund call",
        title_zh="面向长三角制造业的工业视觉缺陷检测方法研究",
        title_en="Visual defect detection for Yangtze River Delta manufacturing",
        primary_code="F0601",
        secondary_code="F0604",
        keywords=("缺陷检测", "defect detection"),
        abstract_zh=text,
        abstract_en=text,
        duration_months=36,
        industry_problem=text,
        partner_enterprise=text,
        members=(
            MemberRow("fudan", "复旦大学", "310000", "上海市", "lead", "张明"),
            MemberRow("nju", "南京大学", "320000", "江苏省", "partner", "李华"),
        ),
        budget=summarise(
            [
                Line("fudan", "310000", OPERATIONS, 1, Decimal("250000")),
                Line("nju", "320000", OPERATIONS, 1, Decimal("320000")),
            ]
        ),
        sections=tuple((heading, text) for heading in SECTION_HEADINGS.values()),
        other_funding=text,
        submitted_at="2026-03-01 14:30",
    )


FIELDS = 8  # the text fields document() fills


def build(doc, repeat: int) -> tuple[float, int, int]:
    """Fastest build in seconds, the PDF's size and its page count."""
    import io

    from pypdf import PdfReader

    from grants.proposals.pdf import build_proposal_pdf

    best, data = None, b""
    for _ in range(repeat):
        started = time.perf_counter()
        data = build_proposal_pdf(doc)
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return best, len(data), len(PdfReader(io.BytesIO(data)).pages)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out")
    args = parser.parse_args()
    setup()
    started_on = machine()
    build(document("预热 warm-up"), 1)  # fonts and styles loaded once
    rows = []
    for kind, unit in TEXTS.items():
        for length in args.lengths:
            seconds, size, pages = build(document(filled(unit, length)), args.repeat)
            characters = FIELDS * length
            rows.append(
                [
                    kind,
                    f"{length:,}",
                    f"{characters:,}",
                    f"{pages:,}",
                    f"{size / 1024:,.0f} KiB",
                    f"{seconds:.2f} s",
                    f"{seconds / characters * 1e6:.1f} µs",
                ]
            )
            print(" | ".join(rows[-1]), flush=True)
    header = ["text", "per field", "in all", "pages", "PDF", "build", "per character"]
    report("PDF against text length", f"{started_on}\n\n" + table(header, rows), args.out)


if __name__ == "__main__":
    main()
