"""The quality checkpoint: every mart's expectation suite on the built warehouse.

For each suite (suites/), the mart reaches GX through `source` (read-only, pandas, sampled above
`SAMPLE_ROWS`), what GX cannot prove on that DataFrame runs in DuckDB on the full table
(`sql_checks`), and both sets of results become one GX validation result per mart. The run
prints one line per suite, writes GX Data Docs (a static HTML site, made to open offline
by `offline_docs`) and fails when an expectation of error severity fails. Each mart is also
compared with the figures the previous run stored (`drift`: row count, means, category shares;
warnings), and this run's figures are stored for the next one.

An empty mart is validated like any other: its aggregates (means, medians, shares, distinct
counts) are skipped and reported as passed with the reason, and its Data Docs name it
"marts.<mart> (empty: 0 rows)". Exit codes: 0 when no error-severity expectation failed, 1 when
one did (or the Data Docs are incomplete or not offline), 2 when the warehouse or the settings
cannot be read or the checkpoint cannot go on; every message is one line, never a traceback.

GX's own `Checkpoint` runs validation definitions with one set of batch parameters for all of
them and stores only what GX computed, so this module plays its part: validate each mart, store
the merged result in the context's validation results store, build Data Docs once. The GX
context is ephemeral (in memory): the only files written are the Data Docs in `docs_dir` and,
beside them, the history of the runs' figures (`drift.HISTORY_NAME`).

Result format: GX's SUMMARY with `partial_unexpected_count` 0, so a result holds counts and
aggregates (row counts, unexpected counts, means) and never a value of a row; any list of
unexpected values is dropped before results are stored, in case a GX version adds one.
"""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.core import (
    ExpectationSuite,
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.expectations.expectation import Expectation

from ..progress import Progress
from . import drift, offline_docs, settings, source, sql_checks, warehouse_history
from .suites import MartSuite, registry

DOCS_SITE = "quality_docs"
RESULT_FORMAT: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 0}
# Keys of a GX result that can hold values of rows: always removed.
VALUE_KEYS = ("partial_unexpected_list", "partial_unexpected_counts", "partial_unexpected_index_list",
              "unexpected_list", "unexpected_index_list", "unexpected_index_query", "unexpected_rows", "details")
SEVERITY_LABELS = {"critical": "error", "warning": "warning", "info": "info"}
SAMPLE_RULE = "the {n:,} rows with the smallest DuckDB hash() of the grain columns (quality/source.py)"
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
# Expectations on an aggregate of the table: nothing to measure on an empty one (NEED_VALUES: nor
# on a column with no value). Row counts, keys and rules hold or fail on 0 rows like on any.
NEED_VALUES = (gxe.ExpectColumnMeanToBeBetween, gxe.ExpectColumnMedianToBeBetween)
AGGREGATES = (*NEED_VALUES, gxe.ExpectColumnProportionOfNonNullValuesToBeBetween,
              gxe.ExpectColumnUniqueValueCountToBeBetween)


@dataclass
class CheckpointError(source.WarehouseError):
    """The checkpoint could not go on (a bug or a GX failure outside any one expectation)."""


def one_line(error: BaseException) -> str:
    """An exception as one line: its type and its message with line breaks folded."""
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


@dataclass
class Failure:
    mart: str
    severity: str
    expectation: str
    target: str
    detail: str
    evaluated_by: str

    def message(self) -> str:
        where = self.mart if self.target == "*" else f"{self.mart}.{self.target}"
        return f"FAILED [{self.severity}] {where}: {self.expectation}: {self.detail} ({self.evaluated_by})"


@dataclass
class SuiteOutcome:
    mart: str
    evaluated: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    data: str = ""
    in_duckdb: int = 0
    missing: str | None = None

    def messages(self) -> list[str]:
        if self.missing:
            return [f"FAILED [error] {self.mart}: {self.missing}: all {self.evaluated} expectations fail"]
        return [failure.message() for failure in self.failures]

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def passed(self) -> int:
        return self.evaluated - self.failed

    @property
    def worst(self) -> str | None:
        return max((f.severity for f in self.failures), key=SEVERITY_RANK.__getitem__, default=None)


@dataclass
class CheckpointReport:
    outcomes: list[SuiteOutcome]
    docs_index: Path
    seconds: float
    docs_missing: list[str] = field(default_factory=list)
    docs_errors: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Failure]:
        return [f for outcome in self.outcomes for f in outcome.failures]

    @property
    def exit_code(self) -> int:
        """1 when an expectation of error severity failed (or Data Docs could not be rendered or
        made to open offline);
        warnings alone leave it 0."""
        return 1 if self.docs_missing or self.docs_errors or any(f.severity == "error" for f in self.failures) \
            else 0


def run_checkpoint(database: Path, docs_dir: Path, sample_rows: int = source.SAMPLE_ROWS,
                   marts: Iterable[str] | None = None, echo: Callable[[str], None] = print,
                   memory_limit: str | None = None, progress: Progress | None = None) -> CheckpointReport:
    """progress, when given, gets a step per suite as its validation begins and one for the Data
    Docs; the lines echo prints wipe a progress bar first."""
    started = time.perf_counter()
    if progress:
        shown = echo

        def echo(line: str) -> None:
            progress.clear()
            shown(line)

    try:
        suites = registry()
        tolerances = settings.drift_tolerances()
        history = drift.load_history(docs_dir)
        mean_columns = {mart: [b.column for b in bounds if b.kind == "mean"] for mart, bounds in settings.load().items()}
    except settings.SettingsError as error:
        raise source.WarehouseError(str(error)) from None
    if marts:
        wanted = set(marts)
        unknown = wanted - {s.mart for s in suites}
        if unknown:
            raise source.WarehouseError(f"no suite for {', '.join(sorted(unknown))}")
        suites = [s for s in suites if s.mart in wanted]
    compared = {}
    for index, suite in enumerate(suites):
        if (before := drift.previous(history, suite.mart)) is not None:
            compared[suite.mart] = before[0]
            suites[index] = replace(suite, expectations=(*suite.expectations,
                                                         *drift.expectations(suite.mart, *before, tolerances)))
    figures: dict[str, dict[str, Any]] = {}
    context = _context(docs_dir)
    datasource = source.add_datasource(context)
    run_id = RunIdentifier(run_name="quality", run_time=dt.datetime.now(dt.timezone.utc))
    outcomes = []
    if progress:
        progress.start(len(suites) + 1)
    with source.open_warehouse(database, memory_limit=memory_limit) as con:
        parameters = _parameters(con, suites)
        echo(f"{'suite':<30}{'checks':>7}{'passed':>8}{'failed':>8}  {'worst':<8}{'seconds':>8}"
             f"{'in DuckDB':>10}  validated in GX")
        for suite in suites:
            if progress:
                progress.step(suite.mart)
            try:
                outcome = _validate(context, datasource, con, suite, parameters, sample_rows, run_id)
            except Exception as error:  # noqa: BLE001 - one line naming the mart, never a traceback
                raise CheckpointError(f"{suite.mart}: the checkpoint stopped: {one_line(error)}") from None
            outcomes.append(outcome)
            if source.mart_exists(con, suite.mart):
                figures[suite.mart] = drift.measure(con, f"{source.SCHEMA}.{sql_checks.quote(suite.mart)}",
                                                    mean_columns.get(suite.mart, []), list(suite.categories))
            echo(f"{outcome.mart:<30}{outcome.evaluated:>7}{outcome.passed:>8}{outcome.failed:>8}  "
                 f"{outcome.worst or '-':<8}{outcome.seconds:>8.2f}{outcome.in_duckdb:>10}  {outcome.data}")
    history_error = warehouse_history.append(database, f"quality-{run_id.run_time:%Y%m%dT%H%M%S.%fZ}", run_id.run_time, [
        # a missing mart fails all its expectations, as its message says
        warehouse_history.MartResult(o.mart, o.evaluated, o.evaluated if o.missing else o.failed,
                                     o.evaluated if o.missing else sum(f.severity == "error" for f in o.failures),
                                     0 if o.missing else sum(f.severity != "error" for f in o.failures))
        for o in outcomes])
    if progress:
        progress.step("Data Docs")
    docs_index = _build_docs(context, docs_dir)
    if progress:
        progress.finish()
    stored = drift.store(docs_dir, run_id.run_time, figures, history)
    docs_errors = []
    try:
        offline_docs.make_offline(docs_dir)
    except offline_docs.OfflineDocsError as error:
        docs_errors.append(str(error))
    report = CheckpointReport(outcomes, docs_index, time.perf_counter() - started,
                              docs_missing=_missing_pages(docs_dir, [o.mart for o in outcomes]),
                              docs_errors=docs_errors)
    failures = report.failures
    errors = sum(f.severity == "error" for f in failures)
    echo(f"{len(outcomes)} suites, {sum(o.evaluated for o in outcomes)} expectations "
         f"({sum(o.in_duckdb for o in outcomes)} on full tables in DuckDB): "
         f"{sum(o.passed for o in outcomes)} passed, {len(failures)} failed ({errors} error, "
         f"{len(failures) - errors} warning) in {report.seconds:.1f} s; Data Docs: {docs_index}")
    runs = sorted(set(compared.values()))
    echo(f"Drift: {len(compared)} of {len(outcomes)} marts compared with the previous run "
         f"({', '.join(runs) if runs else 'none stored yet'}); this run's figures stored in {stored}")
    echo(f"Run history: the results of {len(outcomes)} mart(s) appended to {warehouse_history.TABLE}" if history_error is None
         else f"Run history: not written ({history_error}); the checkpoint's result stands")
    for outcome in outcomes:
        for message in outcome.messages():
            echo(message)
    for page in report.docs_missing:
        echo(f"FAILED Data Docs: GX did not render {page} (see its message above)")
    for message in report.docs_errors:
        echo(f"FAILED Data Docs: {message}")
    return report


def _validate(context, datasource, con: duckdb.DuckDBPyConnection, suite: MartSuite, parameters: dict[str, Any],
              sample_rows: int, run_id: RunIdentifier) -> SuiteOutcome:
    started = time.perf_counter()
    outcome = SuiteOutcome(mart=suite.mart)
    expectations = suite.all_expectations()
    context.suites.add(ExpectationSuite(name=suite.mart, expectations=[e.copy(deep=True) for e in expectations],
                                        meta={"grain": list(suite.grain)}))
    results: list[ExpectationValidationResult] = []
    meta: dict[str, Any] = {}
    try:
        data = source.load_mart(con, suite.mart, suite.grain, sample_rows)
    except source.WarehouseError as error:
        # every expectation fails, the summary says why once
        results = [sql_checks.failed_result(e, parameters, str(error)) for e in expectations]
        outcome.data, outcome.missing = "nothing: the mart is missing", str(error)
        batch = {"data_asset_name": f"{source.SCHEMA}.{suite.mart}", "rows": "missing"}
    else:
        skipped = {id(e): reason for e in expectations if (reason := _skip_reason(e, data)) is not None}
        in_duckdb = [e for e in expectations if id(e) not in skipped and source.runs_in_duckdb(e, data)]
        in_gx = [e for e in expectations if id(e) not in skipped and not source.runs_in_duckdb(e, data)]
        if in_gx:
            try:
                gx_result = source.validate_in_gx(datasource, data, ExpectationSuite(name=suite.mart,
                                                                                     expectations=in_gx),
                                                  parameters, RESULT_FORMAT)
            except Exception as error:  # noqa: BLE001 - GX refused the suite: each expectation fails, one line
                refused = [sql_checks.failed_result(e, parameters, one_line(error)) for e in in_gx]
                for result in refused:
                    result.meta = {"evaluated_by": "gx"}
                results += refused
            else:
                results += gx_result.results
                meta = dict(gx_result.meta)
            finally:
                if suite.mart in datasource.get_asset_names():
                    datasource.delete_asset(suite.mart)
        results += sql_checks.evaluate(con, data.table, in_duckdb, parameters)
        results += [sql_checks.skipped_result(e, parameters, skipped[id(e)]) for e in expectations if id(e) in skipped]
        outcome.in_duckdb = len(in_duckdb)
        outcome.data = data.describe() if in_gx else "nothing"
        if skipped:
            outcome.data += f"; {len(skipped)} skipped ({'table has no rows' if data.rows == 0 else 'no values'})"
        batch = {
            # the index page lists this name: an empty mart says so there
            "data_asset_name": f"{source.SCHEMA}.{suite.mart}" + (" (empty: 0 rows)" if data.rows == 0 else ""),
            "rows": data.rows,
            "validated_in_gx": outcome.data,
            "sample_rule": SAMPLE_RULE.format(n=sample_rows) if data.is_sampled else "none: the whole table",
            "expectations_on_the_full_table_in_duckdb": len(in_duckdb),
        }
        del data
        gc.collect()

    for result in results:
        _drop_values(result)
    outcome.evaluated = len(results)
    outcome.failures = [_failure(suite.mart, r) for r in results if not r.success]
    successful = outcome.evaluated - outcome.failed
    # GX 1.24's Data Docs do not render the severity field: the batch spec ("Show more info")
    # counts what failed at which severity
    batch["failed_error_severity"] = sum(f.severity == "error" for f in outcome.failures)
    batch["failed_warning_severity"] = sum(f.severity == "warning" for f in outcome.failures)
    meta.update({"run_id": run_id, "validation_time": run_id.run_time, "batch_spec": batch})
    context.validation_results_store.set(
        ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.mart),
                                   run_id=run_id, batch_identifier=f"{source.SCHEMA}-{suite.mart}"),
        ExpectationSuiteValidationResult(
            success=outcome.failed == 0, results=results, suite_name=suite.mart, meta=meta,
            batch_id=f"{source.SCHEMA}-{suite.mart}",
            statistics={"evaluated_expectations": outcome.evaluated, "successful_expectations": successful,
                        "unsuccessful_expectations": outcome.failed,
                        "success_percent": 100.0 * successful / outcome.evaluated if results else None},
        ),
    )
    outcome.seconds = time.perf_counter() - started
    return outcome


def _skip_reason(expectation: Expectation, data: source.MartData) -> str | None:
    """Why an aggregate expectation has nothing to measure, if so: a mean, median, share or
    distinct count of a table with no rows, or a mean or median of a column with no values.
    Vacuously true, it is reported as passed and skipped, with the reason."""
    if not isinstance(expectation, AGGREGATES):
        return None
    if data.rows == 0:
        return "skipped: the table has no rows"
    column = getattr(expectation, "column", None)
    if isinstance(expectation, NEED_VALUES) and column in data.dataframe.columns \
            and data.dataframe[column].notna().sum() == 0:
        return f"skipped: {column} has no values"
    return None


def _failure(mart: str, result: ExpectationValidationResult) -> Failure:
    config = result.expectation_config
    kwargs = config.kwargs
    if "column" in kwargs:
        target = kwargs["column"]
    elif "column_A" in kwargs:
        target = f"{kwargs['column_A']},{kwargs['column_B']}"
    elif "column_list" in kwargs:
        target = ",".join(kwargs["column_list"])
    else:
        target = "*"
    shown = {k: v for k, v in kwargs.items()
             if k not in {"batch_id", "column", "column_A", "column_B", "column_list", "unexpected_rows_query"}}
    if config.type == "unexpected_rows_expectation":
        expectation = f'{config.type} "{(config.description or "").rstrip(".")}"'
    else:
        expectation = f"{config.type}({', '.join(f'{k}={_short(v)}' for k, v in shown.items())})"
    return Failure(
        mart=mart,
        severity=SEVERITY_LABELS.get(_severity(config), "error"),
        expectation=expectation,
        target=target,
        detail=_detail(result),
        evaluated_by="DuckDB, full table" if result.meta.get("evaluated_by") == "duckdb" else "GX",
    )


def _severity(config) -> str:
    severity = getattr(config, "severity", None) or "critical"
    return str(getattr(severity, "value", severity))


def _detail(result: ExpectationValidationResult) -> str:
    info = result.exception_info or {}
    messages = [info.get("exception_message")] if "raised_exception" in info else \
        [v.get("exception_message") for v in info.values() if isinstance(v, dict)]
    messages = list(dict.fromkeys(m.strip().splitlines()[0] for m in messages if m and m.strip()))
    if messages:
        return "could not be evaluated: " + "; ".join(messages)
    outcome = result.result or {}
    if "unexpected_count" in outcome:
        return f"{outcome['unexpected_count']:,} of {outcome.get('element_count', 0):,} rows unexpected"
    if result.expectation_config.type == "unexpected_rows_expectation" and "observed_value" in outcome:
        rows = outcome["observed_value"]
        return f"{rows:,} unexpected row{'s' if rows != 1 else ''}"
    if "observed_value" in outcome:
        return f"observed {_short(outcome['observed_value'])}"
    return "failed"


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return "[" + ", ".join(map(repr, value[:6])) + ", ...]"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return repr(value) if isinstance(value, str) else str(value)


def _drop_values(result: ExpectationValidationResult) -> None:
    """No value of a row leaves the warehouse: counts and aggregates only."""
    for key in VALUE_KEYS:
        (result.result or {}).pop(key, None)
    # a traceback is GX's or DuckDB's code, not data, but long: Data Docs show the message (the
    # renderer needs a string there)
    info = result.exception_info or {}
    for entry in [info, *[v for v in info.values() if isinstance(v, dict)]]:
        if entry.get("raised_exception"):
            entry["exception_traceback"] = entry.get("exception_message") or "error"


def _parameters(con: duckdb.DuckDBPyConnection, suites: list[MartSuite]) -> dict[str, Any]:
    """Values of the suites' $PARAMETERs: `now`, `rows_of_<model>` and `any_rows_of_<model>`."""
    names = {name for suite in suites for e in suite.all_expectations() for name in _parameter_names(e)}
    values: dict[str, Any] = {}
    for name in sorted(names):
        if name == "now":
            values[name] = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        elif name.startswith("rows_of_"):
            values[name] = _rows_of(con, name.removeprefix("rows_of_"))
        elif name.startswith("any_rows_of_"):
            values[name] = min(1, _rows_of(con, name.removeprefix("any_rows_of_")))
        else:
            raise ValueError(f"unknown suite parameter {name}")
    return values


def _parameter_names(expectation: Expectation) -> list[str]:
    return [v["$PARAMETER"] for v in expectation.configuration.kwargs.values()
            if isinstance(v, dict) and "$PARAMETER" in v]


def _rows_of(con: duckdb.DuckDBPyConnection, model: str) -> int:
    found = con.execute(
        "select schema_name from duckdb_tables() where table_name = ? "
        "union all select schema_name from duckdb_views() where view_name = ? and not internal",
        [model, model],
    ).fetchall()
    if len(found) != 1:
        raise source.WarehouseError(f"model {model} is not in the warehouse (or in several schemas)")
    return con.execute(f"select count(*) from {sql_checks.quote(found[0][0])}.{sql_checks.quote(model)}").fetchone()[0]


def _context(docs_dir: Path):
    """An ephemeral GX context whose only files are the Data Docs site in docs_dir."""
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={DOCS_SITE: {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(docs_dir.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }},
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def _build_docs(context, docs_dir: Path) -> Path:
    """Rebuild the site from this run only: pages of an earlier run are removed first (only the
    files GX writes, so a --docs-dir that holds other files keeps them)."""
    for name in ("validations", "expectations", "static"):  # static/vendor: offline_docs' copies
        shutil.rmtree(docs_dir / name, ignore_errors=True)
    (docs_dir / "index.html").unlink(missing_ok=True)
    docs_dir.mkdir(parents=True, exist_ok=True)
    context.build_data_docs(site_names=[DOCS_SITE])
    return docs_dir / "index.html"


def _missing_pages(docs_dir: Path, marts: list[str]) -> list[str]:
    """GX's site builder reports a rendering error and carries on: check that every page is there."""
    missing = [] if (docs_dir / "index.html").is_file() else ["index.html"]
    for mart in marts:
        if not (docs_dir / "expectations" / f"{mart}.html").is_file():
            missing.append(f"expectations/{mart}.html")
        if not any((docs_dir / "validations" / mart).glob("**/*.html")):
            missing.append(f"validations/{mart}/")
    return missing
