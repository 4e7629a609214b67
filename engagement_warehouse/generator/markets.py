"""Market profiles of the demo retailer: how customers, payments and channels differ by country.

The numbers are invented but shaped after what is known of Latin-American e-commerce: pix and
boleto in Brazil, OXXO and cash on delivery in Mexico, cash on delivery in Colombia and Peru,
instalments on credit cards in Brazil and Argentina, WhatsApp and Instagram as sales channels.

Churn design (issue 20): what a person does after dropping out of the buying process (see
people.py) differs by market, so a churn model has something to find beyond BG/NBD's purchase
timing. The per-market strengths are the `churn_*` fields of Market (and `referral_affinity`);
CHURN_DRIVERS_BY_MARKET names, per market, the engagement signals this design makes tell a
dropout from a person who stays. In short: a person's browsing falls to `churn_session_fade` of
its rate at the moment they drop out (in Brazil and Mexico it does not fall) and stops
CHURN_FADE_DAYS later (a person still alive browses to the end of the simulation); in Brazil
social shares and WhatsApp messages stop at once, almost entirely; in Mexico referrals do (and
alive Mexicans send ten times more of them than elsewhere); the survey answered after a person's
final order is a detractor's with probability `churn_detractor_share`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAYMENT_METHODS = [
    "credit_card", "debit_card", "pix", "boleto", "oxxo", "cash_on_delivery", "wallet", "bank_transfer",
]
ORDER_CHANNELS = ["web", "app", "whatsapp", "instagram", "marketplace", "store"]
ACQUISITION_CHANNELS = [
    "organic_search", "paid_search", "paid_social", "instagram", "whatsapp", "referral", "email",
    "direct", "marketplace", "influencer", "store",
]
MARKETING_CHANNELS = [
    "paid_search", "paid_social", "instagram", "whatsapp", "influencer", "email", "marketplace", "affiliate",
]


@dataclass(frozen=True)
class Market:
    country_code: str
    customer_share: float
    currency: str
    # local currency units per USD used to set local prices (a price level, not the FX seed)
    price_level: float
    language: str
    states: tuple[tuple[str, str], ...]  # (state_region, city)
    payment_mix: dict[str, float]
    channel_mix: dict[str, float]
    installment_share: float  # share of credit-card orders paid in instalments
    whatsapp_affinity: float  # weight of WhatsApp messages among engagement events
    social_affinity: float  # weight of social shares among engagement events
    tax_rate: float = 0.0
    shipping_local: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)
    # Churn design (issue 20; engagement.py, feedback.py): after a person drops out, their
    # browsing sessions keep this share of their rate (for CHURN_FADE_DAYS days, then none) ...
    churn_session_fade: float = 0.3
    # ... and a browsing event of these types is, with this probability, not sent any more (it
    # becomes a page view): the market's signature signals stop at the dropout
    churn_signal_stop: dict[str, float] = field(default_factory=dict)
    # probability that the survey answered after the final order is a detractor's (NPS 0-6, 1-2 stars)
    churn_detractor_share: float = 0.35
    referral_affinity: float = 1.0  # weight of referral_sent among browsing events


MARKETS: tuple[Market, ...] = (
    Market("br", 0.34, "BRL", 5.4, "pt",
           (("São Paulo", "São Paulo"), ("Rio de Janeiro", "Rio de Janeiro"), ("Minas Gerais", "Belo Horizonte"),
            ("Bahia", "Salvador"), ("Rio Grande do Sul", "Porto Alegre"), ("Paraná", "Curitiba"),
            ("Pernambuco", "Recife"), ("Ceará", "Fortaleza")),
           {"credit_card": 0.44, "pix": 0.30, "boleto": 0.12, "debit_card": 0.05, "wallet": 0.06, "bank_transfer": 0.03},
           {"web": 0.42, "app": 0.26, "whatsapp": 0.14, "instagram": 0.10, "marketplace": 0.06, "store": 0.02},
           0.70, 1.6, 1.4, shipping_local=19.9,
           churn_signal_stop={"social_share": 0.97, "whatsapp_message": 0.97}, churn_session_fade=1.0,
           churn_detractor_share=0.35),
    Market("mx", 0.24, "MXN", 19.5, "es",
           (("Ciudad de México", "Ciudad de México"), ("Jalisco", "Guadalajara"), ("Nuevo León", "Monterrey"),
            ("Puebla", "Puebla"), ("Yucatán", "Mérida"), ("Estado de México", "Toluca")),
           {"credit_card": 0.33, "debit_card": 0.15, "oxxo": 0.20, "cash_on_delivery": 0.14, "wallet": 0.12,
            "bank_transfer": 0.06},
           {"web": 0.40, "app": 0.22, "whatsapp": 0.14, "instagram": 0.14, "marketplace": 0.08, "store": 0.02},
           0.45, 1.5, 1.5, shipping_local=99.0,
           churn_signal_stop={"referral_sent": 0.97}, referral_affinity=10.0, churn_session_fade=1.0,
           churn_detractor_share=0.35),
    Market("co", 0.12, "COP", 4000.0, "es",
           (("Bogotá D.C.", "Bogotá"), ("Antioquia", "Medellín"), ("Valle del Cauca", "Cali"),
            ("Atlántico", "Barranquilla"), ("Santander", "Bucaramanga")),
           {"credit_card": 0.28, "debit_card": 0.14, "cash_on_delivery": 0.26, "wallet": 0.10, "bank_transfer": 0.22},
           {"web": 0.38, "app": 0.18, "whatsapp": 0.24, "instagram": 0.12, "marketplace": 0.06, "store": 0.02},
           0.30, 1.8, 1.1, shipping_local=12000.0, churn_detractor_share=0.6),
    Market("ar", 0.09, "ARS", 900.0, "es",
           (("Buenos Aires", "Buenos Aires"), ("Córdoba", "Córdoba"), ("Santa Fe", "Rosario"),
            ("Mendoza", "Mendoza"), ("Tucumán", "San Miguel de Tucumán")),
           {"credit_card": 0.46, "debit_card": 0.14, "wallet": 0.30, "bank_transfer": 0.05, "cash_on_delivery": 0.05},
           {"web": 0.44, "app": 0.24, "whatsapp": 0.12, "instagram": 0.10, "marketplace": 0.08, "store": 0.02},
           0.80, 1.2, 1.0, shipping_local=3500.0),
    Market("cl", 0.08, "CLP", 900.0, "es",
           (("Región Metropolitana", "Santiago"), ("Valparaíso", "Valparaíso"), ("Biobío", "Concepción"),
            ("Antofagasta", "Antofagasta")),
           {"credit_card": 0.40, "debit_card": 0.35, "wallet": 0.10, "bank_transfer": 0.15},
           {"web": 0.50, "app": 0.26, "whatsapp": 0.08, "instagram": 0.08, "marketplace": 0.06, "store": 0.02},
           0.50, 0.9, 0.9, shipping_local=3990.0),
    Market("pe", 0.07, "PEN", 3.8, "es",
           (("Lima", "Lima"), ("Arequipa", "Arequipa"), ("La Libertad", "Trujillo"), ("Cusco", "Cusco")),
           {"credit_card": 0.33, "debit_card": 0.15, "wallet": 0.22, "cash_on_delivery": 0.20, "bank_transfer": 0.10},
           {"web": 0.36, "app": 0.18, "whatsapp": 0.26, "instagram": 0.12, "marketplace": 0.06, "store": 0.02},
           0.25, 1.7, 1.2, shipping_local=15.0, churn_detractor_share=0.6),
    Market("uy", 0.015, "UYU", 40.0, "es", (("Montevideo", "Montevideo"), ("Canelones", "Las Piedras")),
           {"credit_card": 0.55, "debit_card": 0.25, "wallet": 0.10, "bank_transfer": 0.10},
           {"web": 0.55, "app": 0.25, "whatsapp": 0.10, "instagram": 0.08, "store": 0.02},
           0.40, 1.0, 0.9, shipping_local=250.0),
    Market("ec", 0.015, "USD", 1.0, "es", (("Pichincha", "Quito"), ("Guayas", "Guayaquil")),
           {"credit_card": 0.40, "debit_card": 0.20, "cash_on_delivery": 0.25, "bank_transfer": 0.15},
           {"web": 0.45, "app": 0.15, "whatsapp": 0.25, "instagram": 0.13, "store": 0.02},
           0.30, 1.6, 1.1, shipping_local=5.0),
    Market("cr", 0.01, "CRC", 520.0, "es", (("San José", "San José"), ("Alajuela", "Alajuela")),
           {"credit_card": 0.55, "debit_card": 0.30, "bank_transfer": 0.15},
           {"web": 0.55, "app": 0.20, "whatsapp": 0.15, "instagram": 0.10},
           0.30, 1.3, 1.0, shipping_local=3000.0),
    Market("pa", 0.01, "USD", 1.0, "es", (("Panamá", "Ciudad de Panamá"),),
           {"credit_card": 0.60, "debit_card": 0.25, "bank_transfer": 0.15},
           {"web": 0.55, "app": 0.20, "whatsapp": 0.15, "instagram": 0.10},
           0.20, 1.3, 1.0, shipping_local=6.0),
    Market("us", 0.01, "USD", 1.0, "en", (("Florida", "Miami"), ("Texas", "Houston"), ("California", "Los Angeles")),
           {"credit_card": 0.70, "debit_card": 0.20, "wallet": 0.10},
           {"web": 0.60, "app": 0.30, "instagram": 0.08, "marketplace": 0.02},
           0.05, 0.4, 1.0, tax_rate=0.07, shipping_local=7.0),
    Market("es", 0.01, "EUR", 0.92, "es", (("Madrid", "Madrid"), ("Cataluña", "Barcelona")),
           {"credit_card": 0.60, "debit_card": 0.25, "wallet": 0.10, "bank_transfer": 0.05},
           {"web": 0.60, "app": 0.28, "whatsapp": 0.04, "instagram": 0.08},
           0.10, 0.6, 1.0, tax_rate=0.21, shipping_local=4.9),
)

# Browsing of a person who dropped out stops this many days after the dropout (issue 20).
CHURN_FADE_DAYS = 60

# The engagement signals (engagement_warehouse.churn.model.SIGNALS) whose fall the design above
# makes tell a dropout from a person who stays, per market: in Brazil and Mexico visits go on after
# the dropout and only the signature signals stop; elsewhere visits fade. The survey (latest_nps,
# is_detractor) sours in every market. Read by the churn model's test "the top drivers per market
# match the generator's design".
CHURN_DRIVERS_BY_MARKET: dict[str, list[str]] = {
    "br": ["social_shares", "whatsapp_messages"],
    "mx": ["referrals_sent"],
    **{code: ["sessions", "product_views"] for code in ("co", "pe", "ar", "cl", "uy", "ec", "cr", "pa", "us", "es")},
}

# Jewellery calendar: relative order intensity on given (month, first day, last day) windows.
SEASONAL_PEAKS = (
    ((5, 1, 12), 2.2),  # Mother's Day (2nd Sunday of May in BR, 10 May in MX and others)
    ((2, 7, 14), 1.6),  # Valentine's Day / Dia dos Namorados is in June in BR (below)
    ((6, 5, 12), 1.5),  # Dia dos Namorados (BR, 12 June)
    ((11, 20, 30), 2.6),  # Black Friday / Cyber Monday
    ((12, 1, 24), 2.0),  # Christmas
)
