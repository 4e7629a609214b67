"""The HTML report for business readers (`engagement-warehouse report`): one self-contained page
of charts drawn from the marts of a built warehouse, opened read-only.

- `data`: the queries on the marts and the data-as-of date;
- `figures`: one plotly chart per function;
- `sections`: each chart's id, heading, reading guide and definition;
- `page`: the HTML page, plotly.js inlined once;
- `build`: the command's steps, and the atomic write.
"""

from .build import ReportSummary, build_report
from .data import ReportError

__all__ = ["ReportError", "ReportSummary", "build_report"]
