"""Dossier -> one self-contained right-to-left HTML page (no external assets; all article text escaped)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .markdown import entity_groups, excerpt, quotes_by_speaker, times_by_article

_env = Environment(
    loader=PackageLoader("marsad", "render/templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def text_segments(a: dict[str, Any]) -> list[dict[str, Any]]:
    """The article text cut into pieces: body, part body, removed (with kind) and the rest, in order."""
    text = a["text"]
    labels: list[str | None] = [None] * len(text)
    for r in sorted(a["removed"], key=lambda r: r["end"] - r["start"], reverse=True):
        for i in range(r["start"], r["end"]):
            labels[i] = "removed:" + r["kind"]  # narrower removals (captions in a glued part) win
    for s, e in a["body"]:
        for i in range(s, e):
            labels[i] = "body"
    for p in a["parts"]:
        for s, e in p["body"]:
            for i in range(s, e):
                labels[i] = "part"
    segments: list[dict[str, Any]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or labels[i] != labels[start]:
            label = labels[start] or "gap"
            cls, _, kind = label.partition(":")
            segments.append({"text": text[start:i], "cls": cls, "kind": kind, "start": start, "end": i})
            start = i
    return segments


def render_html(d: dict[str, Any]) -> str:
    articles = [
        {**a, "segments": text_segments(a), "removed_counts": sorted(Counter(r["kind"] for r in a["removed"]).items())}
        for a in d["articles"]
    ]
    titles = {a["id"]: a["title"] for a in d["articles"]}
    titles.update({p["id"]: p["title"] for a in d["articles"] for p in a["parts"]})
    outlets = {a["id"]: a["outlet"] for a in d["articles"]}
    stories = []
    for s in d["stories"]:
        units = {m.get("unit", m["article"]) for m in s["members"]}
        reuse = [{**r, "excerpt": excerpt(d, r["b"] if r["earlier"] == "b" else r["a"])} for r in d["reuse"]
                 if r["a"].get("unit", r["a"]["article"]) in units]
        members = [{**m, "unit": m.get("unit", m["article"]), "title": titles.get(m.get("unit", m["article"])),
                    "outlet": outlets.get(m["article"])} for m in s["members"]]
        stories.append({**s, "members": members, "reuse": reuse})
    return _env.get_template("dossier.html.j2").render(d=d, articles=articles, stories=stories,
                                                       entity_groups=entity_groups(d), quotes=quotes_by_speaker(d),
                                                       times=times_by_article(d))
