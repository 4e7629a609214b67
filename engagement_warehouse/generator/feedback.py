"""Survey answers (NPS, CSAT) and product reviews, with comments in three languages (composed in
comments.py).

Scores come from the same latent loyalty as the buying process: people who will keep buying
answer higher, so NPS predicts reordering in the marts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .comments import compose_comments
from .commerce import Orders, OrderItems
from .markets import MARKETS
from .people import People
from .timeline import DAY, Timeline

SURVEY_TYPES = ["nps", "csat", "product_review"]
LANGUAGES = ["es", "pt", "en"]
FEEDBACK_CHANNELS = ["email", "app", "web", "whatsapp", "sms"]
@dataclass
class Feedback:
    customer: np.ndarray
    order: np.ndarray  # order index or -1
    time_s: np.ndarray
    survey_type: np.ndarray
    score: np.ndarray
    comment: np.ndarray  # index into comment_texts or -1
    channel: np.ndarray
    language: np.ndarray
    product: np.ndarray  # for reviews (used by the events), -1 otherwise
    comment_texts: list[str]


def draw_feedback(rng: np.random.Generator, timeline: Timeline, people: People, orders: Orders,
                  items: OrderItems) -> Feedback:
    confirmed = np.flatnonzero(orders.is_confirmed)
    surveyed = confirmed[rng.random(confirmed.size) < 0.20]
    csat = confirmed[rng.random(confirmed.size) < 0.12]
    reviewed_items = np.flatnonzero(orders.is_confirmed[items.order] & (rng.random(items.order.size) < 0.06))
    order = np.concatenate([surveyed, csat, items.order[reviewed_items]])
    survey = np.concatenate([np.zeros(surveyed.size, np.int64), np.ones(csat.size, np.int64),
                             np.full(reviewed_items.size, 2)])
    product = np.concatenate([np.full(surveyed.size + csat.size, -1), items.product[reviewed_items]])
    customer = orders.customer[order]
    time_s = orders.time_s[order] + rng.uniform(5.0, 16.0, order.size) * DAY
    keep = time_s < timeline.end_s
    order, survey, product, customer, time_s = order[keep], survey[keep], product[keep], customer[keep], time_s[keep]

    # loyal people (small dropout probability) answer higher
    propensity = 1.0 - people.dropout_p[customer]
    nps = np.clip(np.round(rng.normal(3.0 + 7.0 * propensity, 1.6)), 0, 10)
    stars = np.clip(np.round(rng.normal(2.4 + 2.6 * propensity, 0.8)), 1, 5)
    # the answer about the order a person drops out after is often a detractor's (issue 20,
    # Market.churn_detractor_share): a soured answer says churn where timing cannot yet
    final_order = orders.time_s[order] == people.dropout_s[customer]
    detractor_share = np.array([m.churn_detractor_share for m in MARKETS])[people.market[customer]]
    soured = final_order & (rng.random(customer.size) < detractor_share)
    nps = np.where(soured, np.minimum(nps, rng.integers(0, 7, customer.size)), nps)
    stars = np.where(soured, np.minimum(stars, rng.integers(1, 3, customer.size)), stars)
    score = np.where(survey == 0, nps, stars).astype(np.int64)
    sentiment = np.where(survey == 0, np.digitize(score, [7, 9]), np.digitize(score, [3, 5]))

    home_language = np.array([LANGUAGES.index(m.language) for m in MARKETS])[people.market[customer]]
    language = np.where(rng.random(customer.size) < 0.06, LANGUAGES.index("en"), home_language)
    # comments composed from parts with the score's mood (generator/comments.py), each its own text
    has_comment = rng.random(customer.size) < 0.55
    commented = np.flatnonzero(has_comment)
    texts = compose_comments(np.random.default_rng(rng.integers(2**63)),
                             [LANGUAGES[code] for code in language[commented]], sentiment[commented])
    comment = np.full(customer.size, -1, dtype=np.int64)
    comment[commented] = np.arange(commented.size)
    channel = rng.choice(len(FEEDBACK_CHANNELS), customer.size, p=[0.45, 0.25, 0.12, 0.15, 0.03])
    return Feedback(customer=customer, order=order, time_s=time_s, survey_type=survey, score=score,
                    comment=comment, channel=channel, language=language, product=product,
                    comment_texts=texts)
