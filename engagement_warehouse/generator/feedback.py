"""Survey answers (NPS, CSAT) and product reviews, with comments in three languages.

Scores come from the same latent loyalty as the buying process: people who will keep buying
answer higher, so NPS predicts reordering in the marts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .commerce import Orders, OrderItems
from .markets import MARKETS
from .people import People
from .timeline import DAY, Timeline

SURVEY_TYPES = ["nps", "csat", "product_review"]
LANGUAGES = ["es", "pt", "en"]
FEEDBACK_CHANNELS = ["email", "app", "web", "whatsapp", "sms"]
# (language, sentiment) -> comments; sentiment 0 negative, 1 neutral, 2 positive
COMMENTS: dict[tuple[str, int], list[str]] = {
    ("es", 0): ["El collar llegó dañado 😞", "Tardó demasiado el envío, nadie respondió por WhatsApp",
                "La plata se oscureció en una semana", "No me devolvieron el dinero todavía"],
    ("es", 1): ["Está bien, el empaque podría mejorar", "Normal, esperaba algo más brillante",
                "Llegó a tiempo", "El anillo es un poco más pequeño de lo que pensé"],
    ("es", 2): ["¡Me encantó el anillo! 💍", "Precioso, mi mamá quedó feliz ❤️",
                "Excelente atención por WhatsApp, súper rápida", "Calidad increíble, volveré a comprar ✨"],
    ("pt", 0): ["O colar chegou quebrado 😡", "Demorou muito e ninguém respondeu no WhatsApp",
                "A prata escureceu em poucos dias", "Paguei o boleto e o pedido não saiu"],
    ("pt", 1): ["Ok, a embalagem poderia ser melhor", "Chegou no prazo", "É bonito, mas menor do que parece"],
    ("pt", 2): ["Amei o brinco! 😍", "Minha mãe adorou o presente ❤️", "Atendimento ótimo pelo WhatsApp",
                "Qualidade excelente, já quero comprar de novo ✨"],
    ("en", 0): ["The necklace arrived broken", "Shipping took far too long 😞", "Tarnished after a week"],
    ("en", 1): ["It's fine, packaging could be better", "Arrived on time", "A bit smaller than expected"],
    ("en", 2): ["Love it! 💖", "Beautiful ring, fast delivery", "Great service, will buy again ✨"],
}


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
    texts: list[str] = []
    lookup = np.full((len(LANGUAGES), 3, 2), 0, dtype=np.int64)  # (start, count) per language, sentiment
    for (lang, mood), options in COMMENTS.items():
        lookup[LANGUAGES.index(lang), mood] = (len(texts), len(options))
        texts.extend(options)
    start, count = lookup[language, sentiment, 0], lookup[language, sentiment, 1]
    comment = start + np.floor(rng.random(customer.size) * count).astype(np.int64)
    comment = np.where(rng.random(customer.size) < 0.55, comment, -1)
    channel = rng.choice(len(FEEDBACK_CHANNELS), customer.size, p=[0.45, 0.25, 0.12, 0.15, 0.03])
    return Feedback(customer=customer, order=order, time_s=time_s, survey_type=survey, score=score,
                    comment=comment, channel=channel, language=language, product=product,
                    comment_texts=texts)
