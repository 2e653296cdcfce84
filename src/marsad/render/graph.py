"""Who copied whom: an SVG picture of a story's articles and the reuse passages between them, earlier -> later.

Articles stand in columns by publication date, the earliest on the right (the page reads right to left). An arrow
runs from the earlier article of a passage to the later one; a passage between two articles of one day whose
order is unknown is drawn without a head. Solid thick lines are verbatim copies, solid thin ones near copies,
dashed ones paraphrases. Every label is escaped: outlet names come from the articles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from markupsafe import Markup, escape

from . import shorten

COLUMN, ROW = 170, 64
NODE_W, NODE_H = 140, 44
PAD = 20
STYLE = {"verbatim": ("#b91c1c", 3.0, ""), "near_copy": ("#c2410c", 2.0, ""), "paraphrase": ("#6b7280", 1.5, "5 4")}
TITLE = "من نقل عن من: مقالات القصة وروابط إعادة النشر (الأسبق ← اللاحق)"
RANK = {"verbatim": 0, "near_copy": 1, "paraphrase": 2}


def reuse_edges(d: dict[str, Any], story: dict[str, Any]) -> list[dict[str, Any]]:
    """Reuse between the story's units, one edge per pair of units: ``{"from", "to", "kind", "words", "directed"}``."""
    units = {m.get("unit", m["article"]) for m in story["members"]}
    published = _published(d)
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for r in d.get("reuse", []):
        ua, ub = r["a"].get("unit", r["a"]["article"]), r["b"].get("unit", r["b"]["article"])
        if ua not in units or ub not in units or ua == ub:
            continue
        if r.get("earlier") in ("a", "b"):
            first, later, directed = (ua, ub, True) if r["earlier"] == "a" else (ub, ua, True)
        else:
            pa, pb = published.get(ua) or "", published.get(ub) or ""
            directed = bool(pa and pb and pa != pb)
            first, later = (ua, ub) if (pa, ua) <= (pb, ub) else (ub, ua)
        key = (first, later) if directed else tuple(sorted((first, later)))
        edge = edges.setdefault(key, {"from": key[0], "to": key[1], "kind": r["kind"], "words": 0,
                                      "directed": directed})
        edge["words"] += int(r.get("words") or 0)
        if RANK[r["kind"]] < RANK[edge["kind"]]:
            edge["kind"] = r["kind"]
    return list(edges.values())


def _published(d: dict[str, Any]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for a in d["articles"]:
        out[a["id"]] = a.get("published")
        for p in a.get("parts", []):
            out[p["id"]] = p.get("published") or a.get("published")
    return out


def reuse_graph_svg(d: dict[str, Any], story: dict[str, Any]) -> Markup:
    """The inline SVG (safe markup: every piece of article-derived text escaped)."""
    published = _published(d)
    outlets = {a["id"]: a.get("outlet") or "" for a in d["articles"]}
    units = list(dict.fromkeys(m.get("unit", m["article"]) for m in story["members"]))
    unit_article = {m.get("unit", m["article"]): m["article"] for m in story["members"]}
    edges = reuse_edges(d, story)
    columns: dict[str, list[str]] = defaultdict(list)
    for u in sorted(units, key=lambda u: (published.get(u) or "9999", u)):
        columns[published.get(u) or "?"].append(u)
    dates = sorted(columns)
    rows = max((len(v) for v in columns.values()), default=1)
    width = PAD * 2 + COLUMN * max(1, len(dates)) - (COLUMN - NODE_W)
    height = PAD * 2 + 18 + ROW * rows - (ROW - NODE_H)
    pos: dict[str, tuple[float, float]] = {}
    for c, date in enumerate(dates):
        x = width - PAD - NODE_W - c * COLUMN  # earliest on the right
        for r, u in enumerate(columns[date]):
            pos[u] = (x, PAD + 18 + r * ROW)
    sid = re.sub(r"[^A-Za-z0-9_-]", "_", str(story.get("id", "s")))
    parts = [f'<svg class="reuse-graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-labelledby="g-{sid}-t">',
             f'<title id="g-{sid}-t">{escape(TITLE)}</title>',
             "<defs>"]
    for kind, (color, _, _) in STYLE.items():
        parts.append(f'<marker id="ah-{sid}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                     f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/>'
                     "</marker>")
    parts.append("</defs>")
    for c, date in enumerate(dates):
        x = width - PAD - NODE_W - c * COLUMN
        parts.append(f'<text x="{x + NODE_W / 2}" y="{PAD + 4}" text-anchor="middle" class="g-date">'
                     f"{escape(date)}</text>")
    for e in edges:
        (x1, y1), (x2, y2) = pos[e["from"]], pos[e["to"]]
        color, stroke, dash = STYLE[e["kind"]]
        cy1, cy2 = y1 + NODE_H / 2, y2 + NODE_H / 2
        if abs(x1 - x2) < 1:  # same day: bow out to the side
            sx, ex = x1, x2
            path = f"M{sx},{cy1} C{sx - 40},{cy1} {ex - 40},{cy2} {ex},{cy2}"
        else:  # from the left edge of the earlier (right) node to the right edge of the later one
            sx, ex = (x1, x2 + NODE_W) if x1 > x2 else (x1 + NODE_W, x2)
            mid = (sx + ex) / 2
            path = f"M{sx},{cy1} C{mid},{cy1} {mid},{cy2} {ex},{cy2}"
        head = f' marker-end="url(#ah-{sid}-{e["kind"]})"' if e["directed"] else ""
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        label = f"{e['from']} ← {e['to']}: {e['kind']}, {e['words']}"
        parts.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="{stroke}"{dash_attr}{head}>'
                     f"<title>{escape(label)}</title></path>")
    for u in units:
        x, y = pos[u]
        outlet = outlets.get(unit_article[u], "")
        parts.append(f'<g class="g-node"><rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
                     f'<text x="{x + NODE_W / 2}" y="{y + 18}" text-anchor="middle" class="g-outlet">'
                     f"{escape(shorten(outlet or u, 22))}</text>"
                     f'<text x="{x + NODE_W / 2}" y="{y + 35}" text-anchor="middle" class="g-id">'
                     f"{escape(shorten(u, 16))}</text><title>{escape(outlet)} · {escape(u)}</title></g>")
    parts.append("</svg>")
    return Markup("".join(parts))
