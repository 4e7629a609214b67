"""The DuckDB errors a user meets in normal use, as one line that says what to do.

Two come from running things side by side or on a small machine:
- a lock conflict: DuckDB lets one process write the warehouse file and nobody else open it
  meanwhile (a second build, a notebook or BI tool with the file open, the quality checkpoint
  or the export during a build). DuckDB's message names the file and the holder's program and PID.
- out of memory: DuckDB's own hint says `SET memory_limit`, which the project sets for you from
  DUCKDB_MEMORY_LIMIT (profiles.yml) or, for the quality checkpoint, --memory-limit.
`explain` turns either into one line; any other text gives None.
"""

from __future__ import annotations

import re

LOCK = re.compile(r'Could not set lock on file "(?P<file>[^"]+)": Conflicting lock is held in '
                  r'(?P<program>.*?) \(PID (?P<pid>\d+)\)')
OUT_OF_MEMORY = re.compile(r"Out of Memory Error: (?P<detail>[^\n]*?)(?:\s+Possible solutions:|\n|$)")
# The lines of DuckDB's out-of-memory hint that name its SQL settings (SET memory_limit, threads,
# preserve_insertion_order) and its tuning guide, which the profile's environment variables replace.
OUT_OF_MEMORY_HINT = re.compile(r"^\s*(Possible solutions:|\* .*\(SET [a-z_]+ ?=.*\)|See also \S*how_to_tune_workloads\S*)\s*$")

# Where the memory of a dbt build is set: the profile reads it from the environment.
BUILD_MEMORY = ("raise DUCKDB_MEMORY_LIMIT (the dbt profile's memory_limit, profiles.yml; default 3000MB), "
                "or lower DUCKDB_THREADS or DBT_THREADS")


def lock_conflict(text: str) -> str | None:
    found = LOCK.search(text)
    if found is None:
        return None
    return (f"{found['file']} is locked by another process: {found['program']} (PID {found['pid']}). "
            "Only one process at a time may open a DuckDB file while it is being written: wait for that build "
            f"to finish or close that connection (a notebook: con.close() or restart its kernel; `kill {found['pid']}` "
            "if it hangs), then run this again. Notebooks and BI tools can read the Parquet exports instead (make export).")


def out_of_memory(text: str, memory_setting: str = BUILD_MEMORY) -> str | None:
    found = OUT_OF_MEMORY.search(text)
    if found is None:
        return None
    return f"DuckDB ran out of memory ({found['detail'].strip()}): {memory_setting}; what does not fit in memory " \
           "spills to DUCKDB_TEMP_DIR, which needs free disk space."


def explain(text: str, memory_setting: str = BUILD_MEMORY) -> str | None:
    """One line for a lock conflict or an out-of-memory error found in text, else None."""
    return lock_conflict(text) or out_of_memory(text, memory_setting)
