"""Erasure beyond the tables dbt builds: the warehouse file's bytes, the Parquet exports and the
artefacts (dbt's target/ and logs/, the quality Data Docs, the report).

dbt's test `erased_customers_have_no_personal_data_anywhere` checks every model and seed after
the build. Two things it cannot see are handled here:

- DuckDB keeps the bytes of a replaced or deleted table in the file until the space is reused,
  so a person erased today can still be read from the file with a hex editor. `compact` copies
  the database into a fresh file (COPY FROM DATABASE, which writes only live data) and renames
  it over the old one; `make build` runs it after every dbt build.
- Files outside the database. `find_leaks` looks for the erased persons' clear values (e-mail,
  phone, full name, as entered and normalised) in the file's bytes, in every text column of the
  exports (also inside longer text) and in every file under the artefact folders. A leak is
  reported by place and kind, never by value.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .profile import duckdb_storage_version

# The same shapes the dbt test looks for inside text (tests/erased_customers_have_no_personal_data_anywhere.sql).
EMAIL_PATTERN = r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}"
PHONE_PATTERN = r"\+?[0-9][0-9 ().-]{6,}[0-9]"


class ErasureError(RuntimeError):
    """The warehouse cannot be checked or compacted (named file, reason)."""


@dataclass(frozen=True)
class PersonalValue:
    kind: str
    value: str


@dataclass(frozen=True)
class Leak:
    place: str
    kind: str
    count: int

    def line(self) -> str:
        return f"{self.place}: {self.count} {self.kind} value(s) of an erased customer"


def erased_personal_values(database: str | Path) -> list[PersonalValue]:
    """The clear values of every customer with an erasure request, read from the raw files
    through the warehouse's raw views (the erasure list is a view over them, never stored)."""
    with duckdb.connect(str(database), read_only=True) as con:
        try:
            rows = con.execute("""
                with erased as (
                    select customer_id from staging.base_shop__erased_customers
                ),
                raw as (
                    select trim(customer_id) as customer_id, trim(email) as email, trim(phone) as phone,
                           trim(full_name) as full_name
                    from staging.base_shop__raw_customers
                ),
                names_of_others as (
                    select full_name from raw where customer_id not in (select customer_id from erased)
                )
                select raw.email, raw.phone,
                       case when raw.full_name not in (select full_name from names_of_others where full_name is not null)
                            then raw.full_name end
                from raw
                where raw.customer_id in (select customer_id from erased)
            """).fetchall()
        except duckdb.Error as error:
            raise ErasureError(f"{database}: cannot read the erasure list and the raw customers "
                               f"(build the warehouse first, from the project folder): {error}") from error
    values: set[PersonalValue] = set()
    for email, phone, full_name in rows:
        if email:
            values |= {PersonalValue("email", email), PersonalValue("email", email.lower())}
        if phone:
            digits = re.sub(r"[^0-9]", "", phone)
            values.add(PersonalValue("phone", phone))
            if len(digits) >= 7:
                values.add(PersonalValue("phone", digits))
        if full_name and len(full_name) >= 5:
            values.add(PersonalValue("full_name", full_name))
    return sorted(values, key=lambda v: (v.kind, v.value))


def compact(database: str | Path) -> tuple[int, int]:
    """Rewrites the database into a fresh file holding only live data and renames it over the
    old one. Returns the file's size before and after. Needs the file for writing (nobody else
    may have it open)."""
    path = Path(database)
    if not path.exists():
        raise ErasureError(f"{path}: no such warehouse file")
    fresh = path.with_name(f".{path.name}.{os.getpid()}.compact")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)
    before = path.stat().st_size
    try:
        with duckdb.connect(str(path)) as con:
            catalog = con.execute("select current_database()").fetchone()[0]
            # A fresh file is written in the newest format unless told otherwise: the build's
            # storage version keeps it readable by duckdb 1.x clients.
            con.execute(f"attach '{fresh}' as compacted (storage_version '{duckdb_storage_version()}')")
            con.execute(f'copy from database "{catalog}" to compacted')
            con.execute("detach compacted")
        os.replace(fresh, path)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
    finally:
        fresh.unlink(missing_ok=True)
        fresh.with_name(fresh.name + ".wal").unlink(missing_ok=True)
    return before, path.stat().st_size


def _grep(values: list[PersonalValue], paths: list[Path]) -> list[Leak]:
    """Fixed-string search of every value in the bytes of the files (grep's Aho-Corasick search,
    the values handed over on standard input so that they are never written to a file)."""
    files = [str(p) for p in paths if p.is_file()]
    if not values or not files:
        return []
    needles = sorted({v.value for v in values})
    completed = subprocess.run(
        ["grep", "--binary-files=text", "--only-matching", "--fixed-strings", "--with-filename",
         "--file=/dev/stdin", "--", *files],
        input="\n".join(needles).encode(), capture_output=True, check=False)
    if completed.returncode > 1:
        raise ErasureError(f"grep failed: {completed.stderr.decode(errors='replace').strip()}")
    kind_of = {v.value.encode(): v.kind for v in values}
    counts: dict[tuple[str, str], int] = {}
    for line in completed.stdout.splitlines():
        name, _, match = line.partition(b":")
        kind = kind_of.get(match, "personal")
        key = (name.decode(errors="replace"), kind)
        counts[key] = counts.get(key, 0) + 1
    return [Leak(place, kind, count) for (place, kind), count in sorted(counts.items())]


def _export_leaks(values: list[PersonalValue], export_dir: Path) -> list[Leak]:
    """Every text column of every Parquet export: whole values, and e-mail addresses and phone
    numbers (by their last eight digits) inside longer text. Parquet is compressed, so its bytes
    say nothing."""
    files = sorted(export_dir.glob("*.parquet")) if export_dir.is_dir() else []
    if not values or not files:
        return []
    emails = sorted({v.value.lower() for v in values if v.kind == "email"})
    endings = sorted({v.value[-8:] for v in values if v.kind == "phone" and v.value.isdigit() and len(v.value) >= 8})
    leaks = []
    with duckdb.connect() as con:
        con.execute("create temporary table whole_values (kind varchar, value varchar)")
        con.executemany("insert into whole_values values (?, ?)", [(v.kind, v.value) for v in values])
        con.execute("create temporary table emails (email varchar)")
        con.executemany("insert into emails values (?)", [(e,) for e in emails])
        con.execute("create temporary table phone_endings (ending varchar)")
        con.executemany("insert into phone_endings values (?)", [(e,) for e in endings])
        for file in files:
            columns = [name for name, type_ in con.execute(
                "select name, type from parquet_schema(?) where type = 'BYTE_ARRAY'", [str(file)]).fetchall()]
            for column in columns:
                cell = f'cast("{column}" as varchar)'
                found = con.execute(f"""
                    with cells as (select {cell} as cell from read_parquet('{file}'))
                    select 'whole value', count(*) from cells inner join whole_values on cells.cell = whole_values.value
                    union all
                    select 'email in text', count(*) from (
                        select unnest(regexp_extract_all(replace(lower(cell), '%40', '@'), '{EMAIL_PATTERN}')) as email
                        from cells where regexp_matches(cell, '@|%40')
                    ) as tokens inner join emails using (email)
                    union all
                    select 'phone in text', count(*) from (
                        select unnest(regexp_extract_all(cell, '{PHONE_PATTERN}')) as phone from cells
                    ) as tokens
                    inner join phone_endings
                        on right(regexp_replace(tokens.phone, '[^0-9]', '', 'g'), 8) = phone_endings.ending
                """).fetchall()
                leaks += [Leak(f"{file}:{column}", kind, count) for kind, count in found if count]
    return leaks


def find_leaks(database: str | Path, export_dir: str | Path | None = None,
               artefact_dirs: list[str | Path] = ()) -> tuple[int, list[Leak]]:
    """The number of erased customers' clear values looked for, and where any of them was found."""
    values = erased_personal_values(database)
    artefacts = []
    for place in map(Path, artefact_dirs):
        found = sorted(place.rglob("*")) if place.is_dir() else [place]
        artefacts += [p for p in found if p.is_file() and not p.is_symlink()]
    leaks = _grep(values, [Path(database), *artefacts])
    if export_dir is not None:
        leaks += _export_leaks(values, Path(export_dir))
    return len(values), leaks
