"""Great Expectations validation of the staged tables.

Each suite in ``expectations/`` is a plain GE 1.x ExpectationSuite JSON file. Its ``meta``
says which table it guards, the SQL that builds the frame it validates (so cross-table
rules such as foreign keys and evidence offsets become ordinary column expectations) and
the id column used to name offending rows. Vocabularies are referenced as
``{"$PARAMETER": "actors"}`` and filled from ``posture/data/vocabularies.json``, so the
suites never copy a vocabulary.

A suite with ``meta.scope: "release"`` compares a staged table with the latest release; it
applies to every published table (``posture.schema.PUBLISHED_TABLES``) not in
``meta.exempt_tables`` and is loaded once per table. Its query reads ``{row_counts}``: one row
(table_name, staged_rows, published_rows) from the staged table and the latest
``dataset_versions`` row.

Run-time settings reach the suites as expectation parameters (``{"$PARAMETER":
"max_shrink_fraction"}``). Each validation can also be written as GE's HTML page.

GE runs on pandas frames read from DuckDB: GE's SQL path on DuckDB reports failures
without counts. One ephemeral GE context (and pandas datasource) serves every validation of a
process; GE is imported only when a suite is really validated, and without the modules it
loads for expectations our suites don't use (``posture.lazy_modules``).

``validate_suite_cached`` skips GE when the frame a suite would validate is the one a previous
validation saw: the frame's content fingerprint (of the columns GE gets: row count and an
order-independent sum of DuckDB's row hashes, computed in SQL without reading the rows into
Python; the frame is built once, as a temporary table, for the fingerprint and GE) and the suite's
fingerprint (its definition, rendered query, parameters, vocabularies, code and library
versions) both equal those stored with that validation's outcome and HTML page in
``<schema>.validation_cache``. The outcome is then reused, pass or fail, and says so
(``reused_from_run``); any changed row, suite or setting validates again.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb

from posture import code_version
from posture.lazy_modules import deferred
from posture.schema import PUBLISHED_TABLES
from posture.vocab import vocabularies
from posture.warehouse import PUBLISHED, content_fingerprint, sql_string, table_exists

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    query: str  # SQL with {schema} where the staged tables live
    id_columns: tuple[str, ...]
    description: str
    raw: dict[str, Any]
    scope: str = "table"  # "table": guards meta.table; "release": compares the table with the last release

    @property
    def check_id(self) -> str:
        """Unique among the loaded suites (a release-scope suite is loaded once per table)."""
        return self.name if self.scope == "table" else f"{self.name}:{self.table}"

    @property
    def path_hint(self) -> str:
        return f"expectations/{self.name}.json"


@dataclass
class ExpectationOutcome:
    expectation: str  # e.g. expect_column_values_to_be_in_set(actor)
    success: bool
    unexpected_count: int
    element_count: int
    examples: list[dict[str, Any]] = field(default_factory=list)
    severity: str = "critical"  # GE's expectation severity: only critical failures block


@dataclass
class SuiteOutcome:
    suite: str
    table: str
    success: bool
    row_count: int
    outcomes: list[ExpectationOutcome]
    rows: list[dict[str, Any]] = field(default_factory=list)  # the validated frame of a release-scope suite
    content_fingerprint: str = ""  # of the validated frame (set by validate_suite_cached)
    reused_from_run: str | None = None  # the run whose validation of the same content this outcome is

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, text: str) -> "SuiteOutcome":
        fields = json.loads(text)
        fields["outcomes"] = [ExpectationOutcome(**o) for o in fields["outcomes"]]
        return cls(**fields)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        """Failed critical expectations: these block publishing."""
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        """Failed expectations of severity warning or info: reported, not blocking."""
        return [o for o in self.outcomes if not o.success and o.severity != "critical"]

    def summary(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "rows": self.row_count,
            "expectations": len(self.outcomes),
            "failed": [o.expectation for o in self.failed],
            "warnings": [o.expectation for o in self.warnings],
        }

    def report(self) -> str:
        """A readable account of the failures: expectation, table and a few offending rows."""
        return self._describe(f"Suite {self.suite!r} failed on table {self.table!r}:", self.failed)

    def warning_report(self) -> str:
        return self._describe(f"Suite {self.suite!r} warns on table {self.table!r}:", self.warnings)

    @staticmethod
    def _describe(header: str, outcomes: list[ExpectationOutcome]) -> str:
        lines = [header]
        for o in outcomes:
            lines.append(f"  - {o.expectation}: {o.unexpected_count} of {o.element_count} rows")
            for example in o.examples:
                lines.append(f"      {json.dumps(example, ensure_ascii=False, default=str)}")
        return "\n".join(lines)


def load_suites(directory: Path = EXPECTATIONS_DIR) -> list[Suite]:
    suites = []
    for path in sorted(directory.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        meta = raw.get("meta", {})
        scope = meta.get("scope", "table")
        if scope not in ("table", "release"):
            raise ValueError(f"{path}: meta.scope is {scope!r}; use 'table' (the default) or 'release'")
        tables = [meta.get("table")] if scope == "table" else \
            [t.name for t in PUBLISHED_TABLES if t.name not in meta.get("exempt_tables", ())]
        try:
            suites += [
                Suite(
                    name=raw["name"],
                    table=table or meta["table"],
                    query=meta["query"],
                    id_columns=tuple(meta["id_columns"]),
                    description=meta.get("description", ""),
                    raw=raw,
                    scope=scope,
                )
                for table in tables
            ]
        except KeyError as missing:
            raise ValueError(
                f"{path}: expectation suite lacks {missing}; every suite needs 'name' and "
                "meta.query, meta.id_columns and meta.table (unless meta.scope is 'release')"
            ) from None
    return suites


def _label(config: Any) -> str:
    kwargs = config.kwargs
    target = kwargs.get("column") or ",".join(kwargs.get("column_list", []) or [])
    condition = kwargs.get("row_condition")
    if isinstance(condition, dict):  # GE keeps a pandas-parser condition as a pass-through filter
        condition = condition.get("pass_through_filter") or json.dumps(condition, sort_keys=True)
    if condition:
        target += f" where {condition}"
    return f"{config.type}({target})" if target else config.type


def _severity(config: Any) -> str:
    severity = getattr(config, "severity", None)
    return str(getattr(severity, "value", severity) or "critical")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _sql_list(values: list) -> str:
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def published_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table of the latest release; empty before the first one."""
    exists = table_exists(con, PUBLISHED, "dataset_versions")
    row = con.execute(f"SELECT row_counts FROM {PUBLISHED}.dataset_versions ORDER BY version DESC LIMIT 1"
                      ).fetchone() if exists else None
    return json.loads(row[0]) if row else {}


def _row_counts_relation(con: duckdb.DuckDBPyConnection, suite: Suite, schema: str) -> str:
    published = published_row_counts(con).get(suite.table)
    return (f"(SELECT {sql_string(suite.table)} AS table_name, (SELECT count(*) FROM {schema}.{suite.table}) "
            f"AS staged_rows, CAST({'NULL' if published is None else published} AS BIGINT) AS published_rows)")


def render_query(suite: Suite, schema: str, con: duckdb.DuckDBPyConnection | None = None) -> str:
    """The suite's SQL with the staging schema and vocabularies (as SQL lists) filled in."""
    lists = {name: _sql_list(values) for name, values in vocabularies().as_parameters().items()}
    if suite.scope == "release":
        lists["row_counts"] = _row_counts_relation(con, suite, schema)
    return suite.query.format(schema=schema, **lists)


def render_html(result: Any) -> str:
    """GE's own HTML page of a validation result (the page Data Docs shows)."""
    from great_expectations.render.renderer import ValidationResultsPageRenderer

    return _page_view().render(ValidationResultsPageRenderer().render(result))


def _great_expectations() -> Any:
    """GE, imported without the modules it loads only for expectations our suites don't use."""
    with deferred("scipy.stats", "altair"):
        import great_expectations

    return great_expectations


@cache
def _page_view() -> Any:
    """One GE page view per process: its Jinja environment compiles the page templates once
    (a new view per page compiled them for every validation, ~0.5 s each)."""
    from great_expectations.render.view import DefaultJinjaPageView

    return DefaultJinjaPageView()


@cache
def _pandas_datasource() -> Any:
    """One ephemeral GE context per process (creating one per validation costs more than most validations)."""
    gx = _great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context.data_sources.add_pandas("warehouse")


def load_great_expectations() -> None:
    """Import GE and create its context now, not in the first validation: a process that runs the
    pipeline again and again (`posture watch`) pays the ~2 s once, before any change arrives."""
    _pandas_datasource()


def _batch(name: str, frame: Any) -> Any:
    datasource = _pandas_datasource()
    try:
        asset = datasource.get_asset(name)
    except LookupError:
        asset = datasource.add_dataframe_asset(name=name)
        asset.add_batch_definition_whole_dataframe("all_rows")
    return asset.get_batch_definition("all_rows").get_batch(batch_parameters={"dataframe": frame})


def _forget_batch_data(batch_id: str) -> None:
    """Let go of a validated frame. GE's execution engine keeps the data of every batch it loaded
    for as long as the process lives (its batch manager has no public way to drop them): at 100k
    articles, the frames of the four extraction suites alone stayed resident as ~100 MB."""
    manager = _pandas_datasource().get_execution_engine().batch_manager
    getattr(manager, "_batch_data_cache", {}).pop(batch_id, None)
    manager.reset_batch_cache()


def _expectation_parameters(parameters: dict[str, Any] | None) -> dict[str, Any]:
    return {**vocabularies().as_parameters(), **(parameters or {})}


def validate_suite(con: duckdb.DuckDBPyConnection, suite: Suite, schema: str,
                   parameters: dict[str, Any] | None = None, html_report: Path | None = None) -> SuiteOutcome:
    """Run one suite against the frame its query builds from ``schema``.

    ``parameters`` fill the suite's ``$PARAMETER`` references besides the vocabularies;
    ``html_report`` is where GE's HTML page of the result is written, if given.
    """
    outcome, html = _validate(con, suite, render_query(suite, schema, con), parameters, html_report is not None)
    if html_report is not None:
        _write_report(html_report, html)
    return outcome


def checked_columns(suite: Suite, available: list[str]) -> list[str]:
    """The columns of the suite's frame that its expectations read (their columns, the names in
    their row conditions) and its id columns, in frame order: GE never holds evidence text or
    titles that no expectation reads. A release-scope suite keeps every column (its rows are returned)."""
    expectations = suite.raw.get("expectations", [])
    if suite.scope == "release" or any(e.get("type", "").startswith("expect_table_column") for e in expectations):
        return list(available)  # (an expectation about the table's columns must see them all)
    wanted = set(suite.id_columns)
    for expectation in expectations:
        kwargs = expectation.get("kwargs", {})
        if "column" in kwargs:
            wanted.add(kwargs["column"])
        wanted |= set(kwargs.get("column_list") or ())
        condition = kwargs.get("row_condition")
        if isinstance(condition, str):  # names outside quoted values: metric=="troops" reads metric
            wanted |= set(re.findall(r"[A-Za-z_]\w*", re.sub(r"([\"']).*?\1", "", condition)))
    return [c for c in available if c in wanted]


def _validate(con: duckdb.DuckDBPyConnection, suite: Suite, query: str, parameters: dict[str, Any] | None,
              with_html: bool, complete_first: bool = False) -> tuple[SuiteOutcome, str]:
    gx = _great_expectations()
    relation = con.sql(query)
    columns = checked_columns(suite, relation.columns)
    frame = relation.select(*(duckdb.ColumnExpression(c) for c in columns)).df()
    batch = _batch(suite.check_id, frame)

    def validated(result_format: str) -> Any:
        return batch.validate(
            gx.ExpectationSuite(**copy.deepcopy(suite.raw)),  # GE fills ids into the dicts it is given
            expectation_parameters=_expectation_parameters(parameters),
            result_format={"result_format": result_format, "unexpected_index_column_names": list(suite.id_columns)},
        )

    try:
        # counts first: a third cheaper than with the offending rows' ids, which only a suite with
        # a failure or an unexpected row needs (its examples); GE's page is the same for both.
        # ``complete_first``: the suite had such rows last time, and most likely has them still
        result = validated("COMPLETE" if complete_first else "BASIC")
        if not complete_first and any(not r.success or (r.result or {}).get("unexpected_count")
                                      for r in result.results):
            result = validated("COMPLETE")
    finally:
        _forget_batch_data(batch.id)
    outcomes = []
    for r in result.results:
        details = r.result or {}
        examples = [
            {k: _jsonable(v) for k, v in row.items()}
            for row in (details.get("unexpected_index_list") or [])[:MAX_EXAMPLES]
        ]
        outcomes.append(
            ExpectationOutcome(
                expectation=_label(r.expectation_config),
                success=bool(r.success),
                unexpected_count=int(details.get("unexpected_count") or (0 if r.success else 1)),
                element_count=int(details.get("element_count") or len(frame)),
                examples=examples,
                severity=_severity(r.expectation_config),
            )
        )
    rows = [{k: None if v != v else _jsonable(v) for k, v in row.items()}  # NaN (a missing count) -> None
            for row in frame.to_dict("records")] if suite.scope == "release" else []
    success = all(o.success for o in outcomes if o.severity == "critical")
    return SuiteOutcome(suite.name, suite.table, success, len(frame), outcomes, rows), \
        (render_html(result) if with_html else "")


def _write_report(path: Path, html: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


# ------------------------------------------------------------------------------ reuse of validations

VALIDATION_CACHE = "validation_cache"
_FRAME = "validated_frame"  # the temporary table of the frame being validated
_CACHE_COLUMNS = ("check_id VARCHAR PRIMARY KEY, suite_fingerprint VARCHAR, content_fingerprint VARCHAR, "
                  "run_id VARCHAR, outcome VARCHAR, html VARCHAR")


def suite_fingerprint(suite: Suite, query: str, parameters: dict[str, Any] | None) -> str:
    """Everything besides the rows that a validation's outcome depends on."""
    text = json.dumps({"suite": suite.raw, "query": query, "parameters": _expectation_parameters(parameters),
                       "code": code_version(), "great_expectations": version("great_expectations"),
                       "pandas": version("pandas"), "duckdb": duckdb.__version__}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def validate_suite_cached(con: duckdb.DuckDBPyConnection, suite: Suite, schema: str, run_id: str,
                          parameters: dict[str, Any] | None = None, html_report: Path | None = None,
                          cache_schema: str | None = None) -> SuiteOutcome:
    """``validate_suite``, unless the same suite already validated exactly this content: then its outcome.

    The cache lives in ``cache_schema`` (default: ``schema``); a reused outcome carries the run id
    of the validation it comes from in ``reused_from_run``, and its HTML page is written again to
    ``html_report``.
    """
    table = f"{cache_schema or schema}.{VALIDATION_CACHE}"
    query = render_query(suite, schema, con)
    suite_key = suite_fingerprint(suite, query, parameters)
    # the frame is built once, with only the columns GE would get: its fingerprint and, when it
    # is new, the validation read it (building it twice cost half of the validations of a run)
    columns = ", ".join(f'"{c}"' for c in checked_columns(suite, con.sql(query).columns))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_FRAME} AS SELECT {columns} FROM ({query})")
    try:
        content_key = content_fingerprint(con, f"SELECT * FROM {_FRAME}")
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({_CACHE_COLUMNS})")
        # the last validation of this check (one row per check): reused when it saw the same suite and rows
        last = con.execute(f"SELECT suite_fingerprint, content_fingerprint, run_id, outcome, html FROM {table} "
                           "WHERE check_id = ?", [suite.check_id]).fetchone()
        # (read only when written by this version of the code: another version's may differ in form)
        last_outcome = SuiteOutcome.from_json(last[3]) if last and last[0] == suite_key else None
        if last and last[:2] == (suite_key, content_key):
            outcome, html = last_outcome, last[4]
            outcome.reused_from_run = last[2]
        else:
            had_unexpected_rows = last_outcome is not None and any(not o.success or o.unexpected_count
                                                                   for o in last_outcome.outcomes)
            outcome, html = _validate(con, suite, f"SELECT * FROM {_FRAME}", parameters, with_html=True,
                                      complete_first=had_unexpected_rows)
            outcome.content_fingerprint = content_key
            con.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?, ?, ?)",
                        [suite.check_id, suite_key, content_key, run_id, outcome.to_json(), html])
    finally:
        con.execute(f"DROP TABLE IF EXISTS {_FRAME}")
    if html_report is not None:
        _write_report(html_report, html)
    return outcome
