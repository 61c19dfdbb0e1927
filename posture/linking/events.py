"""Linking movement reports of several articles into movement events.

Two reports are *compatible* (may describe the same movement) when:
- their actors are of the same family (data-contract.md 4.1; ``other`` actors must share a name);
- their movement types are the same or listed as compatible (``data/linking/rules.json``);
- their reference dates (the event date's period, else the publication day) are at most
  ``window_days`` apart, and neither is dated more coarsely than ``coarsest_precision``
  (a report with no date at all stands alone);
- their places agree in direction: at least one origin meets an origin, a destination a
  destination, or a location / waypoint any place; and when both name origins (or both name
  destinations) at least one pair of them meets. Places meet when they are the same, points
  within ``point_km``, a site inside a governorate (a city named like its governorate, "to
  Erbil", meets the sites of that governorate), or anything inside a region or country. An
  origin that only meets the other's destination is the opposite direction: not compatible;
- for every asset type both count, the bounds widened by ``count_tolerance`` (at least
  ``count_slack``) overlap;
- they come from different articles, or one article restates one movement (a headline and its
  story: see ``restates``); an article that tells two sources' accounts keeps them apart.

Clustering is complete-linkage: candidate pairs are taken best first (by how much they agree,
then by movement ids) and two clusters merge only when every report of one is compatible with
every report of the other. The result depends only on the reports, never on their order, and no
event can span more than ``window_days`` or mix actor families.

An event's id is ``ev_`` + the movement id of its *anchor*: the member published first (ties: the
smallest movement id; reports of undated articles come last). A report published later that joins
the event never renames it; one published earlier that joins becomes the anchor.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from posture.gazetteer.gazetteer import distance_km
from posture.linking.reports import ROLES, AssetCount, Place, Report
from posture.linking.rules import PRECISIONS, LinkingRules

DIRECTED_ROLES = ("origin", "destination")
UNDIRECTED_ROLES = ("location", "via")


# ---------------------------------------------------------------- compatibility of two reports


def place_overlap(a: Place, b: Place, point_km: float | None) -> int:
    """How strongly two places can be the same: 3 same site, 2 site in governorate, 1 inside a region or country, 0 no.

    ``point_km`` None is the strict reading (two reports of one article): distinct sites never meet.
    """
    if a.place_id == b.place_id:
        return max(a.specificity, 1)
    if a.specificity == 3 and b.specificity == 3:
        if point_km is None:
            return 0
        if distance_km(a.lat, a.lon, b.lat, b.lon) <= point_km:
            return 3
        # "to Erbil" may mean the governorate: a city named like its governorate meets the sites in it
        return 2 if (a.names_its_governorate or b.names_its_governorate) and a.admin1 == b.admin1 else 0
    if a.is_region and b.is_region:  # extents unknown: two regions of one country may overlap
        return int(a.country_code == b.country_code)
    general, specific = (a, b) if a.specificity <= b.specificity else (b, a)
    if general.contains(specific):
        return 2 if general.place_kind == "admin1" else 1
    return 0


def _best_overlap(xs: tuple[Place, ...], ys: tuple[Place, ...], point_km: float | None) -> int:
    return max((place_overlap(x, y, point_km) for x in xs for y in ys), default=0)


def _role_overlaps(a: Report, b: Report, point_km: float | None) -> list[int] | None:
    """Best overlap of the origins, of the destinations, and of a location or waypoint with any place;
    None when both name origins (or both destinations) and none of them meet: two movements."""
    overlaps = []
    for role in DIRECTED_ROLES:
        xs, ys = a.named(role), b.named(role)
        best = _best_overlap(xs, ys, point_km)
        if xs and ys and best == 0:
            return None
        overlaps.append(best)
    everything_a = tuple(p for role in ROLES for p in a.named(role))
    everything_b = tuple(p for role in ROLES for p in b.named(role))
    undirected_a = tuple(p for role in UNDIRECTED_ROLES for p in a.named(role))
    undirected_b = tuple(p for role in UNDIRECTED_ROLES for p in b.named(role))
    overlaps.append(max(_best_overlap(undirected_a, everything_b, point_km),
                        _best_overlap(everything_a, undirected_b, point_km)))
    return overlaps


def places_agreement(a: Report, b: Report, point_km: float | None) -> int | None:
    """Sum of the best overlap per role; None when the places contradict each other or never meet.

    An origin that only meets the other's destination is the opposite direction: no agreement.
    """
    overlaps = _role_overlaps(a, b, point_km)
    return (sum(overlaps) or None) if overlaps is not None else None


def date_gap_days(a: Report, b: Report) -> int | None:
    """Days between the two reports' date periods (0 when they overlap); None when either is undated."""
    if a.date_start is None or b.date_start is None:
        return None
    if a.date_end < b.date_start:
        return (b.date_start - a.date_end).days
    if b.date_end < a.date_start:
        return (a.date_start - b.date_end).days
    return 0


def _widened(count: AssetCount, tolerance: float, slack: int) -> tuple[float, float]:
    low = count.low or 0
    low -= max(low * tolerance, slack)
    high = math.inf if count.high is None else count.high + max(count.high * tolerance, slack)
    return low, high


def counts_agreement(a: Report, b: Report, tolerance: float, slack: int) -> int | None:
    """Number of asset types both count with agreeing figures; None when a shared count disagrees.

    Figures agree when their bounds, each widened by ``tolerance`` of itself (at least ``slack``), overlap:
    "about 40 trucks" and "45 trucks" agree, 30 vehicles and 150 do not."""
    agreeing = 0
    for asset_type in sorted(a.assets.keys() & b.assets.keys()):
        x, y = a.assets[asset_type], b.assets[asset_type]
        if not (x.counted and y.counted):
            continue
        (x_low, x_high), (y_low, y_high) = _widened(x, tolerance, slack), _widened(y, tolerance, slack)
        if x_low > y_high or y_low > x_high:
            return None
        agreeing += 1
    return agreeing


def _actors_compatible(a: Report, b: Report) -> bool:
    if a.family is None or a.family != b.family:
        return False
    if a.family == "other":  # "other" gathers unrelated groups: only the same named group links
        return bool(a.actor_name) and (a.actor_name or "").casefold() == (b.actor_name or "").casefold()
    return True


def restates(a: Report, b: Report) -> bool:
    """Whether two reports of one article can be the article restating one movement (a headline and its story).

    An article that tells two sources' accounts, two dates or two different sites keeps them apart:
    the attributions must not name two sources, the event dates (when both have one) must share a
    period, and the places must meet at a named site or governorate (not merely inside one region
    or country), without the 25 km allowance.
    """
    if a.attributed_to and b.attributed_to and a.attributed_to != b.attributed_to:
        return False
    if a.event_date is not None and b.event_date is not None and date_gap_days(a, b) != 0:
        return False
    overlaps = _role_overlaps(a, b, None)
    return overlaps is not None and max(overlaps) >= 2


def link_score(a: Report, b: Report, rules: LinkingRules) -> float | None:
    """How well two reports agree, or None when they cannot describe the same movement."""
    if a.article_id == b.article_id and not restates(a, b):
        return None
    if not _actors_compatible(a, b) or not rules.types_compatible(a.movement_type, b.movement_type):
        return None
    if not (rules.precision_linkable(a.reference_precision or "year")
            and rules.precision_linkable(b.reference_precision or "year")):
        return None
    gap = date_gap_days(a, b)
    if gap is None or gap > rules.window_days:
        return None
    places = places_agreement(a, b, rules.point_km)
    if places is None:
        return None
    counts = counts_agreement(a, b, rules.count_tolerance, rules.count_slack)
    if counts is None:
        return None
    shared_assets = len(a.assets.keys() & b.assets.keys())
    return (places + counts + 0.5 * shared_assets + int(a.movement_type == b.movement_type)
            + int(a.actor == b.actor) + (rules.window_days - gap) / (rules.window_days + 1))


# ---------------------------------------------------------------- clustering


@dataclass(frozen=True, slots=True)
class _Reach:
    """Bit masks of one report's places (one bit per gazetteer place) and of every place they can meet."""

    named: int
    meets: int
    origins: int
    meets_origins: int
    destinations: int
    meets_destinations: int

    def may_agree(self, other: "_Reach") -> bool:
        """False when ``places_agreement`` must be None: no place meets, or both name origins (or both
        destinations) and none of them meet."""
        return bool(self.meets & other.named) and not (
            (self.origins and other.origins and not self.meets_origins & other.origins)
            or (self.destinations and other.destinations and not self.meets_destinations & other.destinations))


@lru_cache(maxsize=4)
def _meeting_masks(places: tuple[Place, ...], point_km: float) -> dict[str, int]:
    """Per place id, the mask of the places it can be (bit i: ``places[i]``; a place meets itself).
    ``place_overlap`` is symmetric, so each pair is scored once; the masks are kept for the process,
    as a watching process links the places of the same gazetteer run after run."""
    masks = [1 << i for i in range(len(places))]
    for i, a in enumerate(places):
        for j in range(i + 1, len(places)):
            if place_overlap(a, places[j], point_km) > 0:
                masks[i] |= 1 << j
                masks[j] |= 1 << i
    return {p.place_id: mask for p, mask in zip(places, masks)}


def _place_reach(reports: list[Report], point_km: float) -> dict[str, _Reach]:
    """Each report's place masks, so that a pair whose places contradict is ruled out by a few ANDs
    before it is scored. Places are few (the gazetteer), reports many."""
    places = {p.place_id: p for r in reports for ps in r.places.values() for p in ps}
    ids = sorted(places)
    bit = {pid: 1 << i for i, pid in enumerate(ids)}
    meets = _meeting_masks(tuple(places[pid] for pid in ids), point_km)

    def masks(ps) -> tuple[int, int]:
        named = reached = 0
        for p in ps:
            named |= bit[p.place_id]
            reached |= meets[p.place_id]
        return named, reached

    return {r.movement_id: _Reach(*masks(p for ps in r.places.values() for p in ps), *masks(r.named("origin")),
                                  *masks(r.named("destination")))
            for r in reports}


def _linkable(r: Report, rules: LinkingRules) -> bool:
    """Whether a report can link at all: an actor family, a date, and no coarser date than the rules allow."""
    return (r.family is not None and r.date_start is not None
            and rules.precision_linkable(r.reference_precision or "year"))


def _window_order(r: Report) -> tuple:
    return r.date_start, r.movement_id


def candidate_pairs(reports: list[Report], rules: LinkingRules) -> dict[tuple[str, str], float]:
    """Scores of every compatible pair, compared only within an actor family and a date window,
    and only when their places do not rule it out."""
    by_family: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        if _linkable(r, rules):
            by_family[r.family].append(r)
    reach = _place_reach([r for members in by_family.values() for r in members], rules.point_km)
    pairs: dict[tuple[str, str], float] = {}
    for members in by_family.values():
        members.sort(key=_window_order)
        reaches = [reach[r.movement_id] for r in members]
        for i, a in enumerate(members):
            reach_a = reaches[i]
            for j in range(i + 1, len(members)):  # by index: a slice would copy the rest of the list
                b = members[j]
                if (b.date_start - a.date_end).days > rules.window_days:
                    break  # every later report starts later still
                if not reach_a.may_agree(reaches[j]):
                    continue
                score = link_score(a, b, rules)
                if score is not None:
                    pairs[tuple(sorted((a.movement_id, b.movement_id)))] = score
    return pairs


def candidate_pairs_of(changed: list[Report], reports: list[Report],
                       rules: LinkingRules) -> dict[tuple[str, str], float]:
    """The candidate pairs (as ``candidate_pairs`` scores them) that involve a report of ``changed``;
    ``reports`` are all of them, ``changed`` among them. Each pair is scored in the order the full
    pass would score it: the earlier report (by date, then id) first."""
    changed = [r for r in changed if _linkable(r, rules)]
    families = {r.family for r in changed}
    by_family: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        if r.family in families and _linkable(r, rules):
            by_family[r.family].append(r)
    near: list[tuple[Report, Report]] = []  # (earlier, later) within the window: what the full pass compares
    for c in changed:
        for r in by_family[c.family]:
            a, b = (r, c) if _window_order(r) < _window_order(c) else (c, r)
            if r is not c and (b.date_start - a.date_end).days <= rules.window_days:
                near.append((a, b))
    reach = _place_reach(list({r.movement_id: r for pair in near for r in pair}.values()), rules.point_km)
    pairs: dict[tuple[str, str], float] = {}
    for a, b in near:
        key = tuple(sorted((a.movement_id, b.movement_id)))  # (two changed reports: met twice)
        if key not in pairs and reach[a.movement_id].may_agree(reach[b.movement_id]):
            score = link_score(a, b, rules)
            if score is not None:
                pairs[key] = score
    return pairs


def complete_linkage(reports: list[Report], pairs: dict[tuple[str, str], float]) -> list[list[Report]]:
    """Complete-linkage clusters of ``reports`` under the candidate ``pairs`` among them (pairs best
    first, ties by ids), each cluster sorted by movement id, the list likewise."""
    by_id = {r.movement_id: r for r in reports}
    cluster_of: dict[str, int] = {movement_id: i for i, movement_id in enumerate(sorted(by_id))}
    members: dict[int, set[str]] = {i: {movement_id} for movement_id, i in cluster_of.items()}
    for (a, b), _ in sorted(pairs.items(), key=lambda item: (-item[1], item[0])):
        ca, cb = cluster_of[a], cluster_of[b]
        if ca == cb:
            continue
        if all(tuple(sorted((x, y))) in pairs for x in members[ca] for y in members[cb]):
            keep, gone = min(ca, cb), max(ca, cb)
            for movement_id in members[gone]:
                cluster_of[movement_id] = keep
            members[keep] |= members.pop(gone)
    clusters = [sorted((by_id[m] for m in ids), key=lambda r: r.movement_id) for ids in members.values()]
    return sorted(clusters, key=lambda c: c[0].movement_id)


def cluster_reports(reports: list[Report], rules: LinkingRules) -> list[list[Report]]:
    """Complete-linkage clusters of the reports, each sorted by movement id, the list sorted likewise."""
    return complete_linkage(reports, candidate_pairs(reports, rules))


# ---------------------------------------------------------------- events and their consensus


def anchor(cluster: list[Report]) -> Report:
    """The member published first (ties: smallest movement id; undated articles last)."""
    return min(cluster, key=lambda r: (r.published_date is None, r.published_date or date.min, r.movement_id))


def _most_common(values: list, order) -> object:
    """The most frequent value; ties broken by ``order`` (a sort key)."""
    if len(values) == 1:  # most events have one report
        return values[0]
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], order(v)))


@dataclass(frozen=True)
class RolePlaces:
    role: str
    n_reports: dict[str, int]  # place_id -> members naming it in this role
    consensus: tuple[str, ...]  # the most specific places most members agree on, best first


def consensus_places(cluster: list[Report], role: str) -> RolePlaces:
    """Places of one role: how many members name each, and the consensus.

    The consensus keeps the most specific places (a governorate that holds a named base yields to
    the base) named by at least half as many members as the best-supported one.
    """
    n_reports: dict[str, int] = {}
    places: dict[str, Place] = {}
    for r in cluster:
        named = r.places.get(role)
        if not named:  # (most reports name one or two of the four roles)
            continue
        for p in {p.place_id: p for p in named}.values():
            n_reports[p.place_id] = n_reports.get(p.place_id, 0) + 1
            places[p.place_id] = p
    if not n_reports:
        return RolePlaces(role, {}, ())
    specific = [pid for pid, p in places.items() if not any(p.contains(q) for q in places.values())]
    if not specific:
        return RolePlaces(role, n_reports, ())
    best = max(n_reports[pid] for pid in specific)
    chosen = sorted((pid for pid in specific if n_reports[pid] * 2 >= best),
                    key=lambda pid: (-n_reports[pid], pid))
    return RolePlaces(role, n_reports, tuple(chosen))


@dataclass(frozen=True)
class EventAsset:
    asset_type: str
    n_reports: int
    count: int | None  # median of the stated counts (the lower middle one)
    count_min: int | None  # lowest lower bound any member gives
    count_max: int | None  # highest upper bound any member gives (None: unbounded or uncounted)


def consensus_assets(cluster: list[Report]) -> list[EventAsset]:
    out = []
    for asset_type in sorted({t for r in cluster for t in r.assets}):
        counts = [r.assets[asset_type] for r in cluster if asset_type in r.assets]
        stated = sorted(c.count for c in counts if c.count is not None)
        lows = [c.low for c in counts if c.counted and c.low is not None]
        highs = [c.high for c in counts if c.counted]
        out.append(EventAsset(
            asset_type, len(counts), stated[(len(stated) - 1) // 2] if stated else None,
            min(lows) if lows else None,
            None if not highs or any(h is None for h in highs) else max(highs)))
    return out


def consensus_date(cluster: list[Report]) -> tuple[date | None, str | None]:
    """The event date most of the most precisely dated members give (ties: the earliest)."""
    dated = [r for r in cluster if r.event_date is not None]
    if not dated:
        return None, None
    finest = min(PRECISIONS.index(r.event_date_precision or "day") for r in dated)
    precision = PRECISIONS[finest]
    dates = [r.event_date for r in dated if (r.event_date_precision or "day") == precision]
    return _most_common(dates, lambda d: d), precision


def span_days(cluster: list[Report]) -> int:
    """Days between the latest start and the earliest end of the members' date periods (0 when they share a day)."""
    starts = [r.date_start for r in cluster if r.date_start is not None]
    ends = [r.date_end for r in cluster if r.date_end is not None]
    if not starts:
        return 0
    return max(0, (max(starts) - min(ends)).days)


def _member_sources(cluster: list[Report]) -> dict[str, str]:
    """Each member's source. A headline without attribution restates its story, so it takes the source
    its article names for the same movement (at most one: see ``restates``), not the outlet's."""
    named: dict[str, set[str]] = defaultdict(set)
    for r in cluster:
        if r.attributed_to and r.source_key == r.attributed_to:
            named[r.article_id].add(r.source_key)
    return {r.movement_id: next(iter(named[r.article_id])) if len(named[r.article_id]) == 1 else r.source_key
            for r in cluster}


@dataclass(frozen=True)
class LinkedEvents:
    events: list[dict]
    memberships: list[dict]
    places: list[dict]
    assets: list[dict]

    def cluster_sizes(self) -> Counter[int]:
        return Counter(e["n_reports"] for e in self.events)


def link_reports(reports: list[Report], rules: LinkingRules) -> LinkedEvents:
    """Rows of movement_events, movement_event_reports, movement_event_places and movement_event_assets."""
    return event_rows(cluster_reports(reports, rules), rules)


def event_rows(clusters: list[list[Report]], rules: LinkingRules) -> LinkedEvents:
    """The rows of the events the clusters are: each event's rows depend only on its own members."""
    events, memberships, place_rows, asset_rows = [], [], [], []
    for cluster in clusters:
        first = anchor(cluster)
        eid = "ev_" + first.movement_id
        roles = {role: consensus_places(cluster, role) for role in ROLES}
        assets = consensus_assets(cluster)
        event_date, precision = consensus_date(cluster)
        source_of = _member_sources(cluster)
        sources = sorted(set(source_of.values()))
        published = [r.published_date for r in cluster if r.published_date is not None]
        # the counted asset most members mention (ties: the first by name)
        headline = max((a for a in assets if a.count is not None), default=None, key=lambda a: a.n_reports)
        events.append({
            "event_id": eid,
            "anchor_movement_id": first.movement_id,
            "actor": _most_common([r.actor for r in cluster], lambda a: a),
            "actor_family": first.family,
            "movement_type": _most_common([r.movement_type for r in cluster],
                                          lambda t: (rules.type_order.index(t) if t in rules.type_order else 99, t)),
            "event_date": event_date,
            "event_date_precision": precision,
            "date_start": min((r.date_start for r in cluster if r.date_start), default=None),
            "date_end": max((r.date_end for r in cluster if r.date_end), default=None),
            "span_days": span_days(cluster),
            "first_published": min(published, default=None),
            "last_published": max(published, default=None),
            "origin_place_id": next(iter(roles["origin"].consensus), None),
            "destination_place_id": next(iter(roles["destination"].consensus), None),
            "location_place_id": next(iter(roles["location"].consensus), None),
            "asset_type": headline.asset_type if headline else None,
            "count": headline.count if headline else None,
            "count_min": headline.count_min if headline else None,
            "count_max": headline.count_max if headline else None,
            "n_reports": len(cluster),
            "n_articles": len({r.article_id for r in cluster}),
            "n_sources": len(sources),
            "sources": ", ".join(sources),
            "languages": ", ".join(sorted({r.language for r in cluster})),
            "corroborated": len(sources) >= 2,
        })
        for r in cluster:
            memberships.append({
                "event_id": eid, "movement_id": r.movement_id, "article_id": r.article_id,
                "published_date": r.published_date, "language": r.language, "outlet": r.outlet,
                "attributed_to": r.attributed_to, "source_key": source_of[r.movement_id],
                "is_anchor": r.movement_id == first.movement_id,
            })
        for role, rp in roles.items():
            for place_id, n in rp.n_reports.items():
                place_rows.append({"event_id": eid, "role": role, "place_id": place_id, "n_reports": n,
                                   "consensus": place_id in rp.consensus})
        for a in assets:
            asset_rows.append({"event_id": eid, "asset_type": a.asset_type, "n_reports": a.n_reports,
                               "count": a.count, "count_min": a.count_min, "count_max": a.count_max})
    return LinkedEvents(events, memberships, place_rows, asset_rows)
