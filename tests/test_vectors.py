"""The sentence encoder's word-cached tokenizer gives the pieces of the package's own tokenizer."""

from __future__ import annotations

from pathlib import Path

from marsad.vectors import WordCachedTokenizer, _encoder

EDGES = ["", " ", "\u2581", "a\u2581\u2581b", "  x  y ", "\u00a0كلمة\u200f", "١٢٣ ABC abc", "ـــــ", "كيم جونغ أون"]


def _texts(*folders: Path) -> list[str]:
    out = list(EDGES)
    for folder in folders:
        for f in sorted(folder.glob("*.txt")):
            text = f.read_text(encoding="utf-8")
            out += [line for line in text.splitlines() if line.strip()] + [text[:400]]
    return out


def test_encoder_uses_word_cache() -> None:
    assert isinstance(_encoder()._model.sp, WordCachedTokenizer)


def test_same_ids_as_package_tokenizer(examples_dir: Path, seeds_dir: Path) -> None:
    cached = _encoder()._model.sp
    fresh = WordCachedTokenizer(cached.tokenizer)  # empty cache: the first pass segments, the second looks up
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
