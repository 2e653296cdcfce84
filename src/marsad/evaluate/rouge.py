"""ROUGE-1/2 for Arabic summaries: n-gram overlap after matching normalization.

``rouge-score``'s default tokenizer keeps only Latin letters and digits, so Arabic text scores zero. Here words are
the matching forms marsad uses everywhere (alef/ya/ta-marbuta/digits normalized, diacritics removed) with the
conjunction and article proclitics stripped ("والسد" = "السد" = "سد"): the light stemming ROUGE's Porter option
does for English. Counts are clipped as in ROUGE (an n-gram matches at most as often as the reference has it).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..stages.normalize import normalize
from ..units import match_form

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Rouge:
    precision: float
    recall: float
    f1: float


def tokenize(text: str) -> list[str]:
    """Matching forms of the words of ``text`` (what ROUGE counts)."""
    return [match_form(w) for w in _WORD.findall(normalize(text))]


class ArabicTokenizer:
    """``tokenize`` in the shape ``rouge_score.rouge_scorer.RougeScorer(tokenizer=…)`` expects."""

    def tokenize(self, text: str) -> list[str]:
        return tokenize(text)


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(candidate: str, reference: str, n: int) -> Rouge:
    cand, ref = _ngrams(tokenize(candidate), n), _ngrams(tokenize(reference), n)
    overlap = sum((cand & ref).values())
    p = overlap / max(1, sum(cand.values()))
    r = overlap / max(1, sum(ref.values()))
    return Rouge(p, r, 2 * p * r / (p + r) if p + r else 0.0)
