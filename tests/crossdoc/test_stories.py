"""Story clustering: the seeds' expected stories, near-miss events in tests/fixtures/stories, order independence,
and incremental extension from a saved state."""

from __future__ import annotations

import itertools
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from marsad.analyze import analyze
from marsad.crossdoc import CrossDocState, link_and_cluster
from marsad.options import Options

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stories"
# pairwise F1 of the clustering on the near-miss fixtures; kept in the evaluation baseline
BASELINE = json.loads((Path(__file__).resolve().parents[1] / "baseline.json").read_text("utf-8"))


def members(d: dict[str, Any]) -> list[set[str]]:
    return [{m["unit"] for m in s["members"]} for s in d["stories"]]


def test_seeds_form_the_expected_stories(seed_dossier: dict[str, Any], validate_dossier: Any) -> None:
    assert sorted(map(sorted, members(seed_dossier))) == [["000", "001", "002", "003"], ["001#2"], ["004"]]
    by_members = {frozenset(m["unit"] for m in s["members"]): s for s in seed_dossier["stories"]}
    summit = by_members[frozenset({"000", "001", "002", "003"})]
    assert (summit["start_date"], summit["end_date"]) == ("2023-09-13", "2023-09-13")
    assert by_members[frozenset({"001#2"})]["start_date"] == "2024-11-22"
    assert summit["label"], "every story has a label"
    oreshnik = by_members[frozenset({"001#2"})]["members"][0]
    assert oreshnik["article"] == "001" and oreshnik["start"] > 9000, "a glued part is a member span of its own"
    assert validate_dossier(seed_dossier) == []


def pairwise_f1(predicted: list[set[str]], gold: dict[str, list[str]]) -> tuple[float, float, float]:
    g = {a: s for s, ids in gold.items() for a in ids}
    p = {a: k for k, m in enumerate(predicted) for a in m}
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(p), 2):
        same_g, same_p = g[a] == g[b], p[a] == p[b]
        tp += same_g and same_p
        fp += same_p and not same_g
        fn += same_g and not same_p
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


@pytest.fixture(scope="module")
def fixture_articles() -> list[Any]:
    return analyze([FIXTURES], Options(cross_document=False)).articles


def test_near_miss_events_are_separate_stories(fixture_articles: list[Any]) -> None:
    gold = json.loads((FIXTURES / "gold.json").read_text("utf-8"))["stories"]
    result = link_and_cluster(fixture_articles)
    stories = [{m["unit"] for m in s["members"]} for s in result.stories]
    precision, recall, f1 = pairwise_f1(stories, gold)
    assert f1 >= BASELINE["stories_fixtures_pairwise_f1"], (precision, recall, f1)
    # the two fires of the week (different cities) and the two ministries' statements never share a story
    for story in stories:
        kinds = {a.split("-")[1] + a.split("-")[2] for a in story}
        assert not ({"factoryfire", "warehousefire"} <= kinds)
        assert not ({"measlescampaign", "examschedule"} <= kinds)


def test_result_does_not_depend_on_file_order(fixture_articles: list[Any]) -> None:
    first = link_and_cluster(fixture_articles)
    shuffled = list(fixture_articles)
    random.Random(7).shuffle(shuffled)
    second = link_and_cluster(shuffled)
    as_sets = lambda r: sorted(sorted(m["unit"] for m in s["members"]) for s in r.stories)  # noqa: E731
    assert as_sets(first) == as_sets(second)


def test_incremental_state_extends_saved_stories(seeds_dir: Path, tmp_path: Path) -> None:
    articles = {a.id: a for a in analyze([seeds_dir], Options(cross_document=False)).articles}
    state = CrossDocState()
    for aid in ("000", "001", "004"):
        state.add(articles[aid])
    state.save(tmp_path / "state")
    reloaded = CrossDocState.load(tmp_path / "state")
    reloaded.articles.update({k: articles[k] for k in ("000", "001", "004")})
    summit = reloaded.clusterer.story_of["000"]
    assert reloaded.clusterer.story_of["001"] == summit
    result = reloaded.add(articles["002"])
    assert result.stories == {"002": summit}, "a new article joins its story after a reload"
    kinds = {(p.b, p.kind) for p in result.passages}
    assert ("001", "near_copy") in kinds
    assert len(reloaded.clusterer.stories) == 3, "the stories are extended, not rebuilt"
    shutil.rmtree(tmp_path / "state")


def test_saved_story_vectors_reload_exactly_also_from_the_older_json_form(tmp_path: Path) -> None:
    import numpy as np

    from marsad.stages.stories import StoryClusterer, UnitProfile

    rng = np.random.default_rng(3)
    clusterer = StoryClusterer()
    for i in range(3):
        vector = rng.standard_normal(512).astype(np.float32)
        clusterer.add(UnitProfile(f"u{i}", f"a{i}", 0, 10, "2025-01-0" + str(i + 1), f"t{i}", (), {f"w{i}": 1.0},
                                  vector / np.linalg.norm(vector)))
    clusterer.save(tmp_path / "stories.json")
    assert "vector_sum" not in (tmp_path / "stories.json").read_text("utf-8"), "vectors go to the binary file"
    reloaded = StoryClusterer.load(tmp_path / "stories.json")
    for a, b in zip(clusterer.stories, reloaded.stories, strict=True):
        assert a.members == b.members and np.array_equal(a.vector_sum, b.vector_sum)
    # a snapshot stored before the vectors had their own file: the stories and their vectors are in the JSON
    data = json.loads((tmp_path / "stories.json").read_text("utf-8"))
    data["stories"] = [{"id": st.id, "members": st.members, "spans": st.spans, "first": st.first, "last": st.last,
                        "term_counts": st.term_counts, "term_weights": st.term_weights, "titles": st.titles,
                        "vector_sum": st.vector_sum.tolist()} for st in clusterer.stories]
    del data["parts"], data["vocabulary"]
    data["doc_freq"] = dict(clusterer.doc_freq)  # (as was the vocabulary)
    old = tmp_path / "old"
    old.mkdir()
    (old / "stories.json").write_text(json.dumps(data), "utf-8")
    from_old = StoryClusterer.load(old / "stories.json")
    assert all(np.array_equal(a.vector_sum, b.vector_sum) for a, b in zip(clusterer.stories, from_old.stories,
                                                                          strict=True))


def test_saved_stories_keep_arabic_words_and_numpy_weights(tmp_path: Path) -> None:
    """The state's JSON round trip: Arabic words as they are, and a weight that arrived as a numpy number (the
    standard library's encoder took a float64 as a float; the faster one needs telling)."""
    import numpy as np

    from marsad.stages.stories import StoryClusterer, UnitProfile

    clusterer = StoryClusterer()
    vector = np.ones(512, np.float32) / np.sqrt(512)
    clusterer.add(UnitProfile("u0", "a0", 0, 10, "2025-01-01", "زلزال في الشمال", (),
                              {"زلزال": np.float64(1.5), "الشمال": 1.0}, vector))
    clusterer.save(tmp_path / "stories.json")
    reloaded = StoryClusterer.load(tmp_path / "stories.json")
    story = reloaded.stories[0]
    assert story.term_weights == {"زلزال": 1.5, "الشمال": 1.0}
    assert story.titles == [("u0", "زلزال في الشمال")]
    assert reloaded.doc_freq == clusterer.doc_freq


def test_stories_saved_in_parts_rewrite_only_the_parts_whose_stories_changed(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    import marsad.stages.stories as stories_module
    from marsad.stages.stories import StoryClusterer, UnitProfile

    monkeypatch.setattr(stories_module, "STORY_PART", 2)
    rng = np.random.default_rng(5)

    def profile(i: int, word: str) -> UnitProfile:
        vector = rng.standard_normal(512).astype(np.float32)
        return UnitProfile(f"u{i}", f"a{i}", 0, 10, "2025-01-01", word, (), {word: 1.0},
                           vector / np.linalg.norm(vector))

    clusterer = StoryClusterer()
    for i, word in enumerate(["برق", "رعد", "مطر", "ثلج", "ريح"]):  # five stories: parts of 2, 2 and 1
        clusterer.add(profile(i, word))
    assert len(clusterer.stories) == 5
    first = tmp_path / "first"
    first.mkdir()
    names = clusterer.save(first / "stories.json")
    assert len(names) == 1 + 3 * 2 + 2  # the clusterer, three parts, the vocabulary's words and counts
    clusterer.add(profile(9, "ريح"))  # joins the last story: only the last part changes (and the counts)
    assert len(clusterer.stories[4].members) == 2
    second = tmp_path / "second"
    second.mkdir()
    again = clusterer.save(second / "stories.json", kept=names)
    written = sorted(f.name for f in second.iterdir())
    rewritten = {"stories.json", "stories.counts.npy"}
    assert [n for n in again if n not in names] == [n for n in written if n not in rewritten]
    assert len(written) == 4 and all(".00000004-00000005." in n for n in written if n not in rewritten)
    for name in names:  # the store keeps the files of the earlier save that are still named
        if name in again and not (second / name).exists():
            (second / name).write_bytes((first / name).read_bytes())
    reloaded = StoryClusterer.load(second / "stories.json")
    assert [st.members for st in reloaded.stories] == [st.members for st in clusterer.stories]
    assert all(np.array_equal(a.vector_sum, b.vector_sum) for a, b in zip(reloaded.stories, clusterer.stories,
                                                                          strict=True))
    assert reloaded.story_of == clusterer.story_of and reloaded.doc_freq == clusterer.doc_freq


def test_vocabulary_saved_in_parts_writes_only_the_new_words(tmp_path: Path) -> None:
    """The words' document counts: a later save writes the words that came since (and all the counts); the
    reload has the same counts in the same order; a snapshot with the vocabulary inside the JSON still loads."""
    import numpy as np

    from marsad.stages.stories import StoryClusterer, UnitProfile

    def profile(i: int, words: list[str]) -> UnitProfile:
        vector = np.zeros(512, np.float32)
        vector[i] = 1.0
        return UnitProfile(f"u{i}", f"a{i}", 0, 10, "2025-01-01", words[0], (), dict.fromkeys(words, 1.0), vector)

    clusterer = StoryClusterer()
    clusterer.add(profile(0, ["برق", "رعد"]))
    first = tmp_path / "first"
    names = clusterer.save(first / "stories.json")
    clusterer.add(profile(1, ["رعد", "مطر", "ثلج"]))  # one word again, two new
    second = tmp_path / "second"
    again = clusterer.save(second / "stories.json", kept=names)
    new_words = [n for n in again if ".words." in n and n not in names]
    assert new_words == ["stories.words.000000002-000000004.json"]
    assert json.loads((second / new_words[0]).read_text("utf-8")) == ["مطر", "ثلج"]
    assert not any((second / n).exists() for n in names if ".words." in n), "kept words are not written again"
    for name in set(again) - {f.name for f in second.iterdir()}:  # the store keeps the earlier files
        (second / name).write_bytes((first / name).read_bytes())
    reloaded = StoryClusterer.load(second / "stories.json")
    assert list(reloaded.doc_freq.items()) == list(clusterer.doc_freq.items()) == [
        ("برق", 1), ("رعد", 2), ("مطر", 1), ("ثلج", 1)]
    # a snapshot from before: the counts inside the JSON
    data = json.loads((second / "stories.json").read_text("utf-8"))
    del data["vocabulary"]
    data["doc_freq"] = dict(clusterer.doc_freq)
    (second / "stories.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert StoryClusterer.load(second / "stories.json").doc_freq == clusterer.doc_freq
