"""A story's timeline: dated events from its claims' resolved time expressions, each with citations, in order.

A claim's event date is its first resolved day in the sentence, else its first month, else year ("زيارة وزير
الدفاع الروسي لكوريا الشمالية في يوليو" -> 2023-07). "هذا العام" and "الشهر الجاري" only restate when the article
appeared and are no event. Claims of one fact group with one date are one event, citing them all; at most
``PER_DATE`` events per date are kept, those most articles carry first.
"""

from __future__ import annotations

from typing import Any

from .claims import Claim, StoryClaims
from .corroborate import group_claims

PER_DATE = 4
_RANK = {"day": 0, "month": 1, "year": 2}


def event_date(claim: Claim) -> str | None:
    """The date a claim reports an event on, or None (no resolved day, month or year in the sentence)."""
    best: tuple[int, int, str] | None = None
    for t in claim.times:
        value, granularity = t.get("value"), t.get("granularity")
        if not value or granularity not in _RANK or "/" in value:
            continue
        if granularity != "day" and t.get("anchor") == "published" and (claim.published or "").startswith(value):
            continue  # "هذا العام": the article's own year
        key = (_RANK[granularity], t["start"], value)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def timeline(view: StoryClaims, groups: list[list[int]] | None = None) -> list[dict[str, Any]]:
    """SPEC ``Story.timeline``: ``[{"date", "text", "citations"}]`` ordered by date."""
    claims = view.claims
    groups = group_claims(view) if groups is None else groups
    events: dict[tuple[str, int], list[Claim]] = {}
    for g, members in enumerate(groups):
        for i in members:
            date = event_date(claims[i])
            if date:
                events.setdefault((date, g), []).append(claims[i])
    by_date: dict[str, list[list[Claim]]] = {}
    for (date, _), members in events.items():
        by_date.setdefault(date, []).append(sorted(members, key=Claim.sort_key))
    out = []
    for date in sorted(by_date):
        entries = sorted(by_date[date], key=lambda m: (-len({c.article for c in m}), m[0].sort_key()))[:PER_DATE]
        for members in sorted(entries, key=lambda m: m[0].sort_key()):
            out.append({"date": date, "text": members[0].text, "citations": [c.span() for c in members],
                        "granularity": "day" if len(date) == 10 else "month" if len(date) == 7 else "year"})
    return out
