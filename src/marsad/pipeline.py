"""A pipeline of stages; each declares the layers it requires and provides, checked at construction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, Protocol, runtime_checkable

from .doc import Article
from .errors import PipelineError
from .options import DEFAULT_OPTIONS, Options

# Layers every article has after ingest.
INGEST_LAYERS = frozenset({"text", "meta"})


@runtime_checkable
class Stage(Protocol):
    name: ClassVar[str]
    requires: ClassVar[frozenset[str]]
    provides: ClassVar[frozenset[str]]

    def __call__(self, article: Article, options: Options) -> Article: ...


class Pipeline:
    """Runs stages in order over articles. Raises ``PipelineError`` (E010) if a stage lacks an input layer."""

    def __init__(self, stages: Sequence[Stage], options: Options = DEFAULT_OPTIONS) -> None:
        self.stages = list(stages)
        self.options = options
        have = set(INGEST_LAYERS)
        for stage in self.stages:
            missing = set(stage.requires) - have
            if missing:
                raise PipelineError(
                    f"stage '{stage.name}' requires {sorted(missing)}, which no earlier stage provides "
                    f"(earlier stages provide {sorted(have)})"
                )
            have |= set(stage.provides)
        self.provides = frozenset(have)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def __call__(self, article: Article) -> Article:
        for stage in self.stages:
            article = stage(article, self.options)
            article.layers |= set(stage.provides)
        return article

    def pipe(self, articles: Iterable[Article]) -> Iterable[Article]:
        for article in articles:
            yield self(article)


def default_pipeline(options: Options = DEFAULT_OPTIONS) -> Pipeline:
    """The stages `marsad analyze` runs per article, in order."""
    from .stages.attribution import FindAttributions
    from .stages.clean import Clean
    from .stages.entities import TagEntities
    from .stages.language import DetectLanguage
    from .stages.pubdate import PublicationDate
    from .stages.quotes import FindQuotes
    from .stages.segment import Segment
    from .stages.time import ResolveTimes

    return Pipeline([Clean(), Segment(), DetectLanguage(), PublicationDate(), ResolveTimes(), TagEntities(),
                     FindQuotes(), FindAttributions()], options)
