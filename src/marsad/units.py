"""Analysed units: the main body of an article, or a glued article part (SPEC ``parts``), as token streams.

Reuse detection and story clustering work on units, so a glued article is matched and clustered on its own. A
unit's tokens are matching forms of its body words (normalized, with the conjunction and article proclitics
stripped), each with its raw character span — boilerplate (removed spans) is never part of a unit.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from itertools import accumulate

from .doc import Article, Span
from .stages.normalize import normalize_with_map

_WORD = re.compile(r"[^\W_]+")
_GAP = re.compile(r"([\W_]+)")  # the complement of _WORD, captured: re.split keeps it
# proclitics stripped for matching only, longest first: "والصواريخ" / "الصواريخ" / "صواريخ" match
_PROCLITICS = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال", "و", "ف")


_PROCLITIC_FIRST = frozenset(p[0] for p in _PROCLITICS)


def match_form(word: str) -> str:
    """A normalized word without a leading conjunction/article, when enough of the word remains."""
    # fast path: no proclitic starts with this letter, or too short to keep 3 letters after one
    if len(word) < 4 or word[0] not in _PROCLITIC_FIRST:
        return word
    for p in _PROCLITICS:
        if word.startswith(p) and len(word) - len(p) >= 3:
            return word[len(p):]
    return word


class _MatchForms(dict[str, str]):
    """word -> match_form(word), filled on first use (bounded): ``tokenize`` maps words through it in C."""

    def __missing__(self, word: str) -> str:
        form = match_form(word)
        if len(self) < 500_000:
            self[word] = form
        return form


_match_forms = _MatchForms()


@dataclass(slots=True)
class Unit:
    """One analysed text: ``id`` is the article id, or the part id ("001#2") for a glued part."""

    id: str
    article: str
    outlet: str | None
    published: str | None
    title: str | None
    spans: list[Span]
    sentences: list[Span] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    starts: array = field(default_factory=lambda: array("l"))
    ends: array = field(default_factory=lambda: array("l"))
    blocks: array = field(default_factory=lambda: array("l"))  # text block of each token (see ``tokenize``)

    @property
    def extent(self) -> Span:
        return Span(self.spans[0].start, self.spans[-1].end) if self.spans else Span(0, 0)

    def raw_span(self, first: int, last: int) -> Span:
        """The raw span from token ``first`` to token ``last`` (inclusive)."""
        return Span(self.starts[first], self.ends[last])

    def token_range(self, span: Span) -> tuple[int, int]:
        """Indices ``[i, j)`` of the tokens inside the raw ``span``."""
        from bisect import bisect_left, bisect_right

        return bisect_left(self.starts, span.start), bisect_right(self.ends, span.end)


def tokenize(text: str, spans: list[Span]) -> tuple[list[str], array, array, array]:
    """Matching-form tokens of the spans, their raw starts and ends, and their block: a new block begins where
    removed text (a caption, a link list) lies between two spans, so no passage is matched across it."""
    tokens: list[str] = []
    starts = array("l")
    ends = array("l")
    blocks = array("l")
    block = 0
    previous_end = None
    for span in spans:
        if previous_end is not None and text[previous_end:span.start].strip():
            block += 1
        previous_end = span.end
        norm = normalize_with_map(text[span.start:span.end])
        # words and the non-word runs between them, alternating (word, gap, word, ..., word; the first and last
        # word may be empty); their cumulative lengths are the offsets, so no per-word Python code runs
        parts = _GAP.split(norm.text)
        identity = norm.map.identity
        offsets = list(accumulate(map(len, parts), initial=span.start if identity else 0))
        lo = 1 if not parts[0] else 0
        hi = len(parts) // 2 + (1 if parts[-1] else 0)
        if hi <= lo:
            continue
        words = parts[0::2][lo:hi]
        if identity:  # the common case: offsets need no map
            starts.extend(offsets[0::2][lo:hi])
            ends.extend(offsets[1::2][lo:hi])
        else:
            to_raw = norm.map.span_to_raw
            for s, e in zip(offsets[0::2][lo:hi], offsets[1::2][lo:hi], strict=True):
                rs, re_ = to_raw(s, e)
                starts.append(span.start + rs)
                ends.append(span.start + re_)
        tokens.extend(map(_match_forms.__getitem__, words))
        blocks.extend(array("l", [block]) * len(words))
    return tokens, starts, ends, blocks


def units_of(article: Article) -> list[Unit]:
    """The main body unit (when it has text) and one unit per glued part."""
    units: list[Unit] = []
    regions = [(article.id, article.body, article.published, article.title)]
    regions += [(p.id, p.body, p.published, p.title) for p in article.parts]
    for unit_id, spans, published, title in regions:
        if not spans:
            continue
        lo, hi = spans[0].start, spans[-1].end
        unit = Unit(unit_id, article.id, article.outlet, published, title, list(spans),
                    [s for s in article.sentences if lo <= s.start and s.end <= hi and article.in_analysed_text(s)])
        unit.tokens, unit.starts, unit.ends, unit.blocks = tokenize(article.text, spans)
        units.append(unit)
    return units
