"""The library entry point: inputs -> a ``Dossier`` (SPEC). The CLI and, later, the server are thin layers on it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import SPEC_VERSION, __version__
from .doc import Article
from .errors import ErrorRecord
from .ingest import read_inputs
from .options import DEFAULT_OPTIONS, Options
from .pipeline import Pipeline, default_pipeline


@dataclass(slots=True)
class Dossier:
    """Everything marsad knows about a batch of inputs. Layers not built yet stay empty lists (SPEC)."""

    articles: list[Article] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    attributions: list[dict[str, Any]] = field(default_factory=list)
    times: list[dict[str, Any]] = field(default_factory=list)
    reuse: list[dict[str, Any]] = field(default_factory=list)
    stories: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "marsad_version": __version__,
            "spec_version": SPEC_VERSION,
            "articles": [a.to_dict() for a in self.articles],
            "entities": self.entities,
            "quotes": self.quotes,
            "attributions": self.attributions,
            "times": self.times,
            "reuse": self.reuse,
            "stories": self.stories,
            "errors": [e.to_dict() for e in self.errors],
        }


Progress = Callable[[Path, list[Article | ErrorRecord]], None]


def analyze(
    inputs: Iterable[str | Path],
    options: Options = DEFAULT_OPTIONS,
    pipeline: Pipeline | None = None,
    on_file: Progress | None = None,
) -> Dossier:
    """Read every input (files or folders), run the per-article pipeline, and collect the dossier.

    One bad input never stops the batch: it becomes an entry of ``errors``. Article ids are unique in the result.
    ``on_file`` is called after each file with what it gave (progress bars, logging).
    """
    pipeline = pipeline or default_pipeline(options)
    dossier = Dossier()
    for item in read_inputs(inputs, options, on_file=on_file):
        if isinstance(item, ErrorRecord):
            dossier.errors.append(item)
        else:
            article = pipeline(item)
            article.normalized = None  # matching form: used inside the pipeline, too large to keep per article
            dossier.articles.append(article)
            dossier.times.extend(t.to_dict(article.id) for t in article.times)
    if options.cross_document and dossier.articles:
        from .crossdoc import link_and_cluster

        result = link_and_cluster(dossier.articles, options)
        dossier.reuse = [p.to_dict() for p in result.reuse]
        dossier.stories = result.stories
    if dossier.articles and "mentions" in pipeline.provides:
        from .stages.entities import merge_entities

        # one entity per referent across the batch; short names resolve within their story
        dossier.entities = merge_entities(dossier.articles, dossier.stories)
    if dossier.articles and "quotes" in pipeline.provides:
        from .stages.quotes import link_speakers

        dossier.quotes = link_speakers(dossier.articles, dossier.entities)
    if dossier.articles and "attributions" in pipeline.provides:
        from .stages.attribution import link_sources

        dossier.attributions = link_sources(dossier.articles, dossier.entities)
    if dossier.stories:
        from .account import build_accounts

        # facts, summary and timeline of each story (they read the SPEC shape, as a store's sub-dossier would)
        build_accounts({**dossier.to_dict(), "stories": dossier.stories})
    return dossier
