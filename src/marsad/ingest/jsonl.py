"""JSON Lines: one article a line, ``{"id", "text" | "html", "outlet", "published", "url", "title", "language"}``.

A bad line becomes an ``ErrorRecord`` for ``path:LINE`` (1-based) and the file goes on with the next line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ErrorRecord, MarsadError
from ..options import Options
from .base import ReadResult, make_article
from .decode import decode, fix_newlines
from .html import article_from_html, iso_date

log = logging.getLogger(__name__)

_CONTENT_FIELDS = ("text", "html")


def _record(obj: Any, *, where: str, line_no: int, stem: str, encoding: str, options: Options) -> ReadResult:
    if not isinstance(obj, dict):
        raise MarsadError("E004", f"line {line_no} holds a JSON {type(obj).__name__}, not an object", where)
    text, html = obj.get("text"), obj.get("html")
    for name, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            raise MarsadError("E004", f"line {line_no}: '{name}' is a {type(value).__name__}, not a string", where)
    if text is None and html is None:
        raise MarsadError("E004", f"line {line_no} has neither a 'text' nor an 'html' field", where)
    if not (text or "").strip() and not (html or "").strip():
        raise MarsadError("E003", f"line {line_no}: '{'text' if text is not None else 'html'}' is empty", where)
    given_id = obj.get("id")
    record_id = ("" if given_id is None else str(given_id).strip()) or f"{stem}-{line_no}"  # the user's id, as is
    meta = {k: v for k, v in obj.items() if k not in _CONTENT_FIELDS and k != "id"}
    meta["line"] = line_no
    if text is not None and text.strip():  # with both fields, "text" is already the article, "html" its source
        if iso_date(meta.get("published")):
            meta["published"], meta["published_from"] = iso_date(meta["published"]), "record"
        return make_article(
            fix_newlines(text),
            id=record_id,
            input=where,
            format="jsonl",
            encoding=encoding,
            metadata=meta,
            options=options,
        )
    article = article_from_html(
        html or "", id=record_id, input=where, format="jsonl", encoding=encoding, options=options, metadata=meta
    )
    article.meta["source_format"] = "html"
    return article


def read_jsonl(path: str, data: bytes, options: Options) -> Iterator[ReadResult]:
    stem = Path(path).stem
    content, encoding = decode(data, path)
    # split on "\n" only: str.splitlines() would also break at U+2028 inside JSON strings
    for line_no, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue  # blank lines (a trailing newline, spacing) are not records
        where = f"{path}:{line_no}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ErrorRecord(where, "E004", f"line {line_no} is not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        try:
            yield _record(obj, where=where, line_no=line_no, stem=stem, encoding=encoding, options=options)
        except MarsadError as exc:
            yield ErrorRecord(where, exc.code, exc.reason)
        except Exception as exc:  # one bad record must not stop the file
            log.debug("record %s failed", where, exc_info=True)
            yield ErrorRecord(where, "E004", f"line {line_no} could not be read: {type(exc).__name__}: {exc}")
