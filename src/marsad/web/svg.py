"""Pictures drawn on the server as inline SVG (no script, no external asset): every label is escaped here.

Time runs right to left, like the pages' text: the earliest date is at the right edge.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from ..render import shorten

PALETTE = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7480", "#6e7781", "#fb8500",
           "#3d5a80"]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img"'
        f' aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>{"".join(body)}</svg>')


def activity_chart(activity: dict[str, Any], max_outlets: int = 12) -> Markup:
    """Front page: articles per outlet per day, a row per outlet, a square per day (darker = more)."""
    dates: list[str] = activity["dates"]
    outlets = sorted(activity["outlets"].items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:max_outlets]
    if not dates or not outlets:
        return Markup("")
    cell, label_w, top = 22, 220, 24
    width = label_w + cell * len(dates) + 10
    height = top + cell * len(outlets) + 30
    peak = max(n for _, days in outlets for n in days.values())
    body = []
    for j, d in enumerate(dates):
        x = width - label_w - (j + 1) * cell  # right to left
        if j % max(1, len(dates) // 8) == 0 or j == len(dates) - 1:
            body.append(f'<text x="{x + cell / 2:.0f}" y="{height - 8}" font-size="10" text-anchor="middle">'
                        f'{escape(d[5:])}</text>')
    for i, (outlet, days) in enumerate(outlets):
        y = top + i * cell
        body.append(f'<text x="{width - 6}" y="{y + cell * 0.7:.0f}" font-size="12" text-anchor="start"'
                    f' direction="rtl">{escape(shorten(outlet, 28))}</text>')
        for j, d in enumerate(dates):
            n = days.get(d, 0)
            x = width - label_w - (j + 1) * cell
            opacity = 0.08 if n == 0 else 0.25 + 0.75 * n / peak
            body.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" rx="3"'
                        f' fill="{PALETTE[0]}" fill-opacity="{opacity:.2f}"><title>{escape(outlet)} · {escape(d)}:'
                        f' {n}</title></rect>')
    return _svg(width, height, body, "نشاط المنافذ يوميًا")


def coverage_timeline(articles: list[dict[str, Any]]) -> Markup:
    """Story page: a row per outlet, a dot per article at its publication date (links to the article)."""
    dated = [(a, _day(a.get("published"))) for a in articles]
    days = [d for _, d in dated if d]
    if not days:
        return Markup("")
    first, last = min(days), max(days)
    span = max(1, (last - first).days)
    outlets = sorted({a.get("outlet") or "?" for a in articles},
                     key=lambda o: min((d for a, d in dated if (a.get("outlet") or "?") == o and d), default=last))
    row, label_w, plot_w, top = 26, 220, 560, 20
    width, height = label_w + plot_w + 30, top + row * len(outlets) + 34
    body = []

    def x_of(d: date) -> float:
        if first == last:  # one day: the middle
            return 15 + plot_w / 2
        return 15 + plot_w - (d - first).days / span * plot_w  # earliest at the right

    for i, outlet in enumerate(outlets):
        y = top + i * row + row / 2
        body.append(f'<line x1="15" x2="{plot_w + 15}" y1="{y:.0f}" y2="{y:.0f}" stroke="#d0d7de"/>')
        body.append(f'<text x="{width - 6}" y="{y + 4:.0f}" font-size="12" direction="rtl" text-anchor="start">'
                    f'{escape(shorten(outlet, 28))}</text>')
    stacked: dict[tuple[str, date], int] = defaultdict(int)
    for a, d in dated:
        if d is None:
            continue
        outlet = a.get("outlet") or "?"
        i = outlets.index(outlet)
        k = stacked[outlet, d]
        stacked[outlet, d] += 1
        x, y = x_of(d) - 9 * k, top + i * row + row / 2
        href = escape(quote(a["id"], safe=""))
        body.append(f'<a href="/articles/{href}"><circle cx="{x:.0f}" cy="{y:.0f}" r="7"'
                    f' fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(a.get("title") or a["id"])} ·'
                    f' {escape(str(d))}</title></circle></a>')
    for d in sorted({first, last}):
        body.append(f'<text x="{x_of(d):.0f}" y="{height - 8}" font-size="11" text-anchor="middle">'
                    f'{escape(d.isoformat())}</text>')
    return _svg(width, height, body, "التغطية: مقالات كل منفذ عبر الزمن")
