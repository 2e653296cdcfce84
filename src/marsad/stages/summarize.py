"""Extractive multi-document summary of a story: 5–8 of its claims, central and not redundant, in order.

Centrality is continuous LexRank over the claims' sentence vectors, raised for claims that many articles carry
(their fact group) and for the first sentences of an article (news leads). Sentences are then picked by maximal
marginal relevance, never two of one fact group and never two near-identical ones. The summary shows each pick
as its group's earliest wording, in the order the story happened to be reported: the publication date of the
earliest article that carries it, then its position. Every sentence cites all the claims of its fact group.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .claims import Claim, StoryClaims
from .corroborate import group_claims

SIZE_MIN, SIZE_MAX = 5, 8
MMR_LAMBDA = 0.7  # weight of centrality against redundancy with what is already picked
REDUNDANT = 0.75  # cosine above which a candidate repeats a picked sentence
MAX_WORDS = 60  # longer sentences are run-ons or lists, poor summary sentences
EDGE_MIN = 0.2  # cosines below this are no evidence of shared content
DAMPING = 0.85
LEAD_BONUS = 0.15  # the first two sentences of a news article are its lead


def lexrank(similarity: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Stationary distribution of a random walk over the similarity graph (continuous LexRank)."""
    n = similarity.shape[0]
    if n == 0:
        return np.zeros(0)
    weights = np.where(similarity >= EDGE_MIN, similarity, 0.0).astype(np.float64)
    np.fill_diagonal(weights, 0.0)
    rows = weights.sum(axis=1, keepdims=True)
    transition = np.where(rows > 0, weights / np.maximum(rows, 1e-12), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        rank = (1 - DAMPING) / n + DAMPING * (transition.T @ rank)
    return rank


def size_for(view: StoryClaims) -> int:
    """More articles, longer summary: 5 sentences for one article, up to 8."""
    articles = len({c.unit for c in view.claims})
    return max(SIZE_MIN, min(SIZE_MAX, articles + 3))


def summarize(view: StoryClaims, groups: list[list[int]] | None = None,
              size: int | None = None) -> list[dict[str, Any]]:
    """SPEC ``Story.summary``: ``[{"text", "citations", "span"}]`` (``span``: the sentence shown)."""
    claims, sim = view.claims, view.similarity
    if not claims:
        return []
    groups = group_claims(view) if groups is None else groups
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    support = [len({claims[i].article for i in groups[group_of[c.index]]}) for c in claims]
    rank = lexrank(sim)
    score = rank * np.array([(1 + 0.3 * math.log2(s)) * (1 + LEAD_BONUS if c.position <= 2 else 1.0)
                             for c, s in zip(claims, support, strict=True)])
    score = score / max(float(score.max()), 1e-12)
    eligible = [c.index for c in claims
                if len(c.text.split()) <= MAX_WORDS and not c.text.rstrip().endswith(("?", "؟"))]
    size = size or size_for(view)
    picked: list[int] = []
    used_groups: set[int] = set()
    while len(picked) < size:
        best, best_value = None, -math.inf
        for i in eligible:
            if group_of[i] in used_groups:
                continue
            overlap = max((float(sim[i, j]) for j in picked), default=0.0)
            if overlap >= REDUNDANT:
                continue
            value = MMR_LAMBDA * float(score[i]) - (1 - MMR_LAMBDA) * overlap
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        picked.append(best)
        used_groups.add(group_of[best])

    out = []
    for i in picked:
        members = sorted((claims[j] for j in groups[group_of[i]]), key=Claim.sort_key)
        shown = members[0]  # the earliest wording: the original of a copied passage
        out.append((shown.sort_key(), {
            "text": shown.text,
            "citations": [c.span() for c in members],
            "span": shown.span(),
            "articles": len({c.article for c in members}),
        }))
    return [entry for _, entry in sorted(out, key=lambda kv: kv[0])]
