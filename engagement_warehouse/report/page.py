"""The report page: one self-contained HTML file.

plotly.js is inlined once, in the head. Each section holds its figure as JSON in a
`<script type="application/json" class="figure-data">` element (the data a reader's browser
draws, and what the tests compare with the marts) and an empty plot container that a short
script at the end of the page fills with `Plotly.newPlot`. A chart without data has neither: a
"No data: <why>" paragraph stands in their place (and above a chart a part of which has no data).
Nothing is fetched from the network.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime
from string import Template

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from .sections import Section

PLOT_CONFIG = {"responsive": True, "displaylogo": False, "scrollZoom": False}

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="engagement-warehouse report">
<title>Customer engagement report, data as of $as_of</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
         margin: 0; color: #222; background: #f6f6f4; line-height: 1.45; }
  header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
  header { padding-top: 24px; padding-bottom: 8px; }
  h1 { margin: 0 0 4px; font-size: 1.7rem; }
  .meta { margin: 4px 0; color: #444; }
  nav ol { display: flex; flex-wrap: wrap; gap: 4px 24px; padding-left: 0; margin: 10px 0;
           list-style-position: inside; }
  section { background: #fff; border: 1px solid #e2e2de; border-radius: 6px; margin: 18px 0;
            padding: 16px 20px 12px; }
  h2 { margin: 0 0 6px; font-size: 1.3rem; }
  .guide { margin: 0 0 4px; font-size: 1.02rem; }
  .definition { margin: 0 0 10px; color: #555; font-size: 0.9rem; }
  code { font-size: 0.85em; background: #f0f0ec; padding: 0 3px; border-radius: 3px; }
  .plot { width: 100%; }
  .no-data { margin: 12px 0; padding: 14px 16px; background: #f6f6f4; border-left: 4px solid #b0b0a8;
             color: #444; font-size: 1.02rem; }
  footer { color: #666; font-size: 0.85rem; padding-bottom: 32px; }
</style>
<script>$plotlyjs</script>
</head>
<body>
<header>
<h1>Customer engagement report</h1>
<p class="meta" id="data-as-of">Data as of <strong>$as_of</strong>: the last day the data covers (the date of the last order of any
status, <code>data_end_date</code> of <code>marts.fct_orders</code>), the day the retention marts count complete months to.</p>
<p class="meta" id="generated-at">Generated $generated_at from the marts of <code>$source</code> (read-only).</p>
<nav aria-label="Sections"><ol>
$contents
</ol></nav>
</header>
<main>
$sections
</main>
<footer>
<p>Every value drawn is a value of the marts named under its chart (sums of their counts where a definition
says so); nothing is smoothed. Charts by plotly.js, embedded in this file: it opens without a network.</p>
</footer>
<script>
(function () {
  var config = $config;
  document.querySelectorAll("script.figure-data").forEach(function (node) {
    var figure = JSON.parse(node.textContent);
    Plotly.newPlot(node.getAttribute("data-target"), figure.data, figure.layout, config);
  });
})();
</script>
</body>
</html>
""")

SECTION = Template("""<section id="$id" aria-labelledby="$id-heading">
<h2 id="$id-heading">$heading</h2>
<p class="guide">$guide</p>
<p class="definition"><strong>Definition.</strong> $definition</p>
$chart
</section>""")

PLOT = Template("""<div class="plot" id="$id-plot"></div>
<script type="application/json" class="figure-data" data-target="$id-plot">$figure</script>""")

NO_DATA = Template("""<p class="no-data" role="status"><strong>No data:</strong> $reason.</p>""")


def inline_text(text: str) -> str:
    """Escaped text, with `name` shown as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def script_safe_json(value: str) -> str:
    """JSON that cannot close its script element: <, > and & only occur inside JSON strings, where
    their \\u escapes decode to the same characters."""
    return value.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def figure_json(figure: go.Figure) -> str:
    return script_safe_json(pio.to_json(figure, validate=True, pretty=False))


def render_chart(section: Section) -> str:
    """The chart's no-data reasons, then its plot if it has one."""
    parts = [NO_DATA.substitute(reason=inline_text(reason)) for reason in section.chart.no_data]
    if section.chart.figure is not None:
        parts.append(PLOT.substitute(id=html.escape(section.id), figure=figure_json(section.chart.figure)))
    return "\n".join(parts)


def render_section(section: Section) -> str:
    return SECTION.substitute(
        id=html.escape(section.id),
        heading=html.escape(section.heading),
        guide=inline_text(section.guide),
        definition=inline_text(section.definition),
        chart=render_chart(section),
    )


def render_page(sections: list[Section], as_of: date, generated_at: datetime, source: str) -> str:
    contents = "\n".join(f'<li><a href="#{html.escape(s.id)}">{html.escape(s.heading)}</a></li>' for s in sections)
    return PAGE.substitute(
        as_of=as_of.isoformat(),
        generated_at=html.escape(generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
        source=html.escape(source),
        contents=contents,
        sections="\n".join(render_section(s) for s in sections),
        plotlyjs=get_plotlyjs(),
        config=json.dumps(PLOT_CONFIG),
    )
