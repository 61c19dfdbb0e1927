"""The analyst's commands of ``posture``: query, releases, show, report, dictionary; progress
lines for long runs and ``--quiet`` for scripts.

``pipelines/cli.py`` registers them with :func:`add_analyst_commands`; everything here reads
the warehouse through a read-only connection, so it never competes with a run for the writer.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_WAREHOUSE = Path("data") / "warehouse.duckdb"
FORMATS = ("table", "csv", "json")


class CliError(Exception):
    """A problem the user can fix; printed as ``posture <command>: <message>``."""


# ---------------------------------------------------------------- output


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # a pipe gets a wide, colourless table instead of rich's 80 columns
    return Console(file=stream, width=None if stream.isatty() else 200, soft_wrap=False,
                   no_color=not stream.isatty(), highlight=False)


def emit(columns: list[str], rows: list[tuple], fmt: str, title: str | None = None) -> None:
    """Rows to stdout as a rich table, CSV (header first) or a JSON list of objects."""
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if v is None else _plain(v) for v in row] for row in rows])
        return
    if fmt == "json":
        print(json.dumps([dict(zip(columns, map(_plain, row))) for row in rows], ensure_ascii=False, indent=2,
                         default=str))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, caption=f"{len(rows)} row{'s' * (len(rows) != 1)}", header_style="bold",
                  show_lines=False)
    numeric = [bool(rows) and all(isinstance(r[i], (int, float, decimal.Decimal)) or r[i] is None for r in rows)
               for i in range(len(columns))]
    for name, is_number in zip(columns, numeric):
        table.add_column(name, justify="right" if is_number else "left", overflow="fold")
    for row in rows:
        table.add_row(*(Text("NULL", style="dim") if v is None else Text(str(_plain(v))) for v in row))
    _console().print(table)


def _note(args: argparse.Namespace, message: str) -> None:
    """Informational output (stderr), silenced by --quiet."""
    if not getattr(args, "quiet", False):
        print(message, file=sys.stderr)


# ---------------------------------------------------------------- warehouse


def connect_read_only(warehouse: Path):
    import duckdb

    if not warehouse.exists():
        raise CliError(f"warehouse {warehouse} does not exist: run `posture run` first, or pass --warehouse FILE")
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise CliError(f"{warehouse} is being written by a running `posture run`; try again when it "
                           "finishes") from None
        raise CliError(f"cannot open {warehouse}: {error}") from None


def table_listing(con) -> str:
    rows = con.execute("""
        SELECT table_schema, table_name, string_agg(column_name, ', ' ORDER BY ordinal_position)
        FROM information_schema.columns WHERE table_schema IN ('main', 'staging')
        GROUP BY table_schema, table_name ORDER BY table_schema = 'staging', table_name""").fetchall()
    lines = ["tables (main is the latest release; staging is the last run, before checks):"]
    lines += [f"  {name if schema == 'main' else schema + '.' + name}: {columns}" for schema, name, columns in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------- commands


def query(args: argparse.Namespace) -> int:
    import duckdb

    con = connect_read_only(args.warehouse)
    try:
        cursor = con.execute(args.sql)
    except duckdb.Error as error:
        print(f"posture query: {error}", file=sys.stderr)
        print(table_listing(con), file=sys.stderr)
        return EXIT_BAD_INPUT
    if cursor.description is None:
        return EXIT_OK
    emit([d[0] for d in cursor.description], cursor.fetchall(), args.format)
    return EXIT_OK


RELEASES_SQL = """
    SELECT version, published_at, left(content_sha256, 16) AS content_sha256, code_version,
           CAST(json_extract(row_counts, '$.articles') AS BIGINT) AS articles,
           CAST(json_extract(row_counts, '$.movement_reports') AS BIGINT) AS movements,
           CAST(json_extract(row_counts, '$.force_levels') AS BIGINT) AS claims,
           CAST(json_extract(row_counts, '$.rejected_inputs') AS BIGINT) AS rejected,
           checks, release_path
    FROM main.dataset_versions ORDER BY version"""


def _checks_passed(checks_json: str) -> str:
    checks = json.loads(checks_json or "{}")
    return f"{sum(1 for c in checks.values() if c.get('success'))}/{len(checks)}"


def releases(args: argparse.Namespace) -> int:
    con = connect_read_only(args.warehouse)
    cursor = con.execute(RELEASES_SQL)
    columns = [d[0] for d in cursor.description]
    at = columns.index("checks")
    rows = [(*row[:at], _checks_passed(row[at]), *row[at + 1:]) for row in cursor.fetchall()]
    columns[at] = "checks_passed"
    if not rows and args.format == "table":
        _note(args, "no release yet: `posture run` publishes the first one")
        return EXIT_OK
    emit(columns, rows, args.format, title=f"releases in {args.warehouse}")
    return EXIT_OK


def show(args: argparse.Namespace) -> int:
    from posture.report.evidence import RecordNotFound, context_window, load_record

    con = connect_read_only(args.warehouse)
    try:
        record = load_record(con, args.kind, args.id)
    except RecordNotFound as missing:
        raise CliError(str(missing)) from None
    if args.format == "json":
        print(json.dumps({"row": record.row, "article": {k: v for k, v in record.article.items() if k != "body"},
                          "places": record.places, "assets": record.assets,
                          "spans": [s.__dict__ for s in record.spans]}, ensure_ascii=False, indent=2,
                         default=_plain))
        return EXIT_OK
    _print_record(record, context_window if not args.full else None)
    return EXIT_OK


SPAN_STYLES = {"evidence": "bold black on yellow", "origin": "bold white on red", "destination": "bold white on blue",
               "location": "bold white on green", "via": "bold white on green", "asset": "bold black on bright_cyan",
               "area": "bold white on blue"}


def _print_record(record, window) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = _console()
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column(overflow="fold")
    for key, value in record.row.items():
        if key not in ("body", "evidence_text"):
            fields.add_row(key, "NULL" if value is None else str(_plain(value)))
    console.print(Panel(fields, title=f"{record.kind} {next(iter(record.row.values()))}", expand=False))
    if record.places:
        emit(list(record.places[0].keys()), [tuple(p.values()) for p in record.places], "table", title="places")
    if record.assets:
        emit(list(record.assets[0].keys()), [tuple(a.values()) for a in record.assets], "table", title="assets")
    article, body = record.article, record.article["body"]
    evidence = record.evidence
    start, end = (0, len(body)) if evidence is None or window is None else window(body, evidence.start, evidence.end)
    text = Text(body[start:end])
    for span in record.spans:  # evidence first, then the mentions inside it on top
        if span.start >= start and span.end <= end:
            text.stylize(SPAN_STYLES.get(span.label, "bold"), span.start - start, span.end - start)
    legend = "  ".join(f"[{SPAN_STYLES[label]}] {label} [/]" for label in
                       dict.fromkeys(s.label for s in record.spans) if label in SPAN_STYLES)
    heading = (f"article {article['article_id'][:16]}… {article['title']!r} ({article['published_date'] or 'undated'}, "
               f"{article['source_uri']})")
    cut = "" if (start, end) == (0, len(body)) else f" — characters {start}..{end} of {len(body)}; --full for all"
    console.print(Panel(text, title=heading + cut, subtitle=legend or None, expand=True))


def report(args: argparse.Namespace) -> int:
    from posture.release_tools import ReleaseNotFound, release_dir
    from posture.report.html import OSM_TILES, build_report
    from posture.warehouse import WarehouseLayout

    layout = WarehouseLayout.for_database(args.warehouse)
    version = args.release
    if version is None:
        con = connect_read_only(args.warehouse)
        version = con.execute("SELECT max(version) FROM main.dataset_versions").fetchone()[0]
        con.close()
        if version is None:
            raise CliError("no release yet: run `posture run` first")
    try:
        folder = release_dir(layout, version)
    except ReleaseNotFound as missing:
        raise CliError(str(missing)) from None
    tiles = None if args.tiles == "none" else (OSM_TILES if args.tiles == "osm" else args.tiles)
    page = build_report(folder, args.out, tiles)
    _note(args, f"report of release {version} written to {page}")
    return EXIT_OK


def dictionary(args: argparse.Namespace) -> int:
    from posture.report.dictionary import is_stale, write_dictionary

    if args.check:
        if is_stale(args.out):
            print(f"posture dictionary: {args.out} is out of date: run `posture dictionary` and commit it",
                  file=sys.stderr)
            return EXIT_FAILED
        _note(args, f"{args.out} is up to date")
        return EXIT_OK
    _note(args, f"wrote {write_dictionary(args.out)}")
    return EXIT_OK


# ---------------------------------------------------------------- run progress


@contextmanager
def step_progress(instance, total_steps: int, quiet: bool = False) -> Iterator[str]:
    """A run id whose step events are reported on stderr while the run executes.

    A terminal gets a progress bar; a pipe or log file gets one line per finished step.
    """
    import uuid

    run_id = str(uuid.uuid4())
    if quiet:
        yield run_id
        return
    started: dict[str, float] = {}
    finished: list[str] = []
    bar = None
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("posture run"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                       TimeElapsedColumn(), console=_console(stderr=True), transient=True)
        task = bar.add_task("starting", total=total_steps)
        bar.start()

    def on_event(entry) -> None:
        event = entry.dagster_event
        if event is None or not entry.step_key:
            return
        step = entry.step_key
        if event.is_step_start:
            started[step] = time.monotonic()
            if bar is not None:
                bar.update(task, description=step)
        elif event.is_step_success or event.is_step_failure or event.is_step_skipped:
            finished.append(step)
            outcome = "done" if event.is_step_success else ("FAILED" if event.is_step_failure else "skipped")
            seconds = time.monotonic() - started.get(step, time.monotonic())
            if bar is not None:
                bar.update(task, completed=len(finished))
            else:
                print(f"posture run: [{len(finished)}/{total_steps}] {step} {outcome} ({seconds:.1f} s)",
                      file=sys.stderr, flush=True)

    instance.add_event_listener(run_id, on_event)
    try:
        yield run_id
    finally:
        if bar is not None:
            bar.stop()


# ---------------------------------------------------------------- registration


def add_analyst_commands(commands: argparse._SubParsersAction) -> None:
    """Add query, releases, show, report and dictionary, and --quiet on every command."""
    def warehouse_option(p):
        p.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE,
                       help="DuckDB file to read (default: data/warehouse.duckdb)")

    p = commands.add_parser("query", help="run SQL on the warehouse (read-only) and print the result",
                            description="Run one SQL statement on a read-only connection. Tables without a "
                                        "schema are the latest release (main); staging.* is the last run.")
    p.add_argument("sql", help='e.g. "SELECT actor, count(*) FROM movement_reports GROUP BY actor"')
    p.add_argument("--format", choices=FORMATS, default="table")
    warehouse_option(p)
    p.set_defaults(handler=_guarded(query))

    p = commands.add_parser("releases", help="list the published releases")
    p.add_argument("--format", choices=FORMATS, default="table")
    warehouse_option(p)
    p.set_defaults(handler=_guarded(releases))

    p = commands.add_parser("show", help="one movement, claim or article with its evidence highlighted",
                            description="Show a row with its places, assets and the evidence sentence highlighted "
                                        "in the article. ID may be a unique prefix.")
    p.add_argument("kind", choices=("movement", "claim", "article"))
    p.add_argument("id")
    p.add_argument("--full", action="store_true", help="print the whole article, not just the lines around the evidence")
    p.add_argument("--format", choices=("text", "json"), default="text")
    warehouse_option(p)
    p.set_defaults(handler=_guarded(show))

    p = commands.add_parser("report", help="write a static HTML report (map, timeline, tables) of a release")
    p.add_argument("--out", type=Path, required=True, help="folder to write index.html into")
    p.add_argument("--release", type=int, default=None, help="release number (default: the latest)")
    p.add_argument("--tiles", default="osm",
                   help="map tiles: 'osm' (OpenStreetMap, online), 'none' (outlines only), or a URL template "
                        "with {z}/{x}/{y}")
    warehouse_option(p)
    p.set_defaults(handler=_guarded(report))

    from posture.report.dictionary import DICTIONARY_PATH

    p = commands.add_parser("dictionary", help="regenerate docs/data-dictionary.md from the table definitions")
    p.add_argument("--out", type=Path, default=DICTIONARY_PATH)
    p.add_argument("--check", action="store_true", help="exit 1 when the file is out of date instead of writing it")
    p.set_defaults(handler=_guarded(dictionary))

    for sub in commands.choices.values():
        sub.add_argument("-q", "--quiet", action="store_true",
                         help="no progress or informational output (results and errors still print)")


def _guarded(handler):
    """Runs ``handler``; a CliError becomes its message on stderr and exit code 2."""
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except CliError as error:
            print(f"posture {args.command}: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT

    run.__name__ = handler.__name__
    return run
