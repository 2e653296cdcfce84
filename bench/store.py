"""Store benchmark: ingest rate, search latency (p50/p95) and story-page latency (p95) at --n articles.

    PYTHONPATH=src python bench/store.py --n 5000

Targets from issue #9 (at 100k articles): >= 200 articles/s ingest, search p95 < 100 ms, story page p95 < 200 ms.
The corpus is the invented one of ``marsad.store.synthetic`` (about three outlets per event).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from marsad.store import Ingester, Store, read
from marsad.store.search import search
from marsad.store.synthetic import write_corpus
from marsad.web.app import create_app


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, args.n)
        db = Path(tmp) / "bench.db"
        with Store(db) as store:
            ingester = Ingester(store)
            _ = ingester.state  # load the sentence encoder outside the timing
            t0 = time.perf_counter()
            report = ingester.ingest([corpus])
            ingest_s = time.perf_counter() - t0
            n_stories = store.count("stories")
        rng = random.Random(1)
        with Store(db, readonly=True) as store:
            words = [r[0].split()[i % 3] for i, r in enumerate(
                store.conn.execute("SELECT title FROM articles ORDER BY random() LIMIT ?", (args.queries,)))]
            search_ms = []
            for w in words:
                t = time.perf_counter()
                search(store.conn, w)
                search_ms.append((time.perf_counter() - t) * 1000)
            stories, _ = read.stories(store, 200)
        client = TestClient(create_app(db))
        page_ms = []
        for _ in range(min(args.queries, 100)):
            sid = rng.choice(stories)["id"]
            t = time.perf_counter()
            assert client.get(f"/stories/{sid}").status_code == 200
            page_ms.append((time.perf_counter() - t) * 1000)
    print(f"| measure (n = {args.n:,} articles, {n_stories:,} stories) | value |")
    print("|---|---|")
    print(f"| ingest (full pipeline + reuse + stories + entities) | {len(report.added) / ingest_s:.1f} articles/s"
          f" ({ingest_s:.0f} s) |")
    print(f"| search p50 / p95 | {statistics.median(search_ms):.1f} / {pct(search_ms, 95):.1f} ms |")
    print(f"| story page (HTML, in-process) p95 | {pct(page_ms, 95):.1f} ms |")


if __name__ == "__main__":
    main()
