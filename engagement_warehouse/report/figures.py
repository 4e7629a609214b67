"""The report's charts (plotly), one function per chart, from the frames of `data.load`.

Every value a chart draws is a value of its frame, passed as a plain Python list (plotly keeps
lists as JSON numbers, where numpy arrays would become base64 typed arrays), so what the page
embeds can be compared with the marts number for number. Rates stay fractions and show as
percentages through the axis and hover formats.
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

from .data import RETENTION_SEGMENT_TYPES

TEMPLATE = "plotly_white"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
PALETTE = qualitative.Plotly + qualitative.Dark2
ALL_CUSTOMERS_COLOR = "#444444"
EMPTY_MESSAGE_COLOR = "#888888"

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
class RegionalMetric:
    key: str
    label: str
    axis_title: str
    numerator: str
    denominator: str | None
    hover_format: str
    axis_format: str
    tick_prefix: str = ""


REGIONAL_METRICS = (
    RegionalMetric("net_revenue_usd", "Net revenue", "Net revenue (USD)", "net_revenue_usd", None, ",.2f", ",.0f",
                   "$"),
    RegionalMetric("orders", "Confirmed orders", "Confirmed orders (count)", "orders", None, ",.0f", ",.0f"),
    RegionalMetric("new_customers", "New customers", "New customers (persons)", "new_customers", None,
                   ",.0f", ",.0f"),
    RegionalMetric("sessions", "Sessions", "Sessions (count)", "sessions", None, ",.0f", ",.0f"),
    RegionalMetric("conversion_rate", "Conversion rate", "Sessions with a purchase (%)", "purchase_sessions",
                   "sessions", ".2%", ".1%"),
    RegionalMetric("whatsapp_session_share", "WhatsApp share", "Sessions with a WhatsApp message (%)",
                   "whatsapp_sessions", "sessions", ".2%", ".1%"),
)


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


def with_message(fig: go.Figure, message: str) -> go.Figure:
    """A chart without data says why instead of showing empty axes."""
    fig.add_annotation(text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font={"size": 16, "color": EMPTY_MESSAGE_COLOR})
    return fig


def legend_on_right() -> dict[str, Any]:
    return {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}


# --- a. cohort retention heat map -------------------------------------------------------------

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


def cohort_retention_heatmap(cohorts: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    title = "Monthly cohort retention: share of each cohort buying again in month n"
    if cohorts.empty:
        return with_message(styled(fig, title, "", "Months since first order", "Cohort (month of first order)",
                                   400), "No complete cohort periods in cohort_retention")
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
    return fig


# --- b. retention curves, observed and projected ----------------------------------------------

def retention_curves_figure(curves: pd.DataFrame, projection: pd.DataFrame, names: dict[str, str]) -> go.Figure:
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
    if curves.empty:
        with_message(fig, "No retention curves in retention_curves")
    return fig


# --- c. cumulative value per customer ---------------------------------------------------------

def cumulative_value_figure(cohorts: pd.DataFrame, curves: pd.DataFrame) -> go.Figure:
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
    if cohorts.empty:
        with_message(fig, "No complete cohort periods in cohort_retention")
    return fig


# --- d. CLV distribution and CLV:CAC ------------------------------------------------------------

# Bars of the CLV histogram: about this many up to the 99th percentile, of a width of 1, 2 or 5 x 10^k USD.
CLV_BINS = 40


def bin_width(values: pd.Series) -> float:
    top = float(values.quantile(0.99)) or float(values.max()) or 1.0
    raw = top / CLV_BINS
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


def clv_histogram(clv: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    predicted = clv["predicted_clv_12m_usd"].dropna()
    title = "Predicted 12-month customer lifetime value"
    statuses = ", ".join(sorted(clv["model_status"].dropna().unique())) or "no customers"
    if predicted.empty:
        styled(fig, title, "", "Predicted 12-month CLV per customer (USD)", "Customers", 420)
        return with_message(fig, f"No prediction: the CLV model status is {statuses}")
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
    return fig


def clv_to_cac_figure(clv_cac: pd.DataFrame, names: dict[str, str], colors: dict[str, str]) -> go.Figure:
    fig = go.Figure()
    rows = clv_cac[clv_cac["clv_to_cac_ratio"].notna()]
    window_end = clv_cac["window_end_date"].dropna()
    title = "CLV:CAC by acquisition channel and country"
    subtitle = ("Customers acquired in the 365 days up to "
                f"{iso_date(window_end.iloc[0]) if not window_end.empty else 'the observation end'}. "
                "Dashed line: break-even (1); above it, expected to bring in more net revenue than they cost")
    if rows.empty:
        styled(fig, title, subtitle, "Acquisition channel", "CLV:CAC (ratio, log scale)", 420)
        return with_message(fig, "No CLV:CAC ratio: no paid channel with new customers and a prediction")
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
    return fig


# --- e. regional engagement -------------------------------------------------------------------

def regional_values(regional: pd.DataFrame, metric: RegionalMetric) -> pd.Series:
    """The metric per country: the summed column, or the ratio of two summed columns."""
    numerator = regional[metric.numerator].astype("float64")
    if metric.denominator is None:
        return numerator
    denominator = regional[metric.denominator].astype("float64")
    return (numerator / denominator).where(denominator > 0)


def regional_figure(regional: pd.DataFrame, names: dict[str, str], months: tuple[date, date]) -> go.Figure:
    fig = go.Figure()
    title = "Engagement and sales by country"
    subtitle = f"Sums over the months {month_label(months[0])} to {month_label(months[1])}"
    order_by_metric: list[list[str]] = []
    for index, metric in enumerate(REGIONAL_METRICS):
        values = regional_values(regional, metric)
        frame = regional.assign(value=values).dropna(subset=["value"]).sort_values(
            ["value", "country_code"], ascending=[False, True])
        labels = [country_label(code, names) for code in frame["country_code"]]
        order_by_metric.append(labels)
        if metric.denominator is None:
            hover = f"%{{x}}<br>{metric.label}: %{{y:{metric.hover_format}}}<extra></extra>"
            custom = None
        else:
            hover = (f"%{{x}}<br>{metric.label}: %{{y:{metric.hover_format}}}<br>"
                     "%{customdata[0]:,} of %{customdata[1]:,} sessions<extra></extra>")
            custom = [list(r) for r in zip(ints(frame[metric.numerator]), ints(frame[metric.denominator]))]
        fig.add_trace(go.Bar(
            x=labels,
            y=floats(frame["value"]),
            name=metric.label,
            customdata=custom,
            marker={"color": PALETTE[index % len(PALETTE)]},
            visible=index == 0,
            meta={"metric": metric.key, "country_codes": list(frame["country_code"])},
            hovertemplate=hover,
        ))
    buttons = [
        {"label": metric.label, "method": "update",
         "args": [{"visible": [i == index for i in range(len(REGIONAL_METRICS))]},
                  {"yaxis.title.text": metric.axis_title, "yaxis.tickformat": metric.axis_format,
                   "yaxis.tickprefix": metric.tick_prefix,
                   "xaxis.categoryarray": order_by_metric[index]}]}
        for index, metric in enumerate(REGIONAL_METRICS)
    ]
    first = REGIONAL_METRICS[0]
    styled(fig, title, subtitle, "Country (customer's registered country)", first.axis_title, height=540,
           top_margin=150)
    fig.update_xaxes(categoryorder="array", categoryarray=order_by_metric[0])
    fig.update_yaxes(tickformat=first.axis_format, tickprefix=first.tick_prefix, rangemode="tozero")
    fig.update_layout(
        showlegend=False,
        updatemenus=[{"type": "buttons", "direction": "right", "buttons": buttons, "active": 0,
                      "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom", "showactive": True,
                      "pad": {"b": 4}}],
    )
    if regional.empty:
        with_message(fig, "No regional engagement in these months")
    return fig


# --- f. NPS trend -----------------------------------------------------------------------------

def nps_all_countries(nps: pd.DataFrame) -> pd.DataFrame:
    """NPS of all countries per month, by the mart's formula on its summed counts."""
    totals = nps.groupby("submitted_month", as_index=False)[
        ["nps_responses", "promoters", "passives", "detractors"]].sum()
    totals["nps"] = 100.0 * (totals["promoters"] - totals["detractors"]) / totals["nps_responses"]
    return totals.sort_values("submitted_month")


def nps_figure(nps: pd.DataFrame, names: dict[str, str], colors: dict[str, str],
               visible_countries: int = 3) -> go.Figure:
    fig = go.Figure()
    title = "Net Promoter Score by country, month by month"
    subtitle = (f"The {visible_countries} countries with the most answers shown; click the legend for the others. "
                "Black: all countries")
    hover_counts = ("%{customdata[0]:,} answers: %{customdata[1]:,} promoters, %{customdata[2]:,} passives, "
                    "%{customdata[3]:,} detractors<extra></extra>")

    months = (pd.date_range(nps["submitted_month"].min(), nps["submitted_month"].max(), freq="MS")
              if not nps.empty else pd.DatetimeIndex([]))

    def monthly(frame: pd.DataFrame) -> pd.DataFrame:
        """One row per calendar month of the chart, empty where the frame has none: the line breaks
        there instead of bridging months without an answer."""
        return frame.set_index(pd.to_datetime(frame["submitted_month"])).reindex(months)

    def counts(frame: pd.DataFrame) -> list[list[int | None]]:
        return [list(r) for r in zip(ints(frame["nps_responses"]), ints(frame["promoters"]),
                                     ints(frame["passives"]), ints(frame["detractors"]))]

    x = [iso_date(m) for m in months]
    ranked = nps.groupby("country_code")["nps_responses"].sum().sort_values(ascending=False).index
    for rank, code in enumerate(ranked):
        country = monthly(nps[nps["country_code"] == code])
        label = country_label(code, names)
        fig.add_trace(go.Scatter(
            x=x,
            y=floats(country["nps"]),
            customdata=counts(country),
            mode="lines+markers",
            name=label,
            line={"color": colors.get(code, PALETTE[0]), "width": 1.6},
            marker={"size": 5},
            connectgaps=False,
            visible=True if rank < visible_countries else "legendonly",
            meta={"country_code": code},
            hovertemplate=f"{label}, %{{x|%b %Y}}<br>NPS %{{y:.1f}}<br>" + hover_counts,
        ))
    if not nps.empty:
        overall = monthly(nps_all_countries(nps))
        fig.add_trace(go.Scatter(
            x=x,
            y=floats(overall["nps"]),
            customdata=counts(overall),
            mode="lines+markers",
            name="All countries",
            line={"color": "black", "width": 3.5},
            marker={"size": 6},
            connectgaps=False,
            meta={"country_code": "all"},
            hovertemplate="All countries, %{x|%b %Y}<br>NPS %{y:.1f}<br>" + hover_counts,
        ))
    fig.add_hline(y=0, line={"color": "#999999", "width": 1})
    styled(fig, title, subtitle, "Month of the answer", "NPS (−100 to 100)", height=540)
    fig.update_yaxes(range=[-105, 105], dtick=25)
    fig.update_xaxes(tickformat="%b %Y")
    fig.update_layout(legend=legend_on_right(), hovermode="closest")
    if nps.empty:
        with_message(fig, "No NPS answers in feedback_summary")
    return fig
