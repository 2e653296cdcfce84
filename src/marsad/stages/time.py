"""Time expressions: recognised in the text and resolved against the publication date (SPEC ``times``).

Covers explicit dates (every regional month series, Eastern Arabic digits), Hijri dates (tabular calendar),
weekdays ("يوم الجمعة", "الاثنين الماضي"), اليوم/أمس/أول أمس/غداً, "الأسبوع/الشهر/العام الماضي|المقبل",
"منذ أربع سنوات", "قبل نحو أربعين عاماً", bare months ("في يونيو/حزيران": the latest such month not after the
publication), seasons, decades, centuries, ordinal days ("السادس والعشرين من الشهر الجاري") and years. A bare
weekday after a future verb ("ستصل يوم الخميس") is the coming one. Narrative anchoring: after a date more than a
week before publication, "في اليوم التالي" and bare weekdays count from it (anchor "previous"). Bare numbers
("40 ثانية", "عيار 122 ملم") are never dates. Tables live in ``marsad.resources.arabic_time``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import ClassVar

from ..doc import Article
from ..options import Options
from ..resources.arabic_time import (
    HIJRI_MONTHS,
    MONTHS,
    NARRATIVE_DAYS,
    NOT_FUTURE,
    NUMBER_WORDS,
    ORDINALS,
    SEASONS,
    WEEKDAYS,
)
from .normalize import Normalized, normalize, normalize_with_map
from .pubdate import find_dates


@dataclass(frozen=True, slots=True)
class TimeExpr:
    start: int  # raw offsets
    end: int
    value: str | None
    granularity: str  # day | week | month | year | interval
    anchor: str  # published | explicit | previous (counted from the date the narrative has reached)

    def to_dict(self, article: str) -> dict[str, object]:
        return {"article": article, "start": self.start, "end": self.end, "value": self.value,
                "granularity": self.granularity, "anchor": self.anchor}


def _alt(words: object) -> str:
    return "|".join(sorted((re.escape(normalize(w)) for w in words), key=len, reverse=True))  # type: ignore[attr-defined]


_B = r"(?<![^\s(\"'«“,.،-])"  # starts a word (punctuation may stand before it)
_E = r"(?![^\s)\"'»”,.،;:-])"  # ends a word
_PAST = _alt(["الماضي", "الماضية", "الفائت", "الفائتة", "المنصرم", "المنصرمة", "السابق", "السابقة"])
_NEXT = _alt(["المقبل", "المقبلة", "القادم", "القادمة"])
_PART_OF_DAY = r"(?:في وقت مبكر|في وقت متاخر|في وقت سابق|مساء|صباح|ظهر|عصر|ضحي|ليل|ليله|فجر)"
_ABOUT = r"(?:(?:نحو|حوالي|قرابه|زهاء|اكثر من|اقل من|ما يزيد علي)\s+)"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    months = _alt(MONTHS)
    _numbers = _alt(NUMBER_WORDS)
    _duals = "سنتين|عامين|شهرين|اسبوعين|يومين"
    _units = ("سنوات|سنه|سنتين|اعوام|عاما|عام|عامين|اشهر|شهور|شهرا|شهر|شهرين|اسابيع|اسبوعا|اسبوع|اسبوعين|ايام|يوما|"
              "يوم|يومين")
    return {
        "digit": re.compile(r"\d"),
        "numeric_hint": re.compile(r"\d[-/.]\d"),
        "hijri": re.compile(rf"{_B}(\d{{1,2}})\s+(?P<m>{_alt(HIJRI_MONTHS)})\s+(?P<y>1[34]\d\d)"
                            rf"\s*(?:ه|هـ|للهجره)?{_E}"),
        "relative_day": re.compile(rf"{_B}(?:(?:و|ف)?{_PART_OF_DAY}\s+)?(?:و|ف|ب)?"
                                   rf"(?P<w>الليله الماضيه|ليله امس|اول من امس|اول امس|بالامس|امس|اليوم|غدا)"
                                   r"(?!\s+(?:التالي|نفسه|ذاته|الذي|الاول|الثاني|الثالث|الاخير))"
                                   rf"(?:\s+(?:و|ب)?(?P<d>{_alt(WEEKDAYS)}))?{_E}"),
        "weekday": re.compile(rf"{_B}(?:(?:و|ف)?{_PART_OF_DAY}\s+)?"
                              rf"(?:(?:و|ف)?يوم\s+)?(?:و|ب|ف)?(?P<d>{_alt(WEEKDAYS)})(?:\s+(?P<dir>{_PAST}|{_NEXT}))?{_E}"
                              r"(?!\s*[,،(]?\s*\d)"),  # a weekday before a date belongs to that date
        "period": re.compile(rf"{_B}(?:(?:و|ف)?(?:في|خلال)\s+)?(?P<u>الاسبوع|الشهر|العام|السنه)\s+"
                             rf"(?P<dir>{_PAST}|{_NEXT}|الحالي|الجاري){_E}"
                             rf"|{_B}(?:و|ف)?(?P<this>هذا العام|هذه السنه|هذا الشهر|هذا الاسبوع){_E}"),
        "ago": re.compile(rf"{_B}(?:منذ\s+{_ABOUT}?(?:(?P<n>\d+|{_numbers})\s+)?(?P<u>{_units})"
                          rf"|قبل\s+{_ABOUT}?(?:(?P<n2>\d+|{_numbers})\s+(?P<u2>{_units})|(?P<u3>{_duals}))){_E}"
                          rf"(?P<half>\s+ونصف(?:\s+(?:العام|السنه|الشهر))?)?(?!\s+\d{{4}})(?!\s+من\s)"),
        "decade": re.compile(rf"{_B}(?:(?:و|ف)?(?:في|خلال)\s+)?(?:(?:مطلع|بدايه|اوائل|منتصف|اواسط|اواخر|نهايه)\s+)?"
                             rf"العقد\s+(?P<dir>{_PAST}|{_NEXT}|الحالي|الجاري){_E}"),
        "last_years": re.compile(rf"{_B}(?:(?:و|ف)?(?:في|خلال)\s+)?(?:ال)?(?P<u>سنوات|اعوام|اشهر|شهور)\s+"
                                 rf"(?:ال)?(?P<n>\d+|{_alt(NUMBER_WORDS)})\s+(?:الاخيره|الماضيه|المنصرمه){_E}"),
        "season": re.compile(rf"{_B}(?:(?:و|ف)?(?:في|خلال|منذ|مطلع|اواخر|منتصف)\s+(?P<s1>{_alt(SEASONS)})"
                             rf"(?:\s+(?P<dir1>{_PAST}|{_NEXT}))?|(?P<s2>{_alt(SEASONS)})\s+(?P<dir2>{_PAST}|{_NEXT})){_E}"
                             r"(?!\s+العربي)"),
        "ordinal_day": re.compile(rf"{_B}(?:(?:و|ف)?(?:في|حتي|منذ)\s+)?(?P<d>{_alt(ORDINALS)})\s+من\s+"
                                  rf"(?:(?:الشهر\s+(?P<dir>{_PAST}|{_NEXT}|الحالي|الجاري))|هذا الشهر|(?:شهر\s+)?"
                                  rf"(?P<m>{_alt(MONTHS)})){_E}"),
        "century": re.compile(rf"{_B}(?:(?:و|ف)?(?:في|خلال|منذ)\s+)?القرن\s+(?P<c>{_alt(ORDINALS)}){_E}"),
        "day_month": re.compile(rf"{_B}(?:(?:و|ف)?(?:في|منذ|حتي)\s+)?(?P<d>\d{{1,2}})\s+(?P<m>{_alt(MONTHS)})"
                                rf"(?:\s*/\s*(?:{_alt(MONTHS)}))?(?:\s+(?P<dir>{_PAST}|{_NEXT}))?{_E}(?!\s*[,،]?\s*\d)"),
        "narrative": re.compile(rf"{_B}(?:و|ف)?(?P<n>{_alt(NARRATIVE_DAYS)}){_E}"),
        "future": re.compile(r"(?:^|\s)(?:و|ف)?(?:سوف\s|س[يتنا]\w{2,})"),
        "month": re.compile(rf"{_B}(?:و|ف)?(?:في|خلال|منذ|حتي|بحلول|مطلع|اواخر|اواسط|شهر)\s+(?:شهر\s+)?(?P<m>{months})"
                            rf"(?:\s*[/(]?\s*(?:{months})\s*\)?)?(?:\s+(?P<dir>{_PAST}|{_NEXT}))?"
                            rf"(?:\s+من\s+(?:العام|السنه)\s+(?P<ydir>{_PAST}|{_NEXT}|الحالي|الجاري))?"
                            rf"(?:\s*[,،]?\s*(?:من\s+)?(?:عام\s+)?(?P<y>\d{{4}}))?{_E}"),
        "year": re.compile(rf"{_B}(?:و|ف)?(?:(?:منذ|حتي|بحلول|في|خلال)\s+(?:(?:عام|العام|سنه)\s+)?"
                           rf"|(?:عام|العام|سنه)\s+)(?P<y>(?:19|20)\d\d){_E}"),
    }


@lru_cache(maxsize=1)
def _keywords() -> dict[str, tuple[str, ...]]:
    """For each pattern, substrings one of which every match contains (normalized)."""
    def norm(words: object) -> tuple[str, ...]:
        return tuple(sorted({normalize(w) for w in words}))  # type: ignore[attr-defined]

    digits = ("",)  # patterns that need a digit: checked once per text (see ``scan``)
    return {
        "hijri": digits, "relative_day": ("امس", "اليوم", "غدا", "الليله", "ليله"),
        "weekday": norm(WEEKDAYS), "ordinal_day": ("من",), "day_month": digits,
        "month": ("في", "خلال", "منذ", "حتي", "بحلول", "مطلع", "اواخر", "اواسط", "شهر"),
        "period": ("الاسبوع", "الشهر", "العام", "السنه"), "ago": ("منذ", "قبل"), "narrative": norm(NARRATIVE_DAYS),
        "decade": ("العقد",), "last_years": ("سنوات", "اعوام", "اشهر", "شهور"), "season": norm(SEASONS),
        "century": ("القرن",), "year": digits,
    }


def live_patterns(ntext: str) -> frozenset[str]:
    """The patterns with one of their keywords somewhere in ``ntext`` (normalized): a sentence inside it has no
    match of the others (one test per article instead of one per sentence)."""
    return frozenset(name for name, need in _keywords().items() if need == ("",) or any(k in ntext for k in need))


@lru_cache(maxsize=1)
def _month_keys() -> tuple[str, ...]:
    return tuple(sorted({normalize(m) for m in MONTHS}))


def hijri_to_gregorian(year: int, month: int, day: int) -> date:
    """Tabular Islamic calendar (civil epoch) to Gregorian; within a day or two of the observed calendars."""
    jd = day + -(-(295 * (month - 1)) // 10) + (year - 1) * 354 + (3 + 11 * year) // 30 + 1948439.5 - 1
    return date.fromordinal(int(jd - 1721424.5))


def _weekday_before(anchor: date, weekday: int, strictly: bool) -> date:
    back = (anchor.weekday() - weekday) % 7
    if back == 0 and strictly:
        back = 7
    return anchor - timedelta(days=back)


def _shift_month(d: date, months: int) -> tuple[int, int]:
    index = d.year * 12 + d.month - 1 + months
    return index // 12, index % 12 + 1


def _ago_amount(n: str | None, unit: str) -> tuple[int, str]:
    dual = {"سنتين": 2, "عامين": 2, "شهرين": 2, "اسبوعين": 2, "يومين": 2}
    if unit in dual:
        count = dual[unit]
    elif n is None:
        count = 1
    else:
        count = int(n) if n.isdigit() else _names()[3][n]
    kind = ("year" if unit.startswith(("سن", "اعو", "عام")) else "month" if "شه" in unit
            else "week" if "سبوع" in unit or "اسابيع" in unit else "day")
    return count, kind


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int]]:
    """Months, Hijri months, weekdays and number words keyed by their normalized spelling (built once)."""
    def keyed(table: dict[str, int]) -> dict[str, int]:
        return {normalize(k): v for k, v in table.items()}

    return keyed(MONTHS), keyed(HIJRI_MONTHS), keyed(WEEKDAYS), keyed(NUMBER_WORDS)


@lru_cache(maxsize=1)
def _more_names() -> tuple[dict[str, int], dict[str, tuple[int, int]], dict[str, int], frozenset[str]]:
    """Ordinals, seasons, narrative day offsets and the س-words that are no future verb, normalized (built once)."""
    return ({normalize(k): v for k, v in ORDINALS.items()}, {normalize(k): v for k, v in SEASONS.items()},
            {normalize(k): v for k, v in NARRATIVE_DAYS.items()}, frozenset(normalize(w) for w in NOT_FUTURE))


def _future_before(norm: str, position: int) -> bool:
    """A future verb ("ستصل", "سوف يزور") among the few words before ``position`` in the same clause."""
    window = norm[max(0, position - 60):position]
    window = re.split(r"[.،,؛;:!؟]", window)[-1]
    not_future = _more_names()[3]
    for m in _patterns()["future"].finditer(window):
        word = m.group(0).strip()
        word = word[1:] if word[:1] in "وف" and not word.startswith("سوف") else word
        if word.startswith("سوف") or word not in not_future:
            return True
    return False


def _season(published: date, first: int, last: int, step: int) -> str:
    """The latest season (first..last month) that has begun by ``published``, ``step`` seasons-years away."""
    year = published.year if published.month >= first else published.year - 1
    if step < 0 and published.month >= first and (published.month <= last or first > last):
        year -= 1  # "الشتاء الماضي" while in winter: the one before
    year += step if step > 0 else 0
    end_year = year + (1 if last < first else 0)
    return f"{year:04d}-{first:02d}/{end_year:04d}-{last:02d}"


def find_times(text: str, start: int, end: int, published: date | None,
               anchor: date | None = None, normalized: Normalized | None = None,
               patterns: frozenset[str] | None = None) -> list[TimeExpr]:
    """Time expressions in ``text[start:end]`` (a sentence or paragraph), resolved against ``published``.
    ``anchor``: the date the narrative has reached ("في 12 مارس الماضي"): "في اليوم التالي" and bare weekdays
    count from it (anchor "previous"). ``normalized``: the matching form of the whole ``text``, when the caller
    has it (saves normalizing each sentence again). ``patterns``: the only patterns worth trying (``live_patterns``
    of the text around)."""
    if normalized is not None:
        ns, ne = normalized.map.span_to_norm(start, end)
        ntext, offset, omap = normalized.text[ns:ne], ns, normalized.map
    else:
        norm = normalize_with_map(text[start:end])
        ntext, offset, omap = norm.text, 0, norm.map
    p = _patterns()
    has_digit = p["digit"].search(ntext) is not None
    # full dates need a digit and a month name or a numeric separator ("13 سبتمبر 2023", "2023-09-13")
    maybe_date = has_digit and (p["numeric_hint"].search(ntext) is not None
                                or any(k in ntext for k in _month_keys()))
    found: list[TimeExpr] = [TimeExpr(f.start, f.end, f.value.isoformat(), "day", "explicit")
                             for f in find_dates(text, start, end)] if maybe_date else []
    taken = [(f.start, f.end) for f in found]
    keys = _keywords()

    def scan(name: str) -> Iterator[re.Match[str]]:
        """Matches of one pattern; none without one of its keywords (a substring test is much cheaper)."""
        need = keys[name]
        if patterns is not None and name not in patterns:
            return
        if (has_digit if need == ("",) else any(k in ntext for k in need)):
            yield from p[name].finditer(ntext)

    months, hijri, weekdays, numbers = _names()
    ordinals, seasons, narrative, _ = _more_names()

    def add(m: re.Match[str], value: str | None, granularity: str, anchor: str) -> None:
        s, e = omap.span_to_raw(offset + m.start(), offset + m.end())
        if normalized is None:
            s, e = start + s, start + e
        raw = text[s:e]
        s += len(raw) - len(raw.lstrip())
        if text[s:s + 1] == "و" and e - s > 2:  # "وفي", "والاثنين": the conjunction is not part of the time
            s += 1
        if any(a < e and s < b for a, b in taken):
            return
        taken.append((s, e))
        found.append(TimeExpr(s, e, value, granularity, anchor))

    for m in scan("hijri"):
        add(m, hijri_to_gregorian(int(m.group("y")), hijri[m.group("m")], int(m.group(1))).isoformat(), "day",
            "explicit")
    for m in scan("relative_day"):
        shift = {"اول من امس": -2, "اول امس": -2, "بالامس": -1, "امس": -1, "اليوم": 0, "غدا": 1,
                 "الليله الماضيه": -1, "ليله امس": -1}[m.group("w")]
        add(m, (published + timedelta(days=shift)).isoformat() if published else None, "day", "published")
    for m in scan("weekday"):
        value, how = None, "published"
        day = weekdays[m.group("d")]
        direction = m.group("dir") or ""
        if anchor and not direction:  # the narrative's week: the first such day from the date it has reached
            value, how = (anchor + timedelta(days=(day - anchor.weekday()) % 7)).isoformat(), "previous"
        elif published:
            if (direction and re.fullmatch(_NEXT, direction)) or (not direction and _future_before(ntext,
                                                                                                   m.start())):
                ahead = (day - published.weekday()) % 7  # "ستصل يوم الخميس": the coming one (or today)
                value = (published + timedelta(days=ahead or (7 if direction else 0))).isoformat()
            else:
                value = _weekday_before(published, day, strictly=bool(direction)).isoformat()
        add(m, value, "day", how)
    for m in scan("ordinal_day"):
        value = None
        if published:
            if m.group("m"):
                month = months[m.group("m")]
                year = published.year - (month > published.month)
            else:
                direction = m.group("dir") or ""
                step = -1 if re.fullmatch(_PAST, direction) else 1 if re.fullmatch(_NEXT, direction) else 0
                year, month = _shift_month(published, step)
            try:
                value = date(year, month, ordinals[m.group("d")]).isoformat()
            except ValueError:
                value = None
        add(m, value, "day", "published")
    for m in scan("day_month"):
        value = None
        if published:
            month, direction = months[m.group("m")], m.group("dir") or ""
            year = published.year
            if direction and re.fullmatch(_NEXT, direction):
                year += (month, int(m.group("d"))) < (published.month, published.day)
            elif (month, int(m.group("d"))) > (published.month, published.day):
                year -= 1
            try:
                value = date(year, month, int(m.group("d"))).isoformat()
            except ValueError:
                value = None
        add(m, value, "day", "published")
    for m in scan("month"):
        month = months[m.group("m")]
        if m.group("y"):
            add(m, f"{int(m.group('y')):04d}-{month:02d}", "month", "explicit")
            continue
        if m.group("ydir") and published:  # "في مايو من العام الماضي"
            ydir = m.group("ydir")
            shift = -1 if re.fullmatch(_PAST, ydir) else 1 if re.fullmatch(_NEXT, ydir) else 0
            add(m, f"{published.year + shift:04d}-{month:02d}", "month", "published")
            continue
        value = None
        if published:
            direction = m.group("dir") or ""
            year = published.year
            if direction and re.fullmatch(_NEXT, direction):
                year += month <= published.month
            elif month > published.month or (direction and month == published.month):
                year -= 1  # a bare month later in the year than the article is last year's
            value = f"{year:04d}-{month:02d}"
        add(m, value, "month", "published")
    for m in scan("period"):
        value, granularity = None, "year"
        unit = m.group("u") or m.group("this").split()[-1]
        direction = m.group("dir") or "الحالي"
        step = -1 if re.fullmatch(_PAST, direction) else 1 if re.fullmatch(_NEXT, direction) else 0
        if published:
            if unit in ("الاسبوع",):
                monday = published - timedelta(days=published.weekday()) + timedelta(weeks=step)
                value, granularity = f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}", "week"
            elif unit == "الشهر":
                y, mo = _shift_month(published, step)
                value, granularity = f"{y:04d}-{mo:02d}", "month"
            else:
                value = f"{published.year + step:04d}"
        add(m, value, granularity, "published")
    for m in scan("ago"):
        count, kind = _ago_amount(m.group("n") or m.group("n2"), m.group("u") or m.group("u2") or m.group("u3"))
        if m.group("half"):  # "منذ عام ونصف العام": half a unit more, counted in the next smaller unit
            count, kind = (count * 12 + 6, "month") if kind == "year" else (count * 30 + 15, "day")
        value = None
        if published:
            if kind == "year":
                value = f"{published.year - count:04d}"
            elif kind == "month":
                y, mo = _shift_month(published, -count)
                value = f"{y:04d}-{mo:02d}"
            else:
                value = (published - timedelta(days=count * (7 if kind == "week" else 1))).isoformat()
        add(m, value, kind, "published")
    for m in scan("narrative"):
        raw_start = omap.span_to_raw(offset + m.start(), offset + m.end())[0] + (start if normalized is None else 0)
        earlier = [t for t in found if t.granularity == "day" and t.value and t.end <= raw_start]
        base = date.fromisoformat(max(earlier, key=lambda t: t.end).value) if earlier else anchor  # type: ignore[arg-type]
        add(m, (base + timedelta(days=narrative[m.group("n")])).isoformat() if base else None, "day", "previous")
    for m in scan("decade"):
        value = None
        if published:
            direction = m.group("dir")
            step = -1 if re.fullmatch(_PAST, direction) else 1 if re.fullmatch(_NEXT, direction) else 0
            first = published.year // 10 * 10 + 10 * step
            value = f"{first:04d}/{first + 9:04d}"
        add(m, value, "interval", "published")
    for m in scan("last_years"):
        n = m.group("n")
        count = int(n) if n.isdigit() else numbers.get(n, 0)
        value = None
        if published and count:
            if m.group("u") in ("سنوات", "اعوام"):
                value = f"{published.year - count:04d}/{published.year:04d}"
            else:
                y, mo = _shift_month(published, -count)
                value = f"{y:04d}-{mo:02d}/{published.year:04d}-{published.month:02d}"
        add(m, value, "interval", "published")
    for m in scan("season"):
        first, last = seasons[m.group("s1") or m.group("s2")]
        direction = m.group("dir1") or m.group("dir2") or ""
        step = -1 if direction and re.fullmatch(_PAST, direction) else 1 if direction else 0
        add(m, _season(published, first, last, step) if published else None, "interval", "published")
    for m in scan("century"):
        c = ordinals[m.group("c")]
        add(m, f"{(c - 1) * 100 + 1:04d}/{c * 100:04d}", "interval", "explicit")
    for m in scan("year"):
        add(m, m.group("y"), "year", "explicit")
    return sorted(found, key=lambda t: (t.start, t.end))


class ResolveTimes:
    """Pipeline stage: ``times`` over the sentences of the body and of each glued part, each resolved against
    its own unit's publication date (a glued part has its own)."""

    name: ClassVar[str] = "time"
    requires: ClassVar[frozenset[str]] = frozenset({"sentences", "parts", "published"})
    provides: ClassVar[frozenset[str]] = frozenset({"times"})

    def __call__(self, article: Article, options: Options) -> Article:
        found: list[TimeExpr] = []
        anchor: date | None = None
        unit = None
        live = live_patterns(article.normalized.text) if article.normalized is not None else None
        for sentence in article.sentences:
            part = next((p for p in article.parts if p.start <= sentence.start < p.end), None)
            if part is not unit:
                unit, anchor = part, None  # the narrative never carries into another unit
            published = _date(part.published if part is not None else article.published)
            times = find_times(article.text, sentence.start, sentence.end, published, anchor, article.normalized, live)
            found.extend(times)
            anchor = narrative_anchor(times, published, anchor)
        article.times = found
        return article


def narrative_anchor(times: list[TimeExpr], published: date | None, anchor: date | None) -> date | None:
    """The date the narrative has reached after a sentence: its last explicit day when that lies more than a week
    before publication ("في 12 مارس الماضي"); a day counted from publication (اليوم، أمس) brings it back."""
    for t in times:
        if t.granularity != "day" or not t.value or published is None:
            continue
        day = date.fromisoformat(t.value)
        if t.anchor == "published" and abs((day - published).days) <= 1:
            anchor = None
        elif t.anchor in ("explicit", "previous") or (t.anchor == "published" and (published - day).days > 7):
            anchor = day if (published - day).days > 7 else None
    return anchor


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
