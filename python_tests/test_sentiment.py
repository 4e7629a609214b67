"""Comment sentiment (issue 20, doc block sentiment): the lexicon's negation, the metrics against a
hand-computed case, the classifier against the lexicon on held-out rated comments of the demo
data, hand-written reviews the generator did not write, and the edge cases of the fit."""

from __future__ import annotations

import csv
import hashlib

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from engagement_warehouse.generator import generate
from engagement_warehouse.generator.comments import compose_comments
from engagement_warehouse.sentiment.classifier import (
    cross_validated_scores,
    fit_and_score,
    fitted_pipeline,
    label_of,
    metrics,
    pipeline_terms,
    rated_label,
    rebuilt_pipeline,
)
from engagement_warehouse.sentiment.lexicon import Lexicon, score_text
from engagement_warehouse.sentiment.tables import Settings, evaluation, scored_comments, training_selection

from .conftest import PROJECT_DIR

SEED = PROJECT_DIR / "seeds/sentiment_lexicon.csv"
BAND = 0.2


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    with SEED.open(newline="") as handle:
        return Lexicon.from_rows(list(csv.DictReader(handle)))


def lexicon_table() -> pa.Table:
    with SEED.open(newline="") as handle:
        return pa.Table.from_pylist(list(csv.DictReader(handle)))


def label(lexicon: Lexicon, text: str, language: str) -> str:
    return label_of(score_text(lexicon, text, language).balance, BAND)


@pytest.mark.parametrize(("language", "text", "expected"), [
    # a negated positive is negative
    ("pt", "Não recomendo", "negative"),
    ("pt", "não gostei do colar", "negative"),
    ("pt", "NAO RECOMENDO", "negative"),  # caps, accent dropped
    ("es", "No me gustó para nada", "negative"),
    ("es", "no lo recomiendo", "negative"),
    ("en", "not worth it", "negative"),
    ("en", "I didn't like it", "negative"),
    # a complaint that is itself a negation
    ("pt", "o pedido não chegou", "negative"),
    ("es", "no llegó", "negative"),
    ("es", "nunca llegó mi pedido", "negative"),
    ("en", "it never arrived", "negative"),
    # a negated complaint is praise
    ("es", "nada que reclamar", "positive"),
    ("es", "sin problemas", "positive"),
    ("pt", "sem defeito nenhum", "positive"),
    ("pt", "nada a reclamar", "positive"),
    ("pt", "não escureceu", "positive"),
    ("en", "no problems at all", "positive"),
    # the same terms without a negator keep their polarity
    ("pt", "recomendo", "positive"),
    ("es", "tuve un problema con el envío", "negative"),
    # a negator does not reach past a contrast word or punctuation: one half each, neutral
    ("pt", "não é caro, mas é lindo", "positive"),
    ("es", "lindo pero tardó mucho", "neutral"),
    # an emoji is never negated
    ("es", "no me gustó 😡", "negative"),
])
def test_negation_in_the_lexicon(lexicon, language, text, expected):
    assert label(lexicon, text, language) == expected


def test_lexicon_counts_terms_and_balance(lexicon):
    # "sin problemas" (+1 negated), "excelente" (+1), "tardó" (-1): 2 positive, 1 negative
    scored = score_text(lexicon, "Sin problemas, excelente, aunque tardó", "es")
    assert (scored.positive, scored.negative, scored.terms_found) == (2, 1, 3)
    assert scored.balance == pytest.approx(1 / 3)
    # a language the lexicon does not list: only the emoji count
    assert score_text(lexicon, "très beau 😍", "fr").balance == 1.0
    assert score_text(lexicon, "très beau", "fr").terms_found == 0


def test_metrics_against_a_hand_computed_case():
    labels = np.array([1, 1, 0, 0])
    scores = np.array([0.8, -0.5, 0.1, -0.9])
    measured = metrics(labels, scores, BAND)
    # positive-negative pairs ranked right: 0.8 > 0.1, 0.8 > -0.9, -0.5 > -0.9; wrong: -0.5 < 0.1
    assert measured.auc == pytest.approx(3 / 4)
    # labelled negative (below -0.2): -0.5 (a positive) and -0.9 (a negative); negatives: 0.1, -0.9
    assert measured.precision_negative == pytest.approx(1 / 2)
    assert measured.recall_negative == pytest.approx(1 / 2)
    # a tie counts half; one class only: no AUC; nothing labelled negative: no precision
    assert metrics(np.array([1, 0]), np.array([0.5, 0.5]), BAND).auc == pytest.approx(0.5)
    one_class = metrics(np.array([1, 1]), np.array([0.5, 0.9]), BAND)
    assert (one_class.auc, one_class.precision_negative, one_class.recall_negative) == (None, None, None)


def test_rated_labels():
    assert [rated_label("product_review", s) for s in (1, 2, 3, 4, 5)] == [0, 0, None, 1, 1]
    assert [rated_label("csat", s) for s in (2, 4)] == [0, 1]
    assert rated_label("nps", 0) is None and rated_label("nps", 10) is None


@pytest.fixture(scope="module")
def demo_rated(tmp_path_factory) -> dict[str, tuple[list[str], np.ndarray]]:
    raw = tmp_path_factory.mktemp("sentiment_raw")
    generate(raw, scale=0.2, seed=42)
    rows = duckdb.sql(f"select survey_type, score, comment, language from read_parquet('{raw}/feedback.parquet') "
                      "where comment is not null").fetchall()
    rated: dict[str, tuple[list[str], list[int]]] = {}
    for survey, score, comment, language in rows:
        y = rated_label(survey, score)
        if y is not None:
            rated.setdefault(language, ([], []))
            rated[language][0].append(comment)
            rated[language][1].append(y)
    return {language: (texts, np.array(labels)) for language, (texts, labels) in rated.items()}


@pytest.mark.parametrize("language", ["es", "pt"])
def test_the_classifier_beats_the_lexicon_on_held_out_rated_comments(demo_rated, lexicon, language):
    """Measured at scale 0.2, seed 42, a stratified 30% held out: es classifier AUC 0.828 vs lexicon
    0.778, pt 0.912 vs 0.880 (DECISIONS.md); neither reaches 1 (the comments are not trivial)."""
    texts, labels = demo_rated[language]
    train_texts, test_texts, train_labels, test_labels = train_test_split(
        texts, labels, test_size=0.3, stratify=labels, random_state=7)
    classifier = roc_auc_score(test_labels, fit_and_score(train_texts, train_labels, test_texts, lexicon, language))
    lexicon_auc = roc_auc_score(test_labels, [score_text(lexicon, text, language).balance for text in test_texts])
    assert classifier > lexicon_auc
    assert classifier < 0.97  # the generated comments are not separable by a word list


def test_generated_comments_are_varied_and_follow_the_score(demo_rated, lexicon):
    texts, labels = demo_rated["pt"]
    assert len(set(texts)) > 0.5 * len(texts)
    negative_share = [np.mean([label(lexicon, text, "pt") == "negative" for text, y in zip(texts, labels) if y == k])
                      for k in (0, 1)]
    # most 1-2 star comments complain, but not all; few 4-5 star ones do, but some
    assert negative_share[0] > 0.4 and negative_share[1] < 0.15 and negative_share[1] > 0.0


def test_comments_are_deterministic_for_a_seed():
    languages, sentiment = ["pt", "es", "en", "pt"] * 5, np.array([0, 1, 2, 2] * 5)
    first = compose_comments(np.random.default_rng(3), languages, sentiment)
    assert first == compose_comments(np.random.default_rng(3), languages, sentiment)
    assert first != compose_comments(np.random.default_rng(4), languages, sentiment)


# Reviews written by hand in the manner of Brazilian and Mexican marketplace reviews (not by the
# generator), with their stars.
HAND_WRITTEN = [
    ("pt", 1, "Comprei dia 3 e até hoje não chegou, ninguém responde o chat. Não recomendo"),
    ("pt", 1, "produto veio com defeito, o fecho nem fecha"),
    ("pt", 1, "péssimo, escureceu em 2 semanas"),
    ("pt", 2, "Demorou demais pra entregar e a embalagem veio toda amassada"),
    ("pt", 2, "achei bonito mas veio errado o tamanho e até agora nada de troca"),
    ("pt", 1, "nao gostei, parece bijuteria barata"),
    ("pt", 5, "Chegou antes do prazo, muito lindo e delicado. Recomendo!"),
    ("pt", 5, "Perfeito!! Minha esposa amou ❤️"),
    ("pt", 4, "Bonito, só achou que o brilho é menor que na foto"),
    ("pt", 5, "nenhum problema, entrega rápida e produto de qualidade"),
    ("pt", 5, "Otimo atendimento pelo whats, super atenciosos"),
    ("pt", 4, "gostei bastante, vale o preço"),
    ("es", 1, "Nunca llegó mi pedido y no me regresan el dinero"),
    ("es", 1, "llegó roto el collar, muy mala calidad"),
    ("es", 2, "Tardó más de un mes, el dije está bonito pero no vale la espera"),
    ("es", 1, "no lo recomiendo, se oscureció a la semana"),
    ("es", 2, "me mandaron otro color y nadie contesta"),
    ("es", 1, "pésima atención, nunca más compro aquí"),
    ("es", 5, "Excelente atención, llegó súper rápido y tal cual la foto"),
    ("es", 5, "Hermoso!! a mi mamá le encantó 😍"),
    ("es", 4, "Muy bonito, sin problemas con el envío"),
    ("es", 5, "nada que reclamar, todo perfecto"),
    ("es", 4, "buena calidad por el precio, aunque la caja llegó un poco golpeada"),
    ("es", 5, "Me encantó, ya es mi segunda compra"),
]


def test_hand_written_reviews_by_the_lexicon(lexicon):
    """On 24 reviews the generator did not write: measured 10 of 12 negatives (1-2 stars; two
    neutral) and 12 of 12 positives labelled right, none the opposite way."""
    labels = [(stars, label(lexicon, text, language)) for language, stars, text in HAND_WRITTEN]
    negatives = [got for stars, got in labels if stars <= 2]
    positives = [got for stars, got in labels if stars >= 4]
    assert negatives.count("negative") >= 10 and "positive" not in negatives
    assert positives.count("positive") >= 10 and "negative" not in positives


def _feedback(rows: list[tuple]) -> pa.Table:
    schema = pa.schema([("feedback_id", pa.string()), ("survey_type", pa.string()), ("score", pa.int64()),
                        ("comment", pa.string()), ("language", pa.string())])
    return pa.Table.from_pylist([dict(zip(schema.names, row)) for row in rows], schema=schema)


def test_the_evaluation_does_not_depend_on_the_row_order():
    """DuckDB and Spark hand the fit the same rows in different orders (make test-spark differed)."""
    stars = np.random.default_rng(5).choice([1, 2, 4, 5], 300, p=[0.15, 0.1, 0.25, 0.5])
    texts = compose_comments(np.random.default_rng(6), ["es"] * 300, np.where(stars <= 2, 0, 2))
    rows = [(f"r{i:03d}", "product_review", int(star), text, "es") for i, (star, text) in enumerate(zip(stars, texts))]
    settings, lexicon = Settings(min_rated_comments=20, neutral_band=BAND), lexicon_table()
    forward = evaluation(_feedback(rows), lexicon, settings).to_pylist()
    assert forward == evaluation(_feedback(rows[::-1]), lexicon, settings).to_pylist()
    assert forward[0]["scoring_status"] == "classifier"


def test_edge_cases_give_a_status_not_a_stack_trace():
    settings = Settings(min_rated_comments=20, neutral_band=BAND)
    lexicon = lexicon_table()
    empty = _feedback([])
    assert evaluation(empty, lexicon, settings).num_rows == 0
    assert scored_comments(empty, lexicon, settings, evaluation(empty, lexicon, settings)).num_rows == 0
    no_comments = _feedback([("a", "nps", 9, None, "pt"), ("b", "csat", 5, None, "es")])
    assert scored_comments(no_comments, lexicon, settings, evaluation(no_comments, lexicon, settings)).num_rows == 0

    rows = [(f"es{i}", "product_review", 5 if i % 2 else 1, ("excelente calidad" if i % 2 else "llegó roto"), "es")
            for i in range(40)]
    rows += [("es-nps", "nps", 3, "no llegó nunca", "es"),
             ("pt1", "csat", 5, "amei", "pt"), ("pt2", "csat", 1, "péssimo", "pt"),
             ("fr1", "product_review", 5, "très joli 😍", "fr"),
             ("emoji", "nps", 10, "😍😍", "es"), ("blank", "csat", 5, "   ", "es"),
             ("long", "nps", 0, "no llegó " * 2000, "es"),
             ("nolang", "nps", 8, "ok", None)]
    feedback = _feedback(rows)
    evaluated_table = evaluation(feedback, lexicon, settings)
    scored = {row["feedback_id"]: row for row in scored_comments(feedback, lexicon, settings, evaluated_table).to_pylist()}
    assert len(scored) == len(rows)
    assert scored["es-nps"]["sentiment_method"] == "classifier" and scored["es-nps"]["sentiment_label"] == "negative"
    assert scored["pt1"]["sentiment_method"] == "lexicon" and scored["pt1"]["sentiment_label"] == "positive"
    assert scored["fr1"]["sentiment_method"] == "lexicon" and scored["fr1"]["sentiment_label"] == "positive"
    assert scored["blank"]["sentiment_score"] == 0.0 and scored["blank"]["sentiment_label"] == "neutral"
    assert scored["long"]["sentiment_label"] == "negative"
    assert scored["nolang"]["sentiment_method"] == "lexicon"

    evaluated = {(row["language"], row["sentiment_method"]): row for row in evaluated_table.to_pylist()}
    es, pt, fr = evaluated[("es", "classifier")], evaluated[("pt", "lexicon")], evaluated[("fr", "lexicon")]
    assert (es["scoring_status"], es["rated_comments"], es["is_method_in_use"]) == ("classifier", 40, True)
    assert es["auc"] == 1.0  # two phrases, one per class: trivially separable
    assert (pt["scoring_status"], pt["rated_comments"], pt["is_method_in_use"]) == ("lexicon_fallback", 2, True)
    assert evaluated[("pt", "classifier")]["auc"] is None
    assert (fr["scoring_status"], fr["negative_comments"], fr["auc"]) == ("lexicon_fallback", 0, None)
    assert evaluated[("unknown", "lexicon")]["scoring_status"] == "no_rated_comments"


def _rated_reviews(language: str, count: int, seed: int, prefix: str = "r") -> list[tuple]:
    """Product reviews with generated comments following their stars (1-2 or 4-5)."""
    stars = np.random.default_rng(seed).choice([1, 2, 4, 5], count, p=[0.15, 0.1, 0.25, 0.5])
    texts = compose_comments(np.random.default_rng(seed + 100), [language] * count, np.where(stars <= 2, 0, 2))
    return [(f"{prefix}{i:03d}", "product_review", int(star), text, language)
            for i, (star, text) in enumerate(zip(stars, texts))]


def test_the_classifier_trains_on_the_capped_comments_with_the_smallest_id_hash(monkeypatch):
    """Beyond var sentiment_max_training_comments, the classifier is cross-validated and trained on
    that many rated comments: per class the smallest md5 of feedback_id, the classes in their shares;
    every comment is still scored, and the choice does not depend on the row order."""
    rows = [(fid, survey, stars, f"{text} #{fid}", language)  # a unique text per comment: seen, it names its id
            for fid, survey, stars, text, language in _rated_reviews("es", 60, 24)]
    rows += [(f"nps{i}", "nps", 9, f"muy bien #{i}", "es") for i in range(10)]
    settings, lexicon = Settings(min_rated_comments=10, neutral_band=BAND, max_training_comments=20), lexicon_table()

    # independently: the md5 order per class, 20 * (the negatives' share) negatives, the rest positive
    def by_hash(ids: list[str]) -> list[str]:
        return sorted(ids, key=lambda fid: hashlib.md5(fid.encode()).hexdigest())
    negatives = [fid for fid, _, stars, _, _ in rows[:60] if stars <= 2]
    positives = [fid for fid, _, stars, _, _ in rows[:60] if stars >= 4]
    negative_quota = round(20 * len(negatives) / 60)
    expected = set(by_hash(negatives)[:negative_quota] + by_hash(positives)[:20 - negative_quota])
    assert len(expected) == 20 and 5 <= negative_quota < 20

    seen: dict[str, list[set[str]]] = {"cross_validated": [], "fitted": []}

    def ids_of(texts) -> set[str]:
        return {str(text).rsplit("#", 1)[1] for text in texts}

    def cross_validated(texts, labels, *args, **kwargs):
        seen["cross_validated"].append(ids_of(texts))
        return cross_validated_scores(texts, labels, *args, **kwargs)

    def fitted(train_texts, labels, *args, **kwargs):
        seen["fitted"].append(ids_of(train_texts))
        return fitted_pipeline(train_texts, labels, *args, **kwargs)

    monkeypatch.setattr("engagement_warehouse.sentiment.tables.cross_validated_scores", cross_validated)
    monkeypatch.setattr("engagement_warehouse.sentiment.tables.fitted_pipeline", fitted)

    shuffled = [rows[i] for i in np.random.default_rng(2).permutation(len(rows))]
    results = []
    for table in (_feedback(rows), _feedback(shuffled)):
        evaluated = evaluation(table, lexicon, settings)
        scored = scored_comments(table, lexicon, settings, evaluated)
        results.append((evaluated.to_pylist(), sorted(scored.to_pylist(), key=lambda row: row["feedback_id"])))
    assert results[0] == results[1]

    evaluated_rows, scored_rows = results[0]
    # seed 24: the classifier's cross-validated AUC on the 20 (0.933) is above the lexicon's (0.913),
    # so the final fit runs too (most seeds give the lexicon the edge on so few comments)
    assert [row["sentiment_method"] for row in evaluated_rows if row["is_method_in_use"]] == ["classifier"]
    assert seen["cross_validated"] == [expected, expected] and seen["fitted"] == [expected, expected]
    assert {(row["rated_comments"], row["training_comments"], row["max_training_comments"]) for row in evaluated_rows} \
        == {(60, 20, 20)}
    assert [row["feedback_id"] for row in scored_rows] == sorted(fid for fid, *_ in rows)  # all 70 scored
    assert {row["sentiment_method"] for row in scored_rows} == {
        next(row["sentiment_method"] for row in evaluated_rows if row["is_method_in_use"])}


@pytest.mark.parametrize(("seed", "expected"), [(3, "lexicon"), (4, "classifier")])
def test_the_method_with_the_higher_auc_scores_the_language(seed, expected, lexicon):
    """Seed 3: 120 generated es reviews on which the lexicon's AUC (0.833) is above the classifier's
    cross-validated AUC (0.797); seed 4: the classifier's (0.883) above the lexicon's (0.832).
    Both AUCs are computed here independently of the evaluation's code path."""
    rows = _rated_reviews("es", 120, seed)
    texts, labels = [text for *_, text, _ in rows], np.array([1 if stars >= 4 else 0 for _, _, stars, _, _ in rows])
    classifier_auc = roc_auc_score(labels, cross_validated_scores(texts, labels, lexicon, "es"))
    lexicon_auc = roc_auc_score(labels, [score_text(lexicon, text, "es").balance for text in texts])
    assert (classifier_auc >= lexicon_auc) == (expected == "classifier")

    settings, table = Settings(min_rated_comments=20, neutral_band=BAND), _feedback(rows)
    evaluated = evaluation(table, lexicon_table(), settings)
    by_method = {row["sentiment_method"]: row for row in evaluated.to_pylist()}
    assert by_method["classifier"]["auc"] == pytest.approx(classifier_auc)
    assert by_method["lexicon"]["auc"] == pytest.approx(lexicon_auc)
    assert [method for method, row in by_method.items() if row["is_method_in_use"]] == [expected]
    status = by_method[expected]["scoring_status"]
    assert status == ("lexicon_better" if expected == "lexicon" else "classifier")
    assert f"classifier AUC {classifier_auc:.4f}, lexicon AUC {lexicon_auc:.4f}" in by_method[expected]["status_reason"]
    scored = scored_comments(table, lexicon_table(), settings, evaluated)
    assert scored.num_rows == 120 and set(scored.column("sentiment_method").to_pylist()) == {expected}
    if expected == "lexicon":
        assert scored.column("sentiment_score").to_pylist() == scored.column("lexicon_score").to_pylist()
        # a lexicon ahead by less than var sentiment_auc_tie_tolerance is a tie: the classifier keeps it
        tolerant = Settings(min_rated_comments=20, neutral_band=BAND, auc_tie_tolerance=lexicon_auc - classifier_auc + 0.001)
        chosen = [row["sentiment_method"] for row in evaluation(table, lexicon_table(), tolerant).to_pylist()
                  if row["is_method_in_use"]]
        assert chosen == ["classifier"]


def test_the_training_quota_keeps_the_class_shares_and_enough_of_each_class_for_the_folds():
    ids = [f"id{k}" for k in range(200)]
    labels = [0] * 10 + [1] * 190

    def chosen_negatives(cap: int) -> int:
        return sum(labels[i] == 0 for i in training_selection(ids, labels, cap))
    # 100 of 200: half of the 10 negatives; 40: round(2) = 2, raised to the 5 the folds need
    assert (len(training_selection(ids, labels, 100)), chosen_negatives(100)) == (100, 5)
    assert (len(training_selection(ids, labels, 40)), chosen_negatives(40)) == (40, 5)
    # a cap below the folds' 5: all of it negative, none beyond the cap; at or above the count: all
    assert (len(training_selection(ids, labels, 3)), chosen_negatives(3)) == (3, 3)
    assert training_selection(ids, labels, 200) == list(range(200))
    assert training_selection(ids, labels, None) == list(range(200))


def test_the_stored_classifier_scores_bit_for_bit_as_the_fitted_one(lexicon):
    """The pipeline rebuilt from its rows (vocabulary, idf, coefficients, intercept; no fitting)
    gives the freshly fitted pipeline's predict_proba exactly, on comments it was not trained on."""
    rows = _rated_reviews("pt", 80, 7)
    texts, labels = [text for *_, text, _ in rows], np.array([1 if stars >= 4 else 0 for _, _, stars, _, _ in rows])
    fitted = fitted_pipeline(texts[:60], labels[:60], lexicon, "pt")
    rebuilt = rebuilt_pipeline(pipeline_terms(fitted), lexicon, "pt")
    unseen = np.asarray(texts[60:] + ["Não recomendo", "palavra nunca vista", ""], dtype=object)
    expected = fitted.predict_proba(unseen)
    assert rebuilt.predict_proba(unseen).tobytes() == expected.tobytes()
    assert 0 < expected[:, 1].min() < expected[:, 1].max() < 1  # not a constant: the terms matter


def test_the_classifier_rows_hold_vocabulary_idf_and_coefficients():
    """A corpus small enough to compute by hand: two texts, each twice (the char n-grams need a
    document frequency of 2). Words: 'bom', 'muito', 'muito bom', 'ruim' (alphabetical), each in 2
    of 4 documents: idf ln((1 + 4) / (1 + 2)) + 1. The intercept comes last; the coefficient of
    'ruim' is negative (a 1-star word), of 'bom' positive."""
    fitted = fitted_pipeline(["muito bom", "ruim", "muito bom", "ruim"], np.array([1, 0, 1, 0]), None, "pt")
    terms = pipeline_terms(fitted)
    words = [term for term in terms if term.feature_block == "word"]
    assert [(term.column_index, term.term) for term in words] == [(0, "bom"), (1, "muito"), (2, "muito bom"), (3, "ruim")]
    assert [term.idf for term in words] == pytest.approx([np.log(5 / 3) + 1] * 4)
    assert words[3].coefficient < 0 < words[0].coefficient
    assert [term.term for term in terms if term.feature_block == "lexicon"] == ["positive", "negative", "balance"]
    assert terms[-1].feature_block == "intercept" and terms[-1].coefficient == fitted.named_steps["classifier"].intercept_[0]
    chars = [term for term in terms if term.feature_block == "char"]
    assert " bo" in {term.term for term in chars} and [term.column_index for term in chars] == list(range(len(chars)))
    assert len(terms) == len(chars) + 4 + 3 + 1 == fitted.named_steps["classifier"].coef_.shape[1] + 1
