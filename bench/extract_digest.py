"""Digests of every row the extractor makes from fixed sets of folders: a speed change must not move them.

    python -m bench.extract_digest [FOLDER ...] [--out FILE] [--against FILE] [--dump DIR] [--repeat N]

Each folder is read as ``posture run`` reads it (``posture.ingest``) and its articles go, in one
batch, through ``extract_batch`` (the pure function the pipeline's workers run: typed frames of
every output table) with one in-process ``Extractor`` on the bundled gazetteer. Every row (JSON
with sorted keys, the table name first) is hashed in sorted order, per folder and per table; the
``places`` table (the bundled gazetteer's rows) is hashed too. Prints the row counts, the digests
and the extraction CPU time (reading excluded).

To compare two versions of the code, run it with each (``PYTHONPATH`` picks the ``posture`` that
is imported; the script itself can be any version) and pass the first run's ``--out`` file as the
second run's ``--against``: it lists every set and table of this run whose digest moved (or is
missing there) and exits 1 if any did.
``--dump DIR`` writes each set's sorted rows, one a line, to ``diff`` two versions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from posture.extract.cache import OUTPUT_TABLES, extract_batch
from posture.extract.extractor import Extractor
from posture.gazetteer.gazetteer import load_gazetteer
from posture.ingest.batch import ingest_folder
from posture.schema import PLACES

REPO_DIR = Path(__file__).resolve().parent.parent


def default_folders() -> list[Path]:
    fixtures = REPO_DIR / "tests" / "fixtures"
    return [Path("/work/shared/corpus/dev"), Path("/work/shared/corpus/seed"),
            *sorted(p for p in fixtures.iterdir() if p.is_dir() and p.name != "gazetteer")]


def read_batch(folder: Path) -> list[tuple]:
    articles = sorted(ingest_folder(folder, max_bytes=10_000_000).articles, key=lambda a: a["article_id"])
    return [(a["article_id"], a["body"], a["language"], a.get("published_date")) for a in articles]


def table_rows(frames: dict) -> dict[str, list[str]]:
    return {name: sorted(json.dumps([name, row], sort_keys=True, default=str, ensure_ascii=False)
                         for row in frame.rows(named=True))
            for name, frame in frames.items()}


def digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _digests(sets: dict[str, dict]) -> dict[tuple[str, str], str]:
    return {(name, table): value for name, entry in sets.items() for table, value in entry["tables"].items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extract_digest", description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path,
                        help="input folders (default: dev, seed and every tests/fixtures article set)")
    parser.add_argument("--out", type=Path, help="write the digests here (JSON)")
    parser.add_argument("--against", type=Path, help="a previous --out: report every digest that differs")
    parser.add_argument("--dump", type=Path, help="write each set's sorted rows into this folder")
    parser.add_argument("--repeat", type=int, default=1, help="extract this many times (timing; same rows)")
    args = parser.parse_args(argv)
    folders = args.folders or default_folders()
    gazetteer = load_gazetteer()
    extractor = Extractor(gazetteer)
    extractor.extract("warm-up", "warm up", "ar", None)  # lexicons and automata load outside the timing
    extractor.extract("warm-up", "warm up", "en", None)
    sets: dict[str, dict] = {"places": {"tables": {"places": digest(sorted(table_rows(
        {"places": PLACES.frame(gazetteer.rows())})["places"]))}}}
    cpu_total = 0.0
    articles_total = 0
    for folder in folders:
        batch = read_batch(folder)
        cpu = time.process_time()
        for _ in range(args.repeat):
            frames = extract_batch(extractor, batch)
        cpu = (time.process_time() - cpu) / args.repeat
        cpu_total += cpu
        articles_total += len(batch)
        rows = table_rows(frames)
        sets[str(folder)] = {"articles": len(batch), "rows": {t.name: len(rows[t.name]) for t in OUTPUT_TABLES},
                             "tables": {t.name: digest(rows[t.name]) for t in OUTPUT_TABLES},
                             "extraction_cpu_s": round(cpu, 3)}
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            name = str(folder).strip("/").replace("/", "_")
            (args.dump / f"{name}.rows").write_text(
                "".join(line + "\n" for t in OUTPUT_TABLES for line in rows[t.name]), encoding="utf-8")
    report = {"sets": sets, "articles": articles_total, "extraction_cpu_s": round(cpu_total, 3),
              "articles_per_cpu_s": round(articles_total / cpu_total, 1) if cpu_total else None}
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.against:
        before, after = (_digests(json.loads(args.against.read_text(encoding="utf-8"))["sets"]), _digests(sets))
        moved = [f"{name} / {table}" for name, table in sorted(after) if before.get((name, table)) != after[(name, table)]]
        for line in moved:
            print(f"DIFFERS: {line}", file=sys.stderr)
        print(f"{len(sets)} sets compared against {args.against}: "
              + ("identical" if not moved else f"{len(moved)} digests differ"), file=sys.stderr)
        return 1 if moved else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
