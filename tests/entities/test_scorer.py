"""The NER scorer (entity-level, exact span, conlleval-style) and the `marsad eval ner` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from marsad.evaluate.ner import read_conll, score
from marsad.stages.entities import bio_spans

TINY = """قال\tO
فلاديمير\tB-PERS
بوتين\tI-PERS
في\tO
موسكو\tB-LOC
.\tO

زار\tO
كيم\tB-PERS
روسيا\tB-LOC
"""


def test_bio_spans_read_stray_inside_as_a_start() -> None:
    assert bio_spans(["B-PERS", "I-PERS", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG"]) == [
        (0, 2, "PERS"), (3, 5, "LOC"), (5, 6, "LOC"), (6, 7, "ORG")]


def test_exact_spans_per_type_and_averages() -> None:
    gold = [["O", "B-PERS", "I-PERS", "O", "B-LOC", "O"], ["O", "B-PERS", "B-LOC"]]
    pred = [["O", "B-PERS", "O", "O", "B-LOC", "O"], ["O", "B-PERS", "B-ORG"]]  # a cut name is a miss
    r = score(gold, pred)
    assert r["per_type"]["PERS"] == {"precision": 50.0, "recall": 50.0, "f1": 50.0, "support": 2}
    assert r["per_type"]["LOC"] == {"precision": 100.0, "recall": 50.0, "f1": 66.67, "support": 2}
    assert r["per_type"]["ORG"]["support"] == 0 and r["per_type"]["ORG"]["f1"] == 0.0
    # ORG is absent from the gold data: left out of the macro average
    assert r["macro_f1"] == pytest.approx((50.0 + 66.67) / 2, abs=0.01)
    assert r["micro_f1"] == pytest.approx(2 * (2 / 4) * (2 / 4) / (2 / 4 + 2 / 4) * 100, abs=0.01)


def test_perfect_and_empty() -> None:
    assert score([["B-LOC", "O"]], [["B-LOC", "O"]])["macro_f1"] == 100.0
    assert score([["O"]], [["O"]]) == {"micro_f1": 0.0, "macro_f1": 0.0, "per_type": {}}


def test_read_conll(tmp_path: Path) -> None:
    path = tmp_path / "tiny.conll"
    path.write_text(TINY, encoding="utf-8")
    sents = read_conll(path)
    assert [len(t) for t, _ in sents] == [6, 3]
    assert sents[1] == (["زار", "كيم", "روسيا"], ["O", "B-PERS", "B-LOC"])


def test_eval_ner_command_json(tmp_path: Path) -> None:
    path = tmp_path / "tiny.conll"
    path.write_text(TINY, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "marsad", "eval", "ner", "--test", str(path), "--json"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"micro_f1", "macro_f1", "per_type", "tokens_per_s"}
    assert set(data["per_type"]) >= {"PERS", "LOC"}
    for row in data["per_type"].values():
        assert set(row) == {"precision", "recall", "f1", "support"}
        assert 0 <= row["f1"] <= 100
    assert data["per_type"]["LOC"]["support"] == 2 and data["tokens_per_s"] > 0
