"""Dossier -> Markdown: a readable report of what was read, kept and removed."""

from __future__ import annotations

from collections import Counter
from typing import Any


def _md(text: str | None) -> str:
    """Article text is data: keep Markdown/HTML syntax in it from acting."""
    if not text:
        return ""
    out = " ".join(str(text).split())
    for ch in "\\`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out


def render_markdown(d: dict[str, Any]) -> str:
    articles = d["articles"]
    lines = [
        "# marsad dossier",
        "",
        f"marsad {d['marsad_version']} · spec {d['spec_version']} · {len(articles)} article(s) · "
        f"{len(d['errors'])} error(s)",
        "",
        "## Sources",
        "",
        "| id | outlet | published | title | language | removed |",
        "|---|---|---|---|---|---|",
    ]
    for a in articles:
        kinds = Counter(r["kind"] for r in a["removed"])
        removed = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "—"
        published = f"{a['published'] or '?'} ({a['published_source']})"
        lines.append(f"| {_md(a['id'])} | {_md(a['outlet']) or '—'} | {published} | {_md(a['title'])} | "
                     f"{a['language'] or '?'} | {removed} |")
        for p in a["parts"]:
            lines.append(f"| {_md(p['id'])} | ↳ glued part | {p['published'] or '?'} | {_md(p['title'])} | | |")
    lines += _stories_markdown(d)
    lines += _entities_markdown(d)
    lines += _quotes_markdown(d)
    lines += _times_markdown(d)
    for a in articles:
        text = a["text"]
        lines += ["", f"## {_md(a['title']) or _md(a['id'])}", ""]
        lines.append(f"*{_md(a['outlet']) or 'unknown outlet'} · {a['published'] or 'undated'} · `{_md(a['input'])}`*")
        lines.append("")
        for s, e in a["body"]:
            lines.append(_md(text[s:e]))
            lines.append("")
        for p in a["parts"]:
            lines += [f"### Glued article {_md(p['id'])}: {_md(p['title'])}", "",
                      f"*published {p['published'] or 'unknown'}*", ""]
            for s, e in p["body"]:
                lines.append(_md(text[s:e]))
                lines.append("")
    if d["errors"]:
        lines += ["## Errors", "", "| code | input | message |", "|---|---|---|"]
        for err in d["errors"]:
            lines.append(f"| {err['code']} | {_md(err['input'])} | {_md(err['message'])} |")
    return "\n".join(lines).rstrip() + "\n"


def excerpt(d: dict[str, Any], span: dict[str, Any], words: int = 12) -> str:
    """The first words of a span's text."""
    text = next(a["text"] for a in d["articles"] if a["id"] == span["article"])[span["start"]:span["end"]]
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _stories_markdown(d: dict[str, Any]) -> list[str]:
    if not d["stories"]:
        return []
    lines = ["", "## Stories", ""]
    for s in d["stories"]:
        lines += story_markdown(d, s)
    return lines


def _cites(item: dict[str, Any]) -> str:
    return " ".join(f"[{_md(c['article'])}:{c['start']}–{c['end']}]" for c in item.get("citations", []))


def _slot(x: dict[str, Any]) -> str:
    bound = {"at_least": "≥ ", "about": "~"}.get(x["bound"], "")
    return f"{_md(x['slot'])} {bound}{x['value']}"


def story_markdown(d: dict[str, Any], s: dict[str, Any], level: int = 3) -> list[str]:
    """One story: members, summary, timeline, facts with independent sources and contradictions, reuse."""
    titles = {a["id"]: a["title"] for a in d["articles"]}
    titles.update({p["id"]: p["title"] for a in d["articles"] for p in a["parts"]})
    outlets = {a["id"]: a["outlet"] for a in d["articles"]}
    h = "#" * level
    dates = s["start_date"]
    if s["end_date"] != s["start_date"]:
        dates = f"{s['start_date']} – {s['end_date']}"
    counts = f"{len(s['members'])} article(s) · {len(s.get('outlets', []))} outlet(s)"
    lines = [f"{h} {s['id']}: {_md(s['label'])}", "", f"*{dates or 'undated'} · {counts}*", ""]
    for m in s["members"]:
        unit = m.get("unit", m["article"])
        lines.append(f"- `{_md(unit)}` {_md(outlets.get(m['article'])) or '—'}: {_md(titles.get(unit))}")
    if s.get("summary"):
        lines += ["", f"{h}# Summary", ""]
        lines += [f"{n}. {_md(x['text'])} {_cites(x)}" for n, x in enumerate(s["summary"], 1)]
    if s.get("timeline"):
        lines += ["", f"{h}# Timeline", ""]
        lines += [f"- **{x['date']}** {_md(x['text'])} {_cites(x)}" for x in s["timeline"]]
    if s.get("facts"):
        lines += ["", f"{h}# Facts", "", "| fact | independent sources | outlets | counts | contradicts | claim |",
                  "|---|---|---|---|---|---|"]
        for f in s["facts"]:
            lines.append(f"| {_md(f.get('id', ''))} | {f['independent_sources']} | "
                         f"{', '.join(_md(o) for o in f['outlets'])} | "
                         f"{', '.join(_slot(x) for x in f.get('slots', [])) or '—'} | "
                         f"{', '.join(_md(x) for x in f['contradicts']) or '—'} | {_md(f['text'])} {_cites(f)} |")
        conflicts = [(f, c) for f in s["facts"] for c in f.get("conflicts", []) if f.get("id", "") < c["fact"]]
        if conflicts:
            lines += ["", f"{h}# Contradictions", ""]
            for f, c in conflicts:
                lines.append(f"- **{_md(c['slot'])}**: {c['value']} ({_md(f['id'])}: "
                             f"{', '.join(_md(o) for o in f['outlets'])}) ≠ {c['other']} ({_md(c['fact'])})")
    units = {m.get("unit", m["article"]) for m in s["members"]}
    shared = [r for r in d["reuse"] if r["a"].get("unit", r["a"]["article"]) in units]
    if shared:
        lines += ["", "| kind | later | earlier or same day | words | passage |", "|---|---|---|---|---|"]
        for r in shared:
            later, first = (r["b"], r["a"]) if r["earlier"] == "a" else (r["a"], r["b"])
            lines.append(f"| {r['kind']} | {_md(later['article'])} | {_md(first['article'])} | "
                         f"{r.get('words', '')} | {_md(excerpt(d, first))} |")
    lines.append("")
    return lines


def render_story_markdown(d: dict[str, Any], story_id: str) -> str:
    """One story's account as a Markdown page (citations are ``[article:start–end]`` spans)."""
    story = next((s for s in d["stories"] if s["id"] == story_id), None)
    if story is None:
        raise KeyError(f"no story {story_id!r} in the dossier")
    return "\n".join(story_markdown(d, story, level=1)).rstrip() + "\n"


ENTITY_TYPES = {"PERS": "People", "ORG": "Organisations", "LOC": "Places", "MISC": "Other names"}


def entity_groups(d: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Entities by type, most mentioned first (types in a fixed order)."""
    groups = []
    for type_, title in ENTITY_TYPES.items():
        members = [e for e in d["entities"] if e["type"] == type_]
        members.sort(key=lambda e: (-len(e["mentions"]), e["name"]))
        if members:
            groups.append((title, members))
    return groups


def _entities_markdown(d: dict[str, Any]) -> list[str]:
    if not d["entities"]:
        return []
    lines = ["", "## Entities", ""]
    for title, members in entity_groups(d):
        lines += [f"### {title}", "", "| name | mentions | articles | spellings |", "|---|---|---|---|"]
        for e in members:
            articles = sorted({m["article"] for m in e["mentions"]})
            lines.append(f"| {_md(e['name'])} | {len(e['mentions'])} | {', '.join(map(_md, articles))} | "
                         f"{' / '.join(_md(v) for v in e['variants'])} |")
        lines.append("")
    return lines


def quotes_by_speaker(d: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Quotes grouped under their speaker (the entity's name, else the description), most quoted first."""
    names = {e["id"]: e["name"] for e in d["entities"]}
    texts = {a["id"]: a["text"] for a in d["articles"]}
    groups: dict[str, list[dict[str, Any]]] = {}
    for q in d["quotes"]:
        who = names.get(q["speaker"]) or q["speaker_text"] or "?"
        groups.setdefault(who, []).append({**q, "words": texts[q["article"]][q["start"]:q["end"]]})
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def _quotes_markdown(d: dict[str, Any]) -> list[str]:
    if not d["quotes"]:
        return []
    lines = ["", "## Quotes by speaker", ""]
    for who, quotes in quotes_by_speaker(d):
        lines += [f"### {_md(who)}", ""]
        for q in quotes:
            mark = "«»" if q["kind"] == "direct" else "≈"
            lines.append(f"- {mark[0]}{_md(q['words'])}{mark[-1]} — `{_md(q['article'])}`")
        lines.append("")
    return lines


def times_by_article(d: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each article's time expressions in text order, with their words and resolved values (SPEC ``times``)."""
    texts = {a["id"]: a["text"] for a in d["articles"]}
    groups: dict[str, list[dict[str, Any]]] = {}
    for t in sorted(d["times"], key=lambda t: t["start"]):
        groups.setdefault(t["article"], []).append({**t, "words": texts[t["article"]][t["start"]:t["end"]]})
    return [(a["id"], groups[a["id"]]) for a in d["articles"] if a["id"] in groups]


def _times_markdown(d: dict[str, Any]) -> list[str]:
    if not d["times"]:
        return []
    lines = ["", "## Dates mentioned", "", "| article | words | resolved to | granularity | counted from |",
             "|---|---|---|---|---|"]
    for article, times in times_by_article(d):
        for t in times:
            lines.append(f"| {_md(article)} | {_md(t['words'])} | {t['value'] or '?'} | {t['granularity']} | "
                         f"{t['anchor']} |")
    lines.append("")
    return lines
