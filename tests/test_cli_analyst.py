"""The analyst's commands on a warehouse built by `posture run` from the sample corpus."""

from __future__ import annotations

import csv
import io
import json
import re

import duckdb
import pytest

from pipelines.cli import main
from pipelines.definitions import defs


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_reports_progress_per_step_on_stderr(sample_release):
    assert sample_release.code == 0
    lines = [line for line in sample_release.stderr.splitlines() if line.startswith("posture run: [")]
    total = int(lines[0].split("/")[1].split("]")[0])
    assert len(lines) == total >= 12  # ingest, gazetteer, extraction, 9 checks, publish
    assert lines[-1].startswith(f"posture run: [{total}/{total}] publish done")
    assert any("extract_reports done" in line for line in lines)
    assert "release 1 (new release published)" in sample_release.stdout


def test_quiet_run_prints_nothing(sample_release, capsys):
    code, out, err = _run(capsys, "run", "--input", str(sample_release.inbox),
                          "--warehouse", str(sample_release.warehouse), "--quiet")
    assert code == 0 and out == "" and err == ""


def test_query_prints_a_table_csv_or_json(sample_release, capsys):
    sql = "SELECT actor, value, ref_date FROM force_levels WHERE metric = 'troops' ORDER BY claim_id"
    warehouse = ["--warehouse", str(sample_release.warehouse)]
    with duckdb.connect(str(sample_release.warehouse), read_only=True) as con:
        expected = con.execute(sql).fetchall()
    assert expected

    code, out, _ = _run(capsys, "query", sql, *warehouse)
    assert code == 0
    assert "actor" in out and "ref_date" in out and f"{len(expected)} rows" in out
    assert "NULL" in out or all(r[2] is not None for r in expected)

    code, out, _ = _run(capsys, "query", sql, "--format", "csv", *warehouse)
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["actor", "value", "ref_date"]
    assert rows[1:] == [[a, str(v), d.isoformat() if d else ""] for a, v, d in expected]

    code, out, _ = _run(capsys, "query", sql, "--format", "json", *warehouse)
    assert code == 0
    assert json.loads(out) == [{"actor": a, "value": v, "ref_date": d.isoformat() if d else None}
                               for a, v, d in expected]


def test_query_is_read_only(sample_release, capsys):
    code, _, err = _run(capsys, "query", "DELETE FROM articles", "--warehouse", str(sample_release.warehouse))
    assert code == 2 and "read-only" in err.lower()
    with duckdb.connect(str(sample_release.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_sql_error_shows_the_message_and_the_tables(sample_release, capsys):
    code, out, err = _run(capsys, "query", "SELECT * FROM movements", "--warehouse", str(sample_release.warehouse))
    assert code == 2 and out == ""
    assert "movements does not exist" in err
    assert "movement_reports: movement_id, article_id" in err and "force_levels:" in err


def test_missing_warehouse_says_to_run_first(tmp_path, capsys):
    code, _, err = _run(capsys, "query", "SELECT 1", "--warehouse", str(tmp_path / "none.duckdb"))
    assert code == 2 and "does not exist" in err and "posture run" in err


def test_releases_lists_every_release(sample_release, capsys):
    code, out, _ = _run(capsys, "releases", "--format", "json", "--warehouse", str(sample_release.warehouse))
    releases = json.loads(out)
    checks = len(defs.resolve_asset_graph().asset_check_keys)
    assert code == 0 and [r["version"] for r in releases] == [1]
    assert releases[0]["movements"] >= 3 and releases[0]["checks_passed"] == f"{checks}/{checks}"
    code, out, _ = _run(capsys, "releases", "--warehouse", str(sample_release.warehouse))
    assert code == 0 and "content_sha256" in out and f"{checks}/{checks}" in out


def _first(warehouse, sql: str):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchone()


def test_show_movement_prints_row_places_assets_and_the_evidence_in_its_article(sample_release, capsys):
    movement_id, evidence = _first(sample_release.warehouse, """
        SELECT movement_id, evidence_text FROM movement_reports
        WHERE movement_id IN (SELECT movement_id FROM movement_assets) ORDER BY movement_id LIMIT 1""")
    places = _first(sample_release.warehouse,
                    f"SELECT list(name_en) FROM movement_places JOIN places USING (place_id) "
                    f"WHERE movement_id = '{movement_id}'")[0]
    code, out, _ = _run(capsys, "show", "movement", movement_id[:6], "--warehouse", str(sample_release.warehouse))
    assert code == 0
    assert movement_id in out
    assert all(name in out for name in places)
    assert "asset_type" in out
    flat = " ".join(out.split())
    assert " ".join(evidence.split())[:40] in flat  # the sentence, inside the article text shown

    code, out, _ = _run(capsys, "show", "movement", movement_id, "--format", "json",
                        "--warehouse", str(sample_release.warehouse))
    shown = json.loads(out)
    assert shown["row"]["movement_id"] == movement_id and shown["spans"][0]["label"] == "evidence"
    assert shown["spans"][0]["end"] - shown["spans"][0]["start"] == len(evidence)
    assert {p["name_en"] for p in shown["places"]} == set(places)


def test_show_highlights_the_evidence_span(sample_release):
    """The highlighted characters are exactly body[evidence_start:evidence_end]."""
    from posture.report.evidence import load_record

    with duckdb.connect(str(sample_release.warehouse), read_only=True) as con:
        claim_id = con.execute("SELECT min(claim_id) FROM force_levels").fetchone()[0]
        record = load_record(con, "claim", claim_id)
    span = record.evidence
    assert record.article["body"][span.start:span.end] == record.row["evidence_text"]
    assert record.places and record.places[0]["role"] == "area"


@pytest.mark.parametrize("given, message", [("ffffffffff", "no movement with id"), ("", "matches several")])
def test_show_unknown_or_ambiguous_id_says_how_to_list_ids(sample_release, capsys, given, message):
    code, out, err = _run(capsys, "show", "movement", given, "--warehouse", str(sample_release.warehouse))
    assert code == 2 and out == ""
    assert message in err
    if message.startswith("no"):
        assert 'posture query "SELECT movement_id FROM movement_reports"' in err


def test_report_is_deterministic_and_lists_every_row(sample_release, tmp_path, capsys):
    first, second = tmp_path / "r1", tmp_path / "r2"
    warehouse = ["--warehouse", str(sample_release.warehouse)]
    assert _run(capsys, "report", "--out", str(first), *warehouse)[0] == 0
    assert _run(capsys, "report", "--out", str(second), "--release", "1", "--quiet", *warehouse)[0] == 0
    for name in ("index.html", "timeline.png", "map.png", "leaflet-1.9.4/leaflet.js"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    page = (first / "index.html").read_text()
    with duckdb.connect(str(sample_release.warehouse), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT movement_id FROM movement_reports UNION ALL "
                                         "SELECT claim_id FROM force_levels").fetchall()]
    assert all(f'id="{i}"' in page for i in ids)
    assert 'src="leaflet-1.9.4/leaflet.js"' in page and "tile.openstreetmap.org" in page
    resources = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page)
    assert resources and not [r for r in resources if ":" in r]  # scripts, styles and images are local files
    payload = json.loads(page.split('id="posture-data">')[1].split("</script>")[0])
    assert any(f["properties"].get("iso_a2") == "SY" for f in payload["outlines"]["features"])
    assert sum(f["properties"]["layer"] == "route" for f in payload["features"]["features"]) >= 3


def test_report_of_a_missing_release_lists_the_available_ones(sample_release, tmp_path, capsys):
    code, _, err = _run(capsys, "report", "--out", str(tmp_path / "r"), "--release", "7",
                        "--warehouse", str(sample_release.warehouse))
    assert code == 2 and "release 7" in err and "v0001" in err
