"""Scoring quotes, attributions and time expressions against hand-made gold (``marsad eval quotes|time``).

Gold files (format in ``tests/gold/README.md``) name their inputs and key their annotations by article id. The
articles are analysed with the full pipeline (``analyze``), then predictions are matched to gold one to one:

* **Span match** (quotes, attribution claims, time expressions): same article, the spans overlap by at least half
  of the shorter span; quotes must also agree on ``kind``. Among the candidate pairs the ones with the larger
  overlap/union ratio are taken first (greedy), so an inner quote and the reported clause around it pair with
  their own counterparts.
* **Speaker / source**: right when one of the gold's accepted names (``speaker`` + ``speaker_match``, or ``source``
  + ``source_match``), normalized, occurs as whole words in the predicted ``speaker_text``/``source_text`` or in
  the name or a variant of the linked entity.
* **Time value**: right when the predicted ``value`` equals the gold value exactly.

Precision, recall and F1 are over spans; speaker, source and value accuracies are over matched pairs.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..render import shorten
from ..stages.normalize import normalize

SHARED_VAR = "${MARSAD_SHARED}"


@dataclass
class Gold:
    path: Path
    inputs: list[Path]  # present on this machine
    missing: list[str]  # named by the gold but not found (their articles are left out of the scores)
    articles: dict[str, dict[str, Any]]


def _root(path: Path) -> Path:
    """The folder gold inputs are relative to: the nearest one above the gold file with a pyproject.toml."""
    for parent in path.resolve().parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    return Path.cwd()


def load_gold(path: str | Path) -> Gold:
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    root = _root(path)
    shared = Path(os.environ.get("MARSAD_SHARED", root.parent / "shared"))
    inputs, missing = [], []
    for raw in data["inputs"]:
        p = Path(raw.replace(SHARED_VAR, str(shared))) if SHARED_VAR in raw else root / raw
        (inputs if p.exists() else missing).append(p if p.exists() else raw)
    articles = {aid: a for aid, a in data["articles"].items()
                if not any(a.get("input", "").startswith(m) for m in missing)}
    return Gold(path, inputs, [str(m) for m in missing], articles)


def run_gold(gold: Gold) -> dict[str, Any]:
    """The SPEC dossier of the gold's inputs (all stages, as ``marsad analyze`` runs them)."""
    from ..analyze import analyze

    return analyze(gold.inputs).to_dict()


def check_gold(gold: Gold, dossier: dict[str, Any]) -> list[str]:
    """Problems with the gold itself: unknown articles, offsets whose text differs from the stored string."""
    texts = {a["id"]: a["text"] for a in dossier["articles"]}
    problems = []
    for aid, entry in gold.articles.items():
        if aid not in texts:
            problems.append(f"{aid}: no such article in the inputs")
            continue
        for key in ("quotes", "attributions", "times"):
            for item in entry.get(key, []):
                spans = [item] + [item[k] for k in ("source", "cue") if isinstance(item.get(k), dict)]
                for s in spans:
                    if texts[aid][s["start"]:s["end"]] != s["text"]:
                        problems.append(f"{aid} {key} [{s['start']}:{s['end']}]: text differs from {s['text']!r}")
    return problems


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> tuple[bool, float]:
    """(match, overlap/union): spans match when they overlap by at least half of the shorter one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return False, 0.0
    shorter = min(a[1] - a[0], b[1] - b[0])
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter * 2 >= shorter, inter / union


def match(gold: Sequence[dict[str, Any]], pred: Sequence[dict[str, Any]],
          compatible: Callable[[dict[str, Any], dict[str, Any]], bool] = lambda g, p: True,
          prefer: Callable[[dict[str, Any], dict[str, Any]], bool] = lambda g, p: True) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs of one article: pairs that ``prefer`` (the same speaker or
    source: two claims of one sentence from two sources) first, then larger overlap/union first."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            ok, score = overlaps((g["start"], g["end"]), (p["start"], p["end"]))
            if ok and compatible(g, p):
                candidates.append((not prefer(g, p), -score, i, j))
    pairs, used_g, used_p = [], set(), set()
    for _, _, i, j in sorted(candidates):
        if i not in used_g and j not in used_p:
            pairs.append((i, j))
            used_g.add(i)
            used_p.add(j)
    return sorted(pairs)


_PUNCT = re.compile(r"[^\w\s]")


def _words(text: str) -> str:
    return " " + " ".join(_PUNCT.sub(" ", normalize(text)).split()) + " "


def names_match(accepted: Sequence[str], candidates: Sequence[str]) -> bool:
    """True when an accepted name occurs as whole words in a candidate (both normalized for matching)."""
    wanted = [_words(a) for a in accepted if a.strip()]
    for c in candidates:
        have = _words(c)
        if any(w in have for w in wanted):
            return True
    return False


@dataclass
class Score:
    gold: int = 0
    pred: int = 0
    matched: int = 0
    right: int = 0  # matched pairs whose speaker / source / value is right
    errors: dict[str, list[str]] = field(default_factory=dict)

    def prf(self) -> dict[str, float]:
        p = self.matched / self.pred if self.pred else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}

    def accuracy(self) -> float:
        return round(self.right / self.matched, 4) if self.matched else 0.0

    def error(self, article: str, message: str) -> None:
        self.errors.setdefault(article, []).append(message)


def entity_names(dossier: dict[str, Any]) -> dict[str, list[str]]:
    return {e["id"]: [e["name"], *e.get("variants", [])] for e in dossier["entities"]}


def _by_article(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        out.setdefault(item["article"], []).append(item)
    return out


def score_spans(gold: Gold, dossier: dict[str, Any], gold_key: str, predicted: list[dict[str, Any]],
                compatible: Callable[[dict[str, Any], dict[str, Any]], bool],
                right: Callable[[dict[str, Any], dict[str, Any]], bool],
                describe: Callable[[dict[str, Any]], str], subset: Callable[[dict[str, Any]], bool] | None = None,
                ) -> tuple[Score, Score]:
    """Span P/R/F1 plus the accuracy of ``right`` over matched pairs; the second score counts only the gold items
    ``subset`` selects (e.g. carried-over speakers)."""
    texts = {a["id"]: a["text"] for a in dossier["articles"]}
    preds = _by_article(predicted)
    total, part = Score(), Score()
    for aid, entry in gold.articles.items():
        g_items = entry.get(gold_key, [])
        p_items = preds.get(aid, [])
        total.gold += len(g_items)
        total.pred += len(p_items)
        pairs = match(g_items, p_items, compatible, right)
        total.matched += len(pairs)
        matched_g = {i for i, _ in pairs}
        matched_p = {j for _, j in pairs}
        for i, j in pairs:
            ok = right(g_items[i], p_items[j])
            total.right += ok
            if subset is not None and subset(g_items[i]):
                part.matched += 1
                part.right += ok
            if not ok:
                total.error(aid, f"wrong  «{shorten(g_items[i]['text'], 61)}»: gold {describe(g_items[i])}, "
                                 f"got {describe(p_items[j])}")
        for i, g in enumerate(g_items):
            if subset is not None and subset(g):
                part.gold += 1
            if i not in matched_g:
                total.error(aid, f"missed «{shorten(g['text'], 61)}» ({describe(g)})")
        for j, p in enumerate(p_items):
            if j not in matched_p:
                words = texts.get(aid, "")[p["start"]:p["end"]]
                total.error(aid, f"extra  «{shorten(words, 61)}» ({describe(p)})")
    return total, part
