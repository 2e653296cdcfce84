"""NER tagging speed on one core: model load time and tokens/s.

    python bench/ner_speed.py [--test ../shared/data/ner/anercorp/test.conll] [--repeat 3]

Rows:
* "document": ``Tagger.tag_document`` over the file as running text (both CRF passes + name propagation: what
  ``marsad eval ner`` measures);
* "first pass": ``Tagger.tag_many``, the first CRF pass alone;
* "stage": the pipeline stage on raw text (tokenizing, tagging, clitic trimming, propagation), one article per
  40 sentences.

"cold" runs with a fresh tagger (every word type featurized and scored once), "warm" re-runs with the per-word
cache filled, as a long-running process sees recurring words, but no sentence's tags remembered (each the best
of ``--repeat`` runs; a wire copy's sentences, tagged before, cost a lookup). Times are the
process's CPU time (``time.process_time``, one thread), so a busy shared machine distorts them less; ``--wall``
uses wall-clock time instead. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from marsad.doc import Article, Span  # noqa: E402
from marsad.evaluate.ner import read_conll  # noqa: E402
from marsad.options import DEFAULT_OPTIONS  # noqa: E402
from marsad.stages import entities as E  # noqa: E402


def articles_of(sentences: list[list[str]]) -> list[Article]:
    out = []
    for i in range(0, len(sentences), 40):
        text, spans = "", []
        for s in sentences[i:i + 40]:
            start = len(text)
            text += " ".join(s) + "\n"
            spans.append(Span(start, len(text) - 1))
        out.append(Article(id=str(i), text=text, body=[Span(0, len(text))], sentences=spans))
    return out


CLOCK = time.process_time


def timed(run: Callable[[E.Tagger], object], repeat: int) -> tuple[float, float]:
    """(best cold, best warm) seconds of ``run``: cold on fresh taggers, warm re-running the last one."""
    cold = float("inf")
    for _ in range(repeat):
        tagger = E.Tagger()
        E.clitic_splits.cache_clear()  # shared by all taggers: cold means cold
        t0 = CLOCK()
        run(tagger)
        cold = min(cold, CLOCK() - t0)
    warm = float("inf")
    for _ in range(repeat):
        tagger.forget_tags()  # the same sentences again would be remembered tags: warm words, not warm sentences
        t0 = CLOCK()
        run(tagger)
        warm = min(warm, CLOCK() - t0)
    return cold, warm


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--test", type=Path, default=ROOT.parent / "shared" / "data" / "ner" / "anercorp" / "test.conll")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--wall", action="store_true", help="wall-clock time instead of CPU time")
    args = ap.parse_args()
    global CLOCK
    if args.wall:
        CLOCK = time.perf_counter
    sentences = [toks for toks, _ in read_conll(args.test)]
    n = sum(map(len, sentences))

    t0 = CLOCK()
    E.Tagger()
    load = CLOCK() - t0
    size = sum(p.stat().st_size for p in E.MODEL_DIR.iterdir()) / 1e6
    clock = "wall-clock" if args.wall else "CPU"
    print(f"model load: {load:.2f} s ({size:.1f} MB on disk); {n} tokens, {len(sentences)} sentences, one thread, "
          f"{clock} time")

    articles = articles_of(sentences)

    def stage(tagger: E.Tagger) -> object:
        E.default_tagger = lambda: tagger  # the stage reads default_tagger(): hand it this run's tagger
        return [E.TagEntities()(a, DEFAULT_OPTIONS) for a in articles]

    rows = [
        ("document (2 passes + propagation)", lambda t: t.tag_document(sentences)),
        ("first pass only", lambda t: t.tag_many(sentences)),
        ("stage on raw text", stage),
    ]
    print(f"| {'run':<36} | {'cold tok/s':>10} | {'warm tok/s':>10} |")
    print(f"|{'-' * 38}|{'-' * 12}|{'-' * 12}|")
    for name, run in rows:
        cold, warm = timed(run, args.repeat)
        print(f"| {name:<36} | {n / cold:>10,.0f} | {n / warm:>10,.0f} |")


if __name__ == "__main__":
    main()
