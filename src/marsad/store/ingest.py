"""Incremental ingest into a store: read, analyse, link to what is stored (``CrossDocState``), write.

The cross-document state (reuse index + story clusterer) is kept as a snapshot in the database covering the
articles up to some seq; articles stored after it are replayed on load. Each article is written with its reuse
passages and story membership in one transaction, so a crash at any point loses at most the article being
written, and re-running the same input resumes where it stopped (stored texts are skipped by content hash).

The per-article work needs nothing but the article: the pipeline's stages, then the vectors of the texts linking
will compare (``article_texts``: each unit's title and sentences), encoded together in one call rather
than one text at a time as linking asks. With ``Options.workers`` > 1 (the default: one per core) both run in
worker processes, several articles ahead, while the main process links each analysed article to the stored ones
(reuse index, stories) and writes it, strictly in input order; ids and the already-stored verdict are given in
input order before an article is sent out, so the database is the one a single process writes. The entity merge
and the accounts of the stories that changed follow at the end of a run (``finish``), the accounts built by the
workers as well.

One caveat, as before workers: the encoder's floats depend slightly (~1e-7) on which texts share a batch, so a
sentence vector is not bit-for-bit the same under every batching (one process or several, or a resumed run). No
decision has been seen to change over it (the examples, the seeds and the synthetic corpus store the same
content with 1 or 2 workers and as before; ``tests/store/test_workers.py``, ``test_reliability.py``).
"""

from __future__ import annotations

import gc
import logging
import os
import tempfile
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..crossdoc import CrossDocState, PreparedUnit, prepare_units
from ..doc import Article
from ..errors import ErrorRecord
from ..ingest import read_inputs
from ..options import DEFAULT_OPTIONS, Options
from ..pipeline import Pipeline, default_pipeline
from . import read
from .gateway import Store

log = logging.getLogger(__name__)


class StoredArticles(MutableMapping[str, Article]):
    """``CrossDocState.articles`` backed by the store: articles are read back when a paraphrase search needs
    them, so memory does not grow with the store and a reloaded state sees every earlier article."""

    def __init__(self, store: Store, cache_size: int = 2_000) -> None:
        self.store = store
        self.pending: dict[str, Article] = {}  # added to the state, not committed yet
        self.cache: OrderedDict[str, Article] = OrderedDict()
        self.cache_size = cache_size

    def __getitem__(self, key: str) -> Article:
        if key in self.pending:
            return self.pending[key]
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        article = self.store.article(key)
        if article is None:
            raise KeyError(key)
        self._remember(key, article)
        return article

    def _remember(self, key: str, article: Article) -> None:
        self.cache[key] = article
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self.pending or key in self.cache
                                         or self.store.seq_of(key) is not None)

    def __setitem__(self, key: str, article: Article) -> None:
        self.pending[key] = article

    def __delitem__(self, key: str) -> None:
        self.pending.pop(key, None)
        self.cache.pop(key, None)

    def committed(self, key: str) -> None:
        article = self.pending.pop(key, None)
        if article is not None:
            self._remember(key, article)

    def __iter__(self) -> Iterator[str]:
        for row in self.store.conn.execute("SELECT id FROM articles ORDER BY seq"):
            yield row[0]
        yield from (k for k in self.pending if self.store.seq_of(k) is None)

    def __len__(self) -> int:
        return self.store.count("articles") + sum(1 for k in self.pending if self.store.seq_of(k) is None)


def article_texts(article: Article, options: Options, prepared: list[PreparedUnit] | None = None) -> list[str]:
    """The texts whose vectors linking ``article`` asks for: per unit, its story profile's (title and lead
    sentences) and its sentences (paraphrase search), once each, in a fixed order."""
    texts: list[str] = []
    for unit, _, profile in prepared if prepared is not None else prepare_units(article, options, records=False):
        texts.extend(profile.texts())
        texts.extend(article.text[s.start:s.end] for s in unit.sentences)
    return list(dict.fromkeys(texts))


Vectors = dict[str, Any]  # text -> unit vector (numpy row)


def article_vectors(article: Article, options: Options, encoder: Any) -> Vectors:
    """``article_texts`` with their vectors (the texts this encoder has not seen yet encoded in one batch: copies
    of a wire text share sentences)."""
    texts = article_texts(article, options)
    return dict(zip(texts, encoder.encode(texts), strict=True)) if texts else {}


def analyse(article: Article, pipeline: Pipeline, options: Options, encoder: Any) -> tuple[Article, Vectors]:
    """The per-article part of an ingest: the stages, then (with an encoder) the article's sentence vectors."""
    article = pipeline(article)
    article.normalized = None  # the matching form is rebuilt when needed; not stored
    vectors = article_vectors(article, options, encoder) if encoder is not None and options.cross_document else {}
    return article, vectors


_worker: dict[str, Any] = {}


def _init_worker(pipeline: Pipeline, options: Options, parent: int) -> None:
    from ..vectors import SentenceEncoder

    _exit_with_parent(parent)
    gc.set_threshold(*INGEST_GC_THRESHOLDS)  # (a spawned worker starts with the defaults)
    _worker.update(pipeline=pipeline, options=options, encoder=SentenceEncoder(cache_size=0))


def _exit_with_parent(parent: int) -> None:
    """End this worker when the ingest process dies (a SIGKILL gives it no chance to stop its pool; a forked
    worker holds the task pipe's other end itself, so it would wait for work forever)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # it died before the request above
        os._exit(1)


def _analyse_in_worker(article: Article, encode: bool) -> tuple[Article, list[str], list[PreparedUnit] | None]:
    """The stages; then, for linking, the article's units with their index records and story profiles, and the
    texts whose vectors linking will ask for (encoded by ``_encode_in_worker``)."""
    options = _worker["options"]
    article, _ = analyse(article, _worker["pipeline"], options, None)
    if not options.cross_document:
        return article, [], None
    prepared = prepare_units(article, options)
    return article, article_texts(article, options, prepared) if encode else [], prepared


def _analyse_many_in_worker(articles: list[Article], encode: bool
                            ) -> list[tuple[Article, list[str], list[PreparedUnit] | None]]:
    """``_analyse_in_worker`` for a few articles sent together (``ANALYSES_PER_TASK``)."""
    return [_analyse_in_worker(article, encode) for article in articles]


def _encode_in_worker(texts: list[str]) -> Any:
    return _worker["encoder"].vectors_of(texts)


def _cores() -> int:
    """The cores this process may run on (``Options.workers`` = 0)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# glibc's allocator from a process's first parallel ingest on (a process-wide setting, which stays; the workers forked
# after it inherit it): blocks up to 32 MiB from the heap instead of a mapping of their own, and freed heap memory kept
# for reuse (up to 1 GiB) instead of handed back. An ingest allocates and frees many arrays of 1-30 MiB (the reuse
# index's segments as they merge, a snapshot's JSON); given back and mapped again, each of their pages is a fresh page
# fault, costly in a virtual machine that returns freed memory to its host (at 90k articles: 104-117k faults in the
# ingest process per 9,700 articles before, 81-82k with these).
_MALLOC_SETTINGS = ((-3, 32 * 2**20), (-1, 2**30), (-2, 64 * 2**20))  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD


def _keep_freed_memory() -> None:
    """``_MALLOC_SETTINGS`` (glibc only; elsewhere nothing changes)."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    for param, value in _MALLOC_SETTINGS:
        mallopt(param, value)


def _pool_context() -> Any:
    import multiprocessing

    # fork: the workers start at once and share the models the main process loaded (``warm``)
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)  # article ids
    unchanged: int = 0  # texts already stored
    errors: list[ErrorRecord] = field(default_factory=list)
    stories: set[str] = field(default_factory=set)  # stories that gained members


# articles written are committed together, this many or this many seconds' worth at a time (a commit per small
# article was a tenth of the ingest process's time); a crash loses at most that many, stored again by a re-run
BATCH_ARTICLES = 64
BATCH_SECONDS = 1.0
SNAPSHOT_SHARE = 10  # snapshot the cross-document state at least every 1/SNAPSHOT_SHARE of the store
# a loaded state this large (stored articles) is frozen out of the garbage collector's full collections
FREEZE_STATE_FROM = 10_000


# The collector's thresholds during an ingest (Python's are 700, 10, 10): an article's analysis allocates
# hundreds of thousands of short-lived objects, which the default sends through a young-generation pass every 700
# allocations (promoting the survivors of the moment into older generations that full passes then walk); the
# ingest process spent a tenth of its time there, 0.7 s in 4,000 articles with these.
INGEST_GC_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def _collector_relaxed() -> Iterator[None]:
    """``INGEST_GC_THRESHOLDS`` while the block runs (worker processes forked inside it inherit them)."""
    before = gc.get_threshold()
    gc.set_threshold(*INGEST_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def _collector_paused(freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection while a step allocates millions of short-lived, acyclic objects (loading
    or saving the state, the entity merge): each full collection walks the whole heap, which at 100k articles
    holds the cross-document state, and the entity merge took 25-41 s in an ingest process against 17 s alone.
    ``freeze``: what the step leaves (a merge kept for the next one) lives on: out of the collector's passes
    (the young pass after a process's first merge at 90k articles walked it for 2 s). An ingest makes next to
    no cyclic garbage (a full collection after 2,000 articles finds none), so little is frozen that could go."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


class Ingester:
    """Adds articles to a store, keeping reuse links and stories up to date. Use one per writing process."""

    def __init__(self, store: Store, options: Options = DEFAULT_OPTIONS, pipeline: Pipeline | None = None,
                 encoder: Any = None, checkpoint_every: int = 500, entities_every: int = 0) -> None:
        self.store = store
        self.options = options
        self.pipeline = pipeline or default_pipeline(options)
        self._encoder = encoder
        self.checkpoint_every = checkpoint_every
        self.entities_every = entities_every or ENTITY_REFRESH_ARTICLES  # in a parallel run (``_ingest_parallel``)
        # a snapshot writes the parts of the cross-document state that changed, but some of it (the vocabulary
        # counts, recent stories) grows with the store, so its interval does too (a tenth of the stored articles,
        # at least ``checkpoint_every``): a crash replays at most that many articles
        self._interval = max(checkpoint_every, store.max_seq() // SNAPSHOT_SHARE)
        self._state: CrossDocState | None = None
        self._articles = StoredArticles(store)
        self._since_checkpoint = 0
        self._touched: set[str] = set()  # stories that gained members since the last finish
        self._batch_started, self._batch_articles = 0.0, 0  # the open batch of writes (``BATCH_ARTICLES``)
        self.workers = options.workers if options.workers > 0 else _cores()
        self._pool: Any = None  # ``_worker_pool``
        self._pool_closer: weakref.finalize | None = None

    @property
    def encoder(self) -> Any:
        """The sentence encoder of the cross-document state (given, or the default one), without loading it."""
        if self._encoder is None:
            from ..vectors import default_encoder

            self._encoder = default_encoder()
        return self._encoder

    @property
    def _vector_encoder(self) -> Any:
        """The encoder when it can take vectors computed elsewhere (the default one can; a test's may not)."""
        encoder = self.encoder
        return encoder if hasattr(encoder, "vectors_of") and hasattr(encoder, "remember") else None

    def warm(self) -> None:
        """Load the models now (the sentence encoder, the stages' taggers), e.g. before timing an ingest; worker
        processes started after this share them. (Not the cross-document state: see ``_worker_pool``.)"""
        if self.options.cross_document and self._vector_encoder is not None:
            self._vector_encoder.vectors_of(["تجربة"])  # not kept: the cache stays as it was
        sample = Article(id="warm", text="قال وزير الخارجية محمد العلي في القاهرة يوم الاثنين إن المحادثات ستستمر.\n")
        analyse(sample, self.pipeline, self.options, None)

    @property
    def state(self) -> CrossDocState:
        """The cross-document state: the stored snapshot, plus a replay of the articles stored after it."""
        if self._state is None:
            encoder = self.encoder
            with tempfile.TemporaryDirectory(prefix="marsad-state-") as tmp, _collector_paused():
                seq = self.store.load_state_files(Path(tmp))
                state = CrossDocState.load(tmp, self.options, encoder) if seq else CrossDocState(self.options,
                                                                                                  encoder)
            if seq >= FREEZE_STATE_FROM:
                gc.freeze()  # it lives as long as this process: full collections need not walk it again
            state.articles = self._articles  # type: ignore[assignment]
            replayed = 0
            for article in self.store.articles_after(seq):
                self._articles.pending[article.id] = article
                if self.options.cross_document and hasattr(encoder, "remember"):
                    article_vectors(article, self.options, encoder)  # its texts encoded together, as when added
                state.add(article)
                self._articles.committed(article.id)
                replayed += 1
            if replayed:
                log.info("replayed %d stored article(s) after the snapshot at seq %d", replayed, seq)
            self._since_checkpoint = replayed
            self._state = state
        return self._state

    def add(self, article: Article, report: IngestReport | None = None) -> bool:
        """Analyse and store one article read by ``marsad.ingest``; False when its text is already stored."""
        report = report if report is not None else IngestReport()
        if self.store.has_hash(article.content_hash):
            report.unchanged += 1
            return False
        article.id = self.store.free_id(article.id)
        encoder = self._vector_encoder if self.options.cross_document else None
        self._link_and_store(*analyse(article, self.pipeline, self.options, encoder), report)
        return True

    def _link_and_store(self, article: Article, vectors: Vectors, report: IngestReport,
                        prepared: list[PreparedUnit] | None = None) -> bool:
        """Link an analysed article to the stored ones (reuse, stories) and write it with all it has."""
        if self.store.has_hash(article.content_hash):  # another process stored this text meanwhile
            report.unchanged += 1
            return False
        state = self.state
        if article.id in self._articles:  # a stored article took this id meanwhile (another batch)
            article.id = self.store.free_id(article.id)
            prepared = None  # its units were named after the old id
        if vectors:
            state.encoder.remember(vectors)
        result = state.add(article, prepared) if self.options.cross_document else None
        rows = []
        if result is not None:
            clusterer = state.clusterer
            for unit, sid in result.stories.items():
                story = clusterer.stories[clusterer._position[sid]]
                _, start, end = story.spans[story.members.index(unit)]
                rows.append({"unit": unit, "story": sid, "start": start, "end": end,
                             "label": clusterer.label(story), "start_date": story.first, "end_date": story.last})
                report.stories.add(sid)
                self._touched.add(sid)
        if not self.store.in_batch:
            self.store.begin_batch()
            self._batch_started, self._batch_articles = time.monotonic(), 0
        self.store.add_article(article, result.passages if result else (), rows)
        self._batch_articles += 1
        if self._batch_articles >= BATCH_ARTICLES or time.monotonic() - self._batch_started >= BATCH_SECONDS:
            self.store.end_batch()
        self._articles.committed(article.id)
        report.added.append(article.id)
        self._since_checkpoint += 1
        if self._since_checkpoint >= self._interval:
            self.checkpoint()
        return True

    def ingest_article(self, article: Article) -> IngestReport:
        """``add`` one article read elsewhere (the watcher, tests), then ``finish``."""
        report = IngestReport()
        try:
            self.add(article, report)
        finally:
            self.finish()
        return report

    def checkpoint(self) -> None:
        """Snapshot the cross-document state (so a later run need not replay these articles)."""
        self.store.end_batch()
        seq = self.store.max_seq()
        if self._state is not None and self.options.cross_document:
            with _collector_paused():  # (encoding the vocabulary counts ran 20 young collections: 2.3 s at 90k)
                self.store.save_state(self._state, seq)
        self._since_checkpoint = 0
        self._interval = max(self.checkpoint_every, seq // SNAPSHOT_SHARE)

    def finish(self, pmap: Callable[..., Iterable[Any]] = map) -> None:
        """After a batch: snapshot the state (unless fewer than ``checkpoint_every`` articles came since the last
        one), merge entities over the whole store (when anything changed), then keep the accounts of the stories
        that changed (built through ``pmap``: a pool's ``map``)."""
        self.store.end_batch()  # the articles written so far are committed first, whatever follows
        # a small batch (one POST, one feed poll) is not worth a whole-state snapshot at a large store: the next
        # start replays those few articles instead
        if self._since_checkpoint >= self.checkpoint_every:
            self.checkpoint()
        self.refresh_entities()
        if self.options.cross_document:  # after the entities: accounts cite speakers and entities
            # (accounts built elsewhere get this process's vectors of their sentences)
            encoder = None if pmap is map or self._state is None else self._state.encoder
            read.refresh_accounts(self.store, self._touched, pmap, encoder=encoder)
        self._touched.clear()

    def refresh_entities(self) -> None:
        """Merge the mentions of the articles written since the last merge into entities (committed first)."""
        self.store.end_batch()
        seq = self.store.max_seq()
        if self.store.get_meta("entities_seq") != str(seq):
            with _collector_paused(freeze=seq >= FREEZE_STATE_FROM):
                self.store.refresh_entities()

    def _failed(self, error: ErrorRecord, report: IngestReport) -> None:
        """A bad input: reported and stored as an error; the batch goes on."""
        report.errors.append(error)
        self.store.add_errors([error])

    def ingest(self, inputs: Iterable[str | Path], on_file: Callable[[Path, list[Any]], None] | None = None,
               on_article: Callable[[Article, bool], None] | None = None) -> IngestReport:
        """Read every input and add its articles; bad inputs are reported and stored as errors, the batch goes
        on. Ends with ``finish``. With ``workers`` > 1 the articles are analysed in worker processes."""
        report = IngestReport()
        items = read_inputs(inputs, self.options, on_file=on_file)
        with _collector_relaxed():
            if self.workers > 1:
                self._ingest_parallel(items, report, on_article)  # ends with finish too
                return report
            try:
                for item in items:
                    if isinstance(item, ErrorRecord):
                        self._failed(item, report)
                        continue
                    added = self.add(item, report)
                    if on_article is not None:
                        on_article(item, added)
            finally:
                self.finish()
        return report

    def _ingest_parallel(self, items: Iterable[Article | ErrorRecord], report: IngestReport,
                         on_article: Callable[[Article, bool], None] | None) -> None:
        """``ingest`` with the work of each article done in worker processes, in two steps: its analysis (the
        stages), then the vectors of those of its texts that no earlier article had (copies of a wire text share
        sentences: each text is encoded once, with those of the next articles). Articles are sent out in input
        order, a few to a task and several per worker ahead, and linked and written in that same order as their
        work comes back; each gets the id and the already-stored verdict it would get in a serial run (texts and
        ids sent out count as stored). Ends with ``finish``, its accounts built by the workers too."""
        pool = self._worker_pool()  # before the state is loaded: see ``_worker_pool``
        _ = self.state  # the snapshot and replay first: they must not run while articles are in flight
        encoder = self._vector_encoder if self.options.cross_document else None
        ahead = AHEAD_PER_WORKER * self.workers
        # (article, the analyses it is sent with, its place among them); None: already stored
        analysing: deque[tuple[Article, _Analyses | None, int]] = deque()
        # (article, the batch its new texts are in, its prepared units)
        linking: deque[tuple[Article, _Batch | None, list[PreparedUnit] | None]] = deque()
        hashes: set[str] = set()  # texts of articles sent out and not written yet
        ids: set[str] = set()  # their ids
        queued: set[str] = set()  # texts in a batch whose vectors are not kept yet
        open_batch = _Batch()
        open_analyses = _Analyses()
        since_entities = 0  # articles written since the entities were last merged

        def flush() -> None:
            nonlocal open_batch
            if open_batch.texts:
                open_batch.future = pool.submit(_encode_in_worker, open_batch.texts)
            open_batch = _Batch()

        def send() -> None:
            nonlocal open_analyses
            if open_analyses.articles:
                open_analyses.future = pool.submit(_analyse_many_in_worker, open_analyses.articles,
                                                   encoder is not None)
            open_analyses = _Analyses()

        def analysed() -> None:  # the oldest analysis back: its new texts join the open batch
            item, analyses, k = analysing.popleft()
            if analyses is None:
                linking.append((item, None, None))
                return
            if analyses is open_analyses:  # waited for before it filled up: send it now
                send()
            article, texts, prepared = analyses.future.result()[k]
            new = [t for t in texts if t not in queued and t not in encoder.cache] if encoder else []
            open_batch.texts.extend(new)
            queued.update(new)
            linking.append((article, open_batch, prepared))
            if len(open_batch.texts) >= _BATCH_TEXTS:
                flush()

        def link() -> None:  # the oldest article: wait for its vectors, link and write it
            nonlocal since_entities
            article, batch, prepared = linking.popleft()
            if batch is None:
                report.unchanged += 1
                added = False
            else:
                if batch is open_batch:
                    flush()
                if batch.future is not None and not batch.kept:
                    encoder.remember(dict(zip(batch.texts, batch.future.result(), strict=True)))
                    queued.difference_update(batch.texts)
                    batch.kept = True
                hashes.discard(article.content_hash)
                ids.discard(article.id)
                added = self._link_and_store(article, {}, report, prepared)
                if added:
                    since_entities += 1
                    if since_entities >= self.entities_every:
                        self.refresh_entities()
                        since_entities = 0
            if on_article is not None:
                on_article(article, added)

        def ready(batch: _Batch | None) -> bool:
            return batch is None or (batch is not open_batch and (batch.future is None or batch.future.done()))

        def pump(final: bool = False) -> None:
            while analysing and (final or len(analysing) > ahead or analysing[0][1] is None
                                 or analysing[0][1].done()):
                analysed()
            while linking:
                if linking[0][1] is open_batch:  # the next article to link waits for it: send it now
                    flush()
                if not (final or len(linking) > _LINK_LAG * ahead or ready(linking[0][1])):
                    break
                link()

        failed = True
        try:
            for item in items:
                if isinstance(item, ErrorRecord):
                    self._failed(item, report)
                    continue
                if item.content_hash in hashes or self.store.has_hash(item.content_hash):
                    analysing.append((item, None, 0))
                else:
                    item.id = self.store.free_id(item.id, also_taken=ids)
                    hashes.add(item.content_hash)
                    ids.add(item.id)
                    analysing.append((item, open_analyses, len(open_analyses.articles)))
                    open_analyses.articles.append(item)
                    if len(open_analyses.articles) >= ANALYSES_PER_TASK:
                        send()
                pump()
            pump(final=True)
            failed = False
        except BaseException:
            for _, analyses, _ in analysing:
                if analyses is not None and analyses.future is not None:
                    analyses.future.cancel()
            self.close()  # a pool that failed is not used again (the next run starts another)
            raise
        finally:
            # the accounts built by the workers too, unless they failed (then here, as a serial run would)
            self.finish(map if failed else partial(pool.map, chunksize=4))

    def _worker_pool(self) -> Any:
        """The worker processes of parallel runs, started on the first and kept until ``close``. They are forked
        once the models are loaded (``warm``: the workers share them) and, on the first run, before the
        cross-document state is: pages the ingest process shares with a live child are copied the first time it
        writes to them, and a run touches (reference counts, updates) much of the state, so each run's fresh
        workers cost the ingest process a copy of a gigabyte of pages at 90k articles (half its time there)."""
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self.warm()
            _keep_freed_memory()
            # what this process holds now lives on: out of the collector's full passes, here and in the forked
            # workers, whose passes would otherwise walk (and so copy, page by page) the inherited heap
            gc.collect()
            gc.freeze()
            pool = ProcessPoolExecutor(self.workers, mp_context=_pool_context(), initializer=_init_worker,
                                       initargs=(self.pipeline, self.options, os.getpid()))
            pool.submit(os.getpid).result()  # a forking pool starts all its workers with its first task
            self._pool = pool
            self._pool_closer = weakref.finalize(self, pool.shutdown, wait=False, cancel_futures=True)
        return self._pool

    def close(self) -> None:
        """Stop the worker processes of parallel runs (a later run starts new ones)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            if self._pool_closer is not None:
                self._pool_closer.detach()
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Ingester:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Texts encoded per worker task: enough for the encoder's batching to pay, few enough that a batch is sent out
# well before the first article waiting for it is linked (the linking lags ``_LINK_LAG`` times the analyses
# in flight behind them), so the ingest process seldom waits for vectors.
_BATCH_TEXTS = 24
_LINK_LAG = 6
# Analyses sent out ahead of the linking, per worker: enough that the workers keep busy while the ingest process
# is away merging entities (``ENTITY_REFRESH_ARTICLES``) or writing a snapshot.
AHEAD_PER_WORKER = 64
# The entities are merged every this many articles written during a parallel run, not only at its end: the
# merge is incremental (the same entities whenever it runs), and while it runs the workers analyse the articles
# sent ahead instead of waiting idle for the end of the run.
ENTITY_REFRESH_ARTICLES = 2_000


# Articles sent to a worker in one task: each task costs both processes wake-ups, a pipe write and read each way
# and a future, more than pickling a small article does.
ANALYSES_PER_TASK = 4


@dataclass(slots=True, eq=False)
class _Analyses:
    """Articles analysed in one worker task, in input order."""

    articles: list[Article] = field(default_factory=list)
    future: Any = None  # set when sent

    def done(self) -> bool:
        return self.future is not None and self.future.done()


@dataclass(slots=True, eq=False)
class _Batch:
    """Texts encoded together in a worker for the articles that first had them."""

    texts: list[str] = field(default_factory=list)
    future: Any = None
    kept: bool = False  # its vectors are in the main encoder
