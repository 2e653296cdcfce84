"""What every reader shares: building an ``Article`` from decoded text and metadata."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from ..doc import Article
from ..errors import ErrorRecord, MarsadError
from ..options import Options

ReadResult = Article | ErrorRecord

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
META_FIELDS = ("id", "outlet", "published", "url", "title", "language")


class Reader(Protocol):
    """A reader turns one input file's bytes into articles (and per-record errors)."""

    def __call__(self, path: str, data: bytes, options: Options) -> Iterator[ReadResult]: ...


def content_hash(text: str) -> str:
    """Identity of an article's content: the same text gives the same hash, whatever the file name."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_published(value: Any) -> str | None:
    """An ISO date ``YYYY-MM-DD`` (a datetime is cut to its date); anything else is dropped."""
    if value is None:
        return None
    text = str(value).strip()
    m = _DATE.match(text)
    return m.group(0) if m else None


def make_article(
    text: str,
    *,
    id: str,
    input: str,
    format: str,
    encoding: str | None,
    metadata: Mapping[str, Any] | None = None,
    options: Options,
    title_source: str = "metadata",
) -> Article:
    """An article from decoded text. Raises E003 when the text holds too little to be an article."""
    if len(text.strip()) < options.min_text_chars:
        raise MarsadError(
            "E003", f"only {len(text.strip())} characters of text (fewer than {options.min_text_chars})", input
        )
    meta = dict(metadata or {})
    published = clean_published(meta.get("published"))
    title = meta.get("title") or None
    article = Article(
        id=str(meta.get("id") or id),
        text=text,
        input=input,
        outlet=meta.get("outlet") or None,
        url=meta.get("url") or None,
        published=published,
        published_source="metadata" if published else "unknown",
        title=str(title).strip() if title else None,
        title_source=title_source if title else "unknown",
        language=meta.get("language") or None,
        encoding=encoding,
        format=format,
        content_hash=content_hash(text),
    )
    article.meta.update({k: v for k, v in meta.items() if k not in META_FIELDS})
    if meta.get("language"):
        article.meta["language_source"] = "metadata"
    return article
