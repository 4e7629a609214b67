"""Comment sentiment (doc block sentiment): a per-language text classifier learned from the
retailer's own rated comments (product reviews' stars and CSAT answers), and the lexicon with
negation as the fallback of the languages with too few of them. One code path for the dbt Python
models (DuckDB), the Spark job (engagement_warehouse/spark/fits.py) and pytest."""
