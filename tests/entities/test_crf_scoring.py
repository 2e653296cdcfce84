"""The tagger's own CRF scoring (weights read from the crfsuite file, Viterbi in numpy) gives exactly the tags
crfsuite gives on the same feature strings, for both passes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from marsad.evaluate.ner import read_conll
from marsad.stages import entities as E

pycrfsuite = pytest.importorskip("pycrfsuite")  # a training dependency: the reference implementation

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("MARSAD_SHARED", REPO.parent / "shared"))
TRAIN = SHARED / "data" / "ner" / "anercorp" / "train.conll"

SAMPLE = [
    "وقال الرئيس الروسي فلاديمير بوتين لموسكو إن وزير الخارجية سيرغي لافروف سيزور باريس .".split(),
    "أعلنت شركة مايكروسوفت و جامعة القاهرة عن اتفاق في دبي مع وكالة رويترز .".split(),
    "كيم".split(),
    "IBM و CNN في نيويورك 2024 .".split(),
]


@pytest.fixture(scope="module")
def sentences() -> list[list[str]]:
    out = list(SAMPLE)
    if TRAIN.is_file():  # the dev part of train (last 10 %), as running text
        sents = read_conll(TRAIN)
        out += [toks for toks, _ in sents[-300:]]
    return out


def reference(sentences: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """First-pass and second-pass tags computed by crfsuite from the feature strings."""
    tagger = E.Tagger()
    first = pycrfsuite.Tagger()
    first.open(str(E.MODEL_DIR / "crf.model"))
    feats = [tagger.featurize(s) for s in sentences]
    tags1 = [list(first.tag(f)) for f in feats]
    second_path = E.MODEL_DIR / "crf2.model"
    if not second_path.is_file():
        return tags1, tags1
    second = pycrfsuite.Tagger()
    second.open(str(second_path))
    extra = E.document_features(sentences, tags1)
    tags2 = [list(second.tag([a + b for a, b in zip(f, E.extra_context(ex), strict=True)]))
             for f, ex in zip(feats, extra, strict=True)]
    return tags1, tags2


def test_same_tags_as_crfsuite(sentences: list[list[str]]) -> None:
    ref1, ref2 = reference(sentences)
    tagger = E.Tagger()
    assert tagger.tag_many(sentences) == ref1
    assert [tagger.tag(s) for s in sentences] == ref1
    assert tagger.tag_document(sentences, propagate=False) == ref2
    assert tagger.tag_document([[]]) == [[]]
    mixed = tagger.tag_document([SAMPLE[0], [], SAMPLE[2]])
    assert [len(t) for t in mixed] == [len(SAMPLE[0]), 0, 1]



def test_remembered_tags_are_the_tags(sentences: list[list[str]]) -> None:
    """A sentence tagged before (a wire copy) gets its remembered tags only when its inputs are the same: documents
    sharing sentences in another context (each sentence also alone, where the second pass sees no document),
    tagged by one tagger, get what a tagger with nothing remembered gives."""
    first = sentences[:40]
    docs = [first, sentences[20:60] + sentences[:5], *([s] for s in first)]
    reference = E.Tagger()
    expected = []
    for doc in docs:
        reference.forget_tags()
        expected.append(reference.tag_document(doc, propagate=False))
    assert expected[0] == E.Tagger().tag_document(first, propagate=False)
    tagger = E.Tagger()
    assert [tagger.tag_document(doc, propagate=False) for doc in docs] == expected
    assert tagger.tag_document(first, propagate=False) == expected[0]  # every sentence remembered
    small = E.Tagger()
    small.MAX_TAGGED = 7  # remembering starts over when full
    assert [small.tag_document(doc, propagate=False) for doc in docs] == expected
    assert len(small._tagged[0]) < len(tagger._tagged[0])

def naive_document_features(sentences: list[list[str]], tags: list[list[str]], window: int) -> list[list[list[str]]]:
    """``document_features`` written the obvious way (recounting the window for every sentence)."""
    keys = [[E._doc_keys(t) for t in toks] for toks in sentences]
    labels = [[t[2:] if t != "O" else "O" for t in tt] for tt in tags]
    out = []
    for i in range(len(sentences)):
        counts: dict[str, dict[str, int]] = {}
        for j in range(max(0, i - window), min(len(sentences), i + window + 1)):
            for ks, label in zip(keys[j], labels[j], strict=True):
                for key in ks:
                    counts.setdefault(key, {})[label] = counts.setdefault(key, {}).get(label, 0) + 1
        feats = []
        for ks, label, tag in zip(keys[i], labels[i], tags[i], strict=True):
            f = [f"p1={tag}"]
            seen = [(c - (lab == label), lab != "O", lab) for lab, c in counts.get(ks[0], {}).items()]
            seen = [x for x in seen if x[0] > 0]
            if seen:
                f.append(f"dm={max(seen)[2]}")
                f += [f"dh={lab}" for _, ent, lab in sorted(seen, key=lambda x: x[2]) if ent]
            feats.append(f)
        out.append(feats)
    return out


def test_document_features_match_the_naive_count(sentences: list[list[str]]) -> None:
    import random

    rng = random.Random(0)
    tags = E.Tagger().tag_many(sentences)
    noisy = [[t if rng.random() < 0.7 else rng.choice(["O", "B-PERS", "I-ORG", "B-LOC", "B-MISC"]) for t in tt]
             for tt in tags]
    for window in (0, 2, 10):
        assert E.document_features(sentences, noisy, window) == naive_document_features(sentences, noisy, window)


def test_the_word_cache_starts_over_without_changing_tags(sentences: list[list[str]]) -> None:
    fresh = E.Tagger().tag_document(sentences)
    small = E.Tagger()
    small.MAX_WORDS = 50  # the caches are dropped and rebuilt many times over
    ref = E.Tagger()
    assert [small.tag_document([s])[0] for s in sentences] == [ref.tag_document([s])[0] for s in sentences]
    assert small.tag_document(sentences) == fresh
