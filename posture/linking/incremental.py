"""Linking again after a few reports changed, with the same result as linking everything.

Complete-linkage clustering never merges reports that no chain of candidate pairs connects, and
it takes a connected component's pairs in the same order whatever else the graph holds: the
clusters of the graph are the clusters of each of its connected components, and an event's rows
depend only on its members. So after a change only the components it touches are clustered again:

- a report is *changed* when it is new or its signature (everything linking reads of it) differs;
  it is *removed* when it is gone;
- the pairs between unchanged reports are kept; the pairs of changed reports are scored again;
- the old components that held a changed or removed report are broken up, and every component
  of the new graph that holds one of their reports, or a changed one, is clustered again;
- every other component is exactly as it was (same reports, same pairs): its events stay.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from posture.linking.events import (
    LinkedEvents,
    candidate_pairs,
    candidate_pairs_of,
    complete_linkage,
    event_rows,
)
from posture.linking.reports import ROLES, Report
from posture.linking.rules import LinkingRules

Pairs = dict[tuple[str, str], float]

# past this share of changed reports, linking everything is as cheap and simpler to trust
RELINK_ALL_SHARE = 0.2


def report_signature(r: Report) -> str:
    """A digest of everything linking reads of one report (its places by id: the gazetteer's rows
    are part of what the stored linking was made from, see ``linking_state_fingerprint``)."""
    places = tuple((role, tuple(p.place_id for p in r.places[role])) for role in ROLES if role in r.places)
    assets = tuple((a.asset_type, a.count, a.low, a.high) for _, a in sorted(r.assets.items()))
    text = repr((r.movement_id, r.article_id, r.actor, r.actor_name, r.family, r.movement_type, r.event_date,
                 r.event_date_precision, r.published_date, r.language, r.outlet, r.attributed_to, r.source_key,
                 places, assets))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class PreviousLinking:
    """What the last linking left: each report's signature and every candidate pair with its score."""

    signatures: dict[str, str]
    pairs: Pairs


@dataclass(frozen=True)
class Relinking:
    """The outcome of linking: the rows of the events made (again), and what they replace."""

    linked: LinkedEvents
    everything: bool  # every event was made again (no usable previous linking, or a large change)
    # reports whose old events are replaced by ``linked`` (with ``everything``: all of them)
    replaced_reports: frozenset[str]
    signatures: dict[str, str]
    pairs: pl.DataFrame  # every candidate pair now (movement_id_a < movement_id_b, score)
    changed: frozenset[str]  # movement ids new or changed since the previous linking
    removed: frozenset[str]


def _neighbours(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    adjacent: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        adjacent[a].add(b)
        adjacent[b].add(a)
    return adjacent


def _reachable(starts: Iterable[str], adjacent: dict[str, set[str]]) -> set[str]:
    """Every report in the connected components of ``starts``."""
    seen = set(starts)
    frontier = list(seen)
    while frontier:
        for other in adjacent.get(frontier.pop(), ()):
            if other not in seen:
                seen.add(other)
                frontier.append(other)
    return seen


def pairs_frame(pairs: Pairs) -> pl.DataFrame:
    """The pairs as a frame (movement_id_a, movement_id_b, score), made so that the dict (514k
    pairs at 100k articles, ~70 MB of Python objects) is let go before the events' rows are made."""
    return pl.DataFrame({"movement_id_a": [a for a, _ in pairs], "movement_id_b": [b for _, b in pairs],
                         "score": list(pairs.values())},
                        schema={"movement_id_a": pl.String, "movement_id_b": pl.String, "score": pl.Float64})


def link_all(reports: list[Report], rules: LinkingRules, signatures: dict[str, str] | None = None) -> Relinking:
    """Link every report."""
    signatures = signatures if signatures is not None else {r.movement_id: report_signature(r) for r in reports}
    pairs = candidate_pairs(reports, rules)
    clusters = complete_linkage(reports, pairs)
    stored = pairs_frame(pairs)
    del pairs
    ids = frozenset(signatures)
    return Relinking(event_rows(clusters, rules), True, ids, signatures, stored, ids, frozenset())


def relink(reports: list[Report], rules: LinkingRules, previous: PreviousLinking | None) -> Relinking:
    """Link the reports again, clustering only the components a change touched (``link_all`` when
    there is no previous linking, or when most of it changed)."""
    signatures = {r.movement_id: report_signature(r) for r in reports}
    if previous is None:
        return link_all(reports, rules, signatures)
    changed = frozenset(m for m, s in signatures.items() if previous.signatures.get(m) != s)
    removed = frozenset(previous.signatures.keys() - signatures.keys())
    if len(changed) + len(removed) > RELINK_ALL_SHARE * max(len(reports), 1):
        return link_all(reports, rules, signatures)

    touched = changed | removed
    by_id = {r.movement_id: r for r in reports}
    fresh = candidate_pairs_of([by_id[m] for m in sorted(changed)], reports, rules)
    pairs = {pair: score for pair, score in previous.pairs.items() if pair[0] not in touched and pair[1] not in touched}
    pairs.update(fresh)
    # the old components of what changed; then the graph made the new one (the touched reports'
    # old pairs out, the fresh ones in) and the new components of those reports and the changed ones
    adjacent = _neighbours(previous.pairs)
    broken_up = _reachable(touched, adjacent) - removed
    for movement_id in touched:
        for other in adjacent.pop(movement_id, ()):
            adjacent[other].discard(movement_id)
    for a, b in fresh:
        adjacent[a].add(b)
        adjacent[b].add(a)
    again = _reachable(broken_up | changed, adjacent)
    members = [by_id[m] for m in sorted(again)]
    # (a pair's two reports are in one component: one end in ``again`` means both)
    own_pairs = {pair: score for pair, score in pairs.items() if pair[0] in again}
    linked = event_rows(complete_linkage(members, own_pairs), rules)
    return Relinking(linked, False, frozenset(again | removed), signatures, pairs_frame(pairs), changed, removed)
