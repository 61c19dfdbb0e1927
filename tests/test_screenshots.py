"""Screenshots in headless Chromium: the Dagster UI on loopback showing the movement map and the
troop timeline of a materialised sample release, and the static HTML report.

Skipped only when no Chromium is installed (`make test` installs Debian's package when it can).
The PNGs land in tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest
from PIL import Image

from posture.visual import style
from tests.browser import DevTools, chromium_binary, screenshot
from tests.conftest import REPO, SAMPLE
from tests.pipeline_runs import materialize_all

ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = chromium_binary()

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _colour_pixels(image: Image.Image, hex_colour: str, tolerance: int = 30) -> int:
    target = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return sum(count for count, pixel in image.convert("RGB").getcolors(maxcolors=1 << 22)
               if all(abs(a - b) <= tolerance for a, b in zip(pixel, target)))


def _assert_non_trivial(path: Path, min_size=(800, 600)) -> Image.Image:
    image = Image.open(path)
    assert image.size[0] >= min_size[0] and image.size[1] >= min_size[1], image.size
    assert path.stat().st_size > 30_000
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 22)) > 200  # not a blank page
    return image


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory):
    """The sample corpus materialised into a temporary instance, and dagster-webserver serving it."""
    root = tmp_path_factory.mktemp("ui")
    home = root / "dagster_home"
    home.mkdir()
    # no telemetry, no newsletter dialog over the page
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\nnux:\n  enabled: false\n")
    warehouse = root / "warehouse" / "warehouse.duckdb"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert materialize_all(SAMPLE, warehouse, instance=instance).success

    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "POSTURE_INBOX": str(SAMPLE), "POSTURE_WAREHOUSE": str(warehouse),
           "POSTURE_GAZETTEERS": "", "PYTHONPATH": str(REPO), "DAGSTER_DISABLE_TELEMETRY": "1"}
    log = open(root / "webserver.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "dagster_webserver", "-w", str(REPO / "workspace.yaml"),
                               "-h", "127.0.0.1", "-p", str(port)], cwd=REPO, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("dagster-webserver did not start:\n" +
                                         (root / "webserver.log").read_text(errors="replace")[-3000:])
                time.sleep(1)
        yield url, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


OPEN_MARKDOWN = """(() => {
  const row = [...document.querySelectorAll('tr')].find(tr => tr.querySelector('td')
      && tr.querySelector('td').textContent.trim() === %r);
  if (!row) return false;
  const label = [...row.querySelectorAll('*')].find(e => e.children.length === 0
      && e.textContent.trim() === '[Show Markdown]');
  if (!label) return false;
  (label.closest('button') || label).click();
  return true;
})()"""
DIALOG_IMAGE = """(() => {
  const img = [...document.querySelectorAll('[role=dialog] img, .bp5-dialog img')]
      .find(i => i.src.startsWith('data:image/png'));
  return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : null;
})()"""
# The dialog opens with a transition: an image already decoded can still be drawn faint or small,
# and a screenshot taken then missed the chart's colours (seen in CI). Settled: every element up to
# the page fully opaque, and the image at the same place and size in two looks in a row.
DIALOG_SETTLED = """(() => {
  const img = [...document.querySelectorAll('[role=dialog] img, .bp5-dialog img')]
      .find(i => i.src.startsWith('data:image/png'));
  if (!img) return false;
  for (let e = img; e; e = e.parentElement) if (getComputedStyle(e).opacity !== '1') return false;
  const box = img.getBoundingClientRect();
  const now = `${box.x},${box.y},${box.width},${box.height}`;
  const settled = box.width > 0 && window.__chartBox === now;
  window.__chartBox = now;
  return settled;
})()"""


@pytest.mark.parametrize("asset, entry, colour", [
    ("movement_reports", "map", style.MOVEMENT_COLOURS["withdrawal"]),
    ("force_levels", "timeline", style.ACTOR_PALETTE[0]),
])
def test_dagster_asset_page_shows_the_chart(dagster_ui, asset, entry, colour):
    url, root = dagster_ui
    ARTIFACTS.mkdir(exist_ok=True)
    with DevTools(CHROMIUM, root / f"profile-{asset}", size=(1400, 1100)) as page:
        page.goto(f"{url}/assets/{asset}")
        page.wait_for(OPEN_MARKDOWN % entry, timeout=90, what=f"the {entry!r} metadata entry of {asset}")
        width, height = page.wait_for(DIALOG_IMAGE, timeout=30, what=f"the {entry} image in its dialog")
        assert width >= 800 and height >= 400
        heading = page.evaluate("document.body.innerText")
        assert asset in heading and entry in heading
        page.wait_for(DIALOG_SETTLED, timeout=30, what=f"the {entry} image drawn at its size")
        shot = page.save_screenshot(ARTIFACTS / f"dagster_{asset}_{entry}.png")
    image = _assert_non_trivial(shot)
    # the chart itself is on screen: its route / actor colour, not just the UI chrome
    assert _colour_pixels(image, colour) > 300


def test_static_report_renders_map_timeline_and_tables(sample_release, tmp_path, capsys):
    from pipelines.cli import main

    out = tmp_path / "report"
    assert main(["report", "--out", str(out), "--tiles", "none", "--quiet",
                 "--warehouse", str(sample_release.warehouse)]) == 0
    ARTIFACTS.mkdir(exist_ok=True)
    shot = screenshot(CHROMIUM, out.joinpath("index.html").as_uri(), ARTIFACTS / "report.png",
                      tmp_path / "profile", size=(1400, 1800))
    image = _assert_non_trivial(shot, (1400, 1800))
    assert _colour_pixels(image, style.MOVEMENT_COLOURS["withdrawal"]) > 300  # routes on the Leaflet map
    assert _colour_pixels(image, style.ACTOR_PALETTE[0]) > 200  # the timeline chart

    with DevTools(CHROMIUM, tmp_path / "profile-dom") as page:
        page.goto(out.joinpath("index.html").as_uri())
        features = int(page.wait_for("document.body.getAttribute('data-map-ready')", what="the map script"))
        assert features > 0
        drawn = page.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length")
        assert drawn >= features  # outlines + every route, arrowhead, site and place
        assert page.evaluate("document.querySelector('.timeline img').naturalWidth") == 900
        rows = page.evaluate("document.querySelectorAll('tbody tr').length")
        assert rows >= 5 + 8 + 1  # movements, claims, articles of the sample
