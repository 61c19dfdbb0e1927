"""Awkward inputs through `posture run`: nothing lost, nothing expanded, the batch never aborts."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.cli import main as posture
from pipelines.definitions import defs
from pipelines.resources import PostureSettings
from pipelines.sensors import inbox_sensor
from tests.conftest import REPO

AWKWARD = REPO / "tests" / "fixtures" / "awkward"
EXPECTED_REJECTIONS = {
    "array.json#item=3": "not_an_article",
    "binary_junk.txt": "binary",
    "disguised_pdf.txt": "binary",
    "empty.txt": "empty",
    "feeds/billion_laughs.xml": "unsafe_xml",
    "feeds/not_a_feed.xml": "not_a_feed",
    "feeds/xxe.rss": "unsafe_xml",
    "just_a_string.json": "not_an_article",
    "malformed.json": "malformed_json",
    "no_text.json": "no_text",
    "notes.docx": "unsupported_format",
    "photo.png": "unsupported_format",
    "records.jsonl#line=3": "malformed_json",
    "records.jsonl#line=5": "no_text",
    "records.jsonl#line=6": "not_an_article",
    "report.pdf": "unsupported_format",
    "whitespace_only.txt": "empty",
}
ENCODING_COPIES = ["article_cp1256.txt", "article_crlf.txt", "article_iso8859_6.txt", "article_utf16.txt",
                   "article_utf8.txt", "article_utf8_bom.txt"]


def test_awkward_inputs_are_each_accounted_for_once(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    shutil.copytree(AWKWARD, inbox)
    warehouse = tmp_path / "w" / "warehouse.duckdb"
    assert posture(["run", "--input", str(inbox), "--warehouse", str(warehouse)]) == 0
    capsys.readouterr()

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = dict(con.sql("SELECT source_uri, reason FROM rejected_inputs").fetchall())
        details = con.sql("SELECT detail FROM rejected_inputs").fetchall()
        duplicates = dict(con.sql("SELECT source_uri, article_id FROM duplicate_inputs").fetchall())
        articles = dict(con.sql("SELECT source_uri, article_id FROM articles").fetchall())
        # EXPECTED.md is an article too, and it describes the hostile markers: leave it out here
        bodies = " ".join(b for (b,) in con.sql(
            "SELECT body FROM articles WHERE source_uri <> 'EXPECTED.md'").fetchall())
        titles = [t for (t,) in con.sql("SELECT title FROM articles").fetchall()]

    assert rejected == EXPECTED_REJECTIONS
    assert all(len(d) > 20 for (d,) in details)  # a sentence a person can act on
    # the six encodings of one article are one article and five duplicates of it
    copies = [f"encodings/{name}" for name in ENCODING_COPIES]
    kept = [c for c in copies if c in articles]
    assert len(kept) == 1 and sorted(duplicates) == sorted(set(copies) - set(kept))
    assert set(duplicates.values()) == {articles[kept[0]]}
    # no input is in two tables, and the readers found every other input as an article
    assert not (set(rejected) & set(articles)) and not (set(duplicates) & set(articles))
    assert "nested/deeper/turkish_reinforcements.md" in articles
    assert {"feeds/valid.rss#item=1", "feeds/valid.rss#item=2", "feeds/valid.atom#item=1"} <= set(articles)
    # nothing from outside the inbox, and hostile field values are plain data
    assert "root:" not in bodies and "MUST-NOT-APPEAR" not in bodies
    assert any("DROP TABLE articles" in t for t in titles)


def _dotenv_defaults() -> dict[str, str]:
    lines = (REPO / ".env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_inbox_sensor_requests_a_run_when_files_change(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Title\n\nApril 1, 2025\n\nBody text of an article.", encoding="utf-8")
    warehouse = tmp_path / "w" / "warehouse.duckdb"
    settings = PostureSettings(inbox=str(inbox), warehouse=str(warehouse))

    def evaluate(cursor):
        return inbox_sensor(dg.build_sensor_context(cursor=cursor, resources={"settings": settings}))

    first = evaluate(None)
    assert isinstance(first, dg.RunRequest)
    assert isinstance(evaluate(first.run_key), dg.SkipReason)  # nothing changed since

    (inbox / "b.txt").write_text("Another\n\nApril 2, 2025\n\nA second article.", encoding="utf-8")
    second = evaluate(first.run_key)
    assert isinstance(second, dg.RunRequest) and second.run_key != first.run_key
    # an edited file and a removed file are changes too
    (inbox / "a.txt").write_text("Title\n\nApril 1, 2025\n\nBody text of an article, corrected.", encoding="utf-8")
    third = evaluate(second.run_key)
    assert isinstance(third, dg.RunRequest) and third.run_key not in (first.run_key, second.run_key)
    (inbox / "b.txt").unlink()
    assert isinstance(evaluate(third.run_key), dg.RunRequest)

    # the request starts the job of the code location that reads the inbox: run it as the daemon would
    assert defs.resolve_sensor_def("inbox_sensor").job_name == "posture_job"
    monkeypatch.setenv("POSTURE_INBOX", str(inbox))
    monkeypatch.setenv("POSTURE_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("POSTURE_GAZETTEERS", "")
    for name, default in _dotenv_defaults().items():  # what `dagster dev` loads from .env
        if name not in ("POSTURE_INBOX", "POSTURE_WAREHOUSE", "POSTURE_GAZETTEERS"):
            monkeypatch.setenv(name, default)
    warehouse.parent.mkdir(parents=True)
    with dg.DagsterInstance.ephemeral() as instance:
        run = defs.resolve_job_def("posture_job").execute_in_process(
            instance=instance, tags=third.tags, run_config=third.run_config or None)
    assert run.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("SELECT source_uri FROM articles").fetchall() == [("a.txt",)]
