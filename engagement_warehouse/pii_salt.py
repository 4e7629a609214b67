"""dbt-duckdb plugin (profiles.yml, `plugins`): the salt of the personal-data hashes as
a DuckDB variable of every connection dbt opens, so that the SQL reads it at run time with
`getvariable('pii_hash_salt')` (macro pii_hash_salt_sql) and the value never appears in compiled or
run SQL, manifest.json, run_results.json, the docs or the logs. dbt renders env_var() into the
SQL text it writes to all of those; DuckDB's getenv() exists only in its command-line shell.

Variables belong to one DuckDB connection and dbt-duckdb gives each thread a cursor of its own,
so both the connection and every cursor get them. Nothing is logged.
"""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin

ENV_VAR = "PII_HASH_SALT"
# The public salt of the demo data (macro demo_pii_hash_salt): check_pii_hash_salt refuses it on
# any other data.
DEMO_SALT = "demo-salt-change-me"


def salt_variables() -> dict[str, object]:
    """pii_hash_salt: PII_HASH_SALT, or the demo salt when it is unset or empty;
    pii_hash_salt_is_set: whether PII_HASH_SALT was set (the check names which case it is)."""
    salt = os.environ.get(ENV_VAR, "")
    return {"pii_hash_salt": salt or DEMO_SALT, "pii_hash_salt_is_set": bool(salt)}


def set_salt_variables(connection) -> None:
    for name, value in salt_variables().items():
        # a parameter, not SQL text: the value is in no statement DuckDB or dbt could log
        connection.execute(f"set variable {name} = $1", [value])


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        set_salt_variables(conn)

    def configure_cursor(self, cursor) -> None:
        set_salt_variables(cursor)
