"""Proposal PDF build time, and a 500-proposal panel book as one PDF with its peak memory.

    DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/python bench/pdf_bench.py

Proposal PDFs: grants.proposals.presenters.document_for and grants.proposals.pdf.build_proposal_pdf for
``--proposals`` proposals of the seeded main call, p50/p95.

Panel book: the portal has no panel-book page yet, so this bench builds one the two ways a
page could, each in a fresh process so that its peak memory is its own:

- ``one document``: one reportlab document whose story is fed one proposal at a time (the
  proposal flowables of grants.proposals.pdf, a footer with each page's reference), written to a file;
- ``merged files``: each proposal written by grants.proposals.pdf.write_proposal_pdf to a temporary
  file, the files appended into one PDF by pypdf.

Peak memory is the process's maximum resident set (getrusage) minus the same figure just
before the build; ``--tracemalloc`` also reports Python's own peak allocation (slower).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from scale_data import machine, percentile, report, seeded, setup, table

BOOK_SIZE = 500


def book_proposals(data, size):
    """The first ``size`` proposals of the largest panel, in its locked order."""
    from grants.models import Proposal

    ids = list(
        data.largest_panel.entries.order_by("position").values_list("proposal_id", flat=True)[:size]
    )
    order = {pk: place for place, pk in enumerate(ids)}
    proposals = Proposal.objects.filter(pk__in=ids).select_related("call")
    return sorted(proposals.iterator(chunk_size=100), key=lambda p: order[p.pk])


def documents(proposals):
    from grants.proposals.presenters import document_for

    for proposal in proposals:
        yield document_for(proposal)


def book_one_document(docs, out):
    """One reportlab document, its story refilled one proposal at a time."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, PageBreak, SimpleDocTemplate

    from grants.proposals import pdf

    class Reference(Flowable):
        """Zero-size marker: pages from here on belong to this proposal."""

        def __init__(self, reference):
            super().__init__()
            self.reference = reference

        def wrap(self, available_width, available_height):
            return 0, 0

        def draw(self):
            self.canv._book_reference = self.reference

    class Story(list):
        def __init__(self, docs):
            super().__init__()
            self.docs = iter(docs)

        def __len__(self):
            if not list.__len__(self):
                document = next(self.docs, None)
                if document is not None:
                    self.extend([Reference(document.reference), *pdf._story(document), PageBreak()])
            return list.__len__(self)

    class Book(SimpleDocTemplate):
        def afterPage(self):
            canvas = self.canv
            canvas.saveState()
            canvas.setFont(pdf.FONT, 8)
            y = pdf.PAGE_MARGIN - 2 * mm
            reference = getattr(canvas, "_book_reference", "")
            canvas.drawString(pdf.PAGE_MARGIN, y, f"{pdf.FUND_NAME_ZH}  {reference}")
            page = canvas.getPageNumber()
            canvas.drawRightString(A4[0] - pdf.PAGE_MARGIN, y, f"第 {page} 页 Page {page}")
            canvas.restoreState()

    book = Book(
        out,
        pagesize=A4,
        leftMargin=pdf.PAGE_MARGIN,
        rightMargin=pdf.PAGE_MARGIN,
        topMargin=pdf.PAGE_MARGIN,
        bottomMargin=pdf.PAGE_MARGIN + 6 * mm,
        title="会评材料 Panel book",
    )
    book.build(Story(docs))
    return book.page


def book_merged_files(docs, out):
    """Each proposal through grants.proposals.pdf.write_proposal_pdf, then one PDF by pypdf."""
    from pypdf import PdfWriter

    from grants.proposals.pdf import write_proposal_pdf

    writer = PdfWriter()
    with tempfile.TemporaryDirectory() as folder:
        for number, document in enumerate(docs):
            path = Path(folder) / f"{number:04d}.pdf"
            with open(path, "wb") as handle:
                write_proposal_pdf(document, handle)
            writer.append(str(path))
        writer.write(out)
    return len(writer.pages)


BUILDERS = {"one document": book_one_document, "merged files": book_merged_files}


def build_book(mode, size, use_tracemalloc):
    """Runs in its own process; prints one JSON line."""
    setup()
    data = seeded()
    proposals = book_proposals(data, size)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if use_tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        pages = BUILDERS[mode](documents(proposals), handle)
        path = handle.name
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] if use_tracemalloc else None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size_bytes = os.path.getsize(path)
    os.unlink(path)
    print(
        json.dumps(
            {
                "mode": mode,
                "proposals": len(proposals),
                "seconds": seconds,
                "pages": pages,
                "bytes": size_bytes,
                "rss_before_kb": before,
                "rss_peak_kb": peak,
                "tracemalloc_peak": traced,
            }
        )
    )


def proposal_pdfs(data, count):
    from grants.models import Proposal
    from grants.proposals.pdf import build_proposal_pdf
    from grants.proposals.presenters import document_for

    proposals = list(
        Proposal.objects.filter(call=data.main, snapshot__isnull=False)
        .select_related("call")
        .order_by("pk")[:count]
    )
    build_proposal_pdf(document_for(proposals[0]))  # fonts and styles loaded once
    times, sizes = [], []
    for proposal in proposals:
        started = time.perf_counter()
        content = build_proposal_pdf(document_for(proposal))
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(content))
    return times, sizes


def long_proposal_pdfs(data, count, factor=20):
    """The same proposals with a narrative ``factor`` times longer (about 30,000 characters),
    the length of a full NSFC narrative."""
    from dataclasses import replace

    from grants.models import Proposal
    from grants.proposals.pdf import build_proposal_pdf
    from grants.proposals.presenters import document_for

    times, sizes = [], []
    for proposal in (
        Proposal.objects.filter(call=data.main, snapshot__isnull=False)
        .select_related("call")
        .order_by("pk")[:count]
    ):
        document = document_for(proposal)
        longer = tuple(
            (heading, "\n\n".join([text] * factor)) for heading, text in document.sections
        )
        started = time.perf_counter()
        content = build_proposal_pdf(replace(document, sections=longer))
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(content))
    return times, sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=30)
    parser.add_argument("--book-size", type=int, default=BOOK_SIZE)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--book", choices=BUILDERS, help=argparse.SUPPRESS)
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.book:
        build_book(args.book, args.book_size, args.tracemalloc)
        return
    setup()
    data = seeded()
    started_on = machine()
    times, sizes = proposal_pdfs(data, args.proposals)
    p95 = percentile(times, 0.95)
    rows = [
        [
            f"proposal PDF ({args.proposals} proposals)",
            f"{percentile(times, 0.5):.0f} ms",
            f"{p95:.0f} ms",
            "yes" if p95 < 200 else "**no**",
            f"{sum(sizes) / len(sizes) / 1024:.0f} KiB",
            "",
        ]
    ]
    times, sizes = long_proposal_pdfs(data, max(3, args.proposals // 3))
    p95 = percentile(times, 0.95)
    rows.append(
        [
            f"proposal PDF, 20× narrative ({len(times)} proposals)",
            f"{percentile(times, 0.5):.0f} ms",
            f"{p95:.0f} ms",
            "yes" if p95 < 200 else "**no**",
            f"{sum(sizes) / len(sizes) / 1024:.0f} KiB",
            "",
        ]
    )
    for mode in BUILDERS:
        command = [sys.executable, __file__, "--book", mode, "--book-size", str(args.book_size)]
        if args.tracemalloc:
            command.append("--tracemalloc")
        result = json.loads(
            subprocess.run(command, check=True, capture_output=True, text=True).stdout
        )
        own_mb = (result["rss_peak_kb"] - result["rss_before_kb"]) / 1024
        traced = (
            f"; Python peak {result['tracemalloc_peak'] / 2**20:.0f} MiB"
            if result["tracemalloc_peak"]
            else ""
        )
        rows.append(
            [
                f"panel book, {mode} ({result['proposals']} proposals, {result['pages']:,} pages)",
                f"{result['seconds']:.1f} s",
                "",
                "yes"
                if result["seconds"] < 60 and result["rss_peak_kb"] < 500 * 1024
                else "**no**",
                f"{result['bytes'] / 2**20:.1f} MiB",
                f"peak RSS {result['rss_peak_kb'] / 1024:.0f} MiB "
                f"(+{own_mb:.0f} MiB over {result['rss_before_kb'] / 1024:.0f} MiB before){traced}",
            ]
        )
        print(" | ".join(rows[-1]), flush=True)
    header = ["build", "p50 / time", "p95", "target met", "output", "memory"]
    report("PDFs", f"{started_on}\n\n" + table(header, rows), args.out)


if __name__ == "__main__":
    main()
