"""Story summary quality and account timing.

Analyses the bundled ``examples/`` corpus, takes the dam story (the one holding article ``01``) and scores its
extractive summary against the hand-written reference ``tests/gold/examples_summary.txt`` with ROUGE-1/2
(precision, recall, F1; Arabic matching normalization, see ``marsad.evaluate.rouge``), next to two baselines of
the same number of sentences: LEAD (the first sentences of the story's earliest article) and LEAD-EACH (the first
sentence of each article, by date). Then times ``build_account`` per story (the sentence vectors cold and cached).

usage: python bench/summary.py [--examples DIR] [--reference FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from marsad.account import build_account  # noqa: E402
from marsad.analyze import analyze  # noqa: E402
from marsad.evaluate.rouge import rouge_n  # noqa: E402
from marsad.stages.claims import DossierIndex, story_claims  # noqa: E402
from marsad.vectors import SentenceEncoder  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def dam_story(d: dict) -> dict:
    return next(s for s in d["stories"] if any(m["article"] == "01" for m in s["members"]))


def baselines(d: dict, story: dict, k: int) -> dict[str, str]:
    view = story_claims(DossierIndex(d), story)
    by_unit: dict[str, list] = {}
    for c in sorted(view.claims, key=lambda c: c.sort_key()):
        by_unit.setdefault(c.unit, []).append(c)
    units = list(by_unit.values())
    lead = [c.text for c in units[0][:k]] if units else []
    each = [u[0].text for u in units][:k]
    return {"LEAD": " ".join(lead), "LEAD-EACH": " ".join(each)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", default=str(REPO / "examples"))
    parser.add_argument("--reference", default=str(REPO / "tests" / "gold" / "examples_summary.txt"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    d = analyze([args.examples]).to_dict()
    story = dam_story(d)
    reference = Path(args.reference).read_text(encoding="utf-8")
    systems = {"marsad": " ".join(x["text"] for x in story["summary"])}
    systems.update(baselines(d, story, len(story["summary"])))
    rows = []
    for name, text in systems.items():
        r1, r2 = rouge_n(text, reference, 1), rouge_n(text, reference, 2)
        rows.append({"system": name, "sentences": len(story["summary"]), "words": len(text.split()),
                     "rouge1": [r1.precision, r1.recall, r1.f1], "rouge2": [r2.precision, r2.recall, r2.f1]})

    timing = []
    for s in d["stories"]:
        encoder = SentenceEncoder()  # a fresh cache: the claims' vectors are computed
        t0 = time.perf_counter()
        build_account(d, s, encoder)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        build_account(d, s, encoder)
        warm = time.perf_counter() - t0
        timing.append({"story": s["id"], "members": len(s["members"]), "facts": len(s["facts"]),
                       "cold_s": cold, "cached_s": warm})

    if args.json:
        print(json.dumps({"rouge": rows, "timing": timing}, ensure_ascii=False, indent=2))
        return
    print(f"Summary of the dam story ({len(story['members'])} articles) against {Path(args.reference).name}")
    print(f"{'system':<10} {'sent':>4} {'words':>5} | {'R1 P':>5} {'R1 R':>5} {'R1 F':>5} | "
          f"{'R2 P':>5} {'R2 R':>5} {'R2 F':>5}")
    for r in rows:
        print(f"{r['system']:<10} {r['sentences']:>4} {r['words']:>5} | "
              + " ".join(f"{v:5.3f}" for v in r["rouge1"]) + " | " + " ".join(f"{v:5.3f}" for v in r["rouge2"]))
    print()
    print("build_account per story (one core; cold = sentence vectors computed, cached = already encoded)")
    print(f"{'story':<6} {'members':>7} {'facts':>5} {'cold s':>7} {'cached s':>8}")
    for t in timing:
        print(f"{t['story']:<6} {t['members']:>7} {t['facts']:>5} {t['cold_s']:7.3f} {t['cached_s']:8.3f}")


if __name__ == "__main__":
    main()
