"""Plain dbt as dbt users run it: in a fresh clone with no environment variable (the profile is
found in the project folder), a dev target beside prod in one file (schemas by target), dbt clone
from prod's artefacts, slim CI that finds nothing to do when nothing changed, and the models'
descriptions in the database as comments (persist_docs)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.generator import generate

from .conftest import DBT, PROJECT_DIR, BuiltWarehouse, run_dbt


def fresh_clone(destination: Path) -> Path:
    """The files a `git clone` of the project holds (tracked, and new files not ignored), copied."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        source = PROJECT_DIR / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def bare_environment(home: Path) -> dict[str, str]:
    """No dbt, DuckDB or project variable, and a HOME without ~/.dbt."""
    project_variables = ("DBT_", "DUCKDB_", "RAW_DATA_", "PII_HASH_SALT", "SPARK_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(project_variables)}
    env["HOME"] = str(home)
    return env


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    home = tmp_path_factory.mktemp("empty_home")
    return fresh_clone(tmp_path_factory.mktemp("clone")), bare_environment(home)


def plain_dbt(args: list[str], project: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([DBT, *args], cwd=project, env=env, capture_output=True, text=True, timeout=900)


def test_dbt_debug_and_parse_in_a_fresh_clone_with_no_variable(clone):
    project, env = clone
    assert not (Path(env["HOME"]) / ".dbt").exists() and "DBT_PROFILES_DIR" not in env

    debug = plain_dbt(["debug"], project, env)
    assert debug.returncode == 0, (debug.stdout + debug.stderr)[-3000:]
    assert f"Using profiles.yml file at {project / 'profiles.yml'}" in debug.stdout
    assert "All checks passed!" in debug.stdout
    assert "'target' is undefined" not in debug.stdout

    parse = plain_dbt(["parse"], project, env)
    assert parse.returncode == 0, (parse.stdout + parse.stderr)[-3000:]

    # the marts' groups, owners and access, and the layers' tags, as parsed
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    nodes = manifest["nodes"]
    mart = nodes["model.latam_engagement.customer_lifetime_value"]
    assert (mart["group"], mart["access"], sorted(mart["tags"])) == ("value", "public", ["daily", "marts"])
    shared = nodes["model.latam_engagement.int_persons"]
    assert (shared["group"], shared["access"], sorted(shared["tags"])) == (None, "protected", ["daily", "intermediate"])
    assert manifest["groups"]["group.latam_engagement.value"]["owner"]["name"] == "Data science"
    assert len(manifest["groups"]) == 7
    assert [selector for selector in manifest["selectors"]] == ["daily", "staging", "intermediate", "marts", "audit"]


def test_a_profile_elsewhere_is_reported_not_a_jinja_error(clone, tmp_path):
    """dbt renders dbt_project.yml before it finds the profile: with none found it must say so,
    not fail on a `target` the project file reads."""
    project, env = clone
    debug = plain_dbt(["debug", "--profiles-dir", str(tmp_path)], project, env)
    assert "'target' is undefined" not in debug.stdout + debug.stderr
    assert f"dbt looked for a profiles.yml file in {tmp_path / 'profiles.yml'}, but did" in debug.stdout


def test_dbt_build_of_the_staging_selector_in_a_fresh_clone(clone):
    """The demo raw folder (var raw_data_dir_default, data/raw) and the default target (prod,
    data/warehouse.duckdb): the schemas BI tools read keep their names."""
    project, env = clone
    generate(project / "data" / "raw", scale=0.005, seed=42)
    build = plain_dbt(["build", "--selector", "staging"], project, env)
    assert build.returncode == 0, (build.stdout + build.stderr)[-3000:]
    # every description persisted names a column of its model
    assert "are specified in the schema but are not present in the database" not in build.stdout
    with duckdb.connect(str(project / "data" / "warehouse.duckdb"), read_only=True) as connection:
        schemas = {row[0] for row in connection.execute(
            "select distinct table_schema from information_schema.tables where table_catalog = 'warehouse'").fetchall()}
        countries = connection.execute("select count(*) from reference.countries").fetchone()[0]
    # the raw files' views (shop), staging, the seeds, the failing rows of staging's tests
    # (audit) and the run history (history); nothing of the other layers
    assert schemas == {"shop", "staging", "reference", "audit", "history"}
    seed_rows = sum(1 for _ in (PROJECT_DIR / "seeds" / "countries.csv").open()) - 1
    assert countries == seed_rows


def state_of(built: BuiltWarehouse, work: Path) -> Path:
    """prod's artefacts and a copy of its file, as a deployment would keep them."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(built.database, work / "warehouse.duckdb")
    state = work / "prod_state"
    state.mkdir()
    shutil.copy(built.work_dir / "target" / "manifest.json", state / "manifest.json")
    return state


def test_dbt_clone_to_dev_sits_beside_prod(built_warehouse: BuiltWarehouse, tmp_path):
    work = tmp_path / "build"
    state = state_of(built_warehouse, work)
    cloned = run_dbt(["clone", "--state", str(state), "--target", "dev"], built_warehouse.raw_dir, work)
    assert cloned.returncode == 0, cloned.output[-3000:]
    assert "syntax error" not in cloned.output

    marts = [name for name, in cloned.query(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1")]
    dev_marts = [name for name, in cloned.query(
        "select table_name from information_schema.tables where table_schema = 'dev_marts' order by 1")]
    assert "customer_lifetime_value" in marts and dev_marts == marts
    same = cloned.query("select (select count(*) from marts.customer_lifetime_value), "
                        "(select count(*) from dev_marts.customer_lifetime_value)")[0]
    assert same[0] == same[1] > 0
    # prod's schemas are untouched: dev wrote only dev_ ones
    schemas = {name for name, in cloned.query(
        "select distinct table_schema from information_schema.tables where table_catalog = 'warehouse'")}
    assert {"marts", "staging", "intermediate", "audit", "reference"} <= schemas
    assert {schema for schema in schemas if not schema.startswith("dev_")} == \
        {"shop", "marts", "staging", "intermediate", "audit", "reference", "semantic", "history"}


def test_slim_ci_with_no_change_selects_nothing_and_warns_nothing(built_warehouse: BuiltWarehouse, tmp_path):
    work = tmp_path / "build"
    state = state_of(built_warehouse, work)
    run = run_dbt(["build", "--select", "state:modified+", "--state", str(state)], built_warehouse.raw_dir, work)
    assert run.returncode == 0, run.output[-3000:]
    assert "Breaking change" not in run.output
    assert "Nothing to do" in run.output
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    assert results == []


def test_descriptions_reach_the_database_as_comments(built_warehouse: BuiltWarehouse):
    comments = dict(built_warehouse_query(built_warehouse,
        "select column_name, comment from duckdb_columns() "
        "where schema_name = 'marts' and table_name = 'clv_cac_by_channel' "
        "and column_name in ('acquisition_channel', 'cac_usd')"))
    assert comments["acquisition_channel"] == \
        "Acquisition channel of the person's first customer id, and the spend's channel."
    assert comments["cac_usd"].startswith("spend_usd / new_customers. **CAC** (customer acquisition cost)")
    table_comment = built_warehouse_query(built_warehouse,
        "select comment from duckdb_tables() where schema_name = 'marts' and table_name = 'dim_customers'")
    assert table_comment[0][0].startswith("One row per customer id (an account or a guest checkout)")


def built_warehouse_query(built: BuiltWarehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(built.database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_a_seed_whose_columns_changed_reloads_into_an_older_warehouse_file(small_parquet: Path, tmp_path):
    """A warehouse file built by an older version of the project holds a seed table with the old
    columns (sentiment_lexicon before issue 20 had no `kind`): dbt seed drops and reloads it
    (seeds are configured full_refresh) instead of failing to insert into the old table."""
    raw = small_parquet
    args = ["seed", "--select", "sentiment_lexicon"]
    first = run_dbt(args, raw, tmp_path / "work")
    assert first.returncode == 0, first.output[-2000:]
    with duckdb.connect(str(first.database)) as con:
        con.execute("alter table reference.sentiment_lexicon drop column kind")
    again = run_dbt(args, raw, tmp_path / "work")
    assert again.returncode == 0, again.output[-2000:]
    csv_rows = sum(1 for _ in (PROJECT_DIR / "seeds" / "sentiment_lexicon.csv").open(encoding="utf-8")) - 1
    assert again.query("select count(*), count(kind) from reference.sentiment_lexicon") == [(csv_rows, csv_rows)]
