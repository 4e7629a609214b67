"""The analyst baselines: the monthly cohort retention matrix (segment all) and the lifetimes-style
RFM summary, written in pandas and in polars, and the same computation in DuckDB SQL, each read
from the orders export and checked against the marts.

- `inputs`: the orders export and the marts' expected answers, from a built warehouse;
- `pandas_baseline`, `polars_baseline`, `duckdb_sql`: the three ways;
- `compare`: equality with the marts (BaselineMismatch names what differs);
- `run`: times the three, checks each.
"""

from .compare import BaselineMismatch
from .inputs import AnalystInput, export_inputs
from .run import ENGINES, check_baselines, run_baselines

__all__ = ["ENGINES", "AnalystInput", "BaselineMismatch", "check_baselines", "export_inputs", "run_baselines"]
