"""The ``marsad`` command: a thin layer over the library (``marsad.analyze``)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .analyze import Dossier, analyze
from .errors import CODES, ErrorRecord, MarsadError
from .evaluate import quotes as _eval_quotes  # noqa: F401  (register their commands)
from .evaluate.ner import eval_app
from .evaluate.quotes import eval_quotes
from .evaluate.time import eval_time
from .ingest import collect_files
from .options import DEFAULT_OPTIONS, Options
from .render.html import render_html, render_story_html
from .render.json import dumps
from .render.markdown import render_markdown, render_story_markdown
from .store.cli import register as _register_store

app = typer.Typer(
    name="marsad",
    help="marsad (مرصد): Arabic multi-source news intelligence — one sourced account per story.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(eval_app, name="eval")  # ner, quotes and time: each module adds its command to eval_app on import
EVAL_COMMANDS = (eval_quotes, eval_time)
err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"marsad {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """marsad (مرصد): Arabic multi-source news intelligence."""


def _setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.WARNING if not verbose else logging.DEBUG
    if quiet:
        level = logging.ERROR
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def write_outputs(dossier: Dossier, out: Path) -> dict[str, Path]:
    """``dossier.json``, ``dossier.md`` and ``dossier.html`` in ``out``; one page per story in ``out/stories``."""
    out.mkdir(parents=True, exist_ok=True)
    data = dossier.to_dict()
    paths = {"json": out / "dossier.json", "md": out / "dossier.md", "html": out / "dossier.html"}
    paths["json"].write_bytes(dumps(data))
    paths["md"].write_text(render_markdown(data), encoding="utf-8")
    paths["html"].write_text(render_html(data), encoding="utf-8")
    if data["stories"]:
        stories = out / "stories"
        stories.mkdir(exist_ok=True)
        for story in data["stories"]:
            name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in str(story["id"]))
            (stories / f"{name}.html").write_text(render_story_html(data, story["id"]), encoding="utf-8")
            (stories / f"{name}.md").write_text(render_story_markdown(data, story["id"]), encoding="utf-8")
        paths["stories"] = stories
    return paths


@app.command("analyze")
def analyze_command(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for dossier.json, dossier.md, dossier.html.")] = Path(
        "marsad-out"
    ),
    json_to: Annotated[str | None, typer.Option("--json", help="Also write the JSON here; '-' for stdout.")] = None,
    max_bytes: Annotated[int, typer.Option(help="Refuse inputs larger than this (E006).")] = DEFAULT_OPTIONS.max_bytes,
    recursive: Annotated[bool, typer.Option("--recursive/--no-recursive", help="Search folders recursively.")] = True,
    clean: Annotated[bool, typer.Option("--clean/--no-clean", help="Mark boilerplate as removed spans.")] = True,
    stories: Annotated[bool, typer.Option("--stories/--no-stories",
                                          help="Find reuse passages and stories across the articles.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print debug details.")] = False,
) -> None:
    """Analyse articles and write the dossier (JSON, Markdown, right-to-left HTML).

    Exit status: 0 when at least one article was analysed, 2 when none was.
    """
    _setup_logging(quiet, verbose)
    options = Options(max_bytes=max_bytes, recursive=recursive, clean=clean, cross_document=stories)
    total = len(collect_files(inputs, options)[0])
    show_progress = not quiet and total > 1

    def report(record: ErrorRecord) -> None:
        err.print(f"[red]{record.code}[/red] {record.input}: {record.message} ({CODES[record.code][0]})",
                  highlight=False, markup=True, soft_wrap=True)

    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not show_progress) as progress:
            task = progress.add_task("analysing", total=total)

            def on_file(path: Path, results: list[object]) -> None:
                progress.update(task, advance=1, description=f"analysing {path.name}")

            dossier = analyze(inputs, options, on_file=on_file)
    except MarsadError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    for record in dossier.errors:
        report(record)
    paths = write_outputs(dossier, out)
    if json_to == "-":
        sys.stdout.buffer.write(dumps(dossier.to_dict()) + b"\n")
        sys.stdout.flush()
    elif json_to:
        Path(json_to).write_bytes(dumps(dossier.to_dict()))
    if not quiet and json_to != "-":
        parts = sum(len(a.parts) for a in dossier.articles)
        removed = sum(len(a.removed) for a in dossier.articles)
        err.print(
            f"{len(dossier.articles)} article(s), {parts} glued part(s), {removed} removed span(s), "
            f"{len(dossier.reuse)} reuse passage(s), {len(dossier.stories)} stories, {len(dossier.errors)} error(s)"
            f" -> {paths['json']}, {paths['md'].name}, {paths['html'].name}",
            highlight=False,
        )
    if not dossier.articles:
        err.print("[red]no article could be analysed[/red]")
        raise typer.Exit(2)


_register_store(app)  # ingest, stories, story, search, entities, export, serve, watch


def main() -> None:
    app()


if __name__ == "__main__":
    main()
