"""Linking gold files and the pairwise / B-cubed linking figures of `posture eval`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from posture.scoring import ArticlePrediction, evaluate, load_gold
from posture.scoring_links import LinksGoldError, load_links, score_links

OMAR = {"name": "al-Omar oil field", "kind": "point", "lat": 35.01, "lon": 40.56}
QAMISHLI = {"name": "Qamishli airport", "kind": "point", "lat": 37.02, "lon": 41.19}


def _gold_movement(actor: str, kind: str, place: dict) -> dict:
    return {"actor": actor, "type": kind, "origins": [place], "destinations": [], "locations": [],
            "date": None, "assets": [], "attributed_to": None, "evidence": "x"}


def _predicted(movement_id: str, actor: str, kind: str, place: dict) -> dict:
    row = {"place_id": place["name"], "place_kind": "point", "lat": place["lat"], "lon": place["lon"],
           "admin1": None, "country_code": "SY"}
    return {"id": movement_id, "actor": actor, "type": kind, "date": None, "attributed_to": None,
            "origins": [row], "destinations": [], "locations": [], "vias": [], "assets": []}


def _write(folder: Path, name: str, movements: list[dict]) -> None:
    (folder / f"{name}.gold.json").write_text(json.dumps({"language": "en", "movements": movements,
                                                          "force_levels": []}), encoding="utf-8")


def _links(folder: Path, *groups: list) -> None:
    (folder / "links.gold.json").write_text(json.dumps({"events": [{"movements": g} for g in groups]}),
                                            encoding="utf-8")


@pytest.fixture
def gold_folder(tmp_path: Path) -> Path:
    _write(tmp_path, "g1", [_gold_movement("us", "withdrawal", OMAR), _gold_movement("russia", "airlift", QAMISHLI)])
    _write(tmp_path, "g2", [_gold_movement("us_led_coalition", "withdrawal", OMAR)])
    _write(tmp_path, "g3", [_gold_movement("us", "withdrawal", OMAR)])
    _links(tmp_path, [["g1", 0], ["g2", 0], ["g3", 0]])
    return tmp_path


def test_pairwise_and_bcubed_count_unpaired_gold_movements_as_alone(gold_folder):
    golds = load_gold(gold_folder)
    assert [g.name for g in golds] == ["g1", "g2", "g3"]  # the links file is not an article's gold
    predictions = {
        "g1": ArticlePrediction("a1", "g1.txt", "en", movements=[
            _predicted("p1", "us", "withdrawal", OMAR), _predicted("p2", "russia", "airlift", QAMISHLI)]),
        "g2": ArticlePrediction("a2", "g2.txt", "en", movements=[_predicted("p3", "us", "withdrawal", OMAR)]),
        "g3": ArticlePrediction("a3", "g3.txt", "en", movements=[]),  # the movement was missed
        "g4": ArticlePrediction("a4", "g4.txt", "en", movements=[_predicted("p4", "us", "withdrawal", OMAR)]),
    }
    evaluation = evaluate(golds, predictions)
    # the airlift is wrongly merged into the convoy's event; p4 has no gold and is left out
    event_of = {"p1": "E1", "p2": "E1", "p3": "E1", "p4": "E1"}
    result = score_links(golds, load_links(gold_folder, golds), evaluation, event_of)
    # gold pairs: g1#0~g2#0, g1#0~g3#0, g2#0~g3#0; predicted: g1#0~g1#1, g1#0~g2#0, g1#1~g2#0
    assert (result.pairwise.tp, result.pairwise.fp, result.pairwise.fn) == (1, 2, 2)
    assert result.bcubed_precision == pytest.approx(2 / 3) and result.bcubed_recall == pytest.approx(2 / 3)
    assert (result.gold_movements, result.paired_movements, result.gold_events) == (4, 3, 1)
    assert [("g1", 0), ("g3", 0)] in [list(pair) for pair in result.missed_links]

    perfect = score_links(golds, load_links(gold_folder, golds), evaluation, {"p1": "E1", "p2": "E2", "p3": "E1"})
    assert perfect.pairwise.precision == 1.0 and perfect.pairwise.recall == pytest.approx(1 / 3)
    assert perfect.bcubed_precision == 1.0


def test_no_links_file_means_no_linking_figures(tmp_path):
    _write(tmp_path, "g1", [_gold_movement("us", "withdrawal", OMAR)])
    assert load_links(tmp_path, load_gold(tmp_path)) is None


@pytest.mark.parametrize("groups, message", [
    ([[["g9", 0]]], "names gold file 'g9'"),
    ([[["g1", 5]]], "has 2 movements, no index 5"),
    ([[["g1", 0]], [["g1", 0], ["g2", 0]]], "belongs to one event"),
    ([[["g1"]]], "is not [gold file name, movement index]"),
])
def test_a_links_file_naming_what_is_not_there_is_a_readable_error(gold_folder, groups, message):
    _links(gold_folder, *groups)
    with pytest.raises(LinksGoldError, match=message.replace("[", r"\[")):
        load_links(gold_folder, load_gold(gold_folder))


def test_links_files_in_subfolders_name_movements_relative_to_their_folder(tmp_path):
    sub = tmp_path / "linking"
    sub.mkdir()
    _write(sub, "a", [_gold_movement("us", "withdrawal", OMAR)])
    _write(sub, "b", [_gold_movement("us", "withdrawal", OMAR)])
    _links(sub, [["a", 0], ["b", 0]])
    assert load_links(tmp_path, load_gold(tmp_path)) == [[("linking/a", 0), ("linking/b", 0)]]
