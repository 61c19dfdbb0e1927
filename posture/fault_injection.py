"""Named points inside a publish where tests can kill or pause the process, deterministically.

``POSTURE_FAULT=<point>:kill`` sends SIGKILL to the process when it reaches ``<point>`` (a crash
no ``finally`` block can soften); ``POSTURE_FAULT=<point>:pause=<folder>`` creates
``<folder>/paused`` there and waits until ``<folder>/resume`` exists. Unset in normal use, where
each point costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

FAULT_ENV = "POSTURE_FAULT"

# The points of posture.release.publish_release, in the order a publish passes them.
PUBLISH_STARTED = "publish_started"
RELEASE_FILES_WRITTEN = "release_files_written"  # Parquet + manifest in releases/.incoming
LAKE_COMMITTED = "lake_committed"  # the DuckLake snapshot exists
TABLES_COMMITTED = "tables_committed"  # published tables and dataset_versions row committed
POINTS = (PUBLISH_STARTED, RELEASE_FILES_WRITTEN, LAKE_COMMITTED, TABLES_COMMITTED)


def fault_point(name: str) -> None:
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    point, _, action = spec.partition(":")
    if point != name:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action.startswith("pause="):
        folder = Path(action.removeprefix("pause="))
        (folder / "paused").write_text(f"{os.getpid()}\n")
        while not (folder / "resume").exists():
            time.sleep(0.05)
    else:
        raise ValueError(f"{FAULT_ENV}={spec!r}: the action must be 'kill' or 'pause=FOLDER'")
