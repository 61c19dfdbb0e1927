"""A failing expectation blocks publishing and leaves the last release untouched."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.cli import main as posture
from tests.pipeline_runs import materialize_all, release_file_hashes

BAD_PLACE = "injected_bad_place"


def _bad_gazetteer(folder: Path) -> Path:
    path = folder / "bad_places.csv"
    path.write_text(
        "place_id,name_en,name_ar,place_kind,feature_type,admin1,country_code,lat,lon\n"
        f"{BAD_PLACE},Nowhere,لا مكان,point,town,Hasakah,SY,999.0,40.0\n",
        encoding="utf-8",
    )
    return path


def test_injected_bad_row_blocks_publishing(sample_inbox, warehouse, tmp_path):
    assert materialize_all(sample_inbox, warehouse).success
    before = release_file_hashes(warehouse)

    result = materialize_all(sample_inbox, warehouse, gazetteers=[_bad_gazetteer(tmp_path)])
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [e.check_name for e in failed] == ["places_have_valid_kinds_and_coordinates"]
    assert "lat" in failed[0].metadata["report"].value and BAD_PLACE in failed[0].metadata["report"].value
    published = {e.step_materialization_data.materialization.asset_key.to_user_string()
                 for e in result.get_asset_materialization_events()}
    assert "dataset_versions" not in published and "places" not in published

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM main.dataset_versions").fetchone()[0] == 1
        assert con.sql(f"SELECT count(*) FROM main.places WHERE place_id = '{BAD_PLACE}'").fetchone()[0] == 0
        assert con.sql(f"SELECT count(*) FROM staging.places WHERE place_id = '{BAD_PLACE}'").fetchone()[0] == 1
    assert release_file_hashes(warehouse) == before


def test_cli_exits_non_zero_naming_expectation_table_and_rows(sample_inbox, warehouse, tmp_path, capsys):
    assert posture(["run", "--input", str(sample_inbox), "--warehouse", str(warehouse)]) == 0
    capsys.readouterr()
    code = posture(["run", "--input", str(sample_inbox), "--warehouse", str(warehouse),
                    "--gazetteer", str(_bad_gazetteer(tmp_path))])
    err = capsys.readouterr().err
    assert code != 0
    assert "expect_column_values_to_be_between(lat)" in err
    assert "places" in err and BAD_PLACE in err
    assert "last release is unchanged" in err


def test_missing_input_folder_is_a_readable_error(tmp_path, capsys):
    code = posture(["run", "--input", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_eval_on_a_warehouse_whose_first_run_was_blocked_says_so(sample_inbox, warehouse, tmp_path, capsys):
    assert posture(["run", "--input", str(sample_inbox), "--warehouse", str(warehouse),
                    "--gazetteer", str(_bad_gazetteer(tmp_path))]) == 1
    capsys.readouterr()
    assert posture(["eval", "--gold", str(sample_inbox), "--warehouse", str(warehouse)]) == 2
    assert "holds no release yet" in capsys.readouterr().err
