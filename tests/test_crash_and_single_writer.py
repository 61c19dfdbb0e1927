"""Crash-safe publishing and one writer at a time, with real `posture run` processes.

A fault hook (``POSTURE_FAULT``, see posture/fault_injection.py) kills a run with SIGKILL at a
named point of the publish, or pauses it there until the test lets it go: no timing guesses.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from posture.fault_injection import LAKE_COMMITTED, PUBLISH_STARTED, RELEASE_FILES_WRITTEN, TABLES_COMMITTED
from posture.release import INCOMING, ReleaseStateError, ensure_dataset_versions, recover_interrupted_publish
from posture.schema import PUBLISHED_TABLES
from posture.warehouse import WarehouseLayout, attach_lake
from tests.conftest import REPO
from tests.pipeline_runs import materialize_all, posture_argv, posture_env, release_file_hashes, release_metadata

NEW_ARTICLE = REPO / "tests" / "fixtures" / "articles" / "en-practice-convoy.txt"
SIGNAL_TIMEOUT = 600  # seconds a test waits for a process to reach a fault point (a slow, shared machine)


def _run_args(inbox: Path, warehouse: Path, *extra: str) -> list[str]:
    return posture_argv("run", "--input", str(inbox), "--warehouse", str(warehouse), *extra)


def _assert_consistent(warehouse: Path, versions: list[int]) -> None:
    """The warehouse opens, and its releases, tables and lake snapshots agree with each other."""
    layout = WarehouseLayout.for_database(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT version, content_sha256, release_path, lake_snapshot_id, row_counts "
                           "FROM main.dataset_versions ORDER BY version").fetchall()
        assert [r[0] for r in rows] == versions
        assert sorted(p.name for p in layout.releases_dir.iterdir() if p.name != INCOMING) == \
            [f"v{v:04d}" for v in versions], "a release folder exists only for a committed release"
        attach_lake(con, layout, read_only=True)
        for version, digest, path, snapshot, counts in rows:
            manifest = json.loads((layout.root / path / "manifest.json").read_text())
            assert manifest["content_sha256"] == digest
            files = release_file_hashes(warehouse)
            assert all(files[f"{Path(path).name}/{name}"] == entry["sha256"] for name, entry in manifest["files"].items())
            for table in PUBLISHED_TABLES:
                as_of = con.execute(f"SELECT count(*) FROM lake.{table.name} AT (VERSION => {snapshot})").fetchone()[0]
                assert as_of == json.loads(counts)[table.name], (version, table.name)
        latest = layout.root / rows[-1][2]
        for table in PUBLISHED_TABLES:
            main = con.execute(f"SELECT * FROM main.{table.name}").pl().sort(list(table.key), nulls_last=True)
            assert main.equals(pl.read_parquet(latest / f"{table.name}.parquet")), table.name


def _kill_at(point: str, inbox: Path, warehouse: Path) -> None:
    killed = subprocess.run(_run_args(inbox, warehouse), cwd=REPO, capture_output=True, text=True,
                            env=posture_env(POSTURE_FAULT=f"{point}:kill"), timeout=SIGNAL_TIMEOUT)
    assert killed.returncode == -signal.SIGKILL, (point, killed.stderr[-2000:])


def _released(hashes: dict[str, str]) -> dict[str, str]:
    """The files of published releases (not of a publish in progress)."""
    return {path: digest for path, digest in hashes.items() if not path.startswith(f"{INCOMING}/")}


def _release_status(inbox: Path, warehouse: Path) -> str:
    result = materialize_all(inbox, warehouse)
    assert result.success
    return release_metadata(result)["status"].value


@pytest.mark.slow
def test_a_publish_killed_at_any_point_leaves_the_last_release_intact_and_the_next_run_recovers(
        sample_inbox, warehouse):
    assert materialize_all(sample_inbox, warehouse).success
    release_1 = release_file_hashes(warehouse)
    shutil.copy(NEW_ARTICLE, sample_inbox)  # release 2 adds this article

    # killed before the commit (files written; then also the lake snapshot made): release 1 stays
    for point in (RELEASE_FILES_WRITTEN, LAKE_COMMITTED):
        _kill_at(point, sample_inbox, warehouse)
        _assert_consistent(warehouse, [1])
        assert _released(release_file_hashes(warehouse)) == release_1
    assert _release_status(sample_inbox, warehouse) == "published"
    _assert_consistent(warehouse, [1, 2])
    release_2 = release_file_hashes(warehouse)

    # killed after the commit, before the release folder is in place: the next run completes it
    (sample_inbox / "follow-up.txt").write_text(
        NEW_ARTICLE.read_text(encoding="utf-8").rstrip() + "\n\nA spokesman declined to comment.\n", encoding="utf-8")
    _kill_at(TABLES_COMMITTED, sample_inbox, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT max(version) FROM main.dataset_versions").fetchone()[0] == 3
    assert not (warehouse.parent / "releases" / "v0003").exists()
    assert _release_status(sample_inbox, warehouse) == "unchanged"
    _assert_consistent(warehouse, [1, 2, 3])
    assert {k: v for k, v in release_file_hashes(warehouse).items() if not k.startswith("v0003/")} == release_2
    assert not (warehouse.parent / "releases" / INCOMING).exists()


def _wait_for(path: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SIGNAL_TIMEOUT
    while not path.exists():
        assert process.poll() is None, f"the run ended before reaching the fault point: {process.communicate()}"
        assert time.monotonic() < deadline, f"the run never reached {path.name}"
        time.sleep(0.1)


@pytest.mark.slow
def test_a_second_run_on_the_same_warehouse_exits_3_or_waits_and_nothing_is_damaged(
        sample_inbox, warehouse, tmp_path):
    signals = tmp_path / "signals"
    signals.mkdir()
    first = subprocess.Popen(_run_args(sample_inbox, warehouse), cwd=REPO, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=posture_env(POSTURE_FAULT=f"{PUBLISH_STARTED}:pause={signals}"))
    waiting = None
    try:
        _wait_for(signals / "paused", first)  # the first run holds the lock, mid-publish

        second = subprocess.run(_run_args(sample_inbox, warehouse), cwd=REPO, capture_output=True, text=True,
                                env=posture_env(), timeout=SIGNAL_TIMEOUT)
        assert second.returncode == 3
        assert f"is being written by posture run (pid {first.pid})" in second.stderr
        assert "--wait" in second.stderr

        waiting = subprocess.Popen(_run_args(sample_inbox, warehouse, "--wait", str(SIGNAL_TIMEOUT)), cwd=REPO,
                                   text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=posture_env())
        notice = f"is being written by posture run (pid {first.pid}); waiting"
        lines = []
        while not lines or notice not in lines[-1]:  # it says so before anything else it reports
            lines.append(waiting.stderr.readline())
            assert lines[-1] and len(lines) < 100, lines

        (signals / "resume").touch()
        out, err = first.communicate(timeout=SIGNAL_TIMEOUT)
        assert first.returncode == 0, err[-2000:]
        assert "release 1 (new release published)" in out
        out, err = waiting.communicate(timeout=SIGNAL_TIMEOUT)
        assert waiting.returncode == 0, err[-2000:]
        assert "release 1 (unchanged: no new release)" in out
    finally:
        for process in (first, waiting):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
    _assert_consistent(warehouse, [1])


def test_a_release_folder_lost_outside_a_crash_is_reported_not_papered_over(tmp_path):
    layout = WarehouseLayout.for_database(tmp_path / "w.duckdb")
    with duckdb.connect(str(layout.database)) as con:
        ensure_dataset_versions(con)
        con.execute("INSERT INTO main.dataset_versions VALUES (1, 'abc', 'f', 'c', 1, '{}', '{}', "
                    "'releases/v0001', 1, '2026-01-01T00:00:00Z')")
        (layout.releases_dir / INCOMING).mkdir(parents=True)
        (layout.releases_dir / INCOMING / "manifest.json").write_text('{"content_sha256": "other"}')
        with pytest.raises(ReleaseStateError, match="release 1 is in .* its folder .*v0001 is missing; restore"):
            recover_interrupted_publish(con, layout)
        (layout.releases_dir / INCOMING / "manifest.json").write_text('{"content_sha256": "abc"}')
        assert "completed" in recover_interrupted_publish(con, layout)
        assert (layout.releases_dir / "v0001" / "manifest.json").exists()
        assert recover_interrupted_publish(con, layout) is None
