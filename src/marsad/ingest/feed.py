"""RSS and Atom feeds (``.rss``, ``.atom``, ``.xml``): every entry with content or a summary is an article.

Entries are numbered from 1 in feed order; a problem with one is reported as ``path#entryN``.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ErrorRecord, MarsadError
from ..options import Options
from .base import ReadResult, make_article
from .html import html_to_text, iso_date, short_hash, stable_id

log = logging.getLogger(__name__)

_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def _root_name(data: bytes) -> str:
    """The root element's name (after the XML declaration, comments and doctype), for error messages."""
    text = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", data[:4096], flags=re.S)
    m = _ROOT.search(text)
    return m.group(2).decode("ascii", "replace") if m else "?"


def _entry_body(entry: Any) -> tuple[str, str]:
    """(text, where it came from): full content (``content:encoded``, Atom ``content``) before the summary."""
    contents = entry.get("content") or []
    # several <content> elements: prefer HTML ones, then the longest
    best = None
    for item in contents:
        value = item.get("value") or ""
        rank = (1 if "html" in (item.get("type") or "") else 0, len(value))
        if value.strip() and (best is None or rank > best[0]):
            best = (rank, item)
    if best is not None:
        item = best[1]
        value = item.get("value") or ""
        plain = (item.get("type") or "").startswith("text/plain")
        return (value.strip() if plain else html_to_text(value)), "content"
    summary = entry.get("summary") or ""
    if summary.strip():
        detail = entry.get("summary_detail") or {}
        plain = (detail.get("type") or "").startswith("text/plain")
        return (summary.strip() if plain else html_to_text(summary)), "summary"
    return "", ""


def _entry_article(entry: Any, *, n: int, where: str, feed_title: str | None, options: Options) -> ReadResult:
    text, body_from = _entry_body(entry)
    title = html_to_text(entry.get("title") or "").replace("\n", " ").strip() or None
    if not text.strip():
        raise MarsadError("E003", f"entry {n} ({title or 'untitled'}) has no content or summary", where)
    link = entry.get("link") or None
    guid = entry.get("id") or None
    # the guid (or the link) is the entry's identity: stable across runs and across re-fetches of the feed
    article_id = stable_id(guid) or (short_hash(link) if link else f"{Path(where.split('#')[0]).stem}-{n}")
    # the date as written (the outlet's local day) before feedparser's UTC struct, which can shift it by a day
    published = (
        iso_date(entry.get("published"))
        or iso_date(entry.get("published_parsed"))
        or iso_date(entry.get("updated"))
        or iso_date(entry.get("updated_parsed"))
    )
    meta: dict[str, Any] = {
        "title": title,
        "url": link,
        "outlet": feed_title,
        "published": published,
        "feed_entry": n,
        "feed_body": body_from,
    }
    if guid:
        meta["guid"] = guid
    if published:
        meta["published_from"] = "feed"
    if entry.get("author"):
        meta["author"] = entry["author"]
    return make_article(
        text, id=article_id, input=where, format="feed", encoding="utf-8", metadata=meta, options=options
    )


def read_feed(path: str, data: bytes, options: Options) -> Iterator[ReadResult]:
    import feedparser

    # a stream, never the bytes or a str: feedparser treats strings as URLs or file names and would fetch them
    parsed = feedparser.parse(io.BytesIO(data))
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    # feedparser also flags harmless things (a charset the XML declaration got wrong); only XML errors count
    malformed = problem is not None and not isinstance(
        problem, (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    )
    why = f"{type(problem).__name__}: {problem}" if malformed else ""
    if not entries:
        if not parsed.get("version"):
            root = _root_name(data)
            if root == "?":
                raise MarsadError("E004", f"not an RSS or Atom feed: no XML element found ({why or 'empty'})", path)
            raise MarsadError(
                "E007", f"not an RSS or Atom feed: the root element is <{root}>{f' ({why})' if why else ''}", path
            )
        if malformed:
            raise MarsadError("E004", f"the feed is malformed and has no entries ({why})", path)
        raise MarsadError("E003", "the feed has no entries", path)
    feed_title = html_to_text((parsed.get("feed") or {}).get("title") or "").replace("\n", " ").strip() or None
    if malformed:
        log.info("%s: feed is not well-formed (%s); read leniently", path, why)
    for n, entry in enumerate(entries, start=1):
        where = f"{path}#entry{n}"
        try:
            article = _entry_article(entry, n=n, where=where, feed_title=feed_title, options=options)
        except MarsadError as exc:
            if malformed:  # an entry lost to broken XML is a malformed record, not an empty one
                yield ErrorRecord(where, "E004", f"{exc.reason}; the feed is not well-formed ({why})")
            else:
                yield ErrorRecord(where, exc.code, exc.reason)
            continue
        except Exception as exc:  # one bad entry must not stop the feed
            log.debug("feed entry %s failed", where, exc_info=True)
            yield ErrorRecord(where, "E004", f"entry {n} could not be read: {type(exc).__name__}: {exc}")
            continue
        if parsed.get("encoding"):
            article.encoding = parsed["encoding"]
        yield article
