"""One options object for every entry point (library, CLI, later the server), instead of long argument lists."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class ReuseOptions:
    """Text reuse detection (``marsad.stages.reuse``)."""

    n: int = 5  # n-gram length in words
    max_df: int = 100  # n-grams in more units than this are formulas, not evidence
    min_shared: int = 2  # shared n-grams for a candidate pair
    max_gap: int = 12  # words between two seeds of one passage
    max_drift: int = 12  # how far the two sides may shift against each other inside a passage
    min_tokens: int = 8  # shortest reported passage, in words
    copy_coverage: float = 0.6  # share of its sentences a copied passage covers on at least one side
    long_copy: int = 20  # a common run this long is a copy whatever the sentences around it
    near_copy_similarity: float = 0.7  # word similarity of an edited copy
    paraphrase_cosine: float = 0.75  # sentence-vector cosine for another translation of a shared phrase
    story_paraphrase_cosine: float = 0.6  # ... for a re-worded sentence of the same story (no common phrase)
    story_paraphrase_terms: int = 3  # content words such a pair must share (names and numbers survive rewording)


@dataclass(frozen=True, slots=True)
class StoryOptions:
    """Story clustering (``marsad.stages.stories``)."""

    window_days: int = 3  # a unit may join a story active this many days before or after its date
    join_threshold: float = 0.35  # combined similarity needed to join without a reuse link
    min_lexical: float = 0.25  # rare-vocabulary overlap needed in any case: same topic is not same event
    vector_weight: float = 0.5
    link_bonus: float = 0.35  # added when a member shares copied passages with the unit ...
    link_min_share: float = 0.2  # ... covering at least this share of the shorter text
    lead_sentences: int = 2
    core_terms: int = 8  # identifying words compared per unit and per story
    candidates: int = 30  # stories compared in full: the closest by vector in the window (plus linked ones)


@dataclass(frozen=True, slots=True)
class Options:
    # ingest
    max_bytes: int = 20_000_000  # larger inputs are refused with E006
    min_text_chars: int = 20  # shorter decoded text is an empty document (E003)
    recursive: bool = True
    detect_language: bool = True
    # html extraction: when trafilatura keeps less than this share of our own extraction, use ours
    html_min_ratio: float = 0.5
    # cleaning
    clean: bool = True
    glued_min_paragraphs: int = 3  # prose paragraphs needed after a related block to call it a glued article
    # cross-document analysis: reuse passages and stories (loads the sentence encoder)
    cross_document: bool = True
    reuse: ReuseOptions = field(default_factory=ReuseOptions)
    stories: StoryOptions = field(default_factory=StoryOptions)
    # store ingest: processes analysing articles (the per-article stages and sentence vectors) while the main
    # process links and writes them in input order; 0 = one per core, 1 = all in the main process
    workers: int = 0

    def with_(self, **changes: object) -> Options:
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT_OPTIONS = Options()
