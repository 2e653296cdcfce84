"""Text reuse on the seeds (real articles) and on hand-made edits: kinds, spans and who was first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from marsad.analyze import analyze
from marsad.doc import Article, Span
from marsad.options import ReuseOptions
from marsad.stages.reuse import ReuseIndex, align, record_of
from marsad.units import units_of

ANALYSTS = "كوريا الشمالية ربما تمتلك عشرات الملايين"


@pytest.fixture(scope="module")
def seed_reuse(seeds_dir: Path) -> dict[str, Any]:
    return analyze([seeds_dir]).to_dict()


def passages(d: dict[str, Any], a: str, b: str) -> list[dict[str, Any]]:
    return [r for r in d["reuse"] if {r["a"]["article"], r["b"]["article"]} == {a, b}]


def text_of(d: dict[str, Any], span: dict[str, Any]) -> str:
    art = next(x for x in d["articles"] if x["id"] == span["article"])
    return art["text"][span["start"]:span["end"]]


@pytest.mark.parametrize(("a", "b", "kind"), [("001", "002", "near_copy"), ("000", "002", "paraphrase"),
                                              ("000", "001", "paraphrase")])
def test_shared_wire_passage_found_in_all_three_pairs(seed_reuse: dict[str, Any], a: str, b: str, kind: str) -> None:
    found = [r for r in passages(seed_reuse, a, b) if ANALYSTS in text_of(seed_reuse, r["a"])
             and ANALYSTS in text_of(seed_reuse, r["b"])]
    assert [r["kind"] for r in found] == [kind]


def test_other_shared_passages_between_001_and_002(seed_reuse: dict[str, Any]) -> None:
    texts = [text_of(seed_reuse, r["a"]) for r in passages(seed_reuse, "001", "002")]
    for phrase in ("مسؤولين بارزين من الجيش ومتخصصين في صناعة السلاح", "مرتبطون بجهود بيونغ يانغ لامتلاك أقمار",
                   "تمتلك مخزونات من قذائف المدفعية من عيار 122 ملم"):
        assert any(phrase in t for t in texts), phrase


def test_no_links_between_unrelated_articles(seed_reuse: dict[str, Any]) -> None:
    """The Nov 2024 article (004) and the glued Oreshnik part share no passage with anything."""
    for r in seed_reuse["reuse"]:
        assert "004" not in (r["a"]["article"], r["b"]["article"])
        assert "001#2" not in (r["a"].get("unit"), r["b"].get("unit"))


def test_spans_are_on_word_edges_inside_body(seed_reuse: dict[str, Any]) -> None:
    arts = {a["id"]: a for a in seed_reuse["articles"]}
    for r in seed_reuse["reuse"]:
        for side in (r["a"], r["b"]):
            text = arts[side["article"]]["text"]
            s, e = side["start"], side["end"]
            assert text[s:e] == text[s:e].strip()
            assert s == 0 or not text[s - 1].isalnum(), "starts on a word edge"
            assert e == len(text) or not text[e].isalnum(), "ends on a word edge"
            removed = arts[side["article"]]["removed"]
            assert not any(r["start"] < e and s < r["end"] and r["kind"] != "glued_article" for r in removed), (
                "reuse never comes from removed text")


def make_article(aid: str, text: str, published: str) -> Article:
    from marsad.pipeline import default_pipeline

    return default_pipeline()(Article(id=aid, text=text, published=published, published_source="metadata"))


WIRE = ("انهار جزء من جسم السد على النهر في المحافظة الشمالية فجر الثلاثاء ما أدى إلى اندفاع كميات هائلة من المياه "
        "نحو القرى المجاورة وقال مسؤولون إن فرق الإنقاذ تعمل على إجلاء السكان من المناطق المنخفضة. "
        "وأضافت الوكالة أن عدد القتلى بلغ تسعة أشخاص على الأقل فيما لا يزال عدد آخر في عداد المفقودين.")
OTHER = ("افتتح معرض الكتاب الدولي أبوابه أمس بمشاركة مئات من دور النشر العربية والأجنبية وسط إقبال كبير من "
         "الزوار. وقال مدير المعرض إن الدورة الحالية تضم أكثر من مئة ندوة وأمسية شعرية.")


def test_verbatim_near_copy_and_earlier() -> None:
    edited = WIRE.replace("هائلة", "كبيرة").replace("فجر الثلاثاء", "فجر الثلاثاء، بحسب ما نقلت الوكالة،")
    a = make_article("a", f"{OTHER}\n{WIRE}", "2025-01-02")
    b = make_article("b", f"{WIRE}", "2025-01-01")
    c = make_article("c", edited, "2025-01-03")
    index = ReuseIndex()
    assert index.add(units_of(b)[0]) == []
    (ab,) = index.add(units_of(a)[0])
    assert ab.kind == "verbatim" and ab.earlier == "b"
    assert a.text[ab.a_span.start:ab.a_span.end] == WIRE.rstrip(".")[: ab.a_span.end - ab.a_span.start]
    found = index.add(units_of(c)[0])
    assert {p.kind for p in found} == {"near_copy"}
    assert {p.b for p in found} == {"a", "b"}, "the edited copy is linked to both earlier copies"
    assert all(p.earlier == "b" for p in found)


def test_unrelated_texts_are_not_linked() -> None:
    a = make_article("a", WIRE, "2025-01-01")
    b = make_article("b", OTHER, "2025-01-01")
    index = ReuseIndex()
    index.add(units_of(a)[0])
    assert index.add(units_of(b)[0]) == []


def test_formula_ngrams_above_max_df_are_ignored() -> None:
    formula = "وقال المتحدث باسم الوزارة في بيان صحفي صدر اليوم"
    index = ReuseIndex(ReuseOptions(max_df=3))
    for k in range(5):
        art = make_article(f"f{k}", f"{formula} إن الخبر رقم {k} يخص موضوعا مختلفا تماما عن غيره من الأخبار {k * 7}.",
                           "2025-01-01")
        found = index.add(units_of(art)[0])
        if k >= 3:
            assert found == [], "a phrase every outlet prints is not reuse"


def test_batch_equals_one_by_one(seeds_dir: Path) -> None:
    d = analyze([seeds_dir], cross_document_options())
    units = [u for a in d.articles for u in units_of(a)]
    one = ReuseIndex()
    single = [p for u in units for p in one.add(u)]
    batch = ReuseIndex().add_many(units)
    key = lambda p: (p.a, p.b, p.a_span, p.b_span, p.kind)  # noqa: E731
    assert sorted(map(key, single)) == sorted(map(key, batch))


def cross_document_options() -> Any:
    from marsad.options import Options

    return Options(cross_document=False)


def test_index_save_and_load_round_trip(seeds_dir: Path, tmp_path: Path) -> None:
    d = analyze([seeds_dir], cross_document_options())
    units = {u.id: u for a in d.articles for u in units_of(a)}
    index = ReuseIndex()
    for uid in ("000", "001", "003", "004"):
        index.add(units[uid])
    index.save(tmp_path / "idx")
    loaded = ReuseIndex.load(tmp_path / "idx")
    assert len(loaded) == 4
    for saved, back in zip(index.records, loaded.records, strict=True):  # (offsets are saved in 32 bits)
        for name in ("hashes", "starts", "ends", "sentences", "blocks"):
            a, b = getattr(saved, name), getattr(back, name)
            assert a.tolist() == b.tolist() and b.dtype == a.dtype, name
    fresh = ReuseIndex()
    for uid in ("000", "001", "003", "004"):
        fresh.add(units[uid])
    key = lambda p: (p.a, p.b, p.a_span, p.b_span, p.kind)  # noqa: E731
    assert sorted(map(key, loaded.add(units["002"]))) == sorted(map(key, fresh.add(units["002"])))


def test_index_saved_in_parts_writes_only_the_new_units_and_loads_as_one(seeds_dir: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import marsad.stages.reuse as reuse

    d = analyze([seeds_dir], cross_document_options())
    units = [u for a in d.articles for u in units_of(a)]
    index, stored = ReuseIndex(), tmp_path / "stored"  # ``stored`` plays the database: it keeps every file
    stored.mkdir()
    for k, unit in enumerate(units[:4], 1):
        index.add(unit)
        out = tmp_path / f"save{k}"
        names = index.save(out, kept=[f.name for f in stored.iterdir()])
        written = sorted(f.name for f in out.iterdir())
        assert len(written) == 2 and written[0].endswith(f"-{k:09d}.json")  # only the part of the new unit
        for f in out.iterdir():
            shutil.copy(f, stored)
        for f in stored.iterdir():
            if f.name not in names:
                f.unlink()
    assert len(names) == 8  # four parts, each an array file and a JSON file
    loaded = ReuseIndex.load(stored)
    assert [r.id for r in loaded.records] == [r.id for r in index.records]
    for a, b in zip(loaded.records, index.records, strict=True):
        assert a.hashes.tolist() == b.hashes.tolist() and a.blocks.tolist() == b.blocks.tolist()
    key = lambda p: (p.a, p.b, p.a_span, p.b_span, p.kind)  # noqa: E731
    assert sorted(map(key, loaded.add(units[4]))) == sorted(map(key, index.add(units[4])))
    # past MAX_SAVED_PARTS the whole index is written again as one part
    monkeypatch.setattr(reuse, "MAX_SAVED_PARTS", 4)
    assert index.save(tmp_path / "whole", kept=names) == [f"reuse_index.000000000-{len(index):09d}.npz",
                                                          f"reuse_index.000000000-{len(index):09d}.json"]
    older = tmp_path / "older"  # a snapshot from before the parts: one reuse_index.npz/.json still loads
    older.mkdir()
    for suffix in ("npz", "json"):
        shutil.copy(tmp_path / "whole" / f"reuse_index.000000000-{len(index):09d}.{suffix}",
                    older / f"reuse_index.{suffix}")
    assert [r.id for r in ReuseIndex.load(older).records] == [r.id for r in index.records]
    (stored / names[2]).unlink()  # a part missing from the chain: loading says which parts it found
    with pytest.raises(ValueError, match="do not follow each other"):
        ReuseIndex.load(stored)


def test_align_tolerates_inserted_attribution() -> None:
    inserted = WIRE.replace("وقال مسؤولون إن", "وقال مسؤولون في الدفاع المدني، طلبوا عدم الكشف عن هويتهم، إن")
    a = make_article("a", WIRE, "2025-01-01")
    b = make_article("b", inserted, "2025-01-02")
    options = ReuseOptions()
    (p,) = align(record_of(units_of(b)[0], options), record_of(units_of(a)[0], options), options)
    assert p.kind == "near_copy" and p.words >= 30
    assert p.b_span == Span(0, a.text.rindex("المفقودين") + len("المفقودين"))


def test_add_many_with_nothing_keeps_the_index() -> None:
    a = make_article("a", WIRE, "2025-01-01")
    b = make_article("b", WIRE, "2025-01-02")
    index = ReuseIndex()
    index.add(units_of(a)[0])
    assert index.add_many([]) == []
    assert [p.kind for p in index.add(units_of(b)[0])] == ["verbatim"]


def test_paraphrases_of_one_unit_are_its_pairs_of_the_full_search(seeds_dir: Path) -> None:
    from marsad.stages.reuse import find_paraphrases
    from marsad.vectors import default_encoder

    d = analyze([seeds_dir], cross_document_options())
    units = [u for a in d.articles for u in units_of(a)]
    texts = {a.id: a.text for a in d.articles}
    loose = ReuseOptions(story_paraphrase_cosine=0.5, story_paraphrase_terms=1)  # pairs to find in five seeds
    every = find_paraphrases(units, texts, default_encoder(), options=loose)
    key = lambda p: (p.a, p.b, p.a_span, p.b_span, round(p.score, 6))  # noqa: E731
    found = 0
    for u in units:
        mine = find_paraphrases(units, texts, default_encoder(), options=loose, focus=u.id)
        assert sorted(map(key, mine)) == sorted(key(p) for p in every if u.id in (p.a, p.b))
        found += len(mine)
    assert found
