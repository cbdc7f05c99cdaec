"""The fast prediction transform gives scikit-learn's matrix exactly."""

from __future__ import annotations

import random

import numpy as np

from annotator.services.model.features import make_vectorizer, transform_texts

_WORDS_TEXT = (
    "Paid for by Rivera 2020 #ad #Sponsored love THIS serum café naïve İstanbul ÇOK güzel "
    "日本語のテキストです ✨ 👩‍👩‍👧 https://t.co/xYz @GlowCo discount CODE10 vote Tuesday a I "
    "don't re-post ÑANDÚ ß Straße"
)
WORDS = _WORDS_TEXT.split(" ")
SPACES = (" ", "  ", "\n", "\t", "\u00a0", "\u2003", " \r\n ")


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(WORDS) + rng.choice(SPACES) for _ in range(rng.randint(0, 30)))
        for _ in range(count)
    ]


def test_word_by_word_character_ngrams_equal_scikit_learns_transform() -> None:
    vectorizer = make_vectorizer().fit(_texts(3000, seed=1))
    texts = [*_texts(2000, seed=2), "", "   ", "x", "unseenword zzzz"]
    expected = vectorizer.transform(texts).tocsr()
    found = transform_texts(vectorizer, texts)
    expected.sort_indices()
    assert found.shape == expected.shape
    assert np.array_equal(found.indptr, expected.indptr)
    assert np.array_equal(found.indices, expected.indices)
    assert np.array_equal(found.data, expected.data)


def test_a_chunk_of_blank_posts_gives_empty_rows() -> None:
    vectorizer = make_vectorizer().fit(_texts(500, seed=3))
    found = transform_texts(vectorizer, ["", "  \n "])
    assert found.shape[0] == 2
    assert found.nnz == 0
