"""The NER tagger core: tokenization with offsets, CRF features, and the shipped crfsuite model.

Shared by training (``training/ner/train.py``) and inference (``marsad.stages.entities``), so the features a model
was trained with are exactly the ones it sees at run time. Runtime needs only numpy and the files in
``marsad/models/ner/`` (no torch): the crfsuite model files are read and decoded here (``CRFModel``), python-crfsuite
is needed only to train them.
"""

from __future__ import annotations

import json
import re
import struct
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, combinations
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..doc import Article, Mention, Span
from ..options import Options
from ..resources.stopwords import STOPWORD_LIST
from .normalize import normalize

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "ner"
TYPES = ("PERS", "ORG", "LOC", "MISC")

# A word (letters, digits, Arabic marks and tatweel, decimals) or one other non-space character (punctuation).
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u0640\u06d6-\u06ed\u08d3-\u08ff"
TOKEN_RE = re.compile(rf"(?:[^\W_]|[{_MARKS}])+(?:[.,٫][0-9٠-٩]+)*|\S")

# Proclitics, as (normalized prefix, stripped length) candidates; longest first. "لل" is ل + ال with the alef
# dropped, so stripping it leaves the bare noun.
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token spans of ``text`` (words and single punctuation characters)."""
    return [m.span() for m in TOKEN_RE.finditer(text)]


@lru_cache(maxsize=200_000)
def clitic_splits(norm: str) -> tuple[tuple[str, str], ...]:
    """Possible (proclitic, rest) splits of a normalized word, shortest proclitic first, rest ≥ 2 letters."""
    out: list[tuple[str, str]] = []
    for c in ("", *_CONJ):
        if c and not norm.startswith(c):
            continue
        w = norm[len(c):]
        for p in ("", *_PREP):
            if p and not w.startswith(p):
                continue
            rest = w[len(p):]
            pre = c + p
            if p == "ل" and rest.startswith("ل") and len(rest) > 3:  # لل = ل + ال
                out.append((pre + "ل", rest[1:]))
            if pre and len(rest) >= 2:
                out.append((pre, rest))
    out.sort(key=lambda x: len(x[0]))
    return tuple(out)


def strip_al(w: str) -> str:
    return w[2:] if w.startswith("ال") and len(w) > 4 else w


def shape(tok: str) -> str:
    if tok.isdigit():
        return "D"
    c = tok[0]
    if "\u0600" <= c <= "\u06ff":
        return "A"
    if c.isascii() and c.isalpha():
        return "Lu" if c.isupper() else "L"
    if c.isalnum():
        return "X"
    return "P"


class Gazetteer:
    """Normalized word -> tags like ``B-PERS``/``I-LOC`` from name lists (lookups also try without clitics/ال)."""

    def __init__(self, words: dict[str, list[str]]) -> None:
        self.words = words

    def lookup(self, norm: str) -> tuple[str, ...]:
        hits = self.words.get(norm)
        if hits:
            return tuple(hits)
        for pre, rest in clitic_splits(norm):
            h = self.words.get(rest) or (self.words.get("ال" + rest) if pre.endswith("لل") else None)
            if h:
                return tuple("c" + t for t in h)
        return ()


WordStats = dict[str, tuple[str, ...]]  # normalized word -> its corpus-statistics features


def word_stats(data: dict[str, list[int]]) -> WordStats:
    """``wordstats.json`` (word -> [frequency bucket, share-tagged-as-a-name bucket or -1]) as features."""
    return {w: (f"fq={b}",) if r < 0 else (f"fq={b}", f"er={r}") for w, (b, r) in data.items()}


def load_word_stats(path: Path) -> WordStats | None:
    return word_stats(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None


def word_features(tok: str, gaz: dict[str, Gazetteer], clusters: dict[str, list[int]] | None = None,
                  stats: WordStats | None = None) -> list[str]:
    """Features of one word on its own (cached per word by the featurizer)."""
    n = normalize(tok)
    s = strip_al(n)
    sp = shape(tok)
    f = [f"w={tok}", f"n={n}", f"s={s}", f"sh={sp}", f"len={min(len(n), 8)}"]
    if sp == "A":
        f += [f"p1={n[:1]}", f"p2={n[:2]}", f"p3={n[:3]}", f"p4={n[:4]}",
              f"x1={n[-1:]}", f"x2={n[-2:]}", f"x3={n[-3:]}", f"x4={n[-4:]}"]
        if n.startswith("ال"):
            f.append("al")
        splits = clitic_splits(n)
        for pre, rest in splits:
            f.append(f"cl={pre}|{strip_al(rest)}")
    elif sp in ("L", "Lu"):
        f.append(f"x3={n[-3:]}")
    for name, g in gaz.items():
        for t in g.lookup(n):
            f.append(f"g{name}={t}")
    if clusters:
        ids = clusters.get(n)
        prefix = "k"
        if ids is None:  # an unseen clitic form: the cluster of the bare word
            prefix = "ck"
            ids = next((clusters[r] for _, r in clitic_splits(n) if r in clusters), None)
        if ids is not None:
            f += [f"{prefix}{level}={c}" for level, c in enumerate(ids)]
    if stats is not None:
        # How common the word is in the labelled external corpora and how often it is (part of) a name there:
        # negative evidence for a frequent common word that the name lists cannot give.
        hit = stats.get(n)
        if hit is None:
            hit = next((stats[r] for _, r in clitic_splits(n) if r in stats), ("fq=0",))
        f += hit
    return f


# features kept from a neighbour at offset -2..+2 (prefix of the feature name)
_CONTEXT_KEEP = ("n=", "s=", "sh=", "g", "cl=", "x2=", "k", "ck")
_CONTEXT: dict[int, tuple[str, ...]] = {-2: _CONTEXT_KEEP, -1: _CONTEXT_KEEP, 1: _CONTEXT_KEEP, 2: _CONTEXT_KEEP}
_OFFSETS = tuple(_CONTEXT)
_OFFSET_RE = re.compile(r"(-?[0-9])\D")  # the offset in front of a context feature's name


class Featurizer:
    """Token sequence -> crfsuite attribute lists, with per-word features cached (the hot path)."""

    def __init__(self, gaz: dict[str, Gazetteer], clusters: dict[str, list[int]] | None = None,
                 stats: WordStats | None = None) -> None:
        self.gaz = gaz
        self.clusters = clusters
        self.stats = stats
        # word -> (own features, {d: its features as a token's neighbour at offset d, named "{d}<feature>"})
        self._cache: dict[str, tuple[list[str], dict[int, list[str]]]] = {}

    def _word(self, tok: str) -> tuple[list[str], dict[int, list[str]]]:
        hit = self._cache.get(tok)
        if hit is None:
            own = word_features(tok, self.gaz, self.clusters, self.stats)
            hit = (own, {d: [f"{d}{x}" for x in own if x.startswith(keep)] for d, keep in _CONTEXT.items()})
            if len(self._cache) < 500_000:
                self._cache[tok] = hit
        return hit

    def __call__(self, tokens: Sequence[str], extra: Sequence[Sequence[str]] | None = None) -> list[list[str]]:
        words = [self._word(t) for t in tokens]
        norms = [w[0][1][2:] for w in words]  # the normalized word
        out: list[list[str]] = []
        size = len(tokens)
        for i in range(size):
            f = list(words[i][0])
            for d in _OFFSETS:
                j = i + d
                if 0 <= j < size:
                    f.extend(words[j][1][d])  # the neighbour's features, named from i's side
                else:
                    f.append(f"{d}BOUND")
            if i > 0:
                f.append(f"bi-={norms[i - 1]}|{norms[i]}")
            if i + 1 < size:
                f.append(f"bi+={norms[i]}|{norms[i + 1]}")
            out.append(f)
        if extra is not None:
            for f, e in zip(out, extra_context(extra), strict=True):
                f.extend(e)
        return out


def extra_context(extra: Sequence[Sequence[str]]) -> list[list[str]]:
    """Extra per-token features (the second pass's) with the same ±2 context as the word features."""
    size = len(extra)
    out = []
    for i in range(size):
        f = list(extra[i])
        for d in _OFFSETS:
            j = i + d
            if 0 <= j < size:
                f.extend(f"{d}{x}" for x in extra[j])
        out.append(f)
    return out


def load_gazetteers(path: Path) -> dict[str, Gazetteer]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: Gazetteer(words) for name, words in data.items()}


class CRFModel:
    """A crfsuite CRF1d model read straight from its file: weights as numpy arrays, Viterbi done here.

    Scoring is the same sum of attribute weights crfsuite computes, so tags match crfsuite's (it breaks Viterbi
    ties towards the lowest label id, as ``argmax`` does). Reading the file ourselves lets the tagger sum the
    weights of a word's features once per word type instead of once per token.
    """

    def __init__(self, path: Path) -> None:
        buf = path.read_bytes()
        (magic, _, kind, _, _, n_labels, n_attrs, off_feat, off_labels, off_attrs, _, _) = struct.unpack_from(
            "<4sI4sIIIIIIIII", buf, 0)
        if magic != b"lCRF" or kind != b"FOMC":
            raise ValueError(f"{path}: not a crfsuite CRF1d model")
        self.labels = _cqdb_strings(buf, off_labels)
        assert len(self.labels) == n_labels
        # attribute -> row; the extra last row stays zero (an attribute the model never saw)
        self.attrs: dict[str, int] = {a: i for i, a in enumerate(_cqdb_strings(buf, off_attrs))}
        self.zero = n_attrs
        chunk, _, n_feat = struct.unpack_from("<4sII", buf, off_feat)
        assert chunk == b"FEAT"
        dt = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")])
        feats = np.frombuffer(buf, dtype=dt, count=n_feat, offset=off_feat + 12)
        state = feats[feats["type"] == 0]
        trans = feats[feats["type"] == 1]
        self.state = np.zeros((n_attrs + 1, n_labels))
        np.add.at(self.state, (state["src"], state["dst"]), state["w"])
        self.trans = np.zeros((n_labels, n_labels))
        np.add.at(self.trans, (trans["src"], trans["dst"]), trans["w"])
        # Context features are a neighbour's own feature behind its offset ("-1n=..." is "n=..." one word to
        # the left; own features never start with a digit or "-"). ``combo[base[x]]`` holds, for a feature x,
        # its weights as the token's own feature (slot 0) and at each offset of _OFFSETS (slots 1..): a word's
        # contribution to itself and to every neighbour is then one sum over its own features.
        self.base: dict[str, int] = {}
        slot = {d: o for o, d in enumerate(_OFFSETS, 1)}
        where: list[tuple[int, int, int]] = []  # (base id, slot, attribute row)
        for a, r in self.attrs.items():
            k, name = 0, a
            m = _OFFSET_RE.match(a)
            if m and int(m.group(1)) in slot:
                k, name = slot[int(m.group(1))], a[m.end(1):]
            where.append((self.base.setdefault(name, len(self.base)), k, r))
        self.combo = np.zeros((len(self.base) + 1, 1 + len(_OFFSETS), n_labels))  # last row: unknown, zero
        if where:
            b, k, r = (np.asarray(x) for x in zip(*where, strict=True))
            self.combo[b, k] = self.state[r]
        self.unknown = len(self.base)
        # words that occur first / second in a weighted bigram feature ("bi-=a|b", "bi+=a|b")
        left: set[str] = set()
        right: set[str] = set()
        for a in self.attrs:
            if a.startswith(("bi-=", "bi+=")):
                parts = a[4:].split("|")
                for k in range(1, len(parts)):  # a word may itself hold "|": every cut
                    left.add("|".join(parts[:k]))
                    right.add("|".join(parts[k:]))
        self.bigram_words = (left, right)

    def share_names(self, names: dict[str, int]) -> None:
        """Re-index ``combo`` by ``names`` (a superset of this model's feature names, shared with the other pass),
        so that a word's features are looked up once for both models."""
        combo = np.zeros((len(names) + 1, *self.combo.shape[1:]))
        combo[[names[n] for n in self.base]] = self.combo[:-1]
        self.combo, self.base, self.unknown = combo, names, len(names)

    def rows(self, groups: Iterable[Sequence[str]]) -> tuple[list[int], list[int]]:
        """The ``combo`` rows of each group's features laid end to end, and where each group starts."""
        get = self.base.get
        unknown = self.unknown
        flat: list[int] = []
        starts: list[int] = []
        for g in groups:
            starts.append(len(flat))
            flat += [get(x, unknown) for x in g] if g else [unknown]  # reduceat needs no empty group
        return flat, starts

    def sums(self, rows: tuple[list[int], list[int]]) -> Any:
        """Per group of features (a word's own features, or a token's document features): the summed weights as
        own features and as seen from each offset, (groups, 1 + len(_OFFSETS), labels), in one numpy call."""
        flat, starts = rows
        if len(starts) <= 2048:
            return np.add.reduceat(self.combo[flat], starts, axis=0)
        # in chunks: the gathered rows of a whole chunk are (features, offsets, labels) doubles, kept cache-sized
        out = []
        for a in range(0, len(starts), 2048):
            b = min(a + 2048, len(starts))
            lo, hi = starts[a], starts[b] if b < len(starts) else len(flat)
            out.append(np.add.reduceat(self.combo[flat[lo:hi]], [x - lo for x in starts[a:b]], axis=0))
        return np.concatenate(out)

    def viterbi(self, scores: Any, lengths: Sequence[int]) -> list[list[str]]:
        """Best label sequences of sentences whose state scores are stacked in ``scores`` (sum(lengths), labels),
        all sentences decoded together: at step t only the sentences longer than t advance."""
        n = len(lengths)
        if n == 0:
            return []
        lens = np.asarray(lengths, dtype=np.int64)
        order = np.argsort(-lens, kind="stable")  # longest first: the active ones are a prefix
        lens_o = lens[order]
        steps = int(lens_o[0])
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        starts_o = starts[order]
        # the state scores of step t of every sentence as row t of one (steps, n, L) array (a sentence past its
        # end reads some other row, never used: only the ``active[t]`` first ones advance at step t)
        padded = scores[np.minimum(starts_o[None, :] + np.arange(steps)[:, None], len(scores) - 1)]
        active = np.searchsorted(-lens_o, -np.arange(steps), side="left").tolist()  # sentences longer than t
        trans = self.trans
        delta = padded[0].copy()  # (n, L): best score of a path ending in each label
        backs = []
        rows, cols = np.arange(n)[:, None], np.arange(trans.shape[1])
        buf = np.empty((n, *trans.shape))
        for t in range(1, steps):
            k = active[t]
            cand = buf[:k]
            np.add(delta[:k, :, None], trans, out=cand)  # previous label i -> label j
            back = cand.argmax(axis=1)  # first maximum: the lowest label id on a tie, as crfsuite
            backs.append(back.tolist())  # followed back in Python: per step, numpy's calls cost more than this
            np.add(cand[rows[:k], back, cols], padded[t, :k], out=delta[:k])  # the maxima: what argmax picked
        best = delta.argmax(axis=1).tolist()
        labels = self.labels
        out: list[list[str]] = [[] for _ in range(n)]
        for s, (m, y, at) in enumerate(zip(lens_o.tolist(), best, order.tolist(), strict=True)):  # longest first
            if not m:
                continue
            seq = [labels[0]] * m
            seq[m - 1] = labels[y]
            for t in range(m - 1, 0, -1):  # backs[t-1][s] maps the label at t to the one at t-1
                y = backs[t - 1][s][y]
                seq[t - 1] = labels[y]
            out[at] = seq
        return out


def _cqdb_strings(buf: bytes, off: int) -> list[str]:
    """The strings of a crfsuite CQDB chunk (labels or attributes) in id order, via its id -> record table."""
    _, _, _, _, n, bwd = struct.unpack_from("<4sIIIII", buf, off)
    out = []
    for rec in struct.unpack_from(f"<{n}I", buf, off + bwd):
        _, size = struct.unpack_from("<II", buf, off + rec)
        out.append(buf[off + rec + 8:off + rec + 7 + size].decode("utf-8"))  # size counts the final NUL
    return out


def _append(table: Any, used: int, rows: Any) -> Any:
    """``table`` with ``rows`` written after its first ``used`` rows, reallocated (doubling) when full."""
    need = used + len(rows)
    if need > len(table):
        bigger = np.zeros((max(need, 2 * len(table), 1024), *table.shape[1:]), dtype=table.dtype)
        bigger[:used] = table[:used]
        table = bigger
    table[used:need] = rows
    return table


class _Scorer:
    """Per-word-type score vectors of one CRF: for word id k, ``table[k, 0]`` is the sum of its own feature
    weights and ``table[k, o]`` that of its context features as seen from a token at offset ``_OFFSETS[o - 1]``.
    The second pass's per-token document features get the same treatment in ``extra_table``."""

    def __init__(self, model: CRFModel) -> None:
        self.model = model
        self.table = np.zeros((0, 1 + len(_OFFSETS), len(model.labels)))
        self.size = 0  # rows of ``table`` in use (it grows by doubling)
        self.side = np.zeros(0, dtype=np.uint8)  # per word id: 1 = left word of a weighted bigram, 2 = right word
        self.bound = model.combo[model.base.get("BOUND", model.unknown)]  # "-2BOUND"...: no word there
        self.extra: dict[tuple[str, ...], int] = {}  # document features -> row of extra_table
        self.extra_table = np.zeros((0, 1 + len(_OFFSETS), len(model.labels)))

    def grow(self, rows: tuple[list[int], list[int]], norms: Sequence[str]) -> None:
        """Add the vectors of newly seen words (``CRFModel.rows`` of their ``word_features``, their normalized
        forms)."""
        if norms:
            self.table = _append(self.table, self.size, self.model.sums(rows))
            left, right = self.model.bigram_words
            side = np.array([(w in left) | (w in right) << 1 for w in norms], dtype=np.uint8)
            self.side = _append(self.side, self.size, side)
            self.size += len(norms)

    def extra_rows(self, extra: Sequence[Sequence[str]]) -> list[int]:
        """Rows of the second pass's per-token document features (few distinct combinations: cached)."""
        out = []
        new: list[tuple[str, ...]] = []
        for e in extra:
            key = tuple(e)
            row = self.extra.get(key)
            if row is None:
                row = self.extra[key] = len(self.extra)
                new.append(key)
            out.append(row)
        if new:
            self.extra_table = _append(self.extra_table, len(self.extra) - len(new),
                                       self.model.sums(self.model.rows(new)))
        return out

    def scores(self, ids: Any, sent: Any, pos: Any, lens: Any, norms: Sequence[str],
               extra: Any = None) -> Any:
        """State scores (tokens, labels) of the tokens of several sentences laid end to end: word ids ``ids``,
        each token's sentence ``sent`` and position ``pos`` in it, sentence lengths ``lens``."""
        size = lens[sent]  # each token's sentence length
        s = self.table[ids, 0].copy()
        tables = [(self.table, ids, True)]
        if extra is not None:
            s += self.extra_table[extra, 0]
            tables.append((self.extra_table, extra, False))
        for o, d in enumerate(_OFFSETS, 1):
            inside = (pos + d >= 0) & (pos + d < size)
            j = np.nonzero(inside)[0]
            for table, rows, bounded in tables:
                s[j] += table[rows[j + d], o]
                if bounded:
                    s[~inside] += self.bound[o]
        # word bigrams: "bi-=prev|this" on the second word of a pair, "bi+=this|next" on the first; only pairs
        # whose words both occur in some weighted bigram are looked up
        attrs = self.model.attrs
        state = self.model.state
        at, rows = [], []
        side = self.side[ids]
        pairs = np.nonzero((side[:-1] & 1).astype(bool) & (side[1:] & 2).astype(bool) & (pos[1:] > 0))[0] + 1
        for i in pairs.tolist():
            key = f"{norms[i - 1]}|{norms[i]}"
            r = attrs.get("bi-=" + key)
            if r is not None:
                at.append(i)
                rows.append(r)
            r = attrs.get("bi+=" + key)
            if r is not None:
                at.append(i - 1)
                rows.append(r)
        if at:
            np.add.at(s, at, state[rows])
        return s


class Tagger:
    """The shipped CRF tagger: ``tag(tokens) -> BIO tags``.

    Each word type is featurized and scored once (its own weights and its contribution to each neighbour, per
    model); a sentence then costs a few array sums and one Viterbi pass over all sentences at once.
    """

    MAX_WORDS: ClassVar[int] = 100_000  # word types kept before the caches start over (≈ 35 MB a pass)
    MAX_TAGGED: ClassVar[int] = 20_000  # sentences whose tags a pass remembers before it starts over (≈ 10 MB)

    def __init__(self, model_dir: Path = MODEL_DIR, *, model_file: Path | None = None,
                 gazetteers: dict[str, dict[str, list[str]]] | None = None,
                 clusters: dict[str, list[int]] | None = None, stats: WordStats | None = None) -> None:
        """The model in ``model_dir``; training passes its own file, lists, clusters and statistics instead."""
        if gazetteers is None:
            self.gaz = load_gazetteers(model_dir / "gazetteers.json")
            clusters_path = model_dir / "clusters.json"
            clusters = json.loads(clusters_path.read_text(encoding="utf-8")) if clusters_path.is_file() else None
            stats = load_word_stats(model_dir / "wordstats.json")
        else:
            self.gaz = {k: Gazetteer(v) for k, v in gazetteers.items()}
        self.clusters = clusters
        self.stats = stats
        # feature strings, as training sees them
        self.featurize = Featurizer(self.gaz, clusters, stats)
        self._first = CRFModel(model_file or model_dir / "crf.model")
        second = (model_file.with_suffix(".pass2") if model_file else model_dir / "crf2.model")
        # the stacked pass over document features, when the model has one
        self._second: CRFModel | None = CRFModel(second) if second.is_file() else None
        if self._second is not None:
            names = dict(self._first.base)
            for name in self._second.base:
                names.setdefault(name, len(names))
            self._first.share_names(names)
            self._second.share_names(names)
        self._reset()

    def _reset(self) -> None:
        self._ids: dict[str, int] = {}
        self._norms: list[str] = []
        self._keys: list[list[str]] = []  # document keys (``_doc_keys``) per word id
        self._scorers = [_Scorer(m) for m in (self._first, self._second) if m is not None]
        self.forget_tags()

    def forget_tags(self) -> None:
        """Drop the remembered tags of sentences already decoded (each pass's, keyed by the sentence's word ids
        and, in the second pass, its document features: the tags are a function of those alone)."""
        self._tagged: list[dict[tuple[int, ...], list[str]]] = [{} for _ in self._scorers]

    def _word_ids(self, sentences: Sequence[Sequence[str]]) -> list[list[int]]:
        if len(self._ids) > self.MAX_WORDS:
            self._reset()
        ids = self._ids
        new: list[str] = []
        out = []
        for toks in sentences:
            row = []
            for t in toks:
                i = ids.get(t)
                if i is None:
                    i = ids[t] = len(ids)
                    new.append(t)
                row.append(i)
            out.append(row)
        if new:
            words = []
            for t in new:
                own = word_features(t, self.gaz, self.clusters, self.stats)
                words.append(own)
                n = own[1][2:]  # "n=<normalized word>"
                self._norms.append(n)
                self._keys.append([strip_al(n)] + [strip_al(rest) for _, rest in clitic_splits(n)
                                                   if len(rest) >= 3])
            rows = self._first.rows(words)  # the models share their feature names (``share_names``)
            norms = self._norms[-len(words):]
            for sc in self._scorers:
                sc.grow(rows, norms)
        return out

    def _decode(self, k: int, ids: list[list[int]], extra: list[list[list[str]]] | None = None) -> list[list[str]]:
        """Tags of pass ``k`` for sentences given as word ids (and, in the second pass, per-token document
        features). A sentence decoded before with the same inputs gets its remembered tags: ten copies of a wire
        story are one story's sentences tagged ten times otherwise."""
        scorer, tagged = self._scorers[k], self._tagged[k]
        rows: list[int] = []
        if extra is not None:
            rows = scorer.extra_rows([e for s in extra for e in s])
        bounds = [0, *accumulate(map(len, ids))]  # where each sentence's tokens start in ``rows``
        keys = [(*s, -1, *rows[bounds[i]:bounds[i + 1]]) if extra is not None else tuple(s)
                for i, s in enumerate(ids)]
        out = [tagged.get(key) for key in keys]
        todo = [i for i, tags in enumerate(out) if tags is None]
        if todo:
            if len(tagged) + len(todo) > self.MAX_TAGGED:
                tagged.clear()
            part = [ids[i] for i in todo]
            ex = None
            if extra is not None:
                ex = np.asarray([r for i in todo for r in rows[bounds[i]:bounds[i + 1]]], dtype=np.int64)
            for i, tags in zip(todo, self._viterbi_tags(scorer, part, ex), strict=True):
                out[i] = tagged[keys[i]] = tags
        return [list(tags) for tags in out]  # type: ignore[arg-type]  # (all filled)

    def _viterbi_tags(self, scorer: _Scorer, ids: list[list[int]], ex: Any = None) -> list[list[str]]:
        lengths = [len(s) for s in ids]
        flat = np.fromiter((i for s in ids for i in s), dtype=np.int64)
        if not len(flat):
            return [[] for _ in ids]
        lens = np.asarray(lengths, dtype=np.int64)
        sent = np.repeat(np.arange(len(ids)), lens)
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
        pos = np.arange(len(flat)) - starts[sent]
        norms = self._norms
        words = [norms[i] for i in flat.tolist()]
        scores = scorer.scores(flat, sent, pos, lens, words, ex)
        nonempty = [m for m in lengths if m]
        tags = iter(scorer.model.viterbi(scores, nonempty))
        return [next(tags) if m else [] for m in lengths]

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        return self.tag_many([tokens])[0]

    def tag_many(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        """First-pass tags of independent sentences (decoded together)."""
        ids = self._word_ids(list(sentences))
        return self._decode(0, ids)

    def tag_document(self, sentences: Sequence[Sequence[str]], window: int = 10,
                     propagate: bool = True) -> list[list[str]]:
        """Tags for consecutive sentences of running text (an article, or a CoNLL file in order).

        With a second-pass model, the first pass's labels of the same word elsewhere within ``window`` sentences
        become features of a second CRF. With ``propagate``, a word tagged as (part of) a name within ``window``
        sentences is also tagged where the CRF missed it (a bare surname, a clitic form).
        """
        ids = self._word_ids(sentences)
        tags = self._decode(0, ids)
        if len(self._scorers) > 1:  # same word features, plus the document features of the first pass
            keys = self._keys
            extra = document_features(sentences, tags, window, [[keys[i] for i in s] for s in ids])
            tags = self._decode(1, ids, extra)
        if not propagate:
            return tags
        norms = self._norms
        found: list[dict[str, str]] = []
        for row, tt in zip(ids, tags, strict=True):
            names: dict[str, str] = {}
            for i, j, typ in bio_spans(tt):
                for w in _propagation_words([norms[x] for x in row[i:j]], typ):
                    names.setdefault(w, typ)
            found.append(names)
        out = []
        for k, (row, tt) in enumerate(zip(ids, tags, strict=True)):
            names = {}
            for d in found[max(0, k - window):k + window + 1]:
                for w, typ in d.items():
                    names.setdefault(w, typ)
            new = list(tt)
            if names:
                for i, x in enumerate(row):
                    if new[i] != "O":
                        continue
                    typ = _name_type(names, norms[x])[0]
                    if typ is not None:
                        new[i] = ("I-" if typ == "PERS" and i and new[i - 1][2:] == typ else "B-") + typ
            out.append(new)
        return out


def _doc_keys(tok: str) -> list[str]:
    n = normalize(tok)
    return [strip_al(n)] + [strip_al(rest) for _, rest in clitic_splits(n) if len(rest) >= 3]


def document_features(sentences: Sequence[Sequence[str]], tags: Sequence[Sequence[str]],
                      window: int = 10, keys: Sequence[Sequence[Sequence[str]]] | None = None
                      ) -> list[list[list[str]]]:
    """Per token: its first-pass label and how the same word (clitics and ال aside) was labelled elsewhere within
    ``window`` sentences: the majority label ("dm=", ties to an entity type, then by name) and every entity type
    seen ("dh="). ``keys`` are the tokens' ``_doc_keys`` when the caller has them cached."""
    if keys is None:
        keys = [[_doc_keys(t) for t in toks] for toks in sentences]
    labels = [[t[2:] if t != "O" else "O" for t in tt] for tt in tags]
    kinds = sorted({lab for ls in labels for lab in ls})
    # (key, label) pairs of each sentence, counted over the sliding window of sentences
    pairs = [[(key, label) for ks, label in zip(keys[i], labels[i], strict=True) for key in ks]
             for i in range(len(sentences))]
    named = [[key for key, label in ps if label != "O"] for ps in pairs]  # keys seen inside a name
    counts: Counter[tuple[str, str]] = Counter()
    in_names: Counter[str] = Counter()
    n = len(sentences)
    for i in range(min(window + 1, n)):
        counts.update(pairs[i])
        in_names.update(named[i])
    out: list[list[list[str]]] = []
    p1 = {t: f"p1={t}" for t in {t for tt in tags for t in tt}}
    get = counts.get
    get_named = in_names.get
    for i in range(n):
        if i - window - 1 >= 0:
            counts.subtract(pairs[i - window - 1])
            in_names.subtract(named[i - window - 1])
        if i > 0 and i + window < n:
            counts.update(pairs[i + window])
            in_names.update(named[i + window])
        feats = []
        for ks, label, tag in zip(keys[i], labels[i], tags[i], strict=True):
            f = [p1[tag]]
            key = ks[0]
            if get_named(key, 0) - (label != "O") <= 0:  # the common case: seen elsewhere only outside names
                if get((key, "O"), 0) - (label == "O") > 0:
                    f.append("dm=O")
                feats.append(f)
                continue
            best: tuple[int, bool, str] | None = None  # (count elsewhere, is an entity, label): max wins
            ents = []
            for lab in kinds:
                k = get((key, lab), 0) - (lab == label)  # not counting this token itself
                if k > 0:
                    cand = (k, lab != "O", lab)
                    if best is None or cand > best:
                        best = cand
                    if lab != "O":
                        ents.append(lab)  # kinds are sorted: so is ents
            if best is not None:
                f.append(f"dm={best[2]}")
                f += [f"dh={lab}" for lab in ents]
            feats.append(f)
        out.append(feats)
    return out


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    return Tagger()


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entities ``(first_token, end_token, type)`` from BIO tags, conlleval-style (a stray I- starts an entity)."""
    spans: list[tuple[int, int, str]] = []
    start, typ = -1, ""
    for i, t in enumerate([*tags, "O"]):
        kind, _, ty = t.partition("-")
        if start >= 0 and (kind != "I" or ty != typ):
            spans.append((start, i, typ))
            start = -1
        if kind == "B" or (kind == "I" and start < 0):
            start, typ = i, ty
    return spans


# ---------------------------------------------------------------------------------------------------------------
# The tagging stage: mentions as raw-text spans, proclitics left outside the span.

_TANWEEN = frozenset("\u064b\u064c\u064d")
_MARK_CHARS = frozenset(chr(c) for c in [*range(0x064B, 0x0660), 0x0670, 0x0640])


def _known(tagger: Tagger, norm: str, lists: tuple[str, ...] | None = None) -> bool:
    """True when a name list knows ``norm`` as (the start of) a name."""
    for name, g in tagger.gaz.items():
        if lists is not None and name not in lists:
            continue
        hits = g.words.get(norm)
        if hits and any(h.startswith("B-") for h in hits):
            return True
    return False


EXTERNAL_LISTS = ("x", "j", "c")  # name lists from outside ANERcorp: WikiFANE, Wojood, curated (x: all, in old models)


def proclitic_length(tagger: Tagger, token: str) -> int:
    """How many leading letters of ``token`` are proclitics (و ف ب ل ك, ال kept) that a name span must skip."""
    n = normalize(token)
    if n[:1] not in ("و", "ف", "ب", "ل", "ك"):
        return 0
    splits = clitic_splits(n)
    for pre, rest in reversed(splits):  # a proclitic in front of the article is safe to strip ("والمملكة")
        if rest.startswith("ال") and len(rest) > 4:
            return len(pre)
    if _known(tagger, n, EXTERNAL_LISTS):  # these hold mostly clitic-free names ("باريس", not "ب" + "اريس")
        return 0
    for pre, rest in splits:  # ANERcorp's list also holds clitic forms ("لروسيا" tagged whole): bare word first
        if len(rest) >= 3 and (_known(tagger, rest) or (pre.endswith("لل") and _known(tagger, "ال" + rest))):
            return len(pre)
    for pre, rest in splits:  # "للأمم" = ل + الأمم, its alef dropped: the span starts after لل
        if pre.endswith("لل") and len(rest) >= 3:
            return len(pre)
    return 0


def _skip_letters(token: str, k: int) -> int:
    """Raw offset after the first ``k`` letters of ``token`` and the marks/tatweel that follow them."""
    i = letters = 0
    while i < len(token) and letters < k:
        if token[i] not in _MARK_CHARS:
            letters += 1
        i += 1
    while i < len(token) and token[i] in _MARK_CHARS:
        i += 1
    return i


def tag_text(tagger: Tagger, text: str, start: int, end: int, unit: str = "") -> list[Mention]:
    """Mentions in ``text[start:end]`` (one sentence)."""
    return tag_sentences(tagger, text, [Span(start, end)], unit)


def tag_sentences(tagger: Tagger, text: str, sentences: Sequence[Span], unit: str = "") -> list[Mention]:
    """Mentions in the sentences of one unit (tagged together: the second pass looks across sentences)."""
    return tag_spans(tagger, text, [_token_spans(text, s) for s in sentences], unit)


def _token_spans(text: str, sent: Span) -> list[tuple[int, int]]:
    return [(a + sent.start, b + sent.start) for a, b in tokenize(text[sent.start:sent.end])]


def tag_spans(tagger: Tagger, text: str, all_spans: Sequence[list[tuple[int, int]]], unit: str = ""
              ) -> list[Mention]:
    """Mentions in consecutive sentences given as their token spans in ``text``."""
    all_tokens = [[text[a:b] for a, b in spans] for spans in all_spans]
    out: list[Mention] = []
    for spans, tokens, tags in zip(all_spans, all_tokens, tagger.tag_document(all_tokens, propagate=False),
                                   strict=True):
        out.extend(_mentions(tagger, spans, tokens, tags, unit))
    return out


def _mentions(tagger: Tagger, spans: list[tuple[int, int]], tokens: list[str], tags: list[str],
              unit: str) -> list[Mention]:
    out: list[Mention] = []
    for i, j, typ in _person_cuts(tagger, tokens, bio_spans(tags)):
        while j - i > 1 and normalize(tokens[i]) in _STOP:  # "الرئيس بوتين", "بين بوتين": not the name
            i += 1
        s = spans[i][0] + _skip_letters(tokens[i], proclitic_length(tagger, tokens[i]))
        e = spans[j - 1][1]
        if any(_TANWEEN & set(t) for t in tokens[i:j]):  # "روتينياً", "بيتاً": adverbs and objects, not names
            continue
        if s < e and typ in TYPES:
            out.append(Mention(s, e, typ, unit))
    return out


_NAME_CUT_PROCLITICS = frozenset("ولب")


def _person_cuts(tagger: Tagger, tokens: list[str], spans: list[tuple[int, int, str]]
                 ) -> list[tuple[int, int, str]]:
    """A person's name does not go on into a word with a proclitic: "فلاديمير بوتين لموسكو" is a person and a
    place, "بوتين وترامب" two persons. The CRF sometimes runs a name on (its I- transitions are strong); cut there.
    The rest keeps the person type unless the external name lists know its bare word as another type. Only the
    conjunction و and the prepositions ل/ب cut: a word starting with ف or ك + "ال" inside a name is far more
    often a transliterated name ("يوهانس فالدبيرج", "فالنتينا") than "then"/"like" after one."""
    out: list[tuple[int, int, str]] = []
    for i, j, typ in spans:
        while typ == "PERS" and j - i > 1:
            k = next((k for k in range(i + 1, j)
                      if normalize(tokens[k])[:1] in _NAME_CUT_PROCLITICS and proclitic_length(tagger, tokens[k])),
                     None)
            if k is None:
                break
            out.append((i, k, typ))
            bare = normalize(tokens[k])[proclitic_length(tagger, tokens[k]):]
            known = {h[2:] for name in EXTERNAL_LISTS if name in tagger.gaz
                     for h in tagger.gaz[name].words.get(bare, ()) if h.startswith("B-")}
            i, typ = k, (typ if not known or typ in known else min(known))
        out.append((i, j, typ))
    return out


class TagEntities:
    """Pipeline stage: named-entity ``mentions`` (PERS/ORG/LOC/MISC) in the sentences of the body and parts."""

    name: ClassVar[str] = "entities"
    requires: ClassVar[frozenset[str]] = frozenset({"sentences", "body", "parts"})
    provides: ClassVar[frozenset[str]] = frozenset({"mentions"})

    def __call__(self, article: Article, options: Options) -> Article:
        tagger = default_tagger()
        regions = article.analysed_regions()
        by_unit: dict[str, list[Span]] = {}
        for sent in article.sentences:
            unit = next((u for u, bodies in regions if any(b.contains(sent) for b in bodies)), None)
            if unit is not None:
                by_unit.setdefault(unit, []).append(sent)
        mentions: list[Mention] = []
        tokens: dict[str, list[list[tuple[int, int]]]] = {}  # tokenized once, for tagging and propagation
        for unit, sents in by_unit.items():
            tokens[unit] = [_token_spans(article.text, s) for s in sents]
            mentions.extend(tag_spans(tagger, article.text, tokens[unit], unit))
        mentions.sort(key=lambda m: (m.start, m.end))
        article.mentions = _split_adjacent_persons(article, _propagate(article, mentions, tokens))
        return article


def _split_adjacent_persons(article: Article, mentions: list[Mention]) -> list[Mention]:
    """"وأخبر كيم بوتين": two persons side by side tagged as one name. Split a two-word person mention when each
    word belongs to a different longer name found in the same unit and the pair itself is found nowhere else."""
    text = article.text
    fulls: dict[str, list[tuple[str, ...]]] = {}
    for m in mentions:
        words = tuple(normalize(text[m.start:m.end]).split())
        if m.type == "PERS" and len(words) > 1:
            fulls.setdefault(m.unit, []).append(words)
    out: list[Mention] = []
    for m in mentions:
        raw = text[m.start:m.end].split(" ")
        words = tuple(normalize(text[m.start:m.end]).split())
        if m.type == "PERS" and len(words) == 2 and len(raw) == 2:
            others = [f for f in fulls.get(m.unit, []) if f != words]
            first = {f for f in others if words[0] in f}
            second = {f for f in others if words[1] in f}
            if first and second and not first & second and fulls[m.unit].count(words) == 1:
                cut = m.start + len(raw[0])
                out += [Mention(m.start, cut, m.type, m.unit), Mention(cut + 1, m.end, m.type, m.unit)]
                continue
        out.append(m)
    return out


def _propagation_words(words: list[str], typ: str) -> list[str]:
    """Words of a found name worth finding again on their own: a one-word name, a person's first/last name."""
    cands = words if len(words) == 1 else ([words[0], words[-1]] if typ == "PERS" else [])
    return [w for w in cands if len(w) >= 3 and w not in _STOP]


def _name_type(names: dict[str, str], norm: str) -> tuple[str | None, int]:
    """(type, proclitic length) when ``norm`` or its clitic-free form is a known name word, else (None, 0)."""
    typ = names.get(norm)
    if typ is not None:
        return typ, 0
    for pre, rest in clitic_splits(norm):
        typ = names.get(rest)
        if typ is not None:
            return typ, len(pre)
    return None, 0


def _propagate(article: Article, mentions: list[Mention],
               tokens: dict[str, list[list[tuple[int, int]]]] | None = None) -> list[Mention]:
    """Tag other uses of a name the model found elsewhere in the same unit but missed there (a bare surname).
    ``tokens``: the token spans of each unit's sentences, when the caller has them."""
    names_of: dict[str, dict[str, str]] = {}  # unit -> normalized word -> type
    for m in mentions:
        for w in _propagation_words(normalize(article.text[m.start:m.end]).split(), m.type):
            names_of.setdefault(m.unit, {}).setdefault(w, m.type)
    if not names_of:
        return mentions
    covered = bytearray(len(article.text))  # 1 where a mention already lies
    for m in mentions:
        covered[m.start:m.end] = b"\x01" * (m.end - m.start)
    extra: list[Mention] = []
    if tokens is None:
        tokens = {}
        regions = article.analysed_regions()
        for sent in article.sentences:
            unit = next((u for u, bodies in regions if any(b.contains(sent) for b in bodies)), None)
            if unit is not None:
                tokens.setdefault(unit, []).append(_token_spans(article.text, sent))
    for unit, sents in tokens.items():
        names = names_of.get(unit)
        if not names:
            continue
        typed: dict[str, tuple[str | None, int]] = {}  # token -> ``_name_type`` (words recur in a unit)
        for spans in sents:
            for a, b in spans:
                if covered.find(1, a, b) >= 0:
                    continue
                tok = article.text[a:b]
                found = typed.get(tok)
                if found is None:
                    found = typed[tok] = _name_type(names, normalize(tok))
                typ, k = found
                if typ is not None:
                    extra.append(Mention(a + _skip_letters(tok, k), b, typ, unit))
    if not extra:
        return mentions
    # a found word right after (or before) a model mention may complete it: "كيم جونغ" + "أون"
    fulls = {(m.unit, " ".join(normalize(article.text[m.start:m.end]).split())) for m in mentions if m.type == "PERS"}
    out: list[Mention] = []
    for m in sorted(mentions + extra, key=lambda m: (m.start, m.end)):
        prev = out[-1] if out else None
        if (prev is not None and prev.type == m.type == "PERS" and prev.unit == m.unit
                and not article.text[prev.end:m.start].strip()):
            joined = " ".join(normalize(article.text[prev.start:m.end]).split())
            if any(u == m.unit and (f == joined or f.startswith(joined + " ")) for u, f in fulls):
                out[-1] = Mention(prev.start, m.end, m.type, m.unit)
                continue
        out.append(m)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Cross-article merging: one entity per referent.

TITLES = frozenset(normalize(w) for w in """
الرئيس رئيس الزعيم زعيم السيد السيدة الملك الأمير الشيخ الوزير وزير وزيرة الوزيرة المستشار المستشارة نائب
الجنرال الفريق اللواء العقيد الدكتور د. المتحدث الناطق السفير رئيسة الرئيسة البابا الإمام آية الله
""".split())

_STOP = frozenset(normalize(w) for w in STOPWORD_LIST) | TITLES


def skeleton(word: str) -> str:
    """Transliteration-tolerant key of one normalized name word: ال dropped, final -ng folded to -n,
    غ/ج/ق/ك made one letter, long vowels after the first letter dropped (جونغ = جون, أون = اون)."""
    w = word[2:] if word.startswith("ال") and len(word) > 4 else word
    for ng in ("نغ", "نج", "نك", "نق"):
        if w.endswith(ng) and len(w) > 2:
            w = w[:-1]
    w = w.translate(_FOLD)
    return w[:1] + "".join(c for c in w[1:] if c not in "اوي") if w else w


_FOLD = str.maketrans({"غ": "ك", "ج": "ك", "ق": "ك", "ة": "ه", "ى": "ي", "ـ": None, "-": None})


def name_words(surface: str) -> list[str]:
    """Normalized words of a mention with leading titles/roles and the clitic و split off."""
    words = [w for w in normalize(surface).replace("-", " ").split() if w]
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return words


@lru_cache(maxsize=200_000)
def name_word_tuple(surface: str) -> tuple[str, ...]:
    """``name_words`` as a tuple, cached (a store's entity merge asks for the same surfaces a million times)."""
    return tuple(name_words(surface))


@lru_cache(maxsize=200_000)
def name_key(surface: str) -> tuple[str, ...]:
    """The transliteration-tolerant key of a mention (cached: a store repeats the same surfaces a million times)."""
    return tuple(skeleton(w) for w in name_word_tuple(surface))


@lru_cache(maxsize=1)
def _gazetteer_keys() -> dict[tuple[str, ...], dict[str, Any]]:
    """Curated records by the exact normalized words of their names and aliases (no skeleton: "أوروبا" and
    "أروبا" share one)."""
    from ..resources.gazetteer import records

    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for r in records():
        for name in (r["ar"], *r.get("aliases", [])):
            out.setdefault(tuple(name_words(name)), r)
    return out


def _is_part(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """``short`` is a proper short form of ``full``: one of its words, or its words in order."""
    if len(short) >= len(full):
        return False
    it = iter(full)
    return all(w in it for w in short)


Item = tuple[int, str, Mention, str, "str | None"]  # (order, article id, mention, surface, story id)
Key = tuple[str, ...]


@dataclass(slots=True)
class _Name:
    """One name key's mentions and what the merge decides on (kept up to date as mentions arrive)."""

    key: Key
    mentions: list[Item] = field(default_factory=list)
    types: Counter[str] = field(default_factory=Counter)
    stories: Counter[str | None] = field(default_factory=Counter)
    loose: frozenset[frozenset[str]] = frozenset()  # its spellings (``_spelling``), while it is a person
    loose_union: frozenset[str] = frozenset()
    person: bool = False
    # where its mentions went at the last merge: (bucket key, the mentions sent there)
    sent: list[tuple[Key, list[Item]]] = field(default_factory=list)

    @property
    def last(self) -> int:
        return self.mentions[-1][0]

    def rank(self) -> tuple[int, int]:
        return len(self.mentions), self.last


@dataclass(slots=True)
class _Built:
    """The counts an entity is made from, over its mentions in order; mentions added later only add to them."""

    key: Key
    first: int = -1
    last: int = -1
    full: Counter[str] = field(default_factory=Counter)  # spellings with as many words as the key
    spellings: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    mentions: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, items: list[Item]) -> None:
        """Count ``items``, which come after every mention counted so far (ordered)."""
        if self.first < 0:
            self.first = items[0][0]
        self.last = items[-1][0]
        n = len(self.key)
        self.full.update(t for _, _, _, t, _ in items if len(name_key(t)) == n)
        self.spellings.update(item[3] for item in items)
        self.types.update(item[2].type for item in items)
        # a new list: the entities made before keep theirs
        self.mentions = [*self.mentions, *({"article": a, "start": m.start, "end": m.end} for _, a, m, _, _ in items)]

    def entity(self, gaz: dict[tuple[str, ...], dict[str, Any]]) -> dict[str, Any]:
        # the most frequent full-length spelling, the first seen on a tie (Counter keeps first-seen order)
        name = (self.full or self.spellings).most_common(1)[0][0]
        record = gaz.get(name_word_tuple(name))
        typ = record["type"] if record else self.types.most_common(1)[0][0]
        if record and record["type"] == "PERS":
            name = record["ar"]  # the curated full spelling of a person
        entity: dict[str, Any] = {"type": typ, "name": name, "variants": list(self.spellings),
                                  "mentions": self.mentions}
        if record:
            entity["name_en"] = record["en"]
        return entity


class EntityMerger:
    """``merge_entities`` kept up to date as articles arrive: ``add`` new articles' mentions, read ``entities``.

    Mentions group by their transliteration-tolerant key; a person's short form ("كيم", "بوتين") joins the full
    name containing it that is most frequent in the same story (then overall), most recent on a tie; distinct full
    names of persons are never merged with each other. ``add`` redoes only the decisions the new mentions can
    change: those of the names they fall under and of the shorter names inside those (a short form's candidates
    are the names holding its words); then it rebuilds only the entities whose mentions changed. The result is
    the one a single ``add`` of all the articles gives (``merge_entities``), which a test checks batch by batch.
    """

    def __init__(self) -> None:
        self._gaz = _gazetteer_keys()
        self.names: dict[Key, _Name] = {}
        self._starting: dict[str, list[Key]] = {}  # first word -> the names starting with it
        self._order = 0
        self._holding: dict[str, set[Key]] = {}  # name word -> the person names holding it
        self._longer_of: dict[Key, Key] = {}  # a multi-word person name -> the longer name it belongs to
        self._buckets: dict[Key, dict[Key, list[Item]]] = {}  # entity key -> name key -> the mentions it sent
        self._entities: dict[Key, tuple[int, dict[str, Any]]] = {}  # entity key -> (first mention, entity)
        self.changed: set[Key] = set()  # entity keys whose entity was rebuilt, added or dropped by the last add
        self._built: dict[Key, _Built] = {}  # entity key -> the counts its entity is made from
        self._added: dict[Key, list[Item]] = {}  # this add: entity key -> mentions that joined it (none left)
        self._redone: set[Key] = set()  # this add: entity keys whose mentions changed otherwise

    # -- input
    def add(self, articles: Sequence[Article], stories: Sequence[dict[str, Any]] = ()) -> set[Key]:
        """Take the mentions of ``articles`` (in order, after all those added before); ``stories``: the story
        member spans of these articles. Returns the entity keys whose entity changed."""
        story_of = _story_index(stories)
        gaz = self._gaz
        touched: dict[Key, list[Item]] = {}
        for art in articles:
            for m in art.mentions:
                surface = art.text[m.start:m.end]
                key = name_key(surface)
                if not key:
                    continue
                alias = gaz.get(name_word_tuple(surface))
                if alias is not None:  # a known alias: group under the record's full name
                    key = name_key(alias["ar"])
                touched.setdefault(key, []).append((self._order, art.id, m, surface, story_of(art.id, m)))
                self._order += 1
        if not touched:
            self.changed = set()
            return self.changed
        for key, items in touched.items():
            name = self.names.get(key)
            if name is None:
                name = self.names[key] = _Name(key)
                self._starting.setdefault(key[0], []).append(key)
            name.mentions.extend(items)
            name.types.update(m.type for _, _, m, _, _ in items)
            name.stories.update(item[4] for item in items)
            person = name.types.most_common(1)[0][0] == "PERS"
            if person != name.person:
                name.person = person
                for w in dict.fromkeys(key):
                    held = self._holding.setdefault(w, set())
                    (held.add if person else held.discard)(key)
                # spellings are asked of persons only: kept while it is one, from all its mentions when it
                # becomes one
                name.loose, name.loose_union = frozenset(), frozenset()
                items = name.mentions if person else []
            if person:
                spellings = {_spelling(t) for t in {item[3] for item in items}}
                if not spellings <= name.loose:
                    name.loose = name.loose | spellings
                    name.loose_union = frozenset().union(*name.loose)
        redo = set(touched)
        if len(touched) < len(self.names):
            for key in touched:
                redo.update(self._inside(key))  # the shorter names whose candidates these are
        # multi-word person names: the longer name each belongs to. Every decision redone here reads only the
        # names holding the deciding name's words in order, so a name's decision can change only when one of
        # those is touched: the touched names and their short forms are all there is to redo (the longer names a
        # chain of ``_longer_of`` runs through are longer forms of its start too)
        for key in redo:
            name = self.names[key]
            best = None
            if name.person and len(key) > 1:
                cands = self._longer(name)
                if cands:
                    best = max(cands, key=lambda f: f.rank()).key
            if best is None:
                self._longer_of.pop(key, None)
            else:
                self._longer_of[key] = best
        self.changed, self._added, self._redone = set(), {}, set()
        for key in sorted(redo, key=lambda k: self.names[k].mentions[0][0]):
            self._send(self.names[key])
        self._rebuild()
        return self.changed

    def _inside(self, key: Key) -> Iterator[Key]:
        """The known names that are a proper short form of ``key`` (its words in order, fewer of them)."""
        words = key
        if len(words) > 12:
            # 4 095 subsequences: a longer "name" is a tagging accident; try the names that start with one of its
            # words (trying every name was a second per merge at 100k articles)
            for w in dict.fromkeys(words):
                yield from (k for k in self._starting.get(w, ()) if _is_part(k, key))
            return
        seen = set()
        for size in range(1, len(words)):
            for part in combinations(words, size):
                if part not in seen and part in self.names:
                    seen.add(part)
                    yield part

    def _holders(self, key: Key) -> list[_Name]:
        sets = sorted((self._holding.get(w, set()) for w in dict.fromkeys(key)), key=len)
        return [self.names[k] for k in sets[0] if all(k in s for s in sets[1:])] if sets else []

    def _longer(self, name: _Name) -> list[_Name]:
        return [f for f in self._holders(name.key) if _is_part(name.key, f.key)
                and any(w <= f.loose_union for w in name.loose)]

    def _final(self, key: Key) -> Key:
        while key in self._longer_of:
            key = self._longer_of[key]
        return key

    def _send(self, name: _Name) -> None:
        """Decide where ``name``'s mentions go, moving them between entity buckets."""
        sent: list[tuple[Key, list[Item]]] = []
        fulls = self._longer(name) if len(name.key) == 1 and name.person else []
        if not fulls:
            sent.append((self._final(name.key), list(name.mentions)))
        else:
            by_story: dict[str | None, list[Item]] = {}
            for item in name.mentions:
                by_story.setdefault(item[4], []).append(item)
            # the full name most frequent in the story, then most frequent, then most recent (no ties: a
            # mention's order is unique); found from whichever side is smaller, the fulls' stories or the
            # stories times the fulls (a common first name has many fulls, a long-running person many stories)
            overall = max(fulls, key=lambda f: f.rank())
            in_story: dict[str | None, list[_Name]] = {}
            if sum(len(f.stories) for f in fulls) < len(fulls) * len(by_story):
                for f in fulls:
                    for sid in f.stories:
                        if sid is not None and sid in by_story:
                            in_story.setdefault(sid, []).append(f)
            else:
                for sid in by_story:
                    if sid is not None:
                        in_story[sid] = [f for f in fulls if f.stories[sid]]
            per_target: dict[Key, list[Item]] = {}
            for sid, items in by_story.items():
                present = in_story.get(sid)
                best = max(present, key=lambda f, sid=sid: (f.stories[sid], *f.rank())) if present else overall
                per_target.setdefault(self._final(best.key), []).extend(items)
            sent.extend(per_target.items())
        old = dict(name.sent)
        for target, items in sent:
            before = old.pop(target, [])
            n = len(before)
            # what it sent there before is still the start of what it sends (by mention order): only additions
            kept = n <= len(items) and all(x[0] == y[0] for x, y in zip(before, items[:n], strict=True))
            if kept and n == len(items):
                continue  # the same mentions
            self._buckets.setdefault(target, {})[name.key] = items
            self.changed.add(target)
            if kept:
                self._added.setdefault(target, []).extend(items[n:])
            else:
                self._redone.add(target)
        for target in old:  # no longer sent there
            del self._buckets[target][name.key]
            self.changed.add(target)
            self._redone.add(target)
        name.sent = sent

    def _rebuild(self) -> None:
        for key in self.changed:
            built = self._built.get(key)
            added = sorted(self._added.get(key, ()), key=lambda x: x[0])
            if built is not None and key not in self._redone and added and added[0][0] > built.last:
                built.extend(added)  # only later mentions joined it: the counts go on from where they were
            else:
                items = [item for items in self._buckets.get(key, {}).values() for item in items]
                if not items:
                    self._buckets.pop(key, None)
                    self._built.pop(key, None)
                    self._entities.pop(key, None)
                    continue
                built = self._built[key] = _Built(key)
                built.extend(sorted(items, key=lambda x: x[0]))
            self._entities[key] = (built.first, built.entity(self._gaz))

    # -- output
    def entities(self) -> list[dict[str, Any]]:
        """SPEC ``entities`` (ids E1, E2, ... in the order of their first mention); each call makes new dicts."""
        ordered = sorted(self._entities.values(), key=lambda x: x[0])
        return [{"id": f"E{i}", **e} for i, (_, e) in enumerate(ordered, 1)]

    def get(self, key: Key) -> tuple[int, dict[str, Any]] | None:
        """(first mention's order, entity without id) of an entity key, or None when no entity has it."""
        return self._entities.get(key)

    def keyed(self) -> list[tuple[Key, dict[str, Any]]]:
        """(entity key, entity without id) in the order of their first mention; the dicts are the merger's own,
        the same object until the entity changes."""
        return [(k, e) for k, (_, e) in sorted(self._entities.items(), key=lambda x: x[1][0])]


def merge_entities(articles: Sequence[Article], stories: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """SPEC ``entities``: the mentions of all articles grouped into one entity per referent (see ``EntityMerger``,
    which keeps such a merge up to date as articles arrive)."""
    merger = EntityMerger()
    merger.add(articles, stories)
    return merger.entities()


@lru_cache(maxsize=200_000)
def _spelling(surface: str) -> frozenset[str]:
    """The loose words of a name (only whether one name's words are among another's is asked of them)."""
    return frozenset(_loose(w) for w in name_word_tuple(surface))


@lru_cache(maxsize=200_000)
def _loose(word: str) -> str:
    """A name word with ال, a final -ng and غ/ج/ق/ك differences folded, but its vowels kept: stricter than
    ``skeleton`` for matching a bare name to a longer one ("الساعدي" is not "سعاد")."""
    w = word[2:] if word.startswith("ال") and len(word) > 4 else word
    for ng in ("نغ", "نج", "نك", "نق"):
        if w.endswith(ng) and len(w) > 2:
            w = w[:-1]
    return w.translate(_FOLD)


def _story_index(stories: Sequence[dict[str, Any]]) -> Any:
    """(article id, mention) -> story id, from the stories' member spans (None when no story holds it)."""
    members: dict[str, list[tuple[int, int, str]]] = {}
    for s in stories:
        for m in s.get("members", []):
            members.setdefault(m["article"], []).append((m["start"], m["end"], s["id"]))

    def story_of(article: str, mention: Mention) -> str | None:
        for a, b, sid in members.get(article, []):
            if a <= mention.start and mention.end <= b:
                return sid
        return None

    return story_of
