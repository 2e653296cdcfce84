"""Cleaning: mark boilerplate as ``removed`` spans and find the article body and glued article parts.

Decisions are made per line (paragraph) and, for page chrome and credits, below the line level. Nothing is
deleted: every decision is a span with a kind and the rule that made it. Cues live in
``marsad.resources.boilerplate``; this module holds only the logic.

Order of decisions:
1. line rules: captions (+ their credits), stray markers, social links, bylines, block headers, chrome;
2. blocks: "read also" lists, "related articles" blocks (to the end of the page or to a glued article),
   tag lines after the last paragraph, repeated teasers and repeated titles;
3. glued articles: after a related/read-also/tags block, a headline with article furniture (caption, stray
   marker, repeated headline) followed by several prose paragraphs is another article: it becomes a part.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

from ..doc import Article, Part, Removed, Span
from ..options import Options
from ..resources import boilerplate as bp
from .normalize import normalize, normalize_with_map

_NON_KEY = re.compile(r"[\s\.\-_:·/|«»\"'“”()\[\]،,؛;!?؟…]+")


def cue_key(text: str) -> str:
    """Matching key for cue phrases: normalized, punctuation and spaces removed ("أقرأ أيضاً:" -> "اقرايضا")."""
    return _NON_KEY.sub("", normalize(text))


# words repeat across lines and articles: their keys are worth remembering (whole lines are not)
token_key = lru_cache(maxsize=100_000)(cue_key)


def _keys(phrases: list[str]) -> frozenset[str]:
    return frozenset(k for k in (cue_key(p) for p in phrases) if k)


AGENCY_KEYS = _keys(bp.AGENCIES)
_AGENCY_WORD = cue_key("وكالة")
# last words of credits, and single letters ("أ ف ب"): a line ending otherwise is no caption
_AGENCY_LAST_WORDS = AGENCY_KEYS | {cue_key(a.split()[-1]) for a in bp.AGENCIES} | {
    cue_key(c) for c in "ابتثجحخدذرزسشصضطظعغفقكلمنهويأإ"}
CREDIT_PREFIX_KEYS = _keys(bp.CREDIT_PREFIXES)
RELATED_KEYS = _keys(bp.RELATED_HEADERS)
READ_ALSO_KEYS = _keys(bp.READ_ALSO_HEADERS)
TAG_KEYS = _keys(bp.TAG_HEADERS)
SOCIAL_KEYS = _keys(bp.SOCIAL_PHRASES)
STRAY_KEYS = _keys(bp.STRAY_MARKERS) | {""}
BYLINE_START_KEYS = _keys(bp.BYLINE_STARTS)
CHROME_WORD_KEYS = _keys(bp.CHROME_WORDS)
CHROME_NEUTRAL_KEYS = _keys(bp.CHROME_NEUTRAL)
# multi-word chrome entries as token-key tuples, indexed by their first key, longest first
_CHROME_MULTI: dict[str, list[tuple[str, ...]]] = {}
for _phrase in sorted({tuple(cue_key(w) for w in p.split()) for p in bp.CHROME_WORDS + bp.CHROME_PHRASES
                       if len(p.split()) > 1}, key=len, reverse=True):
    _CHROME_MULTI.setdefault(_phrase[0], []).append(_phrase)
# legal/subscription phrases by their first normalized word, so most lines are ruled out by one set lookup
_PHRASES_BY_FIRST: dict[str, list[str]] = {}
for _p in bp.CHROME_PHRASES:
    _PHRASES_BY_FIRST.setdefault(normalize(_p.split()[0]), []).append(cue_key(_p))
_PHRASE_FIRST_WORDS = frozenset(_PHRASES_BY_FIRST)

_WORD = re.compile(r"\S+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_PROSE_END = re.compile(r"[.!?؟…]\s*[»”\"')]*\s*$")
_PAREN_TAIL = re.compile(r"\(([^()\n]{1,60})\)\s*$")
_CITY_TAIL = re.compile(r"\(([^()\n]{2,30})\)\s*$")
_DATELINE = re.compile(r"^[^\s().،:]{2,20}(?:\s[^\s().،:]{2,20}){0,2}\s*[-–—:]?\s*\(([^()\n]{1,30})\)\s*[-–—:]+\s*")
_OUTLET_DATELINE = re.compile(r"^[^\s:]{2,20}(?:\s[^\s:]{2,20})?\s*:\s*«[^»\n]{2,40}»\s*$")
_BARE_CREDIT = re.compile(r"(?:^|[.\-–—|:]\s*|\s[-–—|]\s*)([^.\-–—|:]{2,30})\s*$")
_BYLINE = re.compile(r"^(\S+(?:\s\S+)?)\s*[:\-–—/]\s*(.+)$")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def is_agency(text: str) -> bool:
    """True for a credit such as "رويترز", "أ.ف.ب", "صورة: رويترز", "AFP/Getty Images", "رويترز/أ.ب"."""
    parts = [p for p in re.split(r"\s*[/،,+&]\s*|\s+و(?=\S)|\s+-\s+", text.strip()) if p.strip()]
    if not parts:
        return False
    for part in parts:
        key = cue_key(part)
        if key in AGENCY_KEYS or (key.startswith(_AGENCY_WORD) and len(part.split()) <= 4):
            continue  # "(وكالة النهار للأنباء)": any named agency
        head, _, rest = part.partition(":")
        if rest and cue_key(head) in CREDIT_PREFIX_KEYS and cue_key(rest) in AGENCY_KEYS:
            continue
        return False
    return True


@dataclass(slots=True)
class Line:
    """A non-blank line of the text, trimmed: one paragraph of a crawled page."""

    index: int
    start: int
    end: int
    text: str
    words: int
    norm: str = ""  # the normalized line (for matching)
    removed: list[Removed] = field(default_factory=list)  # removed pieces found by line rules
    _tokens: list[re.Match[str]] | None = None
    _key: str | None = None

    @property
    def compact(self) -> str:
        """The normalized line without whitespace: what repeated lines are compared on."""
        return "".join(self.norm.split())

    @property
    def key(self) -> str:
        """``cue_key`` of the whole line: what repeated lines and block headers are compared on."""
        if self._key is None:
            self._key = _NON_KEY.sub("", self.norm)
        return self._key
    _keys: list[str] | None = None

    @property
    def tokens(self) -> list[re.Match[str]]:
        """The whitespace-separated tokens of the line (computed once; every rule reads them)."""
        if self._tokens is None:
            self._tokens = list(_WORD.finditer(self.text))
        return self._tokens

    @property
    def keys(self) -> list[str]:
        """``cue_key`` of each token."""
        if self._keys is None:
            self._keys = [token_key(t.group(0)) for t in self.tokens]
        return self._keys

    @property
    def fully_removed(self) -> bool:
        covered = sum(r.end - r.start for r in self.removed)
        whole = any(r.start <= self.start and r.end >= self.end for r in self.removed)
        return whole or covered >= len(self.text.strip())

    @property
    def is_prose(self) -> bool:
        """A paragraph of running text (not a headline, caption or list item)."""
        return (self.words >= 12 and bool(_PROSE_END.search(self.text))) or self.words >= 30

    @property
    def is_headline(self) -> bool:
        """Short and without a sentence-final full stop: headline, subheading, teaser or tag."""
        stripped = self.text.rstrip()
        return 2 <= self.words <= 25 and not (stripped.endswith(".") and not stripped.endswith(".."))


def split_lines(text: str, normalized: str | None = None) -> list[Line]:
    """Non-blank lines of ``text``; ``normalized`` is ``normalize(text)`` when the caller has it already."""
    lines: list[Line] = []
    pos = 0
    # one normalization pass for the whole text; it never adds or drops a newline, so lines stay aligned
    norm_lines = (normalized if normalized is not None else normalize(text)).split("\n")
    for raw, norm_line in zip(text.split("\n"), norm_lines, strict=True):
        stripped = raw.strip()
        if stripped:
            start = pos + (len(raw) - len(raw.lstrip()))
            norm = norm_line.strip()
            lines.append(Line(len(lines), start, start + len(stripped), stripped, stripped.count(" ") + 1, norm))
        pos += len(raw) + 1
    return lines


# ---------------------------------------------------------------- line rules


def _removed(line: Line, start: int, end: int, kind: str, rule: str) -> Removed:
    """A removed span inside ``line`` from text-relative offsets, trimmed of whitespace."""
    text = line.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Removed(line.start + start, line.start + end, kind, rule)


def caption_rule(line: Line) -> list[Removed]:
    """A short line ending in an agency credit is a photo caption: "... في موسكو (رويترز)", "... روسيا. رويترز"."""
    text = line.text
    if not (text.endswith(")") or token_key(text.rsplit(None, 1)[-1]) in _AGENCY_LAST_WORDS):
        return []  # fast path: most lines do not end in anything like a credit
    m = _PAREN_TAIL.search(text)
    credit_start = None
    if m and is_agency(m.group(1)):
        credit_start = m.start()
    else:
        # credit after a separator without brackets: "... روسيا. رويترز", "... - أ ف ب"
        m2 = _BARE_CREDIT.search(text)
        if m2 and is_agency(m2.group(1)) and (m2.start(1) == 0 or line.words > len(m2.group(1).split())):
            credit_start = m2.start(1)
    if credit_start is None:
        return []
    caption_words = len(_WORD.findall(text[:credit_start]))
    if caption_words > 45 or (caption_words > 25 and _PROSE_END.search(text[:credit_start].rstrip())
                              and text[:credit_start].count(".") > 2):
        return []  # a long paragraph that happens to end with an agency name is body text
    out = [_removed(line, credit_start, len(text), "credit", "caption_credit")]
    if text[:credit_start].strip(" .-–—|:"):
        out.insert(0, _removed(line, 0, credit_start, "caption", "caption_credit"))
    return out


def dateline_rule(line: Line) -> list[Removed]:
    """A wire dateline opening a paragraph: "موسكو (رويترز) - ..." -> the dateline is a credit."""
    if "(" not in line.text[:60]:
        return []
    m = _DATELINE.match(line.text)
    if m and is_agency(m.group(1)) and line.words > 6:
        return [_removed(line, 0, m.end(), "credit", "dateline")]
    return []


def stray_rule(line: Line) -> list[Removed]:
    if line.words > 3:
        return []
    if line.key in STRAY_KEYS or (_PUNCT_ONLY.match(line.text) and line.words <= 3):
        return [_removed(line, 0, len(line.text), "other", "stray_marker")]
    if re.fullmatch(r"[A-Za-z]{1,3}", line.text):  # "TT", "A": text-size toggles and logo letters
        return [_removed(line, 0, len(line.text), "other", "stray_marker")]
    return []


def social_rule(line: Line) -> list[Removed]:
    text = line.text
    urls = list(_URL.finditer(text)) if ("http" in text or "www." in text) else []
    if urls:
        rest = _URL.sub(" ", text)
        social = any(any(h in u.group(0).lower() for h in bp.SOCIAL_HOSTS) for u in urls)
        if len(_WORD.findall(rest)) <= 6:
            return [_removed(line, 0, len(text), "social" if social else "other", "link_line")]
    if line.words <= 8 and line.keys and all(w in SOCIAL_KEYS or not w for w in line.keys):
        return [_removed(line, 0, len(text), "social", "share_widget")]
    return []


def byline_rule(line: Line) -> list[Removed]:
    """ "بقلم: فلان", "كتب - فلان", "إعداد: ...", "لندن: «الشرق الأوسط»"."""
    if line.words > 10:
        return []
    text = line.text
    m = _BYLINE.match(text)
    if m and cue_key(m.group(1)) in BYLINE_START_KEYS and len(_WORD.findall(m.group(2))) <= 5:
        return [_removed(line, 0, len(text), "byline", "byline")]
    first = _WORD.match(text)
    if first and cue_key(first.group(0)) in {cue_key("بقلم")} and line.words <= 6:
        return [_removed(line, 0, len(text), "byline", "byline")]
    if _OUTLET_DATELINE.match(text):
        return [_removed(line, 0, len(text), "byline", "outlet_dateline")]
    return []


def _chrome_mask(keys: list[str]) -> list[bool | None]:
    """Per token: True for page-chrome words, False for other words, None for punctuation and the function
    words that glue menu items and form help together ("ثم", "في"): they count for neither side."""
    mask: list[bool | None] = [
        None if not k or k in CHROME_NEUTRAL_KEYS else (k in CHROME_WORD_KEYS) for k in keys
    ]
    for i in range(len(keys)):
        for phrase in _CHROME_MULTI.get(keys[i], ()):
            if tuple(keys[i:i + len(phrase)]) == phrase:
                for j in range(i, i + len(phrase)):
                    mask[j] = True
                break
    return mask


def _chrome_run_end(mask: list[bool | None], order: range) -> int | None:
    """Last index (in walking order) of the longest run that is mostly chrome and holds >= 3 chrome words."""
    chrome = other = 0
    best = None
    for i in order:
        if mask[i] is None:
            continue
        if mask[i]:
            chrome += 1
            if chrome >= 3 and other <= chrome // 4:
                best = i
        else:
            other += 1
            if other > chrome // 4:
                break
    return best


def chrome_rule(line: Line) -> list[Removed]:
    """Menus, search help, legal notices and subscription forms, also where they run into the headline on the
    same line (often tokenised with spaces around punctuation). Decided on tokens, below the line level: runs
    of chrome words at the start and end of the line are removed and the headline between them stays; the whole
    line goes only when little else is left."""
    words = line.norm.split()
    starts = _PHRASE_FIRST_WORDS.intersection(words)
    has_phrase = bool(starts) and any(p in line.key for w in starts for p in _PHRASES_BY_FIRST[w])
    if not has_phrase and len(CHROME_WORD_KEYS.intersection(words)) < 2:
        return []  # fast path: fewer than two menu words and no legal/form phrase
    tokens = line.tokens
    mask = _chrome_mask(line.keys)
    n_words = sum(1 for m in mask if m is not None)
    n_chrome = sum(1 for m in mask if m)
    whole = [_removed(line, 0, len(line.text), "other", "page_chrome")]
    if n_chrome >= 2 and n_chrome == n_words:
        return whole
    head = _chrome_run_end(mask, range(len(tokens)))
    tail = _chrome_run_end(mask, range(len(tokens) - 1, -1, -1))
    if tail is not None and head is not None and tail <= head:
        tail = None
    # take the separators ("|", "»", "-") next to a run with it
    keys = line.keys
    while head is not None and head + 1 < len(tokens) and not keys[head + 1]:
        head += 1
    while tail is not None and tail - 1 > (head if head is not None else -1) and not keys[tail - 1]:
        tail -= 1
    lo = head + 1 if head is not None else 0
    hi = tail if tail is not None else len(tokens)
    rest = [mask[i] for i in range(lo, hi) if mask[i] is not None]
    if (head is not None or tail is not None or has_phrase) and (
        len(rest) < 4 or (has_phrase and sum(1 for m in rest if m) >= 0.5 * len(rest))
    ):
        return whole
    out: list[Removed] = []
    if head is not None:
        out.append(_removed(line, 0, tokens[head].end(), "other", "page_chrome_prefix"))
    if tail is not None:
        out.append(_removed(line, tokens[tail].start(), len(line.text), "other", "page_chrome_suffix"))
    return out


LINE_RULES = (stray_rule, social_rule, caption_rule, dateline_rule, byline_rule, chrome_rule)


def header_kind(line: Line) -> str | None:
    """``related``, ``read_also`` or ``tags`` when the line opens such a block (possibly with items after ':')."""
    head = re.split(r"[:：]", line.norm, maxsplit=1)[0]
    key = _NON_KEY.sub("", head)  # the line is normalized already
    for kind, keys in (("read_also", READ_ALSO_KEYS), ("related", RELATED_KEYS), ("tags", TAG_KEYS)):
        if key in keys or line.key in keys:
            return kind
    return None


# ---------------------------------------------------------------- the stage


@dataclass(slots=True)
class CleanResult:
    removed: list[Removed]
    body: list[Span]
    paragraphs: list[Span]
    parts: list[Part]
    title_line: Line | None


class Clean:
    """Pipeline stage: ``removed``, ``body``, ``paragraphs``, ``parts`` and the title when the input has none."""

    name: ClassVar[str] = "clean"
    requires: ClassVar[frozenset[str]] = frozenset({"text"})
    provides: ClassVar[frozenset[str]] = frozenset({"body", "removed", "paragraphs", "parts", "title", "normalized"})

    def __call__(self, article: Article, options: Options) -> Article:
        if article.normalized is None:  # the matching form is needed here and by later stages: compute it once
            article.normalized = normalize_with_map(article.text)
        result = (clean_text(article.text, options, article_id=article.id, normalized=article.normalized.text)
                  if options.clean else _no_clean(article))
        article.removed = result.removed
        article.body = result.body
        article.paragraphs = result.paragraphs
        article.parts = result.parts
        if not article.title:
            if result.title_line is not None:
                article.title = result.title_line.text
                article.title_source = "text"
            elif result.body:
                first = article.slice(result.body[0])
                article.title = re.split(r"(?<=[.!؟?])\s", first, maxsplit=1)[0]
                article.title_source = "text"
        return article


def _no_clean(article: Article) -> CleanResult:
    lines = split_lines(article.text)
    spans = [Span(ln.start, ln.end) for ln in lines]
    return CleanResult([], spans, spans, [], None)


def clean_text(text: str, options: Options, article_id: str = "article", normalized: str | None = None) -> CleanResult:
    lines = split_lines(text, normalized)
    if not lines:
        return CleanResult([], [], [], [], None)
    for line in lines:
        for rule in LINE_RULES:
            found = rule(line)
            if found:
                line.removed.extend(found)
                if line.fully_removed:
                    break
    blocks: list[Removed] = []
    block_of: dict[int, str] = {}  # line index -> block kind, for lines swallowed by a block

    # the headline: the first line when it reads as one
    first = next((ln for ln in lines if not ln.fully_removed), None)
    title_line = first if first is not None and first.is_headline and not first.removed else None

    # blocks: read-also lists and related-article blocks
    glued: list[tuple[int, int]] = []  # (first line index, last line index) of glued articles
    i = 0
    while i < len(lines):
        line = lines[i]
        kind = header_kind(line) if line.words <= 12 else None
        if kind == "read_also":
            j = i
            same_line_items = ":" in line.text and len(line.text.split(":", 1)[1].strip()) > 0
            if not same_line_items:
                while j + 1 < len(lines) and j - i < 8 and _is_teaser(lines[j + 1]):
                    j += 1
            _mark_block(lines, i, j, "read_also", "read_also_block", blocks, block_of)
            i = j + 1
            continue
        if kind == "related":
            end, glued_span = _related_block_end(lines, i, options)
            _mark_block(lines, i, end, "related", "related_block", blocks, block_of)
            if glued_span:
                glued.append(glued_span)
                i = glued_span[1] + 1
            else:
                i = end + 1
            continue
        if kind == "tags":
            j = i
            if ":" not in line.text or not line.text.split(":", 1)[1].strip():
                while j + 1 < len(lines) and lines[j + 1].words <= 4 and not lines[j + 1].is_prose:
                    j += 1
            _mark_block(lines, i, j, "tags", "tag_block", blocks, block_of)
            i = j + 1
            continue
        i += 1

    # a glued article may also follow tags or read-also lists at the end of the main article
    if not glued:
        last_block_line = max((k for k in block_of), default=None)
        if last_block_line is not None:
            span = _glued_after(lines, last_block_line + 1, len(lines) - 1, options)
            if span:
                glued.append(span)

    main_end = glued[0][0] if glued else len(lines)
    _mark_trailing_tags(lines, 0, main_end, block_of, blocks)
    _mark_repeats(lines, 0, main_end, title_line, block_of, blocks)

    parts: list[Part] = []
    for n, (g_start, g_end) in enumerate(glued, start=2):
        part_lines = lines[g_start:g_end + 1]
        part_title = next((ln for ln in part_lines if not ln.removed and ln.is_headline), None)
        _mark_trailing_tags(lines, g_start, g_end + 1, block_of, blocks)
        _mark_repeats(lines, g_start, g_end + 1, part_title, block_of, blocks)
        start, end = lines[g_start].start, lines[g_end].end
        blocks.append(Removed(start, end, "glued_article", "glued_after_block"))
        body = _body_spans(part_lines, block_of)
        parts.append(Part(id=f"{article_id}#{n}", start=start, end=end,
                          title=part_title.text if part_title else None, body=body))

    main_lines = lines[:main_end]
    body = _body_spans(main_lines, block_of)
    # a line swallowed by a link block is covered by the block's span; lines of glued parts keep their own
    line_removed = [r for ln in lines if ln.index not in block_of for r in ln.removed]
    removed = sorted(line_removed + blocks, key=lambda r: (r.start, -r.end))
    if title_line is not None and title_line.index in block_of:
        title_line = None
    return CleanResult(removed, body, list(body), parts, title_line)


def _is_teaser(line: Line) -> bool:
    """An item of a link list: a headline (teasers may end in '؟'), a caption, a byline — not running prose."""
    return line.is_headline or bool(line.removed) or not line.is_prose


def _mark_block(lines: list[Line], i: int, j: int, kind: str, rule: str, blocks: list[Removed],
                block_of: dict[int, str]) -> None:
    blocks.append(Removed(lines[i].start, lines[j].end, kind, rule))
    for k in range(i, j + 1):
        block_of[k] = kind


def _is_item_byline(line: Line) -> bool:
    """The line closing a teaser: an author or outlet with a place, "«الشرق الأوسط» (كييف)", "رنا أبتر (واشنطن)"."""
    m = _CITY_TAIL.search(line.text)
    return bool(m) and line.words <= 7 and not line.is_prose and not is_agency(m.group(1))


def _prose_run(lines: list[Line], start: int, end: int, need: int) -> int | None:
    """Index of the first line of a run of ``need`` prose paragraphs in lines[start..end] with no teaser byline
    between them (captions, stray markers and headlines may sit between)."""
    run_start, count = None, 0
    for k in range(start, end + 1):
        line = lines[k]
        if _is_item_byline(line):
            run_start, count = None, 0
        elif line.is_prose and not line.fully_removed:
            if run_start is None:
                run_start = k
            count += 1
            if count >= need:
                return run_start
    return None


def _glued_after(lines: list[Line], start: int, end: int, options: Options) -> tuple[int, int] | None:
    """A glued article inside lines[start..end]: a headline with article furniture, then prose paragraphs."""
    if start > end:
        return None
    first_prose = _prose_run(lines, start, end, options.glued_min_paragraphs)
    if first_prose is None:
        return None
    # walk back over the article's header: headline, captions, stray markers, a repeated headline
    k = first_prose - 1
    header: list[Line] = []
    while k >= start:
        line = lines[k]
        if _is_item_byline(line) or (line.is_prose and not line.fully_removed):
            break
        header.append(line)
        k -= 1
    header.reverse()
    headline = next((ln for ln in header if ln.is_headline and not ln.removed), None)
    if headline is None:
        return None
    furniture = any(ln.removed for ln in header) or any(
        ln.compact == headline.compact and ln is not headline for ln in header
    )
    if not furniture:
        return None  # prose after a block without a new article's header: the same article goes on
    return headline.index, end


def _related_block_end(lines: list[Line], i: int, options: Options) -> tuple[int, tuple[int, int] | None]:
    """Where a related-articles block opened at line ``i`` ends, and the glued article after it, if any."""
    last = len(lines) - 1
    glued = _glued_after(lines, i + 1, last, options)
    if glued:
        return glued[0] - 1, glued
    # the main article may go on after an inline related block: stop before a run of prose without furniture
    cont = _prose_run(lines, i + 1, last, options.glued_min_paragraphs)
    if cont is not None:
        k = cont - 1
        while k > i and lines[k].is_headline and not lines[k].removed and not _is_item_byline(lines[k]):
            k -= 1  # a subheading before the continued text belongs to the text
        return max(i, k), None
    return last, None


def _mark_trailing_tags(lines: list[Line], start: int, end: int, block_of: dict[int, str],
                        blocks: list[Removed]) -> None:
    """Short lines after the last prose paragraph of an article (before any block) are its tags."""
    last_prose = None
    for k in range(start, end):
        if k in block_of:
            if last_prose is not None:
                break
            continue
        if lines[k].is_prose and not lines[k].fully_removed:
            last_prose = k
    if last_prose is None:
        return
    k = last_prose + 1
    run: list[int] = []
    while k < end and k not in block_of:
        line = lines[k]
        if line.fully_removed:
            k += 1
            continue
        if line.words <= 4 and not re.search(r"[.!؟?:،,]", line.text) and not line.removed:
            run.append(k)
            k += 1
            continue
        return  # something else follows: these are not trailing tags
    if run:
        _mark_block(lines, run[0], run[-1], "tags", "trailing_tags", blocks, block_of)


def _mark_repeats(lines: list[Line], start: int, end: int, title: Line | None, block_of: dict[int, str],
                  blocks: list[Removed]) -> None:
    """A repeated title is page furniture; a headline printed several times in a text is an embedded teaser."""
    compact = {ln.index: ln.compact for ln in lines[start:end]}
    counts = Counter(compact[ln.index] for ln in lines[start:end] if ln.index not in block_of and not ln.removed)
    for line in lines[start:end]:
        if line.index in block_of or line.removed or line is title:
            continue
        if title is not None and compact[line.index] == title.compact and line.index > title.index:
            _mark_block(lines, line.index, line.index, "other", "repeated_title", blocks, block_of)
        elif counts[compact[line.index]] >= 2 and line.is_headline and not line.is_prose:
            _mark_block(lines, line.index, line.index, "related", "repeated_teaser", blocks, block_of)


def _body_spans(lines: list[Line], block_of: dict[int, str]) -> list[Span]:
    """The kept pieces of each line: the line minus its removed spans, trimmed."""
    spans: list[Span] = []
    for line in lines:
        if line.index in block_of or line.fully_removed:
            continue
        pos = line.start
        for r in sorted(line.removed, key=lambda r: r.start):
            spans.extend(_trimmed(line, pos, r.start))
            pos = max(pos, r.end)
        spans.extend(_trimmed(line, pos, line.end))
    return spans


def _trimmed(line: Line, start: int, end: int) -> list[Span]:
    rel_s, rel_e = start - line.start, end - line.start
    piece = line.text[rel_s:rel_e]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    s, e = start + lead, end - trail
    if e <= s or not re.search(r"\w", line.text[s - line.start:e - line.start]):
        return []
    return [Span(s, e)]
