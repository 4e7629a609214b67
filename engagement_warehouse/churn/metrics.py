"""The evaluation metrics of churn_model_evaluation, written out (not sklearn's) so that each is
one readable definition, tested against hand-computed cases (python_tests/test_churn.py).

`y` is 1 for a churner, 0 otherwise; `p` the predicted churn probability (or any score where
higher means more likely to churn). Persons are ranked by `p`, highest first; ties keep the input
order, so callers pass rows in a fixed order (by person_key)."""

from __future__ import annotations

import numpy as np

DECILES = 10


def auc(y: np.ndarray, p: np.ndarray) -> float | None:
    """Area under the ROC curve: the probability that a random churner scores above a random
    non-churner, ties counting one half (Mann-Whitney U over both class sizes); None with one class."""
    y, p = np.asarray(y, float), np.asarray(p, float)
    positives, negatives = int(y.sum()), int((1 - y).sum())
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(p, kind="stable")
    ranks = np.empty(p.size)
    sorted_p = p[order]
    start = 0
    while start < p.size:  # average ranks (1-based) over ties
        end = start
        while end + 1 < p.size and sorted_p[end + 1] == sorted_p[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    u = ranks[y == 1].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def average_precision(y: np.ndarray, p: np.ndarray) -> float | None:
    """PR-AUC as average precision: over the distinct scores from the highest down, the precision
    at that threshold weighted by the recall it adds (sklearn's definition); None without churners."""
    y, p = np.asarray(y, float), np.asarray(p, float)
    positives = y.sum()
    if positives == 0:
        return None
    total, recall_before = 0.0, 0.0
    for threshold in np.unique(p)[::-1]:
        selected = p >= threshold
        true_positives = y[selected].sum()
        recall = true_positives / positives
        total += (recall - recall_before) * true_positives / selected.sum()
        recall_before = recall
    return float(total)


def brier(y: np.ndarray, p: np.ndarray) -> float | None:
    """Mean squared difference between the predicted probability and the outcome."""
    y, p = np.asarray(y, float), np.asarray(p, float)
    return float(np.mean((p - y) ** 2)) if y.size else None


def deciles(p: np.ndarray) -> np.ndarray:
    """Decile 1..10 of each person, 1 for the highest scores: the i-th person by score (0-based)
    is in decile floor(10 i / n) + 1, so deciles differ in size by at most one person."""
    p = np.asarray(p, float)
    order = np.argsort(-p, kind="stable")
    result = np.empty(p.size, int)
    result[order] = np.arange(p.size) * DECILES // max(p.size, 1) + 1
    return result


def top_decile(y: np.ndarray, p: np.ndarray) -> tuple[float | None, float | None]:
    """(lift, capture rate) of decile 1: its churn rate over the overall churn rate, and its share
    of all churners; None without churners."""
    y = np.asarray(y, float)
    if y.sum() == 0:
        return None, None
    top = deciles(p) == 1
    return float(y[top].mean() / y.mean()), float(y[top].sum() / y.sum())


def calibration(y: np.ndarray, p: np.ndarray) -> list[dict]:
    """Per decile (1 = highest scores): persons, mean predicted probability, observed churn rate,
    and the cumulative capture rate and lift down to that decile."""
    y, p = np.asarray(y, float), np.asarray(p, float)
    decile = deciles(p)
    rows, captured, counted = [], 0.0, 0
    for k in range(1, DECILES + 1):
        members = decile == k
        n = int(members.sum())
        captured += y[members].sum()
        counted += n
        rows.append({
            "decile": k,
            "decile_persons": n,
            "decile_mean_predicted": float(p[members].mean()) if n else None,
            "decile_observed_churn_rate": float(y[members].mean()) if n else None,
            "cumulative_capture_rate": float(captured / y.sum()) if y.sum() else None,
            "cumulative_lift": float((captured / counted) / y.mean()) if counted and y.sum() else None,
        })
    return rows
