"""The store on real SQLite files: schema, identity, atomic writes, search, the story dossier."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from marsad.doc import Span
from marsad.options import Options
from marsad.stages.normalize import normalize
from marsad.stages.reuse import ReusePassage
from marsad.store import Ingester, Store, read
from marsad.store.schema import MIGRATIONS
from marsad.store.search import QueryError, search


def test_schema_wal_foreign_keys_and_version(built_db: Path) -> None:
    with Store(built_db, readonly=True) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.OperationalError):  # read-only really is
            store.conn.execute("DELETE FROM errors")


def test_built_store_has_every_layer(built_db: Path) -> None:
    with Store(built_db, readonly=True) as store:
        for table in ("articles", "stories", "entities", "reuse", "quotes", "mentions"):
            assert store.count(table) > 0, table
        # every stored span is a span of the raw text
        for r in store.conn.execute("SELECT a.text, m.start, m.\"end\", m.surface FROM mentions m JOIN articles a"
                                    " ON a.seq = m.article"):
            assert r[0][r[1]:r[2]] == r[3]


def test_article_dicts_read_straight_from_rows_are_the_articles_dicts(built_db: Path) -> None:
    from marsad.store.records import article_dict_from_row, article_from_row

    with Store(built_db, readonly=True) as store:
        rows = store.conn.execute("SELECT * FROM articles").fetchall()
        assert any(json.loads(r["layers"])["parts"] for r in rows), "no glued part: parts would not be compared"
        for r in rows:
            want, got = article_from_row(r).to_dict(), article_dict_from_row(r)
            assert got == want and list(got) == list(want), r["id"]


def test_stored_layers_are_the_standard_librarys_json(built_db: Path) -> None:
    """``dump_layers`` (orjson) writes exactly what ``json.dumps`` with sorted keys and no spaces wrote."""
    from marsad.store.records import article_from_row, dump_layers, layers_of

    with Store(built_db, readonly=True) as store:
        rows = store.conn.execute("SELECT * FROM articles").fetchall()
    assert len(rows) >= 10
    for row in rows:
        article = article_from_row(row)
        assert dump_layers(article) == json.dumps(layers_of(article), ensure_ascii=False, separators=(",", ":"),
                                                  sort_keys=True), row["id"]


def test_reingest_changes_nothing(db_copy: Path, examples_dir: Path, seeds_dir: Path) -> None:
    with Store(db_copy) as store:
        before = read.content_digest(store)
        report = Ingester(store).ingest([seeds_dir, examples_dir])
        assert report.added == [] and report.unchanged == store.count("articles")
        assert read.content_digest(store) == before


def test_same_id_other_text_gets_a_free_id(db_copy: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "000.txt").write_text("نص آخر تماماً عن موضوع مختلف لا علاقة له بالمقالات المخزنة من قبل.\n",
                                 encoding="utf-8")
    with Store(db_copy) as store:
        report = Ingester(store).ingest([src])
        assert report.added == ["000~2"]
        assert store.article("000") is not None and store.article("000~2") is not None


def test_an_article_is_stored_whole_or_not_at_all(db_copy: Path) -> None:
    with Store(db_copy) as store:
        article = store.article("000")
        assert article is not None
        article.id, article.content_hash = "new", "f" * 64
        before = read.content_digest(store)
        bad = ReusePassage("new", "missing", "new", "missing", Span(0, 5), Span(0, 5), "verbatim", 1.0, None, 5)
        with pytest.raises(LookupError):  # the reuse row fails after the article and its mentions were written
            store.add_article(article, [bad])
        assert read.content_digest(store) == before
        assert store.article("new") is None


def test_a_batch_commits_whole_articles_together(db_copy: Path) -> None:
    """Inside a batch an article is still all or nothing (a savepoint); readers see the batch when it commits."""
    with Store(db_copy) as store, Store(db_copy, readonly=True) as reader:
        article = store.article("000")
        assert article is not None
        n = reader.count("articles")
        store.begin_batch()
        first = article
        first.id, first.content_hash = "batch-1", "a" * 64
        store.add_article(first)
        bad = ReusePassage("batch-2", "missing", "batch-2", "missing", Span(0, 5), Span(0, 5), "verbatim", 1.0, None,
                           5)
        second = store.article("000")
        assert second is not None
        second.id, second.content_hash = "batch-2", "b" * 64
        with pytest.raises(LookupError):
            store.add_article(second, [bad])
        assert store.article("batch-1") is not None and store.article("batch-2") is None
        assert reader.count("articles") == n, "a reader sees nothing of an open batch"
        store.end_batch()
        assert reader.count("articles") == n + 1 and reader.article("batch-1") is not None
        # the batch's search rows are written when it commits: the stored article's, not the rolled-back one's
        assert _indexed(reader, article.text) == {reader.seq_of("000"), reader.seq_of("batch-1")}
        store.begin_batch()
        third = store.article("000")
        assert third is not None
        third.id, third.content_hash = "batch-3", "c" * 64
        store.add_article(third)
    with Store(db_copy, readonly=True) as reader:  # closing the store commits what its batch holds
        assert reader.article("batch-3") is not None
        assert reader.seq_of("batch-3") in _indexed(reader, article.text)


def _indexed(store: Store, text: str) -> set[int | None]:
    """The seqs of the articles whose search rows hold all of ``text``'s first ten words."""
    words = " ".join('"' + w + '"' for w in normalize(text).split()[:10] if w.isalpha())
    return {r[0] for r in store.conn.execute("SELECT rowid FROM search WHERE search MATCH ?", (words,))}


def test_search_finds_other_spellings_with_raw_offsets(built_db: Path) -> None:
    with Store(built_db, readonly=True) as store:
        hits, total = search(store.conn, "كيم جون اون")
        assert total >= 2
        found = {}
        for h in hits:
            text = store.article(h.article).text  # type: ignore[union-attr]
            found[h.article] = text[h.start:h.end]
            assert text[h.snippet_start:h.snippet_start + len(h.snippet)] == h.snippet
            assert normalize(text[h.start:h.end]).startswith("كيم")
            for s, e in h.highlights:
                assert h.snippet_start <= s < e <= h.snippet_start + len(h.snippet)
        assert "كيم جونغ أون" in found.values()  # the seed 000 spelling
        assert "كيم جون اون" in found.values()
        assert search(store.conn, "كلمةلاوجودلها")[1] == 0
        with pytest.raises(QueryError):
            search(store.conn, "x" * 500)
        with pytest.raises(QueryError):
            search(store.conn, '"*() : -')  # no words: FTS syntax never reaches MATCH


def test_search_is_diacritics_insensitive(built_db: Path) -> None:
    with Store(built_db, readonly=True) as store:
        plain = search(store.conn, "الرئيس الروسي")[1]
        assert plain > 0
        assert search(store.conn, "الرَّئِيسُ الرُّوسِيّ")[1] == plain


def test_story_dossier_is_valid_spec(built_db: Path, validate_dossier: Callable[[dict[str, Any]], list[str]]) -> None:
    with Store(built_db, readonly=True) as store:
        stories, total = read.stories(store)
        assert total == len(stories) and stories
        big = max(stories, key=lambda s: s["articles"])
        assert big["articles"] > 1 and 1 <= big["independent_sources"] <= big["n_outlets"]
        d = read.story(store, big["id"])
        assert d is not None
        assert validate_dossier(d) == []
        assert {a["id"] for a in d["articles"]} == {m["article"] for m in d["stories"][0]["members"]}
        assert read.story(store, "nope") is None


def test_story_accounts_are_kept_after_ingest_and_match_a_fresh_build(built_db: Path) -> None:
    from marsad.account import build_account

    with Store(built_db, readonly=True) as store:
        stories, _ = read.stories(store, limit=200)
        assert store.stories_without_account() == []  # every story got its account at the end of the run
        big = max(stories, key=lambda s: s["articles"])
        d = read.story(store, big["id"])
        assert d is not None and d["stories"][0]["summary"] and d["stories"][0]["facts"]
        kept = store.cached_account(big["id"], read.account_fingerprint(d))
        assert kept is not None
        fresh = read.dossier_of(store, sorted({store.seq_of(a["id"]) for a in d["articles"]}),  # type: ignore[misc]
                                [store.conn.execute("SELECT * FROM stories WHERE id = ?", (big["id"],)).fetchone()])
        build_account(fresh, fresh["stories"][0])
        for key in ("summary", "timeline", "facts"):
            assert kept[key] == fresh["stories"][0][key]


def test_a_stale_account_is_not_served(db_copy: Path) -> None:
    with Store(db_copy) as store:
        stories, _ = read.stories(store, limit=200)
        sid = max(stories, key=lambda s: s["articles"])["id"]
        d = read.story(store, sid)
        assert d is not None
        real = d["stories"][0]["summary"]
        bogus = {"summary": [{"text": "x", "citations": []}], "timeline": [], "facts": []}
        store.save_account(sid, len(d["stories"][0]["members"]), "another fingerprint", bogus)
        again = read.story(store, sid)
        assert again is not None and again["stories"][0]["summary"] == real


def test_small_batches_skip_the_snapshot_and_are_replayed(tmp_path: Path) -> None:
    """A run that adds fewer than ``checkpoint_every`` articles keeps no snapshot; the next run replays them and
    ends with the same content as one run over everything."""
    from marsad.store.synthetic import write_corpus

    paths = write_corpus(tmp_path / "corpus", 12)
    with Store(tmp_path / "one.db") as store:
        Ingester(store, checkpoint_every=5).ingest(paths)
        whole = read.content_digest(store)
        assert store.load_state_files(tmp_path) == 10  # at 5 and 10; the last 2 (< 5) are left to replay
        # the reuse index is kept in parts: the snapshot at 10 added the units after 5 and left the first part
        parts = {r[0]: r[1] for r in store.conn.execute("SELECT name, seq FROM state WHERE name LIKE '%.npz'")}
        assert sorted(parts.values()) == [5, 10], parts
    with Store(tmp_path / "split.db") as store:
        Ingester(store, checkpoint_every=5).ingest(paths[:3])
        assert store.conn.execute("SELECT count(*) FROM state").fetchone()[0] == 0  # 3 < 5: none
        Ingester(store, checkpoint_every=5).ingest(paths[3:])  # replays the first three, then adds nine
        assert read.content_digest(store) == whole


def test_entity_refresh_writes_only_the_difference_and_ends_as_a_full_rewrite(db_copy: Path) -> None:
    """``refresh_entities`` diffs against the stored rows: rows that are stale, missing or extra are all put
    right, and the result is the content a refresh into empty tables gives. (The damage is done by another
    connection, as another process would: the gateway's own writes are the ones it keeps track of.)"""
    with Store(db_copy) as store, Store(db_copy) as other:
        expected = read.content_digest(store)
        store.refresh_entities()  # what it keeps is up to date: only a check of the tables finds the damage
        c = other.conn
        with other.transaction():
            c.execute("INSERT INTO entities VALUES ('Ebogus', 'PERS', 'لا أحد', NULL, '[]', 1)")
            c.execute("INSERT INTO entity_mentions SELECT 'Ebogus', article, start, \"end\" FROM entity_mentions"
                      " LIMIT 3")
            c.execute("UPDATE entities SET n_mentions = n_mentions + 5, name = name || 'x' WHERE rowid % 3 = 0")
            c.execute("DELETE FROM entity_mentions WHERE start % 4 = 0")
            c.execute("UPDATE entity_mentions SET \"end\" = \"end\" + 1 WHERE start % 5 = 1")
            c.execute("UPDATE quotes SET speaker = NULL WHERE n % 2 = 0")
            c.execute("UPDATE quotes SET speaker = 'Ebogus' WHERE n % 2 = 1 AND speaker IS NULL")
            c.execute("UPDATE attributions SET source = 'Ebogus' WHERE source IS NULL")
        assert read.content_digest(store) != expected, "the damage must show, or this test proves nothing"
        store.refresh_entities()
        assert read.content_digest(store) == expected
        with other.transaction():
            for table in ("entity_mentions", "entities"):
                c.execute(f"DELETE FROM {table}")
        store.refresh_entities()
        assert read.content_digest(store) == expected


def test_ingest_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    import gc

    from marsad.store.synthetic import write_corpus

    paths = write_corpus(tmp_path / "corpus", 3)
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            with Store(tmp_path / f"gc-{enabled}.db") as store:
                Ingester(store, checkpoint_every=1).ingest(paths)
            assert gc.isenabled() is enabled
        finally:
            gc.enable()


def test_entity_merge_inputs_kept_between_runs_give_the_rows_of_a_fresh_merge(tmp_path: Path) -> None:
    from marsad.store.synthetic import write_corpus

    paths = write_corpus(tmp_path / "corpus", 15)
    db = tmp_path / "kept.db"
    tables = ("entities", "entity_mentions", "quotes", "attributions")

    def fresh_merge() -> dict[str, str]:
        with Store(db) as other:  # a new gateway: nothing kept, everything read again
            other.refresh_entities()
            return {t: d for t, d in read.content_digest(other).items() if t in tables}

    with Store(db) as store:
        Ingester(store, checkpoint_every=5).ingest(paths[:6])
        assert store._entity_cache is not None and store._entity_cache.seq == 6
        Ingester(store, checkpoint_every=5).ingest(paths[6:])  # extends what it kept with articles 7-15
        kept = {t: d for t, d in read.content_digest(store).items() if t in tables}
    assert kept == fresh_merge()
    with Store(db) as store, Store(db) as other:
        store.refresh_entities()
        with other.transaction() as c:  # a row it had counted changes: what it kept is not used
            c.execute("DELETE FROM mentions WHERE article = 1 AND n = (SELECT max(n) FROM mentions WHERE article = 1)")
        store.refresh_entities()
        rebuilt = {t: d for t, d in read.content_digest(store).items() if t in tables}
    assert rebuilt == fresh_merge()


@pytest.mark.parametrize("ids", ["by name", "colliding"])
def test_entity_merge_article_by_article_gives_the_rows_of_a_fresh_merge(
        tmp_path: Path, examples_dir: Path, seeds_dir: Path, ids: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real names (spelling variants, short forms joining full names per story), one article per run: each run
    redoes only what its mentions touch, and the tables end as a merge of everything at once leaves them.
    "colliding": every entity of a type hashes to one id, so ids are told apart by their "x" suffixes only,
    which shift as entities appear, grow and merge."""
    if ids == "colliding":
        from marsad.store import gateway

        monkeypatch.setattr(gateway, "_entity_id", lambda typ, name: "E" + typ)
    paths = sorted(examples_dir.glob("*.txt")) + sorted(seeds_dir.glob("*.txt"))
    db = tmp_path / "one-by-one.db"
    tables = ("entities", "entity_mentions", "quotes", "attributions")
    with Store(db) as store:
        ingester = Ingester(store, Options(workers=1))
        for path in paths:
            ingester.ingest([path])
        kept = {t: d for t, d in read.content_digest(store).items() if t in tables}
        n_short = store.conn.execute("SELECT count(*) FROM entities WHERE variants LIKE '%\",%'").fetchone()[0]
    assert n_short, "no entity with several spellings: this corpus would not test the merge"
    with Store(db) as other:  # a new gateway: nothing kept, the whole store merged and compared with the tables
        other.refresh_entities()
        assert {t: d for t, d in read.content_digest(other).items() if t in tables} == kept


def test_entity_refresh_after_each_batch_of_moving_names_gives_the_rows_of_a_fresh_merge(
        tmp_path: Path, random_coverage: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Names that change type, turn out to be short forms and move between entities, written a few articles at a
    time through the gateway, with every entity of a type hashing to one id (so ids shift as entities come and
    go): after each refresh the tables are those a fresh gateway's merge of the whole store leaves."""
    import hashlib

    from marsad.doc import Article, Mention
    from marsad.store import gateway

    monkeypatch.setattr(gateway, "_entity_id", lambda typ, name: "E" + typ)
    tables = ("entities", "entity_mentions")
    for seed in range(3):
        articles, stories = random_coverage(seed, 40)
        story_of = {m["article"]: s["id"] for s in stories for m in s["members"]}
        db = tmp_path / f"moving-{seed}.db"
        with Store(db) as store:
            for k, art in enumerate(articles):
                mentions = [Mention(m.start, m.end, m.type, art.id) for m in art.mentions]
                stored = Article(id=art.id, text=art.text + "\n", mentions=mentions, published="2025-01-01",
                                 content_hash=hashlib.sha256(art.text.encode("utf-8") + b"\n").hexdigest())
                rows = [{"unit": art.id, "story": story_of[art.id], "start": 0, "end": len(stored.text),
                         "label": "", "start_date": None, "end_date": None}] if art.id in story_of else []
                store.add_article(stored, (), rows)
                if k % 3 == 2 or k == len(articles) - 1:
                    store.refresh_entities()
            kept = {t: d for t, d in read.content_digest(store).items() if t in tables}
            n_ids = store.conn.execute("SELECT count(*), sum(id LIKE '%xx%') FROM entities").fetchone()
        assert n_ids[1], "no entity got a second suffix: the ids would not be tested"
        with Store(db) as other:
            other.refresh_entities()
            assert {t: d for t, d in read.content_digest(other).items() if t in tables} == kept, seed
