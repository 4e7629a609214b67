"""The tables of the two dbt Python models (and the Spark job): every comment scored, and the
per-language evaluation of both methods (doc block sentiment)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .classifier import CV_FOLDS, cross_validated_scores, fit_and_score, label_of, metrics, rated_label
from .lexicon import Lexicon, score_text, tokens

# a comment longer than this is scored on its first MAX_COMMENT_CHARS characters (a pasted
# essay costs time, not information)
MAX_COMMENT_CHARS = 5000

SCORED_SCHEMA = pa.schema([
    ("feedback_id", pa.string()),
    ("sentiment_score", pa.float64()),
    ("sentiment_label", pa.string()),
    ("sentiment_method", pa.string()),
    ("lexicon_score", pa.float64()),
    ("lexicon_terms_found", pa.int64()),
])
EVALUATION_SCHEMA = pa.schema([
    ("language", pa.string()),
    ("sentiment_method", pa.string()),
    ("is_method_in_use", pa.bool_()),
    ("scoring_status", pa.string()),
    ("status_reason", pa.string()),
    ("comments", pa.int64()),
    ("rated_comments", pa.int64()),
    ("negative_comments", pa.int64()),
    ("positive_comments", pa.int64()),
    ("auc", pa.float64()),
    ("precision_negative", pa.float64()),
    ("recall_negative", pa.float64()),
    ("min_rated_comments", pa.int64()),
])


@dataclass
class Settings:
    min_rated_comments: int
    neutral_band: float

    @classmethod
    def from_meta(cls, meta: dict) -> "Settings":
        return cls(int(meta["sentiment_min_rated_comments"]), float(meta["sentiment_neutral_band"]))


@dataclass
class Language:
    """One language's comments and what decides its method."""
    code: str
    ids: list[str]
    texts: list[str]
    labels: list[int | None]
    has_words: np.ndarray
    status: str
    reason: str

    @property
    def rated(self) -> np.ndarray:
        return np.array([i for i, label in enumerate(self.labels) if label is not None and self.has_words[i]], dtype=int)

    @property
    def method(self) -> str:
        return "classifier" if self.status == "classifier" else "lexicon"


def _languages(feedback: pa.Table, settings: Settings) -> list[Language]:
    # sorted by id: the folds of the cross-validation follow the row order, which differs between
    # engines (DuckDB and Spark gave different metrics before)
    rows = sorted(feedback.select(["feedback_id", "survey_type", "score", "comment", "language"]).to_pylist(),
                  key=lambda row: str(row["feedback_id"]))
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        if row["comment"] is None:
            continue
        grouped.setdefault(row["language"] or "unknown", []).append(row)
    languages = []
    for code in sorted(grouped):
        group = grouped[code]
        texts = [row["comment"][:MAX_COMMENT_CHARS] for row in group]
        has_words = np.array([bool(tokens(text)) for text in texts])
        labels = [rated_label(row["survey_type"], row["score"]) for row in group]
        usable = [label for label, words in zip(labels, has_words) if label is not None and words]
        negatives, positives = usable.count(0), usable.count(1)
        if not usable:
            status, reason = "no_rated_comments", "no rated comment (review or CSAT with 1-2 or 4-5 stars)"
        elif len(usable) < settings.min_rated_comments:
            status = "lexicon_fallback"
            reason = f"{len(usable)} rated comments, fewer than sentiment_min_rated_comments ({settings.min_rated_comments})"
        elif min(negatives, positives) < CV_FOLDS:
            status = "lexicon_fallback"
            reason = f"{negatives} negative and {positives} positive rated comments: each needs {CV_FOLDS} (the folds)"
        else:
            status, reason = "classifier", f"{len(usable)} rated comments"
        languages.append(Language(code, [row["feedback_id"] for row in group], texts, labels, has_words, status, reason))
    return languages


def _lexicon_scores(lexicon: Lexicon, language: Language) -> tuple[np.ndarray, np.ndarray]:
    scored = [score_text(lexicon, text, language.code) for text in language.texts]
    return np.array([s.balance for s in scored], dtype=float), np.array([s.terms_found for s in scored], dtype=np.int64)


def scored_comments(feedback: pa.Table, lexicon_rows: pa.Table, settings: Settings) -> pa.Table:
    """One row per feedback comment: the score and label of its language's method, the method,
    and the lexicon's score beside it. A comment without a word or emoji is neutral (score 0)."""
    lexicon = Lexicon.from_rows(lexicon_rows.to_pylist())
    columns: dict[str, list] = {name: [] for name in SCORED_SCHEMA.names}
    for language in _languages(feedback, settings):
        lexicon_score, terms_found = _lexicon_scores(lexicon, language)
        if language.method == "classifier":
            rated = language.rated
            score = fit_and_score([language.texts[i] for i in rated], np.array([language.labels[i] for i in rated]),
                                  language.texts, lexicon, language.code)
        else:
            score = lexicon_score
        score = np.where(language.has_words, score, 0.0)
        columns["feedback_id"] += language.ids
        columns["sentiment_score"] += [float(value) for value in score]
        columns["sentiment_label"] += [label_of(value, settings.neutral_band) for value in score]
        columns["sentiment_method"] += [language.method] * len(language.ids)
        columns["lexicon_score"] += [float(value) for value in lexicon_score]
        columns["lexicon_terms_found"] += [int(value) for value in terms_found]
    return pa.table(columns, schema=SCORED_SCHEMA)


def evaluation(feedback: pa.Table, lexicon_rows: pa.Table, settings: Settings) -> pa.Table:
    """Per language and method (classifier, lexicon): the rated comments and the cross-validated
    (classifier) or direct (lexicon) AUC, precision and recall on them (doc block sentiment)."""
    lexicon = Lexicon.from_rows(lexicon_rows.to_pylist())
    rows = []
    for language in _languages(feedback, settings):
        rated = language.rated
        labels = np.array([language.labels[i] for i in rated], dtype=int)
        base = {
            "language": language.code, "scoring_status": language.status, "status_reason": language.reason,
            "comments": len(language.ids), "rated_comments": int(rated.size),
            "negative_comments": int((labels == 0).sum()), "positive_comments": int((labels == 1).sum()),
            "min_rated_comments": settings.min_rated_comments,
        }
        lexicon_score, _ = _lexicon_scores(lexicon, language)
        by_method = {"lexicon": metrics(labels, lexicon_score[rated], settings.neutral_band) if rated.size else None,
                     "classifier": None}
        if language.method == "classifier":
            out_of_fold = cross_validated_scores([language.texts[i] for i in rated], labels, lexicon, language.code)
            by_method["classifier"] = metrics(labels, out_of_fold, settings.neutral_band)
        for method, measured in by_method.items():
            rows.append({**base, "sentiment_method": method, "is_method_in_use": method == language.method,
                         "auc": measured.auc if measured else None,
                         "precision_negative": measured.precision_negative if measured else None,
                         "recall_negative": measured.recall_negative if measured else None})
    return pa.Table.from_pylist(rows, schema=EVALUATION_SCHEMA)
