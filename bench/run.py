"""The benchmark: throughput, memory and incremental cost of the pipeline on generated corpora.

    python -m bench.run [--sizes 1000,10000,100000] [--seed 1] [--work DIR] [--out FILE]

For each size N it generates a corpus (``bench.generate``, reused when already there) and measures:

- ``posture run`` end to end on a fresh warehouse, as a separate process: wall time and peak RSS
  (the largest process, from the kernel's accounting, and the sum over the process tree, sampled);
- extraction alone, as the pipeline runs it (``extract_incrementally``: batches, worker pool, cache
  writes), on the corpus's articles in a scratch warehouse: articles/s and MB/s in total and per core;
- extraction of the same articles by one warm extractor in this process (no pool, no cache), which
  a machine shared with other work disturbs less;
- the bare scan of the same texts in the same process: read the file, decode, normalise (NFC and
  the folding the matcher uses) and one pass of the extractor's Aho-Corasick automaton; and the
  ratio extraction / bare scan per core;
- at every size, a re-run after adding one article, as a new process, with the seconds of each
  step (how the cost of new work grows with what is already there) and the disk it adds to the
  warehouse folder (its release, lake snapshot and reports, and the DuckDB files' growth);
- for the size given by ``--incremental-size`` (10,000 by default): a re-run with nothing new
  (the fixed cost of a run), and ``--watch-repeats`` articles added one at a time for a
  ``posture watch`` process already up (from each file's arrival to the end of its run; median).

Rates are measured on at most ``--rate-sample`` articles (the generator draws every article the
same way, so a sample of a larger corpus has the same mix). The cost curve is the end-to-end
time of every size with a least-squares line through it; the same line through the re-runs after
adding one article shows what each article already in the warehouse adds to that re-run.
Results: a table on stdout and JSON in ``--out`` (``bench/results/latest.json`` by default).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_OUT = BENCH_DIR / "results" / "latest.json"
DEFAULT_WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "posture-bench"
MB = 1_000_000
# a finished step as `posture run` reports it off a terminal (pipelines/cli_query.py, step_progress)
STEP_LINE = re.compile(r"\[\d+/\d+\] (?P<step>\S+) done \((?P<seconds>[\d.]+) s\)")

TARGETS = {
    "extraction_articles_per_s_total": 1000,
    "extraction_over_bare_scan_max": 3.0,
    "end_to_end_10k_max_s": 60,
    "end_to_end_100k_max_s": 600,
    "peak_rss_100k_max_mb": 2048,
    "incremental_10k_max_s": 5,
}


# ------------------------------------------------------------------------------ processes


@dataclass
class ProcessRun:
    seconds: float
    exit_code: int
    peak_rss_mb: float  # largest single process (kernel high-water mark)
    peak_tree_rss_mb: float  # sum over the process and its children, sampled every 0.2 s
    cpu_s: float  # user + system time of the process and its children
    output: str


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _tree_rss_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                total += next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), 0)
        except OSError:
            continue
        stack.extend(_children(current))
    return total


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (extraction workers included)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_process(args: list[str], env: dict[str, str]) -> ProcessRun:
    """Run ``args``; wall time, exit code and memory of it and its children."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=REPO_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak_tree = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak_tree[0] = max(peak_tree[0], _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return ProcessRun(seconds, process.returncode, usage.ru_maxrss / 1024, peak_tree[0] / 1024,
                      usage.ru_utime + usage.ru_stime, output)


def posture_env(work: Path) -> dict[str, str]:
    """The environment of a user's install: this checkout's code, bytecode cached (in ``work``)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO_DIR)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def posture_run(corpus: Path, warehouse: Path, env: dict[str, str]) -> ProcessRun:
    run = run_process([sys.executable, "-m", "pipelines.cli", "run", "--input", str(corpus),
                       "--warehouse", str(warehouse)], env)
    if run.exit_code != 0:
        raise SystemExit(f"posture run on {corpus} failed (exit {run.exit_code}):\n{run.output[-3000:]}")
    return run


def watching_rerun(corpus: Path, warehouse: Path, env: dict[str, str], size: int, seed: int,
                   repeats: int) -> dict[str, float | list[float]]:
    """``repeats`` new articles, one at a time, for a `posture watch` process that is already up and
    has run once: the seconds from each file's arrival to the end of its run, and each run's own
    seconds, with their medians (one +1 run varies by a second or more on a shared machine)."""
    interval = 0.25
    process = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "watch", "--input", str(corpus),
                                "--warehouse", str(warehouse), "--interval", str(interval),
                                "--runs", str(1 + repeats), "--quiet"],
                               cwd=REPO_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    added: list[Path] = []
    arrivals, runs = [], []
    try:
        first = process.stdout.readline()
        if " exited 0 " not in first:
            raise SystemExit(f"posture watch did not run on {corpus}: {first!r}")
        for number in range(repeats):
            arrived = time.perf_counter()
            added.append(add_one_article(corpus, size + number, seed))
            line = process.stdout.readline()
            arrivals.append(time.perf_counter() - arrived)
            if " exited 0 " not in line:
                raise SystemExit(f"posture watch failed on new article {number + 1}: {line!r}")
            runs.append(float(line.split(" in ")[1].split(" s")[0]))
        process.wait(timeout=60)
    finally:
        process.kill()
        for path in added:
            path.unlink()
    return {"arrival_to_release_s": statistics.median(arrivals), "arrival_to_release_all_s": arrivals,
            "run_s": statistics.median(runs), "run_all_s": runs, "interval_s": interval}


def step_seconds(output: str) -> dict[str, float]:
    """Each step's seconds, from the lines ``posture run`` prints when not on a terminal."""
    return {match["step"]: float(match["seconds"]) for match in STEP_LINE.finditer(output)}


# ------------------------------------------------------------------------------ corpora


def corpus_dir(work: Path, size: int, seed: int) -> Path:
    """A generated corpus of ``size`` articles, made once and reused (the generator is deterministic)."""
    from bench.generate import write_corpus

    folder = work / f"corpus-{size}-seed{seed}"
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(size, seed, folder, jobs=min(4, os.cpu_count() or 1))
        marker.write_text(f"{size} {seed}\n")
    return folder


def add_one_article(corpus: Path, size: int, seed: int) -> Path:
    """Article number ``size`` of the same stream: new, and like the others."""
    from bench.generate import World, generate_article

    article = generate_article(World(), seed, size, ("ar", "en")[size % 2])
    path = corpus / f"{article.name}.txt"
    path.write_text(article.text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ rates


def folder_bytes(folder: Path) -> int:
    """Bytes of every file under ``folder`` (a file hard-linked twice, as a release reuses an
    unchanged table's file, counted once)."""
    files = {(s.st_dev, s.st_ino): s.st_size for s in (p.stat() for p in folder.rglob("*") if p.is_file())}
    return sum(files.values())


def _articles(warehouse: Path, limit: int) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT article_id, body, language, published_date, source_uri FROM main.articles "
                           "ORDER BY article_id LIMIT ?", [limit]).fetchall()


def _rates(started: float, cpu_started: float, articles: int, size_bytes: int) -> dict[str, float]:
    """Wall and CPU time since ``started`` / ``cpu_started``, and the rates of that many articles and bytes."""
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    return {"seconds": seconds, "cpu_s": cpu, "articles": articles, "mb": size_bytes / MB,
            "articles_per_s": articles / seconds, "mb_per_s": size_bytes / MB / seconds,
            "articles_per_cpu_s": articles / cpu, "mb_per_cpu_s": size_bytes / MB / cpu}


def bare_scan(corpus: Path, articles: list[tuple]) -> dict[str, float]:
    """Read + decode + normalise + one multi-pattern pass over the same texts, one core."""
    from posture.extract.cache import ExtractorSpec
    from posture.text.normalize import canonical_text, normalise_for_matching

    extractor = ExtractorSpec().build()
    # the automaton the extractor's matcher runs: every lexicon surface and place name
    automata = {lang: extractor.matcher(lang)._automaton for lang in ("ar", "en")}
    started, cpu_started = time.perf_counter(), cpu_seconds()
    hits = size = 0
    for _, _, language, _, source_uri in articles:
        data = (corpus / source_uri).read_bytes()
        size += len(data)
        folded = normalise_for_matching(canonical_text(data.decode("utf-8"))).text
        hits += sum(1 for _ in automata.get(language, automata["en"]).iter(folded))
    return {**_rates(started, cpu_started, len(articles), size), "hits": hits}


def extraction_one_process(articles: list[tuple]) -> dict[str, float]:
    """Extraction of the same articles by one warm extractor in this process (``extract_batch``, as a
    worker runs it, without the pool or the cache): less sensitive than the pool to a shared machine."""
    from posture.extract.cache import ExtractorSpec, extract_batch

    extractor = ExtractorSpec().build()  # as a worker builds it
    for language in ("ar", "en"):  # lexicons and automata load before the timing
        extractor.extract("warm-up", "warm up", language, None)
    batch = [(article_id, body, language, published) for article_id, body, language, published, _ in articles]
    size = sum(len(body.encode("utf-8")) for _, body, _, _ in batch)
    started, cpu_started = time.perf_counter(), cpu_seconds()
    extract_batch(extractor, batch)
    return _rates(started, cpu_started, len(batch), size)


def extraction_rate(warehouse: Path, limit: int, scratch: Path, workers: int) -> dict[str, float]:
    """Extraction as the pipeline runs it, on a scratch warehouse holding the same articles."""
    import duckdb

    from posture import code_version
    from posture.extract.cache import ExtractorSpec, extract_incrementally, extractor_version

    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    with duckdb.connect(str(scratch / "extract.duckdb")) as con:
        con.execute(f"ATTACH '{warehouse}' AS source (READ_ONLY)")
        con.execute("CREATE SCHEMA staging")
        con.execute("CREATE TABLE staging.articles AS SELECT * FROM source.main.articles "
                    "ORDER BY article_id LIMIT ?", [limit])
        con.execute("DETACH source")
        count, size = con.execute("SELECT count(*), sum(strlen(body)) FROM staging.articles").fetchone()
        started, cpu_started = time.perf_counter(), cpu_seconds()
        outcome = extract_incrementally(con, extractor_version(code_version(), []), ExtractorSpec(), workers)
        rates = _rates(started, cpu_started, count, size)
    shutil.rmtree(scratch, ignore_errors=True)
    return {**rates, "processes": outcome.workers,
            "articles_per_s_per_core": rates["articles_per_s"] / outcome.workers,
            "mb_per_s_per_core": rates["mb_per_s"] / outcome.workers}


# ------------------------------------------------------------------------------ the benchmark


def linear_fit(points: list[tuple[int, float]]) -> dict[str, float] | None:
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    intercept = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for _, y in points)
    residual = sum((y - intercept - slope * x) ** 2 for x, y in points)
    return {"seconds_fixed": intercept, "ms_per_article": slope * 1000,
            "r_squared": 1 - residual / total if total else 1.0}


def git_commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_DIR, capture_output=True,
                          text=True).stdout.strip()


def measure_size(size: int, args: argparse.Namespace, env: dict[str, str]) -> dict:
    work: Path = args.work
    corpus = corpus_dir(work, size, args.seed)
    print(f"[{size}] corpus ready in {corpus}", file=sys.stderr, flush=True)
    warehouse = work / f"warehouse-{size}" / "warehouse.duckdb"
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    load_before = os.getloadavg()[0]
    first = posture_run(corpus, warehouse, env)
    print(f"[{size}] posture run: {first.seconds:.1f} s, peak RSS {first.peak_rss_mb:.0f} MB "
          f"(tree {first.peak_tree_rss_mb:.0f} MB)", file=sys.stderr, flush=True)
    result = {
        "articles": size,
        "commit": git_commit(),
        "corpus_mb": sum(p.stat().st_size for p in corpus.glob("*.txt")) / MB,
        "end_to_end_s": first.seconds,
        "end_to_end_cpu_s": first.cpu_s,
        "load_average_before": load_before,
        "peak_rss_mb": first.peak_rss_mb,
        "peak_tree_rss_mb": first.peak_tree_rss_mb,
    }
    if not args.skip_rates:
        articles = _articles(warehouse, args.rate_sample)
        result["bare_scan"] = bare_scan(corpus, articles)
        result["extraction"] = extraction_rate(warehouse, args.rate_sample, work / "scratch", args.workers)
        result["extraction_one_process"] = extraction_one_process(articles)
        # per core, on CPU time: the machine may be shared, CPU seconds are what a core spends
        per_core_ratio = result["bare_scan"]["articles_per_cpu_s"] / result["extraction"]["articles_per_cpu_s"]
        result["extraction_over_bare_scan"] = per_core_ratio
        print(f"[{size}] extraction {result['extraction']['articles_per_s']:.0f} articles/s "
              f"({result['extraction']['processes']} processes), bare scan "
              f"{result['bare_scan']['articles_per_s']:.0f} articles/s, ratio {per_core_ratio:.1f}; one process "
              f"{result['extraction_one_process']['articles_per_s']:.0f} articles/s",
              file=sys.stderr, flush=True)
    if size == args.incremental_size:
        unchanged = posture_run(corpus, warehouse, env)
        result["rerun_nothing_new_s"] = unchanged.seconds
        result["rerun_nothing_new_cpu_s"] = unchanged.cpu_s
    added = add_one_article(corpus, size, args.seed)
    disk_before = folder_bytes(warehouse.parent)
    try:
        incremental = posture_run(corpus, warehouse, env)
    finally:
        added.unlink()
    result["rerun_one_new_article_disk_mb"] = (folder_bytes(warehouse.parent) - disk_before) / MB
    result["rerun_one_new_article_s"] = incremental.seconds
    result["rerun_one_new_article_cpu_s"] = incremental.cpu_s
    result["rerun_one_new_article_steps_s"] = step_seconds(incremental.output)
    print(f"[{size}] re-run with one new article: {incremental.seconds:.1f} s", file=sys.stderr, flush=True)
    if size == args.incremental_size:
        posture_run(corpus, warehouse, env)  # back to the corpus without the article
        watching = watching_rerun(corpus, warehouse, env, size, args.seed, args.watch_repeats)
        result["rerun_one_new_article_watching_s"] = watching["arrival_to_release_s"]
        result["rerun_one_new_article_watching_all_s"] = watching["arrival_to_release_all_s"]
        result["watching_run_s"] = watching["run_s"]
        result["watching_run_all_s"] = watching["run_all_s"]
        print(f"[{size}] re-run: nothing new {unchanged.seconds:.1f} s; with posture watch up, "
              f"{watching['arrival_to_release_s']:.1f} s (median of {args.watch_repeats}) from a new file's "
              f"arrival to its release", file=sys.stderr, flush=True)
    if not args.keep:
        shutil.rmtree(warehouse.parent, ignore_errors=True)
    return result


def verdicts(results: list[dict], fit: dict | None) -> list[dict]:
    by_size = {r["articles"]: r for r in results}
    rated = [r for r in results if "extraction" in r]
    rows = []

    def add(target: str, limit: str, measured: float | None, ok: bool | None, unit: str) -> None:
        rows.append({"target": target, "limit": limit, "measured": measured, "unit": unit,
                     "met": ok if measured is not None else None})

    if rated:
        best = max(rated, key=lambda r: r["articles"])
        rate = best["extraction"]["articles_per_s"]
        add("extraction throughput (total)", ">= 1000", rate, rate >= 1000, "articles/s")
        ratio = best["extraction_over_bare_scan"]
        add("extraction cost / bare scan (per core)", "<= 3", ratio, ratio <= 3, "x")
    if 10_000 in by_size:
        seconds = by_size[10_000]["end_to_end_s"]
        add("10k end to end", "<= 60", seconds, seconds <= 60, "s")
        if "rerun_one_new_article_s" in by_size[10_000]:
            seconds = by_size[10_000]["rerun_one_new_article_s"]
            add("re-run after adding 1 article to 10k", "<= 5", seconds, seconds <= 5, "s")
        if "rerun_one_new_article_watching_s" in by_size[10_000]:
            seconds = by_size[10_000]["rerun_one_new_article_watching_s"]
            add("... with `posture watch` up (arrival to release)", "<= 5", seconds, seconds <= 5, "s")
    if 100_000 in by_size:
        seconds = by_size[100_000]["end_to_end_s"]
        add("100k end to end", "<= 600", seconds, seconds <= 600, "s")
        rss = by_size[100_000]["peak_tree_rss_mb"]
        add("100k peak RSS (process tree)", "<= 2048", rss, rss <= 2048, "MB")
    if fit:
        add("cost linear in corpus size (R² of the CPU-time line)", ">= 0.98", fit["r_squared"],
            fit["r_squared"] >= 0.98, "")
    return rows


def format_table(report: dict) -> str:
    lines = ["| articles | corpus MB | end to end s (CPU s) | peak RSS MB (largest / tree) "
             "| extraction art/s, all cores | extraction per core: art/s, MB/s | bare scan per core: art/s, MB/s "
             "| extraction / bare scan |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in report["sizes"]:
        e, b = r.get("extraction"), r.get("bare_scan")
        lines.append(
            f"| {r['articles']:,} | {r['corpus_mb']:.1f} | {r['end_to_end_s']:.1f} ({r['end_to_end_cpu_s']:.0f}) | "
            f"{r['peak_rss_mb']:.0f} / {r['peak_tree_rss_mb']:.0f} | "
            + (f"{e['articles_per_s']:.0f} ({e['processes']} proc.) | {e['articles_per_cpu_s']:.0f}, "
               f"{e['mb_per_cpu_s']:.2f} | {b['articles_per_cpu_s']:.0f}, {b['mb_per_cpu_s']:.2f} | "
               f"{r['extraction_over_bare_scan']:.1f}× |" if e else "– | – | – | – |"))
    for r in report["sizes"]:
        one = r.get("extraction_one_process")
        if one:
            lines.append(f"\nExtraction of {one['articles']:,} articles (of the {r['articles']:,} corpus) in one warm "
                         f"process: {one['articles_per_s']:.0f} "
                         f"articles/s ({one['articles_per_cpu_s']:.0f} per CPU s, {one['mb_per_cpu_s']:.2f} MB per CPU s).")
    reruns = [r for r in report["sizes"] if "rerun_one_new_article_s" in r]
    if reruns:
        lines.append("\n| articles already there | re-run with one more: s (CPU s) | disk it added, MB | its slowest steps, s |"
                     "\n|---:|---:|---:|---|")
        for r in reruns:
            steps = sorted(r.get("rerun_one_new_article_steps_s", {}).items(), key=lambda item: -item[1])[:4]
            disk = r.get("rerun_one_new_article_disk_mb")
            lines.append(f"| {r['articles']:,} | {r['rerun_one_new_article_s']:.1f} ({r['rerun_one_new_article_cpu_s']:.1f}) | "
                         + ("–" if disk is None else f"{disk:.1f}") + " | "
                         + (", ".join(f"{step} {seconds:.1f}" for step, seconds in steps) or "–") + " |")
    for r in report["sizes"]:
        if "rerun_nothing_new_s" in r:
            lines.append(f"\nRe-run of {r['articles']:,} articles with nothing new: {r['rerun_nothing_new_s']:.1f} s "
                         f"({r['rerun_nothing_new_cpu_s']:.1f} CPU s).")
        if "rerun_one_new_article_watching_s" in r:
            arrivals = ", ".join(f"{s:.1f}" for s in r.get("rerun_one_new_article_watching_all_s", []))
            lines.append(f"With `posture watch` up: {r['rerun_one_new_article_watching_s']:.1f} s"
                         + (f" (median of {arrivals})" if arrivals else "") +
                         f" from a new file's arrival to its release (the run itself {r['watching_run_s']:.1f} s).")
    for key, what in (("cost_curve", "end to end, wall time"), ("cost_curve_cpu", "end to end, CPU time"),
                      ("rerun_curve", "re-run with one new article, wall time")):
        fit = report.get(key)
        if fit:
            lines.append(f"\nCost curve ({what}): ≈ {fit['seconds_fixed']:.1f} s + "
                         f"{fit['ms_per_article']:.2f} ms × articles (R² {fit['r_squared']:.4f}).")
    lines.append("\n| target | limit | measured | met |\n|---|---|---:|---|")
    for v in report["targets"]:
        measured = "–" if v["measured"] is None else f"{v['measured']:.2f} {v['unit']}".strip()
        lines.append(f"| {v['target']} | {v['limit']} | {measured} | {'yes' if v['met'] else 'no'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for corpora and warehouses")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file")
    parser.add_argument("--workers", type=int, default=0, help="extraction processes (0 = one per core)")
    parser.add_argument("--incremental-size", type=int, default=10_000,
                        help="size whose re-run with nothing new and `posture watch` re-runs are measured")
    parser.add_argument("--watch-repeats", type=int, default=3,
                        help="articles added one at a time for `posture watch` (the median is reported)")
    parser.add_argument("--rate-sample", type=int, default=10_000, help="articles the rates are measured on")
    parser.add_argument("--skip-rates", action="store_true", help="only end-to-end runs")
    parser.add_argument("--keep", action="store_true", help="keep the warehouses")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: recompute the curve and targets of --out and print the table")
    parser.add_argument("--update", action="store_true",
                        help="merge into the sizes already in --out (e.g. run 100k on its own after 1k,10k)")
    args = parser.parse_args(argv)
    sizes = [] if args.report_only else sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    args.work.mkdir(parents=True, exist_ok=True)
    env = posture_env(args.work)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    results = [] if args.report_only else [measure_size(size, args, env) for size in sizes]
    commands = [] if args.report_only else ["python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])]
    if (args.update or args.report_only) and args.out.exists():
        previous = json.loads(args.out.read_text())
        results = sorted([r for r in previous["sizes"] if r["articles"] not in sizes] + results,
                         key=lambda r: r["articles"])
        commands = previous.get("commands", []) + commands
    fit = linear_fit([(r["articles"], r["end_to_end_s"]) for r in results])
    # CPU time does not depend on what else the machine runs: the curve to judge linearity by
    cpu_fit = linear_fit([(r["articles"], r["end_to_end_cpu_s"]) for r in results])
    report = {
        "commands": commands,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_average_at_end": os.getloadavg()},
        "seed": args.seed,
        "sizes": results,
        "cost_curve": fit,
        "cost_curve_cpu": cpu_fit,
        # what each article already there adds to a run that has one new article to process
        "rerun_curve": linear_fit([(r["articles"], r["rerun_one_new_article_s"]) for r in results
                                   if "rerun_one_new_article_s" in r]),
        "targets": [],
    }
    report["targets"] = verdicts(results, cpu_fit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(format_table(report))
    print(f"\n(JSON: {args.out})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
