"""Runs the simulation and writes every raw table."""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import bad_rows, commerce, engagement, experiments, feedback, marketing, people
from .markets import ACQUISITION_CHANNELS, MARKETING_CHANNELS, MARKETS, ORDER_CHANNELS, PAYMENT_METHODS
from .names import DIAL_CODES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES
from .timeline import DAY, Timeline, to_epoch_seconds
from .writer import (Booleans, Cents, Column, Dates, Exporter, Ids, Integers, Labels, RawTable, Rows, Text,
                     Timestamps, arrow, format_ids, row_number, strings, text_scalar)

TABLES = ["customers", "orders", "order_items", "products", "events", "feedback", "marketing_spend",
          "privacy_requests", "experiment_assignments"]
# the steps generate() reports to its progress callback, in order
GENERATE_STEPS = ("people", "catalogue", "orders", "feedback", "marketing spend and privacy requests",
                  "tables other than events", "events", "writing events")
DEFAULT_START = date(2023, 1, 1)
DEFAULT_END = date(2026, 10, 1)
# The simulation runs this many days past the export date, so that `append-day` can export the
# next days of the same world (rows that had not arrived yet, late events among them).
DAYS_SIMULATED_AFTER_END = 28
# One random stream per part of the simulation (spawned from the seed in this order), so that a
# part draws the same numbers whatever the others do.
STREAMS = ["people", "catalogue", "orders", "feedback", "events", "spend", "privacy_requests", "customer_details",
           "event_arrival", *(f"bad_rows.{table}" for table in TABLES), "experiments"]


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
    # per experiment and metric, the true effect of the treatment (generator/experiments.py)
    experiments: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else float("nan")


def generate(out_dir: str | Path, scale: float = 0.02, seed: int = 42, bad_row_share: float = 0.005,
             file_format: str = "parquet", start: date = DEFAULT_START, end: date = DEFAULT_END,
             threads: int | None = None, simulate_until: date | None = None,
             progress: Callable[[str], None] | None = None) -> GenerationReport:
    """Writes one file per raw table into out_dir (created if needed) and a _generation.json
    manifest, and returns the report. Same arguments, same bytes (whatever the threads).

    The files are the export as it stood at 00:00 UTC on `end`: the world is simulated up to
    `simulate_until` (default: end + DAYS_SIMULATED_AFTER_END days) and a row is written when it
    had arrived before `end`. Rows hold their final state (an order shows its final status on
    the day it is placed); only their arrival is simulated. Exports of the same world at a later
    `end` contain every row of an earlier one.

    threads=1 runs everything on the calling thread; otherwise a writer thread compresses and
    writes the files while the simulation goes on.

    progress, when given, is called with the name of each of the GENERATE_STEPS steps as it
    begins."""
    if file_format not in ("parquet", "csv"):
        raise GeneratorSettingsError(f"file_format must be parquet or csv, not {file_format!r}")
    if scale <= 0:
        raise GeneratorSettingsError("scale must be positive")
    if not 0 <= bad_row_share < 0.5:
        raise GeneratorSettingsError("bad_row_share must be in [0, 0.5)")
    if threads is not None and threads < 1:
        raise GeneratorSettingsError("threads must be at least 1")
    began = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if end <= start:
        raise GeneratorSettingsError(f"end date {end} must be after start date {start}")
    simulate_until = simulate_until or end + timedelta(days=DAYS_SIMULATED_AFTER_END)
    if simulate_until < end:
        raise GeneratorSettingsError(f"the simulation ends on {simulate_until}: cannot export up to {end}")
    timeline = Timeline(start, simulate_until)
    rng = dict(zip(STREAMS, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STREAMS)))))
    report = GenerationReport(str(out), seed, scale, bad_row_share, file_format, start.isoformat(),
                              end.isoformat(), simulate_until.isoformat())
    export_end_s = to_epoch_seconds(end)
    exporter = Exporter(out, file_format, threads)

    def export(table: RawTable, background: bool = False, appended_rows: int = 0) -> None:
        # rows appended after the simulated ones (the experiments' extra orders) are left out of
        # the plan, so that the same rows of the rest break the same rules as without them
        plan = bad_rows.plan_bad_rows(table.name, table.n_rows - appended_rows, bad_row_share,
                                      rng[f"bad_rows.{table.name}"])
        plan = bad_rows.with_good_rows_appended(plan, appended_rows)
        report.rows[table.name], report.bad_rows[table.name] = exporter.write(table, plan, export_end_s, background)

    step = progress or (lambda label: None)
    try:
        step("people")
        persons, purchases = people.draw_people(rng["people"], timeline, scale)
        step("catalogue")
        catalogue = commerce.draw_catalogue(rng["catalogue"], timeline)
        step("orders")
        orders, items = commerce.draw_orders(rng["orders"], timeline, persons, purchases, catalogue)
        assignments, extra_orders, extra_items = experiments.draw_experiments(rng["experiments"], persons, orders,
                                                                              items, end)
        report.experiments = assignments.true_effects
        step("feedback")
        answers = feedback.draw_feedback(rng["feedback"], timeline, persons, orders, items)
        step("marketing spend and privacy requests")
        spend = marketing.draw_spend(rng["spend"], timeline, scale)
        requests = marketing.draw_privacy_requests(rng["privacy_requests"], timeline, persons)
        # the writer thread encodes and writes the smaller tables while the events are simulated
        step("tables other than events")
        all_orders = commerce.concat_orders(orders, extra_orders)
        all_items = commerce.concat_items(items, extra_items)
        export(_orders(all_orders, persons), background=True, appended_rows=extra_orders.time_s.size)
        export(_order_items(all_items, all_orders), background=True, appended_rows=extra_items.order.size)
        for table in (_customers(rng["customer_details"], persons), _products(catalogue), _feedback(answers),
                      _marketing_spend(spend, timeline), _privacy_requests(requests),
                      _experiment_assignments(assignments)):
            export(table, background=True)
        step("events")
        reviews = answers.survey_type == feedback.SURVEY_TYPES.index("product_review")
        events = engagement.draw_events(rng["events"], timeline, persons, orders, commerce.N_PRODUCTS,
                                        answers.time_s[reviews], answers.customer[reviews], answers.product[reviews])
        del persons, purchases, orders, items, answers, spend, requests, all_orders, all_items
        # then the events go through the pipeline: this thread encodes, the writer thread writes
        step("writing events")
        export(_events(events, engagement.arrival_times(rng["event_arrival"], events)))
    finally:
        exporter.close()
    report.rows = {table: report.rows[table] for table in TABLES}
    report.bad_rows = {table: report.bad_rows[table] for table in TABLES}
    report.seconds = time.perf_counter() - began
    manifest = {k: v for k, v in asdict(report).items() if k != "seconds"}
    (out / "_generation.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return report


def append_days(out_dir: str | Path, days: int = 1, threads: int | None = None,
                progress: Callable[[str], None] | None = None) -> GenerationReport:
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
                    threads=threads, simulate_until=simulated_until, progress=progress)


def _ascii_lower(name: str) -> str:
    """lower(strip_accents(name)), for e-mail addresses."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()


def _text(values: list[str], codes: np.ndarray) -> pa.Array:
    return strings(values).take(arrow(codes, pa.int64()))


def _join(*parts: pa.Array | str) -> pa.Array:
    """Row by row concatenation of text columns and constants."""
    return pc.binary_join_element_wise(*(text_scalar(p) if isinstance(p, str) else p for p in parts), text_scalar(""))


def _customers(rng: np.random.Generator, persons: people.People) -> RawTable:
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
    person = pc.cast(arrow(persons.person, pa.int64()), pa.string())
    email = _join(_text([_ascii_lower(name) for name in first_names], first), ".",
                  _text([_ascii_lower(name) for name in last_names], last), person, "@",
                  _text(EMAIL_DOMAINS, persons.person % len(EMAIL_DOMAINS)))
    phone = _join("+", _text([DIAL_CODES[m.country_code] for m in MARKETS], persons.market), " ",
                  pc.cast(arrow(11 + persons.person % 89, pa.int64()), pa.string()), " ",
                  format_ids("", (persons.person * 7919 + 31415926) % 100_000_000, 8))
    full_name = _join(_text(first_names, first), " ", _text(last_names, last))
    columns = {
        "customer_id": Column(row_number, Ids("C", 7)),
        "email": Column(pc.if_else(arrow(has_email, pa.bool_()), email, text_scalar(None)), Text()),
        "phone": Column(pc.if_else(arrow(has_phone, pa.bool_()), phone, text_scalar(None)), Text()),
        "full_name": Column(full_name, Text()),
        "country_code": Column(persons.market, Labels(tuple(m.country_code.upper() for m in MARKETS))),
        "state_region": Column(state, Labels(tuple(state_codes))),
        "city": Column(state, Labels(tuple(city_codes))),
        "signup_ts": Column(persons.signup_s, Timestamps()),
        "acquisition_channel": Column(persons.acquisition, Labels(tuple(ACQUISITION_CHANNELS))),
        "referred_by_customer_id": Column(persons.referred_by, Ids("C", 7)),
        "marketing_opt_in": Column(persons.marketing_opt_in, Booleans()),
        "loyalty_joined_ts": Column(persons.loyalty_joined_s, Timestamps()),
        "updated_at": Column(persons.updated_s, Timestamps()),
    }
    return RawTable("customers", columns, arrival_s=persons.signup_s)


def _products(catalogue: commerce.Catalogue) -> RawTable:
    n = catalogue.category.size
    category = [commerce.CATEGORIES[c] for c in catalogue.category]
    material = [commerce.MATERIALS[m] for m in catalogue.material]
    collection = [commerce.COLLECTIONS[c] for c in catalogue.collection]
    columns = {
        "product_id": Column(row_number, Ids("P", 5)),
        "sku": Column(strings([f"SKU-{category[i][:3].upper()}-{i:05d}" for i in range(n)]), Text()),
        "product_name": Column(strings([f"{collection[i]} {category[i].replace('_', ' ')} "
                                         f"{material[i].replace('_', ' ')} nº {i}" for i in range(n)]), Text()),
        "category": Column(catalogue.category, Labels(tuple(commerce.CATEGORIES))),
        "material": Column(catalogue.material, Labels(tuple(commerce.MATERIALS))),
        "collection": Column(catalogue.collection, Labels(tuple(commerce.COLLECTIONS))),
        "list_price_usd": Column(catalogue.price_cents, Cents()),
        "launched_at": Column(catalogue.launched_s, Timestamps()),
    }
    # the catalogue is exported whole, launches scheduled ahead included
    return RawTable("products", columns, arrival_s=np.full(n, -np.inf))


PRODUCT_IDS = Labels(tuple(f"P{i:05d}" for i in range(commerce.N_PRODUCTS)))


def _orders(orders: commerce.Orders, persons: people.People) -> RawTable:
    total = orders.subtotal_cents - orders.discount_cents + orders.shipping_cents + orders.tax_cents
    columns = {
        "order_id": Column(row_number, Ids("O", 8)),
        "customer_id": Column(orders.customer, Ids("C", 7)),
        "order_ts": Column(orders.time_s, Timestamps()),
        "status": Column(orders.status, Labels(tuple(commerce.STATUSES))),
        "payment_method": Column(orders.payment, Labels(tuple(PAYMENT_METHODS))),
        "installments": Column(orders.installments, Integers()),
        "currency": Column(persons.market[orders.customer], Labels(tuple(m.currency for m in MARKETS))),
        "subtotal": Column(orders.subtotal_cents, Cents()),
        "discount_amount": Column(orders.discount_cents, Cents()),
        "shipping_amount": Column(orders.shipping_cents, Cents()),
        "tax_amount": Column(orders.tax_cents, Cents()),
        "total_amount": Column(total, Cents()),
        "channel": Column(orders.channel, Labels(tuple(ORDER_CHANNELS))),
        "coupon_code": Column(orders.coupon, Labels(tuple(commerce.COUPONS))),
        "loyalty_points_redeemed": Column(orders.points_redeemed, Integers()),
        "cod_confirmed_ts": Column(orders.cod_confirmed_s, Timestamps()),
        "updated_at": Column(orders.updated_s, Timestamps()),
    }
    return RawTable("orders", columns, arrival_s=orders.time_s)


def _order_items(items: commerce.OrderItems, orders: commerce.Orders) -> RawTable:
    columns = {
        "order_item_id": Column(row_number, Ids("OI", 9)),
        "order_id": Column(items.order, Ids("O", 8)),
        "product_id": Column(items.product, PRODUCT_IDS),
        "quantity": Column(items.quantity, Integers()),
        "unit_price": Column(items.unit_price_cents, Cents()),
        "discount_amount": Column(items.discount_cents, Cents()),
    }
    return RawTable("order_items", columns, arrival_s=orders.time_s[items.order])


SEARCH_QUERIES = ("anel de prata", "collar luna", "aretes oro", "pulsera")
SOCIAL_NETWORKS = ("instagram", "whatsapp", "facebook", "tiktok")
LOOKBOOK_PAGES = 12


def _page_paths(events: engagement.Events) -> Column:
    """The page of each event: fixed pages, a lookbook page (by the event's number), or the
    product's page."""
    fixed = {"page_view": "/", "search": "/search", "checkout_started": "/checkout",
             "purchase": "/checkout/confirmation"}
    paths = (*fixed.values(), *(f"/lookbook/{i}" for i in range(LOOKBOOK_PAGES)),
             *(f"/p/{product}" for product in PRODUCT_IDS.names))
    fixed_page = np.full(len(engagement.EVENT_TYPES), -1, dtype=np.int16)
    for index, kind in enumerate(fixed):
        fixed_page[engagement.EVENT_TYPES.index(kind)] = index
    lookbook = engagement.EVENT_TYPES.index("lookbook_view")

    def page(rows: Rows) -> np.ndarray:
        event_type, product = rows.take(events.event_type), rows.take(events.product)
        code = fixed_page[event_type]
        on_product = (code < 0) & (product >= 0)
        code[on_product] = len(fixed) + LOOKBOOK_PAGES + product[on_product]
        on_lookbook = event_type == lookbook
        code[on_lookbook] = len(fixed) + rows.number[on_lookbook] % LOOKBOOK_PAGES
        return code

    return Column(page, Labels(paths))


def _properties(events: engagement.Events) -> Column:
    """The JSON properties of each event: a search's query, a share's network, the points earned
    (one of the options, by the event's number), a WhatsApp message's direction, else {}."""
    options = {"search": [f'{{"query": "{q}"}}' for q in SEARCH_QUERIES],
               "social_share": [f'{{"network": "{s}"}}' for s in SOCIAL_NETWORKS],
               "loyalty_points_earned": [f'{{"points": {50 + i * 25}}}' for i in range(10)],
               "whatsapp_message": ['{"direction": "inbound"}']}
    texts = ["{}"]
    first = np.zeros(len(engagement.EVENT_TYPES), dtype=np.int16)
    count = np.ones(len(engagement.EVENT_TYPES), dtype=np.int16)
    for kind, kind_texts in options.items():
        first[engagement.EVENT_TYPES.index(kind)] = len(texts)
        count[engagement.EVENT_TYPES.index(kind)] = len(kind_texts)
        texts += kind_texts

    def properties(rows: Rows) -> np.ndarray:
        event_type = rows.take(events.event_type)
        return first[event_type] + rows.number % count[event_type]

    return Column(properties, Labels(tuple(texts)))


def _events(events: engagement.Events, arrival_s: np.ndarray) -> RawTable:
    utm = engagement.UTM
    columns = {
        "event_id": Column(row_number, Ids("E", 10)),
        "event_ts": Column(events.time_s, Timestamps()),
        "customer_id": Column(events.customer, Ids("C", 7)),
        "anonymous_id": Column(events.anonymous, Ids("A", 8)),
        "event_type": Column(events.event_type, Labels(tuple(engagement.EVENT_TYPES))),
        "platform": Column(events.platform, Labels(tuple(engagement.PLATFORMS))),
        "country_code": Column(events.market, Labels(tuple(m.country_code for m in MARKETS))),
        "page_path": _page_paths(events),
        "product_id": Column(events.product, PRODUCT_IDS),
        "utm_source": Column(events.utm, Labels(tuple(u[0] for u in utm))),
        "utm_medium": Column(events.utm, Labels(tuple(u[1] for u in utm))),
        "utm_campaign": Column(events.utm, Labels(tuple(u[2] for u in utm))),
        "properties": _properties(events),
    }
    return RawTable("events", columns, arrival_s=arrival_s, row_order=events.time_order)


def _feedback(answers: feedback.Feedback) -> RawTable:
    columns = {
        "feedback_id": Column(row_number, Ids("F", 8)),
        "customer_id": Column(answers.customer, Ids("C", 7)),
        "order_id": Column(answers.order, Ids("O", 8)),
        "submitted_ts": Column(answers.time_s, Timestamps()),
        "survey_type": Column(answers.survey_type, Labels(tuple(feedback.SURVEY_TYPES))),
        "score": Column(answers.score, Integers()),
        "comment": Column(answers.comment, Labels(tuple(answers.comment_texts))),
        "channel": Column(answers.channel, Labels(tuple(feedback.FEEDBACK_CHANNELS))),
        "language": Column(answers.language, Labels(tuple(feedback.LANGUAGES))),
    }
    return RawTable("feedback", columns, arrival_s=answers.time_s)


def _marketing_spend(spend: marketing.Spend, timeline: Timeline) -> RawTable:
    day_s = timeline.start_s + spend.day * DAY
    columns = {
        "spend_date": Column(day_s, Dates()),
        "country_code": Column(spend.market, Labels(tuple(m.country_code for m in MARKETS))),
        "channel": Column(spend.channel, Labels(tuple(MARKETING_CHANNELS))),
        "currency": Column(spend.market, Labels(tuple(m.currency for m in MARKETS))),
        "amount": Column(spend.amount_cents, Cents()),
    }
    return RawTable("marketing_spend", columns, arrival_s=day_s)


def _privacy_requests(requests: marketing.PrivacyRequests) -> RawTable:
    columns = {
        "request_id": Column(row_number, Ids("R", 7)),
        "customer_id": Column(requests.customer, Ids("C", 7)),
        "request_type": Column(requests.request_type, Labels(tuple(marketing.REQUEST_TYPES))),
        "requested_ts": Column(requests.time_s, Timestamps()),
    }
    return RawTable("privacy_requests", columns, arrival_s=requests.time_s)


def _experiment_assignments(assignments: experiments.Assignments) -> RawTable:
    columns = {
        "experiment_id": Column(assignments.experiment, Labels(tuple(d.experiment_id for d in experiments.DESIGNS))),
        "variant": Column(assignments.variant, Labels(experiments.VARIANTS)),
        "customer_id": Column(assignments.customer, Ids("C", 7)),
        "anonymous_id": Column(np.full(assignments.customer.size, -1), Ids("A", 8)),
        "assigned_ts": Column(assignments.assigned_s, Timestamps()),
    }
    return RawTable("experiment_assignments", columns, arrival_s=assignments.assigned_s)
