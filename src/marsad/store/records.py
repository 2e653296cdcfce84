"""An ``Article`` with all its span layers <-> the JSON kept in ``articles.layers``.

The round trip is exact: the cross-document state is rebuilt from stored articles after a crash, and must see
the same units it saw the first time.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from ..doc import Article, Mention, Part, Removed, Span
from ..stages.attribution import Attribution
from ..stages.quotes import Quote
from ..stages.time import TimeExpr


def _spans(spans: list[Span]) -> list[list[int]]:
    return [[s.start, s.end] for s in spans]


def _span_list(rows: list[list[int]]) -> list[Span]:
    return [Span(a, b) for a, b in rows]


def layers_of(article: Article) -> dict[str, Any]:
    return {
        "title_source": article.title_source,
        "published_source": article.published_source,
        "language_score": article.language_score,
        "encoding": article.encoding,
        "meta": article.meta,
        "layers": sorted(article.layers),
        "body": _spans(article.body),
        "removed": [[r.start, r.end, r.kind, r.rule] for r in article.removed],
        "paragraphs": _spans(article.paragraphs),
        "sentences": _spans(article.sentences),
        "parts": [{"id": p.id, "start": p.start, "end": p.end, "title": p.title, "published": p.published,
                   "published_source": p.published_source, "body": _spans(p.body)} for p in article.parts],
        "mentions": [[m.start, m.end, m.type, m.unit] for m in article.mentions],
        "quotes": [[q.start, q.end, q.kind, q.cue.start, q.cue.end,
                    None if q.speaker_span is None else [q.speaker_span.start, q.speaker_span.end],
                    q.speaker_text, q.carried] for q in article.quotes],
        "attributions": [[a.claim.start, a.claim.end, a.source.start, a.source.end, a.cue.start, a.cue.end,
                          a.anonymous] for a in article.attributions],
        "times": [[t.start, t.end, t.value, t.granularity, t.anchor] for t in article.times],
    }


def dump_layers(article: Article) -> str:
    # the same text as ``json.dumps(..., ensure_ascii=False, separators=(",", ":"), sort_keys=True)``, ~6x faster
    return orjson.dumps(layers_of(article), option=_JSON_OPTIONS).decode("utf-8")


# sorted keys; numbers from numpy and non-string keys written as the standard library writes them
_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def article_from_row(row: Any) -> Article:
    """An ``Article`` from an ``articles`` row (a mapping with the table's columns)."""
    layers = json.loads(row["layers"])
    return Article(
        id=row["id"], text=row["text"], input=row["input"], outlet=row["outlet"], url=row["url"],
        published=row["published"], published_source=layers["published_source"], title=row["title"],
        title_source=layers["title_source"], language=row["language"], language_score=layers["language_score"],
        encoding=layers["encoding"], format=row["format"], content_hash=row["content_hash"], meta=layers["meta"],
        body=_span_list(layers["body"]),
        removed=[Removed(s, e, k, r) for s, e, k, r in layers["removed"]],
        paragraphs=_span_list(layers["paragraphs"]),
        sentences=_span_list(layers["sentences"]),
        parts=[Part(p["id"], p["start"], p["end"], p["title"], p["published"], p["published_source"],
                    _span_list(p["body"])) for p in layers["parts"]],
        attributions=[Attribution(Span(cs, ce), Span(ss, se), Span(us, ue), bool(anon))
                      for cs, ce, ss, se, us, ue, anon in layers["attributions"]],
        quotes=[Quote(s, e, kind, Span(cs, ce), None if sp is None else Span(*sp), text, bool(carried))
                for s, e, kind, cs, ce, sp, text, carried in layers["quotes"]],
        times=[TimeExpr(s, e, v, g, a) for s, e, v, g, a in layers["times"]],
        mentions=[Mention(s, e, t, u) for s, e, t, u in layers["mentions"]],
        layers=set(layers["layers"]),
    )


def article_dict_from_row(row: Any) -> dict[str, Any]:
    """``article_from_row(row).to_dict()`` without building the ``Article``: the stored layers are the SPEC's lists
    already (a story's accounts read thousands of articles back, and making a ``Span`` of every stored sentence and
    paragraph took most of that time)."""
    layers = json.loads(row["layers"])
    return {
        "id": row["id"], "input": row["input"], "outlet": row["outlet"], "url": row["url"],
        "published": row["published"], "published_source": layers["published_source"], "title": row["title"],
        "language": row["language"], "encoding": layers["encoding"], "format": row["format"],
        "content_hash": row["content_hash"], "text": row["text"], "body": layers["body"],
        "removed": [{"start": s, "end": e, "kind": k, "rule": r} for s, e, k, r in layers["removed"]],
        "paragraphs": layers["paragraphs"], "sentences": layers["sentences"],
        "parts": [{"id": p["id"], "start": p["start"], "end": p["end"], "title": p["title"],
                   "published": p["published"], "published_source": p["published_source"], "body": p["body"]}
                  for p in layers["parts"]],
    }
