"""Throughput of the quote, attribution and time stages, one process on one core.

usage: python bench/quotes_time.py [--size 600] [--source DIR] [--repeat 3] [--json]

Articles are synthetic, made the way ``bench/throughput.py`` makes them: paragraphs and sentences of
``examples/*.txt`` (else the seeds) resampled into new articles with captions, tags and "أقرأ أيضاً" blocks.
Generation is seeded. The stages before them (ingest, clean, segment, language, publication date, entity tagging)
run once, untimed. Then ``ResolveTimes``, ``FindQuotes`` and ``FindAttributions`` are timed on every article, each
stage separately, in CPU seconds of this process (``time.process_time``), so that other work on a shared machine does
not count. This repeats ``--repeat`` times and the fastest pass is reported. The process is pinned to one CPU.
Target: 300 articles/s for the three stages together.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import find_source, load_corpus, make_inputs, pin_one_core

from marsad.doc import Article
from marsad.ingest import decode, make_article
from marsad.options import DEFAULT_OPTIONS
from marsad.stages.attribution import FindAttributions
from marsad.stages.clean import Clean
from marsad.stages.entities import TagEntities
from marsad.stages.language import DetectLanguage
from marsad.stages.pubdate import PublicationDate
from marsad.stages.quotes import FindQuotes
from marsad.stages.segment import Segment
from marsad.stages.time import ResolveTimes

TARGET = 300.0  # articles per second, the three stages together
PUBLISHED = ["2025-10-14", "2025-10-15", "2023-09-13", "2024-11-30"]


def prepare(inputs: list[bytes]) -> list[Article]:
    """The articles as the timed stages receive them: everything up to entity tagging done."""
    stages = [Clean(), Segment(), DetectLanguage(), PublicationDate(), TagEntities()]
    out = []
    for n, data in enumerate(inputs):
        text, encoding = decode(data, f"synthetic/{n:06d}.txt")
        article = make_article(text, id=f"{n:06d}", input=f"synthetic/{n:06d}.txt", format="text",
                               encoding=encoding, options=DEFAULT_OPTIONS,
                               metadata={"outlet": "synthetic", "published": PUBLISHED[n % len(PUBLISHED)]})
        for stage in stages:
            article = stage(article, DEFAULT_OPTIONS)
        out.append(article)
    return out


def time_stages(articles: list[Article]) -> dict[str, float]:
    stages = {"time": ResolveTimes(), "quotes": FindQuotes(), "attribution": FindAttributions()}
    seconds = dict.fromkeys(stages, 0.0)
    clock = time.process_time  # CPU time of this process: what one core spends, whatever else the machine runs
    for article in articles:
        for name, stage in stages.items():
            t0 = clock()
            article = stage(article, DEFAULT_OPTIONS)
            seconds[name] += clock() - t0
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=600, help="synthetic articles (default 600)")
    parser.add_argument("--source", help="folder of *.txt articles to resample (default examples/, else seeds)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the fastest is reported")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    pin_one_core()
    source = find_source(args.source)
    articles = prepare(make_inputs(load_corpus(source), args.size))
    best: dict[str, float] | None = None
    done = articles
    for _ in range(args.repeat):
        done = copy.deepcopy(articles)
        seconds = time_stages(done)
        if best is None or sum(seconds.values()) < sum(best.values()):
            best = seconds
    assert best is not None
    total = sum(best.values())
    chars = sum(len(a.text) for a in articles) / len(articles)
    result = {"articles": len(articles), "mean_chars": round(chars), "source": str(source),
              "seconds": {k: round(v, 4) for k, v in best.items()},
              "articles_per_s": {k: round(len(articles) / v, 1) for k, v in best.items()},
              "total_articles_per_s": round(len(articles) / total, 1), "target": TARGET,
              "found": {"quotes": sum(len(a.quotes) for a in done), "times": sum(len(a.times) for a in done),
                        "attributions": sum(len(a.attributions) for a in done)}}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"quotes + attribution + time on one core: {len(articles)} synthetic articles, "
          f"{round(chars)} characters on average (from {source})")
    print(f"{'stage':<12} {'CPU s':>9} {'articles/s':>11}")
    for k, v in best.items():
        print(f"{k:<12} {v:>9.3f} {len(articles) / v:>11.1f}")
    verdict = "meets" if result["total_articles_per_s"] >= TARGET else "BELOW"
    print(f"{'together':<12} {total:>9.3f} {result['total_articles_per_s']:>11.1f}  ({verdict} the target "
          f"{TARGET:.0f}/s)")
    print(f"found: {result['found']['quotes']} quotes, {result['found']['attributions']} attributions, "
          f"{result['found']['times']} time expressions")


if __name__ == "__main__":
    main()
