"""Ingest: files and folders -> ``Article`` objects (or ``ErrorRecord`` for inputs that cannot be read).

One bad input never stops the batch: every failure becomes an ``ErrorRecord`` naming the file and the reason.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..doc import Article
from ..errors import ErrorRecord, MarsadError
from ..options import DEFAULT_OPTIONS, Options
from .base import Reader, ReadResult, make_article
from .decode import decode

log = logging.getLogger(__name__)

__all__ = ["ReadResult", "collect_files", "decode", "make_article", "read_file", "read_inputs", "reader_for"]


def _readers() -> dict[str, Reader]:
    from .feed import read_feed
    from .html import read_html
    from .jsonl import read_jsonl
    from .text import read_text
    from .warc import read_warc

    return {
        ".txt": read_text,
        ".text": read_text,
        ".html": read_html,
        ".htm": read_html,
        ".xhtml": read_html,
        ".jsonl": read_jsonl,
        ".ndjson": read_jsonl,
        ".warc": read_warc,
        ".warc.gz": read_warc,
        ".rss": read_feed,
        ".atom": read_feed,
        ".xml": read_feed,
    }


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return ".warc.gz"
    return path.suffix.lower()


def reader_for(path: Path) -> Reader | None:
    return _readers().get(suffix_of(path))


def _is_input_file(path: Path) -> bool:
    return (
        path.is_file()
        and not path.name.startswith(".")
        and not path.name.endswith(".meta.json")
        and reader_for(path) is not None
    )


def collect_files(
    paths: Iterable[str | Path], options: Options = DEFAULT_OPTIONS
) -> tuple[list[Path], list[ErrorRecord]]:
    """Input files in a stable order. Folders are searched (recursively unless told otherwise) for known types;
    a file named explicitly with an unknown type is an error (E007), a missing path too (E009)."""
    files: list[Path] = []
    errors: list[ErrorRecord] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = path.rglob("*") if options.recursive else path.glob("*")
            files.extend(sorted(p for p in found if _is_input_file(p)))
        elif path.is_file():
            if reader_for(path) is None:
                errors.append(ErrorRecord(str(path), "E007", f"unknown file type '{suffix_of(path) or path.name}'"))
            else:
                files.append(path)
        else:
            errors.append(ErrorRecord(str(path), "E009", "no such file or folder"))
    return files, errors


def read_file(path: Path, options: Options = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Articles (and per-record errors) from one file; a failing file yields one ``ErrorRecord``."""
    name = str(path)
    reader = reader_for(path)
    if reader is None:
        yield ErrorRecord(name, "E007", f"unknown file type '{suffix_of(path) or path.name}'")
        return
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            raise MarsadError("E006", f"{size:,} bytes is over the limit of {options.max_bytes:,}", name)
        data = path.read_bytes()
        if suffix_of(path) not in (".warc", ".warc.gz") and data[:2] == b"\x1f\x8b":  # gzip with a plain name
            data = gzip.decompress(data)
        if not data.strip():
            raise MarsadError("E003", "the file is empty", name)
        yield from reader(name, data, options)
    except MarsadError as exc:
        yield exc.record()
    except OSError as exc:
        yield ErrorRecord(name, "E001", f"cannot read: {exc.strerror or exc}")
    except Exception as exc:
        log.debug("reader failed on %s", name, exc_info=True)
        yield ErrorRecord(name, "E004", f"could not be parsed: {type(exc).__name__}: {exc}")


def read_inputs(
    paths: Iterable[str | Path],
    options: Options = DEFAULT_OPTIONS,
    on_file: Callable[[Path, list[ReadResult]], None] | None = None,
) -> Iterator[ReadResult]:
    """Every article of every input, in file order, then per-file errors in place.

    Ids are made unique across the batch (a taken id gets "~2", "~3"; the given one stays in meta["id_given"]),
    and the same text twice (a copied file) is read once: identity is the content hash.
    ``on_file`` is called after each file with what it gave (progress bars).
    """
    files, errors = collect_files(paths, options)
    yield from errors
    seen_ids: dict[str, int] = {}
    seen_hashes: set[str] = set()
    for path in files:
        results = list(read_file(path, options))
        for item in results:
            if isinstance(item, Article):
                if item.content_hash in seen_hashes:
                    log.info("%s repeats the text of an earlier article; read once", item.input)
                    continue
                seen_hashes.add(item.content_hash)
                if item.id in seen_ids:
                    seen_ids[item.id] += 1
                    item.meta["id_given"] = item.id
                    item.id = f"{item.id}~{seen_ids[item.id]}"
                    log.warning("article id %s from %s is taken; using %s", item.meta["id_given"], item.input, item.id)
                seen_ids.setdefault(item.id, 1)
            yield item
        if on_file is not None:
            on_file(path, results)
