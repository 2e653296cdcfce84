"""The shipped NER model on the standard ANERcorp test split (CAMeL Lab): a CI floor from tests/baseline.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from marsad.evaluate.ner import evaluate_file

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("MARSAD_SHARED", REPO.parent / "shared"))  # as tests/conftest.py
BASELINE = json.loads((REPO / "tests" / "baseline.json").read_text("utf-8"))
TEST_FILE = SHARED / "data" / "ner" / "anercorp" / "test.conll"


@pytest.fixture(scope="module")
def anercorp_test() -> Path:
    if not TEST_FILE.is_file():
        pytest.skip(f"ANERcorp test split not found at {TEST_FILE} (set MARSAD_SHARED to the shared/ folder)")
    return TEST_FILE


def test_anercorp_macro_f1_floor(anercorp_test: Path) -> None:
    result = evaluate_file(anercorp_test)
    assert result["tokens"] == 25_008
    assert set(result["per_type"]) == {"PERS", "ORG", "LOC", "MISC"}
    assert result["macro_f1"] >= BASELINE["ner_anercorp_macro_f1"], result
