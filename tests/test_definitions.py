"""The code location loads and its asset graph is wired as the architecture says."""

import dagster as dg

from pipelines.definitions import defs

CONTRACT_TABLES = ("articles", "rejected_inputs", "duplicate_inputs", "near_duplicates", "places",
                   "movement_reports", "movement_places", "movement_assets", "force_levels")
LINKED_TABLES = ("movement_events", "movement_event_reports", "movement_event_places", "movement_event_assets",
                 "force_level_series", "force_level_latest")


def _graph():
    return defs.resolve_asset_graph()


def test_every_contract_table_is_staged_then_published():
    keys = {key.to_user_string() for key in _graph().get_all_asset_keys()}
    for table in (*CONTRACT_TABLES, *LINKED_TABLES):
        assert f"staging/{table}" in keys
        assert table in keys
    assert "dataset_versions" in keys


def test_published_tables_depend_only_on_checked_staging():
    graph = _graph()
    release = graph.get(dg.AssetKey("dataset_versions"))
    assert {k.to_user_string() for k in release.parent_keys} == {
        f"staging/{t}" for t in (*CONTRACT_TABLES, *LINKED_TABLES)}
    extraction = graph.get(dg.AssetKey(["staging", "movement_reports"]))
    assert dg.AssetKey(["staging", "articles"]) in extraction.parent_keys
    assert dg.AssetKey(["staging", "places"]) in extraction.parent_keys
    events = graph.get(dg.AssetKey(["staging", "movement_events"]))
    assert {k.to_user_string() for k in events.parent_keys} == {
        f"staging/{t}" for t in ("movement_reports", "movement_places", "movement_assets", "articles", "places",
                                 "near_duplicates")}
    series = graph.get(dg.AssetKey(["staging", "force_level_series"]))
    assert dg.AssetKey(["staging", "force_levels"]) in series.parent_keys


def test_every_staged_table_has_a_blocking_check():
    checks = defs.resolve_asset_graph().asset_check_keys
    checked = {key.asset_key.to_user_string() for key in checks}
    assert checked == {f"staging/{t}" for t in (*CONTRACT_TABLES, *LINKED_TABLES)}
    event_checks = {key.name for key in checks if key.asset_key.to_user_string() == "staging/movement_events"}
    assert {"events_keep_one_actor_family", "events_within_date_window",
            "reports_in_exactly_one_event"} <= event_checks
    for check_def in defs.asset_checks:
        for spec in check_def.check_specs:
            assert spec.blocking, spec.name


def test_assets_have_descriptions_and_the_job_and_sensor_exist():
    graph = _graph()
    for key in graph.get_all_asset_keys():
        assert graph.get(key).description, key
    assert defs.resolve_job_def("posture_job") is not None
    assert defs.resolve_sensor_def("inbox_sensor") is not None


def test_the_ui_instance_runs_one_job_at_a_time(tmp_path):
    import shutil

    from tests.conftest import REPO

    shutil.copy(REPO / "pipelines" / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        coordinator = instance.run_coordinator
        assert type(coordinator).__name__ == "QueuedRunCoordinator"
        assert coordinator.get_run_queue_config().max_concurrent_runs == 1
