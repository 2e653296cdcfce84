"""The store: one SQLite file (WAL, foreign keys, numbered migrations) and the one class that writes to it.

Every write goes through ``Store``: an article with all its annotations, reuse links and story membership in
one transaction; entity merging and cross-document snapshots in one transaction each. Readers (the server, a
second CLI) open their own ``Store(path, readonly=True)`` and see committed data only, while an ingest runs.
Identity is the content hash of the raw text: storing the same text again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..doc import Article, Mention, Span
from ..errors import ErrorRecord
from ..stages.normalize import normalize
from ..stages.reuse import ReusePassage
from .records import article_from_row, dump_layers
from .schema import migrate

# how long a writer or reader waits for the other's lock before giving up (ms)
BUSY_TIMEOUT_MS = 30_000
# the ``state`` row that holds the seq of the whole snapshot (its file rows may be older: see ``save_state``)
_SNAPSHOT_SEQ = "snapshot.seq"
# an article's full-text row: at once outside a batch, with the batch's others when it commits (``end_batch``)
_SEARCH_INSERT = "INSERT INTO search (rowid, title, text) VALUES (?, ?, ?)"


def connect(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    conn.execute("PRAGMA foreign_keys = ON")
    if readonly:
        conn.execute("PRAGMA query_only = ON")
    else:
        conn.execute("PRAGMA journal_mode = WAL")  # readers never block the writer, nor it them
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: a killed process loses nothing committed
    return conn


def entity_id(entity: dict[str, Any]) -> str:
    """A stable entity id from its type and normalized name: links to /entities/ID survive later ingests."""
    return _entity_id(entity["type"], entity["name"])


@lru_cache(maxsize=500_000)
def _entity_id(typ: str, name: str) -> str:  # (a store's merge asks again for every entity on each call)
    return "E" + hashlib.sha1((typ + "|" + normalize(name)).encode("utf-8")).hexdigest()[:10]


class Store:
    """A marsad database. ``Store(path)`` creates or migrates it; ``readonly=True`` never writes."""

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if readonly and not self.path.exists():
            raise FileNotFoundError(f"no marsad database at {self.path}")
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = connect(self.path, readonly)
        self._entity_cache: _EntityInputs | None = None
        self._batch = False  # a transaction left open by ``begin_batch``
        # the full-text rows of a batch's articles, written together when it commits: FTS5 flushes its pending
        # terms at every savepoint, and a small segment per article (then merging them) was most of a write
        self._search_rows: list[tuple[int, str, str]] = []
        if not readonly:
            migrate(self.conn)

    def close(self) -> None:
        if self._batch and self.conn.in_transaction:
            self.end_batch()  # a batch holds whole articles only (each written under a savepoint)
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; everything inside is stored or nothing is. Inside a batch (``begin_batch``)
        a savepoint instead: all or nothing still, committed with the batch."""
        if self.readonly:
            raise PermissionError("this store was opened read-only")
        if self._batch:
            self.conn.execute("SAVEPOINT part")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK TO part")
                self.conn.execute("RELEASE part")
                raise
            self.conn.execute("RELEASE part")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def begin_batch(self) -> None:
        """Commit the transactions that follow together, at ``end_batch`` (an ingest writes many small articles:
        a commit each was a tenth of its time). Readers see none of them until then; a crash loses them all,
        and running the same input again stores them."""
        if self.readonly:
            raise PermissionError("this store was opened read-only")
        if not self._batch:
            self.conn.execute("BEGIN IMMEDIATE")
            self._batch = True

    def end_batch(self) -> None:
        if self._batch:
            self._batch = False
            try:
                self._write_search_rows()
            except BaseException:
                self.conn.execute("ROLLBACK")  # the batch's articles without their search rows: none of it
                raise
            self.conn.execute("COMMIT")

    def _write_search_rows(self) -> None:
        rows, self._search_rows = self._search_rows, []
        if rows:
            self.conn.executemany(_SEARCH_INSERT, rows)

    @property
    def in_batch(self) -> bool:
        return self._batch

    # ------------------------------------------------------------------ identity
    def has_hash(self, content_hash: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row is not None

    def free_id(self, article_id: str, also_taken: Container[str] = ()) -> str:
        """``article_id`` if no stored article has it (nor is it in ``also_taken``), else the first free ``id~N``."""
        def taken(aid: str) -> bool:
            return aid in also_taken or self._id_taken(aid)

        if not taken(article_id):
            return article_id
        n = 2
        while taken(f"{article_id}~{n}"):
            n += 1
        return f"{article_id}~{n}"

    def _id_taken(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def seq_of(self, article_id: str) -> int | None:
        row = self.conn.execute("SELECT seq FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else int(row[0])

    def max_seq(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0])

    # ------------------------------------------------------------------ writes
    def add_article(self, article: Article, passages: Sequence[ReusePassage] = (),
                    stories: Sequence[dict[str, Any]] = ()) -> int | None:
        """Store one analysed article, its annotations, its reuse passages and story membership, atomically.

        ``stories``: for each unit of the article, ``{"unit", "story", "start", "end", "label", "start_date",
        "end_date"}`` (its story as it is after the unit joined). Returns the article's seq, or None when the
        same text was stored before (nothing changes).
        """
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM articles WHERE content_hash = ?", (article.content_hash,)).fetchone():
                return None
            cur = c.execute(
                "INSERT INTO articles (id, content_hash, input, outlet, url, published, title, language, format,"
                " chars, text, layers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article.id, article.content_hash, article.input, article.outlet, article.url, article.published,
                 article.title, article.language, article.format, len(article.text), article.text,
                 dump_layers(article)))
            seq = int(cur.lastrowid or 0)
            text = article.text
            c.executemany("INSERT INTO mentions (article, n, start, \"end\", type, unit, surface) VALUES"
                          " (?, ?, ?, ?, ?, ?, ?)",
                          [(seq, n, m.start, m.end, m.type, m.unit, text[m.start:m.end])
                           for n, m in enumerate(article.mentions)])
            c.executemany("INSERT INTO times (article, n, start, \"end\", value, granularity, anchor) VALUES"
                          " (?, ?, ?, ?, ?, ?, ?)",
                          [(seq, n, t.start, t.end, t.value, t.granularity, t.anchor)
                           for n, t in enumerate(article.times)])
            c.executemany("INSERT INTO quotes (article, n, start, \"end\", kind, cue_start, cue_end, speaker_start,"
                          " speaker_end, speaker_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          [(seq, n, q.start, q.end, q.kind, q.cue.start, q.cue.end,
                            None if q.speaker_span is None else q.speaker_span.start,
                            None if q.speaker_span is None else q.speaker_span.end, q.speaker_text)
                           for n, q in enumerate(article.quotes)])
            c.executemany("INSERT INTO attributions (article, n, start, \"end\", source_start, source_end,"
                          " cue_start, cue_end, anonymous) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          [(seq, n, a.claim.start, a.claim.end, a.source.start, a.source.end, a.cue.start,
                            a.cue.end, int(a.anonymous)) for n, a in enumerate(article.attributions)])
            search_row = (seq, normalize(article.title or ""), normalize(text))
            if not self._batch:
                c.execute(_SEARCH_INSERT, search_row)
            seqs = {article.id: seq}
            for p in passages:
                for aid in (p.a_article, p.b_article):
                    if aid not in seqs:
                        seqs[aid] = self._seq_required(aid)
            c.executemany("INSERT OR IGNORE INTO reuse VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          [(seqs[p.a_article], p.a, p.a_span.start, p.a_span.end, seqs[p.b_article], p.b,
                            p.b_span.start, p.b_span.end, p.kind, round(p.score, 3), p.earlier, p.words)
                           for p in passages])
            for s in stories:
                c.execute("INSERT INTO stories (id, label, start_date, end_date, n_articles, n_outlets, last_seq)"
                          " VALUES (?, ?, ?, ?, 0, 0, ?) ON CONFLICT (id) DO UPDATE SET label = excluded.label,"
                          " start_date = excluded.start_date, end_date = excluded.end_date,"
                          " last_seq = excluded.last_seq",
                          (s["story"], s["label"], s["start_date"], s["end_date"], seq))
                c.execute("INSERT INTO story_members (unit, story, article, start, \"end\") VALUES (?, ?, ?, ?, ?)",
                          (s["unit"], s["story"], seq, s["start"], s["end"]))
                c.execute("UPDATE stories SET n_articles = (SELECT count(DISTINCT article) FROM story_members"
                          " WHERE story = ?1), n_outlets = (SELECT count(DISTINCT a.outlet) FROM story_members m"
                          " JOIN articles a ON a.seq = m.article WHERE m.story = ?1) WHERE id = ?1", (s["story"],))
            if self._batch:  # last: an article whose savepoint rolls back has no row waiting
                self._search_rows.append(search_row)
            return seq

    def _seq_required(self, article_id: str) -> int:
        seq = self.seq_of(article_id)
        if seq is None:
            raise LookupError(f"reuse passage names article {article_id!r}, which is not stored")
        return seq

    def add_errors(self, errors: Iterable[ErrorRecord]) -> None:
        rows = [(e.input, e.code, e.message) for e in errors]
        if rows:
            with self.transaction() as c:
                c.executemany("INSERT OR IGNORE INTO errors VALUES (?, ?, ?)", rows)

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                      (key, value))

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # ------------------------------------------------------------------ cross-document state snapshots
    def save_state(self, state: Any, seq: int) -> None:
        """Keep a snapshot of a ``CrossDocState`` that has seen every article up to ``seq`` (in one transaction:
        a crash leaves the previous snapshot, and the articles after it are replayed)."""
        # files of the previous snapshot that the new one still holds unchanged (the reuse index's older parts)
        # stay as they are; the seq of the whole snapshot is its own small row, so those rows need no rewrite
        stored = {r[0] for r in self.conn.execute("SELECT name FROM state")}
        files: dict[str, bytes] = {}
        names = {*state.write(files.__setitem__, kept=stored), _SNAPSHOT_SEQ}
        rows = [(name, seq, data) for name, data in sorted(files.items())]
        rows.append((_SNAPSHOT_SEQ, seq, str(seq).encode()))
        with self.transaction() as c:
            c.executemany("DELETE FROM state WHERE name = ?", [(name,) for name in sorted(stored - names)])
            c.executemany("INSERT INTO state (name, seq, data) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                          " seq = excluded.seq, data = excluded.data", rows)

    def load_state_files(self, folder: Path) -> int:
        """Write the snapshot's files into ``folder``; returns the seq it covers (0: no snapshot)."""
        seq, snapshot_seq = 0, None
        for row in self.conn.execute("SELECT name, seq, data FROM state"):
            if row["name"] == _SNAPSHOT_SEQ:
                snapshot_seq = int(row["seq"])
                continue
            (folder / Path(row["name"]).name).write_bytes(row["data"])
            seq = int(row["seq"])  # (a snapshot from before ``_SNAPSHOT_SEQ``: every row has the same seq)
        return snapshot_seq if snapshot_seq is not None else seq

    # ------------------------------------------------------------------ story accounts (a cache)
    def save_account(self, story_id: str, n_members: int, fingerprint: str, account: dict[str, Any]) -> None:
        """Keep a story's summary/timeline/facts as built from the members and links named by ``fingerprint``."""
        data = json.dumps({k: account[k] for k in ("summary", "timeline", "facts")}, ensure_ascii=False)
        with self.transaction() as c:
            c.execute("INSERT INTO story_accounts VALUES (?, ?, ?, ?) ON CONFLICT (story) DO UPDATE SET"
                      " n_members = excluded.n_members, fingerprint = excluded.fingerprint, data = excluded.data",
                      (story_id, n_members, fingerprint, data))

    def cached_account(self, story_id: str, fingerprint: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT data FROM story_accounts WHERE story = ? AND fingerprint = ?",
                                (story_id, fingerprint)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def stories_without_account(self) -> list[str]:
        """Stories with no account, or one built before members were added (e.g. by a run that was killed)."""
        return [r[0] for r in self.conn.execute(
            "SELECT s.id FROM stories s LEFT JOIN story_accounts a ON a.story = s.id WHERE a.story IS NULL OR"
            " a.n_members != (SELECT count(*) FROM story_members m WHERE m.story = s.id) ORDER BY s.id")]

    # ------------------------------------------------------------------ entities (merged over the store)
    def _entity_inputs(self, alone: bool = False) -> tuple[_EntityInputs, list[Article], list[dict[str, Any]]]:
        """The entity merge kept between calls (``_EntityInputs``), and what was stored since its last call: the
        new articles (their mention surfaces as text) and their story member spans. Stored articles, their
        mentions and story memberships never change; the whole store is read again only when the rows the cache
        counted are not the ones stored (another process wrote). ``alone``: no other connection has committed
        since the last call (``_written_alone``), so the rows are the cache's without counting them."""
        from ..stages.entities import EntityMerger

        c = self.conn
        inputs = self._entity_cache
        if inputs is None or (not alone and inputs.counts != self._entity_counts(inputs.seq)):
            inputs = _EntityInputs(merger=EntityMerger())
        self._entity_cache = None  # until this call's writes are done (a failure leaves no half-updated cache)
        seq_lo = inputs.seq
        ids, back = inputs.ids, inputs.back
        n_ids = len(ids)
        for r in c.execute("SELECT seq, id FROM articles WHERE seq > ? ORDER BY seq", (seq_lo,)):
            ids[int(r[0])] = r[1]
            inputs.seq_of[r[1]] = int(r[0])
        seq_hi = max(ids, default=0)  # rows of articles stored after this read wait for the next call
        # the merge reads only mention surfaces: it is given a text of the surfaces, one per line, and the offsets
        # are mapped back (loading every raw text of a large store would cost gigabytes)
        articles: dict[int, Article] = {}
        pieces: dict[int, list[str]] = {}
        lengths: dict[int, int] = {}
        spans_of: dict[int, list[tuple[int, int, str]]] = {}
        members: dict[str, list[dict[str, Any]]] = {}
        n_members = n_mentions = 0
        for r in c.execute("SELECT m.article, m.start, m.\"end\", m.story FROM story_members m WHERE m.article > ?"
                           " AND m.article <= ?", (seq_lo, seq_hi)):
            spans_of.setdefault(r[0], []).append((r[1], r[2], r[3]))
            n_members += 1
        for r in c.execute("SELECT article, start, \"end\", type, unit, surface FROM mentions WHERE article > ?"
                           " AND article <= ? ORDER BY article, n", (seq_lo, seq_hi)):
            seq, start, end, typ, unit, surface = int(r[0]), int(r[1]), int(r[2]), r[3], r[4], r[5]
            n_mentions += 1
            art = articles.get(seq)
            if art is None:
                art = articles[seq] = Article(id=ids[seq], text="")
                pieces[seq], lengths[seq] = [], 0
            s = lengths[seq]
            pieces[seq].append(surface)
            lengths[seq] += len(surface) + 1
            art.mentions.append(Mention(s, s + len(surface), typ, unit))
            back[ids[seq], s] = (start, end)
            for a, b, story in spans_of.get(seq, ()):
                if a <= start and end <= b:
                    members.setdefault(story, []).append({"article": ids[seq], "start": s, "end": s + len(surface)})
                    break
        for seq in pieces:
            articles[seq].text = "\n".join(pieces[seq])
        for r in c.execute("SELECT article, n, speaker_start, speaker_end, speaker FROM quotes WHERE article > ?"
                           " AND article <= ?", (seq_lo, seq_hi)):
            inputs.quotes.setdefault(int(r[0]), []).append((int(r[1]), r[2], r[3]))
            inputs.speakers[int(r[0]), int(r[1])] = r[4]
        for r in c.execute("SELECT article, n, source_start, source_end, anonymous, source FROM attributions"
                           " WHERE article > ? AND article <= ?", (seq_lo, seq_hi)):
            inputs.attributions.setdefault(int(r[0]), []).append((int(r[1]), r[2], r[3], bool(r[4])))
            inputs.sources[int(r[0]), int(r[1])] = r[5]
        # what it holds now is what it counted before plus the rows just read (not a count of the tables: a row
        # stored meanwhile and not read would then pass the check of the next call)
        n_articles, n_mentions_before, n_members_before = inputs.counts
        inputs.seq = seq_hi
        inputs.counts = (n_articles + len(ids) - n_ids, n_mentions_before + n_mentions, n_members_before + n_members)
        stories = [{"id": sid, "members": ms} for sid, ms in sorted(members.items())]
        return inputs, [articles[s] for s in sorted(articles)], stories

    def _entity_counts(self, seq: int) -> tuple[int, int, int]:
        """Articles, mentions and story memberships stored up to ``seq``."""
        return tuple(self.conn.execute(  # type: ignore[return-value]
            "SELECT (SELECT count(*) FROM articles WHERE seq <= ?), (SELECT count(*) FROM mentions WHERE"
            " article <= ?), (SELECT count(*) FROM story_members WHERE article <= ?)", (seq, seq, seq)).fetchone())

    def refresh_entities(self) -> int:
        """Merge every stored mention into entities (``EntityMerger``), then link quote speakers and attribution
        sources to them. Deterministic: the same articles give the same rows.

        The merger is kept between calls (``_entity_inputs``), so a call takes in only the articles stored since
        the last one and writes only the entities that changed, their mention links, and the speakers and sources
        of the articles those mentions are in. The first call of a process compares everything with the tables."""
        from ..stages.quotes import first_entity_inside

        alone = self._written_alone()
        inputs, new_articles, stories = self._entity_inputs(alone)
        merger = inputs.merger
        changed_keys = merger.add(new_articles, stories)
        ids, back = inputs.ids, inputs.back
        seq_of = inputs.seq_of
        stale = inputs.written is not None and not alone and inputs.written_counts != tuple(self.conn.execute(
            "SELECT (SELECT count(*) FROM entities), (SELECT count(*) FROM entity_mentions)").fetchone())
        first = inputs.written is None or stale
        # entity ids: the hash of type and name, an "x" more for each earlier entity (by first mention) with the
        # same hash; kept per hash, so a call renames only the entities whose hash group changed
        bases, base_of = inputs.bases, inputs.base_of
        changed: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = []  # (id, before, after)
        if first:  # the tables were never written with this cache, or by other hands since: compare everything
            by_eid: dict[str, dict[str, Any]] = {}
            bases.clear()
            base_of.clear()
            for key, e in merger.keyed():
                base = base_of[key] = entity_id(e)
                group = bases.setdefault(base, [])
                eid = base + "x" * len(group)
                group.append(key)
                by_eid[eid] = e
                changed.append((eid, None, e))
            inputs.mention_of.clear()
            if stale:  # a new cache has just read them (``_entity_inputs``)
                inputs.speakers = {(int(r[0]), int(r[1])): r[2] for r in self.conn.execute(
                    "SELECT article, n, speaker FROM quotes WHERE article <= ?", (inputs.seq,))}
                inputs.sources = {(int(r[0]), int(r[1])): r[2] for r in self.conn.execute(
                    "SELECT article, n, source FROM attributions WHERE article <= ?", (inputs.seq,))}
        else:
            by_eid = inputs.written  # type: ignore[assignment]
            regroup: dict[str, int] = {}  # hash -> its group's size before
            for key in changed_keys:
                got = merger.get(key)
                old_base, new_base = base_of.pop(key, None), None if got is None else entity_id(got[1])
                for base in {old_base, new_base} - {None}:
                    regroup.setdefault(base, len(bases.get(base, ())))  # type: ignore[arg-type]
                if old_base is not None:
                    bases[old_base].remove(key)
                if new_base is not None:
                    base_of[key] = new_base
                    bases.setdefault(new_base, []).append(key)
            for base, n_before in regroup.items():
                group = sorted(bases.get(base, ()), key=lambda k: merger.get(k)[0])  # type: ignore[index]
                if group:
                    bases[base] = group
                else:
                    bases.pop(base, None)
                for i in range(max(n_before, len(group))):
                    eid = base + "x" * i
                    before = by_eid.get(eid)
                    after = merger.get(group[i])[1] if i < len(group) else None  # type: ignore[index]
                    if before is not after:
                        changed.append((eid, before, after))
                        if after is None:
                            del by_eid[eid]
                        else:
                            by_eid[eid] = after
        mention_of = inputs.mention_of

        def links_of(eid: str, e: dict[str, Any] | None) -> dict[tuple[str, int, int], int]:
            out: dict[tuple[str, int, int], int] = {}
            for m in e["mentions"] if e is not None else ():
                start, end = back[m["article"], m["start"]]
                out.setdefault((eid, seq_of[m["article"]], start), end)  # the first one wins
            return out

        affected: set[int] = set() if not first else set(inputs.quotes) | set(inputs.attributions)
        affected.update(seq_of[a.id] for a in new_articles)
        old_links: dict[tuple[str, int, int], int] = {}
        new_links: dict[tuple[str, int, int], int] = {}
        for eid, before, after in changed:
            if before is not None and after is not None and _grown(before, after):
                # it only gained mentions (an entity named in thousands of articles gains a few per batch): only
                # the articles of the new ones can change, in links and in speakers and sources
                arts = {m["article"] for m in after["mentions"][len(before["mentions"]):]}
                before, after = ({**e, "mentions": [m for m in e["mentions"] if m["article"] in arts]}
                                 for e in (before, after))
            if not first:
                old_links.update(links_of(eid, before))
            new_links.update(links_of(eid, after))
            for e, keep in ((before, False), (after, True)):
                for m in e["mentions"] if e is not None else ():
                    affected.add(seq_of[m["article"]])
                    at = mention_of.setdefault(m["article"], {})
                    if keep:
                        at[m["start"]] = (*back[m["article"], m["start"]], eid, e["type"])
                    elif at.get(m["start"], (0, 0, ""))[2] == eid:
                        del at[m["start"]]

        def lookup(seq: int, start: int | None, end: int | None, types: tuple[str, ...]) -> str | None:
            if start is None or end is None:
                return None
            return first_entity_inside(mention_of.get(ids[seq], {}).values(), Span(start, end), types)

        quotes = [(lookup(seq, s, e, ("PERS", "ORG")), seq, n) for seq in affected
                  for n, s, e in inputs.quotes.get(seq, ())]
        sources = [(None if anonymous else lookup(seq, s, e, ("ORG", "PERS")), seq, n) for seq in affected
                   for n, s, e, anonymous in inputs.attributions.get(seq, ())]
        rows = {eid: _entity_row(after) for eid, _, after in changed if after is not None}
        with self.transaction() as c:
            if first:  # compare with the tables
                old_rows = {r[0]: tuple(r[1:]) for r in c.execute(
                    "SELECT id, type, name, name_en, variants, n_mentions FROM entities")}
                old_links = {(r[0], r[1], r[2]): r[3] for r in c.execute(
                    "SELECT entity, article, start, \"end\" FROM entity_mentions")}
                gone = [eid for eid in old_rows if eid not in by_eid]
            else:
                old_rows = {eid: _entity_row(before) for eid, before, _ in changed if before is not None}
                gone = [eid for eid, _, after in changed if after is None]
            # only what changed is written: a run adds a few percent to a large store
            c.executemany("INSERT INTO entities (id, type, name, name_en, variants, n_mentions) VALUES (?, ?, ?, ?,"
                          " ?, ?) ON CONFLICT (id) DO UPDATE SET type = excluded.type, name = excluded.name,"
                          " name_en = excluded.name_en, variants = excluded.variants,"
                          " n_mentions = excluded.n_mentions",
                          [(eid, *row) for eid, row in rows.items() if old_rows.get(eid) != row])
            speakers, sources_now = inputs.speakers, inputs.sources
            c.executemany("UPDATE quotes SET speaker = ? WHERE article = ? AND n = ?",
                          [q for q in quotes if speakers.get((q[1], q[2])) != q[0]])
            c.executemany("UPDATE attributions SET source = ? WHERE article = ? AND n = ?",
                          [a for a in sources if sources_now.get((a[1], a[2])) != a[0]])
            c.executemany("DELETE FROM entity_mentions WHERE entity = ? AND article = ? AND start = ?",
                          [k for k, end in old_links.items() if new_links.get(k) != end])
            c.executemany("INSERT INTO entity_mentions (entity, article, start, \"end\") VALUES (?, ?, ?, ?)",
                          [(*k, end) for k, end in new_links.items() if old_links.get(k) != end])
            c.executemany("DELETE FROM entities WHERE id = ?", [(eid,) for eid in gone])
            c.execute("INSERT INTO meta VALUES ('entities_seq', ?) ON CONFLICT (key) DO UPDATE SET"
                      " value = excluded.value", (str(max(ids, default=0)),))
        speakers.update(((seq, n), eid) for eid, seq, n in quotes)
        sources_now.update(((seq, n), eid) for eid, seq, n in sources)
        n_links = len(new_links) if first else inputs.written_counts[1] + len(new_links) - len(old_links)
        inputs.written, inputs.written_counts = by_eid, (len(by_eid), n_links)
        inputs.data_version = self._data_version()
        self._entity_cache = inputs
        return len(by_eid)

    def _data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _written_alone(self) -> bool:
        """No other connection has committed since the last ``refresh_entities`` (SQLite's data version changes
        with other connections' commits only): the checks that count whole tables (a third of a second each at
        100k articles) are skipped."""
        inputs = self._entity_cache
        return inputs is not None and inputs.data_version == self._data_version()

    # ------------------------------------------------------------------ reads
    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else article_from_row(row)

    def articles_after(self, seq: int) -> Iterator[Article]:
        """Stored articles after ``seq``, in ingest order (the cross-document replay)."""
        last = seq
        while True:
            rows = self.conn.execute("SELECT * FROM articles WHERE seq > ? ORDER BY seq LIMIT 200",
                                     (last,)).fetchall()
            if not rows:
                return
            for row in rows:
                yield article_from_row(row)
            last = int(rows[-1]["seq"])

    def count(self, table: str) -> int:
        if table not in {"articles", "stories", "entities", "reuse", "quotes", "errors", "mentions"}:
            raise ValueError(f"unknown table {table}")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _grown(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """``after`` is ``before`` with mentions added at the end (and perhaps new variants or counts)."""
    n = len(before["mentions"])
    return (before["type"] == after["type"] and len(after["mentions"]) > n
            and after["mentions"][:n] == before["mentions"])


def _entity_row(e: dict[str, Any]) -> tuple[Any, ...]:
    """An entity's row in ``entities`` (without its id)."""
    return e["type"], e["name"], e.get("name_en"), json.dumps(e["variants"], ensure_ascii=False), len(e["mentions"])


@dataclass
class _EntityInputs:
    """The entity merge as of article ``seq`` and what the last ``refresh_entities`` wrote (see
    ``Store._entity_inputs``)."""

    merger: Any  # marsad.stages.entities.EntityMerger
    seq: int = 0
    counts: tuple[int, int, int] = (0, 0, 0)
    ids: dict[int, str] = field(default_factory=dict)  # article seq -> id
    seq_of: dict[str, int] = field(default_factory=dict)  # article id -> seq
    back: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)  # (id, offset there) -> raw span
    # entity id -> entity (the merger's dict) as written last; None before the first write
    written: dict[str, dict[str, Any]] | None = None
    written_counts: tuple[int, int] = (0, 0)  # entity rows and mention links it left (a check: see refresh)
    data_version: int = -1  # the connection's ``PRAGMA data_version`` when it was left
    bases: dict[str, list[Any]] = field(default_factory=dict)  # id hash -> its entity keys, by first mention
    base_of: dict[Any, str] = field(default_factory=dict)  # entity key -> its id hash
    # article id -> mention offset in its surfaces -> (raw start, raw end, entity id, entity type)
    mention_of: dict[str, dict[int, tuple[int, int, str, str]]] = field(default_factory=dict)
    quotes: dict[int, list[tuple[int, Any, Any]]] = field(default_factory=dict)  # seq -> (n, speaker span)
    speakers: dict[tuple[int, int], str | None] = field(default_factory=dict)  # (seq, n) -> stored speaker
    attributions: dict[int, list[tuple[int, Any, Any, bool]]] = field(default_factory=dict)  # (n, span, anonymous)
    sources: dict[tuple[int, int], str | None] = field(default_factory=dict)  # (seq, n) -> stored source
