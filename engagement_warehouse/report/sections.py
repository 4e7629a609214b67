"""The report's sections: for each chart a stable id, a heading, a one-sentence reading guide and
the definition of what it plots (kept consistent with the doc blocks of models/docs.md, which
the marts' columns cite). `code` in backticks names a mart or column."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from . import figures
from .data import REGIONAL_WINDOW_MONTHS, ReportData


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    guide: str
    definition: str
    figure: go.Figure


COHORT = ("A customer's cohort is the calendar month (UTC) of their first confirmed order (status paid, "
          "shipped or delivered); month n counts whole calendar months since then. Customers are persons: "
          "customer ids sharing a hashed e-mail or phone count once.")
NET_REVENUE = ("Net revenue is subtotal minus discount of confirmed orders (shipping and tax excluded), in USD "
               "at the FX rate of the order's month.")


def build_sections(data: ReportData) -> list[Section]:
    names = data.country_names
    colors = figures.country_colors([*names, *data.nps["country_code"], *data.clv_cac["country_code"]])
    first_month, last_month = (figures.month_label(m) for m in data.regional_months)
    return [
        Section(
            id="cohort-retention",
            heading="Cohort retention",
            guide=("Read a row to follow one cohort month by month, a column to compare cohorts at the same "
                   "age: the darker the cell, the larger the share of the cohort that bought again."),
            definition=(f"{COHORT} Retention in month n = customers of the cohort with at least one confirmed "
                        "order in month n ÷ cohort size (classic retention, `retention_rate` of "
                        "`cohort_retention`, segment all, monthly cohorts); month 0 is 100% by definition. "
                        "Only complete months are shown: the month holding the as-of date, if unfinished, "
                        "is left out (`is_partial_period`)."),
            figure=figures.cohort_retention_heatmap(data.cohorts),
        ),
        Section(
            id="retention-curves",
            heading="Retention curves by segment, observed and projected",
            guide=("Choose a segmentation with the buttons and compare each solid line (what happened) with "
                   "its dashed line (what the model expects next); the grey pair is all customers."),
            definition=("Customers still buying at month n: the share of a cohort with a confirmed order in "
                        "month n or any later month up to the as-of date (unbounded retention, "
                        "`unbounded_retention_rate` of `retention_curves`, weighted by cohort size over the "
                        "cohorts that completed month n). Later purchases count only up to the as-of date, so "
                        "the share reads low where the cohorts behind a point reached month n shortly before "
                        "it: at the end of each curve most of all. Projected: the survival "
                        "curve of a shifted-beta-geometric (sBG) model fitted to the segment's cohorts "
                        "(`projected_survival` of `retention_projection`), the share that will buy again at "
                        "some point from month n on; each cohort's last 3 months are left out of the fit as "
                        "not yet settled. Segments too small to fit have no projection; each segment is "
                        "fitted on its own. Read projections beyond the observed months as indicative."),
            figure=figures.retention_curves_figure(data.curves, data.projection, names),
        ),
        Section(
            id="cumulative-value",
            heading="Cumulative value per customer by cohort",
            guide=("The steeper a line climbs, the more the cohort's customers spent after their first order; "
                   "compare a cohort with the black average at the same month."),
            definition=("Cumulative net revenue of the cohort from month 0 to month n, divided by the cohort "
                        "size, in USD (`cumulative_net_revenue_usd_per_customer` of `cohort_retention`, "
                        "segment all, complete months only; the black line is the same column of "
                        "`retention_curves`: all cohorts that completed month n, weighted by size; its last "
                        "months rest on the few oldest cohorts, hover shows how many). "
                        f"{NET_REVENUE} {COHORT}"),
            figure=figures.cumulative_value_figure(data.cohorts, data.curves),
        ),
        Section(
            id="clv-distribution",
            heading="Customer lifetime value distribution",
            guide=("Each bar counts the customers whose predicted value falls in its range: a long tail to "
                   "the right means a few customers carry much of the expected revenue."),
            definition=("Predicted 12-month CLV (`predicted_clv_12m_usd` of `customer_lifetime_value`, one "
                        "value per person with a confirmed order): the net revenue expected in the 12 months "
                        "after the as-of date, BG/NBD expected purchases times the Gamma-Gamma expected value "
                        "per purchase, discounted at the project's yearly rate (10% by default). Net revenue, "
                        "not margin. No bar when the model is not fitted (fewer than 100 repeat customers)."),
            figure=figures.clv_histogram(data.clv),
        ),
        Section(
            id="clv-to-cac",
            heading="CLV:CAC by acquisition channel",
            guide=("Bars above the dashed line at 1 are channels and countries whose new customers are "
                   "expected to bring in more net revenue than they cost; hover to see on how many customers "
                   "a bar rests, as a handful makes it noisy."),
            definition=("CLV:CAC (`clv_to_cac_ratio` of `clv_cac_by_channel`), per country and acquisition "
                        "channel: (net revenue so far + predicted 12-month CLV of the persons whose first "
                        "confirmed order falls in the 365 days up to the as-of date) ÷ marketing spend (USD) "
                        "of the same days. CAC = spend ÷ new customers. Net revenue, not margin. Not shown "
                        "(no ratio): channels without spend (such as organic search, direct, referral and "
                        "store) and paid channels that brought no new customer. Logarithmic axis: 10 is as "
                        "far above 1 as 0.1 is below."),
            figure=figures.clv_to_cac_figure(data.clv_cac, names, colors),
        ),
        Section(
            id="regional-engagement",
            heading="Regional engagement by country",
            guide="Choose a measure with the buttons; countries are sorted from highest to lowest.",
            definition=(f"Sums over the {REGIONAL_WINDOW_MONTHS} calendar months {first_month} to {last_month} "
                        "(the last one up to the as-of date) of `regional_engagement`, state rows: net revenue "
                        "(USD) and number of confirmed orders, new customers (persons with their first "
                        "confirmed order), sessions; conversion rate = sessions with a purchase ÷ sessions; "
                        "WhatsApp share = sessions with a WhatsApp message ÷ sessions (rates from the summed "
                        "counts, as the mart asks). Orders and customers count in the customer's registered "
                        f"country, sessions of never-identified visitors in the country of their events. "
                        f"{NET_REVENUE}"),
            figure=figures.regional_figure(data.regional, names, data.regional_months),
        ),
        Section(
            id="nps-trend",
            heading="NPS trend by country",
            guide=("Follow a country's line month by month against the black all-countries line; hover shows "
                   "how many answers a point rests on, and months with few answers swing widely."),
            definition=("NPS = 100 × (promoters − detractors) ÷ NPS answers, from −100 to 100; promoters "
                        "answer 9–10, passives 7–8, detractors 0–6 (`nps` of `feedback_summary`, per country "
                        "of the responding customer and month of the answer; a month without an NPS answer "
                        "has no point). The black line applies the same formula to the counts of all "
                        "countries summed."),
            figure=figures.nps_figure(data.nps, names, colors),
        ),
    ]
