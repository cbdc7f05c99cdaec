"""The model itself: word and character TF-IDF into a logistic regression.

Character 3- to 5-grams within word boundaries carry short, misspelt, multilingual text and
markers such as "#ad" or "#sponsored"; word unigrams and bigrams carry phrases such as
"paid for by". The vectoriser is fitted once on the labeled posts' texts (it sees no
labels, so sharing it across folds leaks no label) and then only the classifier is
refitted per fold, which keeps cross-validation and the learning curve fast."""

from __future__ import annotations

from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

FEATURES = (
    "word 1-2-gram TF-IDF + char_wb 3-5-gram TF-IDF (sublinear tf, min_df=2, 150,000 most frequent)"
)
CLASSIFIER = "LogisticRegression(C=4, class_weight=balanced, lbfgs, tol=1e-3)"
#: Posts vectorised at a time when predicting every post (memory stays flat).
PREDICT_CHUNK = 50_000
#: Projects with more posts than this are predicted in two processes: character n-grams
#: cost 3.2 s per 50,000 posts (measured), 64 s for a million on one core.
PARALLEL_FROM = 200_000


def predict_chunk(vectorizer: Any, model: Any, texts: list[str]) -> Any:
    """Probabilities of ``texts`` (a module-level function, so worker processes can run it)."""
    return model.predict_proba(vectorizer.transform(texts)).astype("float32")


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
