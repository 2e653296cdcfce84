"""Word clusters from unlabeled text: PPMI co-occurrence -> truncated SVD -> k-means at two granularities.

    python training/ner/clusters.py [--data ../shared/data/ner] [--out src/marsad/models/ner/clusters.json]

The text is every token of ANERcorp *train*, WikiFANE and the Wojood sample (labels ignored; ANERcorp test is
never read), in marsad's matching normalization. Deterministic (fixed seed). The clusters give the CRF a notion
of "words used like this one" for names it never saw labelled.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import svds

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from marsad.evaluate.ner import read_conll  # noqa: E402
from marsad.stages.normalize import normalize  # noqa: E402

SEED = 13


def corpus(data: Path) -> list[list[str]]:
    files = [data / "anercorp" / "train.conll", data / "wikifane" / "wikifane.coarse.conll",
             *(data / "wojood_sample" / f"{s}.coarse.conll" for s in ("train", "val"))]
    return [[normalize(t) for t in toks] for f in files for toks, _ in read_conll(f)]


def kmeans(x: np.ndarray, k: int, rng: np.random.Generator, iters: int = 25) -> np.ndarray:
    centres = x[rng.choice(len(x), k, replace=False)].copy()
    labels = np.zeros(len(x), dtype=np.int64)
    for _ in range(iters):
        labels = np.argmax(x @ centres.T, axis=1)  # rows are unit vectors: cosine
        for c in range(k):
            members = x[labels == c]
            if len(members):
                v = members.sum(0)
                centres[c] = v / (np.linalg.norm(v) + 1e-9)
    return labels


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "marsad" / "models" / "ner" / "clusters.json")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--contexts", type=int, default=6000)
    ap.add_argument("--dims", type=int, default=120)
    args = ap.parse_args()
    t0 = time.time()
    sents = corpus(args.data)
    freq = Counter(w for s in sents for w in s)
    vocab = [w for w, c in freq.most_common() if c >= args.min_count]
    index = {w: i for i, w in enumerate(vocab)}
    ctx_index = {w: i for i, w in enumerate(vocab[: args.contexts])}
    rows, cols = [], []
    for s in sents:
        ids = [index.get(w, -1) for w in s]
        cids = [ctx_index.get(w, -1) for w in s]
        for i, wi in enumerate(ids):
            if wi < 0:
                continue
            for d in (-2, -1, 1, 2):  # position-aware contexts: left and right differ for names
                j = i + d
                if 0 <= j < len(s) and cids[j] >= 0:
                    rows.append(wi)
                    cols.append(cids[j] * 4 + (d + 2 if d < 0 else d + 1))
    m = sparse.coo_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)),
                          shape=(len(vocab), args.contexts * 4)).tocsr()
    m.sum_duplicates()
    total = m.sum()
    row_sum = np.asarray(m.sum(1)).ravel()
    col_sum = np.asarray(m.sum(0)).ravel() ** 0.75
    col_sum = col_sum / col_sum.sum()
    m = m.tocoo()
    pmi = np.log(m.data * 1.0 / (row_sum[m.row] / total) / col_sum[m.col] / total)
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)
    u, s, _ = svds(ppmi, k=args.dims, random_state=SEED)
    vec = u * np.sqrt(s)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-9
    rng = np.random.default_rng(SEED)
    coarse = kmeans(vec, 64, rng)
    fine = kmeans(vec, 512, rng)
    out = {w: [int(coarse[i]), int(fine[i])] for i, w in enumerate(vocab)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(vocab)} words clustered in {time.time() - t0:.0f}s -> {args.out}")


if __name__ == "__main__":
    main()
