"""Incremental story clustering: each unit (article or glued part) joins an existing story or starts one.

A story is one specific event, not a topic. Units arrive in publication order (ties by id, so the result does
not depend on file order). A unit is compared only with stories active within ``window_days`` of its date, on:
* reuse links: a copied passage shared with a member is strong evidence of the same event;
* the sentence vector of its title and lead (the mean direction of their sentences' vectors) against the
  story's centroid (topic and framing);
* its vocabulary against the story's, weighted by rarity: names, places and numbers tell two football matches
  or two ministries' statements of the same day apart, where vectors see one topic.
The state (stories, vocabulary counts) can be saved and reloaded, so the store can add one article at a time.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..options import StoryOptions
from ..resources.stopwords import STOPWORD_LIST
from ..sinks import FileSink, appended_parts, folder_sink
from ..units import Unit, match_form
from .normalize import normalize

_STOP = frozenset(match_form(normalize(w)) for w in STOPWORD_LIST) | frozenset(normalize(w) for w in STOPWORD_LIST)


@dataclass(slots=True)
class UnitProfile:
    id: str
    article: str
    start: int
    end: int
    published: str | None
    title: str
    leads: tuple[str, ...]  # the lead's sentences
    terms: dict[str, float]  # content word -> 1 + log(count); the title's words count twice
    vector: np.ndarray | None = None

    def texts(self) -> list[str]:
        """What its vector is made of: the title and the lead's sentences, each a text of its own."""
        return list(dict.fromkeys(t for t in (self.title, *self.leads) if t.strip()))


@dataclass(slots=True)
class Story:
    id: str
    members: list[str] = field(default_factory=list)  # unit ids in arrival order
    spans: list[tuple[str, int, int]] = field(default_factory=list)  # (article, start, end) of each member
    first: str | None = None  # ISO dates
    last: str | None = None
    vector_sum: np.ndarray = field(default_factory=lambda: np.zeros(512, np.float32))
    term_counts: Counter[str] = field(default_factory=Counter)  # how many members use each word
    term_weights: Counter[str] = field(default_factory=Counter)  # summed weights (repeats, title) of each word
    titles: list[tuple[str, str]] = field(default_factory=list)  # (unit id, title)
    core: list[str] | None = None  # identifying words, cached until the story changes

    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector_sum))
        return self.vector_sum / norm if norm else self.vector_sum


_NO_DAY = -(10**9)  # "no date" in the day arrays
_LOG_DF_KEPT = 300_000  # words whose log counts ``_idfs`` keeps at most (then it starts again)


def _parse(d: str | None) -> date | None:
    try:
        return date.fromisoformat(d) if d else None
    except ValueError:
        return None


_WORD = re.compile(r"[^\W_]+")


def _is_content(t: str) -> bool:
    return (t.isdigit() and len(t) >= 2) or (len(t) >= 3 and not t.isdigit() and t not in _STOP)


def profile_of(unit: Unit, text: str, options: StoryOptions, mentions: Iterable[Any] = ()) -> UnitProfile:
    """What clustering looks at: title, lead (first sentences) and the unit's distinctive vocabulary; named
    entities (``mentions`` of the article, when tagged) count as words of their own ("@name")."""
    sentences = [text[s.start:s.end] for s in unit.sentences]
    title = unit.title or (sentences[0] if sentences else "")
    lead_sents = [s for s in sentences if s.strip() != title.strip()][: options.lead_sentences]
    counts = Counter(t for t in unit.tokens if _is_content(t))
    title_terms = {match_form(t) for t in _WORD.findall(normalize(title))}
    terms = {t: (1.0 + math.log(c)) * (2.0 if t in title_terms else 1.0) for t, c in counts.items()}
    extent = unit.extent
    names = Counter("@" + " ".join(match_form(w) for w in _WORD.findall(normalize(text[m.start:m.end])))
                    for m in mentions if extent.start <= m.start and m.end <= extent.end)
    terms.update({name: 1.0 + math.log(c) for name, c in names.items() if len(name) > 3})
    return UnitProfile(unit.id, unit.article, extent.start, extent.end, unit.published, title, tuple(lead_sents),
                       terms)


def profile_vector(profile: UnitProfile, encoder: Any) -> np.ndarray:
    """A unit's vector: the mean direction of its title's and lead sentences' vectors (sentences the reuse and
    account steps encode anyway, so a unit costs no text of its own to encode)."""
    texts = profile.texts()
    if not texts:
        return np.zeros(512, np.float32)
    total = encoder.encode(texts).sum(axis=0)
    norm = float(np.linalg.norm(total))
    return (total / norm if norm else total).astype(np.float32)


class StoryClusterer:
    """Assigns units to stories one at a time; ``add`` returns the story id."""

    def __init__(self, options: StoryOptions | None = None, encoder: Any = None) -> None:
        self.options = options or StoryOptions()
        self._encoder = encoder
        self.stories: list[Story] = []
        self.story_of: dict[str, str] = {}  # unit id -> story id
        self.doc_freq: Counter[str] = Counter()
        self.n_units = 0
        self._log_df: dict[str, float] = {}  # word -> log(doc_freq + 1), dropped when its count changes
        self._idf_at = -1  # the ``n_units`` that ``_idf_base`` is for
        self._idf_base = 0.0
        self._observed: set[str] = set()
        self._position: dict[str, int] = {}  # story id -> index in self.stories
        self._centroids = np.zeros((0, 512), np.float32)
        self._first_day = np.zeros(0, np.int64)
        self._last_day = np.zeros(0, np.int64)

    @property
    def encoder(self) -> Any:
        if self._encoder is None:
            from ..vectors import default_encoder

            self._encoder = default_encoder()
        return self._encoder

    def _idfs(self, terms: Collection[str]) -> list[float]:
        """The rarity weight of each word, log((n_units + 1) / (doc_freq + 1)) + 1. A word's log count is
        remembered until its count changes: scoring ~30 candidate stories asks for the same few words hundreds
        of times, and each added unit changes ``n_units`` (one term for all words) but the counts of its own."""
        if self._idf_at != self.n_units:
            self._idf_at = self.n_units
            self._idf_base = math.log(self.n_units + 1) + 1.0
            if len(self._log_df) > _LOG_DF_KEPT:
                self._log_df.clear()
        memo, base = self._log_df, self._idf_base
        try:
            return [base - memo[t] for t in terms]
        except KeyError:  # words not asked for since their count changed
            df = self.doc_freq
            for t in terms:
                if t not in memo:
                    memo[t] = math.log(df.get(t, 0) + 1)
            return [base - memo[t] for t in terms]

    def _count(self, terms: Iterable[str]) -> None:
        """One more unit using each of ``terms``."""
        self.n_units += 1
        self.doc_freq.update(terms)
        pop = self._log_df.pop
        for t in terms:
            pop(t, None)

    def core(self, terms: Mapping[str, float], k: int) -> list[str]:
        """The ``k`` words that identify a text: frequent in it, rare elsewhere (names, places, numbers)."""
        # the k smallest of (-weight, word) pairs, the first k of them sorted (a story's vocabulary is thousands)
        scored = [(-terms[t] * idf, t) for t, idf in zip(terms, self._idfs(terms), strict=True)]
        return [t for _, t in heapq.nsmallest(k, scored)]

    def _lexical(self, terms: Mapping[str, float], story: Story, core_u: list[str] | None = None) -> float:
        """Agreement of identifying words, both ways: how much of the unit's core the story's members use, and
        how much of the story's core the unit uses. Two football matches of one day share the topic's words
        but not their clubs; a follow-up of an event shares its names and places."""
        n = len(story.members)
        if core_u is None:
            core_u = self.core(terms, self.options.core_terms)
        weights = self._idfs(core_u)
        if not weights:
            return 0.0
        to_story = sum(w * story.term_counts.get(t, 0) / n for t, w in zip(core_u, weights, strict=True))
        to_story /= sum(weights)
        if story.core is None:
            story.core = self.core(story.term_weights, self.options.core_terms)
        core_s = story.core
        weights_s = self._idfs(core_s)
        to_unit = sum(w for t, w in zip(core_s, weights_s, strict=True) if t in terms) / sum(weights_s)
        return 0.5 * (to_story + to_unit)

    def observe(self, profiles: Iterable[UnitProfile]) -> None:
        """Count the vocabulary of units about to be added (a batch), so rarity is judged on all of them and
        the result does not depend on arrival order. ``add`` then does not count them again."""
        for p in profiles:
            self._count(p.terms.keys())
            self._observed.add(p.id)

    def _in_window(self, story: Story, when: date | None) -> bool:
        if when is None:
            return True
        first, last = _parse(story.first), _parse(story.last)
        if first is None or last is None:
            return True
        w = timedelta(days=self.options.window_days)
        return first - w <= when <= last + w

    def score(self, profile: UnitProfile, story: Story, linked: Mapping[str, float],
              core_u: list[str] | None = None, centroid: np.ndarray | None = None) -> tuple[float, float, float]:
        """(combined, vector, lexical) similarity of a unit to a story (``centroid``: its row of the kept
        centroids, the same values as ``story.centroid()``)."""
        if profile.vector is None:
            vec = 0.0
        else:
            vec = float(profile.vector @ (story.centroid() if centroid is None else centroid))
        lex = self._lexical(profile.terms, story, core_u)
        combined = self.options.vector_weight * vec + (1 - self.options.vector_weight) * lex
        if any(share >= self.options.link_min_share and self.story_of.get(u) == story.id
               for u, share in linked.items()):
            combined += self.options.link_bonus
        return combined, vec, lex

    def _grow(self) -> None:
        n = len(self.stories)
        if n > len(self._centroids):
            cap = max(64, 2 * len(self._centroids))
            for name, fill in (("_centroids", 0.0), ("_first_day", _NO_DAY), ("_last_day", _NO_DAY)):
                old = getattr(self, name)
                new = np.full((cap, *old.shape[1:]), fill, old.dtype)
                new[: len(old)] = old
                setattr(self, name, new)

    def _refresh(self, i: int) -> None:
        """Keep the arrays used to search stories in step with story ``i``."""
        self._grow()
        story = self.stories[i]
        self._centroids[i] = story.centroid()
        first, last = _parse(story.first), _parse(story.last)
        self._first_day[i] = first.toordinal() if first else _NO_DAY
        self._last_day[i] = last.toordinal() if last else _NO_DAY
        story.core = None

    def candidates(self, vector: np.ndarray, when: date | None, k: int) -> list[int]:
        """The ``k`` stories in the time window whose centroids are closest to ``vector`` (one matrix product,
        so assignment stays fast with many stories)."""
        n = len(self.stories)
        if not n:
            return []
        in_window = np.ones(n, bool)
        if when is not None:
            day, w = when.toordinal(), self.options.window_days
            first, last = self._first_day[:n], self._last_day[:n]
            in_window = (first == _NO_DAY) | ((first - w <= day) & (day <= last + w))
        idx = np.flatnonzero(in_window)
        if len(idx) <= k:
            return idx.tolist()
        # stories are created in publication order, so the window is (nearly) one run of rows: a view, no copy
        lo, hi = int(idx[0]), int(idx[-1]) + 1
        sims = self._centroids[lo:hi] @ vector
        sims[~in_window[lo:hi]] = -np.inf
        return (lo + np.argpartition(-sims, k)[:k]).tolist()

    def add(self, profile: UnitProfile, linked: Mapping[str, float] | None = None) -> str:
        """Put a unit in its story. ``linked``: unit id -> share of words in passages copied between the two."""
        linked = linked or {}
        if profile.vector is None:
            profile.vector = profile_vector(profile, self.encoder)
        if profile.id in self._observed:
            self._observed.discard(profile.id)
        else:
            self._count(profile.terms.keys())
        when = _parse(profile.published)
        linked_stories = {self._position[self.story_of[u]] for u, share in linked.items()
                          if share >= self.options.link_min_share and u in self.story_of}
        best: int | None = None
        best_score = self.options.join_threshold
        core_u = self.core(profile.terms, self.options.core_terms)
        for i in sorted(set(self.candidates(profile.vector, when, self.options.candidates)) | linked_stories):
            story = self.stories[i]
            if not self._in_window(story, when):
                continue
            combined, _, lex = self.score(profile, story, linked, core_u, self._centroids[i])
            strong_link = i in linked_stories
            if (lex >= self.options.min_lexical or strong_link) and combined >= best_score:
                best, best_score = i, combined
        if best is None:
            self.stories.append(Story(id=f"S{len(self.stories) + 1}"))
            best = len(self.stories) - 1
            self._position[self.stories[best].id] = best
        self._join(self.stories[best], profile)
        self._refresh(best)
        return self.stories[best].id

    def _join(self, story: Story, profile: UnitProfile) -> None:
        story.members.append(profile.id)
        story.spans.append((profile.article, profile.start, profile.end))
        if profile.published:
            story.first = min(filter(None, [story.first, profile.published]))
            story.last = max(filter(None, [story.last, profile.published]))
        if profile.vector is not None:
            story.vector_sum = story.vector_sum + profile.vector
        story.term_counts.update(profile.terms.keys())
        story.term_weights.update(profile.terms)
        story.titles.append((profile.id, profile.title))
        self.story_of[profile.id] = story.id

    def label(self, story: Story) -> str:
        """The member title closest to the story's centroid (headline-length titles first)."""
        titles = [t for _, t in story.titles if t]
        # a headline reads better than a lead sentence used as a title where the input had none
        short = [t for t in titles if len(t.split()) <= 20]
        titles = short or titles
        if not titles:
            return ""
        if len(titles) == 1:
            return titles[0]
        vectors = self.encoder.encode(titles)
        return titles[int(np.argmax(vectors @ story.centroid()))]

    # -- persistence
    def save(self, path: str | Path, kept: Collection[str] = ()) -> list[str]:
        """Write the clusterer to ``path`` (JSON) and its stories beside it (see ``write``); returns the names
        of all the files."""
        path = Path(path)
        return self.write(folder_sink(path.parent), path.name, kept)

    def write(self, sink: FileSink, name: str = "stories.json",
              kept: Collection[str] = ()) -> list[str]:
        """Hand ``sink`` the clusterer's files: ``name`` (JSON) and its stories in parts of ``STORY_PART``
        stories (JSON, and the summed vectors in binary); returns the names of all the files.

        A story only changes by gaining members, so a part's name carries a digest of its stories' member
        counts: a part named in ``kept`` (written by an earlier save and stored elsewhere, e.g. in a database)
        is unchanged and is not written again. A run mostly adds to recent stories, and at 100k articles writing
        every story (~150 MB of JSON) was most of a snapshot's time."""
        base = Path(name).stem
        names, stems = [name], []
        for a in range(0, len(self.stories), STORY_PART):
            part = self.stories[a:a + STORY_PART]
            counts = np.array([len(story.members) for story in part], np.int64)
            stem = f"{base}.{a:08d}-{a + len(part):08d}.{hashlib.blake2b(counts.tobytes(), digest_size=8).hexdigest()}"
            stems.append(stem)
            json_name, vectors_name = f"{stem}.json", f"{stem}.vectors.npy"
            names += [json_name, vectors_name]
            if json_name in kept and vectors_name in kept:
                continue
            rows = [{"id": st.id, "members": st.members, "spans": st.spans, "first": st.first, "last": st.last,
                     "term_counts": st.term_counts, "term_weights": st.term_weights, "titles": st.titles}
                    for st in part]
            sink(json_name, orjson.dumps(rows, option=_NUMPY))  # (UTF-8 JSON, ~6x json's speed)
            sink(vectors_name, _npy(np.stack([st.vector_sum for st in part]).astype(np.float32, copy=False)))
        vocabulary = self._write_vocabulary(sink, base, kept)
        names += [*vocabulary, f"{base}.counts.npy"]
        data = {"options": asdict(self.options), "n_units": self.n_units, "parts": stems,
                "vocabulary": vocabulary}
        sink(name, orjson.dumps(data, option=_NUMPY))
        return names

    def _write_vocabulary(self, sink: FileSink, base: str, kept: Collection[str]) -> list[str]:
        """The words' document counts: the words in parts (JSON lists, in the order they came: new words only
        ever go at the end, so the parts an earlier save wrote, named in ``kept``, are written again only past
        ``MAX_WORD_PARTS``), and all the counts, which change, in one array. Returns the parts' names. At 100k
        articles the vocabulary (a million words) as one JSON object was 17 MB in every snapshot."""
        words = list(self.doc_freq)

        def part_name(first: int, end: int) -> str:
            return f"{base}.words.{first:09d}-{end:09d}.json"

        pattern = re.compile(re.escape(base) + r"\.words\.(\d+)-(\d+)\.json")
        parts = appended_parts(((int(m[1]), int(m[2])) for n in kept if (m := pattern.fullmatch(n))), len(words),
                               MAX_WORD_PARTS, lambda first, end: sink(part_name(first, end),
                                                                       orjson.dumps(words[first:end])))
        counts = np.fromiter(self.doc_freq.values(), np.int64, len(words))
        sink(f"{base}.counts.npy", _npy(counts.astype(np.uint32) if self.n_units < 2**32 else counts))
        return [part_name(a, b) for a, b in parts]

    @classmethod
    def load(cls, path: str | Path, encoder: Any = None) -> StoryClusterer:
        path = Path(path)
        data = orjson.loads(path.read_bytes())
        clusterer = cls(StoryOptions(**data["options"]), encoder)
        clusterer.n_units = data["n_units"]
        if "vocabulary" in data:
            words = [w for part in data["vocabulary"] for w in orjson.loads((path.parent / part).read_bytes())]
            counts = np.load(path.parent / f"{path.stem}.counts.npy", allow_pickle=False).tolist()
            clusterer.doc_freq = Counter(dict(zip(words, counts, strict=True)))
        else:  # a snapshot from before the vocabulary was saved in parts
            clusterer.doc_freq = Counter(data["doc_freq"])
        if "parts" in data:
            for stem in data["parts"]:
                rows = orjson.loads((path.parent / f"{stem}.json").read_bytes())
                vectors = np.load(path.parent / f"{stem}.vectors.npy", allow_pickle=False)
                for row, vector_sum in zip(rows, vectors, strict=True):
                    clusterer._load_story(row, vector_sum.copy())
            return clusterer
        # older snapshots: every story in this file, the vectors beside it (or, older still, in the JSON)
        vectors_file = path.with_name(path.stem + ".vectors.npy")
        vectors = np.load(vectors_file, allow_pickle=False) if vectors_file.exists() else None
        for i, row in enumerate(data["stories"]):
            clusterer._load_story(row, vectors[i].copy() if vectors is not None
                                  else np.asarray(row["vector_sum"], np.float32))
        return clusterer

    def _load_story(self, row: dict[str, Any], vector_sum: np.ndarray) -> None:
        story = Story(row["id"], list(row["members"]), [tuple(x) for x in row["spans"]], row["first"], row["last"],
                      vector_sum, Counter(row["term_counts"]), Counter(row["term_weights"]),
                      [tuple(x) for x in row["titles"]])
        self.stories.append(story)
        self._position[story.id] = len(self.stories) - 1
        self._refresh(len(self.stories) - 1)
        for m in story.members:
            self.story_of[m] = story.id


# numpy numbers written as numbers (the standard library took a numpy float64 as a float; orjson needs telling)
_NUMPY = orjson.OPT_SERIALIZE_NUMPY
# stories per saved part (see ``StoryClusterer.write``): ~70 parts of ~2.6 MB at 100k articles. A snapshot rewrites
# the parts of the stories that grew since the last one, mostly the newest few hundred: with parts of 2,000 the
# part holding them was rewritten whole at every snapshot (10 MB)
STORY_PART = 500
MAX_WORD_PARTS = 16  # saved vocabulary parts; past it the words are written again as one part


def _npy(array: np.ndarray) -> bytes:
    """``array`` as the bytes of a ``.npy`` file (``np.load`` reads it back)."""
    out = io.BytesIO()
    np.save(out, array, allow_pickle=False)
    return out.getvalue()


def arrival_order(profiles: Iterable[UnitProfile]) -> list[UnitProfile]:
    """Publication order, ties (and undated units, last) by id: the same result whatever the file order."""
    return sorted(profiles, key=lambda p: (p.published or "9999-99-99", p.id))
