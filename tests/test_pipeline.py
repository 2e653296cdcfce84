"""The pipeline checks at construction that every stage gets the layers it requires."""

from __future__ import annotations

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
