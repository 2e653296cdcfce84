"""Store commands (``marsad ingest/stories/story/search/entities/export/serve/watch``): thin layers over the
store, registered on the main app by ``register``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from ..errors import CODES
from ..options import Options
from ..render.json import dumps

err = Console(stderr=True)
DB_OPTION = typer.Option("--db", help="The marsad database (SQLite file).", envvar="MARSAD_DB")
Db = Annotated[Path, DB_OPTION]
FORMAT_HELP = "Output format."


def _open(db: Path, readonly: bool = True):  # type: ignore[no-untyped-def]
    from .gateway import Store

    try:
        return Store(db, readonly=readonly)
    except FileNotFoundError:
        err.print(f"[red]no marsad database at {db}[/red] (create one with `marsad ingest INPUT --db {db}`)")
        raise typer.Exit(2) from None


def ingest_command(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).", show_default=False)],
    db: Db = Path("marsad.db"),
    max_bytes: Annotated[int, typer.Option(help="Refuse inputs larger than this (E006).")] = Options().max_bytes,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    workers: Annotated[int, typer.Option(help="Processes analysing articles while this one links and writes"
                                              " them in input order (0: one per core; 1: none).")] = 0,
) -> None:
    """Add articles to the database: analyse them, link them to stored articles, grow the stories.

    Texts already stored are skipped (re-running the same input changes nothing; an interrupted run resumes).
    Exit status: 0 unless no input could be read.
    """
    from .ingest import Ingester

    store = _open(db, readonly=False)
    with store:
        # how often the cross-document state is snapshotted (articles); tests make it small
        every = int(os.environ.get("MARSAD_CHECKPOINT_EVERY", "500"))
        entities_every = int(os.environ.get("MARSAD_ENTITIES_EVERY", "0"))  # 0: the default
        with Ingester(store, Options(max_bytes=max_bytes, workers=workers), checkpoint_every=every,
                      entities_every=entities_every) as ingester:
            report = ingester.ingest(inputs)
        for e in report.errors:
            err.print(f"[red]{e.code}[/red] {e.input}: {e.message} ({CODES[e.code][0]})", highlight=False)
        if not quiet:
            err.print(f"{len(report.added)} article(s) added, {report.unchanged} already stored, "
                      f"{len(report.errors)} error(s); {len(report.stories)} stories grew; the store holds "
                      f"{store.count('articles')} articles in {store.count('stories')} stories", highlight=False)
        if not report.added and not report.unchanged:
            raise typer.Exit(2)


def stories_command(
    db: Db = Path("marsad.db"),
    limit: Annotated[int, typer.Option(help="Stories per page.")] = 20,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The latest stories, with article, outlet and independent-source counts."""
    from . import read

    with _open(db) as store:
        items, total = read.stories(store, limit, offset)
    if as_json:
        typer.echo(json.dumps({"stories": items, "total": total}, ensure_ascii=False, indent=1))
        return
    for s in items:
        typer.echo(f"{s['id']}\t{s['end_date'] or '-'}\t{s['articles']} articles\t{s['n_outlets']} outlets\t"
                   f"{s['independent_sources']} independent\t{s['label']}")
    err.print(f"{len(items)} of {total} stories", highlight=False)


def story_command(
    story_id: Annotated[str, typer.Argument(help="Story id (from `marsad stories`).")],
    db: Db = Path("marsad.db"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | md | html")] = "json",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """One story's dossier (SPEC JSON, Markdown or right-to-left HTML)."""
    from . import read

    if fmt not in ("json", "md", "html"):
        err.print(f"[red]unknown format {fmt!r}[/red]: use json, md or html")
        raise typer.Exit(2)
    with _open(db) as store:
        d = read.story(store, story_id)
    if d is None:
        err.print(f"[red]no story {story_id!r}[/red]")
        raise typer.Exit(1)
    if fmt == "json":
        data = dumps(d)
    elif fmt == "md":
        from ..render.markdown import render_markdown

        data = render_markdown(d).encode("utf-8")
    else:
        from ..render.html import render_html

        data = render_html(d).encode("utf-8")
    if out is not None:
        out.write_bytes(data)
    else:
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.flush()


def search_command(
    query: Annotated[str, typer.Argument(help="Words to find (any spelling of alef, ya, ta marbuta, diacritics).")],
    db: Db = Path("marsad.db"),
    limit: Annotated[int, typer.Option(help="Results per page.")] = 20,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Full-text search; each result names the article and the raw offsets of the match."""
    from .search import QueryError, search

    with _open(db) as store:
        try:
            hits, total = search(store.conn, query, limit, offset)
        except QueryError as exc:
            err.print(f"[red]bad query[/red]: {exc}")
            raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps({"results": [h.to_dict() for h in hits], "total": total}, ensure_ascii=False,
                              indent=1))
        return
    for h in hits:
        snippet = " ".join(h.snippet.split())
        typer.echo(f"{h.article}\t{h.start}-{h.end}\t{snippet}")
    err.print(f"{len(hits)} of {total} articles", highlight=False)


def entities_command(
    db: Db = Path("marsad.db"),
    type: Annotated[str | None, typer.Option("--type", help="PERS | ORG | LOC | MISC")] = None,
    limit: Annotated[int, typer.Option(help="Entities per page.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Entities across the store, most mentioned first."""
    from . import read

    with _open(db) as store:
        items, total = read.entities(store, limit, offset, type)
    if as_json:
        typer.echo(json.dumps({"entities": items, "total": total}, ensure_ascii=False, indent=1))
        return
    for e in items:
        typer.echo(f"{e['id']}\t{e['type']}\t{e['mentions']}\t{e['name']}")
    err.print(f"{len(items)} of {total} entities", highlight=False)


def export_command(
    db: Db = Path("marsad.db"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl | parquet")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file (required for parquet).")] = None,
) -> None:
    """Every article with its annotations: one JSON object per line, or a Parquet table of articles."""
    from . import read

    if fmt not in ("jsonl", "parquet"):
        err.print(f"[red]unknown format {fmt!r}[/red]: use jsonl or parquet")
        raise typer.Exit(2)
    with _open(db) as store:
        if fmt == "jsonl":
            stream = out.open("wb") if out is not None else sys.stdout.buffer
            try:
                for row in read.export_rows(store):
                    stream.write(orjson.dumps(row) + b"\n")  # one line per article
            finally:
                if out is not None:
                    stream.close()
            return
        if out is None:
            err.print("[red]--out FILE is required for parquet[/red]")
            raise typer.Exit(2)
        export_parquet(store, out)


def export_parquet(store, out: Path, batch: int = 500) -> int:  # type: ignore[no-untyped-def]
    """Articles as Parquet rows: scalar fields as columns, span layers and annotations as JSON strings."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from . import read

    scalar = ["id", "input", "outlet", "url", "published", "title", "language", "format", "content_hash", "text"]
    nested = ["body", "removed", "sentences", "parts", "entities", "quotes", "attributions", "times", "reuse",
              "stories"]
    schema = pa.schema([(k, pa.string()) for k in scalar + nested])
    n = 0
    with pq.ParquetWriter(str(out), schema) as writer:
        rows: list[dict[str, object]] = []
        for a in read.export_rows(store):
            rows.append({**{k: a.get(k) for k in scalar},
                         **{k: json.dumps(a.get(k), ensure_ascii=False) for k in nested}})
            if len(rows) >= batch:
                writer.write_table(pa.Table.from_pylist(rows, schema))
                n += len(rows)
                rows = []
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema))
            n += len(rows)
    return n


def serve_command(
    db: Db = Path("marsad.db"),
    host: Annotated[str, typer.Option(help="Address to bind; only localhost unless you say otherwise.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    ingest_token: Annotated[str | None, typer.Option(
        "--ingest-token", envvar="MARSAD_INGEST_TOKEN",
        help="Enable POST /api/ingest for requests bearing this token (read-only without it).")] = None,
) -> None:
    """Serve the JSON API and the right-to-left pages (FastAPI + uvicorn)."""
    import uvicorn

    from ..web.app import create_app

    if not db.exists():
        _open(db)  # prints the error
    app = create_app(db, ingest_token=ingest_token or os.environ.get("MARSAD_INGEST_TOKEN"))
    uvicorn.run(app, host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    """Add the store commands to the ``marsad`` app."""
    app.command("ingest")(ingest_command)
    app.command("stories")(stories_command)
    app.command("story")(story_command)
    app.command("search")(search_command)
    app.command("entities")(entities_command)
    app.command("export")(export_command)
    app.command("serve")(serve_command)
    try:
        from .watch import watch_command
    except ImportError:  # pragma: no cover - the watcher needs nothing extra, but keep the CLI usable
        return
    app.command("watch")(watch_command)
