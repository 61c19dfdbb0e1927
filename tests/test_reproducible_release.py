"""The same articles and code give byte-identical release files, wherever and however they run.

Two fresh `posture run` processes read the same articles (the sample, the fixture article, every
awkward input format, an exact and a near duplicate) from folders of different names, copied in
opposite orders with different modification times, under different time zones, locales, hash
seeds and DuckLake catalog locations. Every release file must have the same sha256.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, SAMPLE
from tests.pipeline_runs import materialize_all, posture_argv, posture_env, release_file_hashes, release_metadata

FIXTURES = REPO / "tests" / "fixtures"


def _articles() -> dict[str, bytes]:
    """The inputs by relative path: sample, fixture article, awkward formats, two kinds of duplicate."""
    files = {}
    for root, prefix in ((SAMPLE, ""), (FIXTURES / "articles", ""), (FIXTURES / "awkward", "awkward/")):
        for path in sorted(root.rglob("*")):
            if path.is_file():
                files[prefix + path.relative_to(root).as_posix()] = path.read_bytes()
    convoy = (FIXTURES / "articles" / "en-practice-convoy.txt").read_bytes()
    files["wire/exact-copy.txt"] = convoy
    files["wire/syndicated.txt"] = convoy.rstrip() + b"\n\nThe ministry declined to comment on the report.\n"
    return files


def _write_inbox(folder: Path, files: dict[str, bytes], reverse: bool, mtime: int) -> None:
    for relative in sorted(files, reverse=reverse):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[relative])
        os.utime(path, (mtime, mtime))
        mtime += -7 if reverse else 13


def _run(inbox: Path, warehouse: Path, env: dict[str, str], *extra: str) -> str:
    done = subprocess.run(posture_argv("run", "--input", str(inbox), "--warehouse", str(warehouse), *extra),
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _dataset_version(warehouse: Path) -> tuple:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT version, content_sha256, input_fingerprint, code_version, row_counts "
                           "FROM main.dataset_versions ORDER BY version").fetchall()


@pytest.mark.slow
def test_two_fresh_runs_give_byte_identical_releases_and_a_rerun_publishes_nothing(tmp_path):
    files = _articles()
    inbox_a, inbox_b = tmp_path / "inbox-a", tmp_path / "другой ввод (b)"
    _write_inbox(inbox_a, files, reverse=False, mtime=1_000_000_000)
    _write_inbox(inbox_b, files, reverse=True, mtime=1_900_000_000)
    warehouse_a = tmp_path / "a" / "warehouse.duckdb"
    warehouse_b = tmp_path / "elsewhere" / "b" / "other-name.duckdb"
    catalog_b = tmp_path / "catalogs" / "b.ducklake"  # a folder that does not exist yet

    _run(inbox_a, warehouse_a, posture_env(TZ="UTC", LC_ALL="C.UTF-8", PYTHONHASHSEED="1"))
    _run(inbox_b, warehouse_b, posture_env(TZ="Pacific/Kiritimati", LC_ALL="C", LANG="C", PYTHONHASHSEED="2"),
         "--lake-catalog", str(catalog_b))

    hashes_a, hashes_b = release_file_hashes(warehouse_a), release_file_hashes(warehouse_b)
    manifest = json.loads((warehouse_a.parent / "releases" / "v0001" / "manifest.json").read_text())
    assert set(hashes_a) == {f"v0001/{name}" for name in (*manifest["files"], "manifest.json")}
    assert hashes_a == hashes_b  # every Parquet file and the manifest, byte for byte
    (row_a,), (row_b,) = _dataset_version(warehouse_a), _dataset_version(warehouse_b)
    assert row_a == row_b and row_a[1] == manifest["content_sha256"]
    counts = json.loads(row_a[4])
    assert counts["articles"] >= 10 and counts["rejected_inputs"] and counts["duplicate_inputs"]
    assert counts["near_duplicates"], "the syndicated copy should be linked to its original"
    assert catalog_b.is_file()

    # unchanged input, files touched and a new folder name: no new release
    renamed = tmp_path / "inbox-b-again"
    shutil.copytree(inbox_b, renamed)
    rerun = materialize_all(renamed, warehouse_b, lake_catalog=str(catalog_b))
    assert rerun.success and release_metadata(rerun)["status"].value == "unchanged"
    assert [r[0] for r in _dataset_version(warehouse_b)] == [1]
    assert release_file_hashes(warehouse_b) == hashes_b
