"""Publication date: from metadata, else from the text (explicit dates, then weekday consistency).

Glued article parts get their own date the same way, from their own text and the link block printed just
before them (a related-articles block carries the dates of its neighbours).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import ClassVar

from ..doc import Article, Span
from ..options import Options
from ..resources.arabic_time import MONTHS, WEEKDAYS
from .normalize import normalize, normalize_with_map


@dataclass(frozen=True, slots=True)
class FoundDate:
    value: date
    start: int  # raw offsets
    end: int


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], dict[str, int], dict[str, int]]:
    months = {normalize(k): v for k, v in MONTHS.items()}
    weekdays = {normalize(k): v for k, v in WEEKDAYS.items()}
    month_alt = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    # "13 سبتمبر 2023", "13 يونيو/حزيران 2024", "13 من سبتمبر (أيلول) 2023", "13 ايلول، 2023"
    named = re.compile(
        rf"(?<!\d)(\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?P<m>{month_alt})"
        rf"(?:\s*[/(-]\s*(?:{month_alt})\s*\)?)?\s*[,،]?\s*(?:عام\s+|سنه\s+)?(?P<y>\d{{4}})(?!\d)"
    )
    numeric = re.compile(r"(?<!\d)(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}))(?!\d)")
    weekday_alt = "|".join(sorted((re.escape(w) for w in weekdays), key=len, reverse=True))
    # "الاثنين الماضي" / "الجمعة المقبلة" names a day that is not the publication day
    other_week = "|".join(re.escape(normalize(w + end)) for w in ("الماضي", "الفائت", "المنصرم", "السابق", "المقبل",
                                                                    "القادم") for end in ("ة", ""))
    # "اليوم الأربعاء", "أمس الثلاثاء", "أول أمس", "غداً الخميس": the day named relative to the publication day
    relative = "|".join(re.escape(normalize(w)) for w in ("أول من أمس", "أول أمس", "أمس", "اليوم", "غداً"))
    weekday = re.compile(
        rf"(?<![^\s(\"'«“,.-])(?:(?:و|ف)?(?P<rel>{relative})\s+)?(?:و|ب|ف)?(?P<day>{weekday_alt})"
        rf"(?![^\s)\"'»”,.;:-])(?!\s+(?:{other_week})(?!\w))(?P<label>[\s,(]*\d)?"
    )
    return named, numeric, weekday, months, weekdays


def _valid(y: int, m: int, d: int) -> date | None:
    if not 1900 <= y <= 2100:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[FoundDate]:
    """Full explicit dates (day, month, year) in ``text[start:end]``, with raw offsets."""
    named, numeric, _, months, _ = _patterns()
    end = len(text) if end is None else end
    norm = normalize_with_map(text[start:end])
    found: list[FoundDate] = []
    for m in named.finditer(norm.text):
        value = _valid(int(m.group("y")), months[m.group("m")], int(m.group(1)))
        if value:
            s, e = norm.map.span_to_raw(m.start(), m.end())
            found.append(FoundDate(value, start + s, start + e))
    for m in numeric.finditer(norm.text):
        if m.group(1):
            value = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        else:  # day-month-year, as Arabic outlets write it
            value = _valid(int(m.group(6)), int(m.group(5)), int(m.group(4)))
        if value:
            s, e = norm.map.span_to_raw(m.start(), m.end())
            found.append(FoundDate(value, start + s, start + e))
    return sorted(found, key=lambda f: f.start)


# publication day = named day + offset
_RELATIVE_OFFSET = {normalize("أول من أمس"): 2, normalize("أول أمس"): 2, normalize("أمس"): 1, normalize("اليوم"): 0,
                    normalize("غداً"): -1}


def weekdays_in(text: str, spans: list[Span]) -> set[int]:
    """The weekdays the publication day may be, by the weekdays ``text`` names in ``spans``.

    A day named relative to today ("اليوم الأربعاء", "أمس الثلاثاء" -> Wednesday) says it outright, and such
    days win over plain mentions ("الجمعة"). Not counted: a day qualified as last or next week ("الاثنين
    الماضي") and a day that labels an explicit date ("الثلاثاء 14 أكتوبر"), which dates that event, not the text.
    """
    _, _, weekday, _, weekdays = _patterns()
    relative: set[int] = set()
    plain: set[int] = set()
    for span in spans:
        for m in weekday.finditer(normalize(text[span.start:span.end])):
            day = weekdays[m.group("day")]
            if m.group("rel"):
                relative.add((day + _RELATIVE_OFFSET[m.group("rel")]) % 7)
            elif not m.group("label"):
                plain.add(day)
    return relative or plain


def estimate_date(text: str, spans: list[Span], context: list[Span] | None = None,
                  not_after: date | None = None) -> date | None:
    """The publication date a text implies: a date in its opening lines (a dateline), else the latest explicit
    date in it or, failing that, in its context; moved forward to the first day that agrees with the weekdays
    the text names ("الجمعة" in a text dated Thursday the 21st means Friday the 22nd)."""
    if not spans:
        return None
    limit = not_after or date.today() + timedelta(days=1)
    dates = [f for s in spans for f in find_dates(text, s.start, s.end) if f.value <= limit]
    opening_end = spans[0].start + 300
    opening = [f for f in dates if f.start < opening_end]
    if opening:
        anchor = opening[0].value
    elif dates:
        anchor = max(f.value for f in dates)
    else:
        ctx = [f for s in context or [] for f in find_dates(text, s.start, s.end) if f.value <= limit]
        if not ctx:
            return None
        anchor = max(f.value for f in ctx)
    days = weekdays_in(text, spans)
    if days and anchor.weekday() not in days:
        for k in range(1, 7):
            candidate = anchor + timedelta(days=k)
            if candidate.weekday() in days and candidate <= limit:
                return candidate
    return anchor


class PublicationDate:
    """Pipeline stage: ``published`` from the text when metadata has none, and each glued part's date."""

    name: ClassVar[str] = "pubdate"
    requires: ClassVar[frozenset[str]] = frozenset({"body", "parts", "removed"})
    provides: ClassVar[frozenset[str]] = frozenset({"published"})

    def __call__(self, article: Article, options: Options) -> Article:
        if not article.published:
            found = estimate_date(article.text, article.body)
            if found:
                article.published = found.isoformat()
                article.published_source = "text"
        for part in article.parts:
            if part.published:
                continue
            # the link block printed right before the part: the removed spans between the body and the part
            context = [Span(r.start, r.end) for r in article.removed
                       if r.end <= part.start and r.kind in {"related", "read_also", "tags", "caption"}
                       and not any(b.start > r.end for b in article.body)]
            found = estimate_date(article.text, part.body, context)
            if found:
                part.published = found.isoformat()
                part.published_source = "text"
        return article
