"""The article model: raw text that is never rewritten, plus typed span layers.

Like spaCy's ``Doc``: one object carries the text and every annotation as character offsets into it
(Python string indices, end exclusive). Stages add layers; nothing edits ``text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REMOVED_KINDS = frozenset(
    {"caption", "credit", "related", "read_also", "tags", "social", "glued_article", "byline", "other"}
)


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` of an article's raw text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}-{self.end}")

    def __reduce__(self) -> tuple[type[Span], tuple[int, int]]:
        # pickled as its two numbers (analysed articles go between processes with dozens of spans each): a third
        # of the default's time for a slotted dataclass
        return Span, (self.start, self.end)

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Removed:
    """A span that is not article text (boilerplate), with the reason it was removed."""

    start: int
    end: int
    kind: str
    rule: str = ""  # which cleaning rule fired: explains the decision in debug output

    def __post_init__(self) -> None:
        if self.kind not in REMOVED_KINDS:
            raise ValueError(f"unknown removed kind {self.kind!r}; use one of {sorted(REMOVED_KINDS)}")

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(slots=True)
class Part:
    """An article glued into another one's text (SPEC: ``parts``), analysed on its own."""

    id: str
    start: int
    end: int
    title: str | None = None
    published: str | None = None
    published_source: str = "unknown"
    body: list[Span] = field(default_factory=list)

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention: ``[start, end)`` of the raw text, its type, and the unit (article or part) it is in."""

    start: int
    end: int
    type: str  # PERS | ORG | LOC | MISC
    unit: str = ""

    def __reduce__(self) -> tuple[type[Mention], tuple[int, int, str, str]]:
        return Mention, (self.start, self.end, self.type, self.unit)  # (as ``Span.__reduce__``)

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(slots=True)
class Article:
    """One input article: the raw text, where it came from, and its span layers."""

    id: str
    text: str
    input: str = ""
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    published_source: str = "unknown"  # metadata | text | unknown
    title: str | None = None
    title_source: str = "unknown"  # metadata | page | text | unknown
    language: str | None = None
    language_score: float | None = None
    encoding: str | None = None
    format: str = "text"  # text | html | jsonl | warc | feed
    content_hash: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    normalized: Any = None  # stages.normalize.Normalized: matching form + offset map; never output
    # span layers, filled by stages
    body: list[Span] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    attributions: list[Any] = field(default_factory=list)  # stages.attribution.Attribution
    quotes: list[Any] = field(default_factory=list)  # stages.quotes.Quote, direct and reported speech
    times: list[Any] = field(default_factory=list)  # stages.time.TimeExpr, resolved time expressions
    mentions: list[Mention] = field(default_factory=list)  # named entities (stages.entities); merged in Dossier
    layers: set[str] = field(default_factory=set)  # names of layers the pipeline has provided

    def slice(self, span: Span | tuple[int, int]) -> str:
        start, end = (span.start, span.end) if isinstance(span, Span) else span
        return self.text[start:end]

    def analysed_regions(self) -> list[tuple[str, list[Span]]]:
        """The units analysed as articles: the main body, then each glued part's body.

        Returned as ``(unit_id, body_spans)``; unit ids are the article id and the part ids.
        """
        return [(self.id, self.body)] + [(p.id, p.body) for p in self.parts]

    def in_analysed_text(self, span: Span) -> bool:
        """True when ``span`` lies inside the main body or a glued part's body."""
        return any(b.contains(span) for _, bodies in self.analysed_regions() for b in bodies)

    def to_dict(self) -> dict[str, Any]:
        """The SPEC ``Article`` record (plus a few extra fields the SPEC welcomes)."""
        return {
            "id": self.id,
            "input": self.input,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published,
            "published_source": self.published_source,
            "title": self.title,
            "language": self.language,
            "encoding": self.encoding,
            "format": self.format,
            "content_hash": self.content_hash,
            "text": self.text,
            "body": [[s.start, s.end] for s in self.body],
            "removed": [{"start": r.start, "end": r.end, "kind": r.kind, "rule": r.rule} for r in self.removed],
            "paragraphs": [[s.start, s.end] for s in self.paragraphs],
            "sentences": [[s.start, s.end] for s in self.sentences],
            "parts": [
                {
                    "id": p.id,
                    "start": p.start,
                    "end": p.end,
                    "title": p.title,
                    "published": p.published,
                    "published_source": p.published_source,
                    "body": [[s.start, s.end] for s in p.body],
                }
                for p in self.parts
            ],
        }
