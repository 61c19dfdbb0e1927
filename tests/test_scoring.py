"""The scoring rules of contract section 5.2, on hand-made gold and predictions."""

from datetime import date

from posture.scoring import (ArticleGold, ArticlePrediction, claims_can_pair, date_matches, evaluate,
                             movements_can_pair, place_matches, scored_places)

OMAR = {"place_id": "omar", "place_kind": "point", "admin1": "Deir ez-Zor", "country_code": "SY",
        "lat": 34.97, "lon": 40.56}
HASAKAH_GOV = {"place_id": "hasakah", "place_kind": "admin1", "admin1": "Hasakah", "country_code": "SY",
               "lat": 36.5, "lon": 40.7}
SHADDADI = {"place_id": "shaddadi", "place_kind": "point", "admin1": "Hasakah", "country_code": "SY",
            "lat": 36.06, "lon": 40.73}
IRAQ = {"place_id": "iraq", "place_kind": "country", "admin1": None, "country_code": "IQ", "lat": 33.0, "lon": 44.0}


def test_place_matching_by_kind():
    assert place_matches({"kind": "point", "lat": 35.0, "lon": 40.5}, OMAR)  # ~6 km
    assert not place_matches({"kind": "point", "lat": 35.5, "lon": 40.5}, OMAR)  # ~59 km
    assert place_matches({"kind": "admin1", "name": "Hasakah"}, SHADDADI)
    assert place_matches({"kind": "country", "country_code": "IQ"}, IRAQ)
    assert not place_matches({"kind": "country", "country_code": "SY"}, IRAQ)


def test_general_places_yield_to_specific_ones_inside_them():
    assert scored_places([HASAKAH_GOV, SHADDADI]) == [SHADDADI]
    assert scored_places([HASAKAH_GOV, OMAR]) == [HASAKAH_GOV, OMAR]


def test_dates_inside_a_coarser_gold_period():
    assert date_matches("2025-04-28", "week", date(2025, 5, 1))
    assert not date_matches("2025-04-28", "week", date(2025, 5, 5))
    assert date_matches("2024-10-01", "quarter", date(2024, 12, 31))
    assert date_matches("2025-05-02", "day", date(2025, 5, 2))
    assert not date_matches("2025-05-02", "day", date(2025, 5, 3))


def test_pairing_needs_actor_family_and_a_shared_place_or_asset():
    gold = {"actor": "us", "origins": [{"kind": "point", "lat": 34.97, "lon": 40.56}], "destinations": []}
    assert movements_can_pair(gold, {"actor": "us_led_coalition", "origins": [OMAR]})
    assert not movements_can_pair(gold, {"actor": "russia", "origins": [OMAR]})
    placeless = {"actor": "russia", "assets": [{"type": "troops"}]}
    assert movements_can_pair(placeless, {"actor": "russia", "assets": [{"type": "troops", "count": None}]})


def test_claims_pair_with_exact_and_approx_as_one_qualifier():
    gold = {"actor": "us", "metric": "troops", "value": 2000, "status": "current", "qualifier": "approx"}
    assert claims_can_pair(gold, {**gold, "qualifier": "exact"})
    assert not claims_can_pair(gold, {**gold, "qualifier": "more_than"})
    assert not claims_can_pair(gold, {**gold, "status": "past"})


def test_figures_per_language_and_overall():
    gold = ArticleGold("a", "ar", [{"actor": "us", "type": "withdrawal", "origins": [
        {"kind": "point", "lat": 34.97, "lon": 40.56}], "destinations": [{"kind": "country", "country_code": "IQ"}],
        "date": None, "assets": [{"type": "truck", "count": 200}], "attributed_to": "sohr"}],
        [{"actor": "us", "metric": "troops", "value": 900, "status": "current", "qualifier": "approx"}])
    pred = ArticlePrediction("id", "a.txt", "ar", movements=[{
        "actor": "us", "type": "withdrawal", "origins": [OMAR], "destinations": [IRAQ, SHADDADI], "locations": [],
        "date": None, "assets": [{"type": "truck", "count": 200}], "attributed_to": "local_sources"}],
        force_levels=[{"actor": "us", "metric": "troops", "value": 900, "status": "current", "qualifier": "exact"},
                      {"actor": "us", "metric": "bases", "value": 3, "status": "current", "qualifier": "exact"}])
    figures = evaluate([gold], {"a": pred}).figures()
    assert figures["ar"]["movement_f1"] == 1.0
    assert figures["ar"]["slot_origins_f1"] == 1.0
    assert round(figures["ar"]["slot_destinations_f1"], 3) == 0.667  # one extra predicted destination
    assert figures["ar"]["slot_attributed_to_f1"] == 0.0
    assert round(figures["all"]["force_level_f1"], 3) == 0.667


def test_equal_claims_of_two_sources_pair_with_the_prediction_that_agrees_on_more_slots():
    claim = {"actor": "us", "metric": "troops", "value": 2000, "status": "current", "qualifier": "approx"}
    gold = ArticleGold("a", "en", [], [{**claim, "attributed_to": "pentagon"}, {**claim, "attributed_to": "nyt"}])
    # listed in the order that pairs wrongly when agreement is ignored
    pred = ArticlePrediction("id", "a.txt", "en", movements=[], force_levels=[
        {**claim, "attributed_to": "nyt"}, {**claim, "attributed_to": "pentagon"}])
    figures = evaluate([gold], {"a": pred}).figures()
    assert figures["en"]["force_level_f1"] == 1.0
    assert figures["en"]["force_level_attributed_to_accuracy"] == 1.0
