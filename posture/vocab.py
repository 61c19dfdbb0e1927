"""The contract's controlled vocabularies (section 4), loaded from ``data/vocabularies.json``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Vocabularies:
    actor_families: dict[str, str]
    movement_types: tuple[str, ...]
    asset_types: tuple[str, ...]
    sources: tuple[str, ...]
    source_other_pattern: str
    qualifiers: tuple[str, ...]
    date_precisions: tuple[str, ...]
    place_roles: tuple[str, ...]
    place_kinds: tuple[str, ...]
    metrics: tuple[str, ...]
    statuses: tuple[str, ...]
    admin1: dict[str, tuple[str, ...]]

    @property
    def actors(self) -> tuple[str, ...]:
        return tuple(self.actor_families)

    def family(self, actor: str | None) -> str | None:
        return self.actor_families.get(actor or "", None)

    def is_source(self, source: str) -> bool:
        return source in self.sources or re.fullmatch(self.source_other_pattern, source) is not None

    def as_parameters(self) -> dict[str, list]:
        """Every vocabulary as a list, by name: the parameters the expectation suites refer to."""
        return {
            "actors": list(self.actors),
            "movement_types": list(self.movement_types),
            "asset_types": list(self.asset_types),
            "sources": list(self.sources),
            "qualifiers": list(self.qualifiers),
            "date_precisions": list(self.date_precisions),
            "place_roles": list(self.place_roles),
            "place_kinds": list(self.place_kinds),
            "metrics": list(self.metrics),
            "statuses": list(self.statuses),
            "admin1_names": sorted({n for names in self.admin1.values() for n in names}),
        }


@cache
def vocabularies() -> Vocabularies:
    raw = json.loads((DATA_DIR / "vocabularies.json").read_text(encoding="utf-8"))
    raw.pop("_comment", None)
    return Vocabularies(
        actor_families=raw["actor_families"],
        admin1={k: tuple(v) for k, v in raw["admin1"].items()},
        source_other_pattern=raw["source_other_pattern"],
        **{k: tuple(v) for k, v in raw.items() if k not in ("actor_families", "admin1", "source_other_pattern")},
    )
