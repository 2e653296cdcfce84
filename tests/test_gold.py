"""The hand-made gold (tests/gold/) is consistent with its texts, and quotes, attributions and times stay above the
floors in tests/baseline.json on it (``marsad eval quotes|time``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from marsad.evaluate.gold import load_gold, match, names_match, overlaps, run_gold
from marsad.evaluate.quotes import evaluate_quotes
from marsad.evaluate.time import evaluate_times

GOLD = Path(__file__).resolve().parent / "gold"
BASELINE = json.loads((Path(__file__).resolve().parent / "baseline.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def gold_dossier() -> dict[str, Any]:
    gold = load_gold(GOLD / "quotes.json")
    if gold.missing:
        pytest.skip(f"gold inputs not found: {gold.missing} (set MARSAD_SHARED to the shared/ folder)")
    return run_gold(gold)


def test_gold_offsets_and_strings_agree_with_the_texts() -> None:
    from marsad.errors import ErrorRecord
    from marsad.ingest import read_inputs

    for name in ("quotes.json", "times.json", "quotes_heldout.json", "times_heldout.json"):
        gold = load_gold(GOLD / name)
        texts = {a.id: a.text for a in read_inputs(gold.inputs) if not isinstance(a, ErrorRecord)}
        assert gold.articles, name
        for aid, entry in gold.articles.items():
            assert aid in texts, f"{name}: {aid} is not among the inputs"
            for key in ("quotes", "attributions", "times"):
                for item in entry.get(key, []):
                    for span in [item] + [item[k] for k in ("source", "cue") if isinstance(item.get(k), dict)]:
                        assert texts[aid][span["start"]:span["end"]] == span["text"], (name, aid, span)


def test_gold_covers_every_example_and_two_seeds() -> None:
    data = json.loads((GOLD / "quotes.json").read_text("utf-8"))
    inputs = {a["input"] for a in data["articles"].values()}
    examples = {f"examples/{p.name}" for p in (GOLD.parents[1] / "examples").glob("*.txt")}
    assert examples <= inputs
    assert sum("seeds/" in i for i in inputs) >= 2
    times = json.loads((GOLD / "times.json").read_text("utf-8"))
    assert set(times["articles"]) == set(data["articles"])


def test_matching_rules() -> None:
    assert overlaps((0, 10), (5, 40))[0] and not overlaps((0, 10), (8, 40))[0]
    gold = [{"start": 0, "end": 100}, {"start": 10, "end": 30}]
    pred = [{"start": 12, "end": 30}, {"start": 0, "end": 95}]
    assert match(gold, pred) == [(0, 1), (1, 0)]  # the inner span pairs with the inner prediction
    assert names_match(["نادر شحادة", "شحادة"], ["وأضاف شحادة"]) and not names_match(["شحادة"], ["شحادات"])
    assert names_match(["سليم الدرّاجي"], ["محافظ وادي الغيم سليم الدراجي"])  # normalized for matching


def test_quote_and_attribution_floors(gold_dossier: dict[str, Any]) -> None:
    result = evaluate_quotes(GOLD / "quotes.json", gold_dossier)
    q, a = result["quotes"], result["attributions"]
    assert q["recall"] >= BASELINE["quotes_gold_recall"], result["errors"]["quotes"]
    assert q["precision"] >= BASELINE["quotes_gold_precision"], result["errors"]["quotes"]
    assert q["speaker_accuracy"] >= BASELINE["quotes_gold_speaker_accuracy"], result["errors"]["quotes"]
    assert q["carried"]["speaker_accuracy"] >= BASELINE["quotes_gold_carried_speaker_accuracy"]
    assert a["f1"] >= BASELINE["attributions_gold_f1"], result["errors"]["attributions"]
    assert a["source_accuracy"] >= BASELINE["attributions_gold_source_accuracy"], result["errors"]["attributions"]


def test_time_floors(gold_dossier: dict[str, Any]) -> None:
    result = evaluate_times(GOLD / "times.json", gold_dossier)
    t = result["times"]
    assert t["recall"] >= BASELINE["time_gold_recall"], result["errors"]["times"]
    assert t["precision"] >= BASELINE["time_gold_precision"], result["errors"]["times"]
    assert t["resolution_accuracy"] >= BASELINE["time_gold_resolution_accuracy"], result["errors"]["times"]


def test_held_out_floors() -> None:
    """Seed 000, annotated after the rules were written (tests/gold/README.md): a check that they generalize."""
    gold = load_gold(GOLD / "quotes_heldout.json")
    if gold.missing:
        pytest.skip(f"gold inputs not found: {gold.missing}")
    dossier = run_gold(gold)
    q = evaluate_quotes(GOLD / "quotes_heldout.json", dossier)["quotes"]
    t = evaluate_times(GOLD / "times_heldout.json", dossier)["times"]
    assert q["recall"] >= BASELINE["quotes_heldout_recall"], q
    assert q["speaker_accuracy"] >= BASELINE["quotes_heldout_speaker_accuracy"], q
    assert t["recall"] == 1.0 and t["resolution_accuracy"] >= BASELINE["time_heldout_resolution_accuracy"], t
