"""The parallel ingest (analysis in worker processes) stores exactly what the in-process one does."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from marsad.options import Options
from marsad.stages.reuse import _common
from marsad.store import Ingester, Store, read

_held: list[Ingester] = []  # the ingester of a test, as forked workers see it


def _content(db: Path) -> tuple[dict[str, str], list[list[object]], list[str]]:
    with Store(db, readonly=True) as store:
        accounts = [list(r) for r in store.conn.execute(
            "SELECT story, n_members, fingerprint, data FROM story_accounts ORDER BY story")]
        export = [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in read.export_rows(store)]
        return read.content_digest(store), accounts, export


def test_workers_store_the_same_as_one_process(tmp_path: Path, examples_dir: Path, seeds_dir: Path) -> None:
    # a second run with a copy of a stored text, one text twice and one id twice (two folders): the verdicts
    # and ids of articles still in flight are given in input order, as a serial run gives them
    extra, other = tmp_path / "extra", tmp_path / "other"
    extra.mkdir()
    other.mkdir()
    first = sorted(examples_dir.glob("*.txt"))[0]
    shutil.copy(first, extra / first.name)
    same = "نص آخر تماماً عن موضوع مختلف لا علاقة له بالمقالات المخزنة من قبل.\n"
    (extra / "dup-a.txt").write_text(same, encoding="utf-8")
    (extra / "dup-b.txt").write_text(same, encoding="utf-8")
    (extra / "zz.txt").write_text("نص ثان عن افتتاح جسر جديد فوق النهر في المدينة صباح اليوم.\n", encoding="utf-8")
    (other / "zz.txt").write_text("نص ثالث يتحدث عن مهرجان الكتاب في المدينة هذا العام وزواره.\n", encoding="utf-8")
    reports = {}
    for workers in (1, 2):
        with Store(tmp_path / f"w{workers}.db") as store:
            # the parallel run merges entities every few articles as well: the same entities come out
            ingester = Ingester(store, Options(workers=workers), entities_every=3)
            assert ingester.workers == workers
            first_run = ingester.ingest([examples_dir, seeds_dir])
            second_run = ingester.ingest([extra, other, examples_dir])
            reports[workers] = (first_run.added, first_run.unchanged, sorted(first_run.stories),
                                second_run.added, second_run.unchanged)
    assert reports[1] == reports[2]
    assert reports[2][3] == ["dup-a", "zz", "zz~2"]
    assert reports[2][4] >= 2  # the copy and dup-b at least (and the examples again)
    assert _content(tmp_path / "w1.db") == _content(tmp_path / "w2.db")


def _state_in_worker() -> tuple[int, bool]:
    return os.getpid(), _held[0]._state is not None


def test_workers_outlive_a_run_and_start_before_the_state(tmp_path: Path, examples_dir: Path) -> None:
    # the workers are forked once, before the ingest process loads the cross-document state (pages it shares
    # with a live child are copied when it writes to them); ``close`` stops them and a later run starts others
    texts = sorted(examples_dir.glob("*.txt"))
    with Store(tmp_path / "m.db") as store:
        Ingester(store, Options(workers=1)).ingest(texts[:2])  # a snapshot to load
    with Store(tmp_path / "m.db") as store, Ingester(store, Options(workers=2)) as ingester:
        _held[:] = [ingester]
        assert ingester.ingest(texts[2:4]).added
        pool = ingester._pool
        assert pool is not None and ingester._state is not None
        first = {pool.submit(_state_in_worker).result() for _ in range(8)}
        assert all(not loaded for _, loaded in first)  # forked before the state was loaded
        assert ingester.ingest(texts[4:]).added
        assert ingester._pool is pool  # the same workers
        pids = {pid for pid, _ in first}
        ingester.close()
        assert ingester._pool is None
        for pid in pids:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
        assert not ingester.ingest(texts).added  # a fresh pool: everything is stored already
        assert ingester._pool is not None and ingester._pool is not pool
    _held.clear()


def test_a_failed_run_stops_its_workers(tmp_path: Path, examples_dir: Path) -> None:
    def fail(article: object, added: bool) -> None:
        raise RuntimeError("stop")

    texts = sorted(examples_dir.glob("*.txt"))
    with Store(tmp_path / "f.db") as store, Ingester(store, Options(workers=2)) as ingester:
        with pytest.raises(RuntimeError):
            ingester.ingest(texts, on_article=fail)
        assert ingester._pool is None
        report = ingester.ingest(texts)
        assert len(report.added) + report.unchanged == len(texts)


def test_common_ngrams_match_intersect1d() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        a = np.unique(rng.integers(0, 60, rng.integers(0, 40)).astype(np.uint64))
        b = np.unique(rng.integers(0, 60, rng.integers(0, 40)).astype(np.uint64))
        _, ia, ib = np.intersect1d(a, b, assume_unique=True, return_indices=True)
        ja, jb = _common(a, b)
        assert ja.tolist() == ia.tolist() and jb.tolist() == ib.tolist()
