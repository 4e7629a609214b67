"""Marketing spend per day, country and channel, and privacy requests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .markets import MARKETING_CHANNELS, MARKETS
from .people import People
from .timeline import DAY, Timeline

SPEND_USD_PER_DAY_AT_SCALE_1 = 9_000.0
CHANNEL_BUDGET = np.array([0.26, 0.24, 0.14, 0.08, 0.10, 0.05, 0.08, 0.05])
REQUEST_TYPES = ["erasure", "marketing_opt_out"]


@dataclass
class Spend:
    day: np.ndarray  # day index from the timeline start
    market: np.ndarray
    channel: np.ndarray
    amount_cents: np.ndarray


@dataclass
class PrivacyRequests:
    customer: np.ndarray
    request_type: np.ndarray
    time_s: np.ndarray


def draw_spend(rng: np.random.Generator, timeline: Timeline, scale: float) -> Spend:
    days, markets, channels = np.meshgrid(np.arange(timeline.n_days), np.arange(len(MARKETS)),
                                          np.arange(len(MARKETING_CHANNELS)), indexing="ij")
    days, markets, channels = days.ravel(), markets.ravel(), channels.ravel()
    share = np.array([m.customer_share for m in MARKETS])[markets]
    level = np.array([m.price_level for m in MARKETS])[markets]
    usd = (SPEND_USD_PER_DAY_AT_SCALE_1 * scale * share * CHANNEL_BUDGET[channels]
           * timeline.season[days] * rng.lognormal(0.0, 0.3, days.size))
    active = rng.random(days.size) < 0.9  # not every channel runs every day
    amount = np.round(usd * level * 100).astype(np.int64)
    return Spend(days[active], markets[active], channels[active], amount[active])


def draw_privacy_requests(rng: np.random.Generator, timeline: Timeline, people: People) -> PrivacyRequests:
    erasure = np.flatnonzero(rng.random(people.n) < 0.004)
    opt_out = np.flatnonzero(people.marketing_opt_in & (rng.random(people.n) < 0.03))
    customer = np.concatenate([erasure, opt_out])
    kind = np.concatenate([np.zeros(erasure.size, np.int64), np.ones(opt_out.size, np.int64)])
    time_s = people.signup_s[customer] + rng.random(customer.size) * (timeline.end_s - 1 - people.signup_s[customer])
    order = np.argsort(time_s, kind="stable")
    return PrivacyRequests(customer[order], kind[order], np.minimum(time_s[order], timeline.end_s - DAY / 2))
