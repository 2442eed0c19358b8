#!/bin/sh
# Every benchmark of docs/performance.md on the database named by DATABASE_URL, which
# `manage.py seed_scale --proposals 20000 --reviewers 5000 --seed 1` has filled; the
# markdown tables are appended to the file given as the first argument.
#
#   DATABASE_URL=sqlite:////tmp/scale.sqlite3 bench/run_all.sh /tmp/results-sqlite.md
set -eu
out=${1:?give the markdown file to append to}
cd "$(dirname "$0")/.."
python=.venv/bin/python
$python bench/pages_bench.py --out "$out"
$python bench/pdf_bench.py --out "$out"
$python bench/pdf_text_bench.py --out "$out"
$python bench/funding_bench.py --out "$out"
$python bench/load_test.py --out "$out"
