"""The ``posture`` command: a thin front on the Dagster definitions (data-contract.md section 1)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.cli_query import add_analyst_commands, step_progress

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = REPO_ROOT / "corpus" / "sample"
DEFAULT_WAREHOUSE = Path("data") / "warehouse.duckdb"

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_BUSY = 0, 1, 2, 3
SHRINK_CHECK = "published_tables_do_not_shrink"  # the release-to-release suite in expectations/
DEFAULT_MAX_SHRINK_PERCENT = 50


@contextmanager
def _settings_environment(args: argparse.Namespace) -> Iterator[None]:
    """The CLI and the UI share the definitions; both take their settings from these variables.

    They are restored afterwards, so a run's options never become the next in-process run's defaults.
    """
    settings = {
        "POSTURE_INBOX": str(args.input.resolve()),
        "POSTURE_WAREHOUSE": str(args.warehouse.resolve()),
        "POSTURE_GAZETTEERS": os.pathsep.join(str(Path(g).resolve()) for g in args.gazetteer),
        "POSTURE_LAKE_CATALOG": args.lake_catalog,
        "POSTURE_LAKE_DATA": args.lake_data,
        "POSTURE_MAX_SHRINK_PERCENT": str(100 if args.allow_shrink else args.max_shrink_percent),
    }
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _recover(layout) -> None:
    """Finish a publish a crash interrupted, before anything else touches the warehouse."""
    import duckdb

    from posture.release import recover_interrupted_publish

    if layout.database.exists():
        with duckdb.connect(str(layout.database)) as con:
            note = recover_interrupted_publish(con, layout)
        if note:
            print(f"posture run: {note}", file=sys.stderr)


def _folders_ready(args: argparse.Namespace, command: str) -> bool:
    """Whether the inbox can be read (if not, `posture <command>` says why); the warehouse's
    folder is made."""
    from posture.ingest.batch import InputFolderError, check_input_folder

    try:
        check_input_folder(args.input)
    except InputFolderError as error:
        print(f"posture {command}: {error}", file=sys.stderr)
        return False
    args.warehouse.parent.mkdir(parents=True, exist_ok=True)
    return True


def run(args: argparse.Namespace) -> int:
    if not _folders_ready(args, "run"):
        return EXIT_BAD_INPUT
    with _settings_environment(args):
        return _run_pipeline(args)


def watch(args: argparse.Namespace) -> int:
    """Run the pipeline now and again whenever a file in the inbox is added, changed or removed,
    in one process that stays up: Dagster, GE and the code are loaded once, so a run for a few new
    articles costs only its own work. A change is taken up when two looks ``--interval`` apart
    see the same files; while another process writes the warehouse, the run is tried again.
    Stops after ``--runs`` runs, or at Ctrl-C."""
    import time

    from posture.ingest.batch import inbox_fingerprint
    from posture.validation import load_great_expectations

    if not _folders_ready(args, "watch"):
        return EXIT_BAD_INPUT
    import pipelines.definitions  # noqa: F401  (loaded before the first run, like GE)
    import posture.visual.charts  # noqa: F401  (matplotlib, ~0.6 s: else the first run that draws a chart pays it)
    load_great_expectations()
    runs, code, previous_look, last_run_on = 0, EXIT_OK, None, None
    try:
        with _settings_environment(args):
            while not args.runs or runs < args.runs:
                seen = inbox_fingerprint(args.input)
                # run on a change once two looks agree: a file still being written is not read half-way
                if seen == last_run_on or seen != previous_look:
                    previous_look = seen
                    time.sleep(args.interval)
                    continue
                started = time.perf_counter()
                code = _run_pipeline(args)
                if code == EXIT_BUSY:  # another writer: nothing was done, the same inbox is tried again
                    time.sleep(args.interval)
                    continue
                runs, last_run_on = runs + 1, seen
                print(f"posture watch: run {runs} exited {code} in {time.perf_counter() - started:.1f} s; "
                      f"watching {args.input} every {args.interval:g} s", flush=True)
    except KeyboardInterrupt:
        return EXIT_OK
    return code


def _run_pipeline(args: argparse.Namespace) -> int:
    import dagster as dg

    from pipelines.definitions import defs
    from posture.memory import unfrozen_afterwards
    from posture.release import ReleaseStateError
    from posture.warehouse import WarehouseBusy, WarehouseLayout, writer_lock

    job = defs.resolve_job_def("posture_job")
    layout = WarehouseLayout.for_database(args.warehouse, args.lake_catalog, args.lake_data)
    try:
        with writer_lock(layout, args.wait, on_wait=lambda note: print(f"posture run: {note}", file=sys.stderr)), \
                unfrozen_afterwards(), \
                dg.DagsterInstance.ephemeral() as instance, \
                step_progress(instance, len(job.nodes_in_topological_order), args.quiet) as run_id:
            _recover(layout)
            result = job.execute_in_process(
                instance=instance, raise_on_error=False, run_id=run_id,
                run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            )
    except WarehouseBusy as busy:
        print(f"posture run: {busy}", file=sys.stderr)
        return EXIT_BUSY
    except ReleaseStateError as broken:
        print(f"posture run: {broken}", file=sys.stderr)
        return EXIT_CHECK_FAILED

    reports = layout.reports_dir / result.run_id
    evaluations = result.get_asset_check_evaluations()
    failed_checks = [e for e in evaluations if not e.passed]
    for evaluation in failed_checks:
        report = evaluation.metadata.get("report")
        print(f"check {evaluation.check_name} failed on {evaluation.asset_key.to_user_string()}",
              file=sys.stderr)
        if report is not None:
            print(report.value.strip("`\n"), file=sys.stderr)
    for evaluation in evaluations:
        if evaluation.passed and "warning_report" in evaluation.metadata:
            print(evaluation.metadata["warning_report"].value.strip("`\n"), file=sys.stderr)
    if failed_checks:
        if any(e.check_name == SHRINK_CHECK for e in failed_checks):
            print("posture run: if the shrinking is intended (inputs removed on purpose), run again with "
                  "--allow-shrink.", file=sys.stderr)
        print(f"posture run: validation failed; nothing was published and the last release is unchanged. "
              f"Validation reports: {reports}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
                print(f"step {event.step_key} failed: {event.step_failure_data.error.message}", file=sys.stderr)
        print("posture run: the pipeline failed; nothing was published.", file=sys.stderr)
        return EXIT_CHECK_FAILED

    if not args.quiet:
        _print_summary(args.warehouse, result)
        print(f"validation reports: {reports}")
    return EXIT_OK


def _print_summary(warehouse: Path, result) -> None:
    import duckdb

    from posture.schema import PUBLISHED_TABLES

    release = result.asset_materializations_for_node("publish")
    status = next((m.metadata["status"].value for m in release if m.asset_key.to_user_string() == "dataset_versions"), "?")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in PUBLISHED_TABLES:
            count = con.execute(f"SELECT count(*) FROM main.{table.name}").fetchone()[0]
            print(f"{table.name:<18} {count:>7}")
        version, digest, path = con.execute(
            "SELECT version, content_sha256, release_path FROM main.dataset_versions ORDER BY version DESC LIMIT 1"
        ).fetchone()
    note = "new release published" if status == "published" else "unchanged: no new release"
    print(f"release {version} ({note}) sha256 {digest[:16]}… in {warehouse.parent / path}")


def evaluate(args: argparse.Namespace) -> int:
    import duckdb

    from posture.scoring import evaluate as score, load_gold, load_predictions
    from posture.scoring_links import LinksGoldError, evaluate_links, format_links
    from posture.scoring_report import format_table, format_verbose

    if not args.gold.is_dir():
        print(f"posture eval: gold folder {args.gold} does not exist", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.warehouse.exists():
        print(f"posture eval: warehouse {args.warehouse} does not exist: run `posture run` first", file=sys.stderr)
        return EXIT_BAD_INPUT
    golds = load_gold(args.gold)
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        published = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                                "AND table_name = 'dataset_versions'").fetchone()[0]
        if not published:
            print(f"posture eval: {args.warehouse} holds no release yet: the last `posture run` published "
                  "nothing (did a check block it? its report names the expectation and the rows)", file=sys.stderr)
            return EXIT_BAD_INPUT
        evaluation = score(golds, load_predictions(con))
        try:
            linking = evaluate_links(args.gold, golds, evaluation, con)  # None without a links.gold.json
        except LinksGoldError as error:
            print(f"posture eval: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps({**evaluation.figures(), **({"linking": linking.figures()} if linking else {})}, indent=2))
    else:
        print(format_table(evaluation))
        if linking:
            print(format_links(linking, args.verbose))
    if args.verbose:
        print(format_verbose(evaluation))
    return EXIT_OK


def diff(args: argparse.Namespace) -> int:
    from posture.release_tools import ReleaseNotFound, diff_json, diff_releases, format_diff, release_dir
    from posture.warehouse import WarehouseLayout

    layout = WarehouseLayout.for_database(args.warehouse)
    try:
        diffs = diff_releases(release_dir(layout, args.old), release_dir(layout, args.new),
                              rows=args.rows, limit=args.limit or None)
    except ReleaseNotFound as missing:
        print(f"posture diff: {missing}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.table:
        diffs = [d for d in diffs if d.table in args.table]
    if args.json:
        print(json.dumps(diff_json(args.old, args.new, diffs), indent=2, ensure_ascii=False))
    else:
        print(format_diff(args.old, args.new, diffs))
    return EXIT_OK


def export(args: argparse.Namespace) -> int:
    from posture.release_tools import ReleaseNotFound, export_release, release_dir
    from posture.warehouse import WarehouseLayout

    try:
        folder = release_dir(WarehouseLayout.for_database(args.warehouse), args.release)
    except ReleaseNotFound as missing:
        print(f"posture export: {missing}", file=sys.stderr)
        return EXIT_BAD_INPUT
    package = export_release(folder, args.release, args.out, args.format)
    print(f"release {args.release} exported as {args.format} to {args.out} (described by {package.name})")
    return EXIT_OK


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options of `posture run`, which `posture watch` takes too."""
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT,
                        help="folder of articles, read recursively (default: the bundled sample corpus)")
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE,
                        help="DuckDB file to write (default: data/warehouse.duckdb)")
    parser.add_argument("--gazetteer", action="append", default=[],
                        help="extra gazetteer CSV or GeoNames dump (repeatable)")
    parser.add_argument("--wait", type=float, default=0.0,
                        help="seconds to wait for another run writing the same warehouse (default: 0)")
    parser.add_argument("--allow-shrink", action="store_true",
                        help="publish even if a table lost more rows since the last release than allowed")
    parser.add_argument("--max-shrink-percent", type=int,
                        default=int(os.environ.get("POSTURE_MAX_SHRINK_PERCENT") or DEFAULT_MAX_SHRINK_PERCENT),
                        help="share of its rows a published table may lose since the last release "
                             "(default: $POSTURE_MAX_SHRINK_PERCENT or 50)")
    parser.add_argument("--lake-catalog", default=os.environ.get("POSTURE_LAKE_CATALOG", ""),
                        help="DuckLake catalog holding every release: a file, or a catalog string such as "
                             "'postgres:dbname=posture host=db' (default: $POSTURE_LAKE_CATALOG, "
                             "else lake.ducklake beside the warehouse)")
    parser.add_argument("--lake-data", default=os.environ.get("POSTURE_LAKE_DATA", ""),
                        help="folder or object-store URL for the lake's data files (default: "
                             "$POSTURE_LAKE_DATA, else lake_files/ beside the warehouse)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="posture", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run_parser = commands.add_parser("run", help="ingest, extract, validate and publish a release")
    _add_run_options(run_parser)
    run_parser.set_defaults(handler=run)

    watch_parser = commands.add_parser("watch", help="run again whenever the inbox changes, in one long-lived process")
    _add_run_options(watch_parser)
    watch_parser.add_argument("--interval", type=float, default=5.0,
                              help="seconds between looks at the inbox (default: 5)")
    watch_parser.add_argument("--runs", type=int, default=0,
                              help="stop after this many runs and exit with the last one's code (default: 0, never)")
    watch_parser.set_defaults(handler=watch)

    eval_parser = commands.add_parser("eval", help="score the published tables against gold files")
    eval_parser.add_argument("--gold", type=Path, required=True, help="folder with *.gold.json files")
    eval_parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    eval_parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    eval_parser.add_argument("--verbose", action="store_true",
                             help="list unmatched gold and predicted rows per article")
    eval_parser.set_defaults(handler=evaluate)

    diff_parser = commands.add_parser("diff", help="rows added, removed and changed between two releases")
    diff_parser.add_argument("old", type=int, help="release number")
    diff_parser.add_argument("new", type=int, help="release number")
    diff_parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    diff_parser.add_argument("--json", action="store_true", help="print the diff as JSON")
    diff_parser.add_argument("--rows", action="store_true",
                             help="also list the rows: keys added and removed, changed columns with old and new values")
    diff_parser.add_argument("--limit", type=int, default=50,
                             help="rows listed per table and kind of change with --rows (default 50; 0 = all)")
    diff_parser.add_argument("--table", action="append", help="only this table (repeatable)")
    diff_parser.set_defaults(handler=diff)

    export_parser = commands.add_parser("export", help="write a release as Parquet, CSV or GeoJSON with a datapackage.json")
    export_parser.add_argument("--release", type=int, required=True)
    export_parser.add_argument("--format", choices=("parquet", "csv", "geojson"), default="parquet")
    export_parser.add_argument("--out", type=Path, required=True)
    export_parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    export_parser.set_defaults(handler=export)
    add_analyst_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
