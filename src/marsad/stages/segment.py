"""Sentence segmentation for Arabic news text.

Sentences end at ``.``, ``!``, ``?``, ``؟``, ``…``/``...`` and at paragraph ends. Quotes (« », “ ”, „ “, " ")
are kept whole, so a multi-sentence quote stays one sentence; a quote that closes right after a sentence end
(«انتهى.» ثم) ends the sentence, closing mark included. No split at "،", inside numbers ("3.5"), after
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
# where anything can happen: quotes and terminators (everything else is skipped in one regex step)
_EVENTS = re.compile("[" + re.escape(_OPEN_QUOTES + _CLOSE_QUOTES + '"' + "".join(sorted(_TERMINATORS))) + "]")
_WORD_CHAR = re.compile(r"\w")


def _token_before(text: str, i: int) -> str:
    """The run of non-space characters that ends at ``text[i]`` (exclusive); "" after a space."""
    k = i
    while k > 0 and not text[k - 1].isspace():
        k -= 1
    return text[k:i]


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
        token = _token_before(text, i).lstrip("(«“\"'")
        if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            return False
        if "." in token and all(len(p) <= 1 for p in token.split(".")):
            return False  # "أ.ف" of "أ.ف.ب"
    if nxt and not (nxt.isspace() or nxt in _CLOSERS):
        return False  # "3.5", "www.site", "؟!" handled by the loop taking runs of terminators
    return True


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans (trimmed) of ``text[start:end]``, one paragraph without newlines inside.

    A quote still open at the paragraph end (a typo, or a quote running on into the next paragraph) is not kept
    whole: its opening mark is ignored and the paragraph is split again.
    """
    ignored: set[int] = set()
    while True:
        spans, unclosed = _split(text, start, end, ignored)
        if unclosed is None:
            return spans
        ignored.add(unclosed)


def _split(text: str, start: int, end: int, ignored: set[int]) -> tuple[list[Span], int | None]:
    """Sentence spans and the position of the first quote left open at ``end`` (None when all are closed)."""
    spans: list[Span] = []
    open_quotes: list[int] = []  # positions of the open curly/angle quotes, innermost last
    straight: int | None = None  # position of an open straight quote '"'
    sent_start = start
    i = start
    while True:
        m = _EVENTS.search(text, i, end)
        if m is None:
            break
        i = m.start()
        ch = text[i]
        if ch in _TERMINATORS:
            if not open_quotes and straight is None and _is_boundary(text, i, end):
                j = i + 1
                while j < end and (text[j] in _TERMINATORS or text[j] in _CLOSERS):
                    j += 1
                spans.extend(_trim(text, sent_start, j))
                sent_start = i = j
                continue
        elif i not in ignored:
            closed = False
            if ch == '"':
                closed = straight is not None
                straight = None if closed else i
            elif open_quotes and (ch in _CLOSE_QUOTES or (ch == "“" and text[open_quotes[-1]] == "„")):
                open_quotes.pop()
                closed = True
            elif ch in _OPEN_QUOTES:
                open_quotes.append(i)
            # a closing mark with nothing open is a stray (or a reversed opening mark): it changes nothing
            if closed and not open_quotes and straight is None:
                j = _sentence_end_after_quote(text, start, i, end)
                if j is not None:
                    spans.extend(_trim(text, sent_start, j))
                    sent_start = i = j
                    continue
        i += 1
    spans.extend(_trim(text, sent_start, end))
    unclosed = [p for p in (open_quotes[0] if open_quotes else None, straight) if p is not None]
    return spans, min(unclosed) if unclosed else None


def _sentence_end_after_quote(text: str, start: int, i: int, end: int) -> int | None:
    """A quote that closes at ``text[i]`` right after a sentence end ends the sentence too ("«انتهى.» ثم"): where
    the sentence ends (after the closing marks), or None."""
    k = i - 1
    while k > start and (text[k] in _CLOSERS or text[k].isspace()):
        k -= 1
    if text[k] not in _TERMINATORS or not _is_boundary(text, k, end):
        return None
    j = i + 1
    while j < end and (text[j] in _TERMINATORS or text[j] in _CLOSERS):
        j += 1
    if j < end and not text[j].isspace():
        return None
    return j


def _trim(text: str, start: int, end: int) -> list[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and _WORD_CHAR.search(text, start, end):
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
