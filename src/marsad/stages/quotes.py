"""Quotes with their speakers (SPEC ``quotes``): direct quotes in « », “ ”, „ “ and " ", and reported speech
("قال إن …", "أكد أن …").

The speaker is the subject after a speech verb in front of the quote ("وقال الزعيم الكوري الشمالي إن «…»"), or
after the quote ("«…»، قال فلان"). With no subject ("وأضاف:", "وتابع"), or a pronoun ("وقال إنه"), the speaker
carries over from the previous quote of the same text, else the last person named before the cue. Speakers are
linked to entities after merging (``link_speakers``). Cue words live in ``marsad.resources.speech``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from ..doc import Article, Span
from ..options import Options
from ..resources import speech
from .normalize import normalize, normalize_with_map

_OPEN = {"«": "»", "“": "”", "„": "“", '"': '"'}
_TOKEN = re.compile(r"[^\s«»“”„\"]+")
_PUNCT = ".,:;!?؛،()-"  # stripped from the ends of a word's matching form
_MIN_QUOTE_WORDS = 2  # "«هدير قطار»" after a cue is a quote; with the cue after it, 3 ("«الدفاع المدني» يعلن")
_CUE_REACH = 20  # words between a speech verb and the quote or "إن/أن" it introduces
_SUBJECT_BEFORE = 6  # words of a subject written before its verb ("محللون يقولون", "مصادر اعلامية كشفت أن")
_REPORTED = ("إن", "أن", "بأن", "إنه", "أنه", "إنها", "أنها", "إنهم", "أنهم", "بأنه", "بأنها", "بأنهم")


@dataclass(frozen=True, slots=True)
class _Tables:
    verbs: frozenset[str]
    reporting_only: frozenset[str]
    relaying: frozenset[str]
    ends: frozenset[str]
    heads: frozenset[str]
    skip: frozenset[str]
    relatives: frozenset[str]
    pronouns: frozenset[str]
    breaks: frozenset[str]
    reported: frozenset[str]
    gate: re.Pattern[str]  # any cue verb, as a substring: a paragraph without one holds no quote
    forms: frozenset[str]  # every spelling _verb accepts (with و/ف and object pronouns): one set lookup a word


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    def forms(words: Sequence[str]) -> frozenset[str]:
        return frozenset(normalize(w) for w in words)

    return _Tables(forms(speech.SPEECH_VERBS), forms(speech.REPORTING_ONLY_VERBS), forms(speech.RELAYING_VERBS),
                   forms(speech.SPEAKER_END), forms(speech.SPEAKER_HEADS), forms(speech.SUBJECT_SKIP),
                   forms(speech.RELATIVE_PRONOUNS), forms(speech.PRONOUN_SUBJECTS), forms(speech.CLAUSE_BREAKS),
                   forms(_REPORTED), re.compile("|".join(map(re.escape, sorted(
                       forms([*speech.SPEECH_VERBS, *speech.REPORTING_ONLY_VERBS]), key=len, reverse=True)))),
                   frozenset(f"{pre}{v}{suf}" for v in forms([*speech.SPEECH_VERBS, *speech.REPORTING_ONLY_VERBS])
                             for pre in ("", "و", "ف") for suf in ("", "ه", "ها", "هم")))


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


def _words(text: str, start: int, end: int, norm: str | None = None) -> list[_Word]:
    """``norm``: ``normalize(text[start:end])`` when the caller has it."""
    raw_tokens = list(_TOKEN.finditer(text, start, end))
    norm_tokens = _TOKEN.findall(normalize(text[start:end]) if norm is None else norm)
    if len(norm_tokens) != len(raw_tokens):  # a token of diacritics only vanished: map offsets one by one
        return _words_mapped(text, start, end)
    out = []
    punct = _PUNCT
    for m, norm in zip(raw_tokens, norm_tokens, strict=True):
        s, e = m.span()
        mark = 0
        if text[e - 1] in ":،,.":  # most words end in a letter: strip only the others
            core = m.group().rstrip(":،,.")
            mark = e - s - len(core) if core else 0
        if norm[0] in punct or norm[-1] in punct:
            norm = norm.strip(punct)
        out.append(_Word(norm, s, e, mark))
    return out


def _words_mapped(text: str, start: int, end: int) -> list[_Word]:
    norm = normalize_with_map(text[start:end])
    out = []
    for m in _TOKEN.finditer(norm.text):
        s, e = norm.map.span_to_raw(m.start(), m.end())
        word = m.group(0).strip(".,:;!?؛،()-")
        raw = m.group(0)
        mark = len(raw) - len(raw.rstrip(":،,.")) if raw.rstrip(":،,.") else 0
        out.append(_Word(word, start + s, start + e, mark))
    return out


@lru_cache(maxsize=1 << 16)
def _verb(word: str, reporting: bool = False) -> str | None:
    """The speech verb a token is ("وقال", "فقالت" -> "قال"/"قالت"; "ووصفه" -> "وصف"), else None. ``reporting``:
    also the verbs that report speech only before a clause ("تشير إلى أن")."""
    t = _tables()
    for candidate in (word, word[1:] if word[:1] in "وف" else ""):
        for form in (candidate, candidate[:-1] if candidate.endswith("ه") else "",
                     candidate[:-2] if candidate.endswith(("ها", "هم")) else ""):
            if form and (form in t.verbs or (reporting and form in t.reporting_only)):
                return form
    return None


_OPEN_MARK = re.compile("[" + "".join(_OPEN) + "]")


def _direct_quotes(text: str, start: int, end: int, limit: int | None = None) -> list[tuple[int, int]]:
    """(open mark, close mark) positions of quotes in a paragraph. A quote left open at the paragraph's end goes on
    in the next paragraphs (up to ``limit``) when each of them reopens it with the same mark, as multi-paragraph
    quotes are written; other unclosed marks are ignored."""
    found = []
    m = _OPEN_MARK.search(text, start, end)
    while m is not None:
        i = m.start()
        close = text.find(_OPEN[text[i]], i + 1, end)
        if close > i + 1:
            found.append((i, close))
            m = _OPEN_MARK.search(text, close + 1, end)
            continue
        if limit is not None and limit > end:
            later = _continued(text, i, end, limit)
            if later is not None:
                found.append((i, later))
                break
        m = _OPEN_MARK.search(text, i + 1, end)
    return found


def _continued(text: str, open_: int, end: int, limit: int) -> int | None:
    """The closing mark of a quote opened at ``open_`` and left open at ``end``: every later paragraph up to the one
    that closes it starts with the same opening mark."""
    mark = text[open_]
    closer = _OPEN[mark]
    pos = end
    while pos < limit:
        nxt = text.find("\n", pos, limit)
        para_start = len(text) if nxt < 0 else nxt
        while para_start < limit and text[para_start] in "\n \t":
            para_start += 1
        if para_start >= limit or text[para_start] != mark:
            return None
        line_end = text.find("\n", para_start, limit)
        line_end = limit if line_end < 0 else line_end
        close = text.find(closer, para_start + 1, line_end)
        if close > 0:
            return close
        pos = line_end
    return None


def _ends_sentence(text: str, w: _Word) -> bool:
    return text[w.end - 1:w.end] in ".؟!?"


class _Paragraph:
    """The words of one paragraph and the speaker rules over them."""

    def __init__(self, text: str, para: Span, persons: Sequence[Span], limit: int | None = None,
                 quoted_until: int = 0, norm: str | None = None) -> None:
        self.text = text
        self.para = para
        self.words = _words(text, para.start, para.end, norm)
        # a quote continued from an earlier paragraph covers the start of this one
        first = max(para.start, quoted_until)
        self.marks = ([(para.start - 1, quoted_until - 1)] if quoted_until > para.start else []) + \
            _direct_quotes(text, first, para.end, limit)
        self.persons = [p for p in persons if para.start <= p.start and p.end <= para.end]
        self.t = _tables()
        # per word, computed once: inside quotation marks, and the cue it is (plain / reporting-only)
        self.in_quote = [False] * len(self.words)
        starts = [w.start for w in self.words]
        for o, c in self.marks:  # the words between each pair of marks
            for k in range(bisect_right(starts, o), bisect_left(starts, c)):
                self.in_quote[k] = True
        forms = self.t.forms
        self.cues = [False] * len(self.words)
        self.reporting_cues = [False] * len(self.words)
        for k, w in enumerate(self.words):
            if w.norm in forms:
                self.cues[k] = bool(_verb(w.norm)) and self._cue(k, False)
                self.reporting_cues[k] = self.cues[k] or (bool(_verb(w.norm, True)) and self._cue(k, True))

    def quoted(self, pos: int) -> bool:
        return any(o < pos < c for o, c in self.marks)

    def addressee(self, pos: int) -> bool:
        """Inside quotation marks right after "لـ": "لـ«المرصد اليومي»" names whom it was said to."""
        return any(o < pos < c and self.text[max(0, o - 2):o].endswith(("لـ", " ل")) for o, c in self.marks)

    def is_cue(self, k: int, reporting: bool = False) -> bool:
        return self.reporting_cues[k] if reporting else self.cues[k]

    def _cue(self, k: int, reporting: bool) -> bool:
        w = self.words[k]
        if not _verb(w.norm, reporting) or self.in_quote[k]:
            return False
        prev = [x.norm for x in self.words[max(0, k - 2):k]]
        # "حسبما نقلت", "بحسب ما ذكرت": an attribution phrase inside the sentence, not the head of a clause
        return not (prev[-1:] == ["حسبما"] or (prev[-1:] == ["ما"] and prev[-2:-1] in (["بحسب"], ["حسب"])))

    def span(self, chosen: list[_Word]) -> Span | None:
        if not chosen:
            return None
        return Span(chosen[0].start, chosen[-1].end - chosen[-1].raw_end_mark)

    def after(self, k: int, stop: int) -> Span | None:
        """The speaker named after the verb words[k], before words[stop]: to a word that ends the description."""
        words, t = self.words, self.t
        begin = k + 1
        if _verb(words[k].norm) in t.relaying:  # "نقلت الوكالة عن الدفاع المدني": the speaker follows "عن"
            via = next((i for i in range(begin, min(stop, begin + 8)) if words[i].norm == "عن"), None)
            if via is not None:
                begin = via + 1
        chosen: list[_Word] = []
        for w in words[begin:stop]:
            if self.quoted(w.start) or not w.norm:
                break
            if w.norm in t.ends and not (w.norm in ("في", "عن", "من") and chosen and chosen[0].norm in t.heads):
                break
            if w.norm.startswith("ل") and not w.norm.startswith("لجن") and not any(
                    p.start == w.start for p in self.persons):
                break  # "للصحفيين", "لوزير الدفاع": whom it was said to, not who said it (but "لافروف" speaks)
            chosen.append(w)
            if len(chosen) >= 8 or w.raw_end_mark:
                break  # "قال بوتين:" / "وقال وزير الخارجية الروسي، في لقاء": the description ends at the mark
        return self.span(chosen)

    def before(self, k: int) -> Span | None:
        """A subject written before its verb, back to the previous mark: "محللون يقولون", "الرئيس … أكد"; through a
        relative pronoun to its antecedent: "الدراجي، الذي أكد"."""
        words, t = self.words, self.t
        i = k - 1
        relative = i >= 0 and words[i].norm in t.relatives
        if relative:
            i -= 1
        chosen: list[_Word] = []
        limit = _SUBJECT_BEFORE + (4 if relative else 0)
        while i >= 0:
            w = words[i]
            if not w.norm or self.quoted(w.start) or _ends_sentence(self.text, w):
                break
            if w.raw_end_mark and not (relative and not chosen):  # "الدراجي، الذي": the mark before the pronoun
                break
            if (_verb(w.norm, True) or w.norm in t.reported or w.norm in ("حسبما", "بحسب", "حسب", "مع", "عن")
                    or w.norm.startswith("بحسب")):
                break  # the subject starts after the verb, complementizer or attribution phrase before it
            chosen.insert(0, w)
            i -= 1
            if len(chosen) > limit + 2:
                return None
        while chosen and (chosen[0].norm in t.skip or chosen[0].norm in t.reported):
            chosen.pop(0)
        while chosen and chosen[-1].norm in t.skip:
            chosen.pop()
        if len(chosen) == 1 and chosen[0].norm in t.pronouns:
            return None  # "لكنها قالت": a pronoun, resolved like a missing subject
        if not chosen or len(chosen) > limit + (4 if words[max(0, i + 1)].norm in ("وكان", "وكانت") else 0):
            return None
        if any(w.norm in t.ends and w.norm not in ("في", "عن", "من") for w in chosen):
            return None
        return self.span(chosen)

    def named_before(self, position: int) -> Span | None:
        """The person the paragraph is about, for a cue without a subject: the first person named in the
        paragraph before the cue ("رحب بوتين بكيم …، وقال إنه" is Putin speaking, not Kim)."""
        before = [p for p in self.persons if p.end <= position]
        return min(before, key=lambda p: p.start) if before else None

    def clause_end(self, first: int) -> int:
        """Index of the last word of a reported clause starting at words[first]: the sentence end, or the word
        before ", مضيفاً/داعياً …"."""
        words, t = self.words, self.t
        for k in range(first, len(words)):
            if _ends_sentence(self.text, words[k]):
                return k
            nxt = words[k + 1] if k + 1 < len(words) else None
            comma = words[k].raw_end_mark or (not words[k].norm and self.text[words[k].start] in "،,")
            if nxt is not None and comma and (nxt.norm in t.breaks or self.is_cue(k + 1)):
                return k if words[k].norm else k - 1
        return len(words) - 1


def find_quotes(text: str, paragraphs: list[Span], persons: Sequence[Span] = ()) -> list[Quote]:
    """Direct and reported quotes in the paragraphs of one unit, in order, speakers carried over. ``persons``:
    spans of person mentions; a quote whose cue names no one goes to the previous speaker of its paragraph, else to
    the last person named before it in its paragraph ("أعرب كيم عن «…»، وقال إن …"), else to the previous
    speaker."""
    quotes: list[Quote] = []
    last_speaker: Span | None = None
    gate = _tables().gate
    quoted_until = 0  # the end of a quote that runs on into later paragraphs
    for n, para in enumerate(paragraphs):
        norm = normalize(text[para.start:para.end])
        if not gate.search(norm):
            continue
        limit = paragraphs[min(n + 3, len(paragraphs) - 1)].end
        p = _Paragraph(text, para, persons, limit, quoted_until, norm)
        quoted_until = max([quoted_until] + [c + 1 for o, c in p.marks if c >= para.end])
        words, t = p.words, p.t
        # candidates: (cue index, span start, span end, kind, speaker-after stop index | None)
        found: list[tuple[int, int, int, str, int]] = []
        clauses: list[tuple[int, int, int]] = []  # (cue index, start, end) of reported clauses
        for i in range(len(words)):
            if not p.is_cue(i, reporting=True):
                continue
            j = None
            for k in range(i + 1, min(len(words), i + _CUE_REACH)):
                if words[k].norm in t.reported and not p.in_quote[k]:
                    j = k
                    break
                if p.in_quote[k] and p.addressee(words[k].start):
                    continue
                if (_ends_sentence(text, words[k]) or p.in_quote[k] or p.is_cue(k)
                        or text[words[k].end - words[k].raw_end_mark:words[k].end] == ":"):
                    break
            if j is None or j + 1 >= len(words):
                continue
            last = p.clause_end(j + 1)
            start, end = words[j + 1].start, words[last].end
            end -= len(text[start:end]) - len(text[start:end].rstrip(" .؟!،,:"))
            clause = text[start:end]
            if (clause.count("«") > clause.count("»") or clause.count("“") > clause.count("”")
                    or clause.count('"') % 2):
                end += 1 if text[end:end + 1] in "»”\"" else 0  # "إن فرق الإنقاذ «تعمل …»، موضحاً": the closing mark
            inner = next(((o, c) for o, c in p.marks if o < start + 1 and end - 1 <= c + 1), None)
            if inner is not None or last - j < 2:
                continue  # "إن «…»": the clause is the direct quote itself; "أن يكون": too short to be a claim
            found.append((i, start, end, "indirect", j))
            clauses.append((i, start, end))
        prev_close = para.start
        for open_, close in p.marks:
            if open_ < para.start:
                prev_close = close + 1
                continue  # the end of a quote that began in an earlier paragraph
            inner = Span(open_ + 1, close)
            content = text[inner.start:inner.end].strip()
            n_words = len(content.split())
            lead = len(text[inner.start:inner.end]) - len(text[inner.start:inner.end].lstrip())
            trail = len(text[inner.start:inner.end]) - len(text[inner.start:inner.end].rstrip())
            start, end = inner.start + lead, inner.end - trail
            if n_words < _MIN_QUOTE_WORDS or text[max(para.start, open_ - 2):open_].endswith(("لـ", " ل")):
                continue  # "لـ«المرصد اليومي»": whom it was said to
            host = max((c for c in clauses if c[1] <= open_ and close < c[2] + 1), key=lambda c: c[1], default=None)
            if host is not None:  # a quoted phrase inside reported speech is that speaker's words
                found.append((host[0], start, end, "direct", -1))
                prev_close = close + 1
                continue
            before = [k for k, w in enumerate(words) if prev_close <= w.start and w.end <= open_]
            cue_index = None
            for k in reversed(before[-_CUE_REACH:]):
                if p.is_cue(k):
                    cue_index = k
                    break
                if _ends_sentence(text, words[k]):
                    break
            if cue_index is not None:
                found.append((cue_index, start, end, "direct", before[-1] + 1))
                prev_close = close + 1
                continue
            after = [k for k, w in enumerate(words) if w.start > close][:6]
            k = next((k for k in after if p.is_cue(k)), None)
            if k is None or n_words < 3:
                continue  # quotation marks without a speech cue: a term or a title, not a quote
            found.append((k, start, end, "direct", min(len(words), k + 9)))
            prev_close = close + 1
        # speakers in reading order, so that "وأضاف:" takes the speaker of the quote before it
        para_speaker: Span | None = None
        resolved: dict[int, tuple[Span | None, bool]] = {}
        for cue_index, start, end, kind, stop in sorted(found, key=lambda f: (f[0], f[4] < 0, f[1])):
            if stop < 0:
                speaker, carried = resolved.get(cue_index, (None, False))
            elif cue_index in resolved:
                speaker, carried = resolved[cue_index]
            else:
                speaker = p.after(cue_index, stop) or p.before(cue_index)
                carried = speaker is None
                if speaker is None:  # "وأضاف:", "وتابع", "وقال إنه": the previous speaker goes on
                    speaker = para_speaker or p.named_before(words[cue_index].start) or last_speaker
                resolved[cue_index] = (speaker, carried)
            cue = Span(words[cue_index].start, words[cue_index].end)
            quotes.append(Quote(start, end, kind, cue, speaker,
                                text[speaker.start:speaker.end] if speaker else "", carried and speaker is not None))
            if speaker is not None:
                para_speaker = last_speaker = speaker
    unique: dict[tuple[int, int, str], Quote] = {}
    for q in quotes:  # two cues before one reported clause ("أعرب … وقال إن …") give one quote: the nearer cue
        key = (q.start, q.end, q.kind)
        if key not in unique or q.cue.start > unique[key].cue.start:
            unique[key] = q
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


def first_entity_inside(mentions: Iterable[tuple[int, int, str, str]], span: Span,
                        types: tuple[str, ...]) -> str | None:
    """The id of the first entity of ``types`` mentioned inside ``span`` (persons before other types), among an
    article's ``mentions`` as (start, end, entity id, entity type)."""
    inside = [(t != "PERS", s, eid) for s, e, eid, t in mentions if span.start <= s and e <= span.end and t in types]
    return min(inside)[2] if inside else None


def entity_index(entities: list[dict[str, Any]]) -> Any:
    """A lookup ``(article, span, types) -> entity id`` of the first entity mentioned inside the span (persons
    before other types)."""
    by_article: dict[str, list[tuple[int, int, str, str]]] = {}
    for e in entities:
        for m in e["mentions"]:
            by_article.setdefault(m["article"], []).append((m["start"], m["end"], e["id"], e["type"]))

    def lookup(article: str, span: Span, types: tuple[str, ...]) -> str | None:
        return first_entity_inside(by_article.get(article, ()), span, types)

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
