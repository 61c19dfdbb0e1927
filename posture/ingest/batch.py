"""From an input folder to the three ingestion tables: articles, rejected and duplicate inputs."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from posture.ingest.cache import IngestCache
from posture.ingest.near_duplicates import NearDuplicateIndex, shingles, signature
from posture.ingest.readers import read_folder
from posture.ingest.records import ArticleRecord, Rejection
from posture.processes import WorkerPool


class InputFolderError(Exception):
    """The input folder itself can't be read (as opposed to one bad input in it)."""


@dataclass
class IngestedBatch:
    articles: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    near_duplicates: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.articles)} accepted, {len(self.rejected)} rejected, "
                f"{len(self.duplicates)} duplicate ({len(self.near_duplicates)} near-duplicate pairs kept)")


def article_id(body: str) -> str:
    """The article id: sha256 of its canonical text."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def check_input_folder(root: Path) -> None:
    if not root.exists():
        raise InputFolderError(f"input folder {root} does not exist: pass --input DIR with your articles")
    if not root.is_dir():
        raise InputFolderError(f"input {root} is not a folder: pass --input DIR, the folder holding your articles")
    if not os.access(root, os.R_OK | os.X_OK):
        raise InputFolderError(f"input folder {root} is not readable: check its permissions")


def inbox_fingerprint(root: Path) -> str:
    """Hash of every file's relative path, size and modification time under ``root``: it changes
    when a file is added, changed or removed (what the sensor and `posture watch` look for)."""
    folders: list[tuple[str, list[os.DirEntry]]] = []
    pending = [os.fspath(root)]
    while pending:  # os.walk's folders (links to folders are not followed), listed once with their entries
        folder = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError:
            continue
        files = []
        for entry in entries:
            if not _is_folder(entry):
                files.append(entry)
            elif not entry.is_symlink():
                pending.append(entry.path)
        folders.append((folder, files))
    digest = hashlib.sha256()
    for folder, files in sorted(folders, key=lambda item: item[0]):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative + os.sep
        for entry in sorted(files, key=lambda e: e.name):
            try:
                stat = entry.stat()  # (of what a link points to, like os.stat)
            except OSError:
                continue
            digest.update(f"{prefix}{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def ingest_folder(root: Path, *, max_bytes: int, cache: IngestCache | None = None, workers: int = 1) -> IngestedBatch:
    """Read every input under ``root``; each lands in exactly one of the three lists.

    Of several inputs with the same text, the one with the smallest source_uri is the
    article and the others are duplicates, so the outcome does not depend on file order.
    With a ``cache`` (``posture.ingest.cache``), files and articles seen before are not read or
    signed again, and ``workers`` processes (0 = one per core) parse the new files when there
    are enough of them; the outcome is the same. Without a cache every file is parsed here and
    only the signatures use the workers.
    """
    check_input_folder(root)
    with WorkerPool(workers) as pool:
        return _ingest(root, max_bytes, cache, pool)


def _ingest(root: Path, max_bytes: int, cache: IngestCache | None, pool: WorkerPool) -> IngestedBatch:
    batch = IngestedBatch()
    seen: dict[str, str] = {}
    for result in read_folder(root, max_bytes=max_bytes, cache=cache, pool=pool):  # sorted by source_uri
        if isinstance(result, Rejection):
            batch.rejected.append(dict(vars(result)))
            continue
        assert isinstance(result, ArticleRecord)
        aid = article_id(result.body)
        if aid in seen:
            batch.duplicates.append({"source_uri": result.source_uri, "article_id": aid})
            continue
        seen[aid] = result.source_uri
        row = dict(vars(result))  # (flat records: asdict's deep copy was a tenth of a cached read)
        row["article_id"] = aid
        batch.articles.append(row)
    batch.near_duplicates = [
        {"article_id_a": a, "article_id_b": b, "similarity": similarity}
        for a, b, similarity in _near_duplicates(batch.articles, cache, pool)
    ]
    return batch


def _near_duplicates(articles: list[dict], cache: IngestCache | None, pool: WorkerPool) -> list[tuple[str, str, float]]:
    """The near-duplicate pairs of the articles; with a ``cache``, the signatures computed before
    are reused and only the articles not searched before are compared (with every article)."""
    bodies = {row["article_id"]: row["body"] for row in articles}
    known = cache.signatures(bodies) if cache is not None else {}
    unsigned = [aid for aid in bodies if aid not in known]
    fresh = dict(zip(unsigned, pool.map(signature, [bodies[aid] for aid in unsigned])))
    if cache is not None:
        cache.store_signatures(fresh)
    index = NearDuplicateIndex()
    for aid, (values, count) in {**known, **fresh}.items():
        index.add(aid, values, count)

    def shingles_of(aid: str):
        return shingles(bodies[aid])

    if cache is None:
        return index.pairs(shingles_of)
    indexed = index.article_ids
    searched, found = cache.searched_near_duplicates()
    new = indexed - searched
    if len(new) * 2 > len(indexed):  # mostly new: one search over everything costs less
        pairs = index.pairs(shingles_of)
    else:  # the pairs found before whose articles are still here, and those of the new articles
        kept = [pair for pair in found if pair[0] in indexed and pair[1] in indexed]
        pairs = sorted(kept + index.pairs(shingles_of, among=new))
    cache.store_near_duplicates(indexed, pairs, searched)
    return pairs
