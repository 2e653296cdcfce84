"""``marsad eval quotes --gold FILE``: quotes (P/R/F1, speaker accuracy) and claim attribution (P/R/F1, source
accuracy) against hand-made gold. Matching rules: ``marsad.evaluate.gold``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from .gold import Gold, check_gold, entity_names, load_gold, names_match, run_gold, score_spans
from .ner import eval_app


def evaluate_quotes(gold_path: str | Path, dossier: dict[str, Any] | None = None) -> dict[str, Any]:
    """Scores of the pipeline's quotes and attributions on a gold file (``dossier``: an analysis already run on
    the gold's inputs)."""
    gold: Gold = load_gold(gold_path)
    dossier = dossier if dossier is not None else run_gold(gold)
    problems = check_gold(gold, dossier)
    if problems:
        raise ValueError("the gold does not fit its inputs:\n" + "\n".join(problems[:20]))
    names = entity_names(dossier)

    def speaker_right(g: dict[str, Any], p: dict[str, Any]) -> bool:
        found = [p.get("speaker_text") or "", *names.get(p.get("speaker") or "", [])]
        return names_match([g["speaker"], *g.get("speaker_match", [])], found)

    def describe_quote(q: dict[str, Any]) -> str:
        who = q["speaker"] if "named" in q else (names.get(q["speaker"] or "", [None])[0] or q["speaker_text"])
        return f"{q['kind']}, {who or '?'}"

    quotes, carried = score_spans(gold, dossier, "quotes", dossier["quotes"],
                                  compatible=lambda g, p: g["kind"] == p["kind"], right=speaker_right,
                                  describe=describe_quote, subset=lambda g: bool(g.get("carried")))

    def source_right(g: dict[str, Any], p: dict[str, Any]) -> bool:
        found = [p.get("source_text") or "", *names.get(p.get("source") or "", [])]
        return names_match([g["source"]["text"], *g.get("source_match", [])], found)

    def describe_attr(a: dict[str, Any]) -> str:
        src = a["source"]["text"] if isinstance(a["source"], dict) else a.get("source_text")
        return f"{src}{' (anonymous)' if a['anonymous'] else ''}"

    attributions, _ = score_spans(gold, dossier, "attributions", dossier["attributions"],
                                  compatible=lambda g, p: True, right=source_right, describe=describe_attr)
    anonymous_right = _anonymous_agreement(gold, dossier, source_right)
    return {
        "gold": str(gold.path), "articles": len(gold.articles), "missing_inputs": gold.missing,
        "quotes": {**quotes.prf(), "gold": quotes.gold, "predicted": quotes.pred, "matched": quotes.matched,
                   "speaker_accuracy": quotes.accuracy(),
                   "carried": {"gold": carried.gold, "matched": carried.matched,
                               "speaker_accuracy": carried.accuracy()}},
        "attributions": {**attributions.prf(), "gold": attributions.gold, "predicted": attributions.pred,
                         "matched": attributions.matched, "source_accuracy": attributions.accuracy(),
                         "anonymous_accuracy": anonymous_right},
        "errors": {"quotes": quotes.errors, "attributions": attributions.errors},
    }


def _anonymous_agreement(gold: Gold, dossier: dict[str, Any],
                         prefer: Callable[[dict[str, Any], dict[str, Any]], bool]) -> float:
    from .gold import _by_article, match

    preds = _by_article(dossier["attributions"])
    agree = total = 0
    for aid, entry in gold.articles.items():
        g_items, p_items = entry.get("attributions", []), preds.get(aid, [])
        for i, j in match(g_items, p_items, prefer=prefer):
            total += 1
            agree += g_items[i]["anonymous"] == p_items[j]["anonymous"]
    return round(agree / total, 4) if total else 0.0


def print_errors(errors: dict[str, dict[str, list[str]]]) -> None:
    for layer, by_article in errors.items():
        for aid, messages in by_article.items():
            for m in messages:
                typer.echo(f"{layer:<12} {aid:<14} {m}")


def emit_json_or_errors(result: dict[str, Any], as_json: bool, verbose: bool) -> bool:
    """Shared front of ``eval quotes|time``: the JSON object (True: done), or the error list before a table."""
    errors = result.pop("errors")
    if as_json:
        if verbose:
            result["errors"] = errors
        typer.echo(json.dumps(result, ensure_ascii=False))
        return True
    if verbose:
        print_errors(errors)
    return False


@eval_app.command("quotes")
def eval_quotes(
    gold: Annotated[Path, typer.Option("--gold", exists=True, dir_okay=False,
                                       help="Gold file (tests/gold/README.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every miss, extra and wrong speaker.")] = False,
) -> None:
    """Quote precision/recall/F1 and speaker accuracy; attribution precision/recall/F1 and source accuracy."""
    from rich.console import Console
    from rich.table import Table

    result = evaluate_quotes(gold)
    if emit_json_or_errors(result, as_json, verbose):
        return
    q, a = result["quotes"], result["attributions"]
    table = Table(title=f"quotes and attributions: {result['articles']} articles ({gold})")
    for col in ("layer", "gold", "predicted", "matched", "P", "R", "F1", "accuracy"):
        table.add_column(col, justify="left" if col == "layer" else "right")
    table.add_row("quotes", str(q["gold"]), str(q["predicted"]), str(q["matched"]), f"{q['precision']:.3f}",
                  f"{q['recall']:.3f}", f"{q['f1']:.3f}", f"speaker {q['speaker_accuracy']:.3f}")
    table.add_row("  carried-over", str(q["carried"]["gold"]), "", str(q["carried"]["matched"]), "", "", "",
                  f"speaker {q['carried']['speaker_accuracy']:.3f}")
    table.add_row("attributions", str(a["gold"]), str(a["predicted"]), str(a["matched"]), f"{a['precision']:.3f}",
                  f"{a['recall']:.3f}", f"{a['f1']:.3f}",
                  f"source {a['source_accuracy']:.3f}, anonymous {a['anonymous_accuracy']:.3f}")
    console = Console()
    Console(width=max(console.width, 110)).print(table)  # no wrapped columns in a pipe
    if result["missing_inputs"]:
        typer.echo(f"not found (left out): {', '.join(result['missing_inputs'])}", err=True)
