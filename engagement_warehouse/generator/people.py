"""Customers and their hidden buying behaviour.

Each person buys by the process the BG/NBD model assumes: while alive, purchases arrive at a
personal rate lambda; after each purchase the person drops out with a personal probability p.
Most people are "one-and-done" (p near 0.75); a loyal minority has a small p and buys for
years. Loyalty members and promoters are drawn from the same latent loyalty, so the marts have
real differences to find (members retain better, NPS predicts reordering).

The moment a person drops out is kept (`dropout_s`: the time of the final purchase of their drawn
sequence when that sequence ended before the end of the simulation; nan for a person still alive
at the end, and for a person who never buys), so the other parts can make behaviour change at
that moment (issue 20's churn design: engagement fades and the last survey sours, see markets.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .markets import ACQUISITION_CHANNELS, MARKETS
from .timeline import DAY, Timeline

CUSTOMERS_AT_SCALE_1 = 100_000
BUYER_SHARE = 0.80
LOYAL_SHARE = 0.36
GUEST_SHARE = 0.07  # repeat buyers whose first order was a guest checkout (second customer_id)
MAX_PURCHASES = 600


@dataclass
class People:
    """One entry per customer_id (persons plus their guest-checkout duplicates)."""

    n: int
    market: np.ndarray  # index into MARKETS
    signup_s: np.ndarray
    loyal_prone: np.ndarray  # latent segment
    dropout_p: np.ndarray
    purchase_rate: np.ndarray  # purchases per business day while alive
    is_loyalty_member: np.ndarray
    loyalty_joined_s: np.ndarray  # nan for non-members
    acquisition: np.ndarray  # index into ACQUISITION_CHANNELS
    referred_by: np.ndarray  # customer index or -1
    marketing_opt_in: np.ndarray
    person: np.ndarray  # person index: a guest duplicate shares it with the account
    is_guest: np.ndarray
    updated_s: np.ndarray
    dropout_s: np.ndarray  # when the person dropped out (their final purchase); nan while alive


@dataclass
class Purchases:
    """The purchase times of every customer, flattened (sorted by customer, then time)."""

    customer: np.ndarray
    time_s: np.ndarray
    sequence: np.ndarray  # 0 for a customer's first purchase


def draw_people(rng: np.random.Generator, timeline: Timeline, scale: float) -> tuple[People, Purchases]:
    n = max(20, int(round(CUSTOMERS_AT_SCALE_1 * scale)))
    shares = np.array([m.customer_share for m in MARKETS])
    market = rng.choice(len(MARKETS), size=n, p=shares / shares.sum())
    signup = np.sort(timeline.sample_times(rng, n, growth=2.5))
    loyal = rng.random(n) < LOYAL_SHARE
    dropout = np.where(loyal, rng.beta(1.2, 30.0, n), rng.beta(6.0, 2.0, n))
    rate = rng.gamma(4.0, 1.0 / 64.0, n) * np.where(loyal, 1.4, 1.0)
    is_buyer = rng.random(n) < BUYER_SHARE

    # First purchase a few days after sign-up; later ones by the BG/NBD process.
    first_u = timeline.to_business(signup) + rng.exponential(2.5, n)
    n_alive = np.minimum(rng.geometric(dropout), MAX_PURCHASES)  # purchases before dropping out
    n_alive = np.where(is_buyer, n_alive, 0)
    # loyalty members drop out less: a member's later purchases use a smaller p
    member_draw = rng.random(n) < np.where(loyal, 0.55, 0.10)
    n_alive = np.where(member_draw & (n_alive > 0), np.maximum(n_alive, rng.geometric(dropout * 0.6)), n_alive)
    n_alive = np.minimum(n_alive, MAX_PURCHASES)

    owner = np.repeat(np.arange(n), n_alive)
    gaps = rng.exponential(1.0, owner.size) / rate[owner]
    starts = np.concatenate([[0], np.cumsum(n_alive)[:-1]])
    sequence = np.arange(owner.size) - np.repeat(starts, n_alive)
    gaps[sequence == 0] = 0.0
    cumulative = np.cumsum(gaps)
    offsets = np.repeat(cumulative[starts[n_alive > 0]], n_alive[n_alive > 0])
    u = first_u[owner] + cumulative - offsets
    time_s = timeline.to_calendar(u)
    keep = time_s < timeline.end_s
    # a buyer whose drawn sequence ends inside the simulation dropped out at its final purchase
    final = starts[n_alive > 0] + n_alive[n_alive > 0] - 1
    dropout_s = np.full(n, np.nan)
    dropout_s[n_alive > 0] = np.where(keep[final], time_s[final], np.nan)
    owner, time_s, sequence = owner[keep], time_s[keep], sequence[keep]
    purchases = Purchases(owner, time_s, sequence)

    n_purchases = np.bincount(owner, minlength=n)
    first_purchase = np.full(n, np.nan)
    first_purchase[owner[sequence == 0]] = time_s[sequence == 0]

    is_member = member_draw & (n_purchases > 0)
    joined = first_purchase + rng.exponential(25.0, n) * DAY
    is_member &= joined < timeline.end_s
    joined = np.where(is_member, joined, np.nan)

    acquisition_weights = np.array([0.16, 0.12, 0.14, 0.13, 0.09, 0.07, 0.06, 0.09, 0.06, 0.05, 0.03])
    acquisition = rng.choice(len(ACQUISITION_CHANNELS), size=n, p=acquisition_weights / acquisition_weights.sum())
    referral = ACQUISITION_CHANNELS.index("referral")
    referred_by = np.where(acquisition == referral, np.floor(rng.random(n) * np.arange(n)).astype(np.int64), -1)
    referred_by[0] = -1
    opt_in = rng.random(n) < 0.62
    updated = np.minimum(np.fmax(signup, np.nan_to_num(joined, nan=0.0)) + rng.exponential(30.0, n) * DAY,
                         timeline.end_s - 1.0)
    updated = np.maximum(updated, signup)

    people = People(
        n=n, market=market, signup_s=signup, loyal_prone=loyal, dropout_p=dropout, purchase_rate=rate,
        is_loyalty_member=is_member, loyalty_joined_s=joined, acquisition=acquisition,
        referred_by=referred_by, marketing_opt_in=opt_in, person=np.arange(n),
        is_guest=np.zeros(n, dtype=bool), updated_s=updated, dropout_s=dropout_s,
    )
    return _split_guest_checkouts(rng, people, purchases, n_purchases)


def _split_guest_checkouts(rng: np.random.Generator, people: People, purchases: Purchases,
                           n_purchases: np.ndarray) -> tuple[People, Purchases]:
    """Some repeat buyers placed their first order as a guest and opened an account later:
    the guest checkout is a second customer_id of the same person (same e-mail and phone)."""
    n = people.n
    chosen = np.flatnonzero((n_purchases >= 2) & (rng.random(n) < GUEST_SHARE))
    guest_ids = n + np.arange(chosen.size)
    first_rows = np.flatnonzero(np.isin(purchases.customer, chosen) & (purchases.sequence == 0))
    second_rows = np.flatnonzero(np.isin(purchases.customer, chosen) & (purchases.sequence == 1))
    first_time = purchases.time_s[first_rows]
    second_time = purchases.time_s[second_rows]
    # the guest order moves to the guest id; the account opens between the two orders
    lookup = np.full(n, -1)
    lookup[chosen] = guest_ids
    customer = purchases.customer.copy()
    customer[first_rows] = lookup[purchases.customer[first_rows]]
    # the account's purchases move one place up; the guest's single purchase is its first
    sequence = purchases.sequence - np.isin(purchases.customer, chosen).astype(np.int64)
    sequence[first_rows] = 0
    account_signup = first_time + (second_time - first_time) * rng.uniform(0.1, 0.9, chosen.size)

    def extend(values: np.ndarray, extra: np.ndarray) -> np.ndarray:
        return np.concatenate([values, extra])

    signup = people.signup_s.copy()
    signup[chosen] = account_signup
    guest_signup = first_time - rng.uniform(60.0, 1800.0, chosen.size)
    joined = people.loyalty_joined_s.copy()
    joined[chosen] = np.where(joined[chosen] < account_signup, account_signup + DAY, joined[chosen])
    updated = np.maximum(people.updated_s, signup)
    merged = People(
        n=n + chosen.size,
        market=extend(people.market, people.market[chosen]),
        signup_s=extend(signup, guest_signup),
        loyal_prone=extend(people.loyal_prone, people.loyal_prone[chosen]),
        dropout_p=extend(people.dropout_p, people.dropout_p[chosen]),
        purchase_rate=extend(people.purchase_rate, people.purchase_rate[chosen]),
        is_loyalty_member=extend(people.is_loyalty_member, np.zeros(chosen.size, dtype=bool)),
        loyalty_joined_s=extend(joined, np.full(chosen.size, np.nan)),
        acquisition=extend(people.acquisition, people.acquisition[chosen]),
        referred_by=extend(people.referred_by, np.full(chosen.size, -1)),
        marketing_opt_in=extend(people.marketing_opt_in, np.zeros(chosen.size, dtype=bool)),
        person=extend(people.person, chosen),
        is_guest=extend(people.is_guest, np.ones(chosen.size, dtype=bool)),
        updated_s=extend(updated, guest_signup + 1.0),
        dropout_s=extend(people.dropout_s, people.dropout_s[chosen]),
    )
    order = np.lexsort((purchases.time_s, customer))
    return merged, Purchases(customer[order], purchases.time_s[order], sequence[order])
