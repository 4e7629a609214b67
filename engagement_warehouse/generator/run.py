"""Runs the simulation and writes every raw table."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from . import bad_rows, commerce, engagement, feedback, marketing, people
from .markets import ACQUISITION_CHANNELS, MARKETING_CHANNELS, MARKETS, ORDER_CHANNELS, PAYMENT_METHODS
from .names import DIAL_CODES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES
from .timeline import DAY, Timeline, to_epoch_seconds
from .writer import cents_to_decimal, dictionary, integers, timestamps, write_table

TableSpec = tuple[dict[str, pa.Array], dict[str, str]]  # source columns, select list
TABLES = ["customers", "orders", "order_items", "products", "events", "feedback", "marketing_spend",
          "privacy_requests"]
DEFAULT_START = date(2023, 1, 1)
DEFAULT_END = date(2026, 10, 1)
# The simulation runs this many days past the export date, so that `append-day` can export the
# next days of the same world (rows that had not arrived yet, late events among them).
DAYS_SIMULATED_AFTER_END = 28


class GeneratorSettingsError(ValueError):
    """An argument of `generate` is out of range."""


@dataclass
class GenerationReport:
    out_dir: str
    seed: int
    scale: float
    bad_row_share: float
    file_format: str
    start_date: str
    end_date: str
    simulated_until: str
    rows: dict[str, int] = field(default_factory=dict)
    bad_rows: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else float("nan")


def generate(out_dir: str | Path, scale: float = 0.02, seed: int = 42, bad_row_share: float = 0.005,
             file_format: str = "parquet", start: date = DEFAULT_START, end: date = DEFAULT_END,
             threads: int | None = None, simulate_until: date | None = None) -> GenerationReport:
    """Writes one file per raw table into out_dir (created if needed) and a _generation.json
    manifest, and returns the report. Same arguments, same bytes.

    The files are the export as it stood at 00:00 UTC on `end`: the world is simulated up to
    `simulate_until` (default: end + DAYS_SIMULATED_AFTER_END days) and a row is written when it
    had arrived before `end`. Rows hold their final state (an order shows its final status on
    the day it is placed); only their arrival is simulated. Exports of the same world at a later
    `end` contain every row of an earlier one."""
    if file_format not in ("parquet", "csv"):
        raise GeneratorSettingsError(f"file_format must be parquet or csv, not {file_format!r}")
    if scale <= 0:
        raise GeneratorSettingsError("scale must be positive")
    if not 0 <= bad_row_share < 0.5:
        raise GeneratorSettingsError("bad_row_share must be in [0, 0.5)")
    began = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if end <= start:
        raise GeneratorSettingsError(f"end date {end} must be after start date {start}")
    simulate_until = simulate_until or end + timedelta(days=DAYS_SIMULATED_AFTER_END)
    if simulate_until < end:
        raise GeneratorSettingsError(f"the simulation ends on {simulate_until}: cannot export up to {end}")
    timeline = Timeline(start, simulate_until)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(13)]

    persons, purchases = people.draw_people(streams[0], timeline, scale)
    catalogue = commerce.draw_catalogue(streams[1], timeline)
    orders, items = commerce.draw_orders(streams[2], timeline, persons, purchases, catalogue)
    answers = feedback.draw_feedback(streams[3], timeline, persons, orders, items)
    reviews = answers.survey_type == feedback.SURVEY_TYPES.index("product_review")
    events = engagement.draw_events(streams[4], timeline, persons, orders, commerce.N_PRODUCTS,
                                    answers.time_s[reviews], answers.customer[reviews], answers.product[reviews])
    spend = marketing.draw_spend(streams[5], timeline, scale)
    requests = marketing.draw_privacy_requests(streams[6], timeline, persons)

    arrival_s = {
        "customers": persons.signup_s,
        "orders": orders.time_s,
        "order_items": orders.time_s[items.order],
        # the catalogue is exported whole, launches scheduled ahead included
        "products": np.full(catalogue.category.size, -np.inf),
        "events": engagement.arrival_times(streams[12], events),
        "feedback": answers.time_s,
        "marketing_spend": timeline.start_s + spend.day * DAY,
        "privacy_requests": requests.time_s,
    }
    export_end_s = to_epoch_seconds(end)
    specs: dict[str, TableSpec] = {
        "customers": _load_customers(streams[7], persons),
        "orders": _load_orders(orders, persons),
        "order_items": _load_order_items(items),
        "products": _load_products(catalogue, timeline),
        "events": _load_events(events),
        "feedback": _load_feedback(answers),
        "marketing_spend": _load_spend(spend, timeline),
        "privacy_requests": _load_privacy_requests(requests),
    }
    del persons, purchases, orders, items, answers, events, spend, requests
    report = GenerationReport(str(out), seed, scale, bad_row_share, file_format, start.isoformat(),
                              end.isoformat(), simulate_until.isoformat())
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    con.execute("set TimeZone = 'UTC'")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    for index, table in enumerate(TABLES):
        source, select = specs.pop(table)
        n_rows = len(next(iter(source.values())))
        plan = bad_rows.plan_bad_rows(table, n_rows, bad_row_share, streams[8 + index % 4])
        for stale in out.glob(f"{table}.*"):
            stale.unlink()
        arrived = arrival_s.pop(table) < export_end_s
        report.rows[table], report.bad_rows[table] = write_table(
            con, table, source, select, plan, arrived, out / f"{table}.{file_format}", file_format)
    con.close()
    report.seconds = time.perf_counter() - began
    manifest = {k: v for k, v in asdict(report).items() if k != "seconds"}
    (out / "_generation.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return report


def append_days(out_dir: str | Path, days: int = 1, threads: int | None = None) -> GenerationReport:
    """Re-exports the world of an earlier `generate` into the same folder `days` days later:
    every earlier row again, plus the rows that arrived since (the next day's orders, events,
    feedback, and app events of earlier days that arrived late)."""
    manifest_path = Path(out_dir) / "_generation.json"
    if not manifest_path.exists():
        raise GeneratorSettingsError(f"{manifest_path} not found: append-day extends a folder written by generate")
    manifest = json.loads(manifest_path.read_text())
    if days < 1:
        raise GeneratorSettingsError("days must be at least 1")
    end = date.fromisoformat(manifest["end_date"]) + timedelta(days=days)
    simulated_until = date.fromisoformat(manifest["simulated_until"])
    if end > simulated_until:
        raise GeneratorSettingsError(f"the simulation of {out_dir} ends on {simulated_until}: cannot export up to {end}; "
                                     "generate again with a later --end")
    return generate(out_dir, scale=manifest["scale"], seed=manifest["seed"], bad_row_share=manifest["bad_row_share"],
                    file_format=manifest["file_format"], start=date.fromisoformat(manifest["start_date"]), end=end,
                    threads=threads, simulate_until=simulated_until)


def _load_customers(rng: np.random.Generator, persons: people.People) -> TableSpec:
    n_persons = int(persons.person.max()) + 1
    language = np.array([m.language for m in MARKETS])[persons.market]
    first = np.empty(persons.n, dtype=np.int64)
    last = np.empty(persons.n, dtype=np.int64)
    first_names: list[str] = []
    last_names: list[str] = []
    first_of_person = rng.random(n_persons)
    last_of_person = rng.random(n_persons)
    for lang in ("pt", "es", "en"):
        rows = language == lang
        first[rows] = len(first_names) + np.floor(first_of_person[persons.person[rows]]
                                                  * len(FIRST_NAMES[lang])).astype(np.int64)
        last[rows] = len(last_names) + np.floor(last_of_person[persons.person[rows]]
                                                * len(LAST_NAMES[lang])).astype(np.int64)
        first_names += FIRST_NAMES[lang]
        last_names += LAST_NAMES[lang]
    state_codes: list[str] = []
    city_codes: list[str] = []
    state = np.empty(persons.n, dtype=np.int64)
    state_of_person = rng.random(n_persons)
    for index, market in enumerate(MARKETS):
        rows = persons.market == index
        state[rows] = len(state_codes) + np.floor(state_of_person[persons.person[rows]]
                                                  ** 1.6 * len(market.states)).astype(np.int64)
        state_codes += [s for s, _ in market.states]
        city_codes += [c for _, c in market.states]
    has_email = rng.random(n_persons)[persons.person] >= 0.03
    has_phone = (rng.random(n_persons)[persons.person] < 0.75) | ~has_email
    source = {
        "id": integers(np.arange(persons.n)),
        "person": integers(persons.person),
        "first_name": dictionary(first, first_names),
        "last_name": dictionary(last, last_names),
        "domain": dictionary(persons.person % len(EMAIL_DOMAINS), EMAIL_DOMAINS),
        "has_email": pa.array(has_email),
        "has_phone": pa.array(has_phone),
        "dial": dictionary(persons.market, [DIAL_CODES[m.country_code] for m in MARKETS]),
        "country_code": dictionary(persons.market, [m.country_code.upper() for m in MARKETS]),
        "state_region": dictionary(state, state_codes),
        "city": dictionary(state, city_codes),
        "signup_ts": timestamps(persons.signup_s),
        "acquisition_channel": dictionary(persons.acquisition, ACQUISITION_CHANNELS),
        "referred_by": integers(persons.referred_by, missing_below=0),
        "marketing_opt_in": pa.array(persons.marketing_opt_in),
        "loyalty_joined_ts": timestamps(persons.loyalty_joined_s),
        "updated_at": timestamps(persons.updated_s),
    }
    select = {
        "customer_id": "printf('C%07d', id)",
        "email": "case when has_email then lower(strip_accents(first_name)) || '.' || lower(strip_accents(last_name)) || person || '@' || domain end",
        "phone": "case when has_phone then '+' || dial || ' ' || (11 + person % 89) || ' ' || lpad(cast((person * 7919 + 31415926) % 100000000 as varchar), 8, '0') end",
        "full_name": "cast(first_name as varchar) || ' ' || cast(last_name as varchar)",
        "country_code": "cast(country_code as varchar)",
        "state_region": "cast(state_region as varchar)",
        "city": "cast(city as varchar)",
        "signup_ts": "signup_ts",
        "acquisition_channel": "cast(acquisition_channel as varchar)",
        "referred_by_customer_id": "case when referred_by is not null then printf('C%07d', referred_by) end",
        "marketing_opt_in": "marketing_opt_in",
        "loyalty_joined_ts": "loyalty_joined_ts",
        "updated_at": "updated_at",
    }
    return source, select


def _load_products(catalogue: commerce.Catalogue, timeline: Timeline) -> TableSpec:
    n = catalogue.category.size
    source = {
        "id": integers(np.arange(n)),
        "category": dictionary(catalogue.category, commerce.CATEGORIES),
        "material": dictionary(catalogue.material, commerce.MATERIALS),
        "collection": dictionary(catalogue.collection, commerce.COLLECTIONS),
        "price_cents": integers(catalogue.price_cents),
        "launched_at": timestamps(catalogue.launched_s),
    }
    select = {
        "product_id": "printf('P%05d', id)",
        "sku": "'SKU-' || upper(left(cast(category as varchar), 3)) || '-' || lpad(cast(id as varchar), 5, '0')",
        "product_name": "cast(collection as varchar) || ' ' || replace(cast(category as varchar), '_', ' ') || ' ' || replace(cast(material as varchar), '_', ' ') || ' nº ' || id",
        "category": "cast(category as varchar)",
        "material": "cast(material as varchar)",
        "collection": "cast(collection as varchar)",
        "list_price_usd": f"{cents_to_decimal('price_cents')}",
        "launched_at": "launched_at",
    }
    return source, select


def _load_orders(orders: commerce.Orders, persons: people.People) -> TableSpec:
    n = orders.customer.size
    source = {
        "id": integers(np.arange(n)),
        "customer": integers(orders.customer),
        "order_ts": timestamps(orders.time_s),
        "status": dictionary(orders.status, commerce.STATUSES),
        "payment_method": dictionary(orders.payment, PAYMENT_METHODS),
        "installments": integers(orders.installments),
        "currency": dictionary(persons.market[orders.customer], [m.currency for m in MARKETS]),
        "subtotal": integers(orders.subtotal_cents),
        "discount": integers(orders.discount_cents),
        "shipping": integers(orders.shipping_cents),
        "tax": integers(orders.tax_cents),
        "channel": dictionary(orders.channel, ORDER_CHANNELS),
        "coupon_code": dictionary(orders.coupon, commerce.COUPONS),
        "points": integers(orders.points_redeemed),
        "cod_confirmed_ts": timestamps(orders.cod_confirmed_s),
        "updated_at": timestamps(orders.updated_s),
    }
    select = {
        "order_id": "printf('O%08d', id)",
        "customer_id": "printf('C%07d', customer)",
        "order_ts": "order_ts",
        "status": "cast(status as varchar)",
        "payment_method": "cast(payment_method as varchar)",
        "installments": "cast(installments as integer)",
        "currency": "cast(currency as varchar)",
        "subtotal": f"{cents_to_decimal('subtotal')}",
        "discount_amount": f"{cents_to_decimal('discount')}",
        "shipping_amount": f"{cents_to_decimal('shipping')}",
        "tax_amount": f"{cents_to_decimal('tax')}",
        "total_amount": f"{cents_to_decimal('subtotal - discount + shipping + tax')}",
        "channel": "cast(channel as varchar)",
        "coupon_code": "cast(coupon_code as varchar)",
        "loyalty_points_redeemed": "cast(points as integer)",
        "cod_confirmed_ts": "cod_confirmed_ts",
        "updated_at": "updated_at",
    }
    return source, select


def _load_order_items(items: commerce.OrderItems) -> TableSpec:
    source = {
        "id": integers(np.arange(items.order.size)),
        "order_index": integers(items.order),
        "product": integers(items.product),
        "quantity": integers(items.quantity),
        "unit_price": integers(items.unit_price_cents),
        "discount": integers(items.discount_cents),
    }
    select = {
        "order_item_id": "printf('OI%09d', id)",
        "order_id": "printf('O%08d', order_index)",
        "product_id": "printf('P%05d', product)",
        "quantity": "cast(quantity as integer)",
        "unit_price": f"{cents_to_decimal('unit_price')}",
        "discount_amount": f"{cents_to_decimal('discount')}",
    }
    return source, select


def _load_events(events: engagement.Events) -> TableSpec:
    utm = engagement.UTM
    source = {
        "id": integers(np.arange(events.time_s.size)),
        "event_ts": timestamps(events.time_s),
        "customer": integers(events.customer, missing_below=0),
        "anonymous": integers(events.anonymous, missing_below=0),
        "event_type": dictionary(events.event_type, engagement.EVENT_TYPES),
        "platform": dictionary(events.platform, engagement.PLATFORMS),
        "country_code": dictionary(events.market, [m.country_code for m in MARKETS]),
        "product": integers(events.product, missing_below=0),
        "utm_source": dictionary(events.utm, [u[0] for u in utm]),
        "utm_medium": dictionary(events.utm, [u[1] for u in utm]),
        "utm_campaign": dictionary(events.utm, [u[2] for u in utm]),
    }
    select = {
        "event_id": "printf('E%010d', id)",
        "event_ts": "event_ts",
        "customer_id": "case when customer is not null then printf('C%07d', customer) end",
        "anonymous_id": "case when anonymous is not null then printf('A%08d', anonymous) end",
        "event_type": "cast(event_type as varchar)",
        "platform": "cast(platform as varchar)",
        "country_code": "cast(country_code as varchar)",
        "page_path": "case event_type when 'page_view' then '/' when 'search' then '/search' when 'lookbook_view' then '/lookbook/' || (id % 12) when 'checkout_started' then '/checkout' when 'purchase' then '/checkout/confirmation' else case when product is not null then '/p/' || printf('P%05d', product) end end",
        "product_id": "case when product is not null then printf('P%05d', product) end",
        "utm_source": "cast(utm_source as varchar)",
        "utm_medium": "cast(utm_medium as varchar)",
        "utm_campaign": "cast(utm_campaign as varchar)",
        "properties": "case event_type when 'search' then '{\"query\": \"' || ['anel de prata', 'collar luna', 'aretes oro', 'pulsera'][1 + id % 4] || '\"}' when 'loyalty_points_earned' then '{\"points\": ' || (50 + id % 10 * 25) || '}' when 'whatsapp_message' then '{\"direction\": \"inbound\"}' when 'social_share' then '{\"network\": \"' || ['instagram', 'whatsapp', 'facebook', 'tiktok'][1 + id % 4] || '\"}' else '{}' end",
    }
    return source, select


def _load_feedback(answers: feedback.Feedback) -> TableSpec:
    source = {
        "id": integers(np.arange(answers.customer.size)),
        "customer": integers(answers.customer),
        "order_index": integers(answers.order, missing_below=0),
        "submitted_ts": timestamps(answers.time_s),
        "survey_type": dictionary(answers.survey_type, feedback.SURVEY_TYPES),
        "score": integers(answers.score),
        "comment": dictionary(answers.comment, answers.comment_texts),
        "channel": dictionary(answers.channel, feedback.FEEDBACK_CHANNELS),
        "language": dictionary(answers.language, feedback.LANGUAGES),
    }
    select = {
        "feedback_id": "printf('F%08d', id)",
        "customer_id": "printf('C%07d', customer)",
        "order_id": "case when order_index is not null then printf('O%08d', order_index) end",
        "submitted_ts": "submitted_ts",
        "survey_type": "cast(survey_type as varchar)",
        "score": "cast(score as integer)",
        "comment": "cast(comment as varchar)",
        "channel": "cast(channel as varchar)",
        "language": "cast(language as varchar)",
    }
    return source, select


def _load_spend(spend: marketing.Spend, timeline: Timeline) -> TableSpec:
    source = {
        "spend_date": timestamps(timeline.start_s + spend.day * DAY).cast(pa.date32()),
        "country_code": dictionary(spend.market, [m.country_code for m in MARKETS]),
        "channel": dictionary(spend.channel, MARKETING_CHANNELS),
        "currency": dictionary(spend.market, [m.currency for m in MARKETS]),
        "amount": integers(spend.amount_cents),
    }
    select = {
        "spend_date": "spend_date",
        "country_code": "cast(country_code as varchar)",
        "channel": "cast(channel as varchar)",
        "currency": "cast(currency as varchar)",
        "amount": f"{cents_to_decimal('amount')}",
    }
    return source, select


def _load_privacy_requests(requests: marketing.PrivacyRequests) -> TableSpec:
    source = {
        "id": integers(np.arange(requests.customer.size)),
        "customer": integers(requests.customer),
        "request_type": dictionary(requests.request_type, marketing.REQUEST_TYPES),
        "requested_ts": timestamps(requests.time_s),
    }
    select = {
        "request_id": "printf('R%07d', id)",
        "customer_id": "printf('C%07d', customer)",
        "request_type": "cast(request_type as varchar)",
        "requested_ts": "requested_ts",
    }
    return source, select
