"""Train marsad's Arabic NER model (a CRF, python-crfsuite) and write it to ``src/marsad/models/ner/``.

    python training/ner/train.py [--data ../shared/data/ner] [--out src/marsad/models/ner]

Deterministic (L-BFGS, no sampling). ANERcorp train with its last 10 % of sentences held out as dev is used to
report dev scores; the shipped model is then retrained on all of ANERcorp train with the same settings.
ANERcorp test is never read here.

Two CRF passes: the first over word/context features; the second (``crf2.model``, ``--no-stack`` to skip) adds
how the first pass labelled the same word in nearby sentences, learnt from 2-fold cross-validated first-pass
tags of the training data.

Gazetteers (features "gx", "ga"):
* ``x``: external name lists: WikiFANE (fine tags mapped to coarse, its "Group" class dropped since ANERcorp tags
  group nouns O), the Wojood sample train split, and marsad's curated gazetteer;
* ``a``: entity words of ANERcorp train. While training it is built jackknife-style (each fifth of the sentences
  sees only the lists from the other four fifths) so the CRF learns how much an unseen-in-fold list is worth
  instead of trusting a feature that is always right on its own training data.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pycrfsuite

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from marsad.evaluate.ner import read_conll, score  # noqa: E402
from marsad.stages.entities import (  # noqa: E402
    Featurizer,
    Gazetteer,
    Tagger,
    WordStats,
    document_features,
    word_stats,
)
from marsad.stages.normalize import normalize  # noqa: E402

FANE_COARSE = {
    **dict.fromkeys(["Artist", "Athlete", "Businessperson", "Engineer", "Lawyer", "Other_PER", "Police",
                     "Politician", "Religious_PER", "Scientist"], "PERS"),
    **dict.fromkeys(["Commercial", "Educational", "Entertainment", "Government", "Media", "Medical-Science",
                     "Non-Governmental", "Religious_ORG", "Sports"], "ORG"),
    **dict.fromkeys(["Continent", "County-or-District", "GPE-Cluster", "Nation", "Population-Center",
                     "State-or-Province", "Celestial", "Land-Region-Natural", "Water-Body", "Airport",
                     "Building-Grounds", "Path", "Plant", "Subarea-Facility"], "LOC"),
    # Group -> O (ANERcorp convention); vehicles/weapons/products -> MISC only as list evidence
    **dict.fromkeys(["Air", "Land", "Water", "Blunt", "Chemical", "Exploding", "Nuclear", "Projectile", "Sharp",
                     "Shooting", "Book", "Drug", "Food", "Hardware", "Movie", "Software", "Sound"], "MISC"),
}

PARAMS = {"c1": 0.05, "c2": 0.02, "max_iterations": 150, "feature.possible_transitions": True,
          "feature.minfreq": 1}


def entity_words(sentences: list[tuple[list[str], list[str]]], min_share: float = 0.5) -> dict[str, list[str]]:
    """Normalized word -> tags (B-T/I-T) it carries in a labelled corpus, kept when tagged in ≥ min_share of uses."""
    tagged: dict[str, Counter[str]] = defaultdict(Counter)
    total: Counter[str] = Counter()
    for toks, tags in sentences:
        for tok, tag in zip(toks, tags, strict=True):
            n = normalize(tok)
            total[n] += 1
            if tag != "O":
                tagged[n][tag] += 1
    out: dict[str, list[str]] = {}
    for n, c in tagged.items():
        if len(n) < 2 or sum(c.values()) < min_share * total[n]:
            continue
        out[n] = sorted(t for t, k in c.items() if k >= 0.2 * sum(c.values()))
    return out


def merge(*lists: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for d in lists:
        for k, v in d.items():
            out[k].update(v)
    return {k: sorted(v) for k, v in out.items()}


def wikifane(path: Path) -> list[tuple[list[str], list[str]]]:
    sents = []
    for toks, tags in read_conll(path):
        mapped = []
        for t in tags:
            kind, _, fine = t.partition("-")
            coarse = FANE_COARSE.get(fine)
            mapped.append(f"{kind}-{coarse}" if coarse else "O")
        sents.append((toks, mapped))
    return sents


PROCLITICS = frozenset({"و", "ف", "ب", "ل", "ك", "س"})
ENCLITICS = frozenset({"ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "نا", "ي", "ني"})


def rejoin_clitics(toks: list[str], tags: list[str]) -> tuple[list[str], list[str]]:
    """WikiFANE writes clitics as tokens ("و تعتبر", "عاصمة ها"); glue them back as in raw news text."""
    out_t: list[str] = []
    out_g: list[str] = []
    pending = ""
    for tok, tag in zip(toks, tags, strict=True):
        if tok in PROCLITICS and tag == "O":
            pending += tok
            continue
        if tok in ENCLITICS and tag == "O" and out_t and not pending:
            out_t[-1] = (out_t[-1][:-1] + "ت" if out_t[-1].endswith("ة") else out_t[-1]) + tok  # عاصمة+ها
            continue
        out_t.append(pending + tok)
        out_g.append(tag)
        pending = ""
    return out_t, out_g


def curated() -> dict[str, list[str]]:
    """Words of marsad's curated gazetteer (names in Arabic), tagged like corpus entity words."""
    try:
        from marsad.resources.gazetteer import entries
    except ImportError:
        return {}
    out: dict[str, set[str]] = defaultdict(set)
    for name, typ in entries():
        for i, w in enumerate(normalize(name).split()):
            out[w].add(("B-" if i == 0 else "I-") + typ)
    return {k: sorted(v) for k, v in out.items()}


CLUSTERS: dict[str, list[int]] | None = None
Lists = dict[str, dict[str, list[str]]]  # list name -> normalized word -> tags
STATS: dict[str, list[int]] | None = None  # external word statistics (None: no such features)
STAT_FEATURES: WordStats | None = None  # the same as features (``word_stats``)


TRIGGERS: dict[str, list[str]] | None = None  # words that announce a name of a type (gazetteer "t")


def trigger_words(corpora: list[list[tuple[list[str], list[str]]]], min_count: int = 5,
                  min_share: float = 0.25) -> dict[str, list[str]]:
    """Normalized word -> the types of names it often stands right before ("الرئيس" -> PERS, "شركة" -> ORG),
    from labelled corpora; WikiFANE's split-off proclitics are skipped when looking left."""
    total: Counter[str] = Counter()
    before: dict[str, Counter[str]] = defaultdict(Counter)
    for sents in corpora:
        for toks, tags in sents:
            norms = [normalize(t) for t in toks]
            for n in norms:
                total[n] += 1
            for i, tag in enumerate(tags):
                if not tag.startswith("B-"):
                    continue
                j = i - 1
                while j >= 0 and toks[j] in PROCLITICS:
                    j -= 1
                if j >= 0 and tags[j] == "O":
                    before[norms[j]][tag[2:]] += 1
    out = {}
    for w, c in before.items():
        types = sorted(t for t, k in c.items() if k >= min_count and k >= min_share * total[w])
        if types and len(w) >= 2:
            out[w] = ["T-" + t for t in types]
    return out


def corpus_stats(corpora: list[list[tuple[list[str], list[str]]]]) -> dict[str, list[int]]:
    """Normalized word -> [frequency bucket 1..9 (log2), share of its uses inside a name in quarters, or -1 under
    3 uses], over labelled corpora (``wordstats.json``)."""
    total: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for sents in corpora:
        for toks, tags in sents:
            for tok, tag in zip(toks, tags, strict=True):
                n = normalize(tok)
                total[n] += 1
                if tag != "O":
                    named[n] += 1
    return {w: [min(int(math.log2(c)) + 1, 9), round(4 * named[w] / c) if c >= 3 else -1]
            for w, c in sorted(total.items())}


def featurizer(others: list[tuple[list[str], list[str]]], ext: Lists) -> Featurizer:
    """Features with the lists a model trained on ``others`` would have."""
    return Featurizer(gazetteers(ext, others, Gazetteer), CLUSTERS, STAT_FEATURES)


def gazetteers(ext: Lists, sents: list[tuple[list[str], list[str]]], kind: Any = dict) -> dict:
    """The word lists of a model trained on ``sents``: external names, names of ``sents``, trigger words."""
    out = {**{k: kind(v) for k, v in ext.items()}, "a": kind(entity_words(sents))}
    if TRIGGERS is not None:
        out["t"] = kind(TRIGGERS)
    return out





def featurize_jackknife(sents: list[tuple[list[str], list[str]]], ext: Lists,
                        folds: int = 5, extra: list | None = None) -> list[list[list[str]]]:
    feats: list[list[list[str]] | None] = [None] * len(sents)
    for k in range(folds):
        others = [s for i, s in enumerate(sents) if i % folds != k]
        f = featurizer(others, ext)
        for i in range(k, len(sents), folds):
            feats[i] = f(sents[i][0], extra[i] if extra is not None else None)
    return feats  # type: ignore[return-value]


def first_pass_cv(sents: list[tuple[list[str], list[str]]], ext: Lists, tmp: Path,
                  folds: int = 2) -> list[list[str]]:
    """First-pass tags of every training sentence from a model that did not see it (the stacked pass must learn
    from labels as noisy as the ones it gets at run time)."""
    tags: list[list[str]] = [[] for _ in sents]
    for k in range(folds):
        part = [s for i, s in enumerate(sents) if i % folds != k]
        model = tmp.with_suffix(f".fold{k}")
        train(part, ext, model)
        tagger = Tagger(model_file=model, gazetteers=gazetteers(ext, part), clusters=CLUSTERS, stats=STAT_FEATURES)
        for i in range(k, len(sents), folds):
            tags[i] = tagger.tag(sents[i][0])
        model.unlink()
    return tags


def train_stacked(sents: list[tuple[list[str], list[str]]], ext: Lists, path: Path) -> float:
    """Second pass: the first-pass features plus document features (``document_features``) of CV tags."""
    t0 = time.time()
    extra = document_features([t for t, _ in sents], first_pass_cv(sents, ext, path))
    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, (_, tags) in zip(featurize_jackknife(sents, ext, extra=extra), sents, strict=True):
        trainer.append(feats, tags)
    trainer.set_params(PARAMS)
    trainer.train(str(path))
    return time.time() - t0


EXTRA: list[tuple[list[str], list[str]]] = []  # extra training sentences (--wikifane)


def train(sents: list[tuple[list[str], list[str]]], ext: Lists, path: Path) -> float:
    t0 = time.time()
    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, (_, tags) in zip(featurize_jackknife(sents, ext), sents, strict=True):
        trainer.append(feats, tags)
    if EXTRA:
        f = featurizer(sents, ext)
        for toks, tags in EXTRA:
            trainer.append(f(toks), tags)
    trainer.set_params(PARAMS)
    trainer.train(str(path))
    return time.time() - t0


def evaluate(model: Path, gaz: dict[str, dict[str, list[str]]], sents: list[tuple[list[str], list[str]]]) -> dict:
    """Dev scores of the CRF alone and with name propagation over nearby sentences (what ships)."""
    tagger = Tagger(model_file=model, gazetteers=gaz, clusters=CLUSTERS, stats=STAT_FEATURES)
    gold = [t for _, t in sents]
    return {"crf": score(gold, [tagger.tag(toks) for toks, _ in sents]),
            "propagated": score(gold, tagger.tag_document([toks for toks, _ in sents]))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "marsad" / "models" / "ner")
    ap.add_argument("--dev-only", action="store_true", help="stop after the dev run (no final retraining)")
    ap.add_argument("--c1", type=float, default=PARAMS["c1"])
    ap.add_argument("--c2", type=float, default=PARAMS["c2"])
    ap.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    ap.add_argument("--clusters", type=Path, default=None,
                    help="word clusters (training/ner/clusters.py); default: OUT/clusters.json if present")
    ap.add_argument("--wikifane", type=float, default=0.0,
                    help="also train on this share of WikiFANE sentences (clitics re-joined, Group and MISC -> O)")
    ap.add_argument("--split-lists", action=argparse.BooleanOptionalAction, default=False,
                    help="external name lists kept apart per source (x: WikiFANE, j: Wojood, c: curated)")
    ap.add_argument("--triggers", action=argparse.BooleanOptionalAction, default=False,
                    help="words that often stand before a name, from WikiFANE and Wojood (gazetteer t)")
    ap.add_argument("--stats", action=argparse.BooleanOptionalAction, default=True,
                    help="word frequency / share-in-names features from WikiFANE and Wojood (wordstats.json)")
    ap.add_argument("--stack", action=argparse.BooleanOptionalAction, default=True,
                    help="also train a second CRF pass over document features (crf2.model; default on)")
    ap.add_argument("--wojood", action=argparse.BooleanOptionalAction, default=False,
                    help="also train on the Wojood sample's train and val sentences (coarse tags)")
    args = ap.parse_args()
    if args.wojood:
        for split in ("train", "val"):
            EXTRA.extend(read_conll(args.data / "wojood_sample" / f"{split}.coarse.conll"))
    if args.wikifane > 0:
        for i, (toks, tags) in enumerate(wikifane(args.data / "wikifane" / "wikifane.fine.conll")):
            if i % 100 < args.wikifane * 100:
                # WikiFANE's MISC (vehicles, weapons, products) is not ANERcorp's (currencies, religions, events)
                EXTRA.append(rejoin_clitics(toks, [t if not t.endswith("MISC") else "O" for t in tags]))
    PARAMS.update({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations})
    global CLUSTERS
    cpath = args.clusters or args.out / "clusters.json"
    if cpath.is_file():
        CLUSTERS = json.loads(cpath.read_text(encoding="utf-8"))
    t_start = time.time()
    anercorp = read_conll(args.data / "anercorp" / "train.conll")
    cut = int(len(anercorp) * 0.9)
    train_part, dev = anercorp[:cut], anercorp[cut:]
    fane = wikifane(args.data / "wikifane" / "wikifane.fine.conll")
    wojood = read_conll(args.data / "wojood_sample" / "train.coarse.conll")
    if args.split_lists:  # one list per source: the CRF learns how far to trust each
        ext = {"x": entity_words(fane, 0.3), "j": entity_words(wojood), "c": curated()}
    else:
        ext = {"x": merge(entity_words(fane), entity_words(wojood), curated())}
    global STATS, STAT_FEATURES, TRIGGERS
    if args.triggers:
        TRIGGERS = trigger_words([fane, wojood])
    if args.stats:
        STATS = corpus_stats([fane, wojood])
        STAT_FEATURES = word_stats(STATS)
    args.out.mkdir(parents=True, exist_ok=True)
    dev_model = args.out / "crf.dev.model"
    secs = train(train_part, ext, dev_model)
    if args.stack:  # the tagger finds the second pass beside the first: crf.dev.pass2
        secs += train_stacked(train_part, ext, dev_model.with_suffix(".pass2"))
    dev_scores = evaluate(dev_model, gazetteers(ext, train_part), dev)
    print(f"dev ({len(dev)} sentences, trained in {secs:.0f}s):", json.dumps(dev_scores, ensure_ascii=False))
    report = {"params": PARAMS, "wikifane_share": args.wikifane, "stack": args.stack, "stats": args.stats,
              "wojood": args.wojood,
              "triggers": args.triggers,
              "split_lists": args.split_lists,
              "dev": dev_scores,
              "dev_train_seconds": round(secs)}
    (args.out / "crf2.model").unlink(missing_ok=True)
    if args.dev_only:
        dev_model.replace(args.out / "crf.model")
        if args.stack:
            dev_model.with_suffix(".pass2").replace(args.out / "crf2.model")
    else:
        secs = train(anercorp, ext, args.out / "crf.model")
        if args.stack:
            secs += train_stacked(anercorp, ext, args.out / "crf2.model")
        dev_model.unlink()
        dev_model.with_suffix(".pass2").unlink(missing_ok=True)
        report["final_train_seconds"] = round(secs)
    gaz = gazetteers(ext, anercorp if not args.dev_only else train_part)
    (args.out / "gazetteers.json").write_text(json.dumps(gaz, ensure_ascii=False, sort_keys=True,
                                                         separators=(",", ":")), encoding="utf-8")
    if STATS is None:
        (args.out / "wordstats.json").unlink(missing_ok=True)
    else:
        (args.out / "wordstats.json").write_text(json.dumps(STATS, ensure_ascii=False, separators=(",", ":")),
                                                 encoding="utf-8")
    report["wall_seconds"] = round(time.time() - t_start)
    (args.out / "training.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out} in {report['wall_seconds']}s")


if __name__ == "__main__":
    main()
