"""Dossier -> one self-contained right-to-left HTML page (no external assets, no script; all article text escaped).

``render_html`` shows the whole batch; ``render_story_html`` one story's account (summary, timeline, facts,
who copied whom, quotes, names, sources and the member articles). A citation links to its passage in the
article text, which CSS ``:target`` highlights: clicking it shows the source passage without any script.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .graph import reuse_graph_svg
from .markdown import entity_groups, excerpt, quotes_by_speaker, times_by_article

_env = Environment(
    loader=PackageLoader("marsad", "render/templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

SLOT_NAMES = {"killed": "القتلى", "injured": "الجرحى", "missing": "المفقودون", "displaced": "النازحون",
              "arrested": "المعتقلون", "troops": "الجنود", "rescued": "من أُنقذوا", "speaker": "القائل",
              "date": "التاريخ"}


def slot_text(x: dict[str, Any]) -> str:
    """"القتلى: 9 على الأقل" (words, not ≥: mirrored signs read backwards in right-to-left text)."""
    name = SLOT_NAMES.get(x["slot"], x["slot"].removeprefix("n:"))
    bound = {"at_least": " على الأقل", "about": " تقريباً"}.get(x["bound"], "")
    return f"{name}: {x['value']}{bound}"


def target_id(span: dict[str, Any]) -> str:
    """The element id of a cited passage in the article text."""
    return f"p-{span['article']}-{span['start']}-{span['end']}"


def text_segments(a: dict[str, Any], targets: Sequence[tuple[int, int]] = (), lo: int = 0,
                  hi: int | None = None) -> list[dict[str, Any]]:
    """``a["text"][lo:hi]`` cut into pieces where the class changes: body, part (a glued article's body), removed
    (with its kind) and gap; and where a cited passage begins and ends.

    ``targets``: cited passages; a piece inside one carries ``target`` (the passage's element id) and ``first``
    (it begins the passage). Overlapping passages: the earlier keeps the text. Boundaries are swept, not painted
    per character, so a megabyte article costs what its spans cost.
    """
    text = a["text"]
    hi = len(text) if hi is None else hi
    layers: list[tuple[int, int, int, str, str]] = [(r["start"], r["end"], 1, "removed", r["kind"])
                                                    for r in a["removed"]]
    layers += [(s, e, 2, "body", "") for s, e in a["body"]]
    layers += [(s, e, 3, "part", "") for p in a["parts"] for s, e in p["body"]]
    layers.sort()
    kept: list[tuple[int, int]] = []
    for s, e in sorted(set(targets)):
        if not kept or s >= kept[-1][1]:
            kept.append((s, e))
    cuts = {lo, hi}
    for s, e, *_ in layers:
        cuts.update(x for x in (s, e) if lo < x < hi)
    for s, e in kept:
        cuts.update(x for x in (s, e) if lo < x < hi)
    out: list[dict[str, Any]] = []
    k = 0
    for s, e in pairwise(sorted(cuts)):
        # the highest layer covering the piece wins (a glued part's body over its removal); among removals the
        # narrowest (a caption inside a glued article), of equally narrow ones the later
        best: tuple[tuple[int, int], str, str] = ((0, 0), "gap", "")
        for ls, le, prio, cls, kind in layers:
            if ls > s:
                break
            if le >= e and (prio, ls - le) >= best[0]:
                best = ((prio, ls - le), cls, kind)
        while k < len(kept) and kept[k][1] <= s:
            k += 1
        inside = k < len(kept) and kept[k][0] <= s
        out.append({"text": text[s:e], "cls": best[1], "kind": best[2], "start": s, "end": e,
                    "target": target_id({"article": a["id"], "start": kept[k][0], "end": kept[k][1]})
                    if inside else None,
                    "first": inside and s == kept[k][0]})
    return out


def _articles(d: dict[str, Any], only: set[str] | None = None) -> list[dict[str, Any]]:
    cited: dict[str, set[tuple[int, int]]] = {}
    for s in d["stories"]:
        for item in [*s.get("summary", []), *s.get("timeline", []), *s.get("facts", [])]:
            for c in item.get("citations", []):
                cited.setdefault(c["article"], set()).add((c["start"], c["end"]))
    return [
        {**a, "segments": text_segments(a, sorted(cited.get(a["id"], ()))),
         "removed_counts": sorted(Counter(r["kind"] for r in a["removed"]).items())}
        for a in d["articles"] if only is None or a["id"] in only
    ]


def _cite(span: dict[str, Any], outlets: dict[str, str]) -> dict[str, Any]:
    return {"href": "#" + target_id(span), "article": span["article"], "outlet": outlets.get(span["article"]) or ""}


def story_view(d: dict[str, Any], s: dict[str, Any]) -> dict[str, Any]:
    """What the templates show of one story: members, reuse, account with citation links, graph."""
    titles = {a["id"]: a["title"] for a in d["articles"]}
    titles.update({p["id"]: p["title"] for a in d["articles"] for p in a["parts"]})
    outlets = {a["id"]: a["outlet"] for a in d["articles"]}
    units = {m.get("unit", m["article"]) for m in s["members"]}
    reuse = [{**r, "excerpt": excerpt(d, r["b"] if r["earlier"] == "b" else r["a"])} for r in d["reuse"]
             if r["a"].get("unit", r["a"]["article"]) in units]
    members = [{**m, "unit": m.get("unit", m["article"]), "title": titles.get(m.get("unit", m["article"])),
                "outlet": outlets.get(m["article"])} for m in s["members"]]
    facts = {f["id"]: f for f in s.get("facts", [])}

    def cites(item: dict[str, Any]) -> list[dict[str, Any]]:
        return [_cite(c, outlets) for c in item.get("citations", [])]

    conflicts = []
    for f in s.get("facts", []):
        for c in f.get("conflicts", []):
            if f["id"] < c["fact"] or c["fact"] not in facts:
                continue
            conflicts.append({"slot": SLOT_NAMES.get(c["slot"], c["slot"].removeprefix("n:")),
                              "a": f, "b": facts[c["fact"]], "a_value": c["value"], "b_value": c["other"]})
    return {
        **s, "members": members, "reuse": reuse,
        "summary": [{**x, "cites": cites(x)} for x in s.get("summary", [])],
        "timeline": [{**x, "cites": cites(x)} for x in s.get("timeline", [])],
        "facts": [{**f, "cites": cites(f), "slot_text": [slot_text(x) for x in f.get("slots", [])]}
                  for f in s.get("facts", [])],
        "conflicts": conflicts,
        "graph": reuse_graph_svg(d, s) if len(units) > 1 else None,
    }


def _story_quotes(d: dict[str, Any], s: dict[str, Any]) -> dict[str, Any]:
    """The dossier narrowed to what lies inside the story's member spans (for quotes and names)."""
    spans = [(m["article"], m["start"], m["end"]) for m in s["members"]]

    def inside(x: dict[str, Any]) -> bool:
        return any(a == x["article"] and st <= x["start"] and x["end"] <= e for a, st, e in spans)

    entities = []
    for e in d["entities"]:
        mentions = [m for m in e["mentions"] if inside(m)]
        if mentions:
            entities.append({**e, "mentions": mentions})
    return {**d, "entities": entities, "quotes": [q for q in d["quotes"] if inside(q)]}


def render_html(d: dict[str, Any]) -> str:
    stories = [story_view(d, s) for s in d["stories"]]
    return _env.get_template("dossier.html.j2").render(d=d, articles=_articles(d), stories=stories,
                                                       entity_groups=entity_groups(d), quotes=quotes_by_speaker(d),
                                                       times=times_by_article(d))


def render_story_html(d: dict[str, Any], story_id: str) -> str:
    """One story's page: its account, who copied whom, its quotes and names, and its member articles."""
    story = next((s for s in d["stories"] if s["id"] == story_id), None)
    if story is None:
        raise KeyError(f"no story {story_id!r} in the dossier")
    narrowed = _story_quotes(d, story)
    members = {m["article"] for m in story["members"]}
    articles = _articles({**d, "stories": [story]}, only=members)
    return _env.get_template("story.html.j2").render(d=d, s=story_view(d, story), articles=articles,
                                                     entity_groups=entity_groups(narrowed),
                                                     quotes=quotes_by_speaker(narrowed))
