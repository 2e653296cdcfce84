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
