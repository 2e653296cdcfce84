"""NER evaluation: entity-level exact-span scoring (conlleval-style) and the ``marsad eval ner`` command."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from ..stages.entities import bio_spans

eval_app = typer.Typer(help="Measure marsad's models on labelled data.", no_args_is_help=True)


def read_conll(path: str | Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of a ``TOKEN<TAB>TAG`` file (blank line between sentences) as (tokens, tags)."""
    sentences: list[tuple[list[str], list[str]]] = []
    toks: list[str] = []
    tags: list[str] = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = line.rstrip("\r")
        if not line.strip():
            if toks:
                sentences.append((toks, tags))
                toks, tags = [], []
            continue
        tok, _, tag = line.rpartition("\t") if "\t" in line else line.rpartition(" ")
        toks.append(tok)
        tags.append(tag.strip() or "O")
    if toks:
        sentences.append((toks, tags))
    return sentences


def score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Entity-level P/R/F1 (exact span and type; a stray ``I-`` starts an entity, as conlleval reads it).

    Scores are 0-100. The macro average runs over the types present in ``gold``.
    """
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs = set(bio_spans(g))
        ps = set(bio_spans(p))
        for _, _, t in gs:
            n_gold[t] += 1
        for _, _, t in ps:
            n_pred[t] += 1
        for _, _, t in gs & ps:
            tp[t] += 1

    def prf(t: int, np_: int, ng: int) -> tuple[float, float, float]:
        p = 100.0 * t / np_ if np_ else 0.0
        r = 100.0 * t / ng if ng else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    per_type: dict[str, dict[str, float | int]] = {}
    for t in sorted(set(n_gold) | set(n_pred)):
        p, r, f = prf(tp[t], n_pred[t], n_gold[t])
        per_type[t] = {"precision": round(p, 2), "recall": round(r, 2), "f1": round(f, 2), "support": n_gold[t]}
    present = [t for t in per_type if n_gold[t] > 0]
    macro = sum(float(per_type[t]["f1"]) for t in present) / len(present) if present else 0.0
    _, _, micro = prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return {"micro_f1": round(micro, 2), "macro_f1": round(macro, 2), "per_type": per_type}


def evaluate_file(path: str | Path, model_dir: Path | None = None, propagate: bool = True) -> dict[str, Any]:
    """Tag a CoNLL file with the shipped model and score it; adds ``tokens_per_s`` (tagging only, one thread).

    The file is read as running text (its sentences in order), so names found nearby are propagated as the
    pipeline stage does within an article; ``propagate=False`` scores the CRF alone.
    """
    from ..stages.entities import MODEL_DIR, Tagger

    sentences = read_conll(path)
    tagger = Tagger(model_dir or MODEL_DIR)
    t0 = time.perf_counter()
    toks = [t for t, _ in sentences]
    pred = tagger.tag_document(toks, propagate=propagate)
    elapsed = time.perf_counter() - t0
    result = score([tags for _, tags in sentences], pred)
    n_tokens = sum(len(toks) for toks, _ in sentences)
    result["tokens"] = n_tokens
    result["tokens_per_s"] = round(n_tokens / elapsed) if elapsed > 0 else 0
    return result


@eval_app.command("ner")
def eval_ner(
    test: Annotated[Path, typer.Option("--test", exists=True, dir_okay=False, help="CoNLL file: TOKEN<TAB>TAG.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
    model: Annotated[Path | None, typer.Option("--model", help="Model folder (default: the shipped one).")] = None,
    propagate: Annotated[bool, typer.Option(help="Propagate names found in nearby sentences (as in analyze).")] = True,
) -> None:
    """Entity-level precision/recall/F1 per type, micro and macro F1, and tagging speed on a CoNLL file."""
    result = evaluate_file(test, model, propagate)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(f"{'type':<6} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
    for t, r in result["per_type"].items():
        typer.echo(f"{t:<6} {r['precision']:>6.2f} {r['recall']:>6.2f} {r['f1']:>6.2f} {r['support']:>8}")
    typer.echo(f"micro-F1 {result['micro_f1']:.2f}  macro-F1 {result['macro_f1']:.2f}  "
               f"({result['tokens']} tokens, {result['tokens_per_s']} tokens/s)")
