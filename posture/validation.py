"""Great Expectations validation of the staged tables.

Each suite in ``expectations/`` is a plain GE 1.x ExpectationSuite JSON file. Its ``meta``
says which table it guards, the SQL that builds the frame it validates (so cross-table
rules such as foreign keys and evidence offsets become ordinary column expectations) and
the id column used to name offending rows. Vocabularies are referenced as
``{"$PARAMETER": "actors"}`` and filled from ``posture/data/vocabularies.json``, so the
suites never copy a vocabulary.

GE runs on pandas frames read from DuckDB: GE's SQL path on DuckDB reports failures
without counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from posture.vocab import vocabularies

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


@dataclass
class SuiteOutcome:
    suite: str
    table: str
    success: bool
    row_count: int
    outcomes: list[ExpectationOutcome]

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def summary(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "rows": self.row_count,
            "expectations": len(self.outcomes),
            "failed": [o.expectation for o in self.failed],
        }

    def report(self) -> str:
        """A readable account of the failures: expectation, table and a few offending rows."""
        lines = [f"Suite {self.suite!r} failed on table {self.table!r}:"]
        for o in self.failed:
            lines.append(f"  - {o.expectation}: {o.unexpected_count} of {o.element_count} rows")
            for example in o.examples:
                lines.append(f"      {json.dumps(example, ensure_ascii=False, default=str)}")
        return "\n".join(lines)


def load_suites(directory: Path = EXPECTATIONS_DIR) -> list[Suite]:
    suites = []
    for path in sorted(directory.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        meta = raw.get("meta", {})
        try:
            suites.append(
                Suite(
                    name=raw["name"],
                    table=meta["table"],
                    query=meta["query"],
                    id_columns=tuple(meta["id_columns"]),
                    description=meta.get("description", ""),
                    raw=raw,
                )
            )
        except KeyError as missing:
            raise ValueError(
                f"{path}: expectation suite lacks {missing}; every suite needs 'name' and "
                "meta.table, meta.query and meta.id_columns"
            ) from None
    return suites


def _label(config: Any) -> str:
    kwargs = config.kwargs
    target = kwargs.get("column") or ",".join(kwargs.get("column_list", []) or [])
    return f"{config.type}({target})" if target else config.type


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _sql_list(values: list) -> str:
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def render_query(suite: Suite, schema: str) -> str:
    """The suite's SQL with the staging schema and vocabularies (as SQL lists) filled in."""
    lists = {name: _sql_list(values) for name, values in vocabularies().as_parameters().items()}
    return suite.query.format(schema=schema, **lists)


def validate_suite(con: duckdb.DuckDBPyConnection, suite: Suite, schema: str) -> SuiteOutcome:
    """Run one suite against the frame its query builds from ``schema``."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    frame = con.sql(render_query(suite, schema)).df()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(name=suite.name)
        .add_batch_definition_whole_dataframe("all_rows")
    )
    gx_suite = context.suites.add(gx.ExpectationSuite(**suite.raw))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
    )
    result = definition.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=vocabularies().as_parameters(),
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": list(suite.id_columns),
        },
    )
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
            )
        )
    return SuiteOutcome(suite.name, suite.table, bool(result.success), len(frame), outcomes)
