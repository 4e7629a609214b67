"""Web, app and WhatsApp events, grouped into visits.

Every order that was placed online has a visit that ends in it; on top of that, customers
browse while they are active (the loyal ones more, so engagement predicts retention), visitors
browse before they sign up (anonymously, with the device's anonymous_id that later carries their
customer_id too), opted-in customers open and click e-mails, loyalty members earn points, and
some visitors never identify at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .commerce import Orders
from .markets import MARKETS, ORDER_CHANNELS
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
    time_s: np.ndarray
    customer: np.ndarray  # -1 when anonymous
    anonymous: np.ndarray  # -1 when none
    event_type: np.ndarray
    platform: np.ndarray
    market: np.ndarray  # -1 when unknown
    product: np.ndarray  # -1 when none
    utm: np.ndarray  # -1 when none
    visit: np.ndarray  # visit index (not exported: the warehouse must find visits itself)


def _expand_visits(rng: np.random.Generator, start_s: np.ndarray, length: np.ndarray):
    """Event times of visits: each visit's events follow its start with short gaps, a few of
    them long enough (over 30 minutes) to split the visit in two sessions."""
    visit = np.repeat(np.arange(start_s.size), length)
    first = np.concatenate([[0], np.cumsum(length)[:-1]])
    position = np.arange(visit.size) - np.repeat(first, length)
    gaps = rng.exponential(55.0, visit.size)
    long_gap = rng.random(visit.size) < 0.012
    gaps[long_gap] = rng.uniform(31 * 60, 180 * 60, long_gap.sum())
    gaps[position == 0] = 0.0
    cumulative = np.cumsum(gaps)
    offsets = np.repeat(cumulative[first], length)
    return visit, position, start_s[visit] + cumulative - offsets


def draw_events(rng: np.random.Generator, timeline: Timeline, people: People, orders: Orders,
                n_products: int, review_times: np.ndarray, review_customers: np.ndarray,
                review_products: np.ndarray) -> Events:
    parts: list[dict[str, np.ndarray]] = []
    whatsapp_affinity = np.array([m.whatsapp_affinity for m in MARKETS])
    social_affinity = np.array([m.social_affinity for m in MARKETS])
    device = np.arange(people.n)  # each customer_id has its own device (anonymous_id)

    # 1. visits that end in an online order
    online = np.isin(orders.channel, [ORDER_CHANNELS.index(c) for c in ("web", "app", "whatsapp", "instagram")])
    order_rows = np.flatnonzero(online)
    length = 3 + rng.geometric(0.35, order_rows.size)
    duration_guess = length * 55.0
    visit, position, t = _expand_visits(rng, orders.time_s[order_rows] - duration_guess, length)
    last = position == length[visit] - 1
    second_last = position == length[visit] - 2
    customer = orders.customer[order_rows][visit]
    kinds = rng.choice([1, 1, 1, 5, 0], visit.size)  # product views, cart adds, page views
    kinds[position == 0] = 0
    kinds[second_last] = EVENT_TYPES.index("checkout_started")
    kinds[last] = EVENT_TYPES.index("purchase")
    channel = orders.channel[order_rows][visit]
    is_whatsapp = channel == ORDER_CHANNELS.index("whatsapp")
    kinds[is_whatsapp & ~last & (position > 0)] = EVENT_TYPES.index("whatsapp_message")
    platform = np.where(channel == ORDER_CHANNELS.index("app"), rng.integers(1, 3, visit.size), 0)
    platform[is_whatsapp] = PLATFORMS.index("whatsapp")
    t = t - (t[np.flatnonzero(last)][visit] - orders.time_s[order_rows][visit])  # purchase at order time
    parts.append(dict(time_s=t, customer=customer, anonymous=device[customer], event_type=kinds,
                      platform=platform, market=people.market[customer], visit_key=visit))

    # 2. browsing while active: from 20 days before sign-up to 60 days after the last order
    n_orders = np.bincount(orders.customer, minlength=people.n)
    last_order = np.full(people.n, -np.inf)
    np.maximum.at(last_order, orders.customer, orders.time_s)
    last_order = np.where(n_orders > 0, np.maximum(last_order, people.signup_s), people.signup_s)
    window_start = np.maximum(people.signup_s - 20 * DAY, timeline.start_s)
    window_end = np.minimum(last_order + 60 * DAY, timeline.end_s - 3600.0)
    active_days = np.maximum(window_end - window_start, 0) / DAY
    intensity = BROWSE_SESSIONS_PER_ACTIVE_DAY * np.where(people.loyal_prone, 1.8, 1.0) * (~people.is_guest)
    n_visits = rng.poisson(active_days * intensity)
    owner = np.repeat(np.arange(people.n), n_visits)
    start = window_start[owner] + rng.random(owner.size) * (window_end - window_start)[owner]
    length = rng.geometric(1 / 6.0, owner.size)
    visit, position, t = _expand_visits(rng, start, length)
    customer = owner[visit]
    market = people.market[customer]
    names = list(BROWSE_WEIGHTS)
    base = np.array([BROWSE_WEIGHTS[name] for name in names])
    kinds = np.empty(visit.size, dtype=np.int64)
    for index in range(len(MARKETS)):
        rows = np.flatnonzero(market == index)
        weights = base.copy()
        weights[names.index("whatsapp_message")] *= whatsapp_affinity[index]
        weights[names.index("social_share")] *= social_affinity[index]
        drawn = rng.choice(len(names), size=rows.size, p=weights / weights.sum())
        kinds[rows] = np.array([EVENT_TYPES.index(name) for name in names])[drawn]
    kinds[position == 0] = 0
    platform = rng.choice(3, visit.size, p=[0.55, 0.2, 0.25])[visit] if visit.size else np.zeros(0, np.int64)
    platform = np.where(kinds == EVENT_TYPES.index("whatsapp_message"), PLATFORMS.index("whatsapp"), platform)
    # before sign-up the visitor is anonymous; afterwards logged in three visits in four
    logged_in = (t >= people.signup_s[customer]) & (rng.random(start.size) < 0.75)[visit]
    parts.append(dict(time_s=t, customer=np.where(logged_in, customer, -1), anonymous=device[customer],
                      event_type=kinds, platform=platform, market=market,
                      visit_key=visit + 10_000_000_000))

    # 3. visitors who never identify
    n_anonymous = int(round(people.n * ANONYMOUS_VISITOR_SHARE))
    visits = rng.poisson(1.6, n_anonymous) + 1
    owner = np.repeat(np.arange(n_anonymous), visits)
    start = timeline.sample_times(rng, owner.size, growth=2.5)
    length = rng.geometric(1 / 3.5, owner.size)
    visit, position, t = _expand_visits(rng, start, length)
    kinds = rng.choice([0, 1, 1, 2, 3, 9, 10], visit.size)
    kinds[position == 0] = 0
    shares = np.array([m.customer_share for m in MARKETS])
    visitor_market = rng.choice(len(MARKETS), n_anonymous, p=shares / shares.sum())
    parts.append(dict(time_s=t, customer=np.full(visit.size, -1), anonymous=people.n + owner[visit],
                      event_type=kinds, platform=rng.choice(3, visit.size, p=[0.7, 0.1, 0.2]),
                      market=visitor_market[owner[visit]], visit_key=visit + 20_000_000_000))

    # 4. one-event touches: e-mail opens and clicks, push opens, loyalty points, reviews
    opted = np.flatnonzero(people.marketing_opt_in & ~people.is_guest)
    months_active = np.maximum(timeline.end_s - people.signup_s[opted], 0) / (30 * DAY)
    n_opens = rng.poisson(months_active * 1.5)
    owner = np.repeat(opted, n_opens)
    opens_t = people.signup_s[owner] + rng.random(owner.size) * (timeline.end_s - 60 - people.signup_s[owner])
    touch_type = np.where(rng.random(owner.size) < 0.22, EVENT_TYPES.index("email_click"),
                          EVENT_TYPES.index("email_open"))
    push = rng.random(owner.size) < 0.15
    touch_type[push] = EVENT_TYPES.index("push_open")
    touch_platform = np.where(push, rng.integers(1, 3, owner.size), 0)
    member_orders = np.flatnonzero(people.is_loyalty_member[orders.customer] & orders.is_confirmed
                                   & (orders.time_s >= np.nan_to_num(people.loyalty_joined_s[orders.customer],
                                                                     nan=np.inf)))
    points_t = np.minimum(orders.time_s[member_orders] + 3600.0, timeline.end_s - 1.0)
    touch_customer = np.concatenate([owner, orders.customer[member_orders], review_customers])
    touch_t = np.concatenate([opens_t, points_t, review_times])
    touch_kind = np.concatenate([touch_type, np.full(member_orders.size, EVENT_TYPES.index("loyalty_points_earned")),
                                 np.full(review_times.size, EVENT_TYPES.index("review_submitted"))])
    touch_platform = np.concatenate([touch_platform, np.zeros(member_orders.size, np.int64),
                                     np.zeros(review_times.size, np.int64)])
    touch_product = np.concatenate([np.full(owner.size + member_orders.size, -1), review_products])
    parts.append(dict(time_s=touch_t, customer=touch_customer, anonymous=np.full(touch_t.size, -1),
                      event_type=touch_kind, platform=touch_platform, market=people.market[touch_customer],
                      visit_key=np.arange(touch_t.size) + 30_000_000_000, product=touch_product))

    merged = {key: np.concatenate([part[key] for part in parts]) for key in
              ("time_s", "customer", "anonymous", "event_type", "platform", "market", "visit_key")}
    product = np.concatenate([part.get("product", np.full(part["time_s"].size, -2)) for part in parts])
    needs_product = np.isin(merged["event_type"], [EVENT_TYPES.index(k) for k in (
        "product_view", "add_to_wishlist", "add_to_cart", "remove_from_cart", "social_share")])
    product = np.where(product == -2, np.where(needs_product, rng.integers(0, n_products, product.size), -1), product)
    keep = (merged["time_s"] >= timeline.start_s) & (merged["time_s"] < timeline.end_s)
    order = np.argsort(merged["time_s"][keep], kind="stable")
    _, visit_index = np.unique(merged["visit_key"], return_inverse=True)
    visit_utm = np.where(rng.random(visit_index.max() + 1 if visit_index.size else 0) < 0.4,
                         rng.integers(0, len(UTM), visit_index.max() + 1 if visit_index.size else 0), -1)
    market = np.where(rng.random(product.size) < 0.04, -1, merged["market"])

    def pick(values: np.ndarray) -> np.ndarray:
        return values[keep][order]

    return Events(time_s=pick(merged["time_s"]), customer=pick(merged["customer"]),
                  anonymous=pick(merged["anonymous"]), event_type=pick(merged["event_type"]),
                  platform=pick(merged["platform"]), market=pick(market), product=pick(product),
                  utm=pick(visit_utm[visit_index]), visit=pick(visit_index))


def arrival_times(rng: np.random.Generator, events: Events) -> np.ndarray:
    """When each event reaches the export: at once, or late for a share of the app events."""
    is_app = np.isin(events.platform, [PLATFORMS.index("ios"), PLATFORMS.index("android")])
    late = is_app & (rng.random(events.time_s.size) < LATE_APP_EVENT_SHARE)
    low, high = LATE_APP_EVENT_DELAY_HOURS
    delay_s = np.where(late, rng.uniform(low, high, events.time_s.size) * 3600.0, 0.0)
    return events.time_s + delay_s
