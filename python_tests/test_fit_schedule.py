"""The refit schedule of the fits (engagement_warehouse.fit_schedule) and the sentiment fits on it:
the anchor arithmetic, the fingerprint, and the keep-or-refit decision on hand-made inputs."""

from __future__ import annotations

import hashlib
from datetime import date

import pyarrow as pa
import pytest

from engagement_warehouse.fit_schedule import Fit, anchor_date, fingerprint, keeps_stored_fit, observed_by, stored_fit
from engagement_warehouse.sentiment import tables
from engagement_warehouse.sentiment.tables import (
    FIT_ANCHOR,
    FIT_FINGERPRINT,
    SCORED_TEXT_MD5,
    Settings,
    scheduled_classifier_params,
    scheduled_evaluation,
    scheduled_scores,
)

from .test_sentiment import BAND, _rated_reviews, lexicon_table


@pytest.mark.parametrize("data_end, every_days, expected", [
    # 1970-01-01 was a Thursday: with 7 days the anchors are the Thursdays
    (date(2026, 9, 29), 7, date(2026, 9, 24)),   # a Tuesday: the Thursday before
    (date(2026, 9, 30), 7, date(2026, 9, 24)),   # Wednesday: still that Thursday
    (date(2026, 10, 1), 7, date(2026, 10, 1)),   # a Thursday is its own anchor
    (date(1970, 1, 2), 2, date(1970, 1, 1)),
    (date(1970, 1, 3), 2, date(1970, 1, 3)),
    (date(1969, 12, 31), 7, date(1969, 12, 25)),  # before the epoch: the Thursday before too
    (date(2026, 9, 29), 1, None),                 # the default: no anchor, every row
    (date(2026, 9, 29), 0, None),
    (None, 7, None),
])
def test_the_anchor_is_the_latest_multiple_of_n_days_up_to_the_data_end(data_end, every_days, expected):
    assert anchor_date(data_end, every_days) == expected


def test_observed_by_keeps_the_rows_up_to_the_anchor():
    table = pa.table({"id": ["a", "b", "c", "d"],
                      "day": pa.array([date(2026, 9, 23), date(2026, 9, 24), date(2026, 9, 25), None], pa.date32())})
    assert observed_by(table, "day", date(2026, 9, 24)).column("id").to_pylist() == ["a", "b"]
    assert observed_by(table, "day", None).column("id").to_pylist() == ["a", "b", "c", "d"]


def test_the_fingerprint_ignores_the_row_order_and_sees_every_value_and_setting():
    rows = pa.table({"id": ["a", "b"], "text": ["bom", "ruim"]})
    base = fingerprint({"feedback": rows}, {"band": 0.2})
    assert fingerprint({"feedback": rows.take([1, 0])}, {"band": 0.2}) == base
    assert fingerprint({"feedback": pa.table({"id": ["a", "b"], "text": ["bom", "ruins"]})}, {"band": 0.2}) != base
    assert fingerprint({"feedback": rows.slice(0, 1)}, {"band": 0.2}) != base
    assert fingerprint({"feedback": rows}, {"band": 0.3}) != base
    # the same rows under another input's name are another input
    assert fingerprint({"lexicon": rows}, {"band": 0.2}) != base


def test_the_fingerprint_of_a_hand_made_table_is_the_md5_of_its_sorted_row_md5s():
    # one row {"id": "a", "n": 1}: its JSON (columns in name order), md5'd, the sorted md5s joined
    # and md5'd with the table name and row count, then the settings' JSON
    row_md5 = hashlib.md5(b'{"id":"a","n":1}').hexdigest()
    table_md5 = hashlib.md5(row_md5.encode("utf-8")).hexdigest()
    expected = hashlib.md5(b'["t", 1, "' + table_md5.encode("utf-8") + b'"]{"band": 0.2}').hexdigest()
    assert fingerprint({"t": pa.table({"n": [1], "id": ["a"]})}, {"band": 0.2}) == expected


def test_the_fingerprint_sees_duplicates_moved_values_nulls_and_dates_whatever_the_order():
    rows = pa.table({"id": ["a", "b", "c"], "text": ["bom", None, "ruim"],
                     "day": pa.array([date(2026, 9, 23), None, date(2026, 9, 24)], pa.date32())})
    base = fingerprint({"feedback": rows}, {})
    # neither the row order nor the column order matters
    assert fingerprint({"feedback": rows.take([2, 0, 1]).select(["day", "text", "id"])}, {}) == base
    changed = {
        "a row twice": pa.concat_tables([rows, rows.slice(0, 1)]),
        "a null filled": rows.set_column(1, "text", pa.array(["bom", "", "ruim"])),
        "a day one later": rows.set_column(2, "day", pa.array([date(2026, 9, 23), None, date(2026, 9, 25)], pa.date32())),
        "values swapped between rows": rows.set_column(1, "text", pa.array(["ruim", None, "bom"])),
        "a column renamed": rows.rename_columns(["id", "comment", "day"]),
        "no row": rows.slice(0, 0),
    }
    for what, table in changed.items():
        assert fingerprint({"feedback": table}, {}) != base, what
    # a second table counts, and an empty one is not the same as none
    assert fingerprint({"feedback": rows, "lexicon": rows.slice(0, 0)}, {}) != base


def test_a_run_keeps_the_stored_fit_only_for_the_same_anchor_and_fingerprint():
    stored = pa.table({"anchor": pa.array([date(2026, 9, 24)] * 2, pa.date32()), "fp": ["x", "x"]})
    assert stored_fit(stored, "anchor", "fp") == Fit(date(2026, 9, 24), "x")
    assert keeps_stored_fit(stored_fit(stored, "anchor", "fp"), Fit(date(2026, 9, 24), "x"))
    assert not keeps_stored_fit(stored_fit(stored, "anchor", "fp"), Fit(date(2026, 10, 1), "x"))
    assert not keeps_stored_fit(stored_fit(stored, "anchor", "fp"), Fit(date(2026, 9, 24), "y"))
    # no table (a full build), no row, rows of two fits: refit
    assert not keeps_stored_fit(stored_fit(None, "anchor", "fp"), Fit(None, "x"))
    assert not keeps_stored_fit(stored_fit(stored.slice(0, 0), "anchor", "fp"), Fit(date(2026, 9, 24), "x"))
    mixed = pa.table({"anchor": pa.array([date(2026, 9, 24)] * 2, pa.date32()), "fp": ["x", "y"]})
    assert stored_fit(mixed, "anchor", "fp") is None


# --- The sentiment fits on the schedule ------------------------------------------------------------

SETTINGS = Settings(min_rated_comments=20, neutral_band=BAND)
DATA_END = date(2026, 9, 30)  # a Wednesday: the 7-day anchor is Thursday 2026-09-24


def _feedback(rows: list[tuple]) -> pa.Table:
    """rows of _rated_reviews (id, survey, score, comment, language) with a submitted_date each."""
    schema = pa.schema([("feedback_id", pa.string()), ("survey_type", pa.string()), ("score", pa.int64()),
                        ("comment", pa.string()), ("language", pa.string()), ("submitted_date", pa.date32())])
    return pa.Table.from_pylist([dict(zip(schema.names, row)) for row in rows], schema=schema)


@pytest.fixture(scope="module")
def feedback() -> pa.Table:
    """240 Spanish reviews up to the anchor, 20 after it (up to the data end)."""
    reviews = _rated_reviews("es", 260, seed=11)
    return _feedback([(*row, date(2026, 9, 24) if i < 240 else date(2026, 9, 29)) for i, row in enumerate(reviews)])


def _by_id(table: pa.Table) -> dict[str, dict]:
    return {row["feedback_id"]: row for row in table.to_pylist()}


def test_the_fit_learns_from_the_comments_up_to_the_anchor(feedback):
    lexicon = lexicon_table()
    evaluated = _by_id_method(scheduled_evaluation(feedback, lexicon, SETTINGS, DATA_END, 7))
    assert evaluated[("es", "classifier")]["comments"] == 240
    assert evaluated[("es", "classifier")][FIT_ANCHOR] == date(2026, 9, 24)
    assert evaluated[("es", "classifier")]["is_method_in_use"]
    # the default: every comment, no anchor
    everything = _by_id_method(scheduled_evaluation(feedback, lexicon, SETTINGS, DATA_END, 1))
    assert everything[("es", "classifier")]["comments"] == 260
    assert everything[("es", "classifier")][FIT_ANCHOR] is None
    # with N = 1 the evaluation's own columns are those of evaluation() on every row
    plain = tables.evaluation(feedback, lexicon, SETTINGS)
    assert scheduled_evaluation(feedback, lexicon, SETTINGS, DATA_END, 1).select(plain.column_names).equals(plain)


def _by_id_method(table: pa.Table) -> dict[tuple[str, str], dict]:
    return {(row["language"], row["sentiment_method"]): row for row in table.to_pylist()}


def test_the_evaluation_is_kept_or_refitted_by_its_inputs(feedback, monkeypatch):
    lexicon = lexicon_table()
    stored = scheduled_evaluation(feedback, lexicon, SETTINGS, DATA_END, 7)
    after_anchor = _feedback([("new", "product_review", 1, "llegó roto", "es", date(2026, 9, 30))])
    late = _feedback([("late", "product_review", 1, "llegó roto", "es", date(2026, 9, 20))])

    calls = []
    real = tables.evaluation
    monkeypatch.setattr(tables, "evaluation", lambda *args: calls.append(1) or real(*args))
    # a comment after the anchor: the stored fit, no fitting
    grown = pa.concat_tables([feedback, after_anchor])
    assert scheduled_evaluation(grown, lexicon, SETTINGS, DATA_END, 7, stored).equals(stored)
    assert calls == []
    # a late comment before the anchor, an erasure, another setting, a new anchor: refitted
    for changed in (
        dict(feedback=pa.concat_tables([feedback, late])),
        dict(feedback=feedback.slice(1)),
        dict(settings=Settings(min_rated_comments=20, neutral_band=0.3)),
        dict(data_end=date(2026, 10, 1)),
        dict(lexicon=lexicon.slice(1)),
    ):
        arguments = dict(feedback=feedback, lexicon=lexicon, settings=SETTINGS, data_end=DATA_END)
        arguments.update(changed)
        refitted = scheduled_evaluation(arguments["feedback"], arguments["lexicon"], arguments["settings"],
                                        arguments["data_end"], 7, stored)
        assert refitted.column(FIT_FINGERPRINT).to_pylist()[0] != stored.column(FIT_FINGERPRINT).to_pylist()[0]
        # exactly what a full build (nothing stored) gives
        assert refitted.equals(scheduled_evaluation(arguments["feedback"], arguments["lexicon"], arguments["settings"],
                                                    arguments["data_end"], 7))
    assert len(calls) == 10


def test_scores_with_the_stored_fit_cover_only_new_and_changed_comments_and_equal_a_full_scoring(feedback):
    lexicon = lexicon_table()
    evaluated = scheduled_evaluation(feedback, lexicon, SETTINGS, DATA_END, 7)
    stored = scheduled_scores(feedback, lexicon, SETTINGS, evaluated, DATA_END, 7)
    assert stored.num_rows == 260 and set(stored.column("sentiment_method").to_pylist()) == {"classifier"}
    assert set(stored.column(FIT_ANCHOR).to_pylist()) == {date(2026, 9, 24)}

    # the next day: a new comment and an edited one after the anchor (the fit stays)
    edited_id = feedback.column("feedback_id")[250].as_py()
    rows = feedback.to_pylist()
    rows[250] = {**rows[250], "comment": "pésimo, llegó roto"}
    rows.append({"feedback_id": "new", "survey_type": "nps", "score": 2, "comment": "no llegó nunca",
                 "language": "es", "submitted_date": date(2026, 9, 30)})
    next_day = pa.Table.from_pylist(rows, schema=feedback.schema)
    kept_evaluation = scheduled_evaluation(next_day, lexicon, SETTINGS, date(2026, 9, 30), 7, evaluated)
    assert kept_evaluation.equals(evaluated)
    stored_keys = stored.select(["feedback_id", FIT_ANCHOR, FIT_FINGERPRINT, SCORED_TEXT_MD5])
    increment = scheduled_scores(next_day, lexicon, SETTINGS, kept_evaluation, date(2026, 9, 30), 7, stored_keys)
    assert sorted(increment.column("feedback_id").to_pylist()) == sorted([edited_id, "new"])
    # the stored rows with the increment replacing theirs: a full scoring of the same day
    merged = {**_by_id(stored), **_by_id(increment)}
    assert merged == _by_id(scheduled_scores(next_day, lexicon, SETTINGS, kept_evaluation, date(2026, 9, 30), 7))
    assert merged["new"]["sentiment_label"] == "negative"

    # a new anchor: every comment rescored
    anchor_day = scheduled_evaluation(next_day, lexicon, SETTINGS, date(2026, 10, 1), 7, evaluated)
    rescored = scheduled_scores(next_day, lexicon, SETTINGS, anchor_day, date(2026, 10, 1), 7, stored_keys)
    assert rescored.num_rows == 261 and set(rescored.column(FIT_ANCHOR).to_pylist()) == {date(2026, 10, 1)}


def test_a_kept_day_scores_from_the_stored_classifier_without_training(feedback, monkeypatch):
    """The classifier's rows are kept while the fit is (no training at all on such a day), and the
    scores read from them equal those of a full build, which fits, stores and rebuilds the same way."""
    lexicon = lexicon_table()
    evaluated = scheduled_evaluation(feedback, lexicon, SETTINGS, DATA_END, 7)
    params = scheduled_classifier_params(feedback, lexicon, SETTINGS, evaluated, DATA_END, 7)
    assert set(params.column("language").to_pylist()) == {"es"}
    assert set(params.column("feature_block").to_pylist()) == {"char", "word", "lexicon", "intercept"}
    assert set(params.column(FIT_ANCHOR).to_pylist()) == {date(2026, 9, 24)}
    full = scheduled_scores(feedback, lexicon, SETTINGS, evaluated, DATA_END, 7, params=params)
    assert full.equals(scheduled_scores(feedback, lexicon, SETTINGS, evaluated, DATA_END, 7))

    rows = feedback.to_pylist() + [{"feedback_id": "new", "survey_type": "nps", "score": 2, "comment": "no llegó nunca",
                                    "language": "es", "submitted_date": date(2026, 9, 30)}]
    next_day = pa.Table.from_pylist(rows, schema=feedback.schema)

    def no_training(*args, **kwargs):
        raise AssertionError("trained on a kept day")

    monkeypatch.setattr(tables, "fitted_pipeline", no_training)
    monkeypatch.setattr(tables, "cross_validated_scores", no_training)
    kept_evaluation = scheduled_evaluation(next_day, lexicon, SETTINGS, date(2026, 9, 30), 7, evaluated)
    kept = scheduled_classifier_params(next_day, lexicon, SETTINGS, kept_evaluation, date(2026, 9, 30), 7, params)
    assert kept.equals(params)
    stored_keys = full.select(["feedback_id", FIT_ANCHOR, FIT_FINGERPRINT, SCORED_TEXT_MD5])
    increment = scheduled_scores(next_day, lexicon, SETTINGS, kept_evaluation, date(2026, 9, 30), 7, stored_keys, kept)
    assert increment.column("feedback_id").to_pylist() == ["new"]
    assert increment.column("sentiment_method").to_pylist() == ["classifier"]
    monkeypatch.undo()
    assert _by_id(increment)["new"] == _by_id(scheduled_scores(next_day, lexicon, SETTINGS, kept_evaluation,
                                                               date(2026, 9, 30), 7))["new"]


def test_the_default_scores_every_comment_as_scored_comments_does(feedback):
    lexicon = lexicon_table()
    evaluated = tables.evaluation(feedback, lexicon, SETTINGS)
    plain = tables.scored_comments(feedback, lexicon, SETTINGS, evaluated)
    scheduled = scheduled_scores(feedback, lexicon, SETTINGS, scheduled_evaluation(feedback, lexicon, SETTINGS, DATA_END, 1),
                                 DATA_END, 1)
    assert scheduled.select(plain.column_names).equals(plain)
