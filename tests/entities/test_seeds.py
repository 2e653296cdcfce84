"""Entities of the analysed seed articles: spellings of one person merged, different persons kept apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from marsad.stages.normalize import normalize


def entity_with(dossier: dict[str, Any], variant: str) -> dict[str, Any]:
    hits = [e for e in dossier["entities"] if variant in e["variants"]]
    assert len(hits) == 1, f"{variant!r} in {len(hits)} entities"
    return hits[0]


def test_seed_entities_are_valid_and_round_trip(
    seed_dossier: dict[str, Any], validate_dossier: Callable[[dict[str, Any]], list[str]]
) -> None:
    assert validate_dossier(seed_dossier) == []
    texts = {a["id"]: a["text"] for a in seed_dossier["articles"]}
    assert len(seed_dossier["entities"]) > 20
    for e in seed_dossier["entities"]:
        assert e["type"] in {"PERS", "ORG", "LOC", "MISC"}
        for m in e["mentions"]:
            surface = texts[m["article"]][m["start"]:m["end"]]
            assert surface in e["variants"] and surface == surface.strip()
            assert not normalize(surface).startswith(("وبوتين", "لموسكو", "وكيم"))


def test_north_korean_leader_is_one_entity(seed_dossier: dict[str, Any]) -> None:
    kim = entity_with(seed_dossier, "كيم جونغ أون")
    assert kim["type"] == "PERS"
    assert {"كيم جونغ أون", "كيم جون اون", "كيم"} <= set(kim["variants"])
    assert len({m["article"] for m in kim["mentions"]}) >= 4


def test_putin_with_and_without_first_name_is_one_entity(seed_dossier: dict[str, Any]) -> None:
    putin = entity_with(seed_dossier, "بوتين")
    assert putin["type"] == "PERS" and "فلاديمير بوتين" in putin["variants"]
    assert putin["name"] == "فلاديمير بوتين"


@pytest.mark.parametrize("other", ["كيم ميونغ", "كيم جو تشون ريونج"])
def test_other_kims_are_not_merged_with_the_leader(seed_dossier: dict[str, Any], other: str) -> None:
    leader = entity_with(seed_dossier, "كيم جونغ أون")
    assert not any(v.startswith(other) for v in leader["variants"])
    others = [e for e in seed_dossier["entities"] if any(v.startswith(other) for v in e["variants"])]
    assert others and all(e["id"] != leader["id"] for e in others)
