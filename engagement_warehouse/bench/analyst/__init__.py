"""The analyst baselines: the monthly cohort retention matrix (segment all) and the lifetimes-style
RFM summary, written in pandas and in polars, and the same computation in DuckDB SQL, each read
from the orders export and checked against the marts.

- `inputs`: the orders export and the marts' expected answers, from a built warehouse;
- `pandas_baseline`, `polars_baseline`, `duckdb_sql`: the three ways;
- `compare`: equality with the marts (BaselineMismatch names what differs);
- `models_sql`: the warehouse's nine models for the two answers, their compiled SQL run directly
  (with the project's vars, and like for like: segment all and the month grain only);
- `run`: times the three, and the models' SQL, checks each.
"""

from .compare import BaselineMismatch
from .inputs import AnalystInput, export_inputs
from .models_sql import LIKE_FOR_LIKE_VARS, MODELS, compile_models, compiled_from_manifest
from .run import ENGINES, check_baselines, run_baselines, run_models_sql

__all__ = ["ENGINES", "LIKE_FOR_LIKE_VARS", "MODELS", "AnalystInput", "BaselineMismatch", "check_baselines",
           "compile_models", "compiled_from_manifest", "export_inputs", "run_baselines", "run_models_sql"]
