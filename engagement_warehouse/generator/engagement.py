"""Web, app and WhatsApp events, grouped into visits.

Every order that was placed online has a visit that ends in it; on top of that, customers
browse while they are active (the loyal ones more, so engagement predicts retention), visitors
browse before they sign up (anonymously, with the device's anonymous_id that later carries their
customer_id too), opted-in customers open and click e-mails, loyalty members earn points, and
some visitors never identify at all.

Churn design (issue 20, strengths per market in markets.py): a buyer still alive browses to the
end of the simulation; a buyer who dropped out (people.dropout_s) browses at
Market.churn_session_fade of their rate from that moment (all of it in Brazil and Mexico) and
stops CHURN_FADE_DAYS days later, and the market's signature signals (Market.churn_signal_stop:
social shares and WhatsApp in Brazil, referrals in Mexico) mostly stop at the dropout: such an
event becomes a page view, which is none of the churn model's signals. So engagement tells alive
from dead where purchase timing cannot yet, through visits in most markets and through the
signature signals in Brazil and Mexico.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .commerce import Orders
from .markets import CHURN_FADE_DAYS, MARKETS, ORDER_CHANNELS
from .people import People
from .timeline import DAY, Timeline

EVENT_TYPES = [
    "page_view", "product_view", "search", "lookbook_view", "add_to_wishlist", "add_to_cart",
    "remove_from_cart", "checkout_started", "purchase", "whatsapp_message", "social_share",
    "review_submitted", "referral_sent", "loyalty_points_earned", "loyalty_reward_redeemed",
    "email_open", "email_click", "push_open",
]
PLATFORMS = ["web", "ios", "android", "whatsapp"]
# browsing mix after the landing page view (whatsapp and social weights scaled by market)
BROWSE_WEIGHTS = {
    "page_view": 0.22, "product_view": 0.34, "search": 0.08, "lookbook_view": 0.05,
    "add_to_wishlist": 0.06, "add_to_cart": 0.07, "remove_from_cart": 0.02, "checkout_started": 0.015,
    "whatsapp_message": 0.05, "social_share": 0.03, "referral_sent": 0.008, "loyalty_reward_redeemed": 0.004,
}
BROWSE_SESSIONS_PER_ACTIVE_DAY = 0.080
# App events are buffered on the phone while it is offline: this share of ios / android events
# reaches the export between 1 and 36 hours after it happened (a late-arriving event).
LATE_APP_EVENT_SHARE = 0.05
LATE_APP_EVENT_DELAY_HOURS = (1.0, 36.0)
ANONYMOUS_VISITOR_SHARE = 0.35  # visitors who never identify, relative to customers
UTM = [  # (source, medium, campaign)
    ("google", "cpc", "joias_search"), ("instagram", "social", "lookbook_story"),
    ("facebook", "paid_social", "retargeting"), ("whatsapp", "messaging", "broadcast"),
    ("newsletter", "email", "weekly_edit"), ("tiktok", "influencer", "creator_collab"),
]


@dataclass
class Events:
    """Every simulated event, in the order simulated; time_order lists the events inside the
    timeline by time (ties by simulation order): the order of the export, which numbers them."""

    time_s: np.ndarray
    customer: np.ndarray  # -1 when anonymous
    anonymous: np.ndarray  # -1 when none
    event_type: np.ndarray
    platform: np.ndarray
    market: np.ndarray  # -1 when unknown
    product: np.ndarray  # -1 when none
    utm: np.ndarray  # -1 when none
    time_order: np.ndarray


def _expand_visits(rng: np.random.Generator, start_s: np.ndarray, length: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Event times of visits, visit after visit, and the index of each visit's first event: each
    visit's events follow its start with short gaps, a few of them long enough (over 30 minutes)
    to split the visit in two sessions."""
    first = np.zeros(start_s.size, dtype=np.int64)
    np.cumsum(length[:-1], out=first[1:])
    n = int(length.sum())
    gaps = rng.exponential(55.0, n)
    long_gap = rng.random(n) < 0.012
    gaps[long_gap] = rng.uniform(31 * 60, 180 * 60, long_gap.sum())
    gaps[first] = 0.0
    t = np.cumsum(gaps)
    t += np.repeat(start_s - t[first], length)
    return t, first


DRAW_SLOTS = 1 << 16  # _draw_by_group rounds probabilities to multiples of 1 / DRAW_SLOTS


def _draw_by_group(rng: np.random.Generator, group: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """For each row, an index into the columns of weights drawn with its group's row of weights.
    Each group's distribution is cut into DRAW_SLOTS equally likely slots, so a draw is one
    random slot and a table look-up (a search per row would cost several times more)."""
    cdf = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    slot_middle = (np.arange(DRAW_SLOTS) + 0.5) / DRAW_SLOTS
    table = np.stack([np.searchsorted(group_cdf, slot_middle, side="right") for group_cdf in cdf])
    table = np.minimum(table, weights.shape[1] - 1).astype(np.int16).ravel()
    slot = rng.integers(0, DRAW_SLOTS, group.size, dtype=np.int32)
    slot += group.astype(np.int32) * DRAW_SLOTS
    return table[slot]


def _time_order(time_s: np.ndarray, timeline: Timeline) -> np.ndarray:
    """The events inside the timeline, by time in whole seconds, then as simulated: one sort of
    integer keys (second << 32 | row), which has no ties, so any sort algorithm gives it."""
    since_start = time_s - timeline.start_s
    inside = np.flatnonzero((since_start >= 0) & (time_s < timeline.end_s))
    keys = since_start[inside].astype(np.int64)  # whole seconds (non-negative: truncation is floor)
    if inside.size >= 2**32 or (keys.size and keys.max() >= 2**31):
        return inside[np.lexsort((inside, keys))]  # the same order, for keys beyond 64 bits
    keys <<= 32
    keys |= inside
    keys.sort()
    keys &= 0xFFFF_FFFF
    return keys


def _lookup(names: list[str], chosen: tuple[str, ...]) -> np.ndarray:
    """A table from code to whether the name is among chosen (for codes in an array)."""
    return np.array([name in chosen for name in names])


ONLINE_CHANNEL = _lookup(ORDER_CHANNELS, ("web", "app", "whatsapp", "instagram"))
NEEDS_PRODUCT = _lookup(EVENT_TYPES, ("product_view", "add_to_wishlist", "add_to_cart", "remove_from_cart",
                                      "social_share"))
APP_PLATFORM = _lookup(PLATFORMS, ("ios", "android"))


def _utm_per_visit(rng: np.random.Generator, length: np.ndarray) -> np.ndarray:
    """A campaign for two visits in five, the same for all the events of the visit."""
    visit_utm = np.where(rng.random(length.size) < 0.4, rng.integers(0, len(UTM), length.size, dtype=np.int8),
                         np.int8(-1))
    return np.repeat(visit_utm, length)


def draw_events(rng: np.random.Generator, timeline: Timeline, people: People, orders: Orders,
                n_products: int, review_times: np.ndarray, review_customers: np.ndarray,
                review_products: np.ndarray) -> Events:
    parts: list[dict[str, np.ndarray]] = []
    market_of = people.market.astype(np.int8)
    # each customer_id has its own device (anonymous_id): the device number is the customer's

    # 1. visits that end in an online order
    order_rows = np.flatnonzero(ONLINE_CHANNEL[orders.channel])
    length = 3 + rng.geometric(0.35, order_rows.size)
    t, first = _expand_visits(rng, orders.time_s[order_rows] - length * 55.0, length)
    last = first + length - 1
    customer = np.repeat(orders.customer[order_rows].astype(np.int32), length)
    kinds = rng.choice(np.array([1, 1, 1, 5, 0], dtype=np.int8), t.size)  # product views, cart adds, page views
    kinds[first] = 0
    kinds[last - 1] = EVENT_TYPES.index("checkout_started")
    kinds[last] = EVENT_TYPES.index("purchase")
    channel = orders.channel[order_rows]
    is_whatsapp = np.repeat(channel == ORDER_CHANNELS.index("whatsapp"), length)
    chatting = is_whatsapp.copy()
    chatting[first] = chatting[last] = False
    kinds[chatting] = EVENT_TYPES.index("whatsapp_message")
    platform = np.where(np.repeat(channel == ORDER_CHANNELS.index("app"), length),
                        rng.integers(1, 3, t.size, dtype=np.int8), np.int8(0))
    platform[is_whatsapp] = PLATFORMS.index("whatsapp")
    t -= np.repeat(t[last] - orders.time_s[order_rows], length)  # purchase at order time
    parts.append(dict(time_s=t, customer=customer, anonymous=customer, event_type=kinds, platform=platform,
                      market=market_of[customer], utm=_utm_per_visit(rng, length)))

    # 2. browsing while active: from 20 days before sign-up; a buyer alive at the end browses to
    # the end, one who dropped out browses less from the dropout and stops CHURN_FADE_DAYS later;
    # a visitor who never buys, to 60 days after sign-up
    n_orders = np.bincount(orders.customer, minlength=people.n)
    dropped = ~np.isnan(people.dropout_s)
    last_active = np.where(n_orders > 0, timeline.end_s, people.signup_s + 60 * DAY)
    last_active = np.where(dropped, people.dropout_s + CHURN_FADE_DAYS * DAY, last_active)
    window_start = np.maximum(people.signup_s - 20 * DAY, timeline.start_s)
    window_end = np.minimum(last_active, timeline.end_s - 3600.0)
    active_days = np.maximum(window_end - window_start, 0) / DAY
    intensity = BROWSE_SESSIONS_PER_ACTIVE_DAY * np.where(people.loyal_prone, 1.8, 1.0) * (~people.is_guest)
    n_visits = rng.poisson(active_days * intensity)
    owner = np.repeat(np.arange(people.n, dtype=np.int32), n_visits)
    start = window_start[owner] + rng.random(owner.size) * (window_end - window_start)[owner]
    after_dropout = start > np.nan_to_num(people.dropout_s[owner], nan=np.inf)
    session_fade = np.array([m.churn_session_fade for m in MARKETS])[people.market[owner]]
    kept = ~after_dropout | (rng.random(owner.size) < session_fade)
    owner, start, after_dropout = owner[kept], start[kept], after_dropout[kept]
    length = rng.geometric(1 / 6.0, owner.size)
    t, first = _expand_visits(rng, start, length)
    customer = np.repeat(owner, length)
    market = np.repeat(market_of[owner], length)
    names = list(BROWSE_WEIGHTS)
    weights = np.tile([BROWSE_WEIGHTS[name] for name in names], (len(MARKETS), 1))
    weights[:, names.index("whatsapp_message")] *= [m.whatsapp_affinity for m in MARKETS]
    weights[:, names.index("social_share")] *= [m.social_affinity for m in MARKETS]
    weights[:, names.index("referral_sent")] *= [m.referral_affinity for m in MARKETS]
    event_type_of_name = np.array([EVENT_TYPES.index(name) for name in names], dtype=np.int8)
    kinds = event_type_of_name[_draw_by_group(rng, market, weights)]
    kinds[first] = 0
    # after the dropout the market's signature signals mostly stop (they become page views)
    stop = np.zeros((len(MARKETS), len(EVENT_TYPES)))
    for index, m in enumerate(MARKETS):
        for name, share in m.churn_signal_stop.items():
            stop[index, EVENT_TYPES.index(name)] = share
    stopped = np.repeat(after_dropout, length) & (rng.random(t.size) < stop[market, kinds])
    kinds[stopped] = EVENT_TYPES.index("page_view")
    visit_platform = rng.choice(np.arange(3, dtype=np.int8), owner.size, p=[0.55, 0.2, 0.25])
    platform = np.repeat(visit_platform, length)
    platform[kinds == EVENT_TYPES.index("whatsapp_message")] = PLATFORMS.index("whatsapp")
    # before sign-up the visitor is anonymous; afterwards logged in three visits in four
    logged_in = ((t >= np.repeat(people.signup_s[owner], length))
                 & np.repeat(rng.random(owner.size) < 0.75, length))
    parts.append(dict(time_s=t, customer=np.where(logged_in, customer, np.int32(-1)), anonymous=customer,
                      event_type=kinds, platform=platform, market=market, utm=_utm_per_visit(rng, length)))

    # 3. visitors who never identify
    n_anonymous = int(round(people.n * ANONYMOUS_VISITOR_SHARE))
    visits = rng.poisson(1.6, n_anonymous) + 1
    owner = np.repeat(np.arange(n_anonymous, dtype=np.int32), visits)
    start = timeline.sample_times(rng, owner.size, growth=2.5)
    length = rng.geometric(1 / 3.5, owner.size)
    t, first = _expand_visits(rng, start, length)
    kinds = rng.choice(np.array([0, 1, 1, 2, 3, 9, 10], dtype=np.int8), t.size)
    kinds[first] = 0
    shares = np.array([m.customer_share for m in MARKETS])
    visitor_market = rng.choice(np.arange(len(MARKETS), dtype=np.int8), n_anonymous, p=shares / shares.sum())
    visitor = np.repeat(owner, length)
    parts.append(dict(time_s=t, customer=np.full(t.size, -1, dtype=np.int32), anonymous=people.n + visitor,
                      event_type=kinds, platform=rng.choice(np.arange(3, dtype=np.int8), t.size, p=[0.7, 0.1, 0.2]),
                      market=visitor_market[visitor], utm=_utm_per_visit(rng, length)))

    # 4. one-event touches: e-mail opens and clicks, push opens, loyalty points, reviews
    opted = np.flatnonzero(people.marketing_opt_in & ~people.is_guest)
    months_active = np.maximum(timeline.end_s - people.signup_s[opted], 0) / (30 * DAY)
    n_opens = rng.poisson(months_active * 1.5)
    owner = np.repeat(opted, n_opens)
    opens_t = people.signup_s[owner] + rng.random(owner.size) * (timeline.end_s - 60 - people.signup_s[owner])
    touch_type = np.where(rng.random(owner.size) < 0.22, EVENT_TYPES.index("email_click"),
                          EVENT_TYPES.index("email_open")).astype(np.int8)
    push = rng.random(owner.size) < 0.15
    touch_type[push] = EVENT_TYPES.index("push_open")
    touch_platform = np.where(push, rng.integers(1, 3, owner.size, dtype=np.int8), np.int8(0))
    member_orders = np.flatnonzero(people.is_loyalty_member[orders.customer] & orders.is_confirmed
                                   & (orders.time_s >= np.nan_to_num(people.loyalty_joined_s[orders.customer],
                                                                     nan=np.inf)))
    points_t = np.minimum(orders.time_s[member_orders] + 3600.0, timeline.end_s - 1.0)
    touch_customer = np.concatenate([owner, orders.customer[member_orders], review_customers]).astype(np.int32)
    touch_t = np.concatenate([opens_t, points_t, review_times])
    touch_kind = np.concatenate([touch_type,
                                 np.full(member_orders.size, EVENT_TYPES.index("loyalty_points_earned"), np.int8),
                                 np.full(review_times.size, EVENT_TYPES.index("review_submitted"), np.int8)])
    touch_platform = np.concatenate([touch_platform, np.zeros(member_orders.size + review_times.size, np.int8)])
    touch_product = np.concatenate([np.full(owner.size + member_orders.size, -1), review_products])
    parts.append(dict(time_s=touch_t, customer=touch_customer, anonymous=np.full(touch_t.size, -1, dtype=np.int32),
                      event_type=touch_kind, platform=touch_platform, market=market_of[touch_customer],
                      utm=_utm_per_visit(rng, np.ones(touch_t.size, dtype=np.int64))))

    merged = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    n = merged["time_s"].size
    product = np.full(n, -1, dtype=np.int16)
    browsed = np.flatnonzero(NEEDS_PRODUCT[merged["event_type"]])
    product[browsed] = rng.integers(0, n_products, browsed.size)
    product[n - touch_t.size:] = touch_product  # reviews are of the product reviewed
    market = merged["market"]
    market[rng.random(n) < 0.04] = -1
    return Events(time_s=merged["time_s"], customer=merged["customer"], anonymous=merged["anonymous"],
                  event_type=merged["event_type"], platform=merged["platform"], market=market, product=product,
                  utm=merged["utm"], time_order=_time_order(merged["time_s"], timeline))


def arrival_times(rng: np.random.Generator, events: Events) -> np.ndarray:
    """When each event reaches the export: at once, or late for a share of the app events."""
    late = np.flatnonzero(APP_PLATFORM[events.platform] & (rng.random(events.time_s.size) < LATE_APP_EVENT_SHARE))
    low, high = LATE_APP_EVENT_DELAY_HOURS
    arrival_s = events.time_s.copy()
    arrival_s[late] += rng.uniform(low, high, late.size) * 3600.0
    return arrival_s
