"""NER tagging speed on one core: model load time and tokens/s (features + CRF decoding).

    python bench/ner_speed.py [--test ../shared/data/ner/anercorp/test.conll] [--repeat 3]

"cold" tags with an empty per-word feature cache (every word featurized once), "warm" re-tags the same text
with the cache filled, as a long-running process sees recurring words. Also reports the whole tagging stage
(tokenizing, clitic trimming, propagation) on raw sentences.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from marsad.doc import Article, Span  # noqa: E402
from marsad.evaluate.ner import read_conll  # noqa: E402
from marsad.options import DEFAULT_OPTIONS  # noqa: E402
from marsad.stages import entities as E  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--test", type=Path, default=ROOT.parent / "shared" / "data" / "ner" / "anercorp" / "test.conll")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sentences = [toks for toks, _ in read_conll(args.test)]
    n = sum(map(len, sentences))

    t0 = time.perf_counter()
    tagger = E.Tagger()
    load = time.perf_counter() - t0
    print(f"model load: {load:.2f}s  ({sum(p.stat().st_size for p in E.MODEL_DIR.iterdir()) / 1e6:.1f} MB on disk)")

    t0 = time.perf_counter()
    for s in sentences:
        tagger.tag(s)
    cold = time.perf_counter() - t0
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for s in sentences:
            tagger.tag(s)
        best = min(best, time.perf_counter() - t0)
    print(f"first pass, {n} tokens: cold {n / cold:,.0f} tok/s, warm {n / best:,.0f} tok/s")
    t0 = time.perf_counter()
    tagger.tag_document(sentences)
    t = time.perf_counter() - t0
    print(f"both passes + propagation (what `marsad eval ner` measures): {n / t:,.0f} tok/s")

    # the pipeline stage on raw text: one article per 40 sentences
    E.default_tagger.cache_clear()
    E.default_tagger()
    stage = E.TagEntities()
    articles = []
    for i in range(0, len(sentences), 40):
        text, spans = "", []
        for s in sentences[i:i + 40]:
            start = len(text)
            text += " ".join(s) + "\n"
            spans.append(Span(start, len(text) - 1))
        art = Article(id=str(i), text=text, body=[Span(0, len(text))], sentences=spans)
        articles.append(art)
    t0 = time.perf_counter()
    mentions = sum(len(stage(a, DEFAULT_OPTIONS).mentions) for a in articles)
    t = time.perf_counter() - t0
    print(f"stage (tokenize + tag + clitics + propagation): {n / t:,.0f} tok/s, {mentions} mentions")


if __name__ == "__main__":
    main()
