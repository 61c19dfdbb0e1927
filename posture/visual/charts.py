"""PNG charts (matplotlib, Agg backend): the movement map and the troop-numbers timeline.

Rendering is deterministic: the same data and matplotlib version give the same bytes (no
timestamps in the PNG, fixed size, fonts bundled with matplotlib).
"""

from __future__ import annotations

import io
import math
from collections import Counter

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display; must precede pyplot

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.patheffects as path_effects  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from posture.visual import style  # noqa: E402
from posture.visual.data import MapPlace, MovementMapData, TimelinePoint  # noqa: E402
from posture.visual.outlines import focus_bounds, lines, outlines, polygons  # noqa: E402

DPI = 100
MAP_SIZE = (9.0, 6.6)  # inches
TIMELINE_SIZE = (9.0, 4.8)
ARC_STEPS = np.linspace(0.0, 1.0, 24)  # samples along each route's arc
ROUTE_SHRINK = (4, 6)  # points left free at the origin and destination, like shrinkA / shrinkB
HALO = [path_effects.withStroke(linewidth=2.5, foreground="white")]
# Past this many claims the per-point value labels overlap into noise (and cost more than the chart):
# only each actor's latest claim is labelled.
LABELLED_POINTS_MAX = 60
# Likewise for place names on the map: each is drawn as a path with a halo, past this many they
# cover each other (and cost more than every route together); the places with the most reports are named.
LABELLED_PLACES_MAX = 60


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _draw_outlines(ax) -> None:
    ax.set_facecolor(style.SEA)
    for feature in outlines()["features"]:
        props, geometry = feature["properties"], feature["geometry"]
        if props["kind"] == "country":
            for polygon in polygons(geometry):
                ax.add_patch(Polygon(polygon[0], closed=True, zorder=1,
                                     facecolor=style.FOCUS_LAND if props["focus"] else style.LAND,
                                     edgecolor=style.BORDER, linewidth=1.0 if props["focus"] else 0.6))
        elif props["kind"] == "admin1_boundary":
            for line in lines(geometry):
                xs, ys = zip(*line)
                ax.plot(xs, ys, color=style.ADMIN1, linewidth=0.5, linestyle=(0, (3, 2)), zorder=2)
    for feature in outlines()["features"]:
        props = feature["properties"]
        if props["kind"] == "country" and props["focus"]:
            ring = max(polygons(feature["geometry"]), key=lambda p: len(p[0]))[0]
            x = sum(p[0] for p in ring) / len(ring)
            y = sum(p[1] for p in ring) / len(ring)
            ax.text(x, y, props["name"].upper(), fontsize=13, color="#b8b2a6", ha="center", va="center",
                    zorder=2, fontweight="bold")


def _outside(data: MovementMapData) -> list[str]:
    """Names of places beyond the outlines (e.g. a route to Libya): named under the map, not drawn."""
    lon_min, lat_min, lon_max, lat_max = outlines()["bbox"]
    return sorted({p.name for p in data.places if not (lon_min <= p.lon <= lon_max and lat_min <= p.lat <= lat_max)})


def _extent(data: MovementMapData) -> tuple[float, float, float, float]:
    """Syria and Iraq, widened to the places inside the outlines' box."""
    lon_min, lat_min, lon_max, lat_max = focus_bounds()
    box = outlines()["bbox"]
    for place in data.places:
        if box[0] <= place.lon <= box[2] and box[1] <= place.lat <= box[3]:
            lon_min, lon_max = min(lon_min, place.lon), max(lon_max, place.lon)
            lat_min, lat_max = min(lat_min, place.lat), max(lat_max, place.lat)
    return lon_min - 0.4, lat_min - 0.4, lon_max + 0.4, lat_max + 0.4


def _arrows(starts: np.ndarray, ends: np.ndarray, rads: np.ndarray, widths: np.ndarray, points: float
            ) -> tuple[list[np.ndarray], np.ndarray]:
    """For each route (rows of ``starts`` / ``ends``, in pixels): an arc bent like matplotlib's
    ``arc3`` connection and its filled head (``-|>``, scaled like a FancyArrowPatch of that line
    width); ends trimmed as ``shrinkA`` / ``shrinkB`` do. ``points`` is pixels per typographic
    point. The arcs are computed for all routes at once; only cutting each to its length is per route."""
    delta = ends - starts
    control = (starts + ends) / 2 + rads[:, None] * np.stack([delta[:, 1], -delta[:, 0]], axis=1)
    t = ARC_STEPS[None, :, None]
    curves = (1 - t) ** 2 * starts[:, None] + 2 * (1 - t) * t * control[:, None] + t ** 2 * ends[:, None]
    steps = np.diff(curves, axis=1)
    along = np.concatenate([np.zeros((len(starts), 1)), np.cumsum(np.hypot(steps[..., 0], steps[..., 1]), axis=1)],
                           axis=1)
    scale = (10 + 2 * widths) * points  # FancyArrowPatch's mutation_scale, in pixels
    first = ROUTE_SHRINK[0] * points
    tips = np.maximum(along[:, -1] - ROUTE_SHRINK[1] * points, 0.0)
    bases = np.maximum(tips - 0.4 * scale, first)
    lines, tip_points = [], np.empty_like(starts)
    for i, (distance, curve) in enumerate(zip(along, curves)):
        cut = np.stack([np.interp((first, bases[i], tips[i]), distance, curve[:, axis]) for axis in (0, 1)], axis=1)
        tip_points[i] = cut[2]
        lines.append(np.vstack([cut[0], curve[(distance > first) & (distance < bases[i])], cut[1]]))
    direction = tip_points - np.array([line[-1] for line in lines])
    norm = np.hypot(direction[:, 0], direction[:, 1])
    length = np.hypot(delta[:, 0], delta[:, 1])
    direction = np.where(norm[:, None] > 0, direction / np.where(norm > 0, norm, 1.0)[:, None],
                         delta / np.where(length > 0, length, 1.0)[:, None])
    side = np.stack([-direction[:, 1], direction[:, 0]], axis=1) * (0.2 * scale)[:, None]
    back = tip_points - direction * (0.4 * scale)[:, None]
    return lines, np.stack([tip_points, back + side, back - side], axis=1)


def _draw_routes(ax, routes) -> None:
    """Every route as an arrow, drawn as two collections (lines, heads) rather than one patch each:
    thousands of routes then cost a fraction of a second instead of seconds."""
    if not routes:
        return
    ax.apply_aspect()  # fix the data-to-pixel transform the arcs are computed in
    to_pixels, points = ax.transData, ax.figure.dpi / 72
    ends = to_pixels.transform([xy for r in routes for xy in ((r.origin.lon, r.origin.lat),
                                                              (r.destination.lon, r.destination.lat))])
    widths = np.array([style.route_width(r.reports) for r in routes], dtype=float)
    lines, heads = _arrows(ends[0::2], ends[1::2], 0.12 + 0.04 * (np.arange(len(routes)) % 3), widths, points)
    # back to data coordinates in one transform of every point (one call per route cost more than the arcs)
    in_data = to_pixels.inverted().transform(np.vstack([*lines, heads.reshape(-1, 2)]))
    split = np.cumsum([len(line) for line in lines])
    lines, heads = np.split(in_data[:split[-1]], split[:-1]), in_data[split[-1]:].reshape(-1, 3, 2)
    colours = [style.movement_colour(r.movement_type) for r in routes]
    ax.add_collection(LineCollection(lines, colors=colours, linewidths=widths, alpha=0.85, zorder=4,
                                     linestyles=["--" if r.to_or_from_area else "-" for r in routes]),
                      autolim=False)
    ax.add_collection(PolyCollection(heads, facecolors=colours, edgecolors=colours, linewidths=widths,
                                     alpha=0.85, zorder=4), autolim=False)


def _labelled(data: MovementMapData) -> tuple[MapPlace, ...]:
    """The places named on the map: all of them, or past ``LABELLED_PLACES_MAX`` those with the most
    reports (routes and sites), ties by name."""
    if len(data.places) <= LABELLED_PLACES_MAX:
        return data.places
    reports: Counter[str] = Counter()
    for route in data.routes:
        reports[route.origin.place_id] += route.reports
        reports[route.destination.place_id] += route.reports
    for site in data.sites:
        reports[site.place.place_id] += len(site.movement_ids)
    ranked = sorted(data.places, key=lambda p: (-reports[p.place_id], p.name, p.place_id))
    return tuple(ranked[:LABELLED_PLACES_MAX])


def render_movement_map(data: MovementMapData, title: str = "Reported movements") -> bytes:
    """Routes from origin to destination over the Syria/Iraq outlines; line width = number of reports."""
    figure = Figure(figsize=MAP_SIZE)
    ax = figure.add_axes((0.01, 0.01, 0.98, 0.91))
    lon_min, lat_min, lon_max, lat_max = _extent(data)
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    ax.set_aspect(1 / math.cos(math.radians((lat_min + lat_max) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    _draw_outlines(ax)

    _draw_routes(ax, data.routes)
    if data.sites:  # one collection for all sites: a scatter call per point costs as much as drawing it
        ax.scatter([s.place.lon for s in data.sites], [s.place.lat for s in data.sites],
                   s=[40 + 30 * len(s.movement_ids) for s in data.sites], zorder=5, facecolor="none",
                   edgecolor=[style.movement_colour(s.movement_type) for s in data.sites], linewidth=2)
    for is_area, marker, colour in ((False, "o", "#222"), (True, "D", "white")):
        group = [p for p in data.places if p.is_area == is_area]
        if group:
            ax.scatter([p.lon for p in group], [p.lat for p in group], s=18, zorder=6, color=colour,
                       edgecolor="#222", linewidth=0.8, marker=marker)
    labelled = _labelled(data)
    for place in labelled:
        ax.annotate(place.name, (place.lon, place.lat), xytext=(5, 4), textcoords="offset points", fontsize=8,
                    zorder=7, path_effects=HALO)

    types = sorted({r.movement_type for r in data.routes} | {s.movement_type for s in data.sites})
    handles = [Line2D([], [], color=style.movement_colour(t), linewidth=2.5, label=t) for t in types]
    max_reports = max((r.reports for r in data.routes), default=1)
    handles += [Line2D([], [], color="#555", linewidth=style.route_width(n), label=f"{n} report{'s' * (n > 1)}")
                for n in sorted({1, max_reports})]
    handles.append(Line2D([], [], color="#555", linewidth=1.5, linestyle="--",
                          label="to/from a governorate or country"))
    if data.sites:
        handles.append(Line2D([], [], marker="o", color="none", markeredgecolor="#555", markersize=9,
                              markeredgewidth=2, label="location only"))
    ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9, title="line width = reports",
              title_fontsize=8)
    if not data.routes and not data.sites:
        ax.text(0.5, 0.5, "no movements with known places in this release", transform=ax.transAxes,
                ha="center", va="center", fontsize=12, color="#555")
    figure.suptitle(f"{title}: {data.movement_count} movement reports, {len(data.routes)} routes", fontsize=12, y=0.97)
    outside = _outside(data)
    if outside:
        ax.text(0.995, 0.995, "beyond the map: " + ", ".join(outside), transform=ax.transAxes, ha="right",
                va="top", fontsize=8, color="#333", zorder=8, path_effects=HALO)
    credit = "Outlines: Natural Earth (public domain)"
    if len(labelled) < len(data.places):
        credit = f"named: the {len(labelled)} of {len(data.places)} places with the most reports. {credit}"
    ax.text(0.995, 0.005, credit, transform=ax.transAxes, ha="right", va="bottom", fontsize=6, color="#777", zorder=8)
    return png_bytes(figure)


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _thousands(value: float, _position: int) -> str:
    return f"{value:,.0f}"


def render_troop_timeline(points: tuple[TimelinePoint, ...], title: str = "Reported troop numbers") -> bytes:
    """Troop numbers per actor over time; marker shape = status, hollow = dated by the article's publication.

    Every point carries its value up to ``LABELLED_POINTS_MAX`` claims; beyond, each actor's latest one.
    """
    figure = Figure(figsize=TIMELINE_SIZE)
    ax = figure.add_axes((0.09, 0.13, 0.62, 0.75))
    colours = style.actor_colours(p.actor for p in points)
    label_every_point = len(points) <= LABELLED_POINTS_MAX
    for actor, colour in colours.items():
        mine = [p for p in points if p.actor == actor]
        reported = [p for p in mine if p.status != "planned"]
        if len(reported) > 1:
            ax.plot([p.date for p in reported], [p.value for p in reported], color=colour, linewidth=1.2, zorder=2)
        ranges = [(p.date, low, high) for p in mine
                  for low, high in [(_or(p.value_min, p.value), _or(p.value_max, p.value))] if low != high]
        if ranges:
            dates, lows, highs = zip(*ranges)
            ax.vlines(dates, lows, highs, color=colour, linewidth=1, alpha=0.6, zorder=2)
        # one collection per marker shape and fill: a scatter call per point costs as much as drawing it
        marks: dict[tuple[str, bool], list[TimelinePoint]] = {}
        for p in mine:
            marks.setdefault((style.STATUS_MARKERS.get(p.status, "o"), p.dated_by_publication), []).append(p)
        for (marker, hollow), group in sorted(marks.items()):
            ax.scatter([p.date for p in group], [p.value for p in group], marker=marker, s=70, zorder=3,
                       color="white" if hollow else colour, edgecolor=colour, linewidth=1.6)
        for p in (mine if label_every_point else mine[-1:]):
            ax.annotate(f"{p.value:,}", (p.date, p.value), xytext=(6, 3), textcoords="offset points", fontsize=7,
                        color="#333", path_effects=HALO)
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.set_ylabel("troops")
    top = max((p.value_max or p.value for p in points), default=1) or 1
    ax.set_ylim(-0.05 * top, 1.1 * top)  # room for zero claims (a full withdrawal) and labels
    ax.grid(axis="y", color="#e5e5e5", zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if points:
        locator = mdates.AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        first, last = min(p.date for p in points), max(p.date for p in points)
        pad = max(15, (last - first).days * 0.06)
        ax.set_xlim(mdates.date2num(first) - pad, mdates.date2num(last) + pad)
    else:
        ax.text(0.5, 0.5, "no troop figures in this release", transform=ax.transAxes, ha="center", va="center",
                fontsize=12, color="#555")
        ax.set_xticks([])

    handles = [Line2D([], [], color=c, linewidth=2.5, label=a) for a, c in colours.items()]
    handles += [Line2D([], [], marker=m, color="none", markerfacecolor="#777", markeredgecolor="#777", markersize=8,
                       label=style.STATUS_LABELS[s]) for s, m in style.STATUS_MARKERS.items()]
    handles.append(Line2D([], [], marker="o", color="none", markerfacecolor="white", markeredgecolor="#777",
                          markersize=8, markeredgewidth=1.6, label="hollow: no date stated,\nat publication date"))
    figure.legend(handles=handles, loc="center left", bbox_to_anchor=(0.73, 0.5), fontsize=8, frameon=False)
    figure.suptitle(f"{title}: {len(points)} claims", fontsize=12, x=0.4, y=0.97)
    return png_bytes(figure)
