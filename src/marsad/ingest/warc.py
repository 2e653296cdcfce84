"""WARC archives (``.warc``, ``.warc.gz``): every HTML page captured with HTTP 200 becomes an article.

Records are numbered from 1 in file order; a problem with one is reported as ``path#recordN``. A record that
cannot be read stops the file (the rest cannot be located reliably) without losing the articles read so far.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterator
from typing import Any

from ..errors import ErrorRecord, MarsadError
from ..options import Options
from .base import ReadResult
from .html import article_from_html, decode_html, iso_date, short_hash

log = logging.getLogger(__name__)

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _content_type(value: str | None) -> tuple[str, str | None]:
    """``text/html; charset=windows-1256`` -> ``("text/html", "windows-1256")``."""
    if not value:
        return "", None
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'")
    return mime.strip().lower(), charset


def _record_article(record: Any, *, where: str, options: Options) -> ReadResult | None:
    """The article of one WARC record, or None for records that are not HTML pages fetched with status 200."""
    if record.rec_type not in ("response", "resource"):
        return None  # request, metadata, warcinfo, revisit: no page content
    headers = record.http_headers if record.rec_type == "response" else None
    if record.rec_type == "response":
        if headers is None:
            return None  # a response without HTTP headers (dns:, whois:) is not a page
        status = headers.get_statuscode()
        if status != "200":
            return None  # redirects and errors carry no article
        mime, charset = _content_type(headers.get_header("Content-Type"))
    else:
        mime, charset = _content_type(record.rec_headers.get_header("Content-Type"))
    if mime not in _HTML_TYPES:
        return None
    payload = record.content_stream().read()  # de-chunked and decompressed (Content-Encoding) by warcio
    if not payload.strip():
        raise MarsadError("E003", "the HTML page in this record is empty", where)
    html, encoding = decode_html(payload, where, hint=charset)
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
    warc_date = record.rec_headers.get_header("WARC-Date")
    # the page's address is a stable identity across crawls; the record id is the next best thing
    article_id = short_hash(uri) if uri else (short_hash(record_id) if record_id else where.rsplit("#", 1)[-1])
    article = article_from_html(
        html,
        id=article_id,
        input=where,
        format="warc",
        encoding=encoding,
        options=options,
        url=uri,
        metadata={"url": uri},
        published_fallback=(iso_date(warc_date) or "", "warc-date"),
    )
    article.meta["warc_record_id"] = record_id.strip("<>")
    if warc_date:
        article.meta["warc_date"] = warc_date
    return article


def _head(data: bytes) -> bytes:
    """The first bytes of the (first gzip member of the) archive, to tell a WARC from anything else."""
    if data[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(data[:65536], 64)
        except zlib.error as exc:
            raise MarsadError("E004", f"the gzip data is corrupt ({exc})") from None
        if not head:
            raise MarsadError("E004", "the gzip data is truncated before the first WARC record")
        return head
    return data[:64]


def _gzip_complete(data: bytes) -> bool:
    """Whether every gzip member ends properly. warcio stops quietly at a cut-off member, as if the file ended
    there, so a truncated ``.warc.gz`` would otherwise lose its last record without a word."""
    if data[:2] != b"\x1f\x8b":
        return True
    rest = data
    try:
        while rest:
            member = zlib.decompressobj(wbits=31)
            while True:  # decompress in bounded steps: only the end matters, not the output
                member.decompress(rest, 1 << 20)
                rest = member.unconsumed_tail
                if member.eof or not rest:
                    break
            if not member.eof:
                return False
            rest = member.unused_data.lstrip(b"\x00")
    except zlib.error:
        return False
    return True


def _integrity(record: Any, archive: Any, warnings_before: int) -> str | None:
    """Why a record is damaged (fewer bytes than its Content-Length, or bytes after it that are not the next
    record), or None. Reads the rest of the record."""
    raw = record.raw_stream
    while raw.read(65536):
        pass
    missing = getattr(raw, "limit", 0)
    if missing > 0:
        return f"is truncated: {missing:,} bytes of its Content-Length are missing"
    archive.read_to_end()  # consumes the blank lines after the record, where warcio notices a bad length
    if archive.err_count > warnings_before:
        return "is not followed by a record boundary: its Content-Length is probably wrong"
    return None


def read_warc(path: str, data: bytes, options: Options) -> Iterator[ReadResult]:
    from warcio.archiveiterator import ArchiveIterator

    class _QuietIterator(ArchiveIterator):
        INC_RECORD = ""  # warcio prints this warning to stderr; it becomes an E004 for the record instead

    try:
        head = _head(data)
    except MarsadError as exc:
        yield ErrorRecord(path, exc.code, exc.reason)
        return
    start = head.lstrip()
    if not start.startswith((b"WARC/", b"filedesc://")):
        if start and (b"WARC/".startswith(start) or b"filedesc://".startswith(start)):
            yield ErrorRecord(path, "E004", "the file is truncated before the end of the first WARC header")
        else:
            yield ErrorRecord(path, "E004", f"not a WARC file: it starts with {start[:40]!r}, not 'WARC/'")
        return
    complete = _gzip_complete(data)
    archive = _QuietIterator(io.BytesIO(data), arc2warc=True)
    n = 0
    pages = 0
    while True:
        where = f"{path}#record{n + 1}"
        try:
            record = next(archive)
        except StopIteration:
            break
        except Exception as exc:  # a corrupt header or gzip member: the next record cannot be found, stop here
            log.debug("WARC %s broke at record %d", path, n + 1, exc_info=True)
            reason = (str(exc).strip().splitlines() or [""])[0][:200]
            yield ErrorRecord(
                where,
                "E004",
                f"WARC record {n + 1} cannot be read ({type(exc).__name__}"
                f"{': ' + reason if reason else ''}); the rest of the file is skipped",
            )
            return
        n += 1
        warnings_before = archive.err_count
        result: ReadResult | None
        try:
            result = _record_article(record, where=where, options=options)
        except MarsadError as exc:
            result = ErrorRecord(where, exc.code, exc.reason)
        except Exception as exc:  # one bad record must not stop the archive
            log.debug("WARC record %s failed", where, exc_info=True)
            result = ErrorRecord(where, "E004", f"WARC record {n} could not be read: {type(exc).__name__}: {exc}")
        try:
            problem = _integrity(record, archive, warnings_before)
        except Exception as exc:  # reading the rest of a damaged record can fail too
            log.debug("WARC record %s cannot be read to its end", where, exc_info=True)
            problem = f"cannot be read to its end ({type(exc).__name__}: {exc})"
        if problem:
            result = ErrorRecord(where, "E004", f"WARC record {n} {problem}")
            complete = complete or problem.startswith("is truncated")  # already said where the file ends
        if result is not None:
            pages += 1
            yield result
    if not complete:
        yield ErrorRecord(
            f"{path}#record{n + 1}",
            "E004",
            f"the gzip data is truncated: WARC record {n + 1} is cut off (the file ends early)",
        )
        return
    if not pages:
        yield ErrorRecord(path, "E003", f"no HTML page captured with HTTP 200 among its {n} WARC records")
