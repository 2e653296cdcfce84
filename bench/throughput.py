"""Per-article throughput of the first stages: ingest -> clean -> normalize -> segment, one process on one core.

usage: python bench/throughput.py [--sizes 1000,10000,50000] [--source DIR] [--json] [--profile N]

Articles are synthetic: paragraphs and sentences of a small corpus (``examples/*.txt``, else the seed articles in
``../shared/seeds``) resampled into new articles, with the boilerplate real pages carry mixed in (captions ending in
"(رويترز)", a tags line, an "أقرأ أيضاً:" block). Generation is seeded, so every run sees the same articles.

Stages, timed separately per article:
  ingest     bytes -> ``decode`` -> ``make_article`` (what the .txt reader does, on in-memory bytes: no disk)
  clean      ``stages.clean.Clean``
  normalize  ``stages.normalize.Normalize`` (matching form + offset map)
  segment    ``stages.segment.Segment``

Each size runs in a fresh worker process pinned to one CPU, so the peak memory of one size does not hide another's.
Memory is the worker's peak resident set size, ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` (no tracemalloc: it
slows Python code down several times); "baseline" is the peak after generating the input bytes and before the
first stage, "peak" the peak at the end. Processed articles are kept in a list, as ``analyze`` keeps them in the
dossier (``--stream`` drops each one after its last stage instead).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

from marsad.doc import Article
from marsad.ingest import decode, make_article
from marsad.options import DEFAULT_OPTIONS
from marsad.stages.clean import Clean
from marsad.stages.normalize import Normalize
from marsad.stages.segment import Segment

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MARSAD_SHARED", REPO.parent / "shared"))
DEFAULT_SOURCES = [REPO / "examples", SHARED / "seeds"]
STAGES = ["ingest", "clean", "normalize", "segment"]
TARGET = 1000.0  # articles per second

CAPTIONS = [
    "{subject} خلال زيارة إلى موقع الحادث ({agency})",
    "صورة أرشيفية لـ{subject} ({agency})",
    "{subject} في مؤتمر صحافي أمس ({agency})",
]
AGENCIES = ["رويترز", "أ.ف.ب", "أ.ب", "إ.ب.أ", "الأناضول"]
SUBJECTS = ["الرئيس", "وزير الخارجية", "رجال الإنقاذ", "سكان المنطقة", "الوفد الرسمي", "المتظاهرون"]
TAG_WORDS = ["سياسة", "اقتصاد", "روسيا", "كوريا الشمالية", "سد تل الريحان", "وادي الغيم", "فيضانات", "الأمم المتحدة"]
SPLIT_SENTENCE = re.compile(r"(?<=[.!؟?…])\s+")


@dataclass
class Corpus:
    paragraphs: list[str]
    sentences: list[str]
    titles: list[str]
    source: str


@dataclass
class Result:
    size: int
    chars: int  # mean characters per article
    seconds: dict[str, float] = field(default_factory=dict)
    articles_per_s: float = 0.0
    mb_per_s: float = 0.0
    rss_baseline_mib: float = 0.0
    rss_peak_mib: float = 0.0
    kept: bool = True


def find_source(explicit: str | None) -> Path:
    candidates = [Path(explicit)] if explicit else DEFAULT_SOURCES
    for folder in candidates:
        if folder.is_dir() and any(folder.glob("*.txt")):
            return folder
    raise SystemExit(f"no *.txt articles in {', '.join(str(c) for c in candidates)} (use --source DIR)")


def load_corpus(folder: Path) -> Corpus:
    paragraphs: list[str] = []
    titles: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
        if lines:
            titles.append(lines[0])
        # prose paragraphs only: the source's own boilerplate is replaced by the generated one
        paragraphs.extend(ln for ln in lines[1:] if len(ln.split()) >= 12 and ln[-1] in ".!؟?…»”\"")
    sentences = [s for p in paragraphs for s in SPLIT_SENTENCE.split(p) if len(s.split()) >= 5]
    if not paragraphs:
        raise SystemExit(f"no prose paragraphs found in {folder}")
    return Corpus(paragraphs, sentences, titles or [p[:60] for p in paragraphs[:5]], str(folder))


def make_text(corpus: Corpus, rng: random.Random) -> str:
    """One synthetic article: a headline, 4-12 paragraphs (original ones or new mixes of sentences), captions with an
    agency credit between them, and often a tags line and an "أقرأ أيضاً:" block at the end."""
    lines = [rng.choice(corpus.titles)]
    if rng.random() < 0.3:  # a caption under the headline
        lines.append(rng.choice(CAPTIONS).format(subject=rng.choice(SUBJECTS), agency=rng.choice(AGENCIES)))
    for _ in range(rng.randint(4, 12)):
        if rng.random() < 0.5:
            lines.append(rng.choice(corpus.paragraphs))
        else:
            lines.append(" ".join(rng.choice(corpus.sentences) for _ in range(rng.randint(2, 5))))
        if rng.random() < 0.12:
            lines.append(rng.choice(CAPTIONS).format(subject=rng.choice(SUBJECTS), agency=rng.choice(AGENCIES)))
    if rng.random() < 0.5:
        lines.append("الوسوم: " + "، ".join(rng.sample(TAG_WORDS, rng.randint(2, 4))))
    if rng.random() < 0.5:
        lines.append("أقرأ أيضاً:")
        lines.extend(rng.choice(corpus.titles) for _ in range(rng.randint(2, 3)))
    sep = "\n\n" if rng.random() < 0.5 else "\n"
    return sep.join(lines) + "\n"


def make_inputs(corpus: Corpus, size: int, seed: int = 20231013) -> list[bytes]:
    rng = random.Random(seed)
    return [make_text(corpus, rng).encode("utf-8") for _ in range(size)]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_stages(inputs: list[bytes], keep: bool = True) -> tuple[dict[str, float], list[Article]]:
    options = DEFAULT_OPTIONS
    clean, normalize, segment = Clean(), Normalize(), Segment()
    seconds = dict.fromkeys(STAGES, 0.0)
    kept: list[Article] = []
    clock = time.perf_counter
    for n, data in enumerate(inputs):
        t0 = clock()
        text, encoding = decode(data, f"synthetic/{n:06d}.txt")
        article = make_article(text, id=f"{n:06d}", input=f"synthetic/{n:06d}.txt", format="text",
                               encoding=encoding, metadata={"outlet": "synthetic"}, options=options)
        t1 = clock()
        article = clean(article, options)
        t2 = clock()
        article = normalize(article, options)
        t3 = clock()
        article = segment(article, options)
        t4 = clock()
        seconds["ingest"] += t1 - t0
        seconds["clean"] += t2 - t1
        seconds["normalize"] += t3 - t2
        seconds["segment"] += t4 - t3
        if keep:
            kept.append(article)
    return seconds, kept


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})


def worker(size: int, source: Path, keep: bool) -> Result:
    pin_one_core()
    corpus = load_corpus(source)
    inputs = make_inputs(corpus, size)
    chars = sum(len(b.decode("utf-8")) for b in inputs) // max(1, size)
    run_stages(inputs[: min(50, size)], keep=False)  # warm up: compiled regexes, lazy tables
    baseline = rss_mib()
    seconds, kept = run_stages(inputs, keep=keep)
    total = sum(seconds.values())
    result = Result(size=size, chars=chars, seconds={k: round(v, 4) for k, v in seconds.items()}, kept=keep)
    result.seconds["total"] = round(total, 4)
    result.articles_per_s = round(size / total, 1)
    result.mb_per_s = round(sum(len(b) for b in inputs) / total / 1e6, 2)
    result.rss_baseline_mib = round(baseline, 1)
    result.rss_peak_mib = round(rss_mib(), 1)
    del kept
    return result


def run_size(size: int, source: Path, keep: bool) -> Result:
    """One size in a fresh interpreter, so peak RSS belongs to that size alone."""
    cmd = [sys.executable, __file__, "--worker", str(size), "--source", str(source)]
    if not keep:
        cmd.append("--stream")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return Result(**json.loads(out.strip().splitlines()[-1]))


def profile(size: int, source: Path, top: int) -> str:
    corpus = load_corpus(source)
    inputs = make_inputs(corpus, size)
    run_stages(inputs[:50], keep=False)
    prof = cProfile.Profile()
    prof.enable()
    run_stages(inputs, keep=False)
    prof.disable()
    import io

    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def print_table(results: list[Result], source: str) -> None:
    headers = ["articles", "chars/art", *[f"{s} s" for s in STAGES], "total s", "art/s", "MB/s", "RSS base MiB",
               "RSS peak MiB"]
    rows = [
        [f"{r.size:,}", f"{r.chars:,}", *[f"{r.seconds[s]:.2f}" for s in STAGES], f"{r.seconds['total']:.2f}",
         f"{r.articles_per_s:,.0f}", f"{r.mb_per_s:.2f}", f"{r.rss_baseline_mib:,.0f}", f"{r.rss_peak_mib:,.0f}"]
        for r in results
    ]
    title = (f"ingest -> clean -> normalize -> segment, 1 process / 1 core (source: {source}; "
             f"target {TARGET:,.0f} art/s)")
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # plain text
        print(title)
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
        print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
        for row in rows:
            print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        return
    table = Table(title=title)
    for h in headers:
        table.add_column(h, justify="right")
    for row in rows:
        table.add_row(*row)
    Console(width=max(150, Console().width)).print(table)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated article counts")
    parser.add_argument("--source", help="folder of *.txt articles to resample (default: examples/, else seeds)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--stream", action="store_true", help="drop each article after its last stage")
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile N articles and print the top functions")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    source = find_source(args.source)
    keep = not args.stream
    if args.worker is not None:
        print(json.dumps(asdict(worker(args.worker, source, keep))))
        return
    if args.profile:
        print(profile(args.profile, source, 25))
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results = [run_size(size, source, keep) for size in sizes]
    if args.json:
        payload: dict[str, Any] = {
            "stages": STAGES,
            "source": str(source),
            "memory": "peak RSS of a fresh worker process per size (resource.getrusage ru_maxrss)",
            "kept_articles": keep,
            "target_articles_per_s": TARGET,
            "results": [asdict(r) for r in results],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print_table(results, str(source))


if __name__ == "__main__":
    main()
