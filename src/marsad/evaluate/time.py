"""``marsad eval time --gold FILE``: time expressions recognised (P/R/F1) and resolved to the right value
(accuracy over matched expressions) against hand-made gold. Matching rules: ``marsad.evaluate.gold``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .gold import Gold, check_gold, load_gold, run_gold, score_spans
from .ner import eval_app


def evaluate_times(gold_path: str | Path, dossier: dict[str, Any] | None = None) -> dict[str, Any]:
    """Scores of the pipeline's ``times`` on a gold file (``dossier``: an analysis already run on its inputs)."""
    gold: Gold = load_gold(gold_path)
    dossier = dossier if dossier is not None else run_gold(gold)
    problems = check_gold(gold, dossier)
    if problems:
        raise ValueError("the gold does not fit its inputs:\n" + "\n".join(problems[:20]))
    times, _ = score_spans(gold, dossier, "times", dossier["times"], compatible=lambda g, p: True,
                           right=lambda g, p: g["value"] == p["value"],
                           describe=lambda t: f"{t['value']} {t['granularity']}")
    granularity = _granularity_agreement(gold, dossier)
    return {"gold": str(gold.path), "articles": len(gold.articles), "missing_inputs": gold.missing,
            "times": {**times.prf(), "gold": times.gold, "predicted": times.pred, "matched": times.matched,
                      "resolution_accuracy": times.accuracy(), "granularity_accuracy": granularity},
            "errors": {"times": times.errors}}


def _granularity_agreement(gold: Gold, dossier: dict[str, Any]) -> float:
    from .gold import _by_article, match

    preds = _by_article(dossier["times"])
    agree = total = 0
    for aid, entry in gold.articles.items():
        g_items, p_items = entry.get("times", []), preds.get(aid, [])
        for i, j in match(g_items, p_items):
            total += 1
            agree += g_items[i]["granularity"] == p_items[j]["granularity"]
    return round(agree / total, 4) if total else 0.0


@eval_app.command("time")
def eval_time(
    gold: Annotated[Path, typer.Option("--gold", exists=True, dir_okay=False,
                                       help="Gold file (tests/gold/README.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every miss, extra and wrong value.")] = False,
) -> None:
    """Time expressions: recognition precision/recall/F1 and resolution accuracy over matched expressions."""
    from rich.console import Console
    from rich.table import Table

    from .quotes import emit_json_or_errors

    result = evaluate_times(gold)
    if emit_json_or_errors(result, as_json, verbose):
        return
    t = result["times"]
    table = Table(title=f"time expressions: {result['articles']} articles ({gold})")
    for col in ("gold", "predicted", "matched", "P", "R", "F1", "resolved right", "granularity right"):
        table.add_column(col, justify="right")
    table.add_row(str(t["gold"]), str(t["predicted"]), str(t["matched"]), f"{t['precision']:.3f}",
                  f"{t['recall']:.3f}", f"{t['f1']:.3f}", f"{t['resolution_accuracy']:.3f}",
                  f"{t['granularity_accuracy']:.3f}")
    console = Console()
    Console(width=max(console.width, 110)).print(table)  # no wrapped columns in a pipe
    if result["missing_inputs"]:
        typer.echo(f"not found (left out): {', '.join(result['missing_inputs'])}", err=True)
