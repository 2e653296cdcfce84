"""The store's schema as numbered migrations (``PRAGMA user_version`` holds how many have run).

Never edit a migration that has shipped: add the next one. Each runs in its own transaction.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: articles with their annotations, reuse links, stories, entities, search index, cross-document state
    """
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,            -- ingest order: the cross-document state replays in this order
        id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,  -- identity: the same text again is the same article
        input TEXT NOT NULL,
        outlet TEXT,
        url TEXT,
        published TEXT,
        title TEXT,
        language TEXT,
        format TEXT NOT NULL,
        chars INTEGER NOT NULL,
        text TEXT NOT NULL,                 -- raw text, never rewritten
        layers TEXT NOT NULL                -- JSON: every span layer (marsad.store.records)
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_outlet ON articles(outlet);

    CREATE TABLE mentions (
        article INTEGER NOT NULL REFERENCES articles(seq), n INTEGER NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        type TEXT NOT NULL, unit TEXT NOT NULL, surface TEXT NOT NULL,
        PRIMARY KEY (article, n)
    ) WITHOUT ROWID;

    CREATE TABLE times (
        article INTEGER NOT NULL REFERENCES articles(seq), n INTEGER NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        value TEXT, granularity TEXT NOT NULL, anchor TEXT NOT NULL,
        PRIMARY KEY (article, n)
    ) WITHOUT ROWID;

    -- speaker / source are entity ids, set when entities are (re)computed
    CREATE TABLE quotes (
        article INTEGER NOT NULL REFERENCES articles(seq), n INTEGER NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        kind TEXT NOT NULL, cue_start INTEGER NOT NULL, cue_end INTEGER NOT NULL,
        speaker_start INTEGER, speaker_end INTEGER, speaker_text TEXT NOT NULL,
        speaker TEXT REFERENCES entities(id) ON DELETE SET NULL,
        PRIMARY KEY (article, n)
    ) WITHOUT ROWID;
    CREATE INDEX quotes_speaker ON quotes(speaker);

    CREATE TABLE attributions (
        article INTEGER NOT NULL REFERENCES articles(seq), n INTEGER NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        source_start INTEGER NOT NULL, source_end INTEGER NOT NULL,
        cue_start INTEGER NOT NULL, cue_end INTEGER NOT NULL, anonymous INTEGER NOT NULL,
        source TEXT REFERENCES entities(id) ON DELETE SET NULL,
        PRIMARY KEY (article, n)
    ) WITHOUT ROWID;

    CREATE TABLE reuse (
        a_article INTEGER NOT NULL REFERENCES articles(seq),
        a_unit TEXT NOT NULL, a_start INTEGER NOT NULL, a_end INTEGER NOT NULL,
        b_article INTEGER NOT NULL REFERENCES articles(seq),
        b_unit TEXT NOT NULL, b_start INTEGER NOT NULL, b_end INTEGER NOT NULL,
        kind TEXT NOT NULL, score REAL NOT NULL, earlier TEXT, words INTEGER NOT NULL,
        PRIMARY KEY (a_article, a_start, b_article, b_start, kind)
    ) WITHOUT ROWID;
    CREATE INDEX reuse_b ON reuse(b_article);

    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        start_date TEXT, end_date TEXT,
        n_articles INTEGER NOT NULL,
        n_outlets INTEGER NOT NULL,
        last_seq INTEGER NOT NULL            -- newest article: "latest stories" order
    );
    CREATE INDEX stories_latest ON stories(end_date, last_seq);

    CREATE TABLE story_members (
        unit TEXT PRIMARY KEY,               -- the article id, or a glued part's id
        story TEXT NOT NULL REFERENCES stories(id),
        article INTEGER NOT NULL REFERENCES articles(seq),
        start INTEGER NOT NULL, "end" INTEGER NOT NULL
    );
    CREATE INDEX story_members_story ON story_members(story);
    CREATE INDEX story_members_article ON story_members(article);

    CREATE TABLE entities (
        id TEXT PRIMARY KEY,                 -- stable: derived from the entity's name key, not its rank
        type TEXT NOT NULL, name TEXT NOT NULL, name_en TEXT,
        variants TEXT NOT NULL,              -- JSON list
        n_mentions INTEGER NOT NULL
    );
    CREATE TABLE entity_mentions (
        entity TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        article INTEGER NOT NULL REFERENCES articles(seq),
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        PRIMARY KEY (entity, article, start)
    ) WITHOUT ROWID;
    CREATE INDEX entity_mentions_article ON entity_mentions(article);

    CREATE TABLE errors (
        input TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL,
        PRIMARY KEY (input, code, message)
    ) WITHOUT ROWID;

    -- a snapshot of the cross-document state (reuse index + stories) as of article seq; later articles replay
    CREATE TABLE state (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, data BLOB NOT NULL);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    -- normalized text (alef/ya/ta marbuta/hamza/diacritics folded); rowid = articles.seq. Contentless: the
    -- raw text lives in articles, and snippets are cut from it through the normalization offset map
    CREATE VIRTUAL TABLE search USING fts5(title, text, content='', tokenize='unicode61 remove_diacritics 0');
    """,
    # 2: each story's account (summary, timeline, facts) as computed after the ingest run that last changed it.
    # A cache of derived data like ``state``: the story page uses it when its fingerprint still matches.
    """
    CREATE TABLE story_accounts (
        story TEXT PRIMARY KEY REFERENCES stories(id),
        n_members INTEGER NOT NULL,          -- cheap staleness check after an ingest run
        fingerprint TEXT NOT NULL,           -- members + entity/speaker links the account was built from
        data TEXT NOT NULL                   -- JSON: {"summary", "timeline", "facts"}
    );
    """,
    # 3: the entity merge deletes every entity row; without this index each deletion scanned all attributions
    # for the ON DELETE SET NULL (quadratic: most of a run's end at 70k articles)
    """
    CREATE INDEX attributions_source ON attributions(source);
    """,
]


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Run the migrations this database has not had yet; returns the version it is at."""
    version = schema_version(conn)
    if version > len(MIGRATIONS):
        raise RuntimeError(f"database schema version {version} is newer than this marsad ({len(MIGRATIONS)})")
    for number in range(version, len(MIGRATIONS)):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) == number:  # another process may have migrated meanwhile
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return schema_version(conn)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own, outside our transaction)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s.strip(" ;\n")]
