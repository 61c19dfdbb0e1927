"""Cross-article event linking and force-level timelines on hand-built staged rows (real Polars frames,
the bundled gazetteer, and a real DuckDB file for the checks)."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import duckdb
import pytest

from posture.linking.checks import events_keep_one_actor_family, events_within_window, reports_in_exactly_one_event
from posture.linking.events import candidate_pairs, _meeting_masks, link_reports, link_score, place_overlap
from posture.linking.force_levels import force_level_latest, force_level_series
from posture.linking.reports import Place, build_reports, outlet_source
from posture.linking.rules import LinkingRules
from posture.schema import TABLES
from posture.warehouse import write_table
from tests.linking_rows import Staged, places_frame, random_batch

RULES = LinkingRules()


def _link(staged: Staged, rules: LinkingRules = RULES, shuffle_seed: int | None = None):
    f = staged.frames(shuffle_seed)
    reports = build_reports(f["movement_reports"], f["movement_places"], f["movement_assets"], f["articles"],
                            f["places"], f["near_duplicates"], rules.generic_sources)
    return link_reports(reports, rules)


def _groups(linked) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for m in linked.memberships:
        members.setdefault(m["event_id"], set()).add(m["movement_id"])
    return {frozenset(ids) for ids in members.values()}


def _omar_convoy() -> Staged:
    """One convoy told three ways in two languages, plus the usual distractors."""
    s = Staged()
    s.article("ar1", "2025-10-08", "ar", "شبكة الفرات الإخبارية")
    s.report("m_ar_sohr", "ar1", "us_led_coalition", "withdrawal", day="2025-10-07", source="sohr",
             origins=("omar_oil_field",), destinations=("shaddadi_base",), assets=(("truck", 40, 36, 44),))
    s.article("en1", "2025-10-09", "en", "Reuters")
    s.report("m_en_reuters", "en1", "us", "withdrawal", day="2025-10-07", source="local_sources",
             origins=("omar_oil_field",), destinations=("shaddadi_base",), assets=(("truck", 45, 45, 45),))
    s.article("ar2", "2025-10-07", "ar")  # governorates only, "dozens", no event date: the publication day counts
    s.report("m_ar_local", "ar2", "us", "withdrawal", source="local_sources",
             origins=("deir_ez_zor_governorate",), destinations=("hasakah_governorate",),
             assets=(("truck", None, 20, 99),))
    # distractors: the same route three weeks later; the opposite direction; the same field to another
    # destination; another actor at the field; a convoy too large to be the same
    s.article("en2", "2025-10-30", "en", "Euphrates Wire")
    s.report("m_later", "en2", "us", "withdrawal", day="2025-10-29", source="sohr",
             origins=("omar_oil_field",), destinations=("shaddadi_base",), assets=(("truck", 40, 36, 44),))
    s.article("en3", "2025-10-09", "en")
    s.report("m_opposite", "en3", "us", "deployment", day="2025-10-08", source="local_sources",
             origins=("shaddadi_base",), destinations=("omar_oil_field",), assets=(("truck", 20, 20, 20),))
    s.article("en5", "2025-10-08", "en", "AP")
    s.report("m_to_iraq", "en5", "us", "withdrawal", day="2025-10-07", source="local_sources",
             origins=("omar_oil_field",), destinations=("iraq",))
    s.article("ar3", "2025-10-08", "ar")
    s.report("m_sdf", "ar3", "sdf", "deployment", day="2025-10-07", destinations=("omar_oil_field",))
    s.article("en4", "2025-10-08", "en", "Levant Monitor")
    s.report("m_huge", "en4", "us", "withdrawal", day="2025-10-07", source="local_sources",
             origins=("omar_oil_field",), destinations=("shaddadi_base",), assets=(("truck", 200, 200, 200),))
    return s


def test_one_convoy_in_two_languages_is_one_event_and_distractors_stand_alone():
    linked = _link(_omar_convoy())
    assert _groups(linked) == {frozenset({"m_ar_sohr", "m_en_reuters", "m_ar_local"}), frozenset({"m_later"}),
                               frozenset({"m_opposite"}), frozenset({"m_to_iraq"}), frozenset({"m_sdf"}),
                               frozenset({"m_huge"})}
    event = next(e for e in linked.events if e["n_reports"] == 3)
    assert event["event_id"] == "ev_m_ar_local"  # published first (2025-10-07)
    assert event["actor_family"] == "us" and event["movement_type"] == "withdrawal"
    assert event["languages"] == "ar, en" and event["n_articles"] == 3
    # sohr; the Reuters story's unnamed local sources count as Reuters; the unnamed outlet as its story
    assert event["sources"] == "reuters, sohr, story:ar2" and event["n_sources"] == 3 and event["corroborated"]
    # the base and the field are more specific than the governorates that hold them
    assert (event["origin_place_id"], event["destination_place_id"]) == ("omar_oil_field", "shaddadi_base")
    assert (event["asset_type"], event["count"], event["count_min"], event["count_max"]) == ("truck", 40, 20, 99)
    assert event["event_date"] == date(2025, 10, 7) and event["span_days"] == 0
    places = {(p["role"], p["place_id"]): (p["n_reports"], p["consensus"]) for p in linked.places
              if p["event_id"] == event["event_id"]}
    assert places[("origin", "deir_ez_zor_governorate")] == (1, False)
    assert places[("origin", "omar_oil_field")] == (2, True)


def test_same_input_in_any_order_gives_the_same_events():
    expected = _link(_omar_convoy())
    for seed in (1, 2, 3, 4):
        shuffled = _link(_omar_convoy(), shuffle_seed=seed)
        for table, rows in (("movement_events", "events"), ("movement_event_reports", "memberships"),
                            ("movement_event_places", "places"), ("movement_event_assets", "assets")):
            assert TABLES[table].frame(getattr(shuffled, rows)).equals(TABLES[table].frame(getattr(expected, rows)))


def test_event_id_survives_a_later_report_joining():
    staged = _omar_convoy()
    before = {m["movement_id"]: m["event_id"] for m in _link(staged).memberships}
    staged.article("en9", "2025-10-12", "en", "Gulf Dispatch")
    staged.report("m_late_story", "en9", "us", "withdrawal", day="2025-10-07", source="coalition",
                  origins=("omar_oil_field",), destinations=("shaddadi_base",))
    after = {m["movement_id"]: m["event_id"] for m in _link(staged).memberships}
    assert after["m_late_story"] == after["m_ar_sohr"] == before["m_ar_sohr"] == "ev_m_ar_local"
    assert {k: v for k, v in after.items() if k != "m_late_story"} == before


def test_complete_linkage_never_chains_past_the_window():
    s = Staged()
    for i, day in enumerate(("2025-03-01", "2025-03-03", "2025-03-05", "2025-03-07")):
        s.article(f"a{i}", day, "en", f"Outlet {i}")
        s.report(f"m{i}", f"a{i}", "turkey", "deployment", day=day, destinations=("mastumah_camp",))
    linked = _link(s)
    assert all(e["span_days"] <= RULES.window_days for e in linked.events)
    assert sorted(len(g) for g in _groups(linked)) == [2, 2]  # each neighbour links, no chain of four
    assert len(_link(s, LinkingRules(window_days=10)).events) == 1


def test_coarse_or_missing_dates_and_other_actors_stand_alone():
    s = Staged()
    s.article("a1", "2025-05-01", "en", "A")
    s.report("m_year", "a1", "us", "withdrawal", day="2025-01-01", precision="year", origins=("omar_oil_field",))
    s.article("a2", "2025-05-02", "en", "B")
    s.report("m_year2", "a2", "us", "withdrawal", day="2025-01-01", precision="year", origins=("omar_oil_field",))
    s.article("a3", None, "en", "C")
    s.report("m_undated", "a3", "us", "withdrawal", origins=("omar_oil_field",))
    s.article("a4", None, "en", "D")
    s.report("m_undated2", "a4", "us", "withdrawal", origins=("omar_oil_field",))
    s.article("a5", "2025-05-02", "en", "E")
    s.report("m_month", "a5", "other", "withdrawal", day="2025-05-01", precision="month", origins=("omar_oil_field",))
    assert all(len(g) == 1 for g in _groups(_link(s)))


def test_a_headline_restating_its_story_joins_but_two_sources_of_one_article_do_not():
    s = Staged()
    s.article("a1", "2025-11-15", "en", "Eastern Monitor")
    s.report("m_headline", "a1", "iran_backed", "deployment", destinations=("albu_kamal",))
    s.report("m_story", "a1", "iran_backed", "deployment", day="2025-11-13", source="local_sources",
             origins=("iraq",), destinations=("albu_kamal",), assets=(("truck", 25, 22, 28),))
    s.article("a2", "2025-11-14", "ar")
    s.report("m_sohr", "a2", "iran_backed", "deployment", day="2025-11-13", source="sohr",
             origins=("iraq",), destinations=("albu_kamal",), assets=(("truck", 20, 20, 20),))
    s.report("m_sohr_second_account", "a2", "iran_backed", "deployment", day="2025-11-13", source="sana",
             origins=("iraq",), destinations=("albu_kamal",))
    linked = _link(s)
    groups = _groups(linked)
    assert frozenset({"m_headline", "m_story", "m_sohr"}) in groups
    assert frozenset({"m_sohr_second_account"}) in groups
    event = next(e for e in linked.events if e["n_reports"] == 3)
    assert event["sources"] == "outlet:eastern_monitor, sohr"


def test_a_headline_and_its_attributed_story_are_one_source():
    s = Staged()
    s.article("a1", "2025-10-30", "en", "Euphrates Wire")
    s.report("m_headline", "a1", "us", "withdrawal", origins=("omar_oil_field",))
    s.report("m_story", "a1", "us", "withdrawal", day="2025-10-29", source="sohr",
             origins=("omar_oil_field",), destinations=("shaddadi_base",))
    [event] = _link(s).events
    assert event["n_reports"] == 2 and event["sources"] == "sohr" and not event["corroborated"]


def test_pairs_ruled_out_by_their_places_before_scoring_are_exactly_those_that_cannot_link():
    """The place masks and the date-sorted scan only skip work: every pair of a dense random batch is
    scored by brute force and the candidate pairs must be exactly the pairs with a score."""
    s = random_batch(random.Random(7), 300)
    f = s.frames()
    reports = build_reports(f["movement_reports"], f["movement_places"], f["movement_assets"], f["articles"],
                            f["places"], f["near_duplicates"], RULES.generic_sources)
    brute = {}
    for a, b in itertools.combinations(reports, 2):
        score = link_score(a, b, RULES)
        if score is not None:
            brute[tuple(sorted((a.movement_id, b.movement_id)))] = score
    assert len(brute) > 20  # dense enough that the skipping is exercised on real matches
    assert candidate_pairs(reports, RULES) == brute


def test_places_overlap_by_proximity_governorate_region_and_governorate_city():
    def place(place_id, kind="point", feature="military_base", admin1="Hasakah", cc="SY", lat=36.0, lon=40.7,
              name="x"):
        return Place(place_id, name, kind, feature, admin1, cc, lat, lon)

    base = place("shaddadi_base", lat=36.06, lon=40.73)
    town = place("shaddadi", feature="town", lat=36.0504, lon=40.7297)
    governorate = place("hasakah_governorate", kind="admin1", feature="governorate")
    far_base = place("qasrak_base", lat=36.7062, lon=40.512)
    region = place("northeast_syria", feature="region", admin1=None, lat=36.4, lon=40.4)
    iraq = place("iraq", kind="country", feature="country", admin1=None, cc="IQ")
    erbil = place("erbil_city", feature="city", admin1="Erbil", cc="IQ", lat=36.19, lon=44.01, name="Erbil")
    harir = place("harir_airbase", admin1="Erbil", cc="IQ", lat=36.53, lon=44.34)
    assert place_overlap(base, town, 25) == 3
    assert place_overlap(base, far_base, 25) == 0
    assert place_overlap(base, governorate, 25) == place_overlap(governorate, far_base, 25) == 2
    assert place_overlap(region, base, 25) == 1
    assert place_overlap(iraq, harir, 25) == 1 and place_overlap(iraq, base, 25) == 0
    assert place_overlap(erbil, harir, 25) == 2  # "to Erbil" and "to Harir air base"
    assert place_overlap(base, town, None) == 0  # within one article, distinct sites stay distinct


def test_the_places_each_gazetteer_place_meets_are_those_place_overlap_finds_in_either_order():
    places = tuple(Place(**{f: row[f] for f in Place.__slots__}) for row in places_frame().sort("place_id").to_dicts())
    masks = _meeting_masks(places, RULES.point_km)
    met = 0
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            overlap = place_overlap(a, b, RULES.point_km)
            assert overlap == place_overlap(b, a, RULES.point_km)  # what scoring each pair once relies on
            assert bool(masks[a.place_id] >> j & 1) == (overlap > 0), (a.place_id, b.place_id)
            met += i != j and overlap > 0
    assert met > len(places)  # sites near sites, sites in governorates: the masks are not the identity


def test_outlets_that_are_contract_sources_count_once():
    assert outlet_source("Reuters") == "reuters"
    assert outlet_source("تلفزيون سوريا") == "syria_tv"
    assert outlet_source("Levant Monitor") == "outlet:levant_monitor"
    s = Staged()
    s.article("a1", "2025-10-11", "en", "AFP")
    s.report("m1", "a1", "russia", "airlift", day="2025-10-11", source="sohr", destinations=("qamishli_airport",))
    s.article("a2", "2025-10-12", "ar", "تلفزيون سوريا")
    s.report("m2", "a2", "russia", "airlift", day="2025-10-11", source="sohr", destinations=("qamishli_airport",))
    event = _link(s).events[0]
    assert event["n_reports"] == 2 and event["n_sources"] == 1 and not event["corroborated"]


def _warehouse_with(staged: Staged, path) -> duckdb.DuckDBPyConnection:
    linked = _link(staged)
    con = duckdb.connect(str(path))
    frames = staged.frames()
    for name in ("articles", "movement_reports"):
        write_table(con, "staging", TABLES[name], TABLES[name].frame(frames[name].to_dicts()))
    for name, rows in (("movement_events", linked.events), ("movement_event_reports", linked.memberships)):
        write_table(con, "staging", TABLES[name], TABLES[name].frame(rows))
    return con


def test_checks_pass_on_linked_events_and_name_the_rows_that_break_them(tmp_path):
    con = _warehouse_with(_omar_convoy(), tmp_path / "w.duckdb")
    for outcome in (events_keep_one_actor_family(con, "staging"), events_within_window(con, "staging", 3),
                    reports_in_exactly_one_event(con, "staging")):
        assert outcome.passed and outcome.offending == 0 and outcome.checked > 0, outcome

    # move the SDF report into the convoy event: two families, and dates three weeks apart with m_later
    con.execute("UPDATE staging.movement_event_reports SET event_id = 'ev_m_ar_local' WHERE movement_id IN ('m_sdf', 'm_later')")
    families = events_keep_one_actor_family(con, "staging")
    assert not families.passed and families.examples == ["ev_m_ar_local"]
    window = events_within_window(con, "staging", 3)
    assert not window.passed and window.examples == ["ev_m_ar_local"]
    # a report in two events, a report in none
    con.execute("INSERT INTO staging.movement_event_reports SELECT 'ev_m_huge', movement_id, article_id, published_date, "
                "language, outlet, attributed_to, source_key, false FROM staging.movement_event_reports WHERE movement_id = 'm_opposite'")
    con.execute("DELETE FROM staging.movement_event_reports WHERE movement_id = 'm_huge'")
    membership = reports_in_exactly_one_event(con, "staging")
    assert not membership.passed and membership.examples == ["m_huge", "m_opposite"]


def test_force_level_series_in_time_order_and_latest_current_with_its_spread():
    s = Staged()
    s.article("a1", "2025-04-18", "en", "NYT")
    s.claim("c_2000", "a1", 2000, "current", source="nyt")
    s.claim("c_plan", "a1", 1000, "planned", source="pentagon", ref_date="2025-12-31", high=999)
    s.article("a2", "2025-10-09", "en", "Reuters")
    s.claim("c_1500", "a2", 1500, "current", source="us_officials", low=1350, high=1650)
    s.article("a3", "2025-10-07", "ar")
    s.claim("c_1400", "a3", 1400, "current")
    s.claim("c_past", "a3", 900, "past", ref_date="2024-12-01")
    s.claim("c_iraq", "a3", 2500, "current", area="iraq")
    f = s.frames(shuffle_seed=7)
    series = force_level_series(f["force_levels"], f["articles"], f["near_duplicates"], RULES)
    syria = [r for r in series if r["series_id"] == "us/syria/troops"]
    assert [r["claim_id"] for r in syria] == ["c_past", "c_2000", "c_1400", "c_1500", "c_plan"]
    assert [r["seq"] for r in syria] == [1, 2, 3, 4, 5]
    assert syria[0]["date_basis"] == "ref_date" and syria[1]["date_basis"] == "published_date"
    latest = {r["series_id"]: r for r in force_level_latest(series, RULES)}
    assert set(latest) == {"us/syria/troops", "us/iraq/troops"}
    now = latest["us/syria/troops"]
    assert now["latest_claim_id"] == "c_1500" and now["as_of_date"] == date(2025, 10, 9)
    # the April figure is outside the 30-day window; the planned one is not a current figure
    assert (now["n_claims"], now["n_sources"], now["claimed_min"], now["claimed_max"], now["values_claimed"]) == \
        (2, 2, 1350, 1650, "1400, 1500")


def test_figures_open_above_keep_their_bounds_open():
    """"more than 100 vehicles" is 101.., not 101..100: the upper bound stays open in events and spreads."""
    s = Staged()
    s.article("a1", "2025-10-08", "en", "Reuters")
    s.report("m1", "a1", "turkey", "deployment", day="2025-10-07", source="reuters",
             destinations=("idlib_governorate",), assets=(("military_vehicle", 100, 101, None),))
    s.article("a2", "2025-10-08", "ar", "AFP")
    s.report("m2", "a2", "turkey", "deployment", day="2025-10-07", source="afp",
             destinations=("idlib_governorate",), assets=(("military_vehicle", 100, 101, None),))
    linked = _link(s)
    assert _groups(linked) == {frozenset({"m1", "m2"})}
    (event,) = linked.events
    assert (event["count"], event["count_min"], event["count_max"]) == (100, 101, None)
    s.claim("c_bases", "a1", 120, "current", metric="bases", actor="turkey", low=121, open_above=True)
    f = s.frames()
    latest = force_level_latest(force_level_series(f["force_levels"], f["articles"], f["near_duplicates"], RULES), RULES)
    assert [(r["claimed_min"], r["claimed_max"]) for r in latest] == [(121, None)]


def test_invalid_settings_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="coarsest_precision"):
        LinkingRules(coarsest_precision="decade")
    with pytest.raises(ValueError, match="must not be negative"):
        LinkingRules(window_days=-1)
