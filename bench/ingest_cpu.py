"""Where a parallel ingest's CPU goes, per article: the ingest process, and each kind of work in the workers.

    PYTHONPATH=src python bench/ingest_cpu.py --base 5000 --n 3000
    PYTHONPATH=src python bench/ingest_cpu.py --base 90000 --n 10000 --keep /tmp/b90   # the base kept for reruns

A store of ``--base`` articles of the synthetic corpus (``marsad.store.synthetic``) is built first (or copied from
``--keep``, where the first run leaves it), then ``--warm`` articles are ingested by a fresh ``Ingester`` so that
the snapshot load and the first, whole-store entity merge of a new process fall outside the measure, then the next
``--n`` articles are timed: rate, the ingest process's CPU (user and kernel) and the workers' CPU split into
analysis (the stages and linking's per-unit records), sentence encoding, accounts, sending results back, and the
rest (taking tasks off the queue). The workers' parts are each worker's thread CPU time around those functions;
the ingest process's CPU is ``getrusage``. Utilisation: all that CPU over the wall time of the cores used.

200 articles/s on 2 cores (issue #9) needs at most 10 ms of CPU an article with both cores busy throughout.
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.util
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import concurrent.futures.process as pool_process  # noqa: E402

import marsad.store.ingest as ingest_module  # noqa: E402
import marsad.store.read as read_module  # noqa: E402
from marsad.options import Options  # noqa: E402
from marsad.store import Ingester, Store  # noqa: E402
from marsad.store.synthetic import write_corpus  # noqa: E402

PARTS = {  # part -> (module, function) timed in the workers
    "analysis": (ingest_module, "_analyse_in_worker"),
    "encoding": (ingest_module, "_encode_in_worker"),
    "accounts": (read_module, "built_account"),
    "sending results": (pool_process, "_sendback_result"),
}


# set to 1 as the timed articles start: each worker then starts its totals again (at its next task), so the warm-up
# articles and their accounts are not counted (created before the workers are forked, so they share it)
EPOCH = multiprocessing.Value("i", 0)


def _timed(totals: Counter[str], part: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        if totals["epoch"] != EPOCH.value:
            totals.clear()
            totals["epoch"], totals["began"] = EPOCH.value, time.process_time()
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            totals[part] += time.thread_time() - start

    return run


def _measured_worker(report_dir: str, init: Callable[..., None]) -> Callable[..., None]:
    """The workers' initializer, then the parts timed in that worker; each writes its totals when it exits."""

    def start(*args: Any) -> None:
        init(*args)
        totals: Counter[str] = Counter()
        for part, (module, name) in PARTS.items():
            setattr(module, name, _timed(totals, part, getattr(module, name)))

        def write() -> None:
            totals["all"] = time.process_time() - totals["began"] if totals["epoch"] == 1 else 0.0
            for key in ("epoch", "began"):
                del totals[key]
            Path(report_dir, f"{os.getpid()}.txt").write_text(
                "\n".join(f"{part}\t{seconds}" for part, seconds in totals.items()))

        multiprocessing.util.Finalize(None, write, exitpriority=10)  # runs as the worker exits

    return start


def build_base(folder: Path, paths: list[Path], n: int) -> Path:
    db = folder / f"base{n}.db"  # (the corpus's first n articles are the same whatever its length)
    if not db.exists():
        print(f"building a base store of {n:,} articles in {db} ...", flush=True)
        with Store(db) as store, Ingester(store, Options()) as ingester:
            for k in range(0, n, 10_000):
                ingester.ingest(paths[k:min(n, k + 10_000)])
    return db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=int, default=5000, help="articles in the store before the measure")
    ap.add_argument("--warm", type=int, default=300, help="articles ingested (not timed) by the fresh ingester first")
    ap.add_argument("--n", type=int, default=3000, help="articles timed")
    ap.add_argument("--workers", type=int, default=0, help="analysing processes (0: one per core)")
    ap.add_argument("--keep", type=Path, help="folder keeping the corpus and the base store for later runs")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        total = args.base + args.warm + args.n
        corpus = folder / f"corpus{total}"
        paths = sorted(corpus.glob("*.txt")) if corpus.exists() else write_corpus(corpus, total)
        base = build_base(folder, paths, args.base)
        db = Path(tmp) / "measured.db"
        shutil.copy(base, db)
        reports = Path(tmp) / "workers"
        reports.mkdir()
        ingest_module._init_worker = _measured_worker(str(reports), ingest_module._init_worker)
        with Store(db) as store, Ingester(store, Options(workers=args.workers)) as ingester:
            ingester.ingest(paths[args.base:args.base + args.warm])
            EPOCH.value = 1
            before = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.perf_counter()
            report = ingester.ingest(paths[args.base + args.warm:total])
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_SELF)
            workers = ingester.workers
        totals: Counter[str] = Counter()
        for f in reports.glob("*.txt"):
            for line in f.read_text().splitlines():
                part, seconds = line.split("\t")
                totals[part] += float(seconds)
    n = len(report.added)
    user, kernel = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    worker_all = totals["all"]
    print(f"| {n:,} articles into a store of {args.base + args.warm:,}, {workers} worker(s) | ms an article |")
    print("|---|---|")
    print(f"| rate | {n / wall:.1f} articles/s ({wall:.1f} s) |")
    print(f"| ingest process (user + kernel) | {(user + kernel) / n * 1000:.2f} ({kernel / n * 1000:.2f} kernel) |")
    print(f"| workers, all | {worker_all / n * 1000:.2f} |")
    for part in PARTS:
        print(f"| workers: {part} | {totals[part] / n * 1000:.2f} |")
    rest = totals["all"] - sum(totals[p] for p in PARTS)
    print(f"| workers: the rest (queue, unpickling tasks) | {rest / n * 1000:.2f} |")
    cpu = user + kernel + worker_all
    cores = min(os.cpu_count() or 1, workers + 1)
    print(f"| all CPU | {cpu / n * 1000:.2f} |")
    print(f"| utilisation of {cores} cores | {cpu / wall / cores * 100:.0f} % |")


if __name__ == "__main__":
    main()
