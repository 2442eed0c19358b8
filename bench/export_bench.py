"""The office's proposal list of the seeded main call exported as CSV and as an Excel workbook:
time, peak memory and file size of each, as the background export writes them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a copy of the seeded database> \
        .venv/bin/python bench/export_bench.py

Each format is built in a fresh process, so that its peak memory is its own: the process's
maximum resident set (getrusage) after the build minus the same figure just before it. The list
is read as the fund officer sees it, with no filter: every proposal of the call.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale_data import database_label, machine, report, seeded, setup, table

FORMATS = ("csv", "xlsx")


def build(file_format):
    """One export in this process; prints its numbers as JSON."""
    setup()
    from django.utils import translation

    from grants.core.tables import write_csv
    from grants.core.xlsx import write_xlsx
    from grants.office.proposal_queries import proposal_table
    from reviews.exports import _request_for

    data = seeded()
    translation.activate("zh-hans")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        tab = proposal_table(_request_for(data.officer, ""), data.main)
        if file_format == "xlsx":
            write_xlsx(out, tab)
        else:
            import io

            text = io.TextIOWrapper(out, encoding="utf-8", newline="")
            write_csv(text, tab)
            text.flush()
            text.detach()
        seconds = time.perf_counter() - started
        size = out.seek(0, 2)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"rows": tab.total, "seconds": seconds, "peak_kb": peak, "bytes": size}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", choices=FORMATS)
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.one:
        return build(args.one)
    rows = []
    for file_format in FORMATS:
        result = subprocess.run(
            [sys.executable, str(Path(__file__)), "--one", file_format],
            capture_output=True,
            text=True,
            check=True,
        )
        got = json.loads(result.stdout.strip().splitlines()[-1])
        rows.append(
            [
                file_format,
                got["rows"],
                f"{got['seconds']:.1f} s",
                f"{got['peak_kb'] / 1024:.0f} MiB",
                f"{got['bytes'] / 1024 / 1024:.1f} MiB",
            ]
        )
    setup()
    text = f"{machine()}; {database_label()}.\n\n" + table(
        ["format", "proposals", "time", "peak memory (RSS growth)", "file"], rows
    )
    report("Proposal list export, CSV against Excel", text, args.out)


if __name__ == "__main__":
    main()
