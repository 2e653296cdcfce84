"""Quotes with their speakers (SPEC ``quotes``): direct quotes in « », “ ”, „ “ and " ", and reported speech
("قال إن …", "أكد أن …").

The speaker is the subject after a speech verb in front of the quote ("وقال الزعيم الكوري الشمالي إن «…»"), or
after the quote ("«…»، قال فلان"). With no subject ("وأضاف:", "وتابع"), or a pronoun ("وقال إنه"), the speaker
carries over from the previous quote of the same text, else the last person named before the cue. Speakers are
linked to entities after merging (``link_speakers``). Cue words live in ``marsad.resources.speech``.
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

_OPEN = {"«": "»", "“": "”", "„": "“", '"': '"'}
_TOKEN = re.compile(r"[^\s«»“”„\"]+")
_MIN_QUOTE_WORDS = 3
_CUE_REACH = 15  # words between a speech verb and the quote it introduces


@lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], frozenset[str]]:
    def forms(words: list[str]) -> frozenset[str]:
        return frozenset(normalize(w) for w in words)

    return forms(speech.SPEECH_VERBS), forms(speech.SPEAKER_END)


@dataclass(slots=True)
class Quote:
    start: int  # the quoted words, raw offsets
    end: int
    kind: str  # direct | indirect
    cue: Span
    speaker_span: Span | None  # where the speaker is named (None: not found)
    speaker_text: str
    carried: bool = False  # speaker taken from the previous quote or the last person named

    def to_dict(self, article: str, speaker: str | None = None) -> dict[str, Any]:
        return {"article": article, "start": self.start, "end": self.end, "kind": self.kind, "speaker": speaker,
                "speaker_text": self.speaker_text, "cue": {"article": article, "start": self.cue.start,
                                                           "end": self.cue.end}}


@dataclass(slots=True)
class _Word:
    norm: str
    start: int  # raw
    end: int
    raw_end_mark: int = 0  # length of a closing ":" or "،" (or ",") glued to the word


def _words(text: str, start: int, end: int) -> list[_Word]:
    norm = normalize_with_map(text[start:end])
    out = []
    for m in _TOKEN.finditer(norm.text):
        s, e = norm.map.span_to_raw(m.start(), m.end())
        word = m.group(0).strip(".,:;!?؛،()-")
        raw = m.group(0)
        mark = len(raw) - len(raw.rstrip(":،,.")) if raw.rstrip(":،,.") else 0
        out.append(_Word(word, start + s, start + e, mark))
    return out


def _verb(word: str) -> str | None:
    """The speech verb a token is ("وقال", "فقالت" -> "قال"/"قالت"), else None."""
    verbs = _tables()[0]
    for candidate in (word, word[1:] if word[:1] in "وف" else ""):
        if candidate in verbs:
            return candidate
    return None


def _direct_quotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(open mark, close mark) positions of quotes in a paragraph; unclosed marks are ignored."""
    found = []
    i = start
    while i < end:
        ch = text[i]
        if ch in _OPEN:
            close = text.find(_OPEN[ch], i + 1, end)
            if close > i + 1:
                found.append((i, close))
                i = close + 1
                continue
        i += 1
    return found


def _speaker_after(words: list[_Word], k: int, stop: int) -> Span | None:
    """The speaker description in words[k:stop] (after a verb): up to a word that ends it."""
    ends = _tables()[1]
    chosen: list[_Word] = []
    for w in words[k:stop]:
        if w.norm in ends or not w.norm or (w.norm.startswith("لل") and chosen):
            break  # "للصحفيين", "للرئيس الروسي": whom it was said to, not who said it
        chosen.append(w)
        if len(chosen) >= 8 or w.raw_end_mark:
            break  # "قال بوتين:" / "وقال وزير الخارجية الروسي، في لقاء": the description ends at the mark
    if not chosen:
        return None
    return Span(chosen[0].start, chosen[-1].end - chosen[-1].raw_end_mark)


def find_quotes(text: str, paragraphs: list[Span], persons: Sequence[Span] = ()) -> list[Quote]:
    """Direct and reported quotes in the paragraphs of one unit, in order, speakers carried over. ``persons``:
    spans of person mentions; a quote whose cue names no one goes to the last person named before it in its
    paragraph ("أعرب كيم عن «…»، وقال إن …"), else to the previous speaker."""

    def named_before(para: Span, position: int) -> Span | None:
        before = [p for p in persons if para.start <= p.start and p.end <= position]
        return max(before, key=lambda p: p.start) if before else None

    reported = frozenset(normalize(x) for x in ("إن", "أن", "بأن", "إنه", "أنه", "إنها", "أنها"))
    quotes: list[Quote] = []
    last_speaker: Span | None = None
    for para in paragraphs:
        words = _words(text, para.start, para.end)
        marks = _direct_quotes(text, para.start, para.end)
        covered = list(marks)
        prev_close = para.start
        for open_, close in marks:
            inner = Span(open_ + 1, close)
            content = text[inner.start:inner.end].strip()
            if len(content.split()) < _MIN_QUOTE_WORDS:
                prev_close = close + 1
                continue
            before = [i for i, w in enumerate(words) if prev_close <= w.start and w.end <= open_]
            cue_index = next((i for i in reversed(before[-_CUE_REACH:]) if _verb(words[i].norm)), None)
            speaker_span: Span | None = None
            carried = False
            if cue_index is not None:
                stop = before[-1] + 1 if before else cue_index + 1
                speaker_span = _speaker_after(words, cue_index + 1, stop)
                # "وأضاف:", "وتابع", "وقال إنه": no subject of its own, so the previous speaker goes on
                if speaker_span is None:
                    speaker_span = named_before(para, words[cue_index].start) or last_speaker
                    carried = speaker_span is not None
                cue = Span(words[cue_index].start, words[cue_index].end)
            else:
                after = [i for i, w in enumerate(words) if w.start > close][:6]
                k = next((i for i in after if _verb(words[i].norm)), None)
                if k is None:
                    prev_close = close + 1
                    continue  # quotation marks without a speech cue: a term or a title, not a quote
                cue = Span(words[k].start, words[k].end)
                stop = min(len(words), k + 9)
                speaker_span = _speaker_after(words, k + 1, stop)
                if speaker_span is None:
                    speaker_span = named_before(para, open_) or last_speaker
                    carried = speaker_span is not None
            lead = len(text[inner.start:inner.end]) - len(text[inner.start:inner.end].lstrip())
            trail = len(text[inner.start:inner.end]) - len(text[inner.start:inner.end].rstrip())
            quote = Quote(inner.start + lead, inner.end - trail, "direct", cue, speaker_span,
                          text[speaker_span.start:speaker_span.end] if speaker_span else "", carried)
            quotes.append(quote)
            if speaker_span is not None:
                last_speaker = speaker_span
            prev_close = close + 1
        # reported speech: a verb, its subject, then "إن/أن …" to the end of the sentence, outside quotation marks
        for i, w in enumerate(words):
            if not _verb(w.norm) or any(o <= w.start <= c for o, c in covered):
                continue
            j = next((j for j in range(i + 1, min(len(words), i + 10)) if words[j].norm in reported), None)
            if j is None or j + 1 >= len(words):
                continue
            sentence_end = next((k for k in range(j + 1, len(words)) if text[words[k].end - 1:words[k].end] in ".؟!"
                                 or k == len(words) - 1), len(words) - 1)
            if any(o <= words[j + 1].start <= c for o, c in covered) or sentence_end - j < 3:
                continue
            speaker_span = _speaker_after(words, i + 1, j)
            carried = False
            if speaker_span is None:
                speaker_span = named_before(para, w.start) or last_speaker
                carried = speaker_span is not None
            start, end = words[j + 1].start, words[sentence_end].end
            end -= len(text[start:end]) - len(text[start:end].rstrip(" .؟!،,"))
            quote = Quote(start, end, "indirect", Span(w.start, w.end), speaker_span,
                          text[speaker_span.start:speaker_span.end] if speaker_span else "", carried)
            quotes.append(quote)
            if speaker_span is not None and not carried:
                last_speaker = speaker_span
    unique: dict[tuple[int, int], Quote] = {}
    for q in quotes:  # two cues before one reported clause ("أعرب … وقال إن …") give one quote: the nearer cue
        if (q.start, q.end) not in unique or q.cue.start > unique[q.start, q.end].cue.start:
            unique[q.start, q.end] = q
    return sorted(unique.values(), key=lambda q: q.start)


class FindQuotes:
    """Pipeline stage: ``quotes`` of the body and of each glued part (speakers never carry across units)."""

    name: ClassVar[str] = "quotes"
    requires: ClassVar[frozenset[str]] = frozenset({"body", "parts", "mentions"})
    provides: ClassVar[frozenset[str]] = frozenset({"quotes"})

    def __call__(self, article: Article, options: Options) -> Article:
        persons = [m.span for m in article.mentions if m.type == "PERS"]
        found = find_quotes(article.text, article.body, persons)
        for part in article.parts:
            found.extend(find_quotes(article.text, part.body, persons))
        article.quotes = sorted(found, key=lambda q: q.start)
        return article


def entity_index(entities: list[dict[str, Any]]) -> Any:
    """A lookup ``(article, span, types) -> entity id`` of the first entity mentioned inside the span (persons
    before other types)."""
    by_article: dict[str, list[tuple[int, int, str, str]]] = {}
    for e in entities:
        for m in e["mentions"]:
            by_article.setdefault(m["article"], []).append((m["start"], m["end"], e["id"], e["type"]))

    def lookup(article: str, span: Span, types: tuple[str, ...]) -> str | None:
        inside = [(t != "PERS", s, eid) for s, e, eid, t in by_article.get(article, [])
                  if span.start <= s and e <= span.end and t in types]
        return min(inside)[2] if inside else None

    return lookup


def link_speakers(articles: list[Article], entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """SPEC ``quotes`` with ``speaker`` set to the person (or organisation) named in the speaker span."""
    index = entity_index(entities)
    out = []
    for article in articles:
        for q in article.quotes:
            speaker = index(article.id, q.speaker_span, ("PERS", "ORG")) if q.speaker_span is not None else None
            out.append(q.to_dict(article.id, speaker))
    return out
