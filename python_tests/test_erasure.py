"""Erasure on an existing warehouse (issue 16): one new erasure request, one build, and nothing of
the person is left in any table, view, stored test failure, export, artefact, log or in the
warehouse file's bytes.

The drill: a warehouse is built from generated data in which the customer to be erased also has
an older version (another city) and their e-mail address inside a page path (plain and
URL-encoded) and their phone number in a campaign name. Then the erasure request arrives and the
build runs again as `make build` runs it (dbt build, compact, export, erasure check)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest

from engagement_warehouse.erasure import compact, find_leaks
from engagement_warehouse.export import export_marts
from engagement_warehouse.generator import generate

from .conftest import PROJECT_DIR, dbt_env, run_dbt

CLI = str(Path(sys.executable).with_name("engagement-warehouse"))


def _raw(raw: Path, table: str) -> str:
    return f"read_parquet('{raw / (table + '.parquet')}')"


def _rewrite(raw: Path, table: str, sql: str) -> None:
    """Replaces a raw Parquet file by the result of `sql` over it (the table is named `t`)."""
    with duckdb.connect() as con:
        con.execute(f"create table t as select * from {_raw(raw, table)}")
        con.execute(sql)
        con.execute(f"copy t to '{raw / (table + '.parquet')}' (format parquet)")


def _all_text_cells(database: Path, values: list[str], digits: list[str]) -> list[tuple]:
    """Independent scan (not the dbt test's SQL): every text column of every table and view in
    every schema but the raw views (shop, the erasure list, the raw customers view), whole values
    and substrings."""
    found = []
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.execute("""
            select table_schema, table_name, column_name from information_schema.columns
            where data_type = 'VARCHAR' and table_schema not in ('shop')
              and table_name not in ('base_shop__erased_customers', 'base_shop__raw_customers')""").fetchall()
        for schema, table, column in columns:
            cell = f'"{schema}"."{table}"."{column}"'
            conditions = [f"contains(lower(replace({cell}, '%40', '@')), '{v.lower()}')" for v in values]
            conditions += [f"contains(regexp_replace({cell}, '[^0-9]', '', 'g'), '{d}')" for d in digits]
            count = con.execute(f'select count(*) from "{schema}"."{table}" where {" or ".join(conditions)}').fetchone()[0]
            if count:
                found.append((schema, table, column, count))
    return found


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    base = tmp_path_factory.mktemp("erasure")
    raw = base / "raw"
    generate(raw, scale=0.005, seed=42)
    with duckdb.connect() as con:
        person = con.execute(f"""
            select customer_id, email, phone, full_name, city from {_raw(raw, 'customers')} c
            where email is not null and phone is not null and full_name is not null
              and customer_id in (select customer_id from {_raw(raw, 'orders')})
              and (select count(*) from {_raw(raw, 'events')} e where e.customer_id = c.customer_id) >= 3
              and (select count(*) from {_raw(raw, 'customers')} o where o.full_name = c.full_name) = 1
              and customer_id not in (select customer_id from {_raw(raw, 'privacy_requests')})
            order by customer_id limit 1""").fetchone()
    customer_id, email, phone, full_name, city = person
    # the person's e-mail in page paths and phone in a campaign name; an older version elsewhere
    _rewrite(raw, "events", f"""
        update t set page_path = case when event_id = (select min(event_id) from t where customer_id = '{customer_id}')
                                     then '/account/settings?email={email}'
                                     else '/newsletter/confirm?to={quote(email, safe='')}' end
        where event_id in (select event_id from t where customer_id = '{customer_id}' order by event_id limit 2);
        update t set utm_campaign = 'whatsapp {phone}'
        where event_id = (select max(event_id) from t where customer_id = '{customer_id}')""")
    _rewrite(raw, "customers", f"""
        insert into t select * replace ('Old Version City' as city, '2019-01-01 00:00:00' as updated_at)
        from t where customer_id = '{customer_id}'""")
    work = base / "work"
    env_salt = dbt_env(raw, work)["PII_HASH_SALT"]
    first = run_dbt(["build"], raw, work)
    assert first.returncode == 0, first.output[-3000:]
    database = first.database
    export_marts(database, work / "exports")
    before_bytes = database.read_bytes()
    with duckdb.connect(str(database), read_only=True) as con:
        before_tables = con.execute(
            "select count(*) from staging.base_shop__customers where email = lower(?)", [email]).fetchone()[0]

    # the erasure request arrives
    _rewrite(raw, "privacy_requests", f"""
        insert into t select * replace ('R_DRILL' as request_id, '{customer_id}' as customer_id,
                                        'erasure' as request_type)
        from t limit 1""")
    second = run_dbt(["build"], raw, work)
    after_build_bytes = database.read_bytes()
    sizes = compact(database)
    export_marts(database, work / "exports")
    check = subprocess.run(
        [CLI, "erasure-check", "--database", str(database), "--exports", str(work / "exports"),
         "--artefacts", str(work / "target"), "--artefacts", str(work / "logs")],
        cwd=PROJECT_DIR, env=dbt_env(raw, work), capture_output=True, text=True)
    return {
        "person": dict(customer_id=customer_id, email=email, phone=phone, full_name=full_name, city=city),
        "raw": raw, "work": work, "database": database, "second": second, "check": check, "sizes": sizes,
        "before_bytes": before_bytes, "after_build_bytes": after_build_bytes, "before_tables": before_tables,
        "salt": env_salt,
    }


def test_the_person_was_in_the_warehouse_and_its_bytes_before_the_request(drill):
    person = drill["person"]
    assert drill["before_tables"] == 2  # the current and the older version
    assert person["email"].lower().encode() in drill["before_bytes"]


def test_one_build_after_a_new_request_passes_every_test(drill):
    second = drill["second"]
    assert second.returncode == 0, second.output[-3000:]
    assert re.search(r"PASS .*erased_customers_have_no_personal_data_anywhere", second.output) or \
        re.search(r"erased_customers_have_no_personal_data_anywhere .* \[.*PASS", second.output), second.output[-3000:]


def test_no_table_or_view_holds_any_value_of_the_person(drill):
    person = drill["person"]
    digits = re.sub(r"[^0-9]", "", person["phone"])
    values = [person["email"], person["full_name"], person["customer_id"]]
    assert _all_text_cells(drill["database"], values, [digits[-8:]]) == []
    # the older version's city is not in the audit of rejected rows either
    assert _all_text_cells(drill["database"], ["Old Version City"], []) == []


def test_the_page_paths_of_the_person_are_masked_and_kept(drill):
    with duckdb.connect(str(drill["database"]), read_only=True) as con:
        paths = sorted(r[0] for r in con.execute(
            "select page_path from staging.base_shop__events where page_path like '%[email]%'").fetchall())
        campaigns = [r[0] for r in con.execute(
            "select utm_campaign from staging.base_shop__events where utm_campaign like 'whatsapp%'").fetchall()]
    assert paths == ["/account/settings?email=[email]", "/newsletter/confirm?to=[email]"]
    assert campaigns == ["whatsapp [phone]"]


def test_the_file_is_rewritten_and_its_bytes_hold_no_value_of_the_person(drill):
    person = drill["person"]
    before, after = drill["sizes"]
    assert before > 0 and after > 0
    compacted = drill["database"].read_bytes()
    # the raw id too: the erasure list is a view, and the rows the incremental models deleted are
    # gone with the old file (measured: 38 copies of the id left by the build alone, 0 after)
    for value in (person["email"], person["email"].lower(), person["full_name"], person["customer_id"]):
        assert value.encode() not in compacted


def test_the_erasure_check_finds_nothing_in_the_file_exports_and_artefacts(drill):
    check = drill["check"]
    assert check.returncode == 0, check.stdout + check.stderr
    assert "none found" in check.stdout and "Traceback" not in check.stderr


def test_the_stored_failures_of_the_erasure_test_never_list_values(drill):
    with duckdb.connect(str(drill["database"]), read_only=True) as con:
        columns = [r[0] for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_name = 'erased_customers_have_no_personal_data_anywhere' order by ordinal_position").fetchall()]
    assert columns == ["model_name", "column_name", "personal_data_kind", "matching_values"]


@pytest.mark.parametrize("test_name", ["erased_customers_have_no_personal_data_anywhere", "no_mart_holds_personal_data",
                                       "every_mart_country_code_is_upper_case_and_in_the_countries_seed"])
def test_the_tests_that_scan_built_relations_run_after_every_model(drill, test_name):
    manifest = json.loads((drill["work"] / "target" / "manifest.json").read_text())
    test_id = next(k for k, node in manifest["nodes"].items() if node["name"] == test_name)
    parents = manifest["parent_map"]
    ancestors, stack = set(), [test_id]
    while stack:
        for parent in parents.get(stack.pop(), []):
            if parent not in ancestors:
                ancestors.add(parent)
                stack.append(parent)
    models = {k for k, node in manifest["nodes"].items() if node["resource_type"] in ("model", "seed")}
    assert models - ancestors == set(), "add these models to macros/tests/after_every_model.sql"


def test_the_erasure_test_finds_an_address_inside_text_and_names_no_value(drill, tmp_path):
    person = drill["person"]
    work = tmp_path / "work"
    shutil.copytree(drill["work"], work, ignore=shutil.ignore_patterns("target", "logs"))
    with duckdb.connect(str(work / "warehouse.duckdb")) as con:
        con.execute(f"""update intermediate.int_events_sessionized
                        set page_path = '/x?who={quote(person['email'], safe='')}'
                        where event_id = (select min(event_id) from intermediate.int_events_sessionized)""")
        con.execute(f"""update marts.fct_sessions set landing_page = 'call {person['phone']}'
                        where session_id = (select min(session_id) from marts.fct_sessions)""")
        # an identifier whose digits end like the phone (sequence numbers do, by chance, once
        # there are millions) is not a phone in text
        ending = re.sub(r"[^0-9]", "", person["phone"])[-8:]
        con.execute(f"""update marts.fct_orders set order_id = 'O0{ending}'
                        where order_id = (select max(order_id) from marts.fct_orders)""")
    leak = run_dbt(["test", "-s", "erased_customers_have_no_personal_data_anywhere"], drill["raw"], work)
    assert leak.returncode != 0
    rows = leak.query("select model_name, column_name, personal_data_kind, matching_values "
                      "from audit.erased_customers_have_no_personal_data_anywhere order by 1")
    assert rows == [("fct_sessions", "landing_page", "phone_in_text", 1),
                    ("int_events_sessionized", "page_path", "email_in_text", 1)]
    assert person["email"] not in leak.output and person["email"].lower() not in leak.output


def test_the_erasure_check_names_a_leaking_export_and_artefact(drill, tmp_path):
    person = drill["person"]
    exports = tmp_path / "exports"
    shutil.copytree(drill["work"] / "exports", exports)
    with duckdb.connect() as con:
        con.execute(f"""copy (select 'hello {person['email']}' as note) to '{exports / "leaky.parquet"}'
                        (format parquet)""")
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "dbt.log").write_text(f"some line with {person['full_name']} in it\n")
    _, leaks = find_leaks(drill["database"], exports, [logs])
    assert sorted((Path(leak.place.split(":")[0]).name, leak.kind, leak.count) for leak in leaks) == [
        ("dbt.log", "full_name", 1), ("leaky.parquet", "email in text", 1)]


def test_the_erasure_test_scans_the_run_history(drill, tmp_path):
    person = drill["person"]
    work = tmp_path / "work"
    shutil.copytree(drill["work"], work, ignore=shutil.ignore_patterns("target", "logs"))
    # the two builds of the drill left their runs in the history; plant the e-mail in one row
    with duckdb.connect(str(work / "warehouse.duckdb")) as con:
        assert con.execute("select count(*) from history.dbt_runs").fetchone()[0] == 2
        con.execute("update history.node_results set node_name = ? "
                    "where unique_id = (select min(unique_id) from history.node_results)", [person["email"]])
    leak = run_dbt(["test", "-s", "erased_customers_have_no_personal_data_anywhere"], drill["raw"], work)
    assert leak.returncode != 0
    rows = leak.query("select distinct model_name, column_name "
                      "from audit.erased_customers_have_no_personal_data_anywhere")
    assert rows == [("history.node_results", "node_name")]
    assert person["email"] not in leak.output
