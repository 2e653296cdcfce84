"""Renderers of a SPEC dossier: JSON, Markdown, right-to-left HTML, SVG pictures."""


def shorten(text: str, n: int) -> str:
    """``text`` on one line, cut to at most ``n`` characters with an ellipsis (labels, listings)."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
