"""Benchmark of the text overlap (grants/overlaps/text_overlap.py): its quality on the labelled
set of tests/grants/overlaps, and its speed on a synthetic corpus the size of the fund's.

    .venv/bin/python bench/overlap_bench.py [--proposals 20000] [--records 20000] [--call 5000]
    DATABASE_URL=postgres://…/copy .venv/bin/python bench/overlap_bench.py --prepare-pages

Quality and speed need no database. ``--prepare-pages`` readies a copy of a scale database
(``manage.py seed_scale``; never the original: it rewrites texts) for the overlap pages of
bench/pages_bench.py (``--only overlap``): the received proposals' abstracts become synthetic
texts and their sections are emptied (the seed's texts are shuffles of a dozen sentences, so
every pair would overlap), ``--records`` external records with synthetic texts are added,
and the real check (checks.check_call) writes the flags of the main call, timed. Run again,
it only runs the check again (a re-run: the flags updated in place).

Quality: precision and recall per kind of variant at the threshold (text_overlap.THRESHOLD).
Speed: a corpus of N proposals and M external records, each with a Chinese and an English text
(Markov-chained from the labelled abstracts, with invented terms: factories_textoverlap); then
one new proposal against it (the index built once, as a page would keep it), and a call of C
of the proposals against it (building the index included, as run_overlap_check does). Peak
memory is the process's peak resident set (resource.getrusage).
"""

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grants.overlaps import text_overlap  # noqa: E402
from grants.overlaps.text_overlap import Document, TextIndex  # noqa: E402
from tests.grants.overlaps import factories_textoverlap as labelled_set  # noqa: E402


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_load():
    """The load average and the kernel's CPU pressure, as the other benchmarks record them."""
    load = Path("/proc/loadavg").read_text().split()[:3]
    try:
        pressure = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        pressure = "unknown"
    return f"load average {' '.join(load)}; CPU pressure {pressure}"


def quality():
    print(f"## Quality at threshold {text_overlap.THRESHOLD}\n")
    table(
        {
            language: TextIndex(labelled_set.corpus(language), language)
            for language in text_overlap.LANGUAGES
        }
    )


def table(indexes):
    print("| language | variant | precision | recall | pairs found | pairs expected |")
    print("|---|---|---|---|---|---|")
    for language, index in indexes.items():
        queries, truth = labelled_set.labelled(language)
        pairs = index.pairs(queries)
        for kind, (precision, recall, found, expected) in labelled_set.measure(
            pairs, truth
        ).items():
            print(
                f"| {language} | {kind} | {precision:.3f} | {recall:.3f} | {found} | {expected} |"
            )
    print()


def speed(proposals, records, call):
    print(f"## Speed: {proposals:,} proposals and {records:,} external records, both languages\n")
    print(f"- at the start: {machine_load()}")
    started = time.perf_counter()
    corpus = []
    for language in text_overlap.LANGUAGES:
        texts = labelled_set.synthetic_texts(language, proposals + records, seed=11)
        corpus += [Document(f"proposal:{i}", language, t) for i, t in enumerate(texts[:proposals])]
        corpus += [Document(f"external:{i}", language, t) for i, t in enumerate(texts[proposals:])]
    print(f"- synthetic corpus generated in {time.perf_counter() - started:.1f} s")
    newcomer = {
        language: labelled_set.synthetic_texts(language, 1, seed=99)[0]
        for language in text_overlap.LANGUAGES
    }
    # The call: C of the proposals, the index built as run_overlap_check builds it.
    started, cpu = time.perf_counter(), cpu_seconds()
    indexes = {language: TextIndex(corpus, language) for language in text_overlap.LANGUAGES}
    built = time.perf_counter() - started
    print(
        f"- index of both languages built in {built:.1f} s ({cpu_seconds() - cpu:.1f} s of CPU; "
        f"peak RSS {peak_mb():,.0f} MB)"
    )
    queries = [d for d in corpus if int(d.key.split(":")[1]) < call and d.key[0] == "p"]
    started = time.perf_counter()
    pairs = []
    for index in indexes.values():
        pairs += index.pairs(queries)
    compared = time.perf_counter() - started
    print(
        f"- a call of {call:,} proposals against the corpus: {built + compared:.1f} s "
        f"(index {built:.1f} s + comparing {compared:.1f} s; {cpu_seconds() - cpu:.1f} s of CPU), "
        f"{len(pairs)} pairs at "
        f"{text_overlap.THRESHOLD}, peak RSS {peak_mb():,.0f} MB"
    )
    # The check then finds the shared passages of each pair it flags.
    sample = pairs[:: max(1, len(pairs) // 5000)][:5000]
    text_of = {(d.key, d.language): d.text for d in corpus}
    started, cpu = time.perf_counter(), cpu_seconds()
    for pair in sample:
        text_overlap.shared_passages(
            text_of[(pair.a, pair.language)], text_of[(pair.b, pair.language)], pair.language
        )
    each = (cpu_seconds() - cpu) / max(1, len(sample))
    print(
        f"- shared passages of {len(sample):,} of those pairs: {time.perf_counter() - started:.1f} s "
        f"({each * 1000:.2f} ms of CPU a pair, so {each * len(pairs):.1f} s of CPU for all)"
    )
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        for language, index in indexes.items():
            index.pairs([Document("new", language, newcomer[language])])
        timings.append(time.perf_counter() - started)
    print(
        f"- one new proposal (Chinese and English) against the built index: "
        f"median {sorted(timings)[2] * 1000:.0f} ms of 5 runs"
    )
    print(f"- peak RSS of the whole benchmark: {peak_mb():,.0f} MB")
    print(f"- at the end: {machine_load()}")


def prepare_pages(records):
    """See the module's docstring: texts, external records and the main call's flags."""
    from scale_data import seeded, setup

    setup()
    from grants.models import ExternalRecord
    from grants.overlaps import checks

    data = seeded()
    if ExternalRecord.objects.filter(programme__startswith="bench ").exists():
        print("- texts and records already prepared: the check again")
    else:
        _bench_texts_and_records(data, records)
    started, cpu = time.perf_counter(), cpu_seconds()
    counts = checks.check_call(data.main)
    print(
        f"- check of {data.main.code}: {time.perf_counter() - started:.1f} s "
        f"({cpu_seconds() - cpu:.1f} s of CPU, peak RSS {peak_mb():,.0f} MB): {counts}"
    )
    print(f"- at the end: {machine_load()}")


def _bench_texts_and_records(data, records):
    from django.db import transaction

    from grants.models import ExternalRecord, Institution, Province
    from grants.overlaps import corpus

    received = list(corpus.received_proposals())
    texts = {
        language: labelled_set.synthetic_texts(language, len(received) + records, seed=11)
        for language in text_overlap.LANGUAGES
    }
    started = time.perf_counter()
    with transaction.atomic():
        for number, proposal in enumerate(received):
            proposal.abstract_zh, proposal.abstract_en = texts["zh"][number], texts["en"][number]
            for attribute in proposal.SECTIONS.values():
                setattr(proposal, attribute, "")
        fields = ["abstract_zh", "abstract_en", *received[0].SECTIONS.values()]
        type(received[0]).objects.bulk_update(received, fields, batch_size=1000)
        provinces = list(Province.objects.filter(is_funding=True))
        institutions = list(Institution.objects.filter(province__in=provinces)[:200])
        ExternalRecord.objects.bulk_create(
            [
                ExternalRecord(
                    programme=f"bench {provinces[n % len(provinces)].name}",
                    province=provinces[n % len(provinces)],
                    reference=f"B{n:06d}",
                    title_zh=texts["zh"][len(received) + n][:40],
                    abstract_zh=texts["zh"][len(received) + n],
                    abstract_en=texts["en"][len(received) + n],
                    pi_name=f"研究者{n}",
                    institution=institutions[n % len(institutions)],
                    institution_name=institutions[n % len(institutions)].name,
                    amount=500000 + n,
                    start_year=2022,
                    end_year=2025,
                    imported_by=data.officer,
                )
                for n in range(records)
            ],
            batch_size=1000,
        )
    print(
        f"- {len(received):,} texts rewritten, {records:,} records added in "
        f"{time.perf_counter() - started:.1f} s"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--proposals", type=int, default=20000)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--call", type=int, default=5000)
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--prepare-pages", action="store_true")
    args = parser.parse_args()
    if args.prepare_pages:
        prepare_pages(args.records)
        return
    quality()
    if not args.no_speed:
        speed(args.proposals, args.records, args.call)


if __name__ == "__main__":
    main()
