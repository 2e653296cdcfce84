"""Normalization for matching only, with an offset map back to the raw text.

Every normalizer is a pure ``str -> str`` function built from a character table (one character in, zero or more
out), so normalizers compose into one table and one ``str.translate`` pass, and the position of every output
character in the input is known exactly. The raw text is never replaced by its normalized form.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from ..doc import Article
from ..options import Options
from ..resources import charmap


class Normalizer:
    """A named character-table normalizer. Call it like a function: ``normalize_alef("أحمد") == "احمد"``."""

    def __init__(self, name: str, table: Mapping[str, str]) -> None:
        self.name = name
        self.table: dict[str, str] = dict(table)
        self._trans: dict[int, str] | list[int | str] = str.maketrans(self.table) if self.table else {}
        self._listed = False  # _trans becomes a list indexed by code point on first use (faster to translate)
        # characters whose replacement is not exactly one character: only these shift offsets
        changing = "".join(sorted(c for c, r in self.table.items() if len(r) != 1))
        self._changing = re.compile("[" + re.escape(changing) + "]") if changing else None
        self._out_len = {c: len(r) for c, r in self.table.items() if len(r) != 1}

    def _table(self) -> dict[int, str] | list[int | str]:
        if not self._listed:
            if self.table:
                # code point -> replacement, itself where unchanged; code points past the end raise IndexError,
                # which str.translate reads as "unchanged"
                listed: list[int | str] = list(range(max(map(ord, self.table)) + 1))
                for c, r in self.table.items():
                    listed[ord(c)] = r
                self._trans = listed
            self._listed = True
        return self._trans

    def __call__(self, text: str) -> str:
        return text.translate(self._trans if self._listed else self._table())

    def __repr__(self) -> str:
        return f"Normalizer({self.name!r}, {len(self.table)} chars)"

    def then(self, other: Normalizer) -> Normalizer:
        """This normalizer followed by ``other``, as one table."""
        table = {c: other(r) for c, r in self.table.items()}
        for c, r in other.table.items():
            table.setdefault(c, r)
        return Normalizer(f"{self.name}+{other.name}", table)

    def with_map(self, text: str) -> Normalized:
        """Normalize ``text`` and keep where each output character came from."""
        out = self(text)
        # identity unless a character that shifts offsets occurs (then the lengths may still agree: ﻻ + a mark)
        positions = [m.start() for m in self._changing.finditer(text)] if self._changing is not None else []
        if not positions:
            return Normalized(out, OffsetMap(text, None))
        ident = _identity(len(text))
        starts = array("i")
        pos = 0
        out_len = self._out_len
        for i in positions:
            starts += ident[pos:i]  # the unchanged stretch before i, copied in one go
            n_out = out_len[text[i]]
            if n_out:
                starts.extend([i] * n_out)
            pos = i + 1
        starts += ident[pos:len(text)]
        assert len(starts) == len(out), "offset map out of step with the normalized text"
        return Normalized(out, OffsetMap(text, starts))


_IDENTITY = array("i")
_IDENTITY_CACHED = 1 << 20  # code points: longer texts build their own


def _identity(n: int) -> array:
    """``array("i", range(m))`` for some ``m >= n``: a shared one for ordinary texts."""
    global _IDENTITY
    if n > _IDENTITY_CACHED:
        return array("i", range(n))
    if len(_IDENTITY) < n:
        _IDENTITY = array("i", range(min(max(n, 2 * len(_IDENTITY), 1 << 14), _IDENTITY_CACHED)))
    return _IDENTITY


def compose(*normalizers: Normalizer, name: str | None = None) -> Normalizer:
    result = normalizers[0]
    for n in normalizers[1:]:
        result = result.then(n)
    if name:
        result.name = name
    return result


normalize_alef = Normalizer("alef", charmap.ALEF)
normalize_ya = Normalizer("ya", charmap.YA)
normalize_ta_marbuta = Normalizer("ta_marbuta", charmap.TA_MARBUTA)
normalize_hamza = Normalizer("hamza", charmap.HAMZA)
normalize_letter_forms = Normalizer("letter_forms", charmap.KAF_HEH)
remove_diacritics = Normalizer("diacritics", charmap.DIACRITICS)
remove_tatweel = Normalizer("tatweel", charmap.TATWEEL)
normalize_digits = Normalizer("digits", charmap.DIGITS)
normalize_punctuation = Normalizer("punctuation", charmap.PUNCTUATION)
remove_invisible = Normalizer("invisible", charmap.INVISIBLE)
expand_presentation_forms = Normalizer("presentation_forms", charmap.PRESENTATION_FORMS)
lowercase_latin = Normalizer("lowercase_latin", {chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})

# The steps of the normalization used for all matching (reuse, search, entity merging), in order.
MATCHING_STEPS: tuple[Normalizer, ...] = (
    expand_presentation_forms,
    remove_invisible,
    remove_diacritics,
    remove_tatweel,
    normalize_alef,
    normalize_hamza,
    normalize_ya,
    normalize_ta_marbuta,
    normalize_letter_forms,
    normalize_digits,
    normalize_punctuation,
    lowercase_latin,
)
normalize_for_matching = compose(*MATCHING_STEPS, name="matching")


_MATCHING_TABLE = normalize_for_matching._table()


def normalize(text: str) -> str:
    """The matching form of ``text`` (pure ``str -> str``)."""
    return text.translate(_MATCHING_TABLE)


_TRAILING_MARKS = frozenset(charmap.DIACRITICS) | frozenset(charmap.TATWEEL)


class OffsetMap:
    """Maps positions of a normalized string to the raw string it came from, and back.

    ``starts[i]`` is the raw index of the character that produced normalized character ``i`` (an ``array("i")``:
    4 bytes a character); ``None`` means the normalization kept every position (at no cost).
    """

    __slots__ = ("raw", "starts")

    def __init__(self, raw: str, starts: array | None) -> None:
        self.raw = raw
        self.starts = starts

    @property
    def identity(self) -> bool:
        return self.starts is None

    def to_raw(self, i: int) -> int:
        """Raw position of normalized position ``i`` (``i == len(normalized)`` maps to ``len(raw)``)."""
        if self.starts is None:
            return i
        return self.starts[i] if i < len(self.starts) else len(self.raw)

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """The raw span that produced normalized ``[start, end)``; diacritics trailing its last letter included."""
        if self.starts is None:
            return start, end
        if end <= start:
            r = self.to_raw(start)
            return r, r
        raw_start = self.starts[start]
        raw_end = self.starts[end - 1] + 1
        raw = self.raw
        while raw_end < len(raw) and raw[raw_end] in _TRAILING_MARKS:
            raw_end += 1
        return raw_start, raw_end

    def to_norm(self, r: int) -> int:
        """Normalized position of raw position ``r`` (the first normalized character at or after it)."""
        if self.starts is None:
            return r
        return bisect_left(self.starts, r)

    def span_to_norm(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None:
            return start, end
        return bisect_left(self.starts, start), bisect_left(self.starts, end)


@dataclass(frozen=True, slots=True)
class Normalized:
    text: str
    map: OffsetMap


def normalize_with_map(text: str, normalizer: Normalizer = normalize_for_matching) -> Normalized:
    return normalizer.with_map(text)


def nfkc_safe(text: str) -> str:
    """Unicode NFKC, for display comparisons only (it may change lengths; never use it on spans)."""
    return unicodedata.normalize("NFKC", text)


class Normalize:
    """Pipeline stage: keeps the matching form of the article text and its offset map on the article.

    Other stages read ``article.normalized``; it is not part of the output.
    """

    name: ClassVar[str] = "normalize"
    requires: ClassVar[frozenset[str]] = frozenset({"text"})
    provides: ClassVar[frozenset[str]] = frozenset({"normalized"})

    def __call__(self, article: Article, options: Options) -> Article:
        if article.normalized is None:  # cleaning may have made it already
            article.normalized = normalize_with_map(article.text)
        return article
