"""The report's sections: for each chart a stable id, a heading, a one-sentence reading guide and
the definition of what it plots (kept consistent with the doc blocks of models/docs.md, which
the marts' columns cite), and its chart. `code` in backticks names a mart or column.

Which sections there are depends on the data in two places only, the regional view
(`regional_sections`) and the churn model (`churn_sections`: only when `churn_model_evaluation`
measured the model and the baseline on a segment, which a small warehouse does not reach); every
other section is always there, with "No data: <why>" in place of its
chart when the marts have nothing for it."""

from __future__ import annotations

from dataclasses import dataclass

from . import figures
from .data import REGIONAL_WINDOW_MONTHS, ReportData


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    guide: str
    definition: str
    chart: figures.Chart


COHORT = ("A customer's cohort is the calendar month (UTC) of their first confirmed order (status paid, "
          "shipped or delivered); month n counts whole calendar months since then. Customers are persons: "
          "customer ids sharing a hashed e-mail or phone count once.")
NET_REVENUE = ("Net revenue is subtotal minus discount of confirmed orders (shipping and tax excluded), in USD "
               "at the FX rate of the order's month.")


def build_sections(data: ReportData) -> list[Section]:
    names = data.country_names
    colors = figures.country_colors([*names, *data.feedback["country_code"], *data.clv_cac["country_code"],
                                     *data.regional_countries["country_code"]])
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
            chart=figures.cohort_retention_heatmap(data.cohorts),
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
            chart=figures.retention_curves_figure(data.curves, data.projection, names),
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
            chart=figures.cumulative_value_figure(data.cohorts, data.curves),
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
            chart=figures.clv_histogram(data.clv),
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
            chart=figures.clv_to_cac_figure(data.clv_cac, names, colors),
        ),
        *churn_sections(data),
        Section(
            id="signal-validation",
            heading="Engagement signals: which earn their weight in each market",
            guide=("Read a market's rows from the top: a signal earns its weight when persons with it in a quarter "
                   "ordered in the next quarter more often than persons without it, beyond chance; compare the "
                   "seed's weight with the suggested one to see which signals the score over- or under-weights."),
            definition=("Per market and signal of the engagement score (`engagement_weight_suggestions`): base "
                        "population of a quarter = persons with a confirmed order in the 365 days before it; "
                        "retention lift = next-quarter retention of persons with the signal in the quarter minus "
                        "without it, every validated quarter pooled (person-quarters), with a 95% interval that "
                        "counts each person once (a person's quarters are not independent); "
                        "AUC = chance that a retained person has a higher count than a lost one (ties half; 0.5 = "
                        "no information). Earns its weight: the interval excludes 0 on the side of the seed's "
                        "weight. Suggested weight: an L2-regularised logistic regression of next-quarter "
                        "retention on the twelve counts per market (pooled for markets with fewer than 200 "
                        "person-quarters), per count, rescaled so that the suggested score has the configured "
                        "score's mean in the market. Correlated signals share their weight. The per-quarter and "
                        "urban / rural rows, with the flags, are in `engagement_signal_validation`. Associations, "
                        "not effects."),
            chart=figures.signal_weights_figure(data.signals, names),
        ),
        *regional_sections(data, colors),
        *feedback_sections(data, colors),
        Section(
            id="sentiment-evaluation",
            heading="Comment sentiment: classifier and lexicon by language",
            guide=("Compare the two bars of a language: the higher the AUC, the better the method tells 1-2 star "
                   "comments from 4-5 star ones; the hover has the counts, precision, recall and whether the "
                   "method labels the language's comments."),
            definition=("Per comment language (`sentiment_model_evaluation`): the rated comments (product reviews "
                        "and CSAT answers, 1-2 stars negative, 4-5 positive, 3 left out), and for each method "
                        "the AUC of its `sentiment_score` on the training comments, and the precision and "
                        "recall of its negative label. The classifier's are cross-validated (5 folds: each "
                        "comment scored by a model that did not see it); the lexicon's are measured on the same "
                        "comments (at most `sentiment_max_training_comments` per language, chosen by a hash "
                        "of the feedback id). "
                        "A language with fewer rated comments than `sentiment_min_rated_comments` (200) is "
                        "scored by the lexicon (status lexicon_fallback) and has no classifier metrics; one "
                        "where the lexicon's AUC is above the classifier's is scored by the lexicon too "
                        "(status lexicon_better)."),
            chart=figures.sentiment_figure(data.sentiment),
        ),
        Section(
            id="experiments",
            heading="Experiments tied to retention",
            guide=("A point right of the dashed line is a variant that raised the metric; read its whiskers, not "
                   "the point: an interval crossing 0 is no evidence either way, and an experiment marked SRM "
                   "is not to be trusted at all."),
            definition=("Per experiment and treatment variant (`experiment_results`): the absolute lift against "
                        "the control (treatment mean minus control mean) of retention at 30, 60 and 90 days after "
                        "assignment (a confirmed order in (assigned, assigned + N days], only units whose window "
                        "is complete by the data end) and of the experiment's primary metric, with its 95% "
                        "interval (Welch's normal interval); diamonds are the CUPED-adjusted lift, which removes "
                        "the part of the noise the same metric's pre-assignment value explains. SRM: the units "
                        "each variant received differ from the planned shares (chi-square p-value below "
                        "`experiment_srm_p_value_threshold`, 0.001)."),
            chart=figures.experiments_figure(data.experiments),
        ),
        Section(
            id="dynamic-cohorts",
            heading="Dynamic cohorts: who is in them and what followed entry",
            guide=("Compare the retention columns across cohorts: the lower a cohort's retention after entry, "
                   "the more its trigger predicts loss; its members now are the persons to contact."),
            definition=("Cohorts defined by rules over rolling windows of each person's daily signals (seed "
                        "`cohort_definitions`, doc block cohort_rules), evaluated on every local day: a spell "
                        "(`cohort_membership_spells`) runs from the day the rule starts to hold to the day it "
                        "stops; members now have an open spell on the as-of date. After entry "
                        "(`cohort_entry_outcomes`, summed over entry months): confirmed orders and net revenue "
                        "after the entry day up to the as-of date; retention at N days = entries with a "
                        "confirmed order in the N days after entry ÷ entries whose N days ended by the as-of "
                        "date; the churn score is the churn model's at the as-of date (not at entry), mean "
                        "over the entries of persons it scores."),
            chart=figures.dynamic_cohorts_figure(data.dynamic_cohorts),
        ),
        run_history_section(data),
    ]


def churn_sections(data: ReportData) -> list[Section]:
    """The churn model beside the BG/NBD baseline, when both were measured on some segment."""
    if not figures.churn_segments(data.churn):
        return []
    names = data.country_names
    definition = ("Churn: no confirmed order in the 90 days (var churn_horizon_days) after a snapshot. The model "
                  "(`churn_model` in `churn_model_evaluation`) is trained on the persons active 180 days before the "
                  "as-of date and their churn in the next 90 days, and measured on those active 90 days before it "
                  "and their churn up to the as-of date, never the reverse; the baseline (`bgnbd_baseline`) is 1 - "
                  "the BG/NBD probability alive of the same persons, fitted on the orders up to that snapshot. "
                  "A person is active with a confirmed order in the 365 days before the snapshot. Countries with "
                  "too few active persons or churners are not measured.")
    return [
        Section(
            id="churn-curves",
            heading="Churn model against the BG/NBD baseline",
            guide=("Left: the higher a curve, the more churners the scorer finds among the persons it ranks "
                   "first; right: the closer to the dashed line, the more a predicted probability reads as a rate."),
            definition=(f"{definition} Left: cumulative share of churners (`cumulative_capture_rate`) in the "
                        "deciles down to the x value; right: per decile, mean predicted (`decile_mean_predicted`) "
                        "against observed churn rate (`decile_observed_churn_rate`)."),
            chart=figures.churn_curves_figure(data.churn, names),
        ),
        Section(
            id="churn-metrics",
            heading="Churn model metrics",
            guide=("Compare each segment's churn model row with its baseline row: higher AUC, PR-AUC and lift, "
                   "lower Brier."),
            definition=(f"{definition} AUC: chance that a churner is scored above a non-churner; PR-AUC: average "
                        "precision; Brier: mean squared error of the probability; top-decile lift and capture: "
                        "churn rate of the 10% scored highest over the overall rate, and their share of churners."),
            chart=figures.churn_metrics_figure(data.churn, names),
        ),
    ]


def run_history_section(data: ReportData) -> Section:
    """The run history and today's alerts: the alerts are written out in the guide, so the page
    says them whatever the chart shows."""
    history = data.run_history
    if history is None or history.runs.empty:
        alerts = "No run history: no alerts to show."
    elif history.alerts.empty:
        alerts = f"The latest run ({history.runs['run_id'].iloc[0]}) raised no alert."
    else:
        alerts = (f"The latest run ({history.runs['run_id'].iloc[0]}) raised {len(history.alerts)} alert(s): "
                  + "; ".join(f"[{kind}] {message}" for kind, message in
                              history.alerts[["anomaly_kind", "alert_message"]].itertuples(index=False)) + ".")
    return Section(
        id="run-history",
        heading="Run history and today's alerts",
        guide=(f"{alerts} Follow a table's line from run to run: a step down or up that the business "
               "does not explain is an export that went wrong; a red cross marks a volume alert."),
        definition=("Every dbt run on DuckDB appends its run, node timings, test results, the rows of each raw "
                    "table and mart, and source freshness to the schema `history`; `audit_anomalies` compares "
                    "the latest run with the earlier runs of the same target: a volume or freshness measure "
                    "alerts when it moved beyond a robust z-score, 0.6745 × (value − median) ÷ MAD, and by more "
                    "than a share of the median (volume) or a number of hours (freshness); a data test alerts "
                    "while it fails, with its streak; a mart alerts when the quality checkpoint after the run "
                    "failed an expectation (rules in the doc block anomaly_rules, thresholds in the vars "
                    "history_* of dbt_project.yml). `engagement-warehouse alerts` prints the same alerts. "
                    "Names, counts and timings only: the history holds no personal data."),
        chart=figures.run_history_figure(history),
    )


REGIONAL_SUMS = ("net revenue (USD) and number of confirmed orders, new customers (persons with their first "
                 "confirmed order), sessions; conversion rate = sessions with a purchase ÷ sessions; WhatsApp "
                 "share = sessions with a WhatsApp message ÷ sessions (rates from the summed counts, as the mart "
                 "asks). Orders and customers count in the customer's registered country and state, sessions "
                 "of never-identified visitors in the country of their events, state unknown.")
# How the regional section decides between countries and states, said in its text.
REGIONAL_RULE = ("With one country in the data the section shows its states; with several it shows the "
                 "countries, and a second chart breaks them down into their states.")


def regional_sections(data: ReportData, colors: dict[str, str]) -> list[Section]:
    """The country view, and the states view beside it; or, with one country (the countries with
    a known code among the state rows of the window), that country's states only."""
    names = data.country_names
    first_month, last_month = (figures.month_label(m) for m in data.regional_months)
    window = (f"Sums over the {REGIONAL_WINDOW_MONTHS} calendar months {first_month} to {last_month} (the last "
              "one up to the as-of date) of `regional_engagement`, state rows")
    countries = figures.known_countries(data.regional_countries)
    if len(countries) == 1:
        country = figures.country_label(countries[0], names)
        return [Section(
            id="regional-engagement",
            heading=f"Regional engagement by state: {country}",
            guide=f"Choose a measure with the buttons; the states of {country} are sorted from highest to lowest.",
            definition=f"{REGIONAL_RULE} {window} of {country}: {REGIONAL_SUMS} {NET_REVENUE}",
            chart=figures.regional_figure(data.regional_states, names, data.regional_months, colors, by_state=True),
        )]
    sections = [Section(
        id="regional-engagement",
        heading="Regional engagement by country",
        guide="Choose a measure with the buttons; countries are sorted from highest to lowest.",
        definition=f"{REGIONAL_RULE} {window}, summed per country: {REGIONAL_SUMS} {NET_REVENUE}",
        chart=figures.regional_figure(data.regional_countries, names, data.regional_months, colors),
    )]
    if countries:
        sections.append(Section(
            id="regional-states",
            heading="Regional engagement by state, grouped by country",
            guide=("Choose a measure with the buttons; each country's states stand side by side, the "
                   "countries with the largest totals first, and a click on the legend hides a country."),
            definition=(f"The states behind the country chart above: {window[0].lower()}{window[1:]}, per "
                        f"country and state: {REGIONAL_SUMS}"),
            chart=figures.regional_figure(data.regional_states, names, data.regional_months, colors,
                                          by_state=True),
        ))
    return sections


FEEDBACK_GUIDE = ("Follow a country's line month by month{against}; hover shows how many answers a point rests "
                  "on, and months with few answers swing widely.")
FEEDBACK_POINTS = ("per country of the responding customer and month of the answer; a month without an answer "
                   "has no point). With several countries the black line is all countries: the countries' "
                   "values weighted by their answers, the same as the measure over all answers of the month.")


def feedback_sections(data: ReportData, colors: dict[str, str]) -> list[Section]:
    """One trend per survey type of `fct_feedback` (nps, csat, product_review)."""
    names = data.country_names
    several = len(figures.known_countries(data.feedback)) > 1
    guide = FEEDBACK_GUIDE.format(against=" against the black all-countries line" if several else "")

    def chart(measure: figures.FeedbackMeasure) -> figures.Chart:
        return figures.feedback_figure(measure, data.feedback, data.feedback_all_countries, names, colors)

    return [
        Section(
            id="nps-trend",
            heading="NPS trend by country",
            guide=guide,
            definition=("NPS = 100 × (promoters − detractors) ÷ NPS answers, from −100 to 100; promoters "
                        "answer 9–10, passives 7–8, detractors 0–6 (`nps` of `feedback_summary`, "
                        f"{FEEDBACK_POINTS}"),
            chart=chart(figures.NPS),
        ),
        Section(
            id="csat-trend",
            heading="CSAT trend by country",
            guide=guide,
            definition=("CSAT as a rate: satisfied answers (4 or 5 on the 1–5 post-purchase survey) ÷ CSAT "
                        "answers (`csat_satisfied_rate` of `feedback_summary`; the mean CSAT score, "
                        "`average_csat_score`, a different number, is in the hover; "
                        f"{FEEDBACK_POINTS}"),
            chart=chart(figures.CSAT),
        ),
        Section(
            id="review-trend",
            heading="Product review rating by country",
            guide=guide,
            definition=("Mean rating of the product reviews, from 1 to 5 (`average_review_rating` of "
                        f"`feedback_summary`, {FEEDBACK_POINTS}"),
            chart=chart(figures.REVIEWS),
        ),
    ]
