"""The Great Expectations side of the data-quality guard: an expectation suite per mart (suites/),
run by `engagement-warehouse quality` on the built warehouse (checkpoint.py), through the pandas
route of source.py until GX can read DuckDB itself."""
