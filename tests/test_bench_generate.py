"""The benchmark's corpus generator writes the same files whatever number of processes writes them."""
from __future__ import annotations

import hashlib
from pathlib import Path

import bench.generate as generate


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_several_processes_write_the_same_corpus_as_one(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(generate, "CHUNK", 4)  # small tasks, so that two spawned workers share 12 articles
    one = generate.write_corpus(12, seed=3, out=tmp_path / "one", jobs=1)
    two = generate.write_corpus(12, seed=3, out=tmp_path / "two", jobs=2)
    assert one == two and one["articles"] == 12
    assert _digests(tmp_path / "one") == _digests(tmp_path / "two")
    assert len(_digests(tmp_path / "one")) == 24  # each article with its gold file
