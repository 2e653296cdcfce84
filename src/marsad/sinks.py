"""Where saved state goes, file by file: ``sink(name, data)``. A folder on disk (``folder_sink``), or the store's
snapshot rows (``marsad.store.gateway.Store.save_state`` keeps the files in memory and writes them as rows, not
through a temporary folder: at 100k articles a snapshot is tens of MB, and writing then reading it back doubled
its cost). Also how append-only data is saved in parts (``appended_parts``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

FileSink = Callable[[str, bytes], None]


def folder_sink(folder: str | Path) -> FileSink:
    """A sink writing each file into ``folder`` (created when missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)

    return write


def appended_parts(kept: Iterable[tuple[int, int]], length: int, max_parts: int,
                   write_part: Callable[[int, int], None]) -> list[tuple[int, int]]:
    """The parts (item ranges) of an append-only sequence of ``length`` items after a save: the chain of the
    ``kept`` ranges (parts an earlier save wrote, stored elsewhere) from item 0, then one part for the items after
    them, written by ``write_part(first, end)``. With ``max_parts`` kept parts or more, or none, everything is
    written again as one part (loading many small parts is slower)."""
    parts: list[tuple[int, int]] = []
    for a, b in sorted(kept):
        if a < b <= length and a == (parts[-1][1] if parts else 0):
            parts.append((a, b))
    if len(parts) >= max_parts:
        parts = []
    done = parts[-1][1] if parts else 0
    if done < length or not parts:
        write_part(done, length)
        parts.append((done, length))
    return parts
