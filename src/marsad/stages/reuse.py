"""Text reuse: which passages outlets share — verbatim, edited copies, or another translation.

passim-style, in three steps:
1. **Candidates** from an index of word 5-grams (matching forms, boilerplate excluded). An n-gram printed by
   more than ``max_df`` units is a formula, not evidence, and is ignored. Two units sharing ``min_shared``
   n-grams are a candidate pair. The index is a list of sorted numpy segments (merged like an LSM tree), so one
   new article is matched against 100k in milliseconds and the index can be saved and reloaded.
2. **Alignment** of each candidate pair: the shared n-grams are chained along diagonals (gaps and drift allowed,
   so small edits and inserted attributions do not break a passage), each chain is extended over exactly
   matching words at both ends, and reported as a pair of raw spans on word edges.
3. **Kind**: ``verbatim`` (same words), ``near_copy`` (an edited copy covering most of a sentence), or
   ``paraphrase`` — a short common phrase inside sentences that otherwise differ is another translation when
   the sentences' vectors agree (``marsad.vectors``), and is dropped otherwise. ``find_paraphrases`` adds
   sentence pairs with no common phrase at all, searched only inside a story.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz.distance import Indel

from ..doc import Span
from ..options import ReuseOptions
from ..sinks import FileSink, appended_parts, folder_sink
from ..units import Unit

# odd multipliers for combining token hashes into an n-gram hash (order matters)
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                         0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
                        dtype=np.uint64)


class _TokenHashes(dict[str, int]):
    """token -> token_hash(token), filled on first use (bounded); ``record_of`` maps tokens through it in C."""

    def __missing__(self, token: str) -> int:
        h = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little") >> 1
        if len(self) < 2_000_000:
            self[token] = h
        return h


_token_hashes = _TokenHashes()


def token_hash(token: str) -> int:
    """A stable 63-bit hash of a token (Python's ``hash`` changes between runs)."""
    return _token_hashes[token]


@dataclass(slots=True)
class UnitRecord:
    """What the index keeps of a unit: enough to align it again without its text."""

    id: str
    article: str
    outlet: str | None
    published: str | None
    hashes: np.ndarray  # token hashes, uint64
    starts: np.ndarray  # raw start of each token, int64
    ends: np.ndarray
    sentences: np.ndarray  # first token index of each sentence, int64, ascending
    blocks: np.ndarray  # text block of each token: passages never cross removed text between blocks
    grams: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))  # unique n-gram hashes, sorted
    gram_pos: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # first position of each


@dataclass(frozen=True, slots=True)
class ReusePassage:
    a: str  # unit ids
    b: str
    a_article: str
    b_article: str
    a_span: Span
    b_span: Span
    kind: str
    score: float
    earlier: str | None  # "a" | "b" | None
    words: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": {"article": self.a_article, "start": self.a_span.start, "end": self.a_span.end, "unit": self.a},
            "b": {"article": self.b_article, "start": self.b_span.start, "end": self.b_span.end, "unit": self.b},
            "kind": self.kind,
            "score": round(self.score, 3),
            "earlier": self.earlier,
            "words": self.words,
        }


def ngram_hashes(hashes: np.ndarray, n: int) -> np.ndarray:
    """Hash of every window of ``n`` token hashes (uint64, wrapping arithmetic)."""
    if len(hashes) < n:
        return np.zeros(0, np.uint64)
    with np.errstate(over="ignore"):
        out = hashes[: len(hashes) - n + 1] * _MULTIPLIERS[0]
        for k in range(1, n):
            out = out + hashes[k: len(hashes) - n + 1 + k] * _MULTIPLIERS[k]
        out ^= out >> np.uint64(29)
    return out


def record_of(unit: Unit, options: ReuseOptions) -> UnitRecord:
    hashes = np.fromiter(map(_token_hashes.__getitem__, unit.tokens), np.uint64, len(unit.tokens))
    starts = np.array(unit.starts, np.int64)
    ends = np.array(unit.ends, np.int64)
    blocks = np.array(unit.blocks, np.int64) if len(unit.blocks) == len(hashes) else np.zeros(len(hashes), np.int64)
    sent_starts = np.searchsorted(starts, np.array([s.start for s in unit.sentences], np.int64))
    sentences = np.unique(np.concatenate([[0], sent_starts])).astype(np.int64) if len(hashes) else np.zeros(0, np.int64)
    record = UnitRecord(unit.id, unit.article, unit.outlet, unit.published, hashes, starts, ends, sentences, blocks)
    record.grams, record.gram_pos = unit_grams(hashes, blocks, options.n)
    return record


def unit_grams(hashes: np.ndarray, blocks: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique n-gram hashes of a unit and the first position of each; n-grams across blocks left out."""
    grams = ngram_hashes(hashes, n)
    if not len(grams):
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    positions = np.flatnonzero(blocks[: len(grams)] == blocks[n - 1:])
    values, first = np.unique(grams[positions], return_index=True)
    return values, positions[first].astype(np.int64)


# ---------------------------------------------------------------- alignment


def _chains(seeds_a: np.ndarray, seeds_b: np.ndarray, options: ReuseOptions,
            blocks_a: Sequence[int] | np.ndarray | None = None,
            blocks_b: Sequence[int] | np.ndarray | None = None) -> list[list[tuple[int, int]]]:
    """Group seed positions (a, b) into chains running along a diagonal, allowing gaps and drift; a chain
    never continues into another text block (removed text lies between)."""
    order = np.lexsort((seeds_b, seeds_a))
    reach = options.max_gap + options.n
    max_drift = options.max_drift
    chains: list[list[tuple[int, int]]] = []
    open_chains: list[list[tuple[int, int]]] = []
    for a, b in zip(seeds_a[order].tolist(), seeds_b[order].tolist(), strict=True):
        best = None
        best_cost = 0
        for chain in open_chains:
            la, lb = chain[-1]
            da, db = a - la, b - lb
            if 0 < da <= reach and 0 < db <= reach and abs(da - db) <= max_drift and (
                    blocks_a is None or blocks_b is None
                    or (blocks_a[a] == blocks_a[la] and blocks_b[b] == blocks_b[lb])):
                cost = abs(da - db) + da
                if best is None or cost < best_cost:
                    best, best_cost = chain, cost
        if best is None:
            best = []
            chains.append(best)
            open_chains.append(best)  # the newest chain: open_chains stays in creation order
        best.append((a, b))
        # chains that can no longer be extended (their last seed is far behind) are closed; seeds come in
        # ascending ``a``, so a closed chain never opens again
        open_chains = [c for c in open_chains if a - c[-1][0] <= reach]
    return chains


_EDIT_STEPS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))


def _extend(ha: list[int], hb: list[int], a0: int, a1: int, b0: int, b1: int,
            max_edits: int = 3, confirm: int = 2, blocks_a: list[int] | None = None,
            blocks_b: list[int] | None = None) -> tuple[int, int, int, int]:
    """Grow the token ranges [a0, a1) / [b0, b1) over matching words at both ends, stepping over up to
    ``max_edits`` small edits (a changed, added or dropped word) when ``confirm`` matching words follow; never
    into another text block."""
    if blocks_a is not None and blocks_b is not None:
        # work inside the blocks the ranges start in
        # (blocks never decrease along a unit: a block's tokens are one run, found by bisection)
        ba, bb = blocks_a[a0], blocks_b[b0]
        lo_a, hi_a = bisect_left(blocks_a, ba), bisect_right(blocks_a, ba)
        lo_b, hi_b = bisect_left(blocks_b, bb), bisect_right(blocks_b, bb)
        x0, x1, y0, y1 = _extend(ha[lo_a:hi_a], hb[lo_b:hi_b], a0 - lo_a, a1 - lo_a, b0 - lo_b, b1 - lo_b,
                                 max_edits, confirm)
        return x0 + lo_a, x1 + lo_a, y0 + lo_b, y1 + lo_b
    na, nb = len(ha), len(hb)

    def matches(i: int, j: int, step: int) -> bool:
        for k in range(confirm):
            x, y = i + step * k, j + step * k
            if not (0 <= x < na and 0 <= y < nb) or ha[x] != hb[y]:
                return False
        return True

    edits = 0
    while True:  # to the right
        if a1 < na and b1 < nb and ha[a1] == hb[b1]:
            a1, b1 = a1 + 1, b1 + 1
            continue
        if edits >= max_edits:
            break
        for da, db in _EDIT_STEPS:
            if matches(a1 + da, b1 + db, 1):
                a1, b1, edits = a1 + da, b1 + db, edits + 1
                break
        else:
            break
    edits = 0
    while True:  # to the left
        if a0 > 0 and b0 > 0 and ha[a0 - 1] == hb[b0 - 1]:
            a0, b0 = a0 - 1, b0 - 1
            continue
        if edits >= max_edits:
            break
        for da, db in _EDIT_STEPS:
            if matches(a0 - 1 - da, b0 - 1 - db, -1):
                a0, b0, edits = a0 - da, b0 - db, edits + 1
                break
        else:
            break
    return a0, a1, b0, b1


def _sentence_range(rec: UnitRecord, i0: int, i1: int, sentences: list[int] | None = None) -> tuple[int, int]:
    """Token range of the sentences that contain tokens [i0, i1) (``sentences``: ``rec.sentences`` as a list)."""
    s = rec.sentences.tolist() if sentences is None else sentences
    lo = s[bisect_right(s, i0) - 1] if s else 0
    k = bisect_right(s, i1 - 1)
    hi = s[k] if k < len(s) else len(rec.hashes)
    return lo, hi


def _common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices (ia, ib) of the values two sorted unique arrays share, ascending: ``np.intersect1d(a, b,
    assume_unique=True, return_indices=True)[1:]`` by bisection, without sorting the two together."""
    if not len(a) or not len(b):
        empty = np.zeros(0, np.intp)
        return empty, empty
    pos = np.searchsorted(b, a)
    hit = b[np.minimum(pos, len(b) - 1)] == a
    return np.flatnonzero(hit), pos[hit]


@dataclass(slots=True)
class _Lists:
    """A record's arrays as Python lists, for the alignment loops (made once per added unit, not per pair)."""

    hashes: list[int]
    blocks: list[int]
    sentences: list[int]

    @classmethod
    def of(cls, rec: UnitRecord) -> _Lists:
        return cls(rec.hashes.tolist(), rec.blocks.tolist(), rec.sentences.tolist())


def _earlier(a: UnitRecord | Unit, b: UnitRecord | Unit) -> str | None:
    """Which side was published first ("a"/"b"), or None on the same or an unknown day."""
    if a.published and b.published and a.published != b.published:
        return "a" if a.published < b.published else "b"
    return None


SimilarityFn = Callable[[Span, UnitRecord, Span, UnitRecord], float]


def align(a: UnitRecord, b: UnitRecord, options: ReuseOptions,
          sentence_similarity: SimilarityFn | None = None, a_lists: _Lists | None = None) -> list[ReusePassage]:
    """Aligned passages of two units sharing n-grams. ``sentence_similarity`` (vector cosine of two raw spans)
    decides whether a short common phrase in otherwise different sentences is a paraphrase. ``a_lists``: ``a``'s
    arrays as lists, when it is aligned with many units."""
    ia, ib = _common(a.grams, b.grams)
    if len(ia) < options.min_shared:
        return []
    passages: list[ReusePassage] = []
    seen: set[tuple[int, int, int, int]] = set()
    n = options.n
    al = a_lists if a_lists is not None else _Lists.of(a)
    bl = _Lists.of(b)
    ha, hb = al.hashes, bl.hashes
    la, lb = al.blocks, bl.blocks
    for chain in _chains(a.gram_pos[ia], b.gram_pos[ib], options, la, lb):
        if len(chain) < options.min_shared:
            continue
        a0, b0 = chain[0]
        a1, b1 = chain[-1][0] + n, chain[-1][1] + n
        a0, a1, b0, b1 = _extend(ha, hb, a0, a1, b0, b1, blocks_a=la, blocks_b=lb)
        if min(a1 - a0, b1 - b0) < options.min_tokens or (a0, a1, b0, b1) in seen:
            continue
        seen.add((a0, a1, b0, b1))
        ta, tb = ha[a0:a1], hb[b0:b1]
        similarity = Indel.normalized_similarity(ta, tb)
        sa0, sa1 = _sentence_range(a, a0, a1, al.sentences)
        sb0, sb1 = _sentence_range(b, b0, b1, bl.sentences)
        coverage = max((a1 - a0) / max(1, sa1 - sa0), (b1 - b0) / max(1, sb1 - sb0))
        is_copy = (coverage >= options.copy_coverage or min(a1 - a0, b1 - b0) >= options.long_copy) and (
            similarity >= options.near_copy_similarity
        )
        if is_copy:
            kind = "verbatim" if ta == tb else "near_copy"
            span_a = Span(int(a.starts[a0]), int(a.ends[a1 - 1]))
            span_b = Span(int(b.starts[b0]), int(b.ends[b1 - 1]))
            score = similarity
        else:
            # a common phrase inside different sentences: another translation, or a coincidence
            span_a = Span(int(a.starts[sa0]), int(a.ends[sa1 - 1]))
            span_b = Span(int(b.starts[sb0]), int(b.ends[sb1 - 1]))
            if sentence_similarity is None:
                continue
            score = sentence_similarity(span_a, a, span_b, b)
            if score < options.paraphrase_cosine:
                continue
            kind = "paraphrase"
        passages.append(ReusePassage(a.id, b.id, a.article, b.article, span_a, span_b, kind, float(score),
                                     _earlier(a, b), int(min(a1 - a0, b1 - b0))))
    return _merge_overlapping(passages)


def _merge_overlapping(passages: list[ReusePassage]) -> list[ReusePassage]:
    """Keep one passage where several cover the same text on both sides (the longest)."""
    kept: list[ReusePassage] = []
    for p in sorted(passages, key=lambda p: -(len(p.a_span) + len(p.b_span))):
        if any(p.a_span.overlaps(q.a_span) and p.b_span.overlaps(q.b_span) for q in kept):
            continue
        kept.append(p)
    return sorted(kept, key=lambda p: (p.a_span.start, p.b_span.start))


# ---------------------------------------------------------------- the index


class ReuseIndex:
    """An n-gram index of units that finds, for each added unit, its reuse passages with earlier ones."""

    def __init__(self, options: ReuseOptions | None = None) -> None:
        self.options = options or ReuseOptions()
        self.records: list[UnitRecord] = []
        self.by_id: dict[str, int] = {}
        # sorted segments of (gram hash, record index); small new segments are merged into larger ones
        self._segments: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return len(self.records)

    # -- building
    def _append(self, record: UnitRecord) -> int:
        if record.id in self.by_id:
            raise ValueError(f"unit {record.id} is already indexed")
        idx = len(self.records)
        self.records.append(record)
        self.by_id[record.id] = idx
        return idx

    def _push_segment(self, grams: np.ndarray, owners: np.ndarray) -> None:
        order = np.argsort(grams, kind="stable")
        self._segments.append((grams[order], owners[order]))
        while len(self._segments) > 1 and len(self._segments[-2][0]) <= 2 * len(self._segments[-1][0]):
            g2, o2 = self._segments.pop()
            g1, o1 = self._segments.pop()
            grams = np.concatenate([g1, g2])
            owners = np.concatenate([o1, o2])
            order = np.argsort(grams, kind="stable")
            self._segments.append((grams[order], owners[order]))

    def _candidates(self, record: UnitRecord, exclude_article: str) -> list[int]:
        """Indexed units sharing at least ``min_shared`` informative n-grams with ``record``."""
        if not len(record.grams) or not self._segments:
            return []
        owners_all: list[np.ndarray] = []
        df = np.zeros(len(record.grams), np.int64)
        spans = []
        for grams, owners in self._segments:
            lo = np.searchsorted(grams, record.grams, side="left")
            hi = np.searchsorted(grams, record.grams, side="right")
            df += hi - lo
            spans.append((owners, lo, hi))
        keep = (df > 0) & (df < self.options.max_df)
        for owners, lo, hi in spans:
            lo, hi = lo[keep], hi[keep]
            sizes = hi - lo
            total = int(sizes.sum())
            if total:  # the owners of every kept gram's range [lo, hi), gathered in one indexing
                ends = np.cumsum(sizes)
                owners_all.append(owners[np.repeat(lo - ends + sizes, sizes) + np.arange(total)])
        if not owners_all:
            return []
        found, counts = np.unique(np.concatenate(owners_all), return_counts=True)
        out = []
        for idx, count in zip(found.tolist(), counts.tolist(), strict=True):
            if count >= self.options.min_shared and self.records[idx].article != exclude_article:
                out.append(idx)
        return out

    def add(self, unit: Unit | UnitRecord, sentence_similarity: SimilarityFn | None = None) -> list[ReusePassage]:
        """Index one unit; return its passages shared with units indexed before (``a`` is the new unit)."""
        record = unit if isinstance(unit, UnitRecord) else record_of(unit, self.options)
        passages: list[ReusePassage] = []
        candidates = self._candidates(record, record.article)
        lists = _Lists.of(record) if candidates else None
        for idx in candidates:
            passages.extend(align(record, self.records[idx], self.options, sentence_similarity, lists))
        own = self._append(record)
        if len(record.grams):
            self._push_segment(record.grams, np.full(len(record.grams), own, np.int64))
        return passages

    def add_many(self, units: Sequence[Unit | UnitRecord],
                 sentence_similarity: SimilarityFn | None = None) -> list[ReusePassage]:
        """Index many units at once: one grouping pass over all n-grams instead of a lookup per unit.

        Gives the same passages as adding the units one by one (pairs among the new units and with the old).
        """
        records = [u if isinstance(u, UnitRecord) else record_of(u, self.options) for u in units]
        if not records:
            return []
        first = len(self.records)
        for record in records:
            self._append(record)
        if records:
            grams = np.concatenate([*(r.grams for r in records), *(g for g, _ in self._segments)])
        else:
            grams = np.zeros(0, np.uint64)
        # one stable sort serves the pair search and becomes the single new segment; the owners are built after
        # the n-grams are gathered, as int32 while in transit, so fewer large arrays are alive at once
        order = np.argsort(grams, kind="stable")
        grams = grams[order]
        if records:
            transit = np.int32 if len(self.records) < 2**31 else np.int64
            lengths = np.array([len(r.grams) for r in records], np.int64)
            owners = np.concatenate([np.repeat(np.arange(first, first + len(records), dtype=transit), lengths),
                                     *(o.astype(transit) for _, o in self._segments)])
            owners = owners[order]
            del order
            owners = owners.astype(np.int64)
        else:
            owners = np.zeros(0, np.int64)
        self._segments = [(grams, owners)] if len(grams) else []
        pairs = self._pairs(grams, owners, first, presorted=True)
        passages: list[ReusePassage] = []
        for i, j in pairs:
            # the later-indexed unit is "a", as with add()
            a, b = (self.records[j], self.records[i]) if j >= first else (self.records[i], self.records[j])
            if a.article != b.article:
                passages.extend(align(a, b, self.options, sentence_similarity))
        return passages

    def _pairs(self, grams: np.ndarray, owners: np.ndarray, first_new: int,
               presorted: bool = False) -> list[tuple[int, int]]:
        """Unit pairs (i < j, j new) sharing >= min_shared n-grams printed by at most max_df units."""
        if not len(grams):
            return []
        if presorted:
            g, o = grams, owners
        else:
            order = np.argsort(grams, kind="stable")
            g, o = grams[order], owners[order]
        # n-grams printed by two or more units: runs of consecutive positions in ``dup`` (g[i] == g[i + 1]);
        # only these are materialized, never an array per distinct n-gram
        dup = np.flatnonzero(g[1:] == g[:-1])
        if not len(dup):
            return []
        run_first = np.flatnonzero(np.concatenate([[True], np.diff(dup) != 1]))
        starts = dup[run_first]
        sizes = np.diff(np.concatenate([run_first, [len(dup)]])) + 1
        ok = sizes <= self.options.max_df
        keys: list[np.ndarray] = []
        n_units = np.int64(len(self.records))
        two = starts[ok & (sizes == 2)]
        if len(two):
            x, y = o[two], o[two + 1]
            keys.append(np.minimum(x, y) * n_units + np.maximum(x, y))
        big = ok & (sizes > 2)
        for size in np.unique(sizes[big]).tolist():
            # all groups of one size at once, in batches of about a million pairs
            at = starts[big & (sizes == size)]
            i, j = np.triu_indices(size, k=1)
            step = max(1, 1_000_000 // len(i))
            for k in range(0, len(at), step):
                members = o[at[k:k + step, None] + np.arange(size)]
                x, y = members[:, i].ravel(), members[:, j].ravel()
                keys.append(np.minimum(x, y) * n_units + np.maximum(x, y))
        if not keys:
            return []
        uniq, counts = np.unique(np.concatenate(keys), return_counts=True)
        uniq = uniq[counts >= self.options.min_shared]
        pairs = [(int(k // n_units), int(k % n_units)) for k in uniq.tolist()]
        return [(i, j) for i, j in pairs if j >= first_new and i != j]

    # -- persistence
    def save(self, folder: str | Path, kept: Collection[str] = ()) -> list[str]:
        """Write the index to ``folder`` (numpy arrays + JSON, see ``write``); ``ReuseIndex.load`` reads it
        back. Returns the names of the files that make up the index."""
        return self.write(folder_sink(folder), kept)

    def write(self, sink: FileSink, kept: Collection[str] = ()) -> list[str]:
        """Hand ``sink`` the index's files; returns the names of the files that make up the index.

        Units are only ever appended, so the index is saved in parts of consecutive units: the parts named in
        ``kept`` (files an earlier save wrote, still stored elsewhere, e.g. in a database) are not written again,
        only a part for the units after them. At 100k articles the whole index is ~350 MB, and writing it at the
        end of every run was a large share of the run. Past ``MAX_SAVED_PARTS`` parts everything is written
        again as one part."""
        parts = appended_parts(_part_ranges(kept), len(self.records), MAX_SAVED_PARTS,
                               lambda first, end: self._write_part(sink, first, end))
        return [name for a, b in parts for name in _part_names(a, b)]

    def _write_part(self, sink: FileSink, first: int, end: int) -> None:
        records = self.records[first:end]
        meta = {
            "options": asdict(self.options),
            "units": [{"id": r.id, "article": r.article, "outlet": r.outlet, "published": r.published}
                      for r in records],
        }
        arrays: dict[str, np.ndarray] = {}
        for name in _ARRAYS:
            parts = [getattr(r, name) for r in records]
            array = np.concatenate(parts) if parts else np.zeros(0, np.int64)
            arrays[name] = array if name == "hashes" else _narrowed(array)
            arrays[name + "_len"] = _narrowed(np.array([len(p) for p in parts], np.int64))
        npz_name, json_name = _part_names(first, end)
        npz = io.BytesIO()
        np.savez(npz, **arrays)
        sink(npz_name, npz.getvalue())
        sink(json_name, json.dumps(meta, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def load(cls, folder: str | Path) -> ReuseIndex:
        folder = Path(folder)
        ranges = sorted(_part_ranges(f.name for f in folder.iterdir()))
        if ranges:
            expected = [r[1] for r in ranges[:-1]]
            if [r[0] for r in ranges] != [0, *expected]:
                raise ValueError(f"{folder}: the saved reuse index parts {ranges} do not follow each other")
            pieces = [_part_names(a, b) for a, b in ranges]
        else:  # a snapshot written before the index was saved in parts
            pieces = [("reuse_index.npz", "reuse_index.json")]
        metas, datas = [], []
        for npz_name, json_name in pieces:
            metas.append(json.loads((folder / json_name).read_text(encoding="utf-8")))
            with np.load(folder / npz_name) as npz:
                # read each array once: indexing an NpzFile decompresses the member again on every access, which
                # made loading quadratic in the number of units (minutes at 50k articles)
                datas.append({name: npz[name] for name in npz.files})
        index = cls(ReuseOptions(**metas[0]["options"]))
        units = [u for meta in metas for u in meta["units"]]
        data = {name: np.concatenate([d[name] for d in datas]) for name in datas[0]}
        # each array converted once and cut into one view per unit (slicing and converting per unit and array
        # was a third of loading a 100k-article index)
        per_unit = {name: np.split(data[name].astype(np.uint64 if name == "hashes" else np.int64, copy=False),
                                   np.cumsum(data[name + "_len"])[:-1]) for name in _ARRAYS}
        records = []
        for k, u in enumerate(units):
            record = UnitRecord(u["id"], u["article"], u["outlet"], u["published"], per_unit["hashes"][k],
                                per_unit["starts"][k], per_unit["ends"][k], per_unit["sentences"][k],
                                per_unit["blocks"][k])
            record.grams, record.gram_pos = unit_grams(record.hashes, record.blocks, index.options.n)
            records.append(record)
        for record in records:
            index._append(record)
        grams = [r.grams for r in records]
        if grams and sum(len(g) for g in grams):
            index._push_segment(np.concatenate(grams),
                                np.concatenate([np.full(len(g), i, np.int64) for i, g in enumerate(grams)]))
        return index


# a saved index in more parts than this is written again as one (loading many small parts is slower)
MAX_SAVED_PARTS = 16
_ARRAYS = ("hashes", "starts", "ends", "sentences", "blocks")
_PART = re.compile(r"reuse_index\.(\d+)-(\d+)\.npz")


def _narrowed(array: np.ndarray) -> np.ndarray:
    """Offsets and counts saved as 32-bit integers when they fit (``load`` widens them again): the saved index
    is written in every snapshot's new part, and its offsets were two fifths of it."""
    fits = not array.size or (int(array.min()) >= -2**31 and int(array.max()) < 2**31)
    return array.astype(np.int32) if fits else array


def _part_names(first: int, end: int) -> tuple[str, str]:
    """The files of the saved part holding units ``first``..``end - 1``."""
    return f"reuse_index.{first:09d}-{end:09d}.npz", f"reuse_index.{first:09d}-{end:09d}.json"


def _part_ranges(names: Iterable[str]) -> set[tuple[int, int]]:
    return {(int(m[1]), int(m[2])) for name in names if (m := _PART.fullmatch(name))}


def passages_between(units: Iterable[Unit], options: ReuseOptions | None = None,
                     sentence_similarity: SimilarityFn | None = None) -> list[ReusePassage]:
    """All reuse passages among ``units`` (a batch), found with one index."""
    index = ReuseIndex(options)
    return index.add_many(list(units), sentence_similarity)


@lru_cache(maxsize=1)
def _stopword_forms() -> frozenset[str]:
    from ..resources.stopwords import STOPWORD_LIST
    from ..units import match_form
    from .normalize import normalize

    return frozenset(match_form(normalize(w)) for w in STOPWORD_LIST)


def content_terms(tokens: Sequence[str]) -> set[str]:
    """The words of a token list that can tell two statements apart (no function words, no short ones)."""
    stop = _stopword_forms()
    return {t for t in tokens if len(t) >= 3 and t not in stop}


def find_paraphrases(units: Sequence[Unit], texts: Mapping[str, str], encoder: Any,
                     known: Sequence[ReusePassage] = (), options: ReuseOptions | None = None,
                     focus: str | None = None) -> list[ReusePassage]:
    """Sentence pairs that say the same thing in other words (another translation), between units of
    different articles — meant for the units of one story, so the search is never all-pairs over a corpus.

    A pair needs a vector cosine of at least ``story_paraphrase_cosine`` and ``story_paraphrase_terms`` common
    content words (names and numbers survive rewording), each sentence keeps its best partner only, and
    consecutive matching sentences merge into one passage. Text already covered by a ``known`` passage between
    the same two units is skipped. ``focus``: a unit id; only its pairs with the others are searched (a unit
    joining a story: the pairs among the members were searched when they joined).
    """
    options = options or ReuseOptions()
    sentences: list[tuple[Unit, Span]] = [(u, s) for u in units for s in u.sentences]
    if len(sentences) < 2:
        return []
    vectors = encoder.encode([texts[u.article][s.start:s.end] for u, s in sentences])
    terms = [content_terms(u.tokens[slice(*u.token_range(s))]) for u, s in sentences]
    by_unit: dict[str, list[int]] = {}
    for k, (u, _) in enumerate(sentences):
        by_unit.setdefault(u.id, []).append(k)
    covered: dict[tuple[str, str], list[tuple[Span, Span]]] = {}
    for p in known:
        covered.setdefault((p.a, p.b), []).append((p.a_span, p.b_span))
        covered.setdefault((p.b, p.a), []).append((p.b_span, p.a_span))
    unit_list = [u for u in units if u.id in by_unit]
    out: list[ReusePassage] = []
    for x in range(len(unit_list)):
        for y in range(x + 1, len(unit_list)):
            ua, ub = unit_list[x], unit_list[y]
            if ua.article == ub.article or (focus is not None and focus != ua.id and focus != ub.id):
                continue
            # "a" is the later unit, as in the n-gram index
            if (ua.published or "", ua.id) < (ub.published or "", ub.id):
                ua, ub = ub, ua
            ka, kb = by_unit[ua.id], by_unit[ub.id]
            sims = vectors[ka] @ vectors[kb].T
            done = covered.get((ua.id, ub.id), [])
            matches = []
            for i, j in zip(*np.nonzero(sims >= options.story_paraphrase_cosine), strict=True):
                sa, sb = sentences[ka[i]][1], sentences[kb[j]][1]
                if len(terms[ka[i]] & terms[kb[j]]) < options.story_paraphrase_terms:
                    continue
                if any(sa.overlaps(da) or sb.overlaps(db) for da, db in done):
                    continue
                matches.append((int(i), int(j), float(sims[i, j])))
            # one partner per sentence, best pairs first: a sentence restates one sentence, not every similar one
            used_a: set[int] = set()
            used_b: set[int] = set()
            kept = []
            for i, j, sim in sorted(matches, key=lambda m: -m[2]):
                if i not in used_a and j not in used_b:
                    used_a.add(i)
                    used_b.add(j)
                    kept.append((i, j, sim))
            matches = sorted(kept)
            run: list[tuple[int, int, float]] = []
            for m in [*matches, None]:
                if m is not None and run and m[0] == run[-1][0] + 1 and m[1] == run[-1][1] + 1:
                    run.append(m)
                    continue
                if run:
                    sa = Span(sentences[ka[run[0][0]]][1].start, sentences[ka[run[-1][0]]][1].end)
                    sb = Span(sentences[kb[run[0][1]]][1].start, sentences[kb[run[-1][1]]][1].end)
                    i0, i1 = ua.token_range(sa)
                    j0, j1 = ub.token_range(sb)
                    out.append(ReusePassage(ua.id, ub.id, ua.article, ub.article, sa, sb, "paraphrase",
                                            sum(r[2] for r in run) / len(run), _earlier(ua, ub),
                                            min(i1 - i0, j1 - j0)))
                run = [m] if m is not None else []
    return out
