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
    registered,
    step_fingerprint,
    tables_fingerprint,
    transaction,
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


def linking_state_fingerprint(con: duckdb.DuckDBPyConnection, schema: str, outputs_fingerprint: str,
                              places: Table, rules: LinkingRules) -> str:
    """What the stored state goes with: the output tables (their ``tables_fingerprint``), the state
    tables themselves, the gazetteer, the code and the rules."""
    return tables_fingerprint(con, schema, (LINK_SIGNATURES, LINK_PAIRS, places),
                              outputs_fingerprint, code_version(), rules.canonical())


def read_previous_linking(con: duckdb.DuckDBPyConnection, schema: str, outputs_fingerprint: str,
                          places: Table, rules: LinkingRules) -> PreviousLinking | None:
    """The last linking's signatures and pairs, or None when they cannot be trusted (see the module)."""
    recorded = step_fingerprint(con, schema, STATE_STEP)
    if recorded is None or recorded != linking_state_fingerprint(con, schema, outputs_fingerprint, places, rules):
        return None
    signatures = dict(con.execute(f"SELECT movement_id, signature FROM {schema}.{LINK_SIGNATURES.name}").fetchall())
    pairs = {(a, b): score for a, b, score in con.execute(
        f"SELECT movement_id_a, movement_id_b, score FROM {schema}.{LINK_PAIRS.name}").fetchall()}
    return PreviousLinking(signatures, pairs)


def record_linking_state(con: duckdb.DuckDBPyConnection, schema: str, outputs_fingerprint: str,
                         places: Table, rules: LinkingRules) -> None:
    """Vouch for the state just written, with the outputs as they are now."""
    record_step_fingerprint(con, schema, STATE_STEP,
                            linking_state_fingerprint(con, schema, outputs_fingerprint, places, rules))


def _movement_ids(con: duckdb.DuckDBPyConnection, name: str, ids: frozenset[str]):
    """``ids`` readable in SQL as the table ``name`` (one column, movement_id) for a while."""
    return registered(con, name, pl.DataFrame({"movement_id": sorted(ids)}, schema={"movement_id": pl.String}).to_arrow())


def write_linking_state(con: duckdb.DuckDBPyConnection, schema: str, relinking: Relinking) -> None:
    """Store the pairs and signatures the next linking starts from: whole after linking everything,
    otherwise those of the changed and removed reports replaced (``record_linking_state`` vouches
    for them once the events are written too)."""
    touched = relinking.changed | relinking.removed
    pairs = relinking.pairs if relinking.everything else relinking.pairs.filter(
        pl.col("movement_id_a").is_in(list(touched)) | pl.col("movement_id_b").is_in(list(touched)))
    changed = sorted(relinking.changed)
    signatures = pl.DataFrame({"movement_id": changed, "signature": [relinking.signatures[m] for m in changed]},
                              schema=LINK_SIGNATURES.polars_schema)
    if relinking.everything:
        write_table(con, schema, LINK_PAIRS, pairs)
        write_table(con, schema, LINK_SIGNATURES, signatures)
        return
    with _movement_ids(con, "posture_touched_reports", touched), transaction(con):
        con.execute(f"DELETE FROM {schema}.{LINK_PAIRS.name} WHERE movement_id_a IN "
                    "(SELECT movement_id FROM posture_touched_reports) OR movement_id_b IN "
                    "(SELECT movement_id FROM posture_touched_reports)")
        con.execute(f"DELETE FROM {schema}.{LINK_SIGNATURES.name} WHERE movement_id IN "
                    "(SELECT movement_id FROM posture_touched_reports)")
        insert_rows(con, schema, LINK_PAIRS, pairs)
        insert_rows(con, schema, LINK_SIGNATURES, signatures)


def write_events(con: duckdb.DuckDBPyConnection, schema: str, outputs: list[tuple[Table, list[dict]]],
                 event_reports: Table, replaced_reports: frozenset[str] | None) -> None:
    """Store the events' rows: ``outputs`` are the output tables with their rows, each list emptied
    once its frame is built (at 100k articles the four tables' rows are hundreds of MB).

    ``replaced_reports`` None: the tables are written whole. Otherwise the old events of those
    reports (``event_reports`` says which report is in which event) are deleted and the new rows
    inserted, in one transaction.
    """
    if replaced_reports is None:
        for table, rows in outputs:
            write_table(con, schema, table, _frame_of(table, rows))
        return
    with _movement_ids(con, "posture_replaced_reports", replaced_reports), transaction(con):
        con.execute(f"CREATE OR REPLACE TEMP TABLE posture_stale_events AS SELECT DISTINCT event_id "
                    f"FROM {schema}.{event_reports.name} WHERE movement_id IN "
                    "(SELECT movement_id FROM posture_replaced_reports)")
        for table, rows in outputs:
            con.execute(f"DELETE FROM {schema}.{table.name} WHERE event_id IN "
                        "(SELECT event_id FROM posture_stale_events)")
            insert_rows(con, schema, table, _frame_of(table, rows))
        con.execute("DROP TABLE posture_stale_events")


def _frame_of(table: Table, rows: list[dict]) -> pl.DataFrame:
    frame = table.frame(rows)
    rows.clear()
    return frame
