"""The tables of the two dbt Python models (and the Spark job): every comment scored, and the
per-language evaluation of both methods (doc block sentiment)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..fit_schedule import (
    Fit,
    anchor_date,
    fingerprint,
    keeps_stored_fit,
    kept_or_refitted,
    observed_by,
    stored_fit,
    with_fit,
)
from .classifier import (
    CV_FOLDS,
    Term,
    cross_validated_scores,
    fitted_pipeline,
    label_of,
    metrics,
    pipeline_terms,
    rated_label,
    rebuilt_pipeline,
    sentiment_scores,
)
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
    ("training_comments", pa.int64()),
    ("negative_comments", pa.int64()),
    ("positive_comments", pa.int64()),
    ("auc", pa.float64()),
    ("precision_negative", pa.float64()),
    ("recall_negative", pa.float64()),
    ("min_rated_comments", pa.int64()),
    ("max_training_comments", pa.int64()),
])


@dataclass
class Settings:
    min_rated_comments: int
    neutral_band: float
    # the most rated comments of a language the classifier is cross-validated and trained on
    # (None: all of them)
    max_training_comments: int | None = None
    # AUCs closer than this are a tie, and a tie goes to the classifier
    auc_tie_tolerance: float = 0.0

    @classmethod
    def from_meta(cls, meta: dict) -> "Settings":
        return cls(int(meta["sentiment_min_rated_comments"]), float(meta["sentiment_neutral_band"]),
                   int(meta["sentiment_max_training_comments"]), float(meta["sentiment_auc_tie_tolerance"]))


def id_hash(feedback_id) -> str:
    """The md5 (hex) of a feedback id: the order in which rated comments are chosen for training,
    the same whatever order an engine hands the rows in."""
    return hashlib.md5(str(feedback_id).encode("utf-8")).hexdigest()


def training_selection(ids: list, labels: list[int], cap: int | None) -> list[int]:
    """Positions (into ids / labels, labels 0 or 1) of the rated comments the classifier learns
    from: all of them up to `cap`; beyond it, per class, the comments with the smallest md5 of
    feedback_id, the classes in their shares of the rated comments (the negatives' quota rounded,
    the positives the rest) but each class at least CV_FOLDS (the folds) where it has them.
    Returned in the order of the input."""
    if cap is None or len(ids) <= cap:
        return list(range(len(ids)))
    by_class = {label: sorted((i for i, y in enumerate(labels) if y == label), key=lambda i: (id_hash(ids[i]), str(ids[i])))
                for label in (0, 1)}
    negatives = min(len(by_class[0]), cap, max(round(cap * len(by_class[0]) / len(ids)), min(CV_FOLDS, len(by_class[0]))))
    positives = min(len(by_class[1]), cap - negatives)
    negatives = min(len(by_class[0]), cap - positives)
    return sorted(by_class[0][:negatives] + by_class[1][:positives])


@dataclass
class Language:
    """One language's comments and what decides its method."""
    code: str
    ids: list[str]
    texts: list[str]
    labels: list[int | None]
    has_words: np.ndarray
    rated: np.ndarray
    training: np.ndarray
    status: str
    reason: str

    @property
    def can_train(self) -> bool:
        """Enough training comments for the classifier (the count condition); whether it is used
        depends on its cross-validated AUC too (evaluation)."""
        return self.status == "classifier"

    def training_data(self) -> tuple[list[str], np.ndarray]:
        return [self.texts[i] for i in self.training], np.array([self.labels[i] for i in self.training], dtype=int)


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
        ids = [row["feedback_id"] for row in group]
        rated = np.array([i for i, label in enumerate(labels) if label is not None and has_words[i]], dtype=int)
        training = rated[training_selection([ids[i] for i in rated], [labels[i] for i in rated],
                                            settings.max_training_comments)]
        usable = [labels[i] for i in training]
        negatives, positives = usable.count(0), usable.count(1)
        # beyond the cap, the reason says how many rated comments there are
        of_rated = (f" (of {rated.size}; sentiment_max_training_comments {settings.max_training_comments})"
                    if training.size < rated.size else "")
        if not usable:
            status, reason = "no_rated_comments", "no rated comment (review or CSAT with 1-2 or 4-5 stars)"
        elif len(usable) < settings.min_rated_comments:
            status = "lexicon_fallback"
            reason = (f"{len(usable)} rated comments{of_rated}, fewer than sentiment_min_rated_comments "
                      f"({settings.min_rated_comments})")
        elif min(negatives, positives) < CV_FOLDS:
            status = "lexicon_fallback"
            reason = f"{negatives} negative and {positives} positive rated comments: each needs {CV_FOLDS} (the folds)"
        else:
            status, reason = "classifier", f"{len(usable)} rated comments{of_rated}"
        languages.append(Language(code, ids, texts, labels, has_words, rated, training, status, reason))
    return languages


def _lexicon_scores(lexicon: Lexicon, texts: list[str], code: str) -> tuple[np.ndarray, np.ndarray]:
    scored = [score_text(lexicon, text, code) for text in texts]
    return np.array([s.balance for s in scored], dtype=float), np.array([s.terms_found for s in scored], dtype=np.int64)


def methods_in_use(evaluated: pa.Table) -> dict[str, str]:
    """Per language, the method the evaluation chose (its row with is_method_in_use)."""
    return {row["language"]: row["sentiment_method"]
            for row in evaluated.select(["language", "sentiment_method", "is_method_in_use"]).to_pylist()
            if row["is_method_in_use"]}


PARAMS_SCHEMA = pa.schema([
    ("language", pa.string()),
    ("feature_block", pa.string()),
    ("column_index", pa.int64()),
    ("term", pa.string()),
    ("idf", pa.float64()),
    ("coefficient", pa.float64()),
    ("training_comments", pa.int64()),
])


def classifier_params(training: pa.Table, lexicon_rows: pa.Table, settings: Settings, evaluated: pa.Table,
                      codes: set[str] | None = None) -> pa.Table:
    """Per language whose method `evaluated` chose is the classifier and that can train (among
    `codes`, default all), the classifier fitted on its training comments among `training`, as
    rows (classifier.pipeline_terms): each column of the char and word vectorisers (term, index,
    idf) and of the lexicon features with its coefficient, and the intercept."""
    lexicon = Lexicon.from_rows(lexicon_rows.to_pylist())
    chosen = methods_in_use(evaluated)
    rows = []
    for language in _languages(training, settings):
        if chosen.get(language.code) != "classifier" or not language.can_train \
                or (codes is not None and language.code not in codes):
            continue
        texts, labels = language.training_data()
        rows += [{"language": language.code, **asdict(term), "training_comments": int(labels.size)}
                 for term in pipeline_terms(fitted_pipeline(texts, labels, lexicon, language.code))]
    return pa.Table.from_pylist(rows, schema=PARAMS_SCHEMA)


def classifiers_of(params: pa.Table, lexicon: Lexicon) -> dict:
    """Per language of classifier_params()'s rows, the pipeline they describe (not fitted again)."""
    terms: dict[str, list[Term]] = {}
    for row in params.select(["language"] + [name for name in Term.__dataclass_fields__]).to_pylist():
        terms.setdefault(row.pop("language"), []).append(Term(**row))
    return {code: rebuilt_pipeline(columns, lexicon, code) for code, columns in terms.items()}


def scored_comments(feedback: pa.Table, lexicon_rows: pa.Table, settings: Settings, evaluated: pa.Table,
                    training: pa.Table | None = None, params: pa.Table | None = None) -> pa.Table:
    """One row per feedback comment: the score and label of its language's method, the method,
    and the lexicon's score beside it. The method is the one `evaluated` (the table of evaluation
    on the training rows and the same settings) chose; a language it does not list is scored by
    the lexicon. The classifier is the one `params` (classifier_params() rows) describe, rebuilt
    without fitting; without `params`, classifier_params() of the language's training comments
    among `training` (default: `feedback` itself; the same ones its cross-validation used) - the
    same path, so the scores are the same. It scores every comment of `feedback`. A comment
    without a word or emoji is neutral (score 0)."""
    lexicon = Lexicon.from_rows(lexicon_rows.to_pylist())
    chosen = methods_in_use(evaluated)
    columns: dict[str, list] = {name: [] for name in SCORED_SCHEMA.names}
    languages = _languages(feedback, settings)
    if params is None:
        params = classifier_params(feedback if training is None else training, lexicon_rows, settings, evaluated,
                                   {language.code for language in languages})
    classifiers = classifiers_of(params, lexicon)
    for language in languages:
        lexicon_score, terms_found = _lexicon_scores(lexicon, language.texts, language.code)
        method = ("classifier" if chosen.get(language.code) == "classifier" and language.code in classifiers
                  else "lexicon")
        if method == "classifier":
            score = sentiment_scores(classifiers[language.code], language.texts)
        else:
            score = lexicon_score
        score = np.where(language.has_words, score, 0.0)
        columns["feedback_id"] += language.ids
        columns["sentiment_score"] += [float(value) for value in score]
        columns["sentiment_label"] += [label_of(value, settings.neutral_band) for value in score]
        columns["sentiment_method"] += [method] * len(language.ids)
        columns["lexicon_score"] += [float(value) for value in lexicon_score]
        columns["lexicon_terms_found"] += [int(value) for value in terms_found]
    return pa.table(columns, schema=SCORED_SCHEMA)


def evaluation(feedback: pa.Table, lexicon_rows: pa.Table, settings: Settings) -> pa.Table:
    """Per language and method (classifier, lexicon): the cross-validated (classifier) or direct
    (lexicon) AUC, precision and recall on the language's training comments (its rated comments,
    at most settings.max_training_comments of them), and which method scores the language: the
    classifier where it can be trained and its cross-validated AUC is at least the lexicon's on the
    same comments, else the lexicon (doc block sentiment)."""
    lexicon = Lexicon.from_rows(lexicon_rows.to_pylist())
    rows = []
    for language in _languages(feedback, settings):
        texts, labels = language.training_data()
        lexicon_score, _ = _lexicon_scores(lexicon, texts, language.code)
        by_method = {"lexicon": metrics(labels, lexicon_score, settings.neutral_band) if labels.size else None,
                     "classifier": None}
        status, reason, method = language.status, language.reason, "lexicon"
        if language.can_train:
            out_of_fold = cross_validated_scores(texts, labels, lexicon, language.code)
            by_method["classifier"] = metrics(labels, out_of_fold, settings.neutral_band)
            classifier_auc, lexicon_auc = by_method["classifier"].auc, by_method["lexicon"].auc
            comparison = f"cross-validated classifier AUC {classifier_auc:.4f}, lexicon AUC {lexicon_auc:.4f}"
            if classifier_auc >= lexicon_auc - settings.auc_tie_tolerance:
                method, reason = "classifier", f"{reason}; {comparison}"
            else:
                status, reason = "lexicon_better", f"{reason}; {comparison}: the lexicon scores better"
        base = {
            "language": language.code, "scoring_status": status, "status_reason": reason,
            "comments": len(language.ids), "rated_comments": int(language.rated.size),
            "training_comments": int(labels.size),
            "negative_comments": int(sum(language.labels[i] == 0 for i in language.rated)),
            "positive_comments": int(sum(language.labels[i] == 1 for i in language.rated)),
            "min_rated_comments": settings.min_rated_comments,
            "max_training_comments": settings.max_training_comments,
        }
        for name, measured in by_method.items():
            rows.append({**base, "sentiment_method": name, "is_method_in_use": name == method,
                         "auc": measured.auc if measured else None,
                         "precision_negative": measured.precision_negative if measured else None,
                         "recall_negative": measured.recall_negative if measured else None})
    return pa.Table.from_pylist(rows, schema=EVALUATION_SCHEMA)


# --- The refit schedule (engagement_warehouse.fit_schedule) ----------------------------------------

# the columns of stg_shop__feedback the fits learn from, and the day a response is observed
FEEDBACK_COLUMNS = ["feedback_id", "survey_type", "score", "comment", "language"]
OBSERVED_DATE = "submitted_date"
FIT_ANCHOR = "sentiment_fit_anchor_date"
FIT_FINGERPRINT = "sentiment_fit_fingerprint"
SCORED_TEXT_MD5 = "scored_text_md5"
FIT_FIELDS = [pa.field(FIT_ANCHOR, pa.date32()), pa.field(FIT_FINGERPRINT, pa.string())]
SCHEDULED_EVALUATION_SCHEMA = pa.schema(list(EVALUATION_SCHEMA) + FIT_FIELDS)
SCHEDULED_PARAMS_SCHEMA = pa.schema(list(PARAMS_SCHEMA) + FIT_FIELDS)
SCHEDULED_SCORED_SCHEMA = pa.schema(list(SCORED_SCHEMA) + FIT_FIELDS + [pa.field(SCORED_TEXT_MD5, pa.string())])
# what scheduled_scores needs of the stored scores
STORED_KEYS = ["feedback_id", FIT_ANCHOR, FIT_FINGERPRINT, SCORED_TEXT_MD5]


def sentiment_fit(feedback: pa.Table, lexicon_rows: pa.Table, settings: Settings, data_end: date | None,
                  every_days: int, evaluated: pa.Table | None = None) -> tuple[Fit, pa.Table]:
    """The fit a run makes (its anchor and fingerprint) and its training rows: the commented
    responses submitted up to the anchor (all of them without one). The fingerprint covers those
    rows, the lexicon, the settings and, for the scores, the methods `evaluated` chose."""
    anchor = anchor_date(data_end, every_days)
    training = observed_by(feedback, OBSERVED_DATE, anchor).select(FEEDBACK_COLUMNS)
    training = training.filter(pc.is_valid(training.column("comment")))
    chosen = methods_in_use(evaluated) if evaluated is not None else None
    inputs = {"settings": asdict(settings), "anchor": anchor, "methods_in_use": chosen}
    return Fit(anchor, fingerprint({"feedback": training, "sentiment_lexicon": lexicon_rows}, inputs)), training


def _with_fit(table: pa.Table, fit: Fit) -> pa.Table:
    return with_fit(table, fit, FIT_ANCHOR, FIT_FINGERPRINT)


def scheduled_evaluation(feedback: pa.Table, lexicon_rows: pa.Table, settings: Settings, data_end: date | None,
                         every_days: int, stored: pa.Table | None = None) -> pa.Table:
    """evaluation() of the training rows of the schedule, with the fit's anchor and fingerprint;
    the stored table (the model's previous rows, None on a full build) itself when it holds the
    same fit."""
    fit, training = sentiment_fit(feedback, lexicon_rows, settings, data_end, every_days)
    return kept_or_refitted(stored, fit, SCHEDULED_EVALUATION_SCHEMA, FIT_ANCHOR, FIT_FINGERPRINT,
                            lambda: evaluation(training, lexicon_rows, settings))


def scheduled_classifier_params(feedback: pa.Table, lexicon_rows: pa.Table, settings: Settings, evaluated: pa.Table,
                                data_end: date | None, every_days: int, stored: pa.Table | None = None) -> pa.Table:
    """classifier_params() of the training rows of the schedule (the fit of the scores: the same
    anchor and fingerprint), with the fit's anchor and fingerprint; the stored table (the model's
    previous rows, None on a full build) itself when it holds the same fit: no training."""
    fit, training = sentiment_fit(feedback, lexicon_rows, settings, data_end, every_days, evaluated)
    return kept_or_refitted(stored, fit, SCHEDULED_PARAMS_SCHEMA, FIT_ANCHOR, FIT_FINGERPRINT,
                            lambda: classifier_params(training, lexicon_rows, settings, evaluated))


def text_md5(language: str | None, comment: str) -> str:
    """md5 (hex) of what a comment's score depends on besides the fit: its language and text."""
    return hashlib.md5(json.dumps([language, comment]).encode("utf-8")).hexdigest()


def scheduled_scores(feedback: pa.Table, lexicon_rows: pa.Table, settings: Settings, evaluated: pa.Table,
                     data_end: date | None, every_days: int, stored: pa.Table | None = None,
                     params: pa.Table | None = None) -> pa.Table:
    """scored_comments() with the fit of the schedule (the classifiers of `params`, the rows of
    scheduled_classifier_params() for the same inputs; without it, fitted here the same way), each
    row with the fit's anchor and fingerprint and the md5 of its language and text. `stored` (the model's previous feedback_id,
    fit columns and md5s; None on a full build) holding the same fit: only the comments that are
    new or whose language or text changed, for the model to replace by feedback_id (the model
    deletes the comments that are gone); otherwise every comment, scored by the new fit."""
    fit, training = sentiment_fit(feedback, lexicon_rows, settings, data_end, every_days, evaluated)
    commented = feedback.filter(pc.is_valid(feedback.column("comment")))
    md5s = [text_md5(row["language"], row["comment"])
            for row in commented.select(["language", "comment"]).to_pylist()]
    commented = commented.append_column(SCORED_TEXT_MD5, pa.array(md5s, pa.string()))
    if keeps_stored_fit(stored_fit(stored, FIT_ANCHOR, FIT_FINGERPRINT), fit):
        known = set(zip(stored.column("feedback_id").to_pylist(), stored.column(SCORED_TEXT_MD5).to_pylist()))
        changed = [(row["feedback_id"], row[SCORED_TEXT_MD5]) not in known
                   for row in commented.select(["feedback_id", SCORED_TEXT_MD5]).to_pylist()]
        commented = commented.filter(pa.array(changed, pa.bool_()))
    scored = _with_fit(scored_comments(commented, lexicon_rows, settings, evaluated, training, params), fit)
    md5_of = dict(zip(commented.column("feedback_id").to_pylist(), commented.column(SCORED_TEXT_MD5).to_pylist()))
    scored = scored.append_column(SCORED_TEXT_MD5, pa.array([md5_of[i] for i in scored.column("feedback_id").to_pylist()],
                                                            pa.string()))
    return scored.cast(SCHEDULED_SCORED_SCHEMA)
