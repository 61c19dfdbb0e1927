"""The linker's guarantees, re-checked with SQL on the stored tables (blocking checks of the release).

Each check recomputes what it asserts from ``movement_reports`` and ``articles`` rather than
trusting the columns the linker wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from posture.vocab import vocabularies

MAX_EXAMPLES = 10


@dataclass(frozen=True)
class LinkCheckOutcome:
    name: str
    passed: bool
    checked: int  # events or reports looked at
    offending: int
    examples: list[str]  # ids of offending events or reports (at most MAX_EXAMPLES)
    detail: str


def _families_sql() -> str:
    pairs = ", ".join(f"('{actor}', '{family}')" for actor, family in sorted(vocabularies().actor_families.items()))
    return f"(VALUES {pairs}) AS families(actor, family)"


def _outcome(con: duckdb.DuckDBPyConnection, name: str, checked_sql: str, offending_sql: str, detail: str) -> LinkCheckOutcome:
    checked = con.execute(checked_sql).fetchone()[0]
    ids = [row[0] for row in con.execute(f"SELECT id FROM ({offending_sql}) ORDER BY id").fetchall()]
    return LinkCheckOutcome(name, not ids, checked, len(ids), ids[:MAX_EXAMPLES], detail)


def events_keep_one_actor_family(con: duckdb.DuckDBPyConnection, schema: str) -> LinkCheckOutcome:
    return _outcome(
        con, "events_keep_one_actor_family",
        f"SELECT count(*) FROM {schema}.movement_events",
        f"""SELECT er.event_id AS id
            FROM {schema}.movement_event_reports er
            JOIN {schema}.movement_reports m USING (movement_id)
            LEFT JOIN {_families_sql()} USING (actor)
            GROUP BY er.event_id HAVING count(DISTINCT coalesce(families.family, m.actor)) > 1""",
        "events whose member reports belong to more than one actor family (data-contract.md 4.1)")


def events_within_window(con: duckdb.DuckDBPyConnection, schema: str, window_days: int) -> LinkCheckOutcome:
    # a report's period: its event date's day/week/month/..., else its article's publication day
    return _outcome(
        con, "events_within_date_window",
        f"SELECT count(*) FROM {schema}.movement_events",
        f"""WITH periods AS (
                SELECT er.event_id, coalesce(m.event_date, a.published_date) AS period_start,
                       CASE WHEN m.event_date IS NULL THEN a.published_date
                            ELSE CAST(m.event_date + CASE coalesce(m.event_date_precision, 'day')
                                WHEN 'week' THEN INTERVAL 7 DAY WHEN 'month' THEN INTERVAL 1 MONTH
                                WHEN 'quarter' THEN INTERVAL 3 MONTH WHEN 'year' THEN INTERVAL 1 YEAR
                                ELSE INTERVAL 1 DAY END - INTERVAL 1 DAY AS DATE) END AS period_end
                FROM {schema}.movement_event_reports er
                JOIN {schema}.movement_reports m USING (movement_id)
                JOIN {schema}.articles a ON a.article_id = m.article_id)
            SELECT event_id AS id FROM periods GROUP BY event_id
            HAVING count(*) > 1 AND (count(period_start) < count(*)
                   OR date_diff('day', min(period_end), max(period_start)) > {int(window_days)})""",
        f"events of several reports whose dates are more than {window_days} days apart (or undated)")


def reports_in_exactly_one_event(con: duckdb.DuckDBPyConnection, schema: str) -> LinkCheckOutcome:
    return _outcome(
        con, "reports_in_exactly_one_event",
        f"SELECT count(*) FROM {schema}.movement_reports",
        f"""SELECT coalesce(m.movement_id, er.movement_id) AS id
            FROM {schema}.movement_reports m
            FULL OUTER JOIN {schema}.movement_event_reports er USING (movement_id)
            LEFT JOIN {schema}.movement_events e ON e.event_id = er.event_id
            GROUP BY 1
            HAVING count(er.event_id) <> 1 OR bool_or(m.movement_id IS NULL) OR bool_or(e.event_id IS NULL)""",
        "movement reports in no event or in several, memberships of unknown reports or events")
