"""A digest of every row the extractor makes from a fixed set of folders: a speed change must not move it.

    python -m bench.extract_digest [FOLDER ...] [--dump FILE] [--repeat N]

Each folder is read as ``posture run`` reads it (``posture.ingest``), every article goes through
one in-process ``Extractor`` with the bundled gazetteer, and every output row (as JSON with sorted
keys, the table name first) is hashed in sorted order. Prints the row counts, the digest and the
extraction CPU time (reading excluded). ``--dump`` writes the sorted rows, one a line, to compare
two versions with ``diff`` when the digest moved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

from posture.extract.extractor import Extractor
from posture.gazetteer.gazetteer import load_gazetteer
from posture.ingest.batch import ingest_folder

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_FOLDERS = (
    Path("/work/shared/corpus/dev"), Path("/work/shared/corpus/seed"),
    *sorted((REPO_DIR / "tests" / "fixtures").glob("practice*")),
)
TABLES = ("movement_reports", "movement_places", "movement_assets", "force_levels")


def read_articles(folders: list[Path]) -> list[dict]:
    articles = []
    for folder in folders:
        articles += ingest_folder(folder, max_bytes=10_000_000).articles
    return sorted(articles, key=lambda a: a["article_id"])


def extract_rows(extractor: Extractor, articles: list[dict]) -> list[str]:
    rows = []
    for a in articles:
        tables = extractor.extract(a["article_id"], a["body"], a["language"], a.get("published_date"))
        for name in TABLES:
            rows += (json.dumps([name, row], sort_keys=True, default=str, ensure_ascii=False)
                     for row in getattr(tables, name))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extract_digest", description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, help="input folders (default: dev, seed, practice*)")
    parser.add_argument("--dump", type=Path, help="write the sorted rows here")
    parser.add_argument("--repeat", type=int, default=1, help="extract this many times (timing; same rows)")
    args = parser.parse_args(argv)
    folders = args.folders or list(DEFAULT_FOLDERS)
    articles = read_articles(folders)
    extractor = Extractor(load_gazetteer())
    extractor.extract("warm-up", "warm up", "ar", None)  # lexicons and automata load outside the timing
    extractor.extract("warm-up", "warm up", "en", None)
    cpu = time.process_time()
    for _ in range(args.repeat):
        rows = sorted(extract_rows(extractor, articles))
    cpu = (time.process_time() - cpu) / args.repeat
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    counts = {name: sum(1 for r in rows if r.startswith(f'["{name}"')) for name in TABLES}
    if args.dump:
        args.dump.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(json.dumps({"folders": [str(f) for f in folders], "articles": len(articles), "rows": counts,
                      "digest": digest, "extraction_cpu_s": round(cpu, 3),
                      "articles_per_cpu_s": round(len(articles) / cpu, 1) if cpu else None}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
