"""The report's charts (plotly), one function per chart, from the frames of `data.load`.

Every value a chart draws is a value of its frame, passed as a plain Python list (plotly keeps
lists as JSON numbers, where numpy arrays would become base64 typed arrays), so what the page
embeds can be compared with the marts number for number. Rates stay fractions and show as
percentages through the axis and hover formats.

Each function returns a `Chart`: the figure, and the reasons a chart or a part of it (a measure of
the regional chart) has no data. Without any data there is no figure, and the page shows
"No data: <reason>" in its place instead of an empty frame.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from .data import RETENTION_SEGMENT_TYPES, RunHistory

TEMPLATE = "plotly_white"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
PALETTE = qualitative.Plotly + qualitative.Dark2
ALL_CUSTOMERS_COLOR = "#444444"

SEGMENT_TYPE_LABELS = {
    "loyalty_member": "Loyalty membership",
    "sub_region": "Sub-region",
    "country": "Country",
    "acquisition_channel": "Acquisition channel",
    "first_order_channel": "First order channel",
}
SEGMENT_VALUE_LABELS = {"member": "Loyalty members", "non_member": "Non-members"}
# A view of the retention curves with more segments than this starts with the segments that have
# no projection (too few customers to fit) hidden; the legend shows them on a click.
SEGMENTS_SHOWN_UNPROJECTED = 4
# Projections exist for these fit statuses only (retention_projection's fit_status).
PROJECTED_FIT_STATUSES = ("fitted", "fitted_at_bound")


@dataclass(frozen=True)
class Chart:
    """A chart of the page: its figure (None when nothing can be drawn) and why it, or a part of
    it, has no data (each reason reads after "No data: ")."""
    figure: go.Figure | None
    no_data: tuple[str, ...] = ()


def no_data(reason: str) -> Chart:
    return Chart(None, (reason,))


@dataclass(frozen=True)
class RegionalMetric:
    key: str
    label: str
    axis_title: str
    # the column drawn (a sum, or a rate of summed counts: data.REGIONAL_SQL), and for a rate the
    # counts shown on hover
    column: str
    counts: tuple[str, str] | None
    # the count without which the measure has no data, and what that means
    requires: str
    hover_format: str
    axis_format: str
    tick_prefix: str = ""


REGIONAL_METRICS = (
    RegionalMetric("net_revenue_usd", "Net revenue", "Net revenue (USD)", "net_revenue_usd", None, "orders",
                   ",.2f", ",.0f", "$"),
    RegionalMetric("orders", "Confirmed orders", "Confirmed orders (count)", "orders", None, "orders",
                   ",.0f", ",.0f"),
    RegionalMetric("new_customers", "New customers", "New customers (persons)", "new_customers", None,
                   "new_customers", ",.0f", ",.0f"),
    RegionalMetric("sessions", "Sessions", "Sessions (count)", "sessions", None, "sessions", ",.0f", ",.0f"),
    RegionalMetric("conversion_rate", "Conversion rate", "Sessions with a purchase (%)", "conversion_rate",
                   ("purchase_sessions", "sessions"), "sessions", ".2%", ".1%"),
    RegionalMetric("whatsapp_session_share", "WhatsApp share", "Sessions with a WhatsApp message (%)",
                   "whatsapp_session_share", ("whatsapp_sessions", "sessions"), "sessions", ".2%", ".1%"),
)
# What it means that a count a measure requires is zero over the whole window.
REGIONAL_MISSING = {
    "orders": "no confirmed order",
    "new_customers": "no new customer (first confirmed order)",
    "sessions": "no session (web or app events)",
}


# --- helpers ---------------------------------------------------------------------------------

def floats(values: Iterable[Any]) -> list[float | None]:
    return [None if value is None or pd.isna(value) else float(value) for value in values]


def ints(values: Iterable[Any]) -> list[int | None]:
    return [None if value is None or pd.isna(value) else int(value) for value in values]


def month_label(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m")


def iso_date(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def country_label(code: str, names: dict[str, str]) -> str:
    if code in names:
        return names[code]
    return "Unknown" if code in ("unknown", "") else code.upper()


def segment_label(segment_type: str, value: str, names: dict[str, str]) -> str:
    if segment_type == "country":
        return country_label(value, names)
    return SEGMENT_VALUE_LABELS.get(value, value.replace("_", " ").capitalize())


def country_colors(codes: Iterable[str]) -> dict[str, str]:
    """One colour per country, the same in every chart."""
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(sorted(set(codes)))}


def styled(fig: go.Figure, title: str, subtitle: str, x_title: str, y_title: str, height: int,
           top_margin: int = 90) -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "subtitle": {"text": subtitle}, "x": 0.01, "xanchor": "left",
               "yref": "container", "y": 0.99, "yanchor": "top", "pad": {"t": 8}},
        height=height,
        margin={"l": 80, "r": 30, "t": top_margin, "b": 70},
        font={"family": FONT, "size": 13},
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def legend_on_right() -> dict[str, Any]:
    return {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}


# --- a. cohort retention heat map -------------------------------------------------------------

NO_COHORTS = "no complete cohort month in `cohort_retention` (no confirmed order in a finished month)"

# Share of the cells after month 0 below the top of the colour scale.
COLOUR_CAP_QUANTILE = 0.95


def colour_cap(later_rates: pd.Series) -> float:
    """Top of the heat map's colour scale. Month 0 is 100% by definition, and a few small cohorts
    reach high rates by chance: a scale up to either would leave nearly every cell pale. The scale
    stops at the 95th percentile of the later months, rounded up to 5%; cells above it show the top
    colour and their own value on hover."""
    rates = later_rates.dropna()
    if rates.empty or rates.max() <= 0:
        return 1.0
    return min(1.0, math.ceil(float(rates.quantile(COLOUR_CAP_QUANTILE)) * 20) / 20)


def cohort_retention_heatmap(cohorts: pd.DataFrame) -> Chart:
    if cohorts.empty:
        return no_data(NO_COHORTS)
    fig = go.Figure()
    title = "Monthly cohort retention: share of each cohort buying again in month n"
    periods = list(range(int(cohorts["period_number"].max()) + 1))
    months = sorted(cohorts["cohort_start"].unique())
    cells = cohorts.set_index(["cohort_start", "period_number"])
    z: list[list[float | None]] = []
    custom: list[list[list[int | None]]] = []
    for month in months:
        row = cells.loc[month]
        rates = row["retention_rate"].reindex(periods)
        active = row["active_customers"].reindex(periods)
        sizes = row["cohort_size"].reindex(periods)
        z.append(floats(rates))
        custom.append([[a, s] for a, s in zip(ints(active), ints(sizes))])
    zmax = colour_cap(cohorts.loc[cohorts["period_number"] > 0, "retention_rate"])
    fig.add_trace(go.Heatmap(
        z=z,
        x=periods,
        y=[month_label(m) for m in months],
        customdata=custom,
        zmin=0,
        zmax=zmax,
        colorscale="Blues",
        hoverongaps=False,
        colorbar={"title": {"text": "Retention (%)"}, "tickformat": ".0%", "len": 0.9},
        hovertemplate=("Cohort %{y}, month %{x}<br>Retention %{z:.1%}<br>"
                       "%{customdata[0]:,} of %{customdata[1]:,} customers bought<extra></extra>"),
    ))
    subtitle = (f"{len(months)} monthly cohorts, complete months only; colours stop at {zmax:.0%}: darker cells "
                "are at or above it (month 0 is 100% by definition), hover for the value")
    styled(fig, title, subtitle, "Months since first order", "Cohort (month of first order)",
           height=max(450, 190 + 17 * len(months)), top_margin=140)
    fig.update_yaxes(autorange="reversed", type="category", tickfont={"size": 11})
    fig.update_xaxes(dtick=3, range=[-0.5, periods[-1] + 0.5], side="top")
    return Chart(fig)


# --- b. retention curves, observed and projected ----------------------------------------------

def retention_curves_figure(curves: pd.DataFrame, projection: pd.DataFrame, names: dict[str, str]) -> Chart:
    if curves.empty:
        return no_data("no retention curve in `retention_curves` (no cohort with a complete month)")
    fig = go.Figure()
    title = "Customers still buying, by segment: observed and projected"
    subtitle = ("Solid: observed, dashed: projected (sBG), grey: all customers. Busy views hide small segments "
                "without a projection at first: click the legend")
    # per trace: its segment type ("all" stays visible in every view) and how it shows in its view
    groups: list[tuple[str, bool | str]] = []

    def add_segment(segment_type: str, value: str, color: str, width: float, crowded: bool, shown: bool) -> None:
        label = "All customers" if segment_type == "all" else segment_label(segment_type, value, names)
        observed = curves[(curves["segment_type"] == segment_type) & (curves["segment_value"] == value)]
        projected = projection[(projection["segment_type"] == segment_type)
                               & (projection["segment_value"] == value)
                               & projection["fit_status"].isin(PROJECTED_FIT_STATUSES)
                               & projection["projected_survival"].notna()]
        legend_group = f"{segment_type}:{value}"
        # in a crowded view, segments too small to project start hidden (their curves are mostly noise)
        visibility: bool | str = "legendonly" if crowded and projected.empty else True
        visible = visibility if shown else False
        fig.add_trace(go.Scatter(
            x=ints(observed["period_number"]),
            y=floats(observed["unbounded_retention_rate"]),
            customdata=[list(row) for row in zip(ints(observed["unbounded_active_customers"]),
                                                 ints(observed["customers"]), ints(observed["cohorts"]))],
            mode="lines",
            name=label if not projected.empty else f"{label} (no projection)",
            legendgroup=legend_group,
            line={"color": color, "width": width},
            visible=visible,
            meta={"segment_type": segment_type, "segment_value": value, "series": "observed"},
            hovertemplate=(f"{label}, observed<br>Month %{{x}}: %{{y:.1%}}<br>"
                           "%{customdata[0]:,} of %{customdata[1]:,} customers "
                           "(%{customdata[2]} cohorts)<extra></extra>"),
        ))
        groups.append((segment_type, visibility))
        if projected.empty:
            return
        fit = projected.iloc[0]
        fig.add_trace(go.Scatter(
            x=ints(projected["period_number"]),
            y=floats(projected["projected_survival"]),
            mode="lines",
            name=f"{label}, projected",
            legendgroup=legend_group,
            line={"color": color, "width": width, "dash": "dash"},
            visible=visible,
            meta={"segment_type": segment_type, "segment_value": value, "series": "projected"},
            hovertemplate=(f"{label}, projected (sBG)<br>Month %{{x}}: %{{y:.1%}}<br>"
                           f"fitted on {int(fit['fit_customers']):,} customers in {int(fit['fit_cohorts'])} "
                           f"cohorts, {int(fit['fit_periods'])} settled months<extra></extra>"),
        ))
        groups.append((segment_type, visibility))

    add_segment("all", "all", ALL_CUSTOMERS_COLOR, 3.5, crowded=False, shown=True)
    offered = [t for t in RETENTION_SEGMENT_TYPES if (curves["segment_type"] == t).any()]
    for index, segment_type in enumerate(offered):
        # largest segments first: they take the first colours and the top of the legend
        sizes = (curves[(curves["segment_type"] == segment_type) & (curves["period_number"] == 0)]
                 .set_index("segment_value")["customers"])
        values = sorted(curves.loc[curves["segment_type"] == segment_type, "segment_value"].unique(),
                        key=lambda v: (-int(sizes.get(v, 0)), v))
        for position, value in enumerate(values):
            add_segment(segment_type, value, PALETTE[position % len(PALETTE)], 2,
                        crowded=len(values) > SEGMENTS_SHOWN_UNPROJECTED, shown=index == 0)

    buttons = [
        {"label": SEGMENT_TYPE_LABELS.get(t, t), "method": "update",
         "args": [{"visible": [visibility if group in ("all", t) else False for group, visibility in groups]}]}
        for t in offered
    ]
    styled(fig, title, subtitle, "Months since first order", "Customers buying in month n or later (%)",
           height=640, top_margin=150)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    fig.update_xaxes(dtick=3, rangemode="tozero")
    fig.update_layout(
        legend=legend_on_right(),
        updatemenus=[{"type": "buttons", "direction": "right", "buttons": buttons, "active": 0,
                      "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom", "showactive": True,
                      "pad": {"b": 4}}] if buttons else [],
    )
    return Chart(fig)


# --- c. cumulative value per customer ---------------------------------------------------------

def cumulative_value_figure(cohorts: pd.DataFrame, curves: pd.DataFrame) -> Chart:
    if cohorts.empty:
        return no_data(NO_COHORTS)
    fig = go.Figure()
    title = "Cumulative net revenue per customer, by monthly cohort"
    subtitle = "Thin lines: one per cohort, coloured by year of first order; black: all cohorts, weighted by size"
    years = sorted({pd.Timestamp(m).year for m in cohorts["cohort_start"].unique()})
    year_colors = {year: PALETTE[i % len(PALETTE)] for i, year in enumerate(years)}
    shown_years: set[int] = set()
    for month, cohort in cohorts.groupby("cohort_start", sort=True):
        year = pd.Timestamp(month).year
        label = month_label(month)
        fig.add_trace(go.Scatter(
            x=ints(cohort["period_number"]),
            y=floats(cohort["cumulative_net_revenue_usd_per_customer"]),
            mode="lines",
            name=f"{year} cohorts",
            legendgroup=str(year),
            showlegend=year not in shown_years,
            line={"color": year_colors[year], "width": 1.2},
            opacity=0.75,
            meta={"cohort": label},
            hovertemplate=(f"Cohort {label} ({int(cohort['cohort_size'].iloc[0]):,} customers)<br>"
                           "Month %{x}: USD %{y:,.2f} per customer<extra></extra>"),
        ))
        shown_years.add(year)
    overall = curves[curves["segment_type"] == "all"]
    fig.add_trace(go.Scatter(
        x=ints(overall["period_number"]),
        y=floats(overall["cumulative_net_revenue_usd_per_customer"]),
        mode="lines",
        name="All cohorts (weighted)",
        line={"color": "black", "width": 4},
        meta={"cohort": "all"},
        customdata=[list(row) for row in zip(ints(overall["cohorts"]), ints(overall["customers"]))],
        hovertemplate=("All cohorts<br>Month %{x}: USD %{y:,.2f} per customer<br>"
                       "%{customdata[0]} cohorts, %{customdata[1]:,} customers<extra></extra>"),
    ))
    styled(fig, title, subtitle, "Months since first order", "Cumulative net revenue per customer (USD)",
           height=580)
    fig.update_yaxes(tickformat=",.0f", tickprefix="$", rangemode="tozero")
    fig.update_xaxes(dtick=3, rangemode="tozero")
    fig.update_layout(legend=legend_on_right())
    return Chart(fig)


# --- d. CLV distribution and CLV:CAC ------------------------------------------------------------

# Bars of the CLV histogram: about this many up to the 99th percentile, of a width of 1, 2 or 5 x 10^k USD.
CLV_BINS = 40


def bin_width(values: pd.Series) -> float:
    top = float(values.quantile(0.99)) or float(values.max()) or 1.0
    raw = top / CLV_BINS
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


# The sentiment methods in the order of their bars, with their colours.
SENTIMENT_METHODS = (("classifier", PALETTE[0]), ("lexicon", PALETTE[1]))


def sentiment_figure(sentiment: pd.DataFrame) -> Chart:
    """AUC per comment language, one bar per method, the rest of sentiment_model_evaluation's row
    (rated comments, negatives, precision, recall, status, method in use, training comments) in
    the hover."""
    if sentiment.empty:
        return no_data("no comment in `sentiment_model_evaluation` (the feedback data holds no comment)")
    fig = go.Figure()
    for method, color in SENTIMENT_METHODS:
        rows = sentiment[sentiment["sentiment_method"] == method].sort_values("language")
        custom = [[int(r.rated_comments), int(r.negative_comments), _or_none(r.precision_negative),
                   _or_none(r.recall_negative), r.scoring_status, "yes" if r.is_method_in_use else "no",
                   int(r.training_comments)]
                  for r in rows.itertuples()]
        fig.add_trace(go.Bar(
            x=list(rows["language"]), y=[_or_none(v) for v in rows["auc"]], name=method, marker={"color": color},
            customdata=custom, meta={"sentiment_method": method},
            hovertemplate=(f"{method}, %{{x}}<br>AUC %{{y:.3f}}<br>%{{customdata[0]:,}} rated comments, "
                           "%{customdata[1]:,} negative, %{customdata[6]:,} measured (training)<br>precision (negative) %{customdata[2]:.3f}, "
                           "recall %{customdata[3]:.3f}<br>status %{customdata[4]}, in use: %{customdata[5]}"
                           "<extra></extra>"),
        ))
    in_use = ", ".join(f"{r.language}: {r.sentiment_method}" for r in sentiment[sentiment["is_method_in_use"]].itertuples())
    styled(fig, "Comment sentiment: how well each method separates 1-2 from 4-5 star comments",
           f"Method in use: {in_use}. No bar: no metric (too few rated comments, or one class only).",
           "Comment language", "AUC (classifier: cross-validated)", height=440)
    fig.update_yaxes(range=[0, 1], tickformat=".1f")
    fig.update_layout(barmode="group", legend=legend_on_right())
    return Chart(fig)


def _or_none(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def clv_histogram(clv: pd.DataFrame) -> Chart:
    predicted = clv["predicted_clv_12m_usd"].dropna()
    statuses = ", ".join(sorted(clv["model_status"].dropna().unique()))
    if clv.empty:
        return no_data("no customer in `customer_lifetime_value` (no person with a confirmed order)")
    if predicted.empty:
        return no_data(f"no CLV prediction in `customer_lifetime_value`: the model status is {statuses} "
                       "(it needs at least 100 repeat customers)")
    fig = go.Figure()
    title = "Predicted 12-month customer lifetime value"
    median, mean = float(predicted.median()), float(predicted.mean())
    subtitle = (f"{len(predicted):,} customers with a prediction (model {statuses}); "
                f"median USD {median:,.2f}, mean USD {mean:,.2f}; bars of USD {bin_width(predicted):,g}")
    fig.add_trace(go.Histogram(
        x=floats(predicted),
        xbins={"start": 0, "size": bin_width(predicted)},
        name="Customers",
        marker={"color": PALETTE[0], "line": {"color": "white", "width": 0.5}},
        hovertemplate="Predicted CLV USD %{x}<br>%{y:,} customers<extra></extra>",
    ))
    for value, label, shift in ((median, "median", 0), (mean, "mean", -18)):
        fig.add_vline(x=value, line={"color": "black", "dash": "dot", "width": 1.5},
                      annotation={"text": f"{label} USD {value:,.0f}", "font": {"size": 12}},
                      annotation_position="top right", annotation_yshift=shift)
    # Most customers bought once and are predicted near zero: on a linear axis their bar would
    # flatten every other one.
    styled(fig, title, subtitle, "Predicted 12-month CLV per customer (USD)", "Customers (log scale)", height=480)
    fig.update_xaxes(tickformat=",.0f", tickprefix="$", rangemode="tozero")
    fig.update_yaxes(type="log", tickformat=",d")
    fig.update_layout(showlegend=False, bargap=0.02)
    return Chart(fig)


def clv_to_cac_figure(clv_cac: pd.DataFrame, names: dict[str, str], colors: dict[str, str]) -> Chart:
    rows = clv_cac[clv_cac["clv_to_cac_ratio"].notna()]
    window_end = clv_cac["window_end_date"].dropna()
    days = f"the 365 days up to {iso_date(window_end.iloc[0])}" if not window_end.empty else "the last 365 days"
    if clv_cac.empty:
        return no_data("no row in `clv_cac_by_channel` (no marketing spend and no new customer in the data)")
    if not (clv_cac["spend_usd"].fillna(0) > 0).any():
        return no_data(f"no marketing spend in `clv_cac_by_channel` for {days}, so no CAC and no CLV:CAC")
    if rows.empty:
        return no_data(f"no CLV:CAC ratio in `clv_cac_by_channel` for {days}: no channel with both marketing "
                       "spend and new customers with a CLV prediction")
    fig = go.Figure()
    title = "CLV:CAC by acquisition channel and country"
    subtitle = (f"Customers acquired in {days}. "
                "Dashed line: break-even (1); above it, expected to bring in more net revenue than they cost")
    spend = rows.groupby("acquisition_channel")["spend_usd"].sum().sort_values(ascending=False)
    channels = list(spend.index)
    countries = rows.groupby("country_code")["new_customers"].sum().sort_values(ascending=False).index
    for code in countries:
        country = rows[rows["country_code"] == code]
        fig.add_trace(go.Bar(
            x=[c.replace("_", " ") for c in country["acquisition_channel"]],
            y=floats(country["clv_to_cac_ratio"]),
            name=country_label(code, names),
            marker={"color": colors.get(code, PALETTE[0])},
            meta={"country_code": code, "channels": list(country["acquisition_channel"])},
            customdata=[list(r) for r in zip(floats(country["spend_usd"]), ints(country["new_customers"]),
                                             floats(country["cac_usd"]), floats(country["value_per_customer_usd"]))],
            hovertemplate=(f"{country_label(code, names)}, %{{x}}<br>CLV:CAC %{{y:.2f}}<br>"
                           "Spend USD %{customdata[0]:,.2f}, %{customdata[1]:,} new customers<br>"
                           "CAC USD %{customdata[2]:,.2f}, value per customer USD %{customdata[3]:,.2f}"
                           "<extra></extra>"),
        ))
    fig.add_hline(y=1, line={"color": "black", "dash": "dash", "width": 1.5})
    styled(fig, title, subtitle, "Acquisition channel (by spend, highest first)", "CLV:CAC (ratio, log scale)",
           height=540)
    fig.update_xaxes(categoryorder="array", categoryarray=[c.replace("_", " ") for c in channels])
    # ticks at 1, 2 and 5 of each power of ten: plotly's own log ticks label every digit when the
    # range is short, and the labels run into each other
    fig.update_yaxes(type="log", tickvals=[m * 10.0 ** e for e in range(-3, 4) for m in (1, 2, 5)], tickformat="~g")
    fig.update_layout(barmode="group", bargap=0.2, bargroupgap=0.05, legend=legend_on_right())
    return Chart(fig)


# --- e. regional engagement -------------------------------------------------------------------

def known_countries(regional: pd.DataFrame) -> list[str]:
    """The countries of the regional rows, without the one of never-identified visitors whose
    event carried no country."""
    return sorted(code for code in regional["country_code"].unique() if code not in ("unknown", ""))


def state_label(state: str) -> str:
    return "State unknown" if state in ("unknown", "") else state


def regional_figure(regional: pd.DataFrame, names: dict[str, str], months: tuple[date, date],
                    colors: dict[str, str], by_state: bool = False) -> Chart:
    """Bars of each regional measure, one measure shown at a time (buttons), highest first: one bar
    per country, or with by_state one per state of the frame (grouped by country and coloured by
    it when there are several countries; a state appears as "state (CC)" then)."""
    window = f"from {month_label(months[0])} to {month_label(months[1])}"
    if regional.empty:
        return no_data(f"no order, session or answer in `regional_engagement` {window}")
    offered = [m for m in REGIONAL_METRICS if regional[m.requires].astype("float64").sum() > 0]
    missing: dict[str, list[str]] = {}
    for metric in REGIONAL_METRICS:
        if metric not in offered:
            missing.setdefault(metric.requires, []).append(metric.label)
    reasons = tuple(f"{', '.join(labels)}: {REGIONAL_MISSING[requires]} in `regional_engagement` {window}"
                    for requires, labels in missing.items())
    if not offered:
        return Chart(None, reasons)

    countries = regional["country_code"].unique()
    several = by_state and len(countries) > 1
    unit = "state" if by_state else "country"

    def label(row: pd.Series) -> str:
        if not by_state:
            return country_label(row["country_code"], names)
        state = state_label(row["state_region"])
        code = row["country_code"]
        return f"{state} ({'country unknown' if code == 'unknown' else code.upper()})" if several else state

    fig = go.Figure()
    # per trace: the index of its measure in `offered`
    trace_metric: list[int] = []
    order_by_metric: list[list[str]] = []
    for index, metric in enumerate(offered):
        frame = regional.dropna(subset=[metric.column])
        if several:
            # countries by their total (for a rate, by its sessions), states within by value: a
            # country's states stay side by side
            rank = frame.groupby("country_code")[metric.column if metric.counts is None else metric.requires].sum()
            frame = frame.assign(country_rank=frame["country_code"].map(rank)).sort_values(
                ["country_rank", "country_code", metric.column, "state_region"],
                ascending=[False, True, False, True])
        else:
            frame = frame.sort_values([metric.column, "country_code", *(["state_region"] if by_state else [])],
                                      ascending=[False, True, *([True] if by_state else [])])
        labels = [label(row) for _, row in frame.iterrows()]
        order_by_metric.append(labels)
        groups = [(code, frame[frame["country_code"] == code]) for code in dict.fromkeys(frame["country_code"])] \
            if several else [(None, frame)]
        for code, group in groups:
            if metric.counts is None:
                hover = f"%{{x}}<br>{metric.label}: %{{y:{metric.hover_format}}}<extra></extra>"
                custom = None
            else:
                hover = (f"%{{x}}<br>{metric.label}: %{{y:{metric.hover_format}}}<br>"
                         "%{customdata[0]:,} of %{customdata[1]:,} sessions<extra></extra>")
                custom = [list(r) for r in zip(ints(group[metric.counts[0]]), ints(group[metric.counts[1]]))]
            meta: dict[str, Any] = {"metric": metric.key, "country_codes": list(group["country_code"])}
            if by_state:
                meta["states"] = list(group["state_region"])
            fig.add_trace(go.Bar(
                x=[label(row) for _, row in group.iterrows()],
                y=floats(group[metric.column]),
                name=country_label(code, names) if code else metric.label,
                legendgroup=code,
                showlegend=several,
                customdata=custom,
                marker={"color": colors.get(code, PALETTE[0]) if code else PALETTE[index % len(PALETTE)]},
                visible=index == 0,
                meta=meta,
                hovertemplate=hover,
            ))
            trace_metric.append(index)
    buttons = [
        {"label": metric.label, "method": "update",
         "args": [{"visible": [i == index for i in trace_metric]},
                  {"yaxis.title.text": metric.axis_title, "yaxis.tickformat": metric.axis_format,
                   "yaxis.tickprefix": metric.tick_prefix,
                   "xaxis.categoryarray": order_by_metric[index]}]}
        for index, metric in enumerate(offered)
    ]
    first = offered[0]
    if not by_state:
        title, x_title = "Engagement and sales by country", "Country (customer's registered country)"
    elif several:
        title, x_title = "Engagement and sales by state, grouped by country", "State (country code)"
    else:
        country = country_label(countries[0], names)
        title, x_title = f"Engagement and sales by state: {country}", f"State of {country} (registered state)"
    subtitle = f"Sums over the months {month_label(months[0])} to {month_label(months[1])}, one bar per {unit}"
    styled(fig, title, subtitle, x_title, first.axis_title, height=580 if by_state else 540, top_margin=150)
    fig.update_xaxes(categoryorder="array", categoryarray=order_by_metric[0], automargin=True,
                     **({"tickangle": -45} if by_state and len(regional) > 12 else {}))
    fig.update_yaxes(tickformat=first.axis_format, tickprefix=first.tick_prefix, rangemode="tozero")
    fig.update_layout(
        showlegend=several,
        legend=legend_on_right(),
        barmode="overlay" if several else "group",
        updatemenus=[{"type": "buttons", "direction": "right", "buttons": buttons, "active": 0,
                      "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom", "showactive": True,
                      "pad": {"b": 4}}],
    )
    return Chart(fig, reasons)


# --- f. feedback trends: NPS, CSAT, review ratings ---------------------------------------------

@dataclass(frozen=True)
class FeedbackMeasure:
    key: str
    name: str
    title: str
    value: str  # the mart's column drawn
    answers: str  # the answers it rests on: a country and month without any has no point
    counts: tuple[str, ...]  # customdata of the hover, after the answers: counts, then the score
    score: str | None
    value_hover: str
    counts_hover: str
    y_title: str
    y_range: tuple[float, float]
    y_tickformat: str
    y_dtick: float
    reference: float | None
    no_data: str


NPS = FeedbackMeasure(
    "nps", "NPS", "Net Promoter Score by country, month by month", "nps", "nps_responses",
    ("promoters", "passives", "detractors"), None, "NPS %{y:.1f}",
    "%{customdata[0]:,} answers: %{customdata[1]:,} promoters, %{customdata[2]:,} passives, "
    "%{customdata[3]:,} detractors", "NPS (−100 to 100)", (-105, 105), "", 25, 0,
    "no NPS answer in `feedback_summary` (the feedback data holds no NPS survey)")
CSAT = FeedbackMeasure(
    "csat", "CSAT", "CSAT by country, month by month: share of satisfied answers", "csat_satisfied_rate",
    "csat_responses", ("csat_satisfied",), "average_csat_score", "CSAT %{y:.1%} satisfied",
    "%{customdata[1]:,} of %{customdata[0]:,} answers 4 or 5; mean score %{customdata[2]:.2f} of 5",
    "Satisfied CSAT answers, 4 or 5 (%)", (0, 1.02), ".0%", 0.25, None,
    "no CSAT answer in `feedback_summary` (the feedback data holds no CSAT survey)")
REVIEWS = FeedbackMeasure(
    "review", "Review rating", "Product review rating by country, month by month", "average_review_rating",
    "reviews", (), None, "Mean rating %{y:.2f} of 5", "%{customdata[0]:,} reviews",
    "Mean review rating (1 to 5)", (0.9, 5.1), "", 1, None,
    "no product review in `feedback_summary` (the feedback data holds no reviews)")
FEEDBACK_MEASURES = (NPS, CSAT, REVIEWS)


def feedback_figure(measure: FeedbackMeasure, feedback: pd.DataFrame, all_countries: pd.DataFrame,
                    names: dict[str, str], colors: dict[str, str], visible_countries: int = 3) -> Chart:
    """One line per country of the measure month by month (the mart's value), and with several
    countries a black line for all countries (data.FEEDBACK_ALL_COUNTRIES_SQL)."""
    answered = feedback[feedback[measure.answers] > 0]
    if answered.empty:
        return no_data(measure.no_data)
    overall = all_countries[all_countries[measure.answers] > 0]
    ranked = answered.groupby("country_code")[measure.answers].sum().sort_values(ascending=False).index
    several = len(ranked) > 1
    months = pd.date_range(answered["activity_month"].min(), answered["activity_month"].max(), freq="MS")

    def monthly(frame: pd.DataFrame) -> pd.DataFrame:
        """One row per calendar month of the chart, empty where the frame has none: the line breaks
        there instead of bridging months without an answer."""
        return frame.set_index(pd.to_datetime(frame["activity_month"])).reindex(months)

    def customdata(frame: pd.DataFrame) -> list[list[float | int | None]]:
        columns: list[list[Any]] = [ints(frame[c]) for c in (measure.answers, *measure.counts)]
        if measure.score:
            columns.append(floats(frame[measure.score]))
        return [list(r) for r in zip(*columns)]

    fig = go.Figure()
    x = [iso_date(m) for m in months]
    lines = [(code, country_label(code, names), answered[answered["country_code"] == code]) for code in ranked]
    if several:
        lines.append(("all", "All countries", overall))
    for rank, (code, label, frame) in enumerate(lines):
        overall_line = code == "all"
        frame = monthly(frame)
        fig.add_trace(go.Scatter(
            x=x,
            y=floats(frame[measure.value]),
            customdata=customdata(frame),
            mode="lines+markers",
            name=label,
            line={"color": "black" if overall_line else colors.get(code, PALETTE[0]),
                  "width": 3.5 if overall_line else 1.6},
            marker={"size": 6 if overall_line else 5},
            connectgaps=False,
            visible=True if overall_line or rank < visible_countries else "legendonly",
            meta={"country_code": code, "measure": measure.key},
            hovertemplate=f"{label}, %{{x|%b %Y}}<br>{measure.value_hover}<br>{measure.counts_hover}<extra></extra>",
        ))
    if measure.reference is not None:
        fig.add_hline(y=measure.reference, line={"color": "#999999", "width": 1})
    if several:
        subtitle = (f"The {min(visible_countries, len(ranked))} countries with the most answers shown; click the "
                    "legend for the others. Black: all countries")
    else:
        subtitle = f"One country in the data: {country_label(ranked[0], names)}"
    styled(fig, measure.title, subtitle, "Month of the answer", measure.y_title, height=540)
    fig.update_yaxes(range=list(measure.y_range), dtick=measure.y_dtick, tickformat=measure.y_tickformat)
    fig.update_xaxes(tickformat="%b %Y")
    fig.update_layout(legend=legend_on_right(), hovermode="closest")
    return Chart(fig)


# --- g. run history ----------------------------------------------------------------------------

NO_HISTORY = ("no run history in this file (schema `history`): dbt builds of this project on DuckDB record it; "
              "a file built on Spark or before the history existed has none")


def run_history_figure(history: RunHistory | None) -> Chart:
    """The raw rows of each source table at each recorded run (log axis: the tables differ by
    orders of magnitude), the latest run's volume alerts marked on their table's line."""
    if history is None:
        return no_data(NO_HISTORY)
    rows = history.source_rows
    if rows.empty:
        return no_data("no row count in the run history (`history.row_counts`) of the latest target's runs")
    alerted = {subject.removeprefix("source:"): message for kind, subject, message in
               history.alerts[["anomaly_kind", "subject", "alert_message"]].itertuples(index=False)
               if kind == "volume" and subject.startswith("source:")}
    latest_run = history.runs["run_id"].iloc[0]
    fig = go.Figure()
    for i, (table, frame) in enumerate(rows.groupby("table_name", sort=True)):
        color = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(
            x=[iso_timestamp(value) for value in frame["started_at"]],
            y=ints(frame["row_count"]),
            mode="lines+markers",
            name=table,
            line={"color": color, "width": 2},
            customdata=list(frame["run_id"]),
            meta={"table": table},
            hovertemplate=f"{table}<br>run %{{customdata}}<br>%{{x}}<br>%{{y:,}} rows<extra></extra>",
        ))
        latest = frame[frame["run_id"] == latest_run]
        if table in alerted and not latest.empty:
            fig.add_trace(go.Scatter(
                x=[iso_timestamp(latest["started_at"].iloc[0])],
                y=ints(latest["row_count"]),
                mode="markers",
                name=f"{table}: alert",
                marker={"color": "#d62728", "size": 16, "symbol": "x"},
                meta={"table": table, "alert": alerted[table]},
                hovertemplate=f"{alerted[table]}<extra>alert</extra>",
            ))
    alerts = len(history.alerts)
    subtitle = (f"{len(history.runs)} run(s) of target {history.runs['target_name'].iloc[0]}; "
                f"the latest: {alerts} alert(s)" + (", volume alerts marked ✕" if alerted else ""))
    styled(fig, "Raw rows per run, by source table", subtitle, "Run started (UTC)", "Rows (log scale)", height=460)
    fig.update_yaxes(type="log", tickformat=",d")
    fig.update_layout(legend=legend_on_right())
    return Chart(fig)


def iso_timestamp(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")


# --- churn model against the BG/NBD baseline ------------------------------------------------------

CHURN_SCORERS = {"churn_model": ("Churn model", "#1f77b4"),
                 "bgnbd_baseline": ("BG/NBD baseline (1 - P(alive))", "#ff7f0e")}


def churn_segments(churn: pd.DataFrame) -> list[str]:
    """'all' first, then the countries where both scorers were measured (status ok), largest first."""
    first = churn[(churn["decile"] == 1) & (churn["evaluation_status"] == "ok")]
    measured = first.groupby("country_code")["scorer"].nunique()
    persons = first.groupby("country_code")["persons"].max()
    ok = [c for c in measured.index if measured[c] == len(CHURN_SCORERS)]
    return sorted(ok, key=lambda c: (c != "all", -int(persons[c]), c))


def churn_curves_figure(churn: pd.DataFrame, names: dict[str, str]) -> Chart:
    from plotly.subplots import make_subplots
    segments = churn_segments(churn)
    if not segments:
        return no_data("no segment of `churn_model_evaluation` with status ok (too few active persons or "
                       "churners at the evaluation snapshot, or no fit)")
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=("Churners captured by the highest-scored share of persons",
                                        "Calibration: predicted against observed churn by decile"))
    groups = []
    for segment in segments:
        label = "All countries" if segment == "all" else country_label(segment, names)
        for scorer, (name, color) in CHURN_SCORERS.items():
            rows = churn[(churn["country_code"] == segment) & (churn["scorer"] == scorer)].sort_values("decile")
            fig.add_trace(go.Scatter(
                x=[0.0] + [d / 10 for d in rows["decile"]], y=[0.0] + floats(rows["cumulative_capture_rate"]),
                mode="lines+markers", name=name, line={"color": color}, legendgroup=scorer,
                showlegend=True, visible=segment == segments[0], meta={"segment": segment, "scorer": scorer},
                hovertemplate=f"{label}, {name}<br>Top %{{x:.0%}} of persons: %{{y:.1%}} of churners<extra></extra>",
            ), row=1, col=1)
            fig.add_trace(go.Scatter(
                x=floats(rows["decile_mean_predicted"]), y=floats(rows["decile_observed_churn_rate"]),
                mode="markers+lines", name=name, line={"color": color, "dash": "dot"}, legendgroup=scorer,
                showlegend=False, visible=segment == segments[0], meta={"segment": segment, "scorer": scorer},
                customdata=ints(rows["decile"]),
                hovertemplate=(f"{label}, {name}<br>Decile %{{customdata}}: predicted %{{x:.1%}}, "
                               "observed %{y:.1%}<extra></extra>"),
            ), row=1, col=2)
            groups += [segment, segment]
    for col in (1, 2):
        fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"color": "grey", "dash": "dash", "width": 1},
                                 name="Random ranking / perfect calibration", showlegend=col == 1,
                                 hoverinfo="skip"), row=1, col=col)
        groups.append(None)
    buttons = [{"label": "All countries" if s == "all" else country_label(s, names), "method": "update",
                "args": [{"visible": [g is None or g == s for g in groups]}]} for s in segments]
    first = churn[(churn["decile"] == 1)]
    as_of = first["evaluation_snapshot_date"].dropna()
    subtitle = (f"Persons active at {iso_date(as_of.iloc[0])}, churn = no confirmed order in the following window"
                if not as_of.empty else "Persons active at the evaluation snapshot")
    styled(fig, "Churn model against the BG/NBD baseline", subtitle, "", "", height=560, top_margin=150)
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    fig.update_xaxes(title_text="Share of persons, highest scores first", row=1, col=1)
    fig.update_yaxes(title_text="Share of churners captured", row=1, col=1)
    fig.update_xaxes(title_text="Mean predicted churn probability", row=1, col=2)
    fig.update_yaxes(title_text="Observed churn rate", row=1, col=2)
    fig.update_layout(legend=legend_on_right(),
                      updatemenus=[{"type": "buttons", "direction": "right", "buttons": buttons, "active": 0,
                                    "x": 0, "xanchor": "left", "y": 1.12, "yanchor": "bottom", "showactive": True,
                                    "pad": {"b": 4}}])
    return Chart(fig)


def churn_metrics_figure(churn: pd.DataFrame, names: dict[str, str]) -> Chart:
    first = churn[churn["decile"] == 1]
    if first.empty:
        return no_data("no row in `churn_model_evaluation` (no person active at the evaluation snapshot)")
    order = {s: i for i, s in enumerate(churn_segments(churn))}
    first = first.assign(position=[order.get(c, len(order)) for c in first["country_code"]]) \
        .sort_values(["position", "country_code", "scorer"], ascending=[True, True, False])

    def fmt(values, pattern):
        return ["–" if v is None or pd.isna(v) else pattern.format(v) for v in values]

    fig = go.Figure(go.Table(
        header={"values": ["Segment", "Scorer", "Status", "Persons", "Churners", "AUC", "PR-AUC", "Brier",
                           "Top-decile lift", "Top-decile capture"], "align": "left"},
        cells={"values": [
            ["All countries" if c == "all" else country_label(c, names) for c in first["country_code"]],
            [CHURN_SCORERS.get(s, (s,))[0] for s in first["scorer"]],
            list(first["evaluation_status"]), fmt(first["persons"], "{:,.0f}"), fmt(first["churners"], "{:,.0f}"),
            fmt(first["auc"], "{:.3f}"), fmt(first["pr_auc"], "{:.3f}"), fmt(first["brier_score"], "{:.3f}"),
            fmt(first["top_decile_lift"], "{:.2f}"), fmt(first["top_decile_capture_rate"], "{:.1%}"),
        ], "align": "left"},
    ))
    fig.update_layout(title={"text": "Churn model and BG/NBD baseline: metrics on the time split"},
                      height=120 + 24 * len(first), margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return Chart(fig)


def experiments_figure(experiments: pd.DataFrame) -> Chart:
    """Per experiment and treatment variant, the absolute lift of each retention metric (and the
    primary metric) with its 95% interval, plain and CUPED-adjusted; an experiment with a
    sample-ratio mismatch is marked in its label."""
    if experiments.empty:
        return no_data("no experiment in `experiment_results` (no experiment_assignments file, or no clean assignment)")
    fig = go.Figure()
    labels = [f"{r.experiment_id} / {r.variant}{' (SRM!)' if r.has_sample_ratio_mismatch else ''}"
              for r in experiments.itertuples()]
    experiments = experiments.assign(label=labels)
    for index, (metric, rows) in enumerate(experiments.groupby("metric_name", sort=True)):
        for adjusted in (False, True):
            prefix = "cuped_" if adjusted else ""
            lift = floats(rows[f"{prefix}absolute_lift"])
            lower, upper = floats(rows[f"{prefix}absolute_lift_ci_lower"]), floats(rows[f"{prefix}absolute_lift_ci_upper"])
            fig.add_trace(go.Scatter(
                x=lift, y=list(rows["label"]), mode="markers", name=f"{metric}{' (CUPED)' if adjusted else ''}",
                marker={"color": PALETTE[index % len(PALETTE)], "symbol": "diamond" if adjusted else "circle",
                        "size": 9},
                error_x={"type": "data", "symmetric": False,
                         "array": [None if v is None or lo is None else hi - v for v, lo, hi in zip(lift, lower, upper)],
                         "arrayminus": [None if v is None or lo is None else v - lo for v, lo, hi in zip(lift, lower, upper)]},
                customdata=[[int(r.eligible_units), _or_none(r.control_mean_value), _or_none(r.p_value)]
                            for r in rows.itertuples()],
                meta={"metric_name": metric, "cuped": adjusted, "experiment_ids": list(rows["experiment_id"])},
                hovertemplate=(f"{metric}{' CUPED' if adjusted else ''}, %{{y}}<br>lift %{{x:.4f}}<br>"
                               "%{customdata[0]:,} eligible units; control mean %{customdata[1]:.4f}; "
                               "p-value %{customdata[2]:.4f}<extra></extra>"),
            ))
    fig.add_vline(x=0, line={"color": "black", "dash": "dash", "width": 1})
    flagged = sorted(set(experiments.loc[experiments["has_sample_ratio_mismatch"], "experiment_id"]))
    styled(fig, "Experiments: lift against control with 95% intervals",
           ("Sample-ratio mismatch (do not trust): " + ", ".join(flagged)) if flagged else "No sample-ratio mismatch.",
           "Absolute lift (treatment minus control; a share for retention)", "Experiment / variant", height=460)
    fig.update_layout(legend=legend_on_right())
    return Chart(fig)


# Markets drawn on opening (the largest by validated person-quarters); the others are a click on
# the legend away.
SIGNAL_MARKETS_SHOWN = 6


def signal_weights_figure(signals: pd.DataFrame, names: dict[str, str]) -> Chart:
    """Per market (a bar series) and signal: the retention lift over the pooled quarters with its
    interval; the hover has the seed's and the suggested weight, the AUC and whether the signal
    earns its weight."""
    if signals.empty:
        return no_data("no row in engagement_weight_suggestions (no quarter whose next quarter is complete)")

    def text(value, pattern):
        return "–" if value is None or pd.isna(value) else pattern.format(value)

    fig = go.Figure()
    for index, (country, rows) in enumerate(signals.groupby("country_code", sort=False)):
        lift = rows["retention_lift"].astype(float)
        custom = [[text(w, "{:.2f}"), text(s, "{:.2f}"), f"{scope} ({status})", text(n, "{:,.0f}"),
                   text(lo, "{:+.3f}"), text(hi, "{:+.3f}"), text(auc, "{:.3f}"),
                   "–" if e is None or pd.isna(e) else ("yes" if e else "no")]
                  for w, s, scope, status, n, lo, hi, auc, e in zip(
                      rows["configured_weight"], rows["suggested_weight"], rows["model_scope"], rows["model_status"],
                      rows["validated_person_quarters"], rows["retention_lift_lower"], rows["retention_lift_upper"],
                      rows["retention_auc"], rows["earns_weight"])]
        fig.add_trace(go.Bar(
            name=country_label(country, names), meta={"country_code": country}, x=list(rows["signal_name"]),
            y=list(lift),
            error_y={"type": "data", "symmetric": False,
                     "array": list(rows["retention_lift_upper"].astype(float) - lift),
                     "arrayminus": list(lift - rows["retention_lift_lower"].astype(float))},
            customdata=custom,
            visible=True if index < SIGNAL_MARKETS_SHOWN else "legendonly",
            hovertemplate=("%{fullData.name}, %{x}<br>retention lift %{y:+.3f}, 95% interval [%{customdata[4]}, "
                           "%{customdata[5]}]<br>AUC %{customdata[6]}; earns its weight: %{customdata[7]}"
                           "<br>weight (seed) %{customdata[0]}, suggested %{customdata[1]}, fit %{customdata[2]}"
                           "<br>person-quarters %{customdata[3]}<extra></extra>"),
        ))
    fig.update_layout(barmode="group", height=560, legend={"title": {"text": "Market"}},
                      title={"text": "Engagement signals: next-quarter retention lift per market (all quarters)"},
                      xaxis={"title": {"text": "Signal of the engagement score"}},
                      yaxis={"title": {"text": "Retention lift (with − without the signal)"}, "tickformat": "+.0%"},
                      margin={"l": 60, "r": 10, "t": 60, "b": 120})
    return Chart(fig)


# Retention windows of the dynamic cohorts' chart (columns of cohort_entry_outcomes), with colours.
COHORT_RETENTION_WINDOWS = ((30, "#7aa6c2"), (90, "#1f4e79"))


def dynamic_cohorts_figure(cohorts: pd.DataFrame) -> Chart:
    """Retention 30 and 90 days after entry per dynamic cohort, one bar per window; the cohort's
    spells, persons, members now, orders and net revenue after entry and mean churn score in the
    hover: the marts' values."""
    if cohorts.empty:
        return no_data("no spell in `cohort_membership_spells` (no person met a cohort's rule)")
    fig = go.Figure()
    for days, color in COHORT_RETENTION_WINDOWS:
        custom = [[int(r.spells), int(r.persons), int(r.current_members), r.rule_kind,
                   _or_none(getattr(r, f"eligible_entries_{days}d")), _or_none(r.orders_after_entry),
                   _or_none(r.net_revenue_usd_after_entry), _or_none(r.mean_churn_probability),
                   _or_none(r.scored_entries)]
                  for r in cohorts.itertuples()]
        fig.add_trace(go.Bar(
            x=list(cohorts["cohort_name"]), y=[_or_none(v) for v in cohorts[f"retention_{days}d_rate"]],
            name=f"{days} days", marker={"color": color}, customdata=custom, meta={"window_days": days},
            hovertemplate=(f"%{{x}} (%{{customdata[3]}})<br>retention {days} days after entry %{{y:.1%}} "
                           "of %{customdata[4]:,} eligible entries<br>%{customdata[0]:,} spells, "
                           "%{customdata[1]:,} persons, %{customdata[2]:,} members now<br>"
                           "%{customdata[5]:,} orders, %{customdata[6]:,.2f} USD net revenue after entry<br>"
                           "mean churn score now %{customdata[7]:.3f} (%{customdata[8]:,} scored entries)"
                           "<extra></extra>"),
        ))
    members = ", ".join(f"{r.cohort_name}: {int(r.current_members):,}" for r in cohorts.itertuples())
    styled(fig, "Dynamic cohorts: retention after entry", f"Members now: {members}.",
           "Cohort", "Entries with an order within N days of entry", height=440)
    fig.update_yaxes(range=[0, 1], tickformat=".0%")
    fig.update_layout(barmode="group", legend=legend_on_right())
    return Chart(fig)
