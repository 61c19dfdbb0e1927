"""PNG charts kept beside the warehouse and drawn again only when what they show changed.

A chart's key is the sha256 of its data (the frozen dataclasses' repr, which lists every value
in a fixed order), the code version (the chart code and styles are part of it) and the
matplotlib version; the key is stored next to the PNG (``<name>.png.key``). The same key gives
the same bytes (rendering is deterministic), so a run whose chart data did not change reads the
PNG back instead of drawing it, and never imports matplotlib.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from posture import code_version


def chart_key(kind: str, data: object) -> str:
    text = "\n".join([kind, code_version(), f"matplotlib=={version('matplotlib')}", repr(data)])
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Chart:
    path: Path
    key: str
    png: bytes
    reused: bool  # read back: drawn for this key by an earlier run


def drawn_png(path: Path, key: str, render: Callable[[], bytes]) -> Chart:
    """The PNG at ``path`` if it was drawn for ``key``, else ``render()``; nothing is written
    (``keep`` does that, once what the chart shows is published)."""
    key_file = path.with_name(path.name + ".key")
    if path.is_file() and key_file.is_file() and key_file.read_text().strip() == key:
        return Chart(path, key, path.read_bytes(), reused=True)
    return Chart(path, key, render(), reused=False)


def keep(chart: Chart) -> None:
    """Write a newly drawn chart at its path, with its key beside it."""
    if chart.reused:
        return
    chart.path.parent.mkdir(parents=True, exist_ok=True)
    key_file = chart.path.with_name(chart.path.name + ".key")
    key_file.unlink(missing_ok=True)  # a crash between the two writes must not pair a new key with an old PNG
    chart.path.write_bytes(chart.png)
    key_file.write_text(chart.key + "\n")


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
