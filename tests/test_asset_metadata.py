"""What the Dagster UI shows: every asset described, typed and previewed; charts on the
movement and force-level assets; Great Expectations results on every check."""

from __future__ import annotations

import base64
import io
import re

import dagster as dg
import pytest
from PIL import Image

from pipelines.definitions import defs
from posture.schema import DATASET_VERSIONS, TABLES
from posture.validation import load_suites
from tests.conftest import SAMPLE
from tests.pipeline_runs import materialize_all


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("metadata")
    result = materialize_all(SAMPLE, root / "warehouse" / "warehouse.duckdb")
    assert result.success
    return result, root / "warehouse"


def _materializations(result) -> dict[str, dict]:
    return {e.step_materialization_data.materialization.asset_key.to_user_string():
            e.step_materialization_data.materialization.metadata
            for e in result.get_asset_materialization_events()}


def test_every_asset_has_description_group_owner_kinds_and_column_schema():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        spec = graph.get(key)
        name = key.path[-1]
        assert spec.description, key
        assert spec.group_name in {"ingestion", "reference", "extraction", "linking", "published"}, key
        assert spec.owners == ["team:posture"], key
        assert spec.kinds and "duckdb" in spec.kinds, key
        schema = spec.metadata["dagster/column_schema"]
        table = DATASET_VERSIONS if name == "dataset_versions" else TABLES[name]
        assert [c.name for c in schema.columns] == table.column_names, key
        assert [c.type for c in schema.columns] == [c.sql_type for c in table.columns], key


def test_every_materialisation_has_a_row_count_and_a_markdown_preview(run):
    result, _ = run
    materialized = _materializations(result)
    assert len(materialized) == 2 * len(TABLES) + 1  # staged, published, dataset_versions
    for key, metadata in materialized.items():
        assert isinstance(metadata["dagster/row_count"].value, int), key
        preview = metadata["preview"].value
        assert preview.startswith("| ") and "|---|" in preview, key
    assert materialized["movement_reports"]["dagster/row_count"].value >= 3


def _inline_png(markdown: str) -> Image.Image:
    found = re.search(r"!\[[^\]]*\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", markdown)
    assert found, markdown[:200]
    return Image.open(io.BytesIO(base64.b64decode(found.group(1))))


@pytest.mark.parametrize("asset, chart, file_key, file_name", [
    ("movement_reports", "map", "map_file", "movement_map.png"),
    ("force_levels", "timeline", "timeline_file", "troop_timeline.png"),
])
def test_published_tables_carry_their_chart_inline_and_as_a_file(run, asset, chart, file_key, file_name):
    result, warehouse_dir = run
    metadata = _materializations(result)[asset]
    image = _inline_png(metadata[chart].value)
    assert image.size[0] >= 800 and image.size[1] >= 400
    path = metadata[file_key].value
    assert path == str(warehouse_dir.resolve() / "charts" / file_name)
    with open(path, "rb") as handle:
        assert Image.open(handle).size == image.size
    assert path in metadata[chart].value  # the Markdown says where the PNG is


def test_charts_drawn_for_a_release_that_fails_are_not_kept(tmp_path, monkeypatch):
    import assets.release

    def failing_release(*args, **kwargs):
        raise OSError("disk full")

    drawn = []
    real_draw = assets.release.draw_release_charts
    monkeypatch.setattr(assets.release, "draw_release_charts", lambda *a: drawn.append(1) or real_draw(*a))
    monkeypatch.setattr(assets.release, "publish_release", failing_release)
    result = materialize_all(SAMPLE, tmp_path / "warehouse" / "warehouse.duckdb")
    assert not result.success and drawn  # drawn while the release was being written
    assert not (tmp_path / "warehouse" / "charts").exists()  # ... and kept only with a release


def test_checks_show_each_expectation_with_its_result(run):
    result, _ = run
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len(defs.resolve_asset_graph().asset_check_keys)
    suites = load_suites()  # a release-scope suite is one check per published table
    ge_evaluations = [e for e in evaluations if e.check_name in {suite.name for suite in suites}]
    assert len(ge_evaluations) == len(suites)
    for evaluation in ge_evaluations:
        table = evaluation.metadata["results"].value
        expectations = evaluation.metadata["expectations"].value
        rows = [line for line in table.splitlines() if line.startswith("| `expect_")]
        assert len(rows) == expectations > 0, evaluation.check_name
        assert all("| pass |" in row for row in rows)
        assert f"{expectations} of {expectations} expectations passed" in table


def test_release_shows_its_diff_against_the_previous_one(tmp_path):
    from tests.test_pipeline import FIXTURES

    import shutil

    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox)
    warehouse = tmp_path / "warehouse" / "warehouse.duckdb"
    first = _materializations(materialize_all(inbox, warehouse))["dataset_versions"]
    assert first["diff_from_previous"].value == "first release"
    shutil.copy(FIXTURES / "en-practice-convoy.txt", inbox / "en-practice-convoy.txt")
    second = _materializations(materialize_all(inbox, warehouse))["dataset_versions"]
    diff = second["diff_from_previous"].value
    assert "release 1 -> 2" in diff
    assert re.search(r"articles\s+1\s+0\s+0\s+1", diff), diff
    assert isinstance(second["release_path"], dg.PathMetadataValue)
