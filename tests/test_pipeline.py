"""The pipeline checks at construction that every stage gets the layers it requires."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.doc import Article
from marsad.errors import MarsadError, PipelineError
from marsad.options import DEFAULT_OPTIONS
from marsad.pipeline import Pipeline, default_pipeline
from marsad.stages.clean import Clean
from marsad.stages.normalize import Normalize
from marsad.stages.pubdate import PublicationDate
from marsad.stages.segment import Segment


def test_missing_layer_is_refused_with_code_and_advice() -> None:
    with pytest.raises(PipelineError) as info:
        Pipeline([Segment(), Clean()])
    assert info.value.code == "E010"
    message = str(info.value)
    assert "segment" in message and "body" in message and "earlier stage" in message


def test_default_pipeline_provides_the_base_layers() -> None:
    pipeline = default_pipeline()
    assert {"body", "removed", "sentences", "parts", "language", "published"} <= pipeline.provides


def test_pipeline_runs_stages_in_order_and_records_layers() -> None:
    pipeline = Pipeline([Normalize(), Clean(), Segment(), PublicationDate()], DEFAULT_OPTIONS)
    article = Article(id="x", text="عنوان الخبر هنا\nقال الوزير إن الاجتماع انتهى. وأضاف أن المحادثات ستستمر.")
    pipeline(article)
    assert {"normalized", "body", "sentences"} <= article.layers
    assert len(article.sentences) == 3
    assert article.normalized is not None and article.normalized.text.startswith("عنوان الخبر")


def test_error_codes_are_known() -> None:
    with pytest.raises(ValueError):
        MarsadError("E999", "nope")


def test_non_arabic_article_is_kept_and_marked(tmp_path: Path) -> None:
    from marsad.analyze import analyze

    (tmp_path / "en.txt").write_text(
        "Dam failure floods villages\nPart of the dam gave way before dawn on Tuesday, sending water into nearby "
        "villages, civil defence officials said. Rescue teams evacuated about two thousand families.\n",
        encoding="utf-8",
    )
    (tmp_path / "ar.txt").write_text(
        "انهيار سد\nانهار جزء من جسم السد فجر الثلاثاء ما أدى إلى اندفاع المياه نحو القرى المجاورة، بحسب الدفاع المدني.\n",
        encoding="utf-8",
    )
    dossier = analyze([tmp_path])
    languages = {a.id: a.language for a in dossier.articles}
    assert languages == {"en": "en", "ar": "ar"}
    assert all(a.sentences for a in dossier.articles), "non-Arabic text is analysed too"
