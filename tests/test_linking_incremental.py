"""Linking again after a change clusters only the connected components it touched, and gives exactly
the events of linking everything: on random batches (pure), through the state kept in a real DuckDB
file, and never from a state that no longer matches the tables."""

from __future__ import annotations

import random
from datetime import timedelta

import duckdb
import pytest

from posture.linking.events import candidate_pairs
from posture.linking.incremental import PreviousLinking, Relinking, link_all, relink
from posture.linking.reports import build_reports
from posture.linking.rules import LinkingRules
from posture.linking.store import (
    LINK_PAIRS,
    read_previous_linking,
    record_linking_state,
    write_events,
    write_linking_state,
)
from posture.schema import (
    MOVEMENT_EVENT_ASSETS,
    MOVEMENT_EVENT_PLACES,
    MOVEMENT_EVENT_REPORTS,
    MOVEMENT_EVENTS,
    PLACES,
)
from posture.warehouse import read_table, tables_fingerprint, write_table
from tests.linking_rows import Staged, places_frame, random_batch, random_report

RULES = LinkingRules()
OUTPUTS = (MOVEMENT_EVENTS, MOVEMENT_EVENT_REPORTS, MOVEMENT_EVENT_PLACES, MOVEMENT_EVENT_ASSETS)
ROW_LISTS = ("events", "memberships", "places", "assets")  # LinkedEvents' lists, in the order of OUTPUTS


def _reports(s: Staged):
    f = s.frames()
    return build_reports(f["movement_reports"], f["movement_places"], f["movement_assets"], f["articles"],
                         f["places"], f["near_duplicates"], RULES.generic_sources)


def _pairs(relinking: Relinking) -> dict[tuple[str, str], float]:
    return {(a, b): score for a, b, score in relinking.pairs.iter_rows()}


def _row_sets(linked) -> dict[str, set[tuple]]:
    return {name: {tuple(sorted(row.items())) for row in getattr(linked, name)} for name in ROW_LISTS}


def _applied(before: dict[str, set[tuple]], relinking: Relinking) -> dict[str, set[tuple]]:
    """The rows after a relinking: the old events of the replaced reports gone, the new ones added."""
    stale = {dict(row)["event_id"] for row in before["memberships"]
             if dict(row)["movement_id"] in relinking.replaced_reports}
    after = _row_sets(relinking.linked)
    return {name: {row for row in rows if dict(row)["event_id"] not in stale} | after[name]
            for name, rows in before.items()}


def _change(s: Staged, rng: random.Random, seed: int) -> None:
    """Three reports gone, three changed (a day later, or another actor), four new ones."""
    for report in rng.sample(s.reports, 3):
        s.reports.remove(report)
        s.places = [p for p in s.places if p["movement_id"] != report["movement_id"]]
        s.assets = [a for a in s.assets if a["movement_id"] != report["movement_id"]]
    for report in rng.sample(s.reports, 3):
        if report["event_date"] is not None:
            report["event_date"] += timedelta(days=1)
        else:
            report["actor"] = "russia" if report["actor"] != "russia" else "us"
    for number in range(4):
        random_report(s, rng, f"new{seed}_{number}", s.article(f"new{seed}_{number}", "2025-10-05"))


@pytest.mark.parametrize("seed", range(6))
def test_relinking_after_a_change_gives_the_events_of_linking_everything(seed):
    rng = random.Random(seed)
    s = random_batch(rng, 240)
    first = link_all(_reports(s), RULES)
    _change(s, rng, seed)
    reports = _reports(s)

    again = relink(reports, RULES, PreviousLinking(first.signatures, _pairs(first)))
    everything = link_all(reports, RULES)

    assert not again.everything and len(again.changed) == 7 and len(again.removed) == 3
    assert _pairs(again) == _pairs(everything) == candidate_pairs(reports, RULES)
    assert _applied(_row_sets(first.linked), again) == _row_sets(everything.linked)
    # only the touched components were clustered again
    assert again.changed <= again.replaced_reports and len(again.linked.memberships) < len(reports)


def test_an_unchanged_batch_clusters_nothing_again():
    s = random_batch(random.Random(3), 120)
    first = link_all(_reports(s), RULES)
    again = relink(_reports(s), RULES, PreviousLinking(first.signatures, _pairs(first)))
    assert not again.everything and not again.replaced_reports and not again.linked.events


def test_a_large_change_links_everything():
    rng = random.Random(4)
    s = random_batch(rng, 60)
    first = link_all(_reports(s), RULES)
    for number in range(30):
        random_report(s, rng, f"late{number}", s.article(f"late{number}", "2025-10-03"))
    assert relink(_reports(s), RULES, PreviousLinking(first.signatures, _pairs(first))).everything


def _stored(con) -> dict[str, list[tuple]]:
    return {t.name: read_table(con, "staging", t).rows() for t in (*OUTPUTS, LINK_PAIRS)}


def _previous(con, rules=RULES):
    return read_previous_linking(con, "staging", tables_fingerprint(con, "staging", OUTPUTS), PLACES, rules)


def _link_into(con, reports, rules=RULES) -> Relinking:
    """What the linking asset does: relink from the stored state, store the outcome, vouch for it."""
    relinking = relink(reports, rules, _previous(con, rules))
    write_linking_state(con, "staging", relinking)
    rows = [(table, list(getattr(relinking.linked, name))) for table, name in zip(OUTPUTS, ROW_LISTS)]
    write_events(con, "staging", rows, MOVEMENT_EVENT_REPORTS,
                 None if relinking.everything else relinking.replaced_reports)
    record_linking_state(con, "staging", tables_fingerprint(con, "staging", OUTPUTS), PLACES, rules)
    return relinking


@pytest.fixture
def staging(tmp_path):
    def open_warehouse(name: str):
        con = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
        con.execute("CREATE SCHEMA staging")
        write_table(con, "staging", PLACES, places_frame())
        return con
    return open_warehouse


def test_the_stored_events_after_a_change_are_those_of_a_fresh_warehouse(staging):
    rng = random.Random(11)
    s = random_batch(rng, 200)
    con = staging("incremental")
    assert _link_into(con, _reports(s)).everything  # nothing stored yet
    _change(s, rng, 11)

    again = _link_into(con, _reports(s))
    fresh = staging("fresh")
    _link_into(fresh, _reports(s))

    assert not again.everything and again.replaced_reports
    assert _stored(con) == _stored(fresh)
    assert _previous(con).signatures == again.signatures


def test_a_state_that_no_longer_matches_its_tables_or_rules_is_not_used(staging):
    s = random_batch(random.Random(12), 80)
    con = staging("w")
    _link_into(con, _reports(s))
    assert _previous(con) is not None
    assert _previous(con, LinkingRules(window_days=1)) is None
    con.execute("UPDATE staging.movement_events SET n_sources = n_sources + 1 WHERE event_id = "
                "(SELECT min(event_id) FROM staging.movement_events)")
    assert _previous(con) is None
    assert _link_into(con, _reports(s)).everything
