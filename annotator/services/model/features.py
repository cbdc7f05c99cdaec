"""The model itself: word and character TF-IDF into a logistic regression.

Character 3- to 5-grams within word boundaries carry short, misspelt, multilingual text and
markers such as "#ad" or "#sponsored"; word unigrams and bigrams carry phrases such as
"paid for by". The vectoriser is fitted once on the labeled posts' texts (it sees no
labels, so sharing it across folds leaks no label) and then only the classifier is
refitted per fold, which keeps cross-validation and the learning curve fast."""

from __future__ import annotations

from typing import Any

from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

FEATURES = (
    "word 1-2-gram TF-IDF + char_wb 3-5-gram TF-IDF (sublinear tf, min_df=2, 150,000 most frequent)"
)
CLASSIFIER = "LogisticRegression(C=4, class_weight=balanced, lbfgs, tol=1e-3)"
#: Posts vectorised at a time when predicting every post (memory stays flat): a chunk of
#: 50,000 raised a worker by about 255 MB, one of 20,000 by about 40 MB, and was no slower.
PREDICT_CHUNK = 20_000
#: Projects with more posts than this are predicted in two processes: vectorising and
#: predicting cost about 0.55 s per 10,000 posts (measured), 55 s for a million on one core.
PARALLEL_FROM = 200_000


def predict_chunk(vectorizer: Any, model: Any, texts: list[str]) -> Any:
    """Probabilities of ``texts`` (a module-level function, so worker processes can run it)."""
    return model.predict_proba(transform_texts(vectorizer, texts)).astype("float32")


def transform_texts(vectorizer: FeatureUnion, texts: list[str]) -> Any:
    """``vectorizer.transform(texts)``, the same matrix to the last bit (tested), with the
    character n-grams counted word by word: scikit-learn slices every n-gram of every
    word of every post in Python, which made predicting a million posts take minutes.

    ``char_wb`` n-grams never cross a word (a word is what ``str.split`` gives on the
    lower-cased text), so a post's n-gram counts are the sum of its words' counts:
    (posts x distinct words) @ (distinct words x n-grams), with each distinct word cut
    into n-grams once per chunk and the sum done by scipy in C. Hand-written because
    scikit-learn has no such transform; the TF-IDF weighting is still its own."""
    parts = []
    for name, transformer in vectorizer.transformer_list:
        if name == "chars":
            counts = _char_counts_by_word(transformer, texts)
            parts.append(transformer._tfidf.transform(counts, copy=False))
        else:
            parts.append(transformer.transform(texts))
    return sparse.hstack(parts, format="csr")


def _char_counts_by_word(chars: TfidfVectorizer, texts: list[str]) -> Any:
    words = CountVectorizer(analyzer=_lowercase_words, dtype=chars.dtype)
    try:
        post_words = words.fit_transform(texts)
    except ValueError:  # not one word in the chunk: every post is blank
        return sparse.csr_matrix((len(texts), len(chars.vocabulary_)), dtype=chars.dtype)
    # CountVectorizer.transform on the fitted TfidfVectorizer: raw counts, before TF-IDF.
    word_chars = CountVectorizer.transform(chars, list(words.get_feature_names_out()))
    counts = (post_words @ word_chars).tocsr()
    counts.sort_indices()
    return counts


def _lowercase_words(text: str) -> list[str]:
    """The words ``char_wb`` cuts into n-grams: ``lowercase=True``, then ``str.split``."""
    return text.lower().split()


def make_vectorizer() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                    lowercase=True, token_pattern=r"(?u)[#@]?\b\w+\b", dtype=_float32(),
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2,
                    lowercase=True, dtype=_float32(), max_features=150_000,
                ),
            ),
        ]
    )  # fmt: skip


def _float32() -> Any:
    import numpy as np

    return np.float32


def make_classifier(seed: int) -> LogisticRegression:
    return LogisticRegression(
        C=4.0, class_weight="balanced", tol=1e-3, max_iter=200, random_state=seed
    )
