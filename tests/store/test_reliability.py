"""Crash safety: an ingest killed with SIGKILL at random points and resumed ends with exactly the content of one
uninterrupted run; a reader queries the store while the writer works."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from marsad.store import Store, read
from marsad.store.search import search
from marsad.store.synthetic import write_corpus

SRC = Path(__file__).resolve().parents[2] / "src"


def _ingest_cmd(corpus: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "marsad", "ingest", str(corpus), "--db", str(db), "-q"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1"}


def _killed_and_resumed(corpus: Path, db: Path, kills: int, seed: int, checkpoint_every: int,
                        entities_every: int, window_s: float) -> int:
    """Ingest with SIGKILL at random moments ``kills`` times, then to the end. Returns how many kills landed.

    ``window_s`` is how long the uninterrupted run wrote for: a kill comes within it, so it lands on a fast
    machine as well as on a slow one."""
    rng = random.Random(seed)
    env = {**_env(), "MARSAD_CHECKPOINT_EVERY": str(checkpoint_every),
           "MARSAD_ENTITIES_EVERY": str(entities_every)}
    landed = 0
    for _ in range(kills):
        before = _count(db)
        proc = subprocess.Popen(_ingest_cmd(corpus, db), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # wait until this run has stored something new, then kill it after a random extra moment
        deadline = time.monotonic() + 120
        while proc.poll() is None and _count(db) <= before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.7 * window_s))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            landed += 1
        proc.wait()
    subprocess.run(_ingest_cmd(corpus, db), env=env, check=True, capture_output=True)
    return landed


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with Store(db, readonly=True) as s:
            return s.count("articles")
    except sqlite3.Error:  # the schema is being created
        return 0


def _check(tmp_path: Path, n: int, kills: int, checkpoint_every: int, entities_every: int) -> None:
    """``entities_every``: articles between the entity merges of a run (``MARSAD_ENTITIES_EVERY``; the
    uninterrupted run keeps the default: the same content must come out however often the merge ran)."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, n)
    whole, broken = tmp_path / "whole.db", tmp_path / "broken.db"

    # the uninterrupted run, with a reader querying while it writes
    proc = subprocess.Popen(_ingest_cmd(corpus, whole), env={**_env(), "MARSAD_CHECKPOINT_EVERY":
                                                             str(checkpoint_every)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    reads, first_write = 0, None
    while proc.poll() is None:
        if _count(whole) > 0:
            first_write = first_write or time.monotonic()
            with Store(whole, readonly=True) as s:
                read.stories(s, 5)
                search(s.conn, "أعلنت السلطات")
                reads += 1
        time.sleep(0.1)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert reads > 0, "the reader never got to query during the ingest"

    window_s = time.monotonic() - (first_write or time.monotonic())
    landed = _killed_and_resumed(corpus, broken, kills, seed=n, checkpoint_every=checkpoint_every,
                                 entities_every=entities_every, window_s=window_s)
    assert landed >= 1, "no kill landed while the ingest ran"
    with Store(whole, readonly=True) as a, Store(broken, readonly=True) as b:
        assert a.count("articles") == n
        da, db_ = read.content_digest(a), read.content_digest(b)
        assert da == db_, f"tables that differ after {landed} kill(s): {sorted(t for t in da if da[t] != db_.get(t))}"


def test_killed_ingest_resumes_to_the_same_content(tmp_path: Path) -> None:
    _check(tmp_path, n=45, kills=3, checkpoint_every=10, entities_every=7)


@pytest.mark.slow
def test_killed_ingest_resumes_to_the_same_content_2000(tmp_path: Path) -> None:
    _check(tmp_path, n=2000, kills=5, checkpoint_every=500, entities_every=300)
