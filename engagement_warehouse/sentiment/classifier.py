"""The per-language text classifier and its cross-validated metrics (doc block sentiment).

Training data: the comments of product reviews and CSAT answers (1 to 5 stars): 1-2 stars
negative, 4-5 positive; 3 stars are left out (an "ok" can be either, and learning them as a third
class would blur the two the business acts on). The pipeline: TF-IDF on character n-grams (2 to 5,
within words: robust to typos and dropped accents) and on word uni- and bigrams (negation: "não
recomendo"), both on the normalised text, plus the lexicon's negation-aware counts of positive
and negative terms (what a few hundred negative reviews cannot teach, the lexicon already
knows), then a strongly regularised logistic regression (C 0.1: measured best of 0.03 to 10 on
the demo data) with balanced class weights (far more positive than negative reviews) and a fixed
random_state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from .lexicon import Lexicon, normalise, score_text

RATED_SURVEYS = ("product_review", "csat")
CV_FOLDS = 5
RANDOM_STATE = 42


def rated_label(survey_type: str | None, score) -> int | None:
    """1 positive (4-5 stars), 0 negative (1-2), None: not a rated comment or 3 stars."""
    if survey_type not in RATED_SURVEYS or score is None:
        return None
    if score <= 2:
        return 0
    if score >= 4:
        return 1
    return None


REGULARISATION_C = 0.1


class LexiconFeatures(BaseEstimator, TransformerMixin):
    """Per text: the lexicon's positive and negative term counts (after negation) and balance."""

    def __init__(self, lexicon: Lexicon | None = None, language: str = ""):
        self.lexicon = lexicon
        self.language = language

    def fit(self, texts, labels=None):
        return self

    def transform(self, texts):
        lexicon = self.lexicon or Lexicon()
        scored = [score_text(lexicon, text, self.language) for text in texts]
        return sparse.csr_matrix(np.array([[s.positive, s.negative, s.balance] for s in scored], dtype=float)
                                 .reshape(len(scored), 3))


def pipeline(lexicon: Lexicon | None = None, language: str = "") -> Pipeline:
    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                  preprocessor=normalise, max_features=20000)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                  preprocessor=normalise, token_pattern=r"[^\W_]+|[^\w\s]")),
        ("lexicon", LexiconFeatures(lexicon, language)),
    ])
    classifier = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", max_iter=2000, random_state=RANDOM_STATE)
    return Pipeline([("features", features), ("classifier", classifier)])


def label_of(score: float, band: float) -> str:
    """sentiment_score (in [-1, 1]) to sentiment_label: beyond +-band positive / negative."""
    if score > band:
        return "positive"
    if score < -band:
        return "negative"
    return "neutral"


@dataclass
class Metrics:
    """Of a score against rated labels: AUC (positive class 1, higher score more positive), and the
    precision and recall of the negative label (what the business acts on: unhappy customers)."""
    auc: float | None
    precision_negative: float | None
    recall_negative: float | None


def metrics(labels: np.ndarray, scores: np.ndarray, band: float) -> Metrics:
    """labels 1 positive / 0 negative; scores sentiment_score in [-1, 1], labelled negative below
    -band. AUC needs both classes; precision needs a predicted negative, recall an actual one."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    auc = float(roc_auc_score(labels, scores)) if len(set(labels.tolist())) == 2 else None
    predicted_negative = scores < -band
    actual_negative = labels == 0
    hits = int((predicted_negative & actual_negative).sum())
    precision = hits / int(predicted_negative.sum()) if predicted_negative.any() else None
    recall = hits / int(actual_negative.sum()) if actual_negative.any() else None
    return Metrics(auc, precision, recall)


def cross_validated_scores(texts: list[str], labels: np.ndarray, lexicon: Lexicon | None = None,
                           language: str = "", folds: int = CV_FOLDS) -> np.ndarray:
    """Out-of-fold sentiment scores (2 P(positive) - 1) of stratified k-fold cross-validation."""
    labels = np.asarray(labels)
    out_of_fold = np.zeros(len(texts))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=RANDOM_STATE)
    text_array = np.asarray(texts, dtype=object)
    for train, test in splitter.split(text_array, labels):
        fitted = pipeline(lexicon, language).fit(text_array[train], labels[train])
        out_of_fold[test] = 2.0 * fitted.predict_proba(text_array[test])[:, 1] - 1.0
    return out_of_fold


def fitted_pipeline(train_texts: list[str], labels: np.ndarray, lexicon: Lexicon | None = None,
                    language: str = "") -> Pipeline:
    """The pipeline fitted on the training texts (a language's training comments)."""
    return pipeline(lexicon, language).fit(np.asarray(train_texts, dtype=object), np.asarray(labels))


def sentiment_scores(fitted: Pipeline, texts: list[str]) -> np.ndarray:
    """The sentiment score (2 P(positive) - 1) of every text."""
    return 2.0 * fitted.predict_proba(np.asarray(texts, dtype=object))[:, 1] - 1.0


def fit_and_score(train_texts: list[str], labels: np.ndarray, texts: list[str], lexicon: Lexicon | None = None,
                  language: str = "") -> np.ndarray:
    """Fitted on the training texts (a language's training comments), the sentiment score (2 P(positive) - 1)
    of every text."""
    return sentiment_scores(fitted_pipeline(train_texts, labels, lexicon, language), texts)


# --- A fitted pipeline as rows (int_sentiment_classifier_params_fitted) and back ------------------

# the feature blocks in the order of the pipeline's columns: the TF-IDF vectorisers (step name,
# block), then the lexicon's features, then the intercept
VECTORISERS = (("chars", "char"), ("words", "word"))
LEXICON_BLOCK = "lexicon"
LEXICON_FEATURES = ("positive", "negative", "balance")
INTERCEPT_BLOCK = "intercept"


@dataclass(frozen=True)
class Term:
    """One column of a fitted pipeline's features (or its intercept): the block, the column's index
    within it, the vocabulary term (a lexicon feature's name; None for the intercept), its idf
    (vectorisers only) and the logistic regression's coefficient (the intercept's value)."""
    feature_block: str
    column_index: int
    term: str | None
    idf: float | None
    coefficient: float


def pipeline_terms(fitted: Pipeline) -> list[Term]:
    """Every column of the fitted pipeline in the order of its features, then the intercept."""
    vectorisers = dict(fitted.named_steps["features"].transformer_list)
    classifier = fitted.named_steps["classifier"]
    coefficients, offset, terms = classifier.coef_[0], 0, []
    for step, block in VECTORISERS:
        vectoriser = vectorisers[step]
        for term, index in sorted(vectoriser.vocabulary_.items(), key=lambda item: item[1]):
            terms.append(Term(block, int(index), term, float(vectoriser.idf_[index]), float(coefficients[offset + index])))
        offset += len(vectoriser.vocabulary_)
    terms += [Term(LEXICON_BLOCK, index, name, None, float(coefficients[offset + index]))
              for index, name in enumerate(LEXICON_FEATURES)]
    return terms + [Term(INTERCEPT_BLOCK, 0, None, None, float(classifier.intercept_[0]))]


def rebuilt_pipeline(terms: list[Term], lexicon: Lexicon | None = None, language: str = "") -> Pipeline:
    """The pipeline that pipeline_terms() described, without fitting: the vectorisers with their
    vocabulary and idf, the regression with its coefficients, intercept and classes (0, 1); it
    scores bit for bit as the fitted one."""
    model = pipeline(lexicon, language)
    vectorisers = dict(model.named_steps["features"].transformer_list)
    by_block: dict[str, list[Term]] = {}
    for term in sorted(terms, key=lambda term: term.column_index):
        by_block.setdefault(term.feature_block, []).append(term)
    coefficients = []
    for step, block in VECTORISERS:
        columns = by_block.get(block, [])
        vectoriser = vectorisers[step]
        vectoriser.set_params(vocabulary={term.term: term.column_index for term in columns})
        vectoriser.idf_ = np.array([term.idf for term in columns], dtype=float)
        coefficients += [term.coefficient for term in columns]
    coefficients += [term.coefficient for term in by_block.get(LEXICON_BLOCK, [])]
    classifier = model.named_steps["classifier"]
    classifier.coef_ = np.array([coefficients], dtype=float)
    classifier.intercept_ = np.array([by_block[INTERCEPT_BLOCK][0].coefficient], dtype=float)
    classifier.classes_ = np.array([0, 1])
    classifier.n_features_in_ = len(coefficients)
    return model
