"""One sourced account per story: fills each story's ``facts``, ``summary`` and ``timeline`` (SPEC) in place.

Works on the SPEC-shaped dossier dict, so ``marsad analyze`` (after cross-document linking) and a store holding
the articles of one story call the same function.
"""

from __future__ import annotations

from typing import Any

from .stages.claims import DossierIndex, story_claims
from .stages.corroborate import facts_of, group_claims
from .stages.summarize import summarize
from .stages.timeline import timeline


def build_account(dossier: dict[str, Any], story: dict[str, Any], encoder: Any = None,
                  index: DossierIndex | None = None) -> None:
    """Fill one story's ``facts``, ``summary`` and ``timeline``."""
    index = index or DossierIndex(dossier)
    view = story_claims(index, story, encoder)
    groups = group_claims(view)
    story["facts"] = facts_of(view, groups)
    story["summary"] = summarize(view, groups)
    story["timeline"] = timeline(view, groups)


def build_accounts(dossier: dict[str, Any], encoder: Any = None) -> None:
    """Fill ``facts``, ``summary`` and ``timeline`` of every story of the dossier."""
    index = DossierIndex(dossier)
    for story in dossier.get("stories", []):
        build_account(dossier, story, encoder, index)
