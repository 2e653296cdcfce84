"""Read queries over a store, returning SPEC-shaped dicts (the CLI, the JSON API and the pages share them).

All SQL here is parameterised; page sizes are clamped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .. import SPEC_VERSION, __version__
from ..account import build_account
from ..groups import Groups
from .gateway import Store
from .records import article_dict_from_row

MAX_PAGE = 200


def page_args(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(int(limit), MAX_PAGE)), max(0, int(offset))


def _span(article: str, start: int, end: int) -> dict[str, Any]:
    return {"article": article, "start": start, "end": end}


def independent_sources(store: Store, story_id: str) -> int:
    """Distinct origins among the story's outlets: outlets linked by a reuse passage (one copied the other, or
    both a wire) count once (SPEC ``independent_sources``)."""
    rows = store.conn.execute(
        "SELECT DISTINCT m.article, coalesce(a.outlet, a.id) FROM story_members m JOIN articles a ON a.seq ="
        " m.article WHERE m.story = ?", (story_id,)).fetchall()
    outlet_of = {int(r[0]): r[1] for r in rows}
    index = {o: i for i, o in enumerate(sorted(set(outlet_of.values())))}
    groups = Groups(len(index))
    if len(index) > 1:
        for a, b in store.conn.execute(
                "SELECT DISTINCT r.a_article, r.b_article FROM reuse r JOIN story_members ma ON ma.article ="
                " r.a_article AND ma.story = ?1 JOIN story_members mb ON mb.article = r.b_article AND mb.story = ?1",
                (story_id,)):
            if a in outlet_of and b in outlet_of:
                groups.union(index[outlet_of[a]], index[outlet_of[b]])
    return len(groups.members)


def story_sources(store: Store, story_id: str) -> int:
    """A story's independent-source count for lists: the most independent origins behind any one of its facts
    (from the kept account), else the origins among its outlets (``independent_sources``)."""
    row = store.conn.execute("SELECT data FROM story_accounts WHERE story = ?", (story_id,)).fetchone()
    return _sources(store, story_id, None if row is None else row[0])


def _sources(store: Store, story_id: str, account: str | None) -> int:
    """``story_sources`` from the kept account's JSON (None: none kept), already read."""
    facts = json.loads(account)["facts"] if account is not None else []
    if facts:
        return max(int(f["independent_sources"]) for f in facts)
    return independent_sources(store, story_id)


def stories(store: Store, limit: int = 20, offset: int = 0, min_articles: int = 1) -> tuple[list[dict[str, Any]], int]:
    """Latest stories first (newest date, then newest article), with outlet and independent-source counts."""
    limit, offset = page_args(limit, offset)
    total = int(store.conn.execute("SELECT count(*) FROM stories WHERE n_articles >= ?", (min_articles,)).fetchone()[0])
    rows = store.conn.execute(
        "SELECT * FROM stories WHERE n_articles >= ? ORDER BY coalesce(end_date, '') DESC, last_seq DESC LIMIT ?"
        " OFFSET ?", (min_articles, limit, offset)).fetchall()
    # the page's outlets and kept accounts in one query each, not one per story
    ids = [r["id"] for r in rows]
    outlets: dict[str, list[str]] = {sid: [] for sid in ids}
    for sid, outlet in store.conn.execute(
            f"SELECT DISTINCT m.story, a.outlet FROM story_members m JOIN articles a ON a.seq = m.article WHERE"
            f" m.story IN ({_in(ids)}) AND a.outlet IS NOT NULL ORDER BY m.story, a.outlet", ids):
        outlets[sid].append(outlet)
    accounts = dict(store.conn.execute(f"SELECT story, data FROM story_accounts WHERE story IN ({_in(ids)})", ids)
                    .fetchall())
    return [{"id": r["id"], "label": r["label"], "start_date": r["start_date"], "end_date": r["end_date"],
             "articles": r["n_articles"], "outlets": outlets[r["id"]], "n_outlets": r["n_outlets"],
             "independent_sources": _sources(store, r["id"], accounts.get(r["id"]))} for r in rows], total


def _reuse_dict(r: Any, ids: dict[int, str]) -> dict[str, Any]:
    return {"a": {**_span(ids[r["a_article"]], r["a_start"], r["a_end"]), "unit": r["a_unit"]},
            "b": {**_span(ids[r["b_article"]], r["b_start"], r["b_end"]), "unit": r["b_unit"]},
            "kind": r["kind"], "score": r["score"], "earlier": r["earlier"], "words": r["words"]}


def _quote_dict(r: Any, ids: dict[int, str]) -> dict[str, Any]:
    aid = ids[r["article"]]
    return {**_span(aid, r["start"], r["end"]), "kind": r["kind"], "speaker": r["speaker"],
            "speaker_text": r["speaker_text"], "cue": _span(aid, r["cue_start"], r["cue_end"])}


def _in(seqs: list[int]) -> str:
    return ",".join("?" * len(seqs))  # placeholders only: the values are bound


def dossier_of(store: Store, seqs: list[int], story_rows: list[Any] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """A SPEC dossier restricted to the articles ``seqs`` (and the given stories)."""
    c = store.conn
    rows = c.execute(f"SELECT * FROM articles WHERE seq IN ({_in(seqs)}) ORDER BY coalesce(published, ''), seq",
                     seqs).fetchall()
    ids = {int(r["seq"]): r["id"] for r in rows}
    articles = [article_dict_from_row(r) for r in rows]
    entities: dict[str, dict[str, Any]] = {}
    for r in c.execute(f"SELECT e.*, m.article, m.start, m.\"end\" FROM entity_mentions m JOIN entities e ON e.id ="
                       f" m.entity WHERE m.article IN ({_in(seqs)}) ORDER BY m.article, m.start", seqs):
        e = entities.get(r["id"])
        if e is None:
            e = entities[r["id"]] = {"id": r["id"], "type": r["type"], "name": r["name"],
                                     "variants": json.loads(r["variants"]), "mentions": []}
            if r["name_en"]:
                e["name_en"] = r["name_en"]
        e["mentions"].append(_span(ids[r["article"]], r["start"], r["end"]))
    quotes = [_quote_dict(r, ids) for r in c.execute(
        f"SELECT * FROM quotes WHERE article IN ({_in(seqs)}) ORDER BY article, n", seqs)]
    attributions = []
    texts = {a["id"]: a["text"] for a in articles}
    for r in c.execute(f"SELECT * FROM attributions WHERE article IN ({_in(seqs)}) ORDER BY article, n", seqs):
        aid = ids[r["article"]]
        attributions.append({**_span(aid, r["start"], r["end"]), "source": r["source"],
                             "source_text": texts[aid][r["source_start"]:r["source_end"]],
                             "cue": _span(aid, r["cue_start"], r["cue_end"]), "anonymous": bool(r["anonymous"])})
    times = [{**_span(ids[r["article"]], r["start"], r["end"]), "value": r["value"], "granularity": r["granularity"],
              "anchor": r["anchor"]}
             for r in c.execute(f"SELECT * FROM times WHERE article IN ({_in(seqs)}) ORDER BY article, n", seqs)]
    reuse = [_reuse_dict(r, ids) for r in c.execute(
        f"SELECT * FROM reuse WHERE a_article IN ({_in(seqs)}) AND b_article IN ({_in(seqs)})"
        " ORDER BY a_article, a_start, b_article, b_start", seqs + seqs)]
    story_dicts = []
    outlets = sorted({a["outlet"] for a in articles if a["outlet"]})
    for s in story_rows:
        members = [{**_span(ids[m["article"]], m["start"], m["end"]), "unit": m["unit"]} for m in c.execute(
            "SELECT * FROM story_members WHERE story = ? ORDER BY article, start", (s["id"],)) if m["article"] in ids]
        story_dicts.append({"id": s["id"], "label": s["label"], "members": members, "start_date": s["start_date"],
                            "end_date": s["end_date"], "outlets": outlets, "summary": [], "timeline": [],
                            "facts": [], "independent_sources": story_sources(store, s["id"])})
    return {"marsad_version": __version__, "spec_version": SPEC_VERSION, "articles": articles,
            "entities": list(entities.values()), "quotes": quotes, "attributions": attributions, "times": times,
            "reuse": reuse, "stories": story_dicts, "errors": []}


def story(store: Store, story_id: str, max_articles: int = 500) -> dict[str, Any] | None:
    """The story's dossier: its articles with every annotation; summary/timeline/facts where
    ``marsad.account.build_accounts`` is available."""
    d = _story_dossier(store, story_id, max_articles)
    if d is None:
        return None
    story_dict = d["stories"][0]
    cached = store.cached_account(story_id, account_fingerprint(d))
    if cached is not None:
        story_dict.update(cached)
    else:  # built after the last ingest run changed the links: build it now (not stored: readers never write)
        build_account(d, story_dict)
    return d


def _story_dossier(store: Store, story_id: str, max_articles: int = 500) -> dict[str, Any] | None:
    """``story`` without the account (summary, timeline and facts left empty)."""
    row = store.conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    seqs = [int(r[0]) for r in store.conn.execute(
        "SELECT DISTINCT article FROM story_members WHERE story = ? ORDER BY article LIMIT ?",
        (story_id, max_articles))]
    return dossier_of(store, seqs, [row])


def account_fingerprint(d: dict[str, Any]) -> str:
    """What a story's account is built from besides the texts (which never change): its members and the entity,
    speaker and source links inside them. Equal fingerprints give the same account."""
    import hashlib

    story = d["stories"][0]
    key = [[(m["article"], m["start"], m["end"]) for m in story["members"]],
           sorted((m["article"], m["start"], e["id"]) for e in d["entities"] for m in e["mentions"]),
           [(q["article"], q["start"], q["speaker"]) for q in d["quotes"]],
           [(a["article"], a["start"], a["source"]) for a in d["attributions"]]]
    return hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()


class _GivenVectors:
    """An encoder for ``built_account`` in a worker: the vectors the ingest process had for the story's sentences,
    sent with the dossier (the same floats a serial run uses), and the default encoder for any other text."""

    def __init__(self, known: dict[str, Any]) -> None:
        self.known = known

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        missing = list(dict.fromkeys(t for t in texts if t not in self.known))
        if missing:
            from ..vectors import default_encoder

            self.known.update(zip(missing, default_encoder().encode(missing), strict=True))
        return np.array([self.known[t] for t in texts], np.float32).reshape(len(texts), -1)


def built_account(job: tuple[dict[str, Any], dict[str, Any] | None]) -> dict[str, Any]:
    """The account (summary, timeline, facts) of the story of a ``_story_dossier`` dossier: a pure function of
    the dossier (and the sentence vectors sent with it), so worker processes can build accounts while the ingest
    process reads and writes."""
    d, known = job
    story_dict = d["stories"][0]
    build_account(d, story_dict, None if known is None else _GivenVectors(known))
    return {k: story_dict[k] for k in ("summary", "timeline", "facts")}


def refresh_accounts(store: Store, story_ids: set[str], pmap: Callable[..., Iterable[Any]] = map,
                     batch: int = 64, encoder: Any = None) -> int:
    """Build and keep the accounts of ``story_ids`` and of every story whose kept account is missing or stale.
    ``pmap``: how ``built_account`` is mapped over dossiers (a process pool's ``map``; in order); ``encoder``: the
    ingest's sentence encoder, whose kept vectors of the stories' sentences go with the dossiers to the pool."""
    todo = sorted(set(story_ids) | set(store.stories_without_account()))
    cache = getattr(encoder, "cache", None)

    def save(items: list[tuple[str, dict[str, Any], str, Any]], built: Iterator[Any]) -> None:
        # one commit for the batch's accounts (a commit each was most of the time their writing took)
        outer = store.in_batch
        store.begin_batch()
        try:
            for sid, d, fingerprint, cached in items:
                s = d["stories"][0]
                s.update(cached if cached is not None else next(built))
                store.save_account(sid, len(s["members"]), fingerprint, s)
        finally:
            if not outer:
                store.end_batch()

    pending = None
    for k in range(0, len(todo), batch):  # two batches of dossiers in memory at a time
        items = []
        for sid in todo[k:k + batch]:
            d = _story_dossier(store, sid)
            if d is None:
                continue
            fingerprint = account_fingerprint(d)
            items.append((sid, d, fingerprint, store.cached_account(sid, fingerprint)))
        jobs = []
        for _, d, _, cached in items:
            if cached is None:
                known = None if cache is None else {
                    t: cache[t] for a in d["articles"] for s, e in a["sentences"] if (t := a["text"][s:e]) in cache}
                jobs.append((d, known))
        # a pool's map sends the jobs out now: they are built while this process saves the previous batch and
        # reads the next one (the builtin map builds them as they are saved)
        built = iter(pmap(built_account, jobs))
        if pending is not None:
            save(*pending)
        pending = (items, built)
    if pending is not None:
        save(*pending)
    return len(todo)


def article(store: Store, article_id: str) -> dict[str, Any] | None:
    seq = store.seq_of(article_id)
    if seq is None:
        return None
    d = dossier_of(store, [seq])
    a = d["articles"][0]
    a["stories"] = [{"id": r["id"], "label": r["label"], "unit": r["unit"]} for r in store.conn.execute(
        "SELECT s.id, s.label, m.unit FROM story_members m JOIN stories s ON s.id = m.story WHERE m.article = ?",
        (seq,))]
    a["entities"] = d["entities"]
    a["quotes"] = d["quotes"]
    a["times"] = d["times"]
    a["attributions"] = d["attributions"]
    rows = store.conn.execute("SELECT * FROM reuse WHERE a_article = ?1 OR b_article = ?1 ORDER BY a_article,"
                              " a_start", (seq,)).fetchall()
    linked = sorted({x for r in rows for x in (r["a_article"], r["b_article"])})  # the other side's ids, at once
    ids = {int(r[0]): r[1] for r in store.conn.execute(f"SELECT seq, id FROM articles WHERE seq IN ({_in(linked)})",
                                                       linked)}
    a["reuse"] = [_reuse_dict(r, ids) for r in rows]
    return a


def entities(store: Store, limit: int = 50, offset: int = 0, type: str | None = None,
             q: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """Entities, most mentioned first."""
    limit, offset = page_args(limit, offset)
    where, args = ["1"], []
    if type:
        where.append("type = ?")
        args.append(type)
    if q:
        where.append("(name LIKE ? OR variants LIKE ?)")
        args += [f"%{q[:100]}%"] * 2
    cond = " AND ".join(where)
    total = int(store.conn.execute(f"SELECT count(*) FROM entities WHERE {cond}", args).fetchone()[0])
    rows = store.conn.execute(f"SELECT * FROM entities WHERE {cond} ORDER BY n_mentions DESC, id LIMIT ? OFFSET ?",
                              [*args, limit, offset]).fetchall()
    return [{"id": r["id"], "type": r["type"], "name": r["name"], "name_en": r["name_en"],
             "variants": json.loads(r["variants"]), "mentions": r["n_mentions"]} for r in rows], total


def entity(store: Store, entity_id: str, limit: int = 50, offset: int = 0) -> dict[str, Any] | None:
    """An entity with its quotes (as speaker) and the stories it is mentioned in, paginated together."""
    limit, offset = page_args(limit, offset)
    c = store.conn
    r = c.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if r is None:
        return None
    quote_rows = c.execute("SELECT q.*, a.id AS article_id, a.text, a.outlet, a.published, a.title FROM quotes q"
                           " JOIN articles a ON a.seq = q.article WHERE q.speaker = ? ORDER BY"
                           " coalesce(a.published, '') DESC, q.article, q.n LIMIT ? OFFSET ?",
                           (entity_id, limit, offset)).fetchall()
    n_quotes = int(c.execute("SELECT count(*) FROM quotes WHERE speaker = ?", (entity_id,)).fetchone()[0])
    quotes = [{**_quote_dict(q, {q["article"]: q["article_id"]}), "text": q["text"][q["start"]:q["end"]],
               "outlet": q["outlet"], "published": q["published"], "title": q["title"]} for q in quote_rows]
    story_rows = c.execute(
        "SELECT s.*, count(*) AS n FROM entity_mentions em JOIN story_members m ON m.article = em.article AND"
        " em.start >= m.start AND em.\"end\" <= m.\"end\" JOIN stories s ON s.id = m.story WHERE em.entity = ?"
        " GROUP BY s.id ORDER BY coalesce(s.end_date, '') DESC, s.last_seq DESC LIMIT ? OFFSET ?",
        (entity_id, limit, offset)).fetchall()
    n_stories = int(c.execute(
        "SELECT count(DISTINCT m.story) FROM entity_mentions em JOIN story_members m ON m.article = em.article AND"
        " em.start >= m.start AND em.\"end\" <= m.\"end\" WHERE em.entity = ?", (entity_id,)).fetchone()[0])
    return {"id": r["id"], "type": r["type"], "name": r["name"], "name_en": r["name_en"],
            "variants": json.loads(r["variants"]), "mentions": r["n_mentions"],
            "quotes": quotes, "quotes_total": n_quotes,
            "stories": [{"id": s["id"], "label": s["label"], "start_date": s["start_date"],
                         "end_date": s["end_date"], "mentions": s["n"]} for s in story_rows],
            "stories_total": n_stories}


def activity(store: Store, days: int = 30) -> dict[str, Any]:
    """Articles per outlet per day over the last ``days`` days that have articles (front-page chart)."""
    c = store.conn
    dates = [r[0] for r in c.execute(
        "SELECT DISTINCT substr(published, 1, 10) AS d FROM articles WHERE published IS NOT NULL ORDER BY d DESC"
        " LIMIT ?", (max(1, min(days, 366)),))][::-1]
    counts: dict[str, dict[str, int]] = {}
    if dates:
        for r in c.execute("SELECT coalesce(outlet, '?'), substr(published, 1, 10), count(*) FROM articles WHERE"
                           " substr(published, 1, 10) >= ? GROUP BY 1, 2", (dates[0],)):
            counts.setdefault(r[0], {})[r[1]] = int(r[2])
    return {"dates": dates, "outlets": counts}


def export_rows(store: Store, batch: int = 200) -> Any:
    """Every article as a SPEC dossier of its own (articles + annotations), in ingest order."""
    last = 0
    while True:
        seqs = [int(r[0]) for r in store.conn.execute("SELECT seq FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                                                      (last, batch))]
        if not seqs:
            return
        for seq in seqs:
            d = dossier_of(store, [seq])
            a = d["articles"][0]
            a.update({k: d[k] for k in ("entities", "quotes", "attributions", "times", "reuse")})
            a["stories"] = [r[0] for r in store.conn.execute(
                "SELECT DISTINCT story FROM story_members WHERE article = ? ORDER BY story", (seq,))]
            yield a
        last = seqs[-1]


CONTENT_TABLES = ("articles", "mentions", "times", "quotes", "attributions", "reuse", "stories", "story_members",
                  "entities", "entity_mentions", "errors", "meta")


def content_digest(store: Store) -> dict[str, str]:
    """table -> SHA-256 of its rows in a canonical order: two stores with the same content have the same digests.
    The cross-document snapshot (``state``) is a cache of derived data and is left out."""
    import hashlib

    out = {}
    for table in CONTENT_TABLES:
        h = hashlib.sha256()
        n = len(store.conn.execute(f"PRAGMA table_info({table})").fetchall())
        order = ", ".join(str(i) for i in range(1, n + 1))
        for row in store.conn.execute(f"SELECT * FROM {table} ORDER BY {order}"):
            h.update(json.dumps(list(row), ensure_ascii=False).encode("utf-8"))
        out[table] = h.hexdigest()
    return out
