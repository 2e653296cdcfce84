"""Full-text search over the store: FTS5 on the normalized text, snippets cut from the raw text.

The query is normalized like the text (alef, hamza, ya, ta marbuta, diacritics, tatweel folded), split into
words, and each word is a prefix term, so "كيم جون اون" finds "كيم جونغ أون". Match positions are found again
in the article's normalized text and mapped to raw offsets through the normalization's offset map: snippets
and highlights are spans of the raw text, never of the normalized form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..stages.normalize import normalize, normalize_with_map

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+")


class QueryError(ValueError):
    """A search query that cannot be run (empty, too long)."""


def query_terms(q: str) -> list[str]:
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"query is {len(q)} characters; the limit is {MAX_QUERY_CHARS}")
    terms = list(dict.fromkeys(_WORD.findall(normalize(q))))[:MAX_TERMS]
    if not terms:
        raise QueryError("the query has no words")
    return terms


def fts_query(terms: list[str], near: bool) -> str:
    """An FTS5 MATCH expression; every term is a quoted string (no FTS syntax from the user gets through)."""
    quoted = ['"' + t.replace('"', '""') + '"*' for t in terms]
    if near and len(quoted) > 1:
        return f"NEAR({' '.join(quoted)}, {2 * len(quoted)})"
    return " AND ".join(quoted)


@dataclass(slots=True)
class Hit:
    article: str
    start: int  # raw offsets of the best match (first to last matched word)
    end: int
    snippet: str  # raw text around it
    snippet_start: int  # raw offset of the snippet's first character
    highlights: list[tuple[int, int]]  # raw offsets of each matched word inside the snippet
    title: str | None
    outlet: str | None
    published: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "start": self.start, "end": self.end, "snippet": self.snippet,
                "snippet_start": self.snippet_start, "highlights": [list(h) for h in self.highlights],
                "title": self.title, "outlet": self.outlet, "published": self.published}

    def segments(self) -> list[tuple[str, bool]]:
        """The snippet as (text, highlighted) pieces, for templates that escape each piece."""
        out: list[tuple[str, bool]] = []
        pos = self.snippet_start
        for s, e in self.highlights:
            if s > pos:
                out.append((self.snippet[pos - self.snippet_start:s - self.snippet_start], False))
            out.append((self.snippet[s - self.snippet_start:e - self.snippet_start], True))
            pos = e
        out.append((self.snippet[pos - self.snippet_start:], False))
        return [o for o in out if o[0]]


def locate(text: str, terms: list[str], context: int = 90) -> tuple[int, int, int, int, list[tuple[int, int]]]:
    """(match start, match end, snippet start, snippet end, highlighted word spans), all raw offsets."""
    norm = normalize_with_map(text)
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(norm.text)]
    hits = [[(s, e) for s, e, w in words if w.startswith(t)] for t in terms]
    best: tuple[int, int, list[tuple[int, int]]] | None = None
    best_key = (0, 0)
    for s, e in hits[0] if hits and hits[0] else []:
        # the other terms following this one closely, in order: the fullest, then tightest, group wins
        group = [(s, e)]
        for other in hits[1:]:
            following = next((h for h in other if group[-1][1] <= h[0] <= group[-1][1] + 40), None)
            if following is not None:
                group.append(following)
        key = (len(group), -(group[-1][1] - s))
        if best is None or key > best_key:
            best, best_key = (s, group[-1][1], group), key
        if len(group) == len(terms):
            break
    if best is None:  # the first term is missing (matched in the title only): any term
        flat = sorted(h for hs in hits for h in hs)
        best = (flat[0][0], flat[0][1], [flat[0]]) if flat else (0, 0, [])
    to_raw = norm.map.span_to_raw
    start, end = to_raw(best[0], best[1]) if best[1] > best[0] else (0, 0)
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    # widen to word edges so the snippet does not start or end inside a word
    while lo > 0 and not text[lo - 1].isspace() and start - lo < context + 20:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < context + 20:
        hi += 1
    marks = sorted(to_raw(s, e) for s, e in best[2])
    marks = [(max(s, lo), min(e, hi)) for s, e in marks if e > lo and s < hi]
    return start, end, lo, hi, marks


def search(conn: Any, q: str, limit: int = 20, offset: int = 0) -> tuple[list[Hit], int]:
    """(hits of this page, total matching articles). Words near each other rank first; when no article has
    them together, articles having all of them anywhere are returned."""
    terms = query_terms(q)
    limit = max(1, min(int(limit), 100))
    offset = max(0, int(offset))
    rows: list[Any] = []
    total = 0
    for near in (True, False) if len(terms) > 1 else (False,):
        match = fts_query(terms, near)
        total = int(conn.execute("SELECT count(*) FROM search WHERE search MATCH ?", (match,)).fetchone()[0])
        if total:
            rows = conn.execute(
                "SELECT a.id, a.text, a.title, a.outlet, a.published FROM (SELECT rowid, rank FROM search"
                " WHERE search MATCH ? ORDER BY rank LIMIT ? OFFSET ?) AS f JOIN articles a ON a.seq = f.rowid"
                " ORDER BY f.rank, a.seq", (match, limit, offset)).fetchall()
            break
    hits = []
    for r in rows:
        start, end, lo, hi, marks = locate(r["text"], terms)
        hits.append(Hit(r["id"], start, end, r["text"][lo:hi], lo, marks, r["title"], r["outlet"], r["published"]))
    return hits, total
