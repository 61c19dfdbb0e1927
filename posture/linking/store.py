"""Where linking keeps what the next linking starts from, beside its output tables in DuckDB.

Two internal tables of the staging schema (never published): each report's signature and every
candidate pair with its score. They are trusted only while ``linking_state_fingerprint`` is the
one recorded with them: the same code, rules and gazetteer, and outputs and state exactly as the
last linking left them. Anything else (a crash half-way, a table edited by hand) links everything.
"""

from __future__ import annotations

import duckdb
import polars as pl

from posture import code_version
from posture.linking.incremental import PreviousLinking, Relinking
from posture.linking.rules import LinkingRules
from posture.schema import Column, Table
from posture.warehouse import (
    insert_rows,
    record_step_fingerprint,
    step_fingerprint,
    tables_fingerprint,
    write_table,
)

LINK_SIGNATURES = Table(
    "linking_report_signatures", "Internal: the signature of each report as it was last linked.",
    (Column("movement_id", "VARCHAR", "", False), Column("signature", "VARCHAR", "", False)),
    ("movement_id",))
LINK_PAIRS = Table(
    "linking_candidate_pairs", "Internal: every pair of reports that may describe one movement, with its score.",
    (Column("movement_id_a", "VARCHAR", "", False), Column("movement_id_b", "VARCHAR", "", False),
     Column("score", "DOUBLE", "", False)),
    ("movement_id_a", "movement_id_b"))
STATE_STEP = "link_movement_events_state"


def linking_state_fingerprint(con: duckdb.DuckDBPyConnection, schema: str, outputs: tuple[Table, ...],
                              places: Table, rules: LinkingRules) -> str:
    return tables_fingerprint(con, schema, (*outputs, LINK_SIGNATURES, LINK_PAIRS, places),
                              code_version(), rules.canonical())


def read_previous_linking(con: duckdb.DuckDBPyConnection, schema: str, outputs: tuple[Table, ...],
                          places: Table, rules: LinkingRules) -> PreviousLinking | None:
    """The last linking's signatures and pairs, or None when they cannot be trusted (see the module)."""
    recorded = step_fingerprint(con, schema, STATE_STEP)
    if recorded is None or recorded != linking_state_fingerprint(con, schema, outputs, places, rules):
        return None
    signatures = dict(con.execute(f"SELECT movement_id, signature FROM {schema}.{LINK_SIGNATURES.name}").fetchall())
    pairs = {(a, b): score for a, b, score in con.execute(
        f"SELECT movement_id_a, movement_id_b, score FROM {schema}.{LINK_PAIRS.name}").fetchall()}
    return PreviousLinking(signatures, pairs)


def _rows_frame(table: Table, columns: list[list]) -> pl.DataFrame:
    return pl.DataFrame(dict(zip(table.column_names, columns)), schema=table.polars_schema)


def write_linking(con: duckdb.DuckDBPyConnection, schema: str, relinking: Relinking,
                  outputs: list[tuple[Table, list[dict]]], event_reports: Table, places: Table,
                  rules: LinkingRules) -> None:
    """Store the events of ``relinking`` and the state the next linking starts from.

    ``outputs``: each output table with its rows from ``relinking.linked``; ``event_reports`` is the
    one of them that says which report is in which event. Linking everything writes the tables
    whole; otherwise the events of the replaced reports are deleted and the new ones inserted,
    in one transaction.
    """
    touched = relinking.changed | relinking.removed
    new_pairs = sorted((a, b, s) for (a, b), s in relinking.pairs.items()
                       if relinking.everything or a in touched or b in touched)
    new_signatures = sorted((m, relinking.signatures[m]) for m in relinking.changed)
    pairs_frame = _rows_frame(LINK_PAIRS, [list(c) for c in zip(*new_pairs)] if new_pairs else [[], [], []])
    signatures_frame = _rows_frame(LINK_SIGNATURES, [list(c) for c in zip(*new_signatures)] if new_signatures
                                   else [[], []])
    if relinking.everything:
        for table, rows in outputs:
            write_table(con, schema, table, table.frame(rows))
        write_table(con, schema, LINK_PAIRS, pairs_frame)
        write_table(con, schema, LINK_SIGNATURES, signatures_frame)
    else:
        replaced = pl.DataFrame({"movement_id": sorted(relinking.replaced_reports)}, schema={"movement_id": pl.String})
        touched_frame = pl.DataFrame({"movement_id": sorted(touched)}, schema={"movement_id": pl.String})
        con.execute("BEGIN TRANSACTION")
        try:
            con.register("posture_replaced_reports", replaced.to_arrow())
            con.register("posture_touched_reports", touched_frame.to_arrow())
            con.execute(f"CREATE OR REPLACE TEMP TABLE posture_stale_events AS SELECT DISTINCT event_id "
                        f"FROM {schema}.{event_reports.name} WHERE movement_id IN "
                        "(SELECT movement_id FROM posture_replaced_reports)")
            for table, rows in outputs:
                con.execute(f"DELETE FROM {schema}.{table.name} WHERE event_id IN "
                            "(SELECT event_id FROM posture_stale_events)")
                insert_rows(con, schema, table, table.frame(rows))
            con.execute(f"DELETE FROM {schema}.{LINK_PAIRS.name} WHERE movement_id_a IN "
                        "(SELECT movement_id FROM posture_touched_reports) OR movement_id_b IN "
                        "(SELECT movement_id FROM posture_touched_reports)")
            con.execute(f"DELETE FROM {schema}.{LINK_SIGNATURES.name} WHERE movement_id IN "
                        "(SELECT movement_id FROM posture_touched_reports)")
            insert_rows(con, schema, LINK_PAIRS, pairs_frame)
            insert_rows(con, schema, LINK_SIGNATURES, signatures_frame)
            con.execute("DROP TABLE posture_stale_events")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("posture_replaced_reports")
            con.unregister("posture_touched_reports")
    record_step_fingerprint(con, schema, STATE_STEP,
                            linking_state_fingerprint(con, schema, tuple(t for t, _ in outputs), places, rules))

