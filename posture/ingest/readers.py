"""Reading an input folder: every input becomes an ``ArticleRecord`` or a ``Rejection``.

    for result in read_folder(Path("inbox")):
        if isinstance(result, ArticleRecord): ...
        else: print(result.source_uri, result.reason, result.detail)

The walk is recursive and results come sorted by source_uri, so the same folder always gives the
same sequence. Hidden files and folders (names starting with ".") and gold files (``*.gold.json``) are not inputs.
A symbolic link is followed only when it stays inside the folder; symbolic links to folders are
not walked (what they point to is read where it really is). An input is a file, or one record of a
multi-record file (a ``.jsonl`` line, a JSON array element, a feed item); each gives exactly one
result, and a bad input never raises: it is rejected with a reason (see ``formats.common.Reason``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from posture.ingest.encoding import DecodeProblem, decode_bytes, declared_html_charset
from posture.ingest.formats.common import Reason
from posture.ingest.formats.feeds import read_feed
from posture.ingest.formats.html import read_html
from posture.ingest.formats.jsonl import read_json, read_jsonl
from posture.ingest.formats.text import read_plain_text
from posture.ingest.records import InputResult, Rejection
from posture.processes import WorkerPool

DEFAULT_MAX_BYTES = 5_000_000

GOLD_SUFFIX = ".gold.json"


def _is_blank(text: str) -> bool:
    return not text.strip().strip("\ufeff\u200b\u200e\u200f").strip()


def _text_reader(read: Callable[[str, str], Iterator[InputResult]], html: bool = False) -> Callable[[bytes, str], Iterator[InputResult]]:
    """Wrap a reader of decoded text into a reader of bytes (decoding and the empty check first)."""

    def read_bytes(data: bytes, source_uri: str) -> Iterator[InputResult]:
        try:
            decoded = decode_bytes(data, declared_html_charset(data) if html else None)
        except DecodeProblem as problem:
            yield Rejection(source_uri, problem.reason, problem.detail)
            return
        if _is_blank(decoded.text):
            yield Rejection(source_uri, Reason.EMPTY, "The file holds only white space.")
            return
        yield from read(decoded.text, source_uri)

    return read_bytes


def _one(read: Callable[[str, str], InputResult]) -> Callable[[str, str], Iterator[InputResult]]:
    """A reader of single-article files, as a reader that yields its one result."""

    def read_all(text: str, source_uri: str) -> Iterator[InputResult]:
        yield read(text, source_uri)

    return read_all


# Extension (lower case) -> reader of the file's bytes.
READERS: dict[str, Callable[[bytes, str], Iterator[InputResult]]] = {
    ".txt": _text_reader(_one(read_plain_text)),
    ".md": _text_reader(_one(read_plain_text)),
    ".html": _text_reader(_one(read_html), html=True),
    ".htm": _text_reader(_one(read_html), html=True),
    ".json": _text_reader(read_json),
    ".jsonl": _text_reader(read_jsonl),
    # feeds decode their bytes themselves (the XML declaration names the encoding)
    ".xml": read_feed,
    ".rss": read_feed,
    ".atom": read_feed,
}

# What to tell a person about common formats we don't read.
_UNSUPPORTED_ADVICE = {
    ".pdf": "PDF documents are not read; extract the text (e.g. with pdftotext) into a .txt file.",
    ".doc": "Word documents are not read; save the article as .txt or .html.",
    ".docx": "Word documents are not read; save the article as .txt or .html.",
    ".odt": "Office documents are not read; save the article as .txt or .html.",
    ".rtf": "RTF documents are not read; save the article as .txt.",
    ".jpg": "Images are not read (no OCR); add the article text as .txt.",
    ".jpeg": "Images are not read (no OCR); add the article text as .txt.",
    ".png": "Images are not read (no OCR); add the article text as .txt.",
    ".gif": "Images are not read (no OCR); add the article text as .txt.",
    ".webp": "Images are not read (no OCR); add the article text as .txt.",
    ".zip": "Archives are not unpacked; extract the articles into the input folder.",
    ".gz": "Archives are not unpacked; extract the articles into the input folder.",
    ".csv": "CSV files are not read; write one JSON object per line (.jsonl) with a \"text\" field.",
}


def _accepted_list() -> str:
    return ", ".join(sorted(READERS))


def _uri_part(name: str) -> str:
    """A file name as text, even when it is not valid UTF-8 on disk."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


class ReadResultCache(Protocol):
    """Results of reading files before (``posture.ingest.cache.IngestCache``)."""

    def input_key(self, data: bytes, source_uri: str, max_bytes: int) -> str: ...

    def unchanged_file_keys(self, files: dict[str, os.stat_result], max_bytes: int) -> dict[str, str]: ...

    def remember_file(self, source_uri: str, info: os.stat_result, max_bytes: int, key: str) -> None: ...

    def read_results(self, keys: list[str]) -> dict[str, list[InputResult]]: ...

    def store_results(self, entries: dict[str, list[InputResult]]) -> None: ...


CACHE_CHUNK = 1000  # files read, parsed and their results stored at a time (bounds the bytes held)


def read_folder(root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                cache: ReadResultCache | None = None, pool: WorkerPool | None = None) -> Iterator[InputResult]:
    """Every input under ``root``, sorted by ``source_uri``: one ``ArticleRecord`` or ``Rejection`` each.

    With a ``cache``, a file whose bytes (and name) were read before gives its earlier results
    without being parsed again, and a file unchanged since (the same status: size, times, inode)
    is not even opened; a ``pool`` parses the others in worker processes. Raises
    ``FileNotFoundError`` / ``NotADirectoryError`` only for ``root`` itself.
    """
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"input folder not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"input path is not a folder: {root}")
    # list first, then read in order of the relative path ("a.txt" before "a/b.txt")
    listed = sorted(_list_inputs(root, root.resolve(), ""), key=lambda pair: pair[0])
    if cache is None:
        for uri, found in listed:
            if isinstance(found, Rejection):
                yield found
            else:
                yield from read_input_file(found, uri, max_bytes=max_bytes)
        return
    checked = [(uri, found, found if isinstance(found, Rejection) else _check_input_file(found, uri, max_bytes))
               for uri, found in listed]
    # the files unchanged since they were read, and their results: one query each for the whole
    # folder (a query per chunk scanned every stored result again: 13.6 s of a +1 run at 100k files)
    unchanged = cache.unchanged_file_keys({uri: result[1] for uri, _, result in checked
                                           if not isinstance(result, Rejection)}, max_bytes)
    stored = cache.read_results(sorted(unchanged.values()))
    for start in range(0, len(checked), CACHE_CHUNK):
        yield from _read_with_cache(checked[start:start + CACHE_CHUNK], max_bytes, cache, pool or WorkerPool(1),
                                    unchanged, stored)


def _parse_loaded(item: tuple[str, bytes, str]) -> list[InputResult]:
    """The results of a file's bytes, by the reader of its extension (run in a worker process)."""
    extension, data, source_uri = item
    return list(_parse(READERS[extension], data, source_uri))


def _read_with_cache(checked: list[tuple[str, str | Rejection, Rejection | tuple[str, os.stat_result]]],
                     max_bytes: int, cache: ReadResultCache, pool: WorkerPool, unchanged: dict[str, str],
                     stored: dict[str, list[InputResult]]) -> Iterator[InputResult]:
    """The results of one chunk of checked inputs: a file ``unchanged`` since it was read (its
    status: size, times, inode) is not opened and gives its ``stored`` results (taken out of it);
    the others are read, and parsed unless the cache knows their bytes."""
    # (uri, results) of an input rejected before reading or unchanged, or (uri, (extension, bytes, cache key))
    loaded: list[tuple[str, list[InputResult] | tuple[str, bytes, str]]] = []
    for uri, path, result in checked:
        if isinstance(result, Rejection):
            loaded.append((uri, [result]))
            continue
        extension, info = result
        if unchanged.get(uri) in stored:
            loaded.append((uri, stored.pop(unchanged[uri])))
            continue
        data = _read_bytes(path, uri, max_bytes)
        if isinstance(data, Rejection):
            loaded.append((uri, [data]))
            continue
        key = cache.input_key(data, uri, max_bytes)
        cache.remember_file(uri, info, max_bytes, key)
        loaded.append((uri, (extension, data, key)))
    known = cache.read_results([item[2] for _, item in loaded if isinstance(item, tuple)])
    new = [(uri, item) for uri, item in loaded if isinstance(item, tuple) and item[2] not in known]
    parsed = pool.map(_parse_loaded, [(extension, data, uri) for uri, (extension, data, _) in new])
    fresh: dict[str, list[InputResult]] = {item[2]: results for (_, item), results in zip(new, parsed)}
    for uri, item in loaded:
        if isinstance(item, list):
            yield from item
        else:
            key = item[2]
            yield from known[key] if key in known else fresh[key]
    cache.store_results(fresh)


def _is_inside(real_root: Path, target: str) -> bool:
    return os.path.commonpath([str(real_root), target]) == str(real_root)


def _list_inputs(folder: Path, real_root: Path, prefix: str) -> Iterator[tuple[str, str | Rejection]]:
    """(source_uri, file to read) for every input under ``folder``, or a rejection when an entry
    can't be used as a file (a link out of the folder, a broken link, an unreadable folder)."""
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except OSError as exc:
        where = prefix or "."
        yield where, Rejection(where, Reason.UNREADABLE, f"The folder could not be listed: {exc.strerror or exc}.")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        uri = f"{prefix}/{_uri_part(entry.name)}" if prefix else _uri_part(entry.name)
        try:
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not _is_inside(real_root, target):
                    yield uri, Rejection(
                        uri,
                        Reason.OUTSIDE_ROOT,
                        "This symbolic link points outside the input folder and was not followed; copy the file into the folder instead.",
                    )
                    continue
                if os.path.isdir(target):
                    continue  # the folder it points to is inside the input folder and walked there
                if not os.path.exists(target):
                    yield uri, Rejection(uri, Reason.UNREADABLE, "This symbolic link points to a file that does not exist.")
                    continue
            elif entry.is_dir(follow_symlinks=False):
                yield from _list_inputs(Path(entry.path), real_root, uri)
                continue
        except OSError as exc:
            yield uri, Rejection(uri, Reason.UNREADABLE, f"The entry could not be examined: {exc.strerror or exc}.")
            continue
        if entry.name.lower().endswith(GOLD_SUFFIX):
            continue
        yield uri, entry.path  # (a string: a Path per file cost more than listing at 100k files)


def read_input_file(path: str | os.PathLike, source_uri: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[InputResult]:
    """The results of one file (one, or one per record for .jsonl / JSON arrays / feeds)."""
    outcome = _load_input_file(path, source_uri, max_bytes)
    if isinstance(outcome, Rejection):
        yield outcome
    else:
        extension, data = outcome
        yield from _parse(READERS[extension], data, source_uri)


def _load_input_file(path: str | os.PathLike, source_uri: str, max_bytes: int) -> Rejection | tuple[str, bytes]:
    """The extension (its reader's key in ``READERS``) and bytes of a file, or why it can't be read (format, size, permissions)."""
    checked = _check_input_file(path, source_uri, max_bytes)
    if isinstance(checked, Rejection):
        return checked
    data = _read_bytes(path, source_uri, max_bytes)
    return data if isinstance(data, Rejection) else (checked[0], data)


def _suffix(path: str) -> str:
    """``PurePath(path).suffix``, without making a path object."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _check_input_file(path: str | os.PathLike, source_uri: str,
                      max_bytes: int) -> Rejection | tuple[str, os.stat_result]:
    """The extension and status of a file worth reading, or why it is not (format, kind, size)."""
    extension = _suffix(os.fspath(path)).lower()
    reader = READERS.get(extension)
    if reader is None:
        advice = _UNSUPPORTED_ADVICE.get(extension, f"Accepted extensions: {_accepted_list()}.")
        what = f"Files ending in '{extension}'" if extension else "Files without an extension"
        return Rejection(source_uri, Reason.UNSUPPORTED_FORMAT, f"{what} are not read. {advice}")

    try:
        info = os.stat(path)
    except OSError as exc:
        return Rejection(source_uri, Reason.UNREADABLE, f"The file could not be examined: {exc.strerror or exc}.")
    if not stat.S_ISREG(info.st_mode):
        return Rejection(source_uri, Reason.NOT_A_REGULAR_FILE, "This is not a regular file (a pipe, socket or device) and was not read.")
    if info.st_size > max_bytes:
        return _too_large(source_uri, info.st_size, max_bytes)
    if info.st_size == 0:
        return Rejection(source_uri, Reason.EMPTY, "The file is empty (0 bytes).")
    return extension, info


def _read_bytes(path: str | os.PathLike, source_uri: str, max_bytes: int) -> Rejection | bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        return Rejection(source_uri, Reason.UNREADABLE, f"The file could not be read: {exc.strerror or exc}.")
    if len(data) > max_bytes:
        return _too_large(source_uri, len(data), max_bytes)
    return data


def _parse(reader: Callable[[bytes, str], Iterator[InputResult]], data: bytes, source_uri: str) -> Iterator[InputResult]:
    produced = 0
    try:
        for result in reader(data, source_uri):
            produced += 1
            yield result
    except Exception as exc:  # a reader bug: report it as a rejection rather than stop the run
        if produced == 0:
            yield Rejection(source_uri, Reason.READ_ERROR, f"Unexpected error while reading the file: {type(exc).__name__}: {exc}")


def _too_large(source_uri: str, size: int, max_bytes: int) -> Rejection:
    return Rejection(
        source_uri,
        Reason.TOO_LARGE,
        f"The file has {size:,} bytes, more than the limit of {max_bytes:,}; split it or raise max_bytes.",
    )
