"""Catalogue, orders and order lines.

An order's payment method and channel follow its market's mix; its status follows its payment
method (unpaid boleto and OXXO vouchers expire, some cash-on-delivery parcels are refused at the
door) and its age at the end of the data (recent orders are not delivered yet).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .markets import MARKETS, ORDER_CHANNELS, PAYMENT_METHODS
from .people import People, Purchases
from .timeline import DAY, Timeline

N_PRODUCTS = 420
CATEGORIES = ["rings", "necklaces", "earrings", "bracelets", "anklets", "charms", "watches",
              "hair_accessories", "sunglasses", "bags"]
CATEGORY_PRICE_USD = [38.0, 45.0, 30.0, 34.0, 18.0, 22.0, 95.0, 14.0, 40.0, 70.0]
MATERIALS = ["sterling_silver", "gold_plated", "rose_gold_plated", "stainless_steel", "pearl", "crystal",
             "18k_gold", "leather"]
COLLECTIONS = ["Luna", "Mar de Prata", "Flor de Lis", "Corazón", "Sol Andino", "Aurora", "Bossa", "Clásica"]
STATUSES = ["placed", "paid", "shipped", "delivered", "cancelled", "returned", "refunded"]
COUPONS = ["BEMVINDA10", "MAMA15", "BLACK20", "NAVIDAD10", "AMIGA15"]


@dataclass
class Catalogue:
    category: np.ndarray
    material: np.ndarray
    collection: np.ndarray
    price_cents: np.ndarray
    launched_s: np.ndarray
    popularity: np.ndarray


@dataclass
class Orders:
    customer: np.ndarray
    time_s: np.ndarray
    sequence: np.ndarray
    payment: np.ndarray  # index into PAYMENT_METHODS
    channel: np.ndarray  # index into ORDER_CHANNELS
    installments: np.ndarray
    status: np.ndarray  # index into STATUSES
    cod_confirmed_s: np.ndarray
    subtotal_cents: np.ndarray
    discount_cents: np.ndarray
    shipping_cents: np.ndarray
    tax_cents: np.ndarray
    coupon: np.ndarray  # index into COUPONS or -1
    points_redeemed: np.ndarray
    updated_s: np.ndarray

    @property
    def is_confirmed(self) -> np.ndarray:
        return np.isin(self.status, [1, 2, 3])


@dataclass
class OrderItems:
    order: np.ndarray
    product: np.ndarray
    quantity: np.ndarray
    unit_price_cents: np.ndarray
    discount_cents: np.ndarray


def draw_catalogue(rng: np.random.Generator, timeline: Timeline) -> Catalogue:
    category = rng.integers(0, len(CATEGORIES), N_PRODUCTS)
    base = np.array(CATEGORY_PRICE_USD)[category]
    price = np.round(base * rng.lognormal(0.0, 0.35, N_PRODUCTS), 0) - 0.01
    launched = timeline.start_s + (rng.random(N_PRODUCTS) * 1.3 - 0.3) * (timeline.end_s - timeline.start_s)
    return Catalogue(
        category=category,
        material=rng.integers(0, len(MATERIALS), N_PRODUCTS),
        collection=rng.integers(0, len(COLLECTIONS), N_PRODUCTS),
        price_cents=np.round(np.maximum(price, 4.99) * 100).astype(np.int64),
        launched_s=np.minimum(launched, timeline.end_s - 30 * DAY),
        popularity=rng.pareto(1.2, N_PRODUCTS) + 0.05,
    )


def _choose_per_market(rng: np.random.Generator, market: np.ndarray, mixes: list[dict[str, float]],
                       names: list[str]) -> np.ndarray:
    """For each row, a category drawn from its market's mix (vectorised by market)."""
    out = np.empty(market.size, dtype=np.int64)
    for index, mix in enumerate(mixes):
        rows = np.flatnonzero(market == index)
        weights = np.array([mix.get(name, 0.0) for name in names])
        out[rows] = rng.choice(len(names), size=rows.size, p=weights / weights.sum())
    return out


def draw_orders(rng: np.random.Generator, timeline: Timeline, people: People, purchases: Purchases,
                catalogue: Catalogue) -> tuple[Orders, OrderItems]:
    n = purchases.customer.size
    market = people.market[purchases.customer]
    payment = _choose_per_market(rng, market, [m.payment_mix for m in MARKETS], PAYMENT_METHODS)
    channel = _choose_per_market(rng, market, [m.channel_mix for m in MARKETS], ORDER_CHANNELS)
    installment_share = np.array([m.installment_share for m in MARKETS])[market]
    is_card = payment == PAYMENT_METHODS.index("credit_card")
    installments = np.where(is_card & (rng.random(n) < installment_share),
                            rng.choice([2, 3, 4, 6, 10, 12], n, p=[0.15, 0.3, 0.1, 0.25, 0.1, 0.1]), 1)

    age_days = (timeline.end_s - purchases.time_s) / DAY
    u = rng.random(n)
    status = np.full(n, STATUSES.index("delivered"))
    status[age_days < 10] = STATUSES.index("shipped")
    status[age_days < 3] = STATUSES.index("paid")
    status[u < 0.035] = STATUSES.index("returned")
    status[(u >= 0.035) & (u < 0.05)] = STATUSES.index("refunded")
    status[(u >= 0.05) & (u < 0.07)] = STATUSES.index("cancelled")
    voucher = np.isin(payment, [PAYMENT_METHODS.index("boleto"), PAYMENT_METHODS.index("oxxo")])
    unpaid = voucher & (rng.random(n) < 0.22)
    status[unpaid] = np.where(age_days[unpaid] < 4, STATUSES.index("placed"), STATUSES.index("cancelled"))
    cod = payment == PAYMENT_METHODS.index("cash_on_delivery")
    delivery_days = rng.uniform(2.0, 8.0, n)
    refused = cod & (rng.random(n) < 0.20)
    not_yet = cod & (age_days < delivery_days)
    status[refused] = STATUSES.index("cancelled")
    status[not_yet] = STATUSES.index("placed")
    cod_delivered = cod & ~refused & ~not_yet & (status != STATUSES.index("cancelled"))
    status[cod_delivered & (status != STATUSES.index("returned"))] = STATUSES.index("delivered")
    cod_confirmed = np.where(cod_delivered, purchases.time_s + delivery_days * DAY, np.nan)

    # order lines: mostly one or two items, popular products more often
    n_items = rng.geometric(0.62, n)
    item_order = np.repeat(np.arange(n), n_items)
    popularity = catalogue.popularity / catalogue.popularity.sum()
    product = rng.choice(N_PRODUCTS, size=item_order.size, p=popularity)
    quantity = np.where(rng.random(item_order.size) < 0.9, 1, 2)
    price_level = np.array([m.price_level for m in MARKETS])[market]
    markup = rng.lognormal(0.05, 0.04, n)
    unit_price = np.round(catalogue.price_cents[product] * (price_level * markup)[item_order]).astype(np.int64)
    line_discount = np.where(rng.random(item_order.size) < 0.05, np.round(unit_price * 0.1), 0).astype(np.int64)
    items = OrderItems(item_order, product, quantity, unit_price, line_discount)

    subtotal = np.bincount(item_order, weights=(unit_price * quantity).astype(np.float64), minlength=n)
    subtotal = np.round(subtotal).astype(np.int64)
    line_discounts = np.round(np.bincount(item_order, weights=line_discount.astype(np.float64), minlength=n))
    coupon = np.where(rng.random(n) < 0.22, rng.integers(0, len(COUPONS), n), -1)
    coupon_discount = np.where(coupon >= 0, np.round(subtotal * rng.choice([0.10, 0.15, 0.20], n)), 0)
    member = people.is_loyalty_member[purchases.customer] & (
        purchases.time_s >= np.nan_to_num(people.loyalty_joined_s[purchases.customer], nan=np.inf))
    points = np.where(member & (rng.random(n) < 0.18), rng.integers(1, 6, n) * 100, 0)
    points_discount = np.round(points * price_level)  # 100 points = 1 USD
    discount = np.minimum(line_discounts + coupon_discount + points_discount, subtotal).astype(np.int64)
    shipping_local = np.array([m.shipping_local for m in MARKETS])[market]
    free_shipping = subtotal >= 50 * 100 * price_level
    shipping = np.where(free_shipping, 0, np.round(shipping_local * 100)).astype(np.int64)
    tax_rate = np.array([m.tax_rate for m in MARKETS])[market]
    tax = np.round((subtotal - discount) * tax_rate).astype(np.int64)
    updated = np.minimum(purchases.time_s + np.where(status == STATUSES.index("placed"), 0.01, 1.0)
                         * rng.uniform(0.1, 12.0, n) * DAY, timeline.end_s - 1.0)
    orders = Orders(
        customer=purchases.customer, time_s=purchases.time_s, sequence=purchases.sequence,
        payment=payment, channel=channel, installments=installments, status=status,
        cod_confirmed_s=cod_confirmed, subtotal_cents=subtotal, discount_cents=discount,
        shipping_cents=shipping, tax_cents=tax, coupon=coupon, points_redeemed=points,
        updated_s=np.maximum(updated, np.fmax(purchases.time_s, np.nan_to_num(cod_confirmed, nan=0.0))),
    )
    return orders, items


def concat_orders(first: Orders, second: Orders) -> Orders:
    """The orders of first, then those of second (numbered after them)."""
    return Orders(**{name: np.concatenate([getattr(first, name), getattr(second, name)])
                     for name in Orders.__dataclass_fields__})


def concat_items(first: OrderItems, second: OrderItems) -> OrderItems:
    return OrderItems(**{name: np.concatenate([getattr(first, name), getattr(second, name)])
                         for name in OrderItems.__dataclass_fields__})
