"""Cross-document analysis of a batch: reuse passages between units, then stories, then paraphrases inside
stories. Used by ``marsad.analyze``; the store (a later issue) drives the same indexes one article at a time."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .doc import Article
from .options import DEFAULT_OPTIONS, Options
from .sinks import FileSink, folder_sink
from .stages.reuse import ReuseIndex, ReusePassage, UnitRecord, find_paraphrases, record_of
from .stages.stories import StoryClusterer, UnitProfile, arrival_order, profile_of
from .units import Unit, units_of


@dataclass(slots=True)
class CrossDocResult:
    units: list[Unit]
    reuse: list[ReusePassage]
    clusterer: StoryClusterer
    stories: list[dict[str, Any]] = field(default_factory=list)


def link_and_cluster(articles: Sequence[Article], options: Options = DEFAULT_OPTIONS,
                     encoder: Any = None) -> CrossDocResult:
    """Reuse passages among the articles' units, their stories, and paraphrases inside each story."""
    if encoder is None:
        from .vectors import default_encoder

        encoder = default_encoder()
    texts = {a.id: a.text for a in articles}
    units = [u for a in articles for u in units_of(a)]
    by_id = {u.id: u for u in units}

    def sentence_similarity(sa: Any, ra: Any, sb: Any, rb: Any) -> float:
        return encoder.similarity(texts[ra.article][sa.start:sa.end], texts[rb.article][sb.start:sb.end])

    index = ReuseIndex(options.reuse)
    passages = index.add_many(units, sentence_similarity)

    # share of the shorter unit's words that two units have in common passages, both ways: a wire story
    # copied whole links its copies; one borrowed sentence in an article about something else does not
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for p in passages:
        shared[p.a, p.b] += p.words
    links: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), words in shared.items():
        share = min(1.0, words / max(1, min(len(by_id[a].tokens), len(by_id[b].tokens))))
        links[a][b] = links[b][a] = share

    clusterer = StoryClusterer(options.stories, encoder)
    mentions = {a.id: a.mentions for a in articles}
    profiles = [profile_of(u, texts[u.article], clusterer.options, mentions[u.article]) for u in units]
    clusterer.observe(profiles)
    for profile in arrival_order(profiles):
        clusterer.add(profile, links.get(profile.id, {}))

    members: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        members[clusterer.story_of[u.id]].append(u)
    for story_units in members.values():
        if len({u.article for u in story_units}) > 1:
            passages.extend(find_paraphrases(story_units, texts, encoder, passages, index.options))

    passages.sort(key=lambda p: (p.a_article, p.a_span.start, p.b_article, p.b_span.start))
    result = CrossDocResult(units, passages, clusterer)
    for story in clusterer.stories:
        result.stories.append({
            "id": story.id,
            "label": clusterer.label(story),
            "members": [{"article": a, "start": s, "end": e, "unit": m}
                        for m, (a, s, e) in zip(story.members, story.spans, strict=True)],
            "start_date": story.first,
            "end_date": story.last,
            "outlets": sorted({by_id[m].outlet or "" for m in story.members} - {""}),
            "summary": [],
            "timeline": [],
            "facts": [],
        })
    return result


class _TextsOf(Mapping[str, str]):
    """article id -> text, read from the kept articles (no copy of every text per added article)."""

    def __init__(self, articles: dict[str, Article]) -> None:
        self._articles = articles

    def __getitem__(self, key: str) -> str:
        return self._articles[key].text

    def __iter__(self) -> Iterator[str]:
        return iter(self._articles)

    def __len__(self) -> int:
        return len(self._articles)


class PreparedUnit(NamedTuple):
    """What linking needs of one unit that the article alone decides: the unit, its reuse-index record (None:
    made when indexed) and its story profile."""

    unit: Unit
    record: UnitRecord | None
    profile: UnitProfile


def prepare_units(article: Article, options: Options = DEFAULT_OPTIONS, records: bool = True) -> list[PreparedUnit]:
    """The units of an analysed article with their records and profiles (``CrossDocState.add`` makes them when
    not given; an ingest worker makes them beside the analysis)."""
    return [PreparedUnit(u, record_of(u, options.reuse) if records else None,
                         profile_of(u, article.text, options.stories, article.mentions)) for u in units_of(article)]


@dataclass(slots=True)
class AddResult:
    passages: list[ReusePassage]
    stories: dict[str, str]  # unit id -> story id


class CrossDocState:
    """The reuse index and story state for articles arriving one at a time (the store, `marsad watch`).

    ``add`` finds the new article's reuse passages with everything indexed before, puts each of its units in a
    story, and looks for paraphrases between it and its story's members. ``save``/``load`` keep the state in a
    folder, so a later run extends the stories instead of rebuilding them.
    """

    def __init__(self, options: Options = DEFAULT_OPTIONS, encoder: Any = None) -> None:
        if encoder is None:
            from .vectors import default_encoder

            encoder = default_encoder()
        self.options = options
        self.encoder = encoder
        self.index = ReuseIndex(options.reuse)
        self.clusterer = StoryClusterer(options.stories, encoder)
        self.articles: dict[str, Article] = {}  # kept for paraphrase search with later arrivals
        self._units: OrderedDict[str, list[Unit]] = OrderedDict()  # article id -> its units (recent ones)

    def add(self, article: Article, prepared: Sequence[PreparedUnit] | None = None) -> AddResult:
        """``prepared``: ``prepare_units(article, options)``, when it was computed elsewhere (a worker process)."""
        self.articles[article.id] = article
        texts = _TextsOf(self.articles)
        encoder = self.encoder
        if prepared is None:
            prepared = prepare_units(article, self.options, records=False)
        self._units[article.id] = [p.unit for p in prepared]
        while len(self._units) > 2_000:
            self._units.popitem(last=False)

        def sentence_similarity(sa: Any, ra: Any, sb: Any, rb: Any) -> float:
            return encoder.similarity(texts[ra.article][sa.start:sa.end], texts[rb.article][sb.start:sb.end])

        passages: list[ReusePassage] = []
        assigned: dict[str, str] = {}
        for unit, record, profile in prepared:
            found = self.index.add(record if record is not None else unit, sentence_similarity)
            passages.extend(found)
            shared: dict[str, int] = defaultdict(int)
            for p in found:
                shared[p.b] += p.words
            n_unit = max(1, len(unit.tokens))
            links = {b: min(1.0, w / min(n_unit, max(1, len(self.index.records[self.index.by_id[b]].hashes))))
                     for b, w in shared.items()}
            story_id = self.clusterer.add(profile, links)
            assigned[unit.id] = story_id
            members = [m for m in self.clusterer.stories[self.clusterer._position[story_id]].members
                       if m != unit.id]
            owners = {m: self.index.records[self.index.by_id[m]].article for m in members if m in self.index.by_id}
            mates = [u for m, owner in owners.items() if owner in self.articles
                     for u in self._units_of(owner) if u.id == m]
            if mates:
                passages.extend(find_paraphrases([unit, *mates], texts, encoder, found, self.index.options,
                                                 focus=unit.id))
        return AddResult(passages, assigned)

    def _units_of(self, article_id: str) -> list[Unit]:
        """The units of a kept article (remembered for the last 2 000 added: story mates are mostly recent)."""
        units = self._units.get(article_id)
        if units is None:
            return units_of(self.articles[article_id])
        self._units.move_to_end(article_id)
        return units

    def save(self, folder: str | Path, kept: Collection[str] = ()) -> list[str]:
        """Write the state's files to ``folder`` (see ``write``); ``load`` reads them back."""
        return self.write(folder_sink(folder), kept)

    def write(self, sink: FileSink, kept: Collection[str] = ()) -> list[str]:
        """Hand ``sink`` the state's files; returns the names of all the files that make it up (those of
        ``kept``, written by an earlier save and stored elsewhere, are not written again: see ``ReuseIndex.write``)."""
        return [*self.index.write(sink, kept), *self.clusterer.write(sink, "stories.json", kept)]

    @classmethod
    def load(cls, folder: str | Path, options: Options = DEFAULT_OPTIONS, encoder: Any = None) -> CrossDocState:
        state = cls(options, encoder)
        folder = Path(folder)
        state.index = ReuseIndex.load(folder)
        state.clusterer = StoryClusterer.load(folder / "stories.json", state.encoder)
        return state
