"""Sentence segmentation for Arabic news text.

Sentences end at ``.``, ``!``, ``?``, ``؟``, ``…``/``...`` and at paragraph ends. Quotes (« », “ ”, „ “, " ")
are kept whole, so a multi-sentence quote stays one sentence. No split at "،", inside numbers ("3.5"), after
one-letter abbreviations ("د.", "م.", "أ.ف.ب") or at a headline's ".." separator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from ..doc import Article, Span
from ..options import Options

_OPEN_QUOTES = "«“„‹"
_CLOSE_QUOTES = "»”›"
_CLOSERS = set("»”\"')]›’")
_TERMINATORS = set(".!?؟…")
# abbreviations written with a dot that do not end a sentence (normalized spelling is not needed: short list)
ABBREVIATIONS = frozenset({"د", "م", "ص", "ق", "هـ", "ه", "ت", "ج", "أ", "ا", "ش", "ط", "س", "ب", "ف", "ع", "ك",
                           "ل", "ن", "ر", "إ", "ي", "و", "Dr", "Mr", "Mrs", "St", "No", "etc", "vs", "ج.م"})
_TOKEN_BEFORE = re.compile(r"(\S+)$")


def _is_boundary(text: str, i: int, end: int) -> bool:
    """Is the terminator at ``text[i]`` the end of a sentence? ``end`` bounds the paragraph."""
    ch = text[i]
    nxt = text[i + 1] if i + 1 < end else ""
    if ch == ".":
        prev = text[i - 1] if i > 0 else ""
        if prev == "." or nxt == ".":
            # ".." (headline separator) is no boundary; "..." is, unless a further dot follows
            if text[i - 2:i + 1] == "..." and nxt != ".":
                return True
            return False
        if prev.isdigit() and nxt.isdigit():
            return False  # decimal
        m = _TOKEN_BEFORE.search(text, 0, i)
        token = m.group(1) if m else ""
        token = token.lstrip("(«“\"'")
        if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            return False
        if "." in token and all(len(p) <= 1 for p in token.split(".")):
            return False  # "أ.ف" of "أ.ف.ب"
    if nxt and not (nxt.isspace() or nxt in _CLOSERS):
        return False  # "3.5", "www.site", "؟!" handled by the loop taking runs of terminators
    return True


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans (trimmed) of ``text[start:end]``, one paragraph without newlines inside."""
    spans: list[Span] = []
    depth = 0
    straight_open = False
    sent_start = start
    i = start
    while i < end:
        ch = text[i]
        if ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
        elif ch == '"':
            straight_open = not straight_open
        elif ch in _TERMINATORS and depth == 0 and not straight_open and _is_boundary(text, i, end):
            j = i + 1
            while j < end and (text[j] in _TERMINATORS or text[j] in _CLOSERS):
                j += 1
            spans.extend(_trim(text, sent_start, j))
            sent_start = j
            i = j
            continue
        i += 1
    spans.extend(_trim(text, sent_start, end))
    return spans


def _trim(text: str, start: int, end: int) -> list[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and re.search(r"\w", text[start:end]):
        return [Span(start, end)]
    return []


def sentences_of(text: str, paragraphs: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for p in paragraphs:
        pos = p.start
        for line in text[p.start:p.end].split("\n"):
            out.extend(split_sentences(text, pos, pos + len(line)))
            pos += len(line) + 1
    return out


class Segment:
    """Pipeline stage: ``sentences`` of the main body and of every glued part (in text order)."""

    name: ClassVar[str] = "segment"
    requires: ClassVar[frozenset[str]] = frozenset({"body", "parts"})
    provides: ClassVar[frozenset[str]] = frozenset({"sentences"})

    def __call__(self, article: Article, options: Options) -> Article:
        spans = sentences_of(article.text, article.body)
        for part in article.parts:
            spans.extend(sentences_of(article.text, part.body))
        article.sentences = sorted(spans)
        return article
