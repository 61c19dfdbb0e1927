"""`posture watch`: one long-lived process that runs the pipeline again when the inbox changes."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from posture.fault_injection import PUBLISH_STARTED
from posture.ingest.batch import inbox_fingerprint
from tests.conftest import REPO
from tests.pipeline_runs import posture_argv, posture_env

NEW_ARTICLE = REPO / "tests" / "fixtures" / "articles" / "en-practice-convoy.txt"
TIMEOUT = 600  # seconds a test waits for a process (a slow, shared machine)


def _watch(inbox: Path, warehouse: Path, runs: int, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        posture_argv("watch", "--input", str(inbox), "--warehouse", str(warehouse), "--interval", "0.2",
                     "--runs", str(runs), "--quiet"),
        cwd=REPO, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=posture_env(**env))


def _releases(warehouse: Path) -> list[tuple[int, int]]:
    """(version, articles) of every release."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT version, CAST(json_extract(row_counts, '$.articles') AS INTEGER) "
                           "FROM main.dataset_versions ORDER BY version").fetchall()


def test_the_inbox_fingerprint_sees_every_file_in_subfolders_and_nothing_behind_a_link_to_a_folder(tmp_path):
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    (inbox / "2024" / "may").mkdir(parents=True)
    (inbox / "2024" / "may" / "a.txt").write_text("a", encoding="utf-8")
    (inbox / "2024 b.txt").write_text("b", encoding="utf-8")  # (sorts between "2024" and "2024/...")
    outside.mkdir()
    (outside / "c.txt").write_text("c", encoding="utf-8")
    (inbox / "elsewhere").symlink_to(outside, target_is_directory=True)
    first = inbox_fingerprint(inbox)
    # relative paths, sizes and times only: a copy of the folder (times kept) is the same inbox
    assert inbox_fingerprint(shutil.copytree(inbox, tmp_path / "copy", symlinks=True)) == first
    (outside / "c.txt").write_text("changed", encoding="utf-8")
    assert inbox_fingerprint(inbox) == first  # the run does not read behind that link either
    (inbox / "2024" / "may" / "a.txt").write_text("a, corrected", encoding="utf-8")
    changed = inbox_fingerprint(inbox)
    assert changed != first
    (inbox / "2024" / "may" / "a.txt").unlink()
    assert inbox_fingerprint(inbox) not in (first, changed)


@pytest.mark.slow
def test_an_article_added_while_watching_is_published_by_the_next_run(sample_inbox, warehouse):
    watcher = _watch(sample_inbox, warehouse, runs=2)
    try:
        first = watcher.stdout.readline()
        assert first.startswith("posture watch: run 1 exited 0 in "), (first, watcher.stderr.read())
        assert _releases(warehouse) == [(1, 1)]

        shutil.copy(NEW_ARTICLE, sample_inbox / NEW_ARTICLE.name)
        second = watcher.stdout.readline()
        assert second.startswith("posture watch: run 2 exited 0 in "), (second, watcher.stderr.read())
        assert watcher.wait(timeout=TIMEOUT) == 0
    finally:
        watcher.kill()
    assert _releases(warehouse) == [(1, 1), (2, 2)]


@pytest.mark.slow
def test_a_run_that_finds_the_warehouse_busy_is_tried_again(sample_inbox, warehouse, tmp_path):
    signals = tmp_path / "signals"
    signals.mkdir()
    writer = subprocess.Popen(posture_argv("run", "--input", str(sample_inbox), "--warehouse", str(warehouse)),
                              cwd=REPO, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=posture_env(POSTURE_FAULT=f"{PUBLISH_STARTED}:pause={signals}"))
    watcher = None
    try:
        deadline = time.monotonic() + TIMEOUT
        while not (signals / "paused").exists():  # the writer holds the lock, mid-publish
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the writer never reached the publish"
            time.sleep(0.1)
        shutil.copy(NEW_ARTICLE, sample_inbox / NEW_ARTICLE.name)
        watcher = _watch(sample_inbox, warehouse, runs=1)
        notice = f"is being written by posture run (pid {writer.pid})"
        lines = [watcher.stderr.readline()]
        while notice not in lines[-1]:  # it tried while the writer held the lock
            lines.append(watcher.stderr.readline())
            assert lines[-1] and len(lines) < 100, lines

        (signals / "resume").touch()
        assert writer.wait(timeout=TIMEOUT) == 0
        ran = watcher.stdout.readline()  # the same inbox, once the writer is gone
        assert ran.startswith("posture watch: run 1 exited 0 in "), ran
        assert watcher.wait(timeout=TIMEOUT) == 0
    finally:
        writer.kill()
        if watcher is not None:
            watcher.kill()
    assert _releases(warehouse) == [(1, 1), (2, 2)]


def test_watching_a_missing_folder_exits_2_and_says_which(tmp_path, capsys):
    missing = tmp_path / "no-such-inbox"
    assert main(["watch", "--input", str(missing), "--warehouse", str(tmp_path / "w.duckdb"), "--runs", "1"]) == 2
    assert f"input folder {missing} does not exist" in capsys.readouterr().err
