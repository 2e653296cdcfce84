"""Text reuse at scale: accuracy on planted copies, throughput, memory and incremental latency of
``marsad.stages.reuse.ReuseIndex``, against a datasketch ``MinHashLSH`` baseline, on a synthetic corpus.

usage: python bench/reuse.py [--sizes 10000,30000,100000] [--seed 7] [--quick] [--json] [--profile]
                             [--pipeline reuse|full] [--threshold T] [--report RUN.json]

Corpus (seeded, deterministic): a Zipf-distributed vocabulary (exponent 1.0) of 50,000 random Arabic letter strings
(length 2-9) ranked below 30 real function words; a quarter of the drawn words get a proclitic ("ال", "و", "وال",
"بال", "لل") so matching forms are exercised. An article is 250-400 words in sentences of 8-30 words ending with ".",
grouped in 3-8 newline-separated paragraphs; article ``i`` of ``N`` is published on day ``30 * i // N`` of a
30-day range (arrival order = index order). Unrelated articles share no long word sequence by construction; the
run verifies it on the n-gram index (pairs of articles that share 5-grams without a planted lineage).

Planted copies (ground truth): ~15% of the articles receive a passage of whole sentences (30-200 words) from an
earlier article, inserted as its own paragraph: verbatim, edited at a known word-edit rate (5/10/20%: substitute,
insert or delete random words), sentence-shuffled, or partial (a contiguous 30-80% of a passage, cut mid-sentence).
Sources are a new passage (65%), a passage already copied elsewhere (fan-out, 15%), or a copy in another article
(propagation, 20%) -- every word carries its lineage (root passage, word index), so copies of copies are true links
too. A few short copies (8-29 words) and high-edit copies (30/40%) are reported separately. The acceptance set is the
main plants: >= 30 source words, <= 20% edits.

A planted copy is *found* when passages between its target and its source -- or another article holding the same
lineage text -- overlap at least 50% of the planted target span: ``union`` counts the union of those passages'
target-side spans (a shuffled copy is reported as one passage per sentence), ``strict`` needs one passage alone. A
reported passage is *true* when both its spans hold words of one lineage with a common root word. Doc-pair scores
(for the comparison with MinHash) count article pairs instead.

Timing: texts are rendered first (not timed); then, end to end from texts, 2 worker processes run the pipeline +
``units_of`` + ``record_of`` over chunks of 250 texts (records come back to the main process), and the main process
runs ``ReuseIndex.add_many(records)`` (``sentence_similarity=None``). The pipeline is ``default_pipeline()`` limited
to the stages reuse units need (clean, segment, language, pubdate: the whole default pipeline when reuse landed);
``--pipeline full`` runs ``default_pipeline()`` as it is (with stages added since, e.g. entity tagging). Workers
time each stage and phase in CPU seconds. "wall" figures are measured; "cpu" figures are computed from CPU seconds
(worker CPU / 2 + add_many CPU), i.e. what the run takes when nothing else runs on the 2 cores -- on a shared
machine the two differ, and the load average during the worker phase is reported. The reuse part alone is units +
records + add_many (wall: the worker phase's wall time times the workers' CPU share of units + records).
Each size runs in a fresh interpreter: memory is ``ru_maxrss`` of that process (RUSAGE_SELF) -- "marsad" is taken
before the baseline runs (rendered texts, ground truth, records, index, scoring, incremental adds), "main" after it --
and of its largest worker (RUSAGE_CHILDREN); a sampling thread reads the main process's RSS during ``add_many`` and
the baseline for their increments.

Baseline: datasketch ``MinHash`` (num_perm=128, affine64, identity hash over the same matching-form word 5-gram
hashes the index uses) and ``MinHashLSH``, querying each document before inserting it; the threshold is tuned on the
first size (the highest one reaching marsad's doc-pair recall on the acceptance set), then kept.

Incremental: after indexing N articles, ``ReuseIndex.add(unit)`` (a ``Unit``: ``record_of`` included) for 200 new
articles (15% of them carrying a copy of an indexed passage): p50/p95/max milliseconds.
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import io
import itertools
import json
import multiprocessing as mp
import os
import pickle
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from marsad.doc import Article
from marsad.options import ReuseOptions
from marsad.pipeline import Pipeline, default_pipeline
from marsad.stages.reuse import ReuseIndex, ReusePassage, UnitRecord, record_of
from marsad.units import Unit, units_of

ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
FUNCTION_WORDS = ["في", "من", "على", "إلى", "أن", "عن", "التي", "الذي", "مع", "هذا", "كان", "قال", "بعد", "وقال",
                  "هذه", "بين", "إن", "كما", "أو", "قد", "لم", "ذلك", "حتى", "عند", "منذ", "خلال", "وفي", "ومن",
                  "بأن", "لكن"]
PROCLITICS = (("ال", 0.12), ("و", 0.06), ("وال", 0.04), ("بال", 0.02), ("لل", 0.01))
VOCAB_SIZE = 50_000
ZIPF_S = 1.0
DAYS = 30
START_DAY = date(2024, 3, 1)
WORKERS = 2
CHUNK = 250  # articles per worker task
OPTIONS = ReuseOptions()
NUM_PERM = 128
THRESHOLDS = (0.5, 0.2, 0.1, 0.05, 0.02, 0.01)
INCREMENTAL = 200
REUSE_STAGES = frozenset({"clean", "segment", "language", "pubdate"})  # default_pipeline() when reuse landed
MAIN_KINDS = (("verbatim", 0.0, 0.20), ("edited", 0.05, 0.15), ("edited", 0.10, 0.15), ("edited", 0.20, 0.15),
              ("shuffled", 0.0, 0.15), ("partial", 0.0, 0.20))
CODE = 1024  # lineage word code = lineage * CODE + root word index (root passages are <= 200 words)

TaggedWord = tuple[str, int, int, int, int]  # word, lineage, root word index (-1: edit), copy id (-1: root), pos
Passage = list[list[tuple[str, int]]]  # sentences of (word, root word index)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def article_id(i: int) -> str:
    return f"{i:07d}"


def published_of(i: int, n: int) -> str:
    day = DAYS if i >= n else DAYS * i // n  # the incremental articles come after the corpus
    return (START_DAY + timedelta(days=day)).isoformat()


# ---------------------------------------------------------------- corpus


class Lexicon:
    """Function words first, then synthetic words, drawn by Zipf rank."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"{seed}/lexicon")
        words = dict.fromkeys(FUNCTION_WORDS)
        while len(words) < len(FUNCTION_WORDS) + VOCAB_SIZE:
            words.setdefault("".join(rng.choices(ALPHABET, k=rng.randint(2, 9))))
        self.words = list(words)
        self.function = set(FUNCTION_WORDS)
        self.cum = list(itertools.accumulate(1.0 / (k ** ZIPF_S) for k in range(1, len(self.words) + 1)))
        self.clitic_cum = list(itertools.accumulate(p for _, p in PROCLITICS))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        out = rng.choices(self.words, cum_weights=self.cum, k=k)
        for x, w in enumerate(out):
            if w not in self.function:
                r = rng.random()
                for (clitic, _), c in zip(PROCLITICS, self.clitic_cum, strict=True):
                    if r < c:
                        out[x] = clitic + w
                        break
        return out


def base_article(lex: Lexicon, seed: int, i: int) -> list[list[list[str]]]:
    """Paragraphs of sentences of words, a pure function of (seed, i)."""
    rng = random.Random(f"{seed}/article/{i}")
    total = rng.randint(250, 400)
    lengths: list[int] = []
    while sum(lengths) < total:
        lengths.append(rng.randint(8, 30))
    words = lex.sample(rng, sum(lengths))
    bounds = list(itertools.accumulate(lengths, initial=0))
    sentences = [words[a:b] for a, b in itertools.pairwise(bounds)]
    n_par = min(rng.randint(3, 8), len(sentences))
    cuts = sorted(rng.sample(range(1, len(sentences)), n_par - 1))
    return [sentences[a:b] for a, b in itertools.pairwise([0, *cuts, len(sentences)])]


@dataclass
class Plant:
    id: int
    group: str  # main | short | high_edit | incremental
    kind: str  # verbatim | edited | shuffled | partial
    rate: float
    source: int
    target: int
    lineage: int
    via: int  # copy id whose inserted text is the source (propagation); -1: the root passage
    k0: int  # copied positions [k0, k1) of the source passage
    k1: int
    words: int  # source words copied
    position: float  # where in the target's paragraphs the copy goes
    origin: str = "root"  # root | fanout | propagated
    sentences: Passage = field(default_factory=list, repr=False)
    source_span: tuple[int, int] = (0, 0)
    target_span: tuple[int, int] = (0, 0)

    @property
    def accepted(self) -> bool:
        return self.group == "main" and self.words >= 30 and self.rate <= 0.2


@dataclass
class Lineage:
    id: int
    root: int  # article
    sent_lo: int  # sentence range of the root passage (flattened base sentences)
    sent_hi: int
    passage: Passage


@dataclass
class Plan:
    n: int
    seed: int
    plants: list[Plant]
    lineages: list[Lineage]
    roots: dict[int, list[tuple[int, int, int]]]  # article -> (sent_lo, sent_hi, lineage)
    inserts: dict[int, list[int]]  # article -> plant ids

    def payload(self, i: int) -> tuple[list[tuple[int, int, int]], list[tuple[float, int, int, Passage]]]:
        ins = [(self.plants[c].position, c, self.plants[c].lineage, self.plants[c].sentences)
               for c in self.inserts.get(i, [])]
        return self.roots.get(i, []), ins


def flat(passage: Passage) -> list[tuple[str, int, int]]:
    """(word, root index, sentence) in order."""
    return [(w, r, s) for s, sent in enumerate(passage) for w, r in sent]


def regroup(words: Sequence[tuple[str, int, int]]) -> Passage:
    out: Passage = []
    last = None
    for w, r, s in words:
        if s != last:
            out.append([])
            last = s
        out[-1].append((w, r))
    return out


def edit(passage: Passage, rate: float, rng: random.Random, lex: Lexicon) -> Passage:
    """round(rate * words) edits at distinct positions: substitute, insert after, or delete a word."""
    words = flat(passage)
    k = max(1, round(rate * len(words)))
    ops = {p: rng.choice("sid") for p in rng.sample(range(len(words)), min(k, len(words)))}
    fresh = iter(lex.sample(rng, len(ops)))
    out: list[tuple[str, int, int]] = []
    for p, (w, r, s) in enumerate(words):
        op = ops.get(p)
        if op == "s":
            out.append((next(fresh), -1, s))
        elif op == "i":
            out.extend([(w, r, s), (next(fresh), -1, s)])
        elif op is None:
            out.append((w, r, s))
    return regroup(out)


def make_copy(kind: str, rate: float, passage: Passage, rng: random.Random, lex: Lexicon) -> Passage:
    if kind == "edited":
        return edit(passage, rate, rng, lex)
    if kind == "shuffled" and len(passage) > 1:
        order = list(range(len(passage)))
        while order == sorted(order):
            rng.shuffle(order)
        return [passage[k] for k in order]
    return [list(s) for s in passage]


def root_passage(lex: Lexicon, seed: int, article: int, rng: random.Random, lo_words: int,
                 hi_words: int) -> tuple[int, int, Passage] | None:
    """Consecutive whole base sentences of ``article`` with lo_words..hi_words words."""
    sentences = [s for par in base_article(lex, seed, article) for s in par]
    want = rng.randint(lo_words, hi_words)
    for _ in range(20):
        a = rng.randrange(len(sentences))
        b, total = a, 0
        while b < len(sentences) and total < want:
            total += len(sentences[b])
            b += 1
        if total > hi_words and b - a > 1:
            b -= 1
            total -= len(sentences[b])
        if lo_words <= total <= hi_words:
            k = itertools.count()
            return a, b, [[(w, next(k)) for w in s] for s in sentences[a:b]]
    return None


def plan_corpus(n: int, seed: int, lex: Lexicon) -> Plan:
    rng = random.Random(f"{seed}/plan/{n}")
    n_main = round(0.15 * n)
    n_short = max(5, round(0.01 * n))
    n_high = max(5, round(0.01 * n))
    first_day1 = next(i for i in range(n) if DAYS * i // n >= 1)
    targets = rng.sample(range(first_day1, n), n_main + n_short + n_high)
    groups = ["main"] * n_main + ["short"] * n_short + ["high_edit"] * n_high
    jobs = sorted(zip(targets, groups, strict=True))
    day = [DAYS * i // n for i in range(n)]
    # first index of each day: sources of a target published on day d lie below first_of[d]
    first_of = {d: next(i for i in range(n) if day[i] == d) for d in sorted(set(day))}
    plants: list[Plant] = []
    lineages: list[Lineage] = []
    roots: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    used_roots: set[int] = set()
    main_pieces: list[int] = []  # ids of main plants, in target order
    piece_targets: list[int] = []
    kinds = [k for k, _, _ in MAIN_KINDS]
    rates = [r for _, r, _ in MAIN_KINDS]
    weights = [w for _, _, w in MAIN_KINDS]
    for target, group in jobs:
        limit = first_of[day[target]]  # sources strictly earlier
        if group == "main":
            x = rng.choices(range(len(MAIN_KINDS)), weights=weights)[0]
            kind, rate = kinds[x], rates[x]
        elif group == "short":
            kind, rate = "verbatim" if rng.random() < 0.5 else "edited", 0.05
            rate = 0.0 if kind == "verbatim" else rate
        else:
            kind, rate = "edited", rng.choice([0.3, 0.4])
        lo_w, hi_w = (8, 29) if group == "short" else ((60, 200) if kind == "partial" else (30, 200))
        origin = "root"
        r = rng.random()
        via, fan = -1, None
        if group == "main" and r < 0.20:
            # an earlier copy (its target published before this target), drawn by rejection
            earlier = bisect.bisect_left(piece_targets, limit)
            for _ in range(20 if earlier else 0):
                c = main_pieces[rng.randrange(earlier)]
                if lo_w <= len(flat(plants[c].sentences)) <= hi_w:
                    via, origin = c, "propagated"
                    break
        elif group == "main" and r < 0.35:
            for _ in range(20 if lineages else 0):
                ln = lineages[rng.randrange(len(lineages))]
                if ln.root < limit and lo_w <= sum(map(len, ln.passage)) <= hi_w:
                    fan, origin = ln, "fanout"
                    break
        if via >= 0:
            src = plants[via]
            source, lineage, passage = src.target, src.lineage, src.sentences
        elif fan is not None:
            source, lineage, passage = fan.root, fan.id, fan.passage
        else:
            found = None
            while found is None:
                source = rng.randrange(limit)
                if source in used_roots:
                    continue
                found = root_passage(lex, seed, source, rng, lo_w, hi_w)
            used_roots.add(source)
            sent_lo, sent_hi, passage = found
            lineage = len(lineages)
            lineages.append(Lineage(lineage, source, sent_lo, sent_hi, passage))
            roots[source].append((sent_lo, sent_hi, lineage))
        total = sum(map(len, passage))
        k0, k1 = 0, total
        if kind == "partial":
            part = rng.randint(max(30, int(0.3 * total)), max(30, int(0.8 * total)))
            k0 = rng.randint(0, total - part)
            k1 = k0 + part
            words = flat(passage)[k0:k1]
            passage = regroup(words)
        copy = make_copy(kind, rate, passage, rng, lex)
        plant = Plant(len(plants), group, kind, rate, source, target, lineage, via, k0, k1, k1 - k0, rng.random(),
                      origin, copy)
        plants.append(plant)
        if group == "main":
            main_pieces.append(plant.id)
            piece_targets.append(target)
    inserts: dict[int, list[int]] = defaultdict(list)
    for p in plants:
        inserts[p.target].append(p.id)
    return Plan(n, seed, plants, lineages, dict(roots), dict(inserts))


def render(lex: Lexicon, seed: int, i: int, roots: list[tuple[int, int, int]],
           inserts: list[tuple[float, int, int, Passage]]) -> tuple[str, np.ndarray | None]:
    """The article's text, and one row per lineage word: start, end, lineage, root index, copy id, position."""
    paragraphs: list[list[list[str | TaggedWord]]] = [[list(s) for s in par] for par in base_article(lex, seed, i)]
    if roots:
        sentences = [s for par in paragraphs for s in par]
        for lo, hi, lineage in roots:
            k = 0
            for s in sentences[lo:hi]:
                for x, w in enumerate(s):
                    assert isinstance(w, str)
                    s[x] = (w, lineage, k, -1, k)
                    k += 1
    placed = []
    for position, copy, lineage, passage in inserts:
        k = itertools.count()
        par: list[list[str | TaggedWord]] = [[(w, lineage, r, copy, next(k)) for w, r in s] for s in passage]
        placed.append((min(len(paragraphs), int(position * (len(paragraphs) + 1))), copy, par))
    for at, _, par in sorted(placed, key=lambda x: (-x[0], x[1])):
        paragraphs.insert(at, par)
    parts: list[str] = []
    rows: list[tuple[int, int, int, int, int, int]] = []
    pos = 0
    for pi, par in enumerate(paragraphs):
        if pi:
            parts.append("\n")
            pos += 1
        for si, sent in enumerate(par):
            for wi, w in enumerate(sent):
                if si or wi:
                    parts.append(" ")
                    pos += 1
                word = w if isinstance(w, str) else w[0]
                parts.append(word)
                if not isinstance(w, str):
                    rows.append((pos, pos + len(word), w[1], w[2], w[3], w[4]))
                pos += len(word)
            parts.append(".")
            pos += 1
    return "".join(parts), (np.array(rows, np.int32) if rows else None)


# ---------------------------------------------------------------- workers

_LEX: Lexicon | None = None
_PIPE: Pipeline | None = None


def make_pipeline(which: str) -> Pipeline:
    """``default_pipeline()``, or (``reuse``) only its stages that reuse units depend on, in its order."""
    full = default_pipeline()
    if which == "full":
        return full
    return Pipeline([s for s in full.stages if s.name in REUSE_STAGES], full.options)


def _init_worker(seed: int, which: str) -> None:
    global _LEX, _PIPE
    _LEX = Lexicon(seed)
    _PIPE = make_pipeline(which)


def _render_chunk(task: tuple[int, int, int, dict[int, Any]]) -> tuple[int, list[str], dict[int, np.ndarray]]:
    seed, lo, hi, payloads = task
    assert _LEX is not None
    texts: list[str] = []
    tags: dict[int, np.ndarray] = {}
    for i in range(lo, hi):
        roots, ins = payloads.get(i, ([], []))
        text, rows = render(_LEX, seed, i, roots, ins)
        texts.append(text)
        if rows is not None:
            tags[i] = rows
    return lo, texts, tags


def _process_chunk(task: tuple[int, int, list[str]]) -> tuple[list[UnitRecord], dict[str, float], list[int]]:
    """pipeline -> units_of -> record_of for a chunk of texts; seconds per stage and phase (CPU time of this
    process, so other load on the machine does not count); sanity counts."""
    n, lo, texts = task
    pipe = _PIPE
    assert pipe is not None
    clock = time.process_time
    seconds = dict.fromkeys([*pipe.names, "units", "records"], 0.0)
    counts = [0, 0, 0]  # removed spans, glued parts, units
    records: list[UnitRecord] = []
    for k, text in enumerate(texts):
        i = lo + k
        article = Article(id=article_id(i), text=text, published=published_of(i, n), published_source="metadata")
        for stage in pipe.stages:  # what Pipeline.__call__ does, timed per stage
            t0 = clock()
            article = stage(article, pipe.options)
            article.layers |= set(stage.provides)
            seconds[stage.name] += clock() - t0
        t1 = clock()
        units = units_of(article)
        t2 = clock()
        records.extend(record_of(u, OPTIONS) for u in units)
        t3 = clock()
        seconds["units"] += t2 - t1
        seconds["records"] += t3 - t2
        counts[0] += len(article.removed)
        counts[1] += len(article.parts)
        counts[2] += len(units)
    return records, seconds, counts


# ---------------------------------------------------------------- memory


def rss_now_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def maxrss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


class RssPeak:
    """Peak RSS of this process while the block runs (sampled every 20 ms)."""

    def __init__(self) -> None:
        self.start = self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_now_mib())

    def __enter__(self) -> RssPeak:
        self.start = self.peak = rss_now_mib()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_now_mib())

    @property
    def increase(self) -> float:
        return self.peak - self.start


# ---------------------------------------------------------------- ground truth and scores


class Truth:
    def __init__(self, plan: Plan, tags: dict[int, np.ndarray]) -> None:
        self.plan = plan
        self.tags = tags
        self.article_codes: dict[int, np.ndarray] = {}
        for i, rows in tags.items():
            rows_ok = rows[rows[:, 3] >= 0].astype(np.int64)
            self.article_codes[i] = np.unique(rows_ok[:, 2] * CODE + rows_ok[:, 3])
        for p in plan.plants:
            t = tags[p.target]
            mine = t[t[:, 4] == p.id]
            p.target_span = (int(mine[:, 0].min()), int(mine[:, 1].max()))
            s = tags[p.source]
            sel = s[(s[:, 2] == p.lineage) & (s[:, 4] == p.via) & (s[:, 5] >= p.k0) & (s[:, 5] < p.k1)]
            p.source_span = (int(sel[:, 0].min()), int(sel[:, 1].max()))
        # article pairs in one lineage (the collision check calls everything else unrelated)
        members: dict[int, set[int]] = defaultdict(set)
        for ln in plan.lineages:
            members[ln.id].add(ln.root)
        for p in plan.plants:
            members[p.lineage].update((p.source, p.target))
        keys = [min(x, y) * plan.n + max(x, y) for m in members.values() for x in m for y in m if x < y]
        self.lineage_pairs = np.unique(np.array(keys, np.int64))

    def span_codes(self, article: int, start: int, end: int) -> np.ndarray:
        rows = self.tags.get(article)
        if rows is None:
            return np.zeros(0, np.int64)
        sel = rows[(rows[:, 0] < end) & (rows[:, 1] > start) & (rows[:, 3] >= 0)].astype(np.int64)
        return np.unique(sel[:, 2] * CODE + sel[:, 3])

    def passage_lineages(self, p: ReusePassage) -> set[int]:
        a, b = int(p.a_article), int(p.b_article)
        common = np.intersect1d(self.span_codes(a, p.a_span.start, p.a_span.end),
                                self.span_codes(b, p.b_span.start, p.b_span.end), assume_unique=True)
        return set((common // CODE).tolist())

    def pair_true(self, x: int, y: int) -> bool:
        cx, cy = self.article_codes.get(x), self.article_codes.get(y)
        return cx is not None and cy is not None and len(np.intersect1d(cx, cy, assume_unique=True)) > 0

    def piece_codes(self, p: Plant) -> np.ndarray:
        t = self.tags[p.target]
        sel = t[(t[:, 4] == p.id) & (t[:, 3] >= 0)].astype(np.int64)
        return np.unique(sel[:, 2] * CODE + sel[:, 3])


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _union_len(spans: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total


def score_passages(truth: Truth, passages: list[ReusePassage]) -> dict[str, Any]:
    plan = truth.plan
    lineages = [truth.passage_lineages(p) for p in passages]
    ok = [bool(x) for x in lineages]
    pairs: dict[tuple[int, int], bool] = {}
    by_article: dict[int, list[int]] = defaultdict(list)
    for k, p in enumerate(passages):
        a, b = int(p.a_article), int(p.b_article)
        by_article[a].append(k)
        by_article[b].append(k)
        key = (min(a, b), max(a, b))
        if key not in pairs:
            pairs[key] = truth.pair_true(*key)
    false_examples = [p.to_dict() for p, good in zip(passages, ok, strict=True) if not good][:5]
    rows: list[dict[str, Any]] = []
    for plant in plan.plants:
        target_spans: list[tuple[int, int]] = []
        best = 0
        earlier_ok = None
        for k in by_article.get(plant.target, []):
            p = passages[k]
            a, b = int(p.a_article), int(p.b_article)
            mine, other = (p.a_span, b) if a == plant.target else (p.b_span, a)
            if other != plant.source and plant.lineage not in lineages[k]:
                continue
            span = (mine.start, mine.end)
            target_spans.append((max(span[0], plant.target_span[0]), min(span[1], plant.target_span[1])))
            best = max(best, _overlap(span, plant.target_span))
            if other == plant.source and _overlap(span, plant.target_span):
                side = "a" if a == plant.source else "b"
                earlier_ok = p.earlier == side if earlier_ok is None else earlier_ok or p.earlier == side
        length = plant.target_span[1] - plant.target_span[0]
        covered = _union_len([s for s in target_spans if s[1] > s[0]]) / length
        rows.append({"id": plant.id, "covered": covered, "strict": best / length, "earlier_ok": earlier_ok})
    passage_true = sum(ok)
    pair_true = sum(pairs.values())
    return {
        "passages": len(passages),
        "passage_precision": passage_true / len(passages) if passages else 1.0,
        "pairs": len(pairs),
        "pair_precision": pair_true / len(pairs) if pairs else 1.0,
        "pair_set": set(pairs),
        "plants": rows,
        "false_examples": false_examples,
        "kinds": {k: sum(1 for p in passages if p.kind == k) for k in ("verbatim", "near_copy", "paraphrase")},
    }


def pair_recall(truth: Truth, pairs: set[tuple[int, int]], plants: Sequence[Plant]) -> float:
    """Doc-pair recall: the (source, target) pair, or target with another article holding the lineage text."""
    by_article: dict[int, set[int]] = defaultdict(set)
    for x, y in pairs:
        by_article[x].add(y)
        by_article[y].add(x)
    found = 0
    for p in plants:
        others = by_article.get(p.target, set())
        if p.source in others:
            found += 1
            continue
        codes = truth.piece_codes(p)
        if any(len(np.intersect1d(codes, truth.article_codes.get(o, np.zeros(0, np.int64)))) for o in others):
            found += 1
    return found / len(plants) if plants else 1.0


def summarize_recall(plan: Plan, rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_plant = {r["id"]: r for r in rows}

    def agg(plants: list[Plant]) -> dict[str, Any]:
        rs = [by_plant[p.id] for p in plants]
        direction = [r["earlier_ok"] for r in rs if r["earlier_ok"] is not None]
        return {
            "n": len(rs),
            "recall": sum(r["covered"] >= 0.5 for r in rs) / len(rs) if rs else 0.0,
            "recall_strict": sum(r["strict"] >= 0.5 for r in rs) / len(rs) if rs else 0.0,
            "coverage": float(np.mean([r["covered"] for r in rs])) if rs else 0.0,
            "earlier_ok": sum(direction) / len(direction) if direction else None,
        }

    groups: dict[str, list[Plant]] = defaultdict(list)
    for p in plan.plants:
        label = f"{p.group}/{p.kind}" + (f" {round(p.rate * 100)}%" if p.kind == "edited" else "")
        groups[label].append(p)
        if p.group == "main":
            groups[f"origin/{p.origin}"].append(p)
            bucket = "30-59" if p.words < 60 else ("60-119" if p.words < 120 else "120-200")
            groups[f"length/{bucket}"].append(p)
    return {
        "acceptance": agg([p for p in plan.plants if p.accepted]),
        "by": {k: agg(v) for k, v in sorted(groups.items())},
    }


def collision_check(index: ReuseIndex, truth: Truth) -> dict[str, Any]:
    """Pairs of articles outside any planted lineage that share 5-grams (from the index's sorted segments)."""
    n = truth.plan.n
    article_of = np.array([int(r.article) for r in index.records], np.int64)
    keys: list[np.ndarray] = []
    ignored = 0
    positions = 0
    for g, o in index._segments:  # private, but a bench may look inside
        positions += len(g)
        dup = np.flatnonzero(g[1:] == g[:-1])  # groups of 2+ equal n-grams are runs here
        if not len(dup):
            continue
        run_first = np.flatnonzero(np.concatenate([[True], np.diff(dup) != 1]))
        starts = dup[run_first]
        sizes = np.diff(np.concatenate([run_first, [len(dup)]])) + 1
        ignored += int(np.sum(sizes > OPTIONS.max_df))
        ok = sizes <= OPTIONS.max_df
        two = starts[ok & (sizes == 2)]
        x, y = article_of[o[two]], article_of[o[two + 1]]
        keys.append(np.minimum(x, y) * n + np.maximum(x, y))
        for s, size in zip(starts[ok & (sizes > 2)].tolist(), sizes[ok & (sizes > 2)].tolist(), strict=True):
            members = article_of[o[s:s + size]]
            i, j = np.triu_indices(size, k=1)
            keys.append(np.minimum(members[i], members[j]) * n + np.maximum(members[i], members[j]))
    allk = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    uniq, counts = np.unique(allk, return_counts=True)
    related = np.isin(uniq, truth.lineage_pairs)
    un_counts = counts[~related]
    return {
        "gram_positions": positions,
        "grams_over_max_df": ignored,
        "unrelated_gram_collisions": int(un_counts.sum()),
        "unrelated_pairs_sharing_1": len(un_counts),
        "unrelated_pairs_sharing_2plus": int(np.sum(un_counts >= 2)),
        "unrelated_max_shared": int(un_counts.max()) if len(un_counts) else 0,
        "lineage_pairs": len(truth.lineage_pairs),
        "lineage_pairs_sharing_grams": int(np.sum(related)),
    }


# ---------------------------------------------------------------- baseline


def _identity(x: int) -> int:
    return x


def minhashes(records: Sequence[UnitRecord]) -> Iterator[Any]:
    from datasketch import MinHash

    return MinHash.generator((r.grams.tolist() for r in records), num_perm=NUM_PERM, scheme="affine64",
                             hashfunc=_identity)


def lsh_pairs(records: Sequence[UnitRecord], threshold: float, hashes: Sequence[Any] | None = None,
              ) -> tuple[set[tuple[int, int]], float, float]:
    """Query-then-insert every document; the pairs, seconds, and RSS increase (MiB)."""
    from datasketch import MinHashLSH

    pairs: set[tuple[int, int]] = set()
    with RssPeak() as mem:
        t0 = time.perf_counter()
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        source = hashes if hashes is not None else minhashes(records)
        for rec, m in zip(records, source, strict=True):
            i = int(rec.article)
            for j in lsh.query(m):
                pairs.add((min(i, j), max(i, j)))
            if len(rec.grams):
                lsh.insert(i, m, check_duplication=False)
        seconds = time.perf_counter() - t0
    return pairs, seconds, mem.increase


def baseline(records: Sequence[UnitRecord], truth: Truth, target_recall: float,
             threshold: float | None) -> dict[str, Any]:
    accepted = [p for p in truth.plan.plants if p.accepted]

    def evaluate(pairs: set[tuple[int, int]]) -> tuple[float, float]:
        good = sum(truth.pair_true(x, y) for x, y in pairs)
        return (good / len(pairs) if pairs else 1.0), pair_recall(truth, pairs, accepted)

    tuning: list[dict[str, Any]] = []
    if threshold is None:
        t0 = time.perf_counter()
        hashes = list(minhashes(records))
        hash_s = time.perf_counter() - t0
        chosen = None
        for th in THRESHOLDS:
            pairs, sec, _ = lsh_pairs(records, th, hashes)
            precision, recall = evaluate(pairs)
            tuning.append({"threshold": th, "precision": precision, "recall": recall, "pairs": len(pairs),
                           "seconds": sec + hash_s})
            log(f"  minhash threshold {th}: P={precision:.4f} R={recall:.4f} pairs={len(pairs)}")
            if chosen is None and recall >= target_recall:
                chosen = th
        if chosen is None:
            chosen = max(tuning, key=lambda t: (t["recall"], t["threshold"]))["threshold"]
        threshold = chosen
        del hashes
    pairs, seconds, mem = lsh_pairs(records, threshold)
    precision, recall = evaluate(pairs)
    return {"threshold": threshold, "precision": precision, "recall": recall, "pairs": len(pairs),
            "seconds": seconds, "rss_increase_mib": mem, "tuning": tuning}


# ---------------------------------------------------------------- incremental


def incremental(index: ReuseIndex, plan: Plan, lex: Lexicon, which: str) -> dict[str, Any]:
    """Time ``add(unit)`` for new articles published after the corpus, 15% carrying an indexed passage."""
    n, seed = plan.n, plan.seed
    rng = random.Random(f"{seed}/incremental/{n}")
    pipe = make_pipeline(which)
    units: list[Unit] = []
    copies = 0
    for i in range(n, n + INCREMENTAL):
        inserts: list[tuple[float, int, int, Passage]] = []
        if rng.random() < 0.15:
            found = root_passage(lex, seed, rng.randrange(n), rng, 30, 200)
            if found is not None:
                kind, rate = rng.choice([("verbatim", 0.0), ("edited", 0.1)])
                inserts.append((rng.random(), 10**6 + i, 10**6 + i, make_copy(kind, rate, found[2], rng, lex)))
                copies += 1
        text, _ = render(lex, seed, i, [], inserts)
        article = pipe(Article(id=article_id(i), text=text, published=published_of(i, n),
                               published_source="metadata"))
        units.extend(units_of(article))
    times: list[float] = []
    found_passages = 0
    for unit in units:
        t0 = time.perf_counter()
        found_passages += len(index.add(unit))
        times.append((time.perf_counter() - t0) * 1000)
    ms = np.array(times)
    return {"n": len(units), "copies": copies, "passages": found_passages, "p50_ms": float(np.percentile(ms, 50)),
            "p95_ms": float(np.percentile(ms, 95)), "max_ms": float(ms.max()), "mean_ms": float(ms.mean()),
            "segments": len(index._segments)}


# ---------------------------------------------------------------- one size


def run_one(n: int, seed: int, threshold: float | None, target_recall: float | None, profile: bool,
            which: str) -> dict[str, Any]:
    out: dict[str, Any] = {"size": n, "seed": seed, "workers": WORKERS, "pipeline": make_pipeline(which).names}
    lex = Lexicon(seed)
    t0 = time.perf_counter()
    plan = plan_corpus(n, seed, lex)
    out["plan_s"] = time.perf_counter() - t0
    ctx = mp.get_context("fork")
    with ctx.Pool(WORKERS, initializer=_init_worker, initargs=(seed, which)) as pool:
        t0 = time.perf_counter()
        tasks = []
        for lo in range(0, n, CHUNK):
            hi = min(n, lo + CHUNK)
            payloads = {i: plan.payload(i) for i in range(lo, hi) if i in plan.roots or i in plan.inserts}
            tasks.append((seed, lo, hi, payloads))
        # the texts wait in a temporary file (the corpus on disk), so the main process never holds them all
        spool = tempfile.TemporaryFile()
        n_chunks = 0
        tags: dict[int, np.ndarray] = {}
        chars = 0
        for lo, texts, chunk_tags in pool.imap(_render_chunk, tasks):
            pickle.dump((n, lo, texts), spool, protocol=pickle.HIGHEST_PROTOCOL)
            n_chunks += 1
            tags.update(chunk_tags)
            chars += sum(map(len, texts))
        del tasks
        out["render_s"] = time.perf_counter() - t0
        out["chars_per_article"] = chars / n
        log(f"{n}: rendered in {out['render_s']:.1f}s ({len(plan.plants)} plants)")

        def feed() -> Iterator[tuple[int, int, list[str]]]:
            spool.seek(0)
            for _ in range(n_chunks):
                yield pickle.load(spool)

        records: list[UnitRecord] = []
        cpu: dict[str, float] = defaultdict(float)
        counts = [0, 0, 0]
        rss_before = rss_now_mib()
        load_before = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        for recs, seconds, cnt in pool.imap(_process_chunk, feed()):
            records.extend(recs)
            for k, v in seconds.items():
                cpu[k] += v
            counts = [x + y for x, y in zip(counts, cnt, strict=True)]
        prep_s, prep_main_cpu = time.perf_counter() - t0, time.process_time() - c0
        spool.close()
        out["load_during_prep"] = (load_before, os.getloadavg()[0])
        pool.close()
        pool.join()
    out["rss_records_mib"] = rss_now_mib() - rss_before
    log(f"{n}: pipeline+units+records in {prep_s:.1f}s")
    out.update(prep_s=prep_s, prep_main_cpu_s=prep_main_cpu, worker_cpu_s=dict(cpu), removed_spans=counts[0],
               glued_parts=counts[1], units=counts[2])

    index = ReuseIndex(OPTIONS)
    prof = cProfile.Profile() if profile else None
    with RssPeak() as mem:
        t0, c0 = time.perf_counter(), time.process_time()
        if prof:
            prof.enable()
        passages = index.add_many(records, None)
        if prof:
            prof.disable()
        index_s, index_cpu = time.perf_counter() - t0, time.process_time() - c0
    log(f"{n}: add_many in {index_s:.1f}s, {len(passages)} passages")
    if prof:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(20)
        out["profile"] = buf.getvalue()
    out.update(index_s=index_s, index_cpu_s=index_cpu, index_rss_increase_mib=mem.increase,
               index_rss_peak_mib=mem.peak)
    worker_total = sum(cpu.values())
    reuse_cpu = cpu["units"] + cpu["records"]
    out["e2e_s"] = prep_s + index_s
    out["reuse_s"] = prep_s * reuse_cpu / max(1e-9, worker_total) + index_s
    # from CPU seconds, as if the 2 workers had 2 cores to themselves and split the work evenly
    out["e2e_cpu_est_s"] = worker_total / WORKERS + index_cpu
    out["reuse_cpu_est_s"] = reuse_cpu / WORKERS + index_cpu
    for key in ("e2e", "reuse", "e2e_cpu_est", "reuse_cpu_est"):
        out[f"{key}_aps"] = n / out[f"{key}_s"]

    t0 = time.perf_counter()
    truth = Truth(plan, tags)
    out["collisions"] = collision_check(index, truth)
    scores = score_passages(truth, passages)
    pair_set = scores.pop("pair_set")
    out["marsad"] = {k: v for k, v in scores.items() if k != "plants"}
    out["marsad"]["recall"] = summarize_recall(plan, scores["plants"])
    accepted = [p for p in plan.plants if p.accepted]
    out["marsad"]["pair_recall"] = pair_recall(truth, pair_set, accepted)
    out["plants"] = {
        "main": sum(p.group == "main" for p in plan.plants),
        "accepted": len(accepted),
        "short": sum(p.group == "short" for p in plan.plants),
        "high_edit": sum(p.group == "high_edit" for p in plan.plants),
        "lineages": len(plan.lineages),
        "articles_receiving": len(plan.inserts),
    }
    out["score_s"] = time.perf_counter() - t0
    log(f"{n}: scored in {out['score_s']:.1f}s")
    out["incremental"] = incremental(index, plan, lex, which)
    log(f"{n}: incremental done")
    out["maxrss_marsad_mib"] = maxrss_mib(resource.RUSAGE_SELF)  # everything so far, before the baseline
    del index, passages
    out["baseline"] = baseline(records, truth, target_recall if target_recall is not None
                               else out["marsad"]["pair_recall"], threshold)
    log(f"{n}: baseline done")
    out["maxrss_main_mib"] = maxrss_mib(resource.RUSAGE_SELF)
    out["maxrss_worker_mib"] = maxrss_mib(resource.RUSAGE_CHILDREN)
    out["ground_truth_sample"] = [
        {k: v for k, v in asdict(p).items() if k != "sentences"} for p in plan.plants[:5]
    ]
    return out


def run_size(n: int, seed: int, threshold: float | None, target_recall: float | None, profile: bool,
             which: str) -> dict[str, Any]:
    """One size in a fresh interpreter, so peak memory belongs to that size alone."""
    cmd = [sys.executable, __file__, "--one", str(n), "--seed", str(seed), "--pipeline", which]
    if threshold is not None:
        cmd += ["--threshold", str(threshold)]
    if target_recall is not None:
        cmd += ["--target-recall", str(target_recall)]
    if profile:
        cmd.append("--profile")
    result = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report


def _f(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def print_report(results: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=250)
    base = results[0]

    t = Table(title="Corpus and collision check (unrelated = not in one planted lineage)")
    for c in ("size", "chars/art", "plants main", "accepted", "short", "high-edit", "lineages", "5-gram positions",
              "grams > max_df", "unrelated gram collisions", "unrelated pairs >=1", ">=2 (candidates)",
              "max shared"):
        t.add_column(c, justify="right")
    for r in results:
        p, c = r["plants"], r["collisions"]
        t.add_row(str(r["size"]), f"{r['chars_per_article']:.0f}", str(p["main"]), str(p["accepted"]),
                  str(p["short"]), str(p["high_edit"]), str(p["lineages"]), f"{c['gram_positions']:,}",
                  str(c["grams_over_max_df"]), str(c["unrelated_gram_collisions"]),
                  str(c["unrelated_pairs_sharing_1"]), str(c["unrelated_pairs_sharing_2plus"]),
                  str(c["unrelated_max_shared"]))
    console.print(t)

    t = Table(title="marsad accuracy (targets: precision >= 0.98, recall >= 0.95 on the acceptance set)")
    for c in ("size", "passages", "passage P", "pairs", "pair P", "R accept (union)", "R accept (strict)",
              "pair R accept", "mean coverage", "earlier ok", "verbatim/near_copy"):
        t.add_column(c, justify="right")
    for r in results:
        m = r["marsad"]
        acc = m["recall"]["acceptance"]
        t.add_row(str(r["size"]), str(m["passages"]), _f(m["passage_precision"], 4), str(m["pairs"]),
                  _f(m["pair_precision"], 4), _f(acc["recall"], 4), _f(acc["recall_strict"], 4),
                  _f(m["pair_recall"], 4), _f(acc["coverage"]), _f(acc["earlier_ok"]),
                  f"{m['kinds']['verbatim']}/{m['kinds']['near_copy']}")
    console.print(t)

    t = Table(title=f"marsad recall by plant type ({base['size']} articles; union / strict; mean coverage)")
    t.add_column("type")
    for r in results:
        t.add_column(f"{r['size']}: n", justify="right")
        t.add_column("union", justify="right")
        t.add_column("strict", justify="right")
        t.add_column("cov", justify="right")
    for label in base["marsad"]["recall"]["by"]:
        cells = [label]
        for r in results:
            g = r["marsad"]["recall"]["by"].get(label)
            cells += ([str(g["n"]), _f(g["recall"]), _f(g["recall_strict"]), _f(g["coverage"], 2)] if g
                      else ["-"] * 4)
        t.add_row(*cells)
    console.print(t)

    t = Table(title="Throughput, 2 worker processes + main (targets: >= 500 art/s at 100k, < 4 GB, near-linear); "
                    "wall = measured, cpu = from CPU seconds (no other load)")
    for c in ("size", "prep wall s", "add_many wall s", "add_many cpu s", "e2e art/s wall", "e2e art/s cpu",
              "reuse art/s wall", "reuse art/s cpu", "add_many art/s", "load avg", "marsad maxrss MiB",
              "worker maxrss MiB", "records MiB", "add_many +MiB", "growth e2e", "growth reuse", "growth add_many"):
        t.add_column(c, justify="right")
    per = {r["size"]: (r["e2e_cpu_est_s"] / r["size"], r["reuse_cpu_est_s"] / r["size"], r["index_cpu_s"] / r["size"])
           for r in results}
    ref = per[base["size"]]
    for r in results:
        g = per[r["size"]]
        t.add_row(str(r["size"]), f"{r['prep_s']:.1f}", f"{r['index_s']:.1f}", f"{r['index_cpu_s']:.1f}",
                  f"{r['e2e_aps']:.0f}", f"{r['e2e_cpu_est_aps']:.0f}", f"{r['reuse_aps']:.0f}",
                  f"{r['reuse_cpu_est_aps']:.0f}", f"{r['size'] / r['index_s']:.0f}",
                  "{:.1f}-{:.1f}".format(*r["load_during_prep"]), f"{r['maxrss_marsad_mib']:.0f}",
                  f"{r['maxrss_worker_mib']:.0f}", f"{r['rss_records_mib']:.0f}", f"{r['index_rss_increase_mib']:.0f}",
                  f"{g[0] / ref[0]:.2f}", f"{g[1] / ref[1]:.2f}", f"{g[2] / ref[2]:.2f}")
    console.print(t)

    t = Table(title="Where the CPU goes: ms per article (worker CPU; add_many in the main process)")
    stages = list(base["worker_cpu_s"])
    for c in ("size", *stages, "add_many", "total", "render (untimed, wall)"):
        t.add_column(c, justify="right")
    for r in results:
        n = r["size"]
        cells = [f"{1000 * r['worker_cpu_s'].get(k, 0.0) / n:.3f}" for k in stages]
        total = sum(r["worker_cpu_s"].values()) + r["index_cpu_s"]
        t.add_row(str(n), *cells, f"{1000 * r['index_cpu_s'] / n:.3f}", f"{1000 * total / n:.3f}",
                  f"{1000 * r['render_s'] / n:.3f}")
    console.print(t)

    tuning = base["baseline"]["tuning"]
    if tuning:
        t = Table(title=f"MinHashLSH threshold tuning ({base['size']} articles, doc pairs, acceptance set; "
                        f"marsad pair recall {base['marsad']['pair_recall']:.4f})")
        for c in ("threshold", "pairs", "precision", "recall", "seconds"):
            t.add_column(c, justify="right")
        for row in tuning:
            t.add_row(str(row["threshold"]), str(row["pairs"]), _f(row["precision"], 4), _f(row["recall"], 4),
                      f"{row['seconds']:.1f}")
        console.print(t)

    t = Table(title="marsad vs MinHashLSH (doc pairs, acceptance set; from records, main process, wall)")
    for c in ("size", "threshold", "marsad pair P", "marsad pair R", "minhash P", "minhash R", "add_many s",
              "minhash s", "marsad/minhash time", "minhash art/s", "minhash e2e art/s", "minhash +MiB",
              "add_many +MiB", "main maxrss MiB"):
        t.add_column(c, justify="right")
    for r in results:
        b, m = r["baseline"], r["marsad"]
        e2e_b = r["size"] / (r["prep_s"] + b["seconds"])
        t.add_row(str(r["size"]), str(b["threshold"]), _f(m["pair_precision"], 4), _f(m["pair_recall"], 4),
                  _f(b["precision"], 4), _f(b["recall"], 4), f"{r['index_s']:.1f}", f"{b['seconds']:.1f}",
                  f"{r['index_s'] / b['seconds']:.2f}", f"{r['size'] / b['seconds']:.0f}", f"{e2e_b:.0f}",
                  f"{b['rss_increase_mib']:.0f}", f"{r['index_rss_increase_mib']:.0f}", f"{r['maxrss_main_mib']:.0f}")
    console.print(t)

    t = Table(title=f"Incremental ReuseIndex.add(unit) after the batch (target: < 50 ms at 100k), "
                    f"{INCREMENTAL} new articles")
    for c in ("indexed", "p50 ms", "p95 ms", "max ms", "mean ms", "copies planted", "passages found",
              "segments after"):
        t.add_column(c, justify="right")
    for r in results:
        x = r["incremental"]
        t.add_row(str(r["size"]), f"{x['p50_ms']:.1f}", f"{x['p95_ms']:.1f}", f"{x['max_ms']:.1f}",
                  f"{x['mean_ms']:.1f}", str(x["copies"]), str(x["passages"]), str(x["segments"]))
    console.print(t)
    for r in results:
        if r["marsad"]["false_examples"]:
            console.print(f"false passages at {r['size']} (first 5):", r["marsad"]["false_examples"])
        if "profile" in r:
            console.print(f"add_many profile at {r['size']}:\n{r['profile']}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="1k and 3k articles only (smoke test)")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--profile", action="store_true", help="cProfile add_many and print the top functions")
    ap.add_argument("--pipeline", choices=["reuse", "full"], default="reuse",
                    help="reuse: the default_pipeline() stages units need (clean, segment, language, pubdate); "
                         "full: default_pipeline() as it is now")
    ap.add_argument("--report", metavar="JSON", help="print the tables of a saved --json run and exit")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--threshold", type=float, help="MinHashLSH threshold (default: tuned on the first size)")
    ap.add_argument("--target-recall", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.report:
        print_report(json.loads(Path(args.report).read_text(encoding="utf-8")))
        return
    if args.one:
        print(json.dumps(run_one(args.one, args.seed, args.threshold, args.target_recall, args.profile,
                                 args.pipeline)))
        return
    sizes = [1000, 3000] if args.quick else [int(s) for s in args.sizes.split(",")]
    results: list[dict[str, Any]] = []
    threshold, target = args.threshold, None
    for n in sizes:
        log(f"size {n}")
        results.append(run_size(n, args.seed, threshold, target, args.profile, args.pipeline))
        threshold = results[0]["baseline"]["threshold"]
        target = results[0]["marsad"]["pair_recall"]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        print_report(results)


if __name__ == "__main__":
    main()
