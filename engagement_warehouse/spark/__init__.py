"""The Spark side of the warehouse: the build on the spark target with the model fits dbt-spark
cannot run (build.py, fits.py), and the comparison of its marts with DuckDB's (compare.py)."""
