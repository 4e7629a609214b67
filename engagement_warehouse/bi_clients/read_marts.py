"""Reads every mart of a warehouse file as BI tools and notebooks do, with the duckdb 1.x of the
separate client environment (`make bi-clients`): plain duckdb, ibis (its duckdb backend) and
SQLAlchemy (duckdb_engine, as Superset, Metabase-style SQL tools and pandas.read_sql use it).

Run by that environment's Python, never imported by the project (whose duckdb is 2.x):
    target/bi_clients/bin/python read_marts.py WAREHOUSE SCHEMA MART [MART...]
Prints one JSON object: the duckdb version, and per client the rows read from each mart (every
row and column fetched, so that every column's data is decoded) or the error it raised.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Callable


def read_with_duckdb(database: str, schema: str, marts: list[str]) -> dict[str, int]:
    import duckdb

    with duckdb.connect(database, read_only=True) as con:
        return {mart: len(con.execute(f'select * from "{schema}"."{mart}"').fetchall()) for mart in marts}


def read_with_ibis(database: str, schema: str, marts: list[str]) -> dict[str, int]:
    import ibis

    con = ibis.duckdb.connect(database, read_only=True)
    try:
        listed = set(con.list_tables(database=schema))
        missing = sorted(set(marts) - listed)
        if missing:
            raise LookupError(f"ibis lists no table {', '.join(missing)} in schema {schema}")
        return {mart: con.table(mart, database=schema).to_pyarrow().num_rows for mart in marts}
    finally:
        con.disconnect()


def read_with_sqlalchemy(database: str, schema: str, marts: list[str]) -> dict[str, int]:
    import sqlalchemy

    engine = sqlalchemy.create_engine(f"duckdb:///{database}", connect_args={"read_only": True})
    try:
        listed = set(sqlalchemy.inspect(engine).get_table_names(schema=schema))
        missing = sorted(set(marts) - listed)
        if missing:
            raise LookupError(f"SQLAlchemy lists no table {', '.join(missing)} in schema {schema}")
        counts = {}
        inspector = sqlalchemy.inspect(engine)
        with engine.connect() as connection:
            for mart in marts:
                # the columns and their types as a BI tool lists them (Superset's dataset editor)
                columns = [column["name"] for column in inspector.get_columns(mart, schema=schema)]
                if not columns:
                    raise LookupError(f"SQLAlchemy lists no column of {schema}.{mart}")
                selected = ", ".join(f'"{column}"' for column in columns)
                query = sqlalchemy.text(f'select {selected} from "{schema}"."{mart}"')
                counts[mart] = len(connection.execute(query).fetchall())
        return counts
    finally:
        engine.dispose()


CLIENTS: dict[str, Callable[[str, str, list[str]], dict[str, int]]] = {
    "duckdb": read_with_duckdb,
    "ibis": read_with_ibis,
    "sqlalchemy": read_with_sqlalchemy,
}


def main(argv: list[str]) -> int:
    database, schema, *marts = argv
    import duckdb

    result: dict[str, object] = {"duckdb_version": duckdb.__version__, "rows": {}, "errors": {}}
    for name, read in CLIENTS.items():
        try:
            result["rows"][name] = read(database, schema, marts)
        except Exception as error:  # reported by client, the checker names it
            last = traceback.format_exception_only(type(error), error)[-1].strip()
            result["errors"][name] = last
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
