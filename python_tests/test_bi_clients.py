"""The warehouse file as BI tools and notebooks on duckdb 1.x open it: the client environment of
`make bi-clients` (a pinned duckdb 1.x, ibis, SQLAlchemy with duckdb_engine, apart from the
project's duckdb 2.x) reads every mart of a built warehouse, and of the file `compact` rewrites,
and gets the rows duckdb 2.x counts. duckdb 2.0's own format (storage version 69) is refused by
1.x ("only read versions between 64 and 68"), so these fail on a file written in it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.bi_clients import DEFAULT_PYTHON, check
from engagement_warehouse.erasure import compact
from engagement_warehouse.profile import duckdb_storage_version

CLIENT_PYTHON = Path(os.environ.get("BI_CLIENTS_PYTHON") or DEFAULT_PYTHON)


def storage_version_of(database: Path) -> str:
    with duckdb.connect() as con:
        con.execute(f"attach '{database}' as inspected (read_only)")
        return con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'inspected'").fetchone()[0]


def test_the_build_and_compact_share_one_storage_version():
    # the profile's default, read by compact through engagement_warehouse.profile
    assert duckdb_storage_version() == "v1.3.0"


def test_duckdb_1x_ibis_and_sqlalchemy_read_every_mart_of_the_build(built_warehouse):
    assert storage_version_of(built_warehouse.database) == "v1.3.0+"
    report = check(built_warehouse.database, CLIENT_PYTHON)
    assert report.duckdb_version.startswith("1.")
    assert report.problems == []
    assert "customer_lifetime_value" in report.expected and "cohort_retention" in report.expected
    assert all(rows > 0 for rows in report.expected.values())


def test_the_compacted_file_keeps_the_storage_version(built_warehouse, tmp_path):
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.database, database)
    # a file of duckdb 2.0's own format, as an older build left it: compact writes the old one
    with duckdb.connect(str(tmp_path / "newest.duckdb"), config={"storage_compatibility_version": "latest"}) as con:
        con.execute(f"attach '{database}' as source (read_only)")
        con.execute("copy from database source to newest")
    database.unlink()
    (tmp_path / "newest.duckdb").rename(database)
    assert storage_version_of(database) == "v2.0.0+"

    compact(database)

    assert storage_version_of(database) == "v1.3.0+"
    report = check(database, CLIENT_PYTHON)
    assert report.problems == []
    assert report.expected == check(built_warehouse.database, CLIENT_PYTHON).expected


@pytest.mark.parametrize("client", ["duckdb", "ibis", "sqlalchemy"])
def test_a_file_in_duckdb_2_format_is_reported_per_client(built_warehouse, tmp_path, client):
    database = tmp_path / "newest.duckdb"
    with duckdb.connect(str(database), config={"storage_compatibility_version": "latest"}) as con:
        con.execute(f"attach '{built_warehouse.database}' as source (read_only)")
        con.execute("copy from database source to newest")
    report = check(database, CLIENT_PYTHON)
    problem = next(p for p in report.problems if p.startswith(f"{client}: "))
    assert "only read versions between 64 and 68" in problem
