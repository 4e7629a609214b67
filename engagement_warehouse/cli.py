"""Command line of the warehouse tooling: `engagement-warehouse <command>`."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from .generator import GENERATE_STEPS, GenerationReport, GeneratorSettingsError, append_days, generate
from .progress import Progress, ProgressSettingsError
from .raw_files import default_raw_dir


def _generate(args: argparse.Namespace) -> int:
    progress = Progress("generate", len(GENERATE_STEPS))
    try:
        report = generate(args.out, scale=args.scale, seed=args.seed, bad_row_share=args.bad_row_share,
                          file_format=args.format, start=args.start, end=args.end, threads=args.threads,
                          progress=progress.step)
    finally:
        progress.clear()
    progress.finish()
    _print_report(report)
    if args.layout:
        from .layouts import layout_vars, write_layouts

        systems = [name.strip() for name in args.layout.split(",") if name.strip()]
        for system, tables in write_layouts(args.out, systems).items():
            rows = ", ".join(f"{table} {count:,}" for table, count in tables.items())
            print(f"  {system} layout in {Path(args.out) / system}: {rows}")
        print(f"build it with --vars '{layout_vars(systems)}'")
    return 0


def _append_day(args: argparse.Namespace) -> int:
    progress = Progress("append-day", len(GENERATE_STEPS))
    try:
        report = append_days(args.out, days=args.days, threads=args.threads, progress=progress.step)
    finally:
        progress.clear()
    progress.finish()
    _print_report(report)
    return 0


def _print_report(report: GenerationReport) -> None:
    width = max(len(t) for t in report.rows)
    for table, rows in report.rows.items():
        broken = sum(report.bad_rows.get(table, {}).values())
        print(f"  {table:<{width}}  {rows:>12,} rows  ({broken:,} bad)")
    print(f"generated {report.total_rows:,} rows in {report.seconds:.2f} s "
          f"({report.rows_per_second:,.0f} rows/s) into {report.out_dir} "
          f"[scale {report.scale}, seed {report.seed}, bad-row share {report.bad_row_share}, {report.file_format}, "
          f"arrived before {report.end_date}]")


def _contract_doc(args: argparse.Namespace) -> int:
    from .contract import write_contract_doc

    print(f"wrote {write_contract_doc()}")
    return 0


def _coverage(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .coverage import documentation_report, model_coverage, report, resource_documentation

    text, models_passed = report(model_coverage(Path(args.manifest), Path(args.database) if args.database else None))
    print(text)
    text, resources_passed = documentation_report(resource_documentation(Path(args.manifest)))
    print(text)
    return 0 if models_passed and resources_passed else 1


def _quality(args: argparse.Namespace) -> int:
    # imported here: Great Expectations takes seconds to import, the other commands do not need it
    from .quality.checkpoint import run_checkpoint
    from .quality.source import SAMPLE_ROWS, WarehouseError

    progress = Progress("quality")
    try:
        report = run_checkpoint(args.database, args.docs_dir, sample_rows=args.sample_rows or SAMPLE_ROWS,
                                marts=args.mart, memory_limit=args.memory_limit, progress=progress)
    except WarehouseError as error:
        progress.clear()
        _fail("quality", error, memory_setting="raise --memory-limit (default MEMORY_LIMIT of "
                                               "engagement_warehouse/quality/source.py) or lower DUCKDB_THREADS")
        return 2
    return report.exit_code


def _export(args: argparse.Namespace) -> int:
    import time

    import duckdb

    from .export import export_marts

    began = time.perf_counter()
    progress = Progress("export")
    try:
        exported = export_marts(args.database, args.out, progress=progress)
    except (FileNotFoundError, duckdb.Error) as error:
        progress.clear()
        _fail("export", error)
        return 2
    rows = sum(mart.rows for mart in exported)
    print(f"exported {len(exported)} marts ({rows:,} rows) to {args.out} in {time.perf_counter() - began:.1f} s")
    return 0


def _compact(args: argparse.Namespace) -> int:
    import duckdb

    from .erasure import ErasureError, compact

    try:
        before, after = compact(args.database)
    except (ErasureError, OSError, duckdb.Error) as error:
        _fail("compact", error)
        return 2
    print(f"compacted {args.database}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB (only live data kept)")
    return 0


def _bi_clients(args: argparse.Namespace) -> int:
    import duckdb

    from .bi_clients import BiClientsError, check

    try:
        report = check(args.database, args.python)
    except (BiClientsError, duckdb.Error) as error:
        _fail("bi-clients", error)
        return 2
    if report.problems:
        for problem in report.problems:
            print(f"engagement-warehouse bi-clients: {problem}", file=sys.stderr)
        print(f"engagement-warehouse bi-clients: duckdb {report.duckdb_version} clients cannot read "
              f"{args.database} as duckdb {duckdb.__version__} does ({len(report.problems)} problem(s))",
              file=sys.stderr)
        return 1
    rows = sum(report.expected.values())
    print(f"bi clients: duckdb {report.duckdb_version}, ibis and SQLAlchemy each read the {len(report.expected)} "
          f"marts of {args.database} ({rows:,} rows), as duckdb {duckdb.__version__} counts them")
    return 0


def _dashboards(args: argparse.Namespace) -> int:
    from .dashboards import DashboardsError, serve, setup

    if args.action == "serve":
        return serve(args.home, args.port, args.superset)
    try:
        done = setup(args.database, args.home, args.superset)
    except DashboardsError as error:
        print(f"engagement-warehouse dashboards: {error}", file=sys.stderr)
        return 1
    steps = ", ".join(f"{step} {seconds:.0f} s" for step, seconds in done.seconds.items())
    print(f"dashboards: Superset set up in {args.home} on {args.database} (read-only): {steps}; "
          f"user admin, password in {done.password_file}")
    return 0


def _erasure_check(args: argparse.Namespace) -> int:
    from .erasure import ErasureError, find_leaks

    import duckdb

    try:
        looked_for, leaks = find_leaks(args.database, args.exports, args.artefacts)
    except (ErasureError, duckdb.Error) as error:
        _fail("erasure-check", error)
        return 2
    places = [str(args.database), *(str(a) for a in args.artefacts), *([str(args.exports)] if args.exports else [])]
    if leaks:
        for leak in leaks:
            print(f"engagement-warehouse erasure-check: {leak.line()}", file=sys.stderr)
        print(f"engagement-warehouse erasure-check: erased customers' personal data found in {len(leaks)} place(s); "
              "rebuild with `make build` (dbt build, then compact) and remove stale artefacts", file=sys.stderr)
        return 1
    print(f"erasure check: {looked_for} personal value(s) of erased customers, none found in {', '.join(places)}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from .report import ReportError, build_report

    try:
        summary = build_report(args.database, args.out)
    except ReportError as error:
        _fail("report", error)
        return 2
    print(f"wrote {summary.path} ({summary.bytes / 1e6:.1f} MB, {len(summary.sections)} charts, "
          f"data as of {summary.as_of_date}) in {summary.seconds:.1f} s")
    return 0


def _alerts(args: argparse.Namespace) -> int:
    import datetime as dt

    import duckdb

    from .alerts import AlertsError, describe, todays_alerts

    try:
        run, alerts = todays_alerts(args.database)
    except (AlertsError, duckdb.Error) as error:
        _fail("alerts", error)
        return 2
    about = describe(run, dt.datetime.now(dt.timezone.utc).date())
    if not alerts:
        print(f"no alerts: {about}")
        return 0
    print(f"{len(alerts)} alert(s): {about}")
    for alert in alerts:
        print(f"  [{alert.kind}] {alert.message}")
    return 1 if args.fail_on_alert else 0


def _dbt(args: argparse.Namespace) -> int:
    from .dbt_command import dbt_target, run_dbt
    from .spark import missing_spark_extra

    dbt_args = args.dbt_args[1:] if args.dbt_args[:1] == ["--"] else args.dbt_args
    if dbt_target(dbt_args) == "spark" and (missing := missing_spark_extra()):
        print(f"engagement-warehouse dbt: {missing}", file=sys.stderr)
        return 2
    return run_dbt(dbt_args)


def _fail(command: str, error: BaseException, memory_setting: str | None = None) -> None:
    """A command's error on one line: a lock conflict or out of memory said with what to do."""
    from .duckdb_errors import BUILD_MEMORY, explain

    print(f"engagement-warehouse {command}: {explain(str(error), memory_setting or BUILD_MEMORY) or error}",
          file=sys.stderr)


def _bench(args: argparse.Namespace) -> int:
    from .bench import BenchError, run_bench

    try:
        run_bench(args.scales, args.runs, args.out, seed=args.seed, attempt=args.attempt, dbt_vars=args.vars)
    except BenchError as error:
        print(f"engagement-warehouse bench: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    return 0


def _experiment_coverage(args: argparse.Namespace) -> int:
    from .experiment_coverage import CoverageError, parse_seeds, run_coverage

    command = (f"engagement-warehouse experiment-coverage --seeds {args.seeds} --scale {args.scale} "
               f"--bad-row-share {args.bad_row_share} --out {args.out}")
    try:
        results = run_coverage(parse_seeds(args.seeds), args.scale, args.out, bad_row_share=args.bad_row_share,
                               keep_data=args.keep_data, command=command)
    except CoverageError as error:
        print(f"engagement-warehouse experiment-coverage: {error}", file=sys.stderr)
        return 1
    total = results["summary"]["known_effects"]
    print(f"known effects covered: plain {total['plain']}/{total['total']}, CUPED {total['cuped']}/{total['total']}; "
          f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    return 0


def _spark_build(args: argparse.Namespace) -> int:
    from .spark import SparkExtraMissing
    from .spark.build import SparkBuildError, spark_build

    try:
        spark_build(args.dbt_args[1:] if args.dbt_args[:1] == ["--"] else args.dbt_args, with_fits=not args.without_fits)
    except SparkExtraMissing as error:
        print(f"engagement-warehouse spark-build: {error}", file=sys.stderr)
        return 2
    except SparkBuildError as error:
        print(f"engagement-warehouse spark-build: {error}", file=sys.stderr)
        return 1
    return 0


def _compare_engines(args: argparse.Namespace) -> int:
    from .spark import SparkExtraMissing
    from .spark.compare import compare_engines
    from .spark.session import spark_session

    try:
        spark = spark_session()
    except SparkExtraMissing as error:
        print(f"engagement-warehouse compare-engines: {error}", file=sys.stderr)
        return 2
    results = compare_engines(args.duckdb, spark, args.manifest)
    for result in results:
        print(result.line())
    differing = [result.mart for result in results if not result.matches]
    print(f"{len(results) - len(differing)} of {len(results)} marts match"
          + (f"; differ: {', '.join(differing)}" if differing else ""))
    return 1 if differing else 0


def _warehouse_option(parser: argparse.ArgumentParser, flag: str, help_text: str) -> None:
    """The DuckDB warehouse a command reads: $DUCKDB_PATH as the build writes it, or the default file."""
    parser.add_argument(flag, type=Path, default=Path(os.environ.get("DUCKDB_PATH", "data/warehouse.duckdb")),
                        help=f"{help_text} (default: $DUCKDB_PATH or data/warehouse.duckdb)")


DEMO_DIR_IS = "the demo folder: var raw_data_dir_default of dbt_project.yml"
THREADS_HELP = ("1 runs on one thread; otherwise a writer thread writes the files while the simulation goes on "
                "(the default). The same bytes either way")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="engagement-warehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo_dir = default_raw_dir()

    gen = commands.add_parser("generate", help="write deterministic demo raw data (the raw data contract)")
    gen.add_argument("--out", default=demo_dir, help=f"output folder (default: {demo_dir}, {DEMO_DIR_IS})")
    gen.add_argument("--scale", type=float, default=0.02,
                     help="1 = about 100k customers, 1M orders, 20M events (default: 0.02)")
    gen.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    gen.add_argument("--bad-row-share", type=float, default=0.005,
                     help="share of rows per table broken on purpose, 0 for clean data (default: 0.005)")
    gen.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    gen.add_argument("--start", type=date.fromisoformat, default=date(2023, 1, 1), help="first day (UTC)")
    gen.add_argument("--end", type=date.fromisoformat, default=date(2026, 10, 1), help="export date: rows that arrived before it (UTC)")
    gen.add_argument("--threads", type=int, default=None, help=THREADS_HELP)
    gen.add_argument("--layout", default="",
                     help="write these areas in vendors' export layouts instead of the contract's files, "
                          "comma separated (e.g. shopify,ga4,typeform): each into <out>/<system>/, "
                          "read by the source adapter of that name")
    gen.set_defaults(func=_generate)

    day = commands.add_parser("append-day", help="re-export a generated folder one day later (new rows, late events)")
    day.add_argument("--out", default=demo_dir, help=f"folder written by generate (default: {demo_dir}, {DEMO_DIR_IS})")
    day.add_argument("--days", type=int, default=1, help="days to move the export forward (default: 1)")
    day.add_argument("--threads", type=int, default=None, help=THREADS_HELP)
    day.set_defaults(func=_append_day)

    cov = commands.add_parser("coverage", help="documentation and test coverage of the dbt models (fails under 100%% for marts) "
                                      "and descriptions of every other resource (fails on any gap)")
    cov.add_argument("--manifest", default="target/manifest.json", help="dbt manifest (default: target/manifest.json)")
    cov.add_argument("--database", default=None, help="built DuckDB warehouse, to count its real columns (read-only)")
    cov.set_defaults(func=_coverage)

    exp = commands.add_parser("export", help="write every mart to Parquet, atomically, for BI tools and notebooks")
    exp.add_argument("--database", default="data/warehouse.duckdb", help="built warehouse, opened read-only")
    exp.add_argument("--out", default="data/exports", help="export folder (default: data/exports)")
    exp.set_defaults(func=_export)

    comp = commands.add_parser(
        "compact", help="rewrite the warehouse into a fresh file with only live data (DuckDB keeps the bytes of "
                        "replaced and deleted tables, an erased person's among them, until it is rebuilt)")
    _warehouse_option(comp, "--database", "the DuckDB warehouse, opened for writing")
    comp.set_defaults(func=_compact)

    erasure = commands.add_parser(
        "erasure-check", help="look for erased customers' e-mail, phone and name in the warehouse file's bytes, "
                              "the Parquet exports and artefact folders; exit 1 naming each place")
    _warehouse_option(erasure, "--database", "the DuckDB warehouse (read-only)")
    erasure.add_argument("--exports", type=Path, default=None, help="the Parquet export folder")
    erasure.add_argument("--artefacts", type=Path, action="append", default=[],
                         help="a file, or a folder whose files, are searched byte by byte (repeatable: logs, target/run, ...)")
    erasure.set_defaults(func=_erasure_check)

    bi = commands.add_parser(
        "bi-clients", help="read every mart of the warehouse with duckdb 1.x, ibis and SQLAlchemy (the client "
                           "environment of `make bi-clients`) and compare the rows with duckdb 2.x's; exit 1 "
                           "naming each client and mart that differs")
    _warehouse_option(bi, "--database", "the DuckDB warehouse (read-only)")
    bi.add_argument("--python", type=Path, default=None,
                    help="the client environment's Python (default: target/bi_clients/bin/python)")
    bi.set_defaults(func=_bi_clients)

    dash = commands.add_parser(
        "dashboards", help="the BI starter in Apache Superset (environment of `make superset-env`): `setup` "
                           "creates its metadata database, an admin user and the dashboard on the warehouse "
                           "(read-only); `serve` starts its web server")
    dash.add_argument("action", choices=["setup", "serve"])
    _warehouse_option(dash, "--database", "the DuckDB warehouse the dashboard reads (read-only)")
    dash.add_argument("--home", type=Path, default=Path("target/superset"),
                      help="Superset's state folder: metadata database, secret key, admin password "
                           "(default: target/superset)")
    dash.add_argument("--superset", type=Path, default=Path("target/superset_env/bin/superset"),
                      help="the superset command of the Superset environment (default: target/superset_env/bin/superset)")
    dash.add_argument("--port", type=int, default=8088, help="port of `serve` (default: 8088)")
    dash.set_defaults(func=_dashboards)

    doc = commands.add_parser("contract-doc", help="render docs/raw_contract.md from the sources YAML")
    doc.set_defaults(func=_contract_doc)

    quality = commands.add_parser(
        "quality", help="Great Expectations checkpoint on the built warehouse (read-only): a suite per mart, "
                        "Data Docs, exit 1 when an error-severity expectation fails")
    _warehouse_option(quality, "--database", "the DuckDB warehouse")
    quality.add_argument("--docs-dir", type=Path, default=Path("target/quality_docs"),
                         help="where the Data Docs site is written (default: target/quality_docs)")
    quality.add_argument("--sample-rows", type=int, default=None,
                         help="rows of a mart validated in GX at most; a larger mart is sampled "
                              "(default: SAMPLE_ROWS of engagement_warehouse/quality/source.py)")
    quality.add_argument("--mart", action="append", help="validate only this mart (repeatable)")
    quality.add_argument("--memory-limit", default=None,
                         help="DuckDB memory limit of the full-table checks "
                              "(default: MEMORY_LIMIT of engagement_warehouse/quality/source.py)")
    quality.set_defaults(func=_quality)

    alerts = commands.add_parser(
        "alerts", help="today's alerts: the anomalies of the latest dbt run against the runs before it (volume, "
                       "freshness, failing tests; view audit.audit_anomalies), or 'no alerts'; exit 0 either way")
    _warehouse_option(alerts, "--database", "the DuckDB warehouse, opened read-only")
    alerts.add_argument("--fail-on-alert", action="store_true", help="exit 1 when there is an alert (for a scheduler)")
    alerts.set_defaults(func=_alerts)

    rep = commands.add_parser("report", help="self-contained HTML report of the marts for business readers")
    _warehouse_option(rep, "--database", "the built warehouse, opened read-only")
    rep.add_argument("--out", type=Path, default=Path("target/report/index.html"),
                     help="the HTML file to write (default: target/report/index.html)")
    rep.set_defaults(func=_report)

    bench = commands.add_parser(
        "bench", help="benchmark on generated data of each scale: generator, full and incremental dbt builds, "
                      "the read-everything floor, analyst baselines in pandas and polars checked against the marts")
    bench.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0], help="scales to run (default: 0.1 1)")
    bench.add_argument("--runs", type=int, default=3, help="runs per scale; figures are their median (default: 3)")
    bench.add_argument("--out", type=Path, default=Path("target/bench"),
                       help="folder of results.json, results.md and each scale's scratch data (default: target/bench)")
    bench.add_argument("--seed", type=int, default=42, help="generator seed (default: 42)")
    bench.add_argument("--attempt", action="store_true",
                       help="a scale that fails (memory, disk, a failed build) is reported with where it stopped and "
                            "that command's time, peak memory and spill, and the next scale runs")
    bench.add_argument("--vars", default="",
                       help="dbt vars (YAML) of every dbt command of the benchmark, full and incremental builds "
                            "alike, e.g. '{fit_refit_every_days: 7}'; recorded in the results (default: none)")
    bench.set_defaults(func=_bench)

    cover = commands.add_parser(
        "experiment-coverage", help="per seed: generate, dbt build of the experiment marts, and whether the 95%% "
                                    "intervals of experiment_results cover the generator's true effects (plain and "
                                    "CUPED), the null experiments' cover 0, and the SRM flags; results.json and .md")
    cover.add_argument("--seeds", default="1-5", help="generator seeds, e.g. 1-5 or 1,3,6-10 (default: 1-5)")
    cover.add_argument("--scale", type=float, default=0.02, help="generator scale (default: 0.02)")
    cover.add_argument("--bad-row-share", type=float, default=0.0,
                       help="generator's share of broken rows (default: 0, so that the warehouse measures the "
                            "units and orders the generator's true effects are computed from)")
    cover.add_argument("--out", type=Path, default=Path("target/experiment_coverage"),
                       help="folder of results.json, results.md and each seed's scratch data "
                            "(default: target/experiment_coverage)")
    cover.add_argument("--keep-data", action="store_true",
                       help="keep each seed's raw files and warehouse (default: only its dbt log is kept)")
    cover.set_defaults(func=_experiment_coverage)

    dbt = commands.add_parser(
        "dbt", help="dbt with this project's environment, a lock conflict on the warehouse file or DuckDB running out "
                    "of memory said in one line (what to do, which environment variable); exit code dbt's")
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER, help="after --: dbt's arguments, e.g. -- build --select staging")
    dbt.set_defaults(func=_dbt)

    spark = commands.add_parser(
        "spark-build", help="dbt build on the spark target (DBT_TARGET=spark) with the Python models' fits run as a "
                            "Spark job between its two halves (dbt-spark cannot run Python models in session mode)")
    spark.add_argument("--without-fits", action="store_true",
                       help="only the build of what does not read the fits: the fits and their readers stay as they are")
    spark.add_argument("dbt_args", nargs=argparse.REMAINDER,
                       help="after --: more arguments for both dbt builds, e.g. -- --target-path target/spark (not a selection)")
    spark.set_defaults(func=_spark_build)

    compare = commands.add_parser(
        "compare-engines", help="every mart built on Spark against the one built on DuckDB from the same raw files: "
                                "rows, keys, money to the cent, doubles within a stated tolerance; exit 1 on a difference")
    _warehouse_option(compare, "--duckdb", "the DuckDB warehouse, opened read-only")
    compare.add_argument("--manifest", type=Path, default=Path("target/manifest.json"),
                         help="a dbt manifest of the project, for the marts' keys (default: target/manifest.json)")
    compare.set_defaults(func=_compare_engines)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (GeneratorSettingsError, ProgressSettingsError) as error:
        print(f"engagement-warehouse: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
