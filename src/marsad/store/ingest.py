"""Incremental ingest into a store: read, analyse, link to what is stored (``CrossDocState``), write.

The cross-document state (reuse index + story clusterer) is kept as a snapshot in the database covering the
articles up to some seq; articles stored after it are replayed on load. Each article is written with its reuse
passages and story membership in one transaction, so a crash at any point loses at most the article being
written, and re-running the same input resumes where it stopped (stored texts are skipped by content hash).
"""

from __future__ import annotations

import logging
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..crossdoc import CrossDocState
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


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)  # article ids
    unchanged: int = 0  # texts already stored
    errors: list[ErrorRecord] = field(default_factory=list)
    stories: set[str] = field(default_factory=set)  # stories that gained members


class Ingester:
    """Adds articles to a store, keeping reuse links and stories up to date. Use one per writing process."""

    def __init__(self, store: Store, options: Options = DEFAULT_OPTIONS, pipeline: Pipeline | None = None,
                 encoder: Any = None, checkpoint_every: int = 500) -> None:
        self.store = store
        self.options = options
        self.pipeline = pipeline or default_pipeline(options)
        self._encoder = encoder
        self.checkpoint_every = checkpoint_every
        self._state: CrossDocState | None = None
        self._articles = StoredArticles(store)
        self._since_checkpoint = 0
        self._touched: set[str] = set()  # stories that gained members since the last finish

    @property
    def state(self) -> CrossDocState:
        """The cross-document state: the stored snapshot, plus a replay of the articles stored after it."""
        if self._state is None:
            encoder = self._encoder
            if encoder is None:
                from ..vectors import default_encoder

                encoder = default_encoder()
            with tempfile.TemporaryDirectory(prefix="marsad-state-") as tmp:
                seq = self.store.load_state_files(Path(tmp))
                state = CrossDocState.load(tmp, self.options, encoder) if seq else CrossDocState(self.options,
                                                                                                  encoder)
            state.articles = self._articles  # type: ignore[assignment]
            replayed = 0
            for article in self.store.articles_after(seq):
                self._articles.pending[article.id] = article
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
        article = self.pipeline(article)
        article.normalized = None  # the matching form is rebuilt when needed; not stored
        state = self.state
        if article.id in self._articles:  # a stored article took this id meanwhile (another batch)
            article.id = self.store.free_id(article.id)
        result = state.add(article) if self.options.cross_document else None
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
        self.store.add_article(article, result.passages if result else (), rows)
        self._articles.committed(article.id)
        report.added.append(article.id)
        self._since_checkpoint += 1
        if self._since_checkpoint >= self.checkpoint_every:
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
        if self._state is not None and self.options.cross_document:
            self.store.save_state(self._state, self.store.max_seq())
        self._since_checkpoint = 0

    def finish(self) -> None:
        """After a batch: snapshot the state and merge entities over the whole store (when anything changed)."""
        if self._since_checkpoint:
            self.checkpoint()
        if self.store.get_meta("entities_seq") != str(self.store.max_seq()):
            self.store.refresh_entities()
        if self.options.cross_document:  # after the entities: accounts cite speakers and entities
            read.refresh_accounts(self.store, self._touched)
        self._touched.clear()

    def ingest(self, inputs: Iterable[str | Path], on_file: Callable[[Path, list[Any]], None] | None = None,
               on_article: Callable[[Article, bool], None] | None = None) -> IngestReport:
        """Read every input and add its articles; bad inputs are reported and stored as errors, the batch goes
        on. Ends with ``finish``."""
        report = IngestReport()
        try:
            for item in read_inputs(inputs, self.options, on_file=on_file):
                if isinstance(item, ErrorRecord):
                    report.errors.append(item)
                    self.store.add_errors([item])
                    continue
                added = self.add(item, report)
                if on_article is not None:
                    on_article(item, added)
        finally:
            self.finish()
        return report
