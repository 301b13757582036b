"""TF-IDF + logistic regression baseline on the jointly marked sentence.

The pair's markers become plain words (DRUGSTART, DRUGEND, ADRSTART, ADREND) so the
n-grams see the entities and their context."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from extraction.ade.data import Pair
from extraction.ade.evaluate import binary_metrics, tune_threshold
from extraction.ade.markers import joint_view

_WORDS = {
    "[DRUG]": " DRUGSTART ",
    "[/DRUG]": " DRUGEND ",
    "[ADR]": " ADRSTART ",
    "[/ADR]": " ADREND ",
}


def _text(p: Pair) -> str:
    text = joint_view(p.sentence.text, p.drug, p.ae)
    for marker, word in _WORDS.items():
        text = text.replace(marker, word)
    return text


def tfidf_lr(train: Sequence[Pair], dev: Sequence[Pair], test: Sequence[Pair]) -> dict[str, Any]:
    model: Pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 3), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced"),
    )
    model.fit([_text(p) for p in train], [p.label for p in train])
    dev_scores = model.predict_proba([_text(p) for p in dev])[:, 1]
    threshold = tune_threshold([p.label for p in dev], dev_scores)
    test_scores = model.predict_proba([_text(p) for p in test])[:, 1]
    return {
        "dev": binary_metrics([p.label for p in dev], dev_scores, threshold),
        "test": binary_metrics([p.label for p in test], test_scores, threshold),
    }
