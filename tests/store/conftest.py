"""A store built once from the bundled examples and the seeds (copied for tests that write)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path, seeds_dir: Path) -> Path:
    from marsad.store import Ingester, Store

    path = tmp_path_factory.mktemp("store") / "marsad.db"
    with Store(path) as store:
        report = Ingester(store).ingest([examples_dir, seeds_dir])
    assert report.added and not report.errors
    return path


@pytest.fixture()
def db_copy(built_db: Path, tmp_path: Path) -> Path:
    """A private copy of the built store (with its WAL checkpointed into the main file)."""
    import sqlite3

    conn = sqlite3.connect(built_db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    target = tmp_path / "copy.db"
    shutil.copy(built_db, target)
    return target
