"""A story's claims: the sentences of its member spans (body or glued-part body only, never removed text), each
with what the facts, summary and timeline need — its vector, counts, dates, names, quotes and credited outlets.

Works on the SPEC-shaped dossier dict, so ``marsad analyze`` and a store holding one story's articles share it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from ..units import match_form
from .normalize import normalize
from .quantities import Quantity, find_quantities

# outlet-like words before a name: "وكالة النهار للأنباء", "صحيفة «إندبندنت»", "شبكة الأفق"
_MEDIA = ("وكالة", "وكالات", "صحيفة", "صحف", "جريدة", "موقع", "قناة", "شبكة", "تلفزيون", "إذاعة", "مجلة")
_MIN_WORDS = 5  # shorter sentences are headings and datelines, not claims


@lru_cache(maxsize=1)
def _media_re() -> re.Pattern[str]:
    media = "|".join(normalize(m) for m in _MEDIA)
    # an indefinite media word (construct state) and the name after it; "الوكالة" names nobody
    return re.compile(r"(?<![^\s\"(])(?:و?[بل]?|ف)(?:" + media + r")\s+\"?([^\s\"().,،:؛]+)")


_MEDIA_WORDS = frozenset(normalize(m) for m in _MEDIA)


@lru_cache(maxsize=4_096)
def media_key(name: str | None) -> str:
    """The identifying word of an outlet's name: "وكالة النهار للأنباء" -> "النهار", "الواحة نيوز" -> "الواحه"."""
    if not name:
        return ""
    norm = normalize(name)
    found = _media_re().search(norm)
    if found:
        return found.group(1)
    tokens = [w.strip("\"()") for w in norm.split()]
    tokens = [w for w in tokens if w and w not in _MEDIA_WORDS]
    return tokens[0] if tokens else norm.strip()


def credited_outlets(text: str) -> set[str]:
    """Outlets a passage credits by name ("بحسب ما نقلت وكالة النهار للأنباء", "صحيفة «إندبندنت» البريطانية")."""
    return {m.group(1) for m in _media_re().finditer(normalize(text))}


@dataclass(slots=True)
class Claim:
    index: int
    article: str
    unit: str
    start: int
    end: int
    text: str
    outlet: str
    published: str | None
    position: int  # order of the sentence within its unit
    paragraph: tuple[int, int]
    entities: frozenset[str] = frozenset()
    quantities: list[Quantity] = field(default_factory=list)
    times: list[dict[str, Any]] = field(default_factory=list)
    credits: frozenset[str] = frozenset()  # outlet keys the passage credits, and its own outlet's
    speakers: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()  # who the article says the claim comes from (attribution source texts)

    def span(self) -> dict[str, Any]:
        return {"article": self.article, "start": self.start, "end": self.end}

    @property
    def date(self) -> str | None:
        """The day the claim speaks of: its first day-level date, else its unit's publication date."""
        days = [t["value"] for t in self.times if t.get("value") and t.get("granularity") == "day"]
        return days[0] if days else self.published

    def sort_key(self) -> tuple[str, str, int]:
        return (self.published or "9999", self.article, self.start)


@dataclass(slots=True)
class StoryClaims:
    story: dict[str, Any]
    claims: list[Claim]
    similarity: np.ndarray  # cosine of the claims' sentence vectors
    copied: set[tuple[int, int]]  # claim pairs inside the two sides of a verbatim / near-copy passage
    reused: set[tuple[int, int]]  # claim pairs inside the two sides of any reuse passage (paraphrase too)


class DossierIndex:
    """Per-article lookups over a SPEC dossier dict, built once for all its stories."""

    def __init__(self, dossier: dict[str, Any]) -> None:
        self.dossier = dossier
        self.articles = {a["id"]: a for a in dossier["articles"]}
        self.parts = {p["id"]: (a, p) for a in dossier["articles"] for p in a.get("parts", [])}
        self.times: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for t in dossier.get("times", []):
            self.times[t["article"]].append(t)
        self.mentions: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for e in dossier.get("entities", []):
            for m in e["mentions"]:
                self.mentions[m["article"]].append((m["start"], m["end"], e["id"]))
        self.quotes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for q in dossier.get("quotes", []):
            self.quotes[q["article"]].append(q)
        self.attributions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for at in dossier.get("attributions", []):
            self.attributions[at["article"]].append(at)
        for table in (self.times, self.mentions, self.quotes, self.attributions):
            for rows in table.values():
                rows.sort(key=lambda r: r[0] if isinstance(r, tuple) else r["start"])
        self._starts: dict[tuple[str, str], list[int]] = {}  # (table, article) -> its rows' sorted starts

    def within(self, table: str, article: str, start: int, end: int) -> list[Any]:
        rows = getattr(self, table)[article]
        starts = self._starts.get((table, article))
        if starts is None:  # (asked per sentence: made once per article)
            starts = self._starts[table, article] = [r[0] if isinstance(r, tuple) else r["start"] for r in rows]
        lo, hi = bisect_left(starts, start), bisect_right(starts, end)
        return [r for r in rows[lo:hi] if (r[1] if isinstance(r, tuple) else r["end"]) <= end]

    def overlapping(self, table: str, article: str, start: int, end: int) -> list[Any]:
        return [r for r in getattr(self, table)[article] if r["start"] < end and start < r["end"]]

    def unit_ranges(self, member: dict[str, Any]) -> tuple[list[tuple[int, int]], dict[str, Any]]:
        """The body ranges of a story member (its glued part's body for a part) and the member's record."""
        unit = member.get("unit", member["article"])
        if unit in self.parts:
            _, part = self.parts[unit]
            ranges = [tuple(r) for r in part.get("body", [[part["start"], part["end"]]])]
            return [(max(s, member["start"]), min(e, member["end"])) for s, e in ranges], part
        article = self.articles[member["article"]]
        return [(max(s, member["start"]), min(e, member["end"])) for s, e in article["body"]], article


@lru_cache(maxsize=8_192)
def _quantities(text: str, skip: tuple[tuple[int, int], ...]) -> tuple[Quantity, ...]:
    # copies of a wire text repeat its sentences in every member of a story: each is read once
    return tuple(find_quantities(text, skip))


def _is_lede(text: str) -> bool:
    return text.rstrip().endswith((".", "۔")) and len(text.split()) >= 12


def _inside(ranges: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(a <= s and e <= b for a, b in ranges)


def story_claims(index: DossierIndex, story: dict[str, Any], encoder: Any = None) -> StoryClaims:
    """The claims of one story, with their pairwise similarity and the reuse passages between them."""
    claims: list[Claim] = []
    paragraph_credits: dict[tuple[str, tuple[int, int]], set[str]] = {}
    for member in story["members"]:
        article = index.articles.get(member["article"])
        if article is None:
            continue
        ranges, record = index.unit_ranges(member)
        title = normalize(record.get("title") or "").strip()
        published = record.get("published") or article.get("published")
        outlet = article.get("outlet") or ""
        own = media_key(outlet)
        paragraphs = [tuple(p) for p in article.get("paragraphs", [])] or ranges
        position = 0
        for s, e in article["sentences"]:
            if not _inside(ranges, s, e):
                continue
            text = article["text"][s:e]
            position += 1
            if len(text.split()) < _MIN_WORDS or (normalize(text).strip() == title and not _is_lede(text)):
                continue  # a headline repeats its lede; a first line taken as title may be the lede itself
            para = next((p for p in paragraphs if p[0] <= s and e <= p[1]), (s, e))
            times = index.within("times", article["id"], s, e)
            skip = tuple((t["start"] - s, t["end"] - s) for t in times)
            attributions = index.overlapping("attributions", article["id"], s, e)
            in_paragraph = paragraph_credits.get((article["id"], para))
            if in_paragraph is None:  # (a paragraph of several claims is read once)
                in_paragraph = paragraph_credits[article["id"], para] = credited_outlets(
                    article["text"][para[0]:para[1]])
            credits = in_paragraph | {media_key(a["source_text"]) for a in attributions
                                      if credited_outlets(a["source_text"])}
            claims.append(Claim(
                index=len(claims), article=article["id"], unit=member.get("unit", article["id"]), start=s, end=e,
                text=text, outlet=outlet, published=published, position=position, paragraph=para,
                entities=frozenset(m[2] for m in index.within("mentions", article["id"], s, e)),
                quantities=list(_quantities(text, skip)), times=times,
                credits=frozenset(credits | ({own} if own else set())),
                speakers=frozenset(q["speaker"] for q in index.overlapping("quotes", article["id"], s, e)
                                   if q.get("speaker")),
                sources=tuple(dict.fromkeys(a["source_text"] for a in attributions)),
            ))
    if claims:
        if encoder is None:
            from ..vectors import default_encoder

            encoder = default_encoder()
        vectors = encoder.encode([c.text for c in claims])
        similarity = np.clip(vectors @ vectors.T, -1.0, 1.0)
    else:
        similarity = np.zeros((0, 0), np.float32)
    copied, reused = _reuse_pairs(index, claims)
    return StoryClaims(story, claims, similarity, copied, reused)


def _reuse_pairs(index: DossierIndex, claims: list[Claim]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    by_article: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_article[c.article].append(c)

    def covered(span: dict[str, Any]) -> list[int]:
        # a claim is inside a passage when most of it is
        out = []
        for c in by_article.get(span["article"], []):
            overlap = min(c.end, span["end"]) - max(c.start, span["start"])
            if overlap > 0.5 * (c.end - c.start):
                out.append(c.index)
        return out

    copied: set[tuple[int, int]] = set()
    reused: set[tuple[int, int]] = set()
    for r in index.dossier.get("reuse", []):
        left, right = covered(r["a"]), covered(r["b"])
        for i in left:
            for j in right:
                pair = (min(i, j), max(i, j))
                reused.add(pair)
                if r["kind"] in ("verbatim", "near_copy"):
                    copied.add(pair)
    return copied, reused


def content_words(text: str) -> set[str]:
    """Matching forms of a sentence's longer words (for word overlap between claims)."""
    return {match_form(w) for w in re.findall(r"[^\W\d_]{3,}", normalize(text))}
