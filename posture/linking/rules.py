"""The settings and knowledge the event linker works with.

Thresholds are settings (the Dagster resource ``LinkingSettings`` fills them); which movement
types may describe the same movement and which attributions name no particular source are
data (``posture/data/linking/rules.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "linking" / "rules.json"
PRECISIONS = ("day", "week", "month", "quarter", "year")  # finest first


@cache
def _rules_data() -> dict:
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def _compatible_type_pairs() -> frozenset[frozenset[str]]:
    return frozenset(frozenset(pair) for pair in _rules_data()["compatible_movement_types"])


@dataclass(frozen=True)
class LinkingRules:
    """When two movement reports may describe the same movement, and how force levels are summarised."""

    window_days: int = 3  # reference dates (event date, else publication date) at most this far apart
    point_km: float = 25.0  # two points this close are the same place (data-contract.md 5.2)
    count_tolerance: float = 0.25  # counts agree when their bounds, widened by this fraction, overlap
    count_slack: int = 1  # ... and by at least this many units (one plane or two are the same sighting)
    coarsest_precision: str = "month"  # reports dated more coarsely than this stand alone
    latest_window_days: int = 30  # force_level_latest: current claims this close to the latest one
    compatible_types: frozenset[frozenset[str]] = field(default_factory=_compatible_type_pairs)
    type_order: tuple[str, ...] = field(default_factory=lambda: tuple(_rules_data()["consensus_type_order"]))
    generic_sources: frozenset[str] = field(default_factory=lambda: frozenset(_rules_data()["generic_sources"]))

    def __post_init__(self) -> None:
        if self.coarsest_precision not in PRECISIONS:
            raise ValueError(f"coarsest_precision {self.coarsest_precision!r} is not one of {', '.join(PRECISIONS)}")
        if min(self.window_days, self.point_km, self.count_tolerance, self.count_slack, self.latest_window_days) < 0:
            raise ValueError("linking thresholds (window_days, point_km, count_tolerance, count_slack, "
                             "latest_window_days) must not be negative")

    def types_compatible(self, a: str, b: str) -> bool:
        return a == b or frozenset((a, b)) in self.compatible_types

    def precision_linkable(self, precision: str) -> bool:
        return PRECISIONS.index(precision) <= PRECISIONS.index(self.coarsest_precision)

    def canonical(self) -> str:
        """Every rule as JSON with sets sorted: the same rules give the same text in every process
        (a frozenset's repr follows the process's string hash seed)."""
        def plain(value):
            if isinstance(value, (set, frozenset)):
                return sorted((plain(v) for v in value), key=lambda v: json.dumps(v))
            return list(value) if isinstance(value, tuple) else value

        return json.dumps({f.name: plain(getattr(self, f.name)) for f in fields(self)}, sort_keys=True)
