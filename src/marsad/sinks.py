"""Where saved state goes, file by file: ``sink(name, data)``. A folder on disk (``folder_sink``), or the store's
snapshot rows (``marsad.store.gateway.Store.save_state`` keeps the files in memory and writes them as rows, not
through a temporary folder: at 100k articles a snapshot is tens of MB, and writing then reading it back doubled
its cost)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

FileSink = Callable[[str, bytes], None]


def folder_sink(folder: str | Path) -> FileSink:
    """A sink writing each file into ``folder`` (created when missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)

    return write
