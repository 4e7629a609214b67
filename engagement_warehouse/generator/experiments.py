"""A/B tests with known true effects: the experiment_assignments table, and the extra orders a
treatment causes.

Three experiments, the rows of the experiments seed (seeds/experiments.csv; a test checks that
the two agree):
- exp_loyalty_banner: no effect (the null).
- exp_recommendations: a small positive effect on retention. Every unit has a potential outcome
  drawn once, `extra`: with probability RECOMMENDATIONS_EXTRA_ORDER_P the treatment makes it
  place one more confirmed order between 1 and 29 days after assignment. The unit's orders under
  control are its simulated orders; under treatment, those plus the extra one. So the true effect
  on orders_per_unit (90 days) is exactly that probability in expectation, and on retained_<N>d
  (N >= 30) it is the share of units with `extra` and no order of their own in the window: the
  generator computes it from the potential outcomes of the eligible units and writes it to the
  manifest (`experiments` in _generation.json).
- exp_checkout_redesign: no effect, but planned 50/50 and delivered SRM_CONTROL_SHARE to the
  control: a sample-ratio mismatch.

The experiments draw from their own random stream (`experiments`), and the extra orders are
appended after the simulated ones, outside the bad-row plan of the orders, so the rest of the
data is the same as without them, except for these appended rows and their order items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .commerce import OrderItems, Orders
from .people import People
from .timeline import DAY, to_epoch_seconds


@dataclass(frozen=True)
class Design:
    experiment_id: str
    start: date
    end: date  # last day of assignment
    control_share: float  # share of units actually delivered to control
    extra_order_p: float  # probability a treated unit places one extra order (its potential outcome)


RECOMMENDATIONS_EXTRA_ORDER_P = 0.10
SRM_CONTROL_SHARE = 0.6
# share of the customers who signed up before an experiment's start that it assigns
ASSIGNED_SHARE = 0.6
VARIANTS = ("control", "treatment")
DESIGNS = (
    Design("exp_loyalty_banner", date(2025, 9, 1), date(2025, 11, 30), 0.5, 0.0),
    Design("exp_recommendations", date(2026, 1, 5), date(2026, 3, 31), 0.5, RECOMMENDATIONS_EXTRA_ORDER_P),
    Design("exp_checkout_redesign", date(2026, 4, 1), date(2026, 5, 31), SRM_CONTROL_SHARE, 0.0),
)
# the retention windows of the true effects (the default of var experiment_retention_windows_days)
RETENTION_WINDOWS_DAYS = (30, 60, 90)
OUTCOME_WINDOW_DAYS = 90


@dataclass
class Assignments:
    experiment: np.ndarray  # index into DESIGNS
    variant: np.ndarray  # index into VARIANTS
    customer: np.ndarray
    assigned_s: np.ndarray
    true_effects: dict[str, dict[str, float]] = field(default_factory=dict)


def draw_experiments(rng: np.random.Generator, persons: People, orders: Orders, items: OrderItems,
                     export_end: date) -> tuple[Assignments, Orders, OrderItems]:
    """The assignments, and the orders and items to append (the treatment's extra orders: copies
    of a random confirmed order of the unit's market, moved to the new time and customer)."""
    export_end_s = to_epoch_seconds(export_end)
    parts = []
    extra_orders = []  # (customer, time_s, template order)
    true_effects: dict[str, dict[str, float]] = {}
    confirmed = np.flatnonzero(orders.is_confirmed)
    order_market = persons.market[orders.customer[confirmed]]
    person_of_order = persons.person[orders.customer[confirmed]]
    order_time = orders.time_s[confirmed]
    by_person = np.argsort(person_of_order, kind="stable")
    sorted_persons = person_of_order[by_person]
    for index, design in enumerate(DESIGNS):
        start_s, end_s = to_epoch_seconds(design.start), to_epoch_seconds(design.end) + DAY
        candidates = np.flatnonzero(persons.signup_s < start_s)
        chosen = candidates[rng.random(candidates.size) < ASSIGNED_SHARE]
        assigned_s = np.floor(start_s + rng.random(chosen.size) * (end_s - start_s))
        treated = rng.random(chosen.size) >= design.control_share
        extra = rng.random(chosen.size) < design.extra_order_p
        extra_at = assigned_s + np.floor((1 + rng.random(chosen.size) * 28) * DAY)
        template = np.full(chosen.size, -1, dtype=np.int64)
        for market in np.unique(persons.market[chosen]):
            rows = persons.market[chosen] == market
            pool = confirmed[order_market == market]
            if pool.size:  # a market without a confirmed order to copy gets no extra order
                template[rows] = pool[rng.integers(0, pool.size, rows.sum())]
        extra &= template >= 0
        parts.append((np.full(chosen.size, index), treated.astype(np.int64), chosen, assigned_s))
        applied = treated & extra
        extra_orders.append((chosen[applied], extra_at[applied], template[applied]))
        # true effects from the potential outcomes of the units whose window is complete
        effects = {}
        first = np.searchsorted(sorted_persons, persons.person[chosen], side="left")
        last = np.searchsorted(sorted_persons, persons.person[chosen], side="right")
        for days in RETENTION_WINDOWS_DAYS:
            complete = assigned_s + days * DAY < export_end_s - DAY
            own = np.array([np.any((order_time[by_person[a:b]] > t) & (order_time[by_person[a:b]] <= t + days * DAY))
                            for a, b, t in zip(first, last, assigned_s)], dtype=bool)
            effects[f"retained_{days}d"] = float(np.mean(extra[complete] & ~own[complete])) if complete.any() else 0.0
        effects["orders_per_unit"] = float(np.mean(extra)) if extra.size else 0.0
        effects["expected_orders_per_unit"] = design.extra_order_p
        true_effects[design.experiment_id] = effects
    experiment, variant, customer, assigned = (np.concatenate(columns) for columns in zip(*parts))
    new_customer, new_time, template = (np.concatenate(columns) for columns in zip(*extra_orders))
    shift = new_time - orders.time_s[template]
    added = Orders(
        customer=new_customer, time_s=new_time, sequence=np.zeros(new_time.size, dtype=orders.sequence.dtype),
        payment=orders.payment[template], channel=orders.channel[template],
        installments=orders.installments[template], status=orders.status[template],
        cod_confirmed_s=orders.cod_confirmed_s[template] + shift, subtotal_cents=orders.subtotal_cents[template],
        discount_cents=orders.discount_cents[template], shipping_cents=orders.shipping_cents[template],
        tax_cents=orders.tax_cents[template], coupon=orders.coupon[template],
        points_redeemed=orders.points_redeemed[template], updated_s=orders.updated_s[template] + shift,
    )
    # the template orders' items, renumbered to the appended orders
    item_order_sorted = np.argsort(items.order, kind="stable")
    lo = np.searchsorted(items.order[item_order_sorted], template, side="left")
    hi = np.searchsorted(items.order[item_order_sorted], template, side="right")
    picked = np.concatenate([item_order_sorted[a:b] for a, b in zip(lo, hi)]) if template.size else np.zeros(0, int)
    new_order = np.repeat(orders.customer.size + np.arange(template.size), hi - lo)
    added_items = OrderItems(order=new_order, product=items.product[picked], quantity=items.quantity[picked],
                             unit_price_cents=items.unit_price_cents[picked], discount_cents=items.discount_cents[picked])
    return Assignments(experiment, variant, customer, assigned, true_effects), added, added_items
