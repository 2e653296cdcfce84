"""Cross-validated comparison of NER feature settings on ANERcorp *train* (never test).

    python training/ner/cv.py base stats stats+split stats+triggers stats+c2=0.1

Each setting trains the first-pass CRF on 3/4 of train and tags the held-out quarter (4 contiguous blocks, so
an article's sentences stay together), with name propagation as shipped; predictions of the 4 folds are pooled
and scored once (≈9,000 entities: steadier than the 10 % dev split, whose ≈970 entities move by ±1 F1 from noise
alone). Settings, joined by "+": ``stats`` (word statistics, wordstats.json), ``split`` (one external list per
source), ``triggers`` (gazetteer t), ``c1=X`` / ``c2=X`` (regularization). Each setting takes ≈4 min on one core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import train as T  # noqa: E402

from marsad.evaluate.ner import read_conll, score  # noqa: E402
from marsad.stages import entities as E  # noqa: E402

FOLDS = 4


def line(r: dict) -> str:
    types = " ".join(f"{k} {v['f1']:.1f}" for k, v in r["per_type"].items())
    return f"macro {r['macro_f1']:.2f} micro {r['micro_f1']:.2f} {types}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("settings", nargs="+")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    ap.add_argument("--clusters", type=Path, default=ROOT / "src" / "marsad" / "models" / "ner" / "clusters.json")
    ap.add_argument("--tmp", type=Path, default=Path("/tmp"))
    args = ap.parse_args()
    anercorp = read_conll(args.data / "anercorp" / "train.conll")
    fane = T.wikifane(args.data / "wikifane" / "wikifane.fine.conll")
    wojood = read_conll(args.data / "wojood_sample" / "train.coarse.conll")
    T.CLUSTERS = json.loads(args.clusters.read_text(encoding="utf-8")) if args.clusters.is_file() else None
    defaults = dict(T.PARAMS)
    for setting in args.settings:
        parts = setting.split("+")
        t0 = time.time()
        if "split" in parts:
            ext = {"x": T.entity_words(fane, 0.3), "j": T.entity_words(wojood), "c": T.curated()}
        else:
            ext = {"x": T.merge(T.entity_words(fane), T.entity_words(wojood), T.curated())}
        T.STATS = T.corpus_stats([fane, wojood]) if "stats" in parts else None
        T.STAT_FEATURES = E.word_stats(T.STATS) if T.STATS is not None else None
        T.TRIGGERS = T.trigger_words([fane, wojood]) if "triggers" in parts else None
        T.PARAMS.clear()
        T.PARAMS.update(defaults)
        for p in parts:
            if "=" in p:
                k, v = p.split("=")
                T.PARAMS[k] = float(v)
        gold: list[list[str]] = []
        crf: list[list[str]] = []
        prop: list[list[str]] = []
        n = len(anercorp)
        for k in range(FOLDS):
            a, b = n * k // FOLDS, n * (k + 1) // FOLDS
            held, rest = anercorp[a:b], anercorp[:a] + anercorp[b:]
            model = args.tmp / f"marsad-ner-cv-{k}.model"
            T.train(rest, ext, model)
            tagger = E.Tagger(model_file=model, gazetteers=T.gazetteers(ext, rest), clusters=T.CLUSTERS,
                              stats=T.STAT_FEATURES)
            toks = [t for t, _ in held]
            gold += [g for _, g in held]
            crf += tagger.tag_document(toks, propagate=False)
            prop += tagger.tag_document(toks)
            model.unlink()
        print(f"{setting:<24} CRF: {line(score(gold, crf))} | + propagation: {line(score(gold, prop))} | "
              f"{time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
