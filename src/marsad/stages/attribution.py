"""Claim attribution (SPEC ``attributions``): a claim and the source the article says it comes from.

"…، وفقاً للمتحدث باسم الكرملين دميتري بيسكوف." / "بحسب مصادر مطلعة، …" / "…، حسبما ذكرت وكالات أنباء روسية."
The claim is the sentence without the attribution phrase; the source is the description after the cue, up to
punctuation or a clause word; ``anonymous`` marks unnamed sources ("مصادر مطلعة", "مسؤول أمريكي", "محللون").
Named sources are linked to entities after merging (``link_sources``). Cues live in ``resources/speech.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from ..doc import Article, Span
from ..options import Options
from ..resources import speech
from .normalize import normalize, normalize_with_map

_STOP_WORDS = ("أن", "إن", "بأن", "أنه", "إنه", "التي", "الذي", "الذين", "فإن", "قد", "في", "خلال", "عن", "مضيفا",
               "مضيفة", "مشيرا", "مشيرة", "قائلا", "قائلة", "وذلك", "اليوم", "أمس")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]]:
    cues = sorted({normalize(c) for c in speech.ATTRIBUTION_CUES}, key=len, reverse=True)
    verbs = "|".join(re.escape(normalize(v)) for v in speech.ATTRIBUTION_VERBS_AFTER_MA)
    # "بحسب ما أفاد", "وفقاً لما ذكرته": one cue, the source follows the verb
    cue = re.compile(r"(?<![^\s(،,])و?(?:" + "|".join(re.escape(c) for c in cues) + r")"
                     r"(?:\s*(?:ل)?ما\s+(?:" + verbs + r")\S*)?(?=[\s«\"]|ل)")
    return (cue, frozenset(normalize(w) for w in _STOP_WORDS),
            frozenset(normalize(w) for w in speech.ANONYMOUS_MARKERS))


@lru_cache(maxsize=1)
def _cue_keys() -> tuple[str, ...]:
    """Substrings one of which every cue contains (its longest word, normalized, without a leading و): a cheap
    test per sentence."""
    def longest(cue: str) -> str:
        return max(reversed(normalize(cue).split()), key=len).removeprefix("و")

    return tuple(sorted({longest(c) for c in speech.ATTRIBUTION_CUES}))


@lru_cache(maxsize=1)
def _reporting_verbs() -> frozenset[str]:
    return frozenset(normalize(v) for v in speech.ATTRIBUTION_VERBS)


@lru_cache(maxsize=1)
def _agents() -> frozenset[str]:
    return frozenset(normalize(w) for w in speech.SOURCE_WORDS)


@dataclass(slots=True)
class Attribution:
    claim: Span
    source: Span
    cue: Span
    anonymous: bool

    def to_dict(self, article: str, text: str, source_id: str | None = None) -> dict[str, Any]:
        return {"article": article, "start": self.claim.start, "end": self.claim.end, "source": source_id,
                "source_text": text[self.source.start:self.source.end],
                "cue": {"article": article, "start": self.cue.start, "end": self.cue.end},
                "anonymous": self.anonymous}


def _trim(text: str, start: int, end: int, chars: str = " ،,.:؛;-–—") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def find_attributions(text: str, sentences: list[Span], names: Sequence[Span] = ()) -> list[Attribution]:
    """Attributed claims in the sentences; ``names``: spans of tagged entity mentions (a named source)."""
    cue_re, stops, anonymous = _patterns()
    agents = _agents()
    found: list[Attribution] = []
    keys = _cue_keys()
    for sent in sentences:
        plain = normalize(text[sent.start:sent.end])
        if not any(k in plain for k in keys):
            continue  # no cue word: no offset map needed
        norm = normalize_with_map(text[sent.start:sent.end])
        for m in cue_re.finditer(norm.text):
            cue_s, cue_e = norm.map.span_to_raw(m.start(), m.end())
            # the source: words after the cue, to punctuation, a clause word, or 8 words
            rest = norm.text[m.end():]
            stripped = rest.lstrip()
            if stripped.startswith(("لـ", "ل")) and not stripped.startswith("لل"):  # "وفقاً لوزارة", "لـ«الوكالة»"
                stripped = stripped[2:] if stripped.startswith("لـ") else stripped[1:]
            rest = stripped
            offset = len(norm.text) - len(rest)
            words = list(re.finditer(r"[^\s،,.:؛;]+", rest))
            chosen = []
            for w in words:
                bare = w.group(0).strip("«»\"()ـ")
                if bare in stops or len(chosen) >= 8:
                    break
                chosen.append(w)
                if rest[w.end():].lstrip()[:1] in ("،", ",", ".", ":", "؛", ";"):
                    break
            if not chosen:
                continue
            src_s, src_e = norm.map.span_to_raw(offset + chosen[0].start(), offset + chosen[-1].end())
            source = Span(sent.start + src_s, sent.start + src_e)
            phrase_start, phrase_end = sent.start + cue_s, source.end
            # the claim: the sentence without the attribution phrase (before it, or after it when it leads)
            before = _trim(text, sent.start, phrase_start)
            after = _trim(text, phrase_end, sent.end)
            # "X، بحسب Y، فيما Z": a cue after a clause attributes that clause; a leading cue, what follows it
            claim = before if len(text[before[0]:before[1]].split()) >= 3 else after
            if re.match(r"(?:إن|أن|بأن)\s", text[after[0]:after[1]]):  # "وقال X، بحسب Y، إن …": the reported clause
                claim = after
            if claim[1] - claim[0] < 10:
                continue
            source_norm = normalize(text[source.start:source.end])
            is_anonymous = any(marker in source_norm for marker in anonymous)
            named = any(source.start <= n.start and n.end <= source.end for n in names)
            agent = any(w.strip("«»\"()ـ") in agents or w.strip("«»\"()ـ")[1:] in agents for w in source_norm.split())
            if not (named or agent or is_anonymous):
                continue  # "وفقاً لتصاميم سوفياتية": the words after the cue are no source
            for lead in ("بأن ", "أن ", "إن "):  # "ذكرت وسائل إعلام رسمية أن …": the claim starts after "أن"
                if text[claim[0]:claim[0] + len(lead)] == lead.replace("أ", "أ"):
                    claim = (claim[0] + len(lead), claim[1])
            found.append(Attribution(Span(*claim), source, Span(sent.start + cue_s, sent.start + cue_e),
                                     is_anonymous))
    return found


def from_quotes(text: str, quotes: Sequence[Any], found: Sequence[Attribution]) -> list[Attribution]:
    """Claims attributed through reported speech: an unnamed source that speaks ("وقال مسؤول … طلب عدم الكشف عن
    هويته إن …", "محللون يقولون إن …": anonymous) and a reporting verb ("أفادت الوكالة بأن …", "نقلت الوكالة عن
    الدفاع المدني أن …"). Skips claims already attributed to the same source by a cue phrase."""
    _, _, anonymous = _patterns()
    reporting = _reporting_verbs()
    out: list[Attribution] = []
    for q in quotes:
        if q.kind != "indirect" or q.carried or q.speaker_span is None:
            continue
        cue_word = normalize(text[q.cue.start:q.cue.end])
        source_norm = normalize(q.speaker_text)
        is_anonymous = any(marker in source_norm for marker in anonymous)
        if not (is_anonymous or cue_word in reporting or cue_word[1:] in reporting):
            continue
        src = q.speaker_span
        if any(a.source.start < src.end and src.start < a.source.end for a in found):
            continue
        out.append(Attribution(Span(q.start, q.end), src, q.cue, is_anonymous))
    return out


class FindAttributions:
    """Pipeline stage: ``attributions`` over the sentences of the body and the glued parts, and those made through
    reported speech (``from_quotes``)."""

    name: ClassVar[str] = "attribution"
    requires: ClassVar[frozenset[str]] = frozenset({"sentences", "mentions", "quotes"})
    provides: ClassVar[frozenset[str]] = frozenset({"attributions"})

    def __call__(self, article: Article, options: Options) -> Article:
        names = [m.span for m in article.mentions]
        found = find_attributions(article.text, article.sentences, names)
        found += from_quotes(article.text, article.quotes, found)
        article.attributions = sorted(found, key=lambda a: a.claim.start)
        return article


def link_sources(articles: list[Article], entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """SPEC ``attributions``; a named source is linked to the organisation or person named in it."""
    from .quotes import entity_index

    index = entity_index(entities)
    out = []
    for article in articles:
        for a in article.attributions:
            source_id = None if a.anonymous else index(article.id, a.source, ("ORG", "PERS"))
            out.append(a.to_dict(article.id, article.text, source_id))
    return out
