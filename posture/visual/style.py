"""Colours and marks shared by the PNG charts and the HTML report, so both read the same way."""

from __future__ import annotations

MOVEMENT_COLOURS = {
    "withdrawal": "#c0392b",
    "deployment": "#2471a3",
    "airlift": "#7d3c98",
    "patrol": "#d68910",
    "other": "#566573",
}
# Tableau 10: actors get colours in sorted order, so the same actors always look the same
ACTOR_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                 "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
STATUS_MARKERS = {"current": "o", "past": "s", "planned": "^"}  # matplotlib marker codes
STATUS_LABELS = {"current": "current (as of the report)", "past": "past (an earlier figure)",
                 "planned": "planned (target or projection)"}

LAND = "#f4f1ea"
FOCUS_LAND = "#fffdf8"
SEA = "#dbe7f0"
BORDER = "#6b6b6b"
ADMIN1 = "#a9a39a"


def movement_colour(movement_type: str) -> str:
    return MOVEMENT_COLOURS.get(movement_type, MOVEMENT_COLOURS["other"])


def actor_colours(actors) -> dict[str, str]:
    return {actor: ACTOR_PALETTE[i % len(ACTOR_PALETTE)] for i, actor in enumerate(sorted(set(actors)))}


def route_width(reports: int) -> float:
    """Line width (points) for a route carrying ``reports`` movement reports."""
    return 1.5 + 2.0 * (reports - 1) ** 0.5 if reports > 1 else 1.5
