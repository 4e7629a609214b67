"""The salt of the personal-data hashes (PII_HASH_SALT) is a secret: it must reach no artefact.

One dbt build at scale 0.005 with a distinctive salt, then `dbt docs generate --static`, the
quality checkpoint, the Parquet exports and the report: not one file under the run's target/,
logs/, the warehouse file, the Data Docs, the exports or the report holds the salt. The hashes
are still sha256(salt || '|' || value), computed here with hashlib. On the generator's demo data
without a salt of one's own, every build says that the public demo salt hashes the personal data.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.generator import generate

from engagement_warehouse.spark.build import SparkBuildError, spark_build

from .conftest import DBT, PROJECT_DIR, dbt_env, run_dbt

SALT = "Zq7-distinctive-salt-4f1c9e"
CLI = str(Path(sys.executable).with_name("engagement-warehouse"))


def files_holding(folder: Path, needle: bytes) -> list[str]:
    return sorted(str(path) for path in folder.rglob("*") if path.is_file() and needle in path.read_bytes())


@pytest.fixture(scope="module")
def salted_build(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("salted")
    generate(work / "raw", scale=0.005, seed=3)
    os.environ["PII_HASH_SALT"] = SALT
    try:
        build = run_dbt(["build"], work / "raw", work / "build")
        assert build.returncode == 0, build.output[-3000:]
        docs = run_dbt(["docs", "generate", "--static"], work / "raw", work / "build")
        assert docs.returncode == 0, docs.output[-3000:]
        assert (work / "build" / "target" / "static_index.html").is_file()
        env = {**os.environ, "DUCKDB_TEMP_DIR": str(work / "build" / "tmp")}
        for command in (["quality", "--docs-dir", str(work / "quality_docs")],
                        ["export", "--out", str(work / "exports")],
                        ["report", "--out", str(work / "report" / "index.html")]):
            run = subprocess.run([CLI, command[0], "--database", str(build.database), *command[1:]],
                                 capture_output=True, text=True, env=env, timeout=900)
            assert run.returncode == 0, run.stdout + run.stderr
            assert SALT not in run.stdout + run.stderr
    finally:
        del os.environ["PII_HASH_SALT"]
    return work


def test_the_salt_is_in_no_artefact_log_warehouse_or_output(salted_build):
    folders = [salted_build / "build", salted_build / "quality_docs", salted_build / "exports",
               salted_build / "report"]
    assert (salted_build / "build" / "warehouse.duckdb").is_file()
    assert len(list((salted_build / "build" / "target").rglob("*.sql"))) > 100
    assert (salted_build / "build" / "logs" / "dbt.log").stat().st_size > 0
    hits = [hit for folder in folders for hit in files_holding(folder, SALT.encode())]
    assert hits == [], "\n".join(hits)


def test_hashes_are_sha256_of_salt_bar_value(salted_build):
    with duckdb.connect(str(salted_build / "build" / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("""
            select customers.email, customers.phone, dim.email_hash, dim.phone_hash
            from staging.stg_shop__customers as customers
            inner join marts.dim_customers as dim on customers.customer_id = dim.customer_id
            where customers.email is not null and customers.phone is not null
            order by customers.customer_id
            limit 5
        """).fetchall()
    assert len(rows) == 5
    for email, phone, email_hash, phone_hash in rows:
        assert email_hash == hashlib.sha256(f"{SALT}|{email}".encode()).hexdigest()
        assert phone_hash == hashlib.sha256(f"{SALT}|{phone}".encode()).hexdigest()


def test_the_demo_salt_on_demo_data_is_said_on_every_run(tmp_path):
    raw = tmp_path / "raw"
    generate(raw, scale=0.005, seed=3)  # with the generator's marker: demo data
    env = {key: value for key, value in dbt_env(raw, tmp_path).items() if key != "PII_HASH_SALT"}
    run = subprocess.run([DBT, "seed", "--select", "countries", "--target-path", str(tmp_path / "target"),
                          "--log-path", str(tmp_path / "logs")], cwd=PROJECT_DIR, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:]
    assert (f"Warning: PII_HASH_SALT is not set: the personal data of the demo data in {raw} is hashed with the "
            "public demo salt (refused on any other data). Set PII_HASH_SALT to a secret of your own before "
            "loading real customers.") in run.stdout


@pytest.mark.parametrize("salt", ["it's-mine", "back\\slash"])
def test_spark_refuses_a_salt_it_would_read_as_sql(salt, monkeypatch):
    monkeypatch.setenv("DBT_TARGET", "spark")
    monkeypatch.setenv("PII_HASH_SALT", salt)
    with pytest.raises(SparkBuildError, match=r"PII_HASH_SALT holds a quote \('\) or a backslash"):
        spark_build([])
