"""A deterministic synthetic corpus of news articles, each with the gold file that says what it states.

    python -m bench.generate --n 1000 --seed 7 --out /tmp/bench [--languages ar,en]

writes ``ar-000000.txt``, ``ar-000000.gold.json``, ``en-000001.txt``, ... into ``--out``.

Articles are recombined from data, never from code literals:

- ``bench/templates/blocks.yaml`` (language independent): which paragraph kinds ("blocks") exist,
  which slots each one fills (places, assets, numbers, dates, sources, actors) and what it states,
  i.e. the gold rows it produces; the actors, their areas of operation, count ranges, mixes.
- ``bench/templates/ar.yaml`` / ``en.yaml``: the wording of every block (several variants each),
  titles, subtitles, date lines, datelines, and the language's words for actors, sources, assets,
  numbers, qualifiers, dates and place nouns.
- ``posture/data/gazetteer/places.csv``: places, with the canonical names written in the text and
  the coordinates written in the gold files.

A template is text with slots: ``{origin}``, ``{actor.li}`` (a form of a slot), ``{g.actor:m|f}``
(the word that agrees with the actor phrase chosen: Arabic gender, English number), ``{w}`` (the
Arabic "و" that opens a paragraph that is not the first one), and ``[[...]]`` around the evidence
quoted in the gold file. A gold field that points at a slot the chosen variant does not mention is
left empty (no date, no source), so the gold always says exactly what the text says.

Determinism: article ``i`` is drawn from ``random.Random(f"{seed}:{i}")`` alone, so the same
``--seed`` gives byte-identical files for any ``--n`` (article ``i`` does not depend on ``--n``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Union

import yaml

from posture.gazetteer.gazetteer import Place, distance_km, read_places_csv
from posture.processes import spawned_pool

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
TEMPLATES_DIR = BENCH_DIR / "templates"
DEFAULT_PLACES_CSV = REPO_DIR / "posture" / "data" / "gazetteer" / "places.csv"

# Private-use characters stand for [[ and ]] while a paragraph is assembled.
EVIDENCE_OPEN = "\ue000"
EVIDENCE_CLOSE = "\ue001"
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
CHUNK = 1000  # articles per task when several processes write the corpus
DISTINCT_POINTS_KM = 25.0  # two points closer than this are "the same place" when scored (contract 5.2)

YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# ---------------------------------------------------------------------------------------- places


def gold_place(place: Place) -> dict[str, Any]:
    """A gazetteer place as a gold file writes it (contract 5.1)."""
    if place.place_kind == "admin1":
        return {"name": place.admin1, "kind": "admin1"}
    if place.place_kind == "country":
        return {"name": place.name_en, "kind": "country", "country_code": place.country_code}
    return {"name": place.name_en, "kind": "point", "lat": place.lat, "lon": place.lon}


def _km(a: Place, b: Place) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)


_DISTINCT: dict[tuple[str, str], bool] = {}


def distinct_places(a: Place, b: Place) -> bool:
    """Whether a text naming both speaks of two different locations (neither contains the other)."""
    key = (a.place_id, b.place_id)
    found = _DISTINCT.get(key)
    if found is None:
        found = _DISTINCT[key] = _distinct_places(a, b)
    return found


def _distinct_places(a: Place, b: Place) -> bool:
    if a.place_id == b.place_id:
        return False
    kinds = {a.place_kind, b.place_kind}
    if "country" in kinds:
        return a.country_code != b.country_code
    if "admin1" in kinds:
        return a.admin1 != b.admin1 or not a.admin1
    return _km(a, b) > DISTINCT_POINTS_KM


# ------------------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class SlotRef:
    slot: str
    form: str = ""


@dataclass(frozen=True)
class Agreement:
    """``{g.actor:masculine|feminine}`` (Arabic) or ``{g.actor:singular|plural}`` (English)."""
    slot: str
    options: tuple[str, str]


Token = Union[str, SlotRef, Agreement]
TOKEN_RE = re.compile(r"\{([^{}]*)\}|\[\[|\]\]")
EVIDENCE_RE = re.compile(f"{EVIDENCE_OPEN}(.*?){EVIDENCE_CLOSE}", re.S)


@dataclass(frozen=True)
class Template:
    text: str
    tokens: tuple[Token, ...]
    slots: frozenset[str]  # slots the text mentions (agreement alone does not mention a slot)
    evidence_spans: int


def parse_template(text: str) -> Template:
    tokens: list[Token] = []
    slots: set[str] = set()
    spans = 0
    position = 0
    for match in TOKEN_RE.finditer(text):
        if match.start() > position:
            tokens.append(text[position:match.start()])
        position = match.end()
        if match.group(0) == "[[":
            tokens.append(EVIDENCE_OPEN)
            spans += 1
        elif match.group(0) == "]]":
            tokens.append(EVIDENCE_CLOSE)
        else:
            inner = match.group(1)
            if inner.startswith("g.") and ":" in inner:
                slot, _, options = inner[2:].partition(":")
                first, _, second = options.partition("|")
                tokens.append(Agreement(slot, (first, second)))
            else:
                slot, _, form = inner.partition(".")
                tokens.append(SlotRef(slot, form))
                if slot != "w":
                    slots.add(slot)
    if position < len(text):
        tokens.append(text[position:])
    if text.count("[[") != text.count("]]"):
        raise ValueError(f"unbalanced [[ ]] in template: {text}")
    return Template(text, tuple(tokens), frozenset(slots), spans)


def parse_templates(texts: list[str]) -> list[Template]:
    return [parse_template(t) for t in texts]


def weighted_choice(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


# ----------------------------------------------------------------------------------- slot values


@dataclass(frozen=True)
class ActorValue:
    actor: str


@dataclass(frozen=True)
class SourceValue:
    source: str


@dataclass(frozen=True)
class PlaceValue:
    place: Place
    locator: bool  # may the text add "in the Hasakah countryside" after it


@dataclass(frozen=True)
class PairValue:
    first: Place
    second: Place


@dataclass(frozen=True)
class Count:
    """One stated quantity of one asset type (or of troops/bases for a force-level number).

    style: single, dual, digits, words, range, dozens, hundreds, some (vague), listed (a bare
    plural in a list: vague)."""
    noun: str
    value: int | None
    qualifier: str
    style: str
    upper: int | None = None

    def gold(self) -> dict[str, Any]:
        return {"type": self.noun, "count": self.value, "qualifier": self.qualifier}


@dataclass(frozen=True)
class AssetsValue:
    main: Count | None
    cargo: tuple[Count, ...]
    connector: str  # how the cargo list joins the main count: "loaded" or "and"

    def gold(self) -> list[dict[str, Any]]:
        counts = ([self.main] if self.main else []) + list(self.cargo)
        return [c.gold() for c in counts]


@dataclass(frozen=True)
class NumberValue:
    count: Count


@dataclass(frozen=True)
class DateValue:
    kind: str
    when: date | None
    precision: str | None
    fields: tuple[tuple[str, int], ...] = ()


SlotValue = Union[ActorValue, SourceValue, PlaceValue, PairValue, AssetsValue, NumberValue, DateValue]


@dataclass
class Realization:
    """A slot value put into words once per paragraph, so every mention of it agrees."""
    forms: dict[str, str]
    agree: str = ""


# ------------------------------------------------------------------------------------- languages


def li_prefix(text: str) -> str:
    """Arabic preposition لـ attached to a phrase (ال + ل -> لل)."""
    if text.startswith("ال"):
        return "لل" + text[2:]
    if text and "\u0621" <= text[0] <= "\u064a":
        return "ل" + text
    return "لـ" + text


def bi_prefix(text: str) -> str:
    """Arabic preposition بـ attached to a phrase (a tatweel before digits and Latin letters)."""
    if text and "\u0621" <= text[0] <= "\u064a":
        return "ب" + text
    return "بـ" + text


class Language:
    """One language's words (from its YAML file) and the little grammar the templates need."""

    def __init__(self, code: str, lexicon: dict[str, Any]):
        self.code = code
        self.lex = lexicon
        self.blocks = {name: parse_templates(texts) for name, texts in lexicon["blocks"].items()}
        self.titles = {name: parse_templates(texts) for name, texts in lexicon["titles"].items()}
        self.subtitles = {name: parse_templates(texts) for name, texts in lexicon["subtitles"].items()}
        self.nouns: dict[str, list[dict[str, str]]] = lexicon["nouns"]
        self.place_nouns: list[dict[str, str]] = lexicon["place_nouns"]

    # -- generic forms every slot has
    def transform(self, text: str, form: str) -> str:
        if form == "li":
            return li_prefix(text)
        if form == "bi":
            return bi_prefix(text)
        if form == "cap":
            return text[:1].upper() + text[1:]
        raise KeyError(form)

    def governorate_forms(self, key: str, governorate: Place) -> list[str]:
        """Ways to name a governorate ("محافظة X", "ريف X"); "ريف دمشق" is another governorate, so
        governorates listed in ``admin1_without_countryside`` are never written as a countryside."""
        forms = self.lex[key]
        if governorate.admin1 in self.lex["admin1_without_countryside"]:
            forms = [f for f in forms if self.lex["countryside_word"] not in f]
        return forms

    def admin1_phrase(self, governorate: Place, rng: random.Random) -> str:
        return rng.choice(self.governorate_forms("admin1_forms", governorate)).format(name=self.name(governorate))

    def locator(self, governorate: Place, rng: random.Random) -> str:
        return rng.choice(self.governorate_forms("locators", governorate)).format(admin1=self.name(governorate))

    def name(self, place: Place) -> str:
        return place.name_ar if self.code == "ar" else place.name_en

    def paragraph_opening(self, lead: bool) -> str:
        return "" if lead else self.lex.get("paragraph_opening", "")

    # -- counts
    def count_phrase(self, count: Count, rng: random.Random) -> tuple[str, str]:
        """(number with its noun, number alone) for a stated quantity."""
        raise NotImplementedError

    def join(self, items: list[str]) -> str:
        raise NotImplementedError

    def cargo_item(self, count: Count, rng: random.Random) -> str:
        phrases = self.lex["cargo_phrases"].get(count.noun)
        if phrases:
            return rng.choice(phrases)
        return rng.choice(self.nouns[count.noun])["pl"]

    def assets_phrase(self, assets: AssetsValue, rng: random.Random) -> str:
        cargo = self.join([self.cargo_item(c, rng) for c in assets.cargo]) if assets.cargo else ""
        if assets.main is None:
            return cargo
        main, _ = self.count_phrase(assets.main, rng)
        if not cargo:
            return main
        connectors = self.lex["cargo_connectors"][assets.connector]
        return rng.choice(connectors).format(main=main, cargo=cargo)

    # -- places
    def split_place_name(self, place: Place) -> tuple[dict[str, str] | None, str, str]:
        """(place noun entry, full name with its noun, bare name) for a point."""
        raise NotImplementedError

    settlement_rate = 0.25  # how often a settlement noun ("town of", "بلدة") comes before a town's name

    def with_article(self, place: Place, text: str) -> str:
        """The name as it stands in a sentence (English adds "the" to some features)."""
        return text

    def place_phrase(self, value: PlaceValue, rng: random.Random, admin1_names: dict[str, Place]) -> dict[str, str]:
        """The forms of a place slot: "" (with a governorate locator at times), "plain", "bare"."""
        place = value.place
        name = self.name(place)
        if place.place_kind == "admin1":
            text = self.admin1_phrase(place, rng)
            return {"": text, "plain": text, "bare": name}
        if place.place_kind == "country":
            text = rng.choice(self.lex["country_forms"].get(place.country_code, [name]))
            return {"": text, "plain": text, "bare": name}
        _, full, bare = self.split_place_name(place)
        full = self.with_article(place, full)
        settlement = self.lex["settlement_nouns"].get(place.feature_type)
        if settlement and rng.random() < self.settlement_rate:
            full = f"{settlement} {full}"
        with_locator = full
        governorate = admin1_names.get(place.admin1)
        if value.locator and governorate and self.name(governorate) != bare and rng.random() < 0.35:
            with_locator = f"{full} " + self.locator(governorate, rng)
        return {"": with_locator, "plain": full, "bare": bare}

    def pair_phrase(self, pair: PairValue, rng: random.Random, admin1_names: dict[str, Place]) -> str:
        raise NotImplementedError

    def pair_noun(self, place: Place) -> str | None:
        """The plural/dual noun two places share when written as one phrase ("حقلي", "fields")."""
        raise NotImplementedError

    # -- dates
    def date_phrase(self, value: DateValue, rng: random.Random, month_names: list[str]) -> str:
        if value.kind == "none":
            return ""
        fields = dict(value.fields)
        text = rng.choice(self.lex["dates"][value.kind])
        return text.format(
            weekday=self.lex["weekdays"][fields.get("weekday", 0)],
            d=fields.get("day", 0), month=month_names[fields.get("month", 1) - 1],
            yyyy=fields.get("year", 0), k=fields.get("k", 0),
        )


class Arabic(Language):
    def count_phrase(self, count: Count, rng: random.Random) -> tuple[str, str]:
        noun = rng.choice(self.nouns[count.noun])
        style = count.style
        if style == "single":
            return noun["sg"], noun["sg"]
        if style == "dual":
            return noun["du"], noun["du"]
        if style in ("dozens", "hundreds", "some"):
            text = rng.choice(self.lex["vague"][style]).format(**noun)
            return text, text
        if style == "range":
            lo, hi = self.number_text(count.value, noun, "digits"), self.number_text(count.upper, noun, "digits")
            text = rng.choice(self.lex["range_formats"])
            return (text.format(lo=lo, hi=hi, noun=self.noun_after(count.upper, noun)),
                    text.format(lo=lo, hi=hi, noun="").strip())
        number = self.number_text(count.value, noun, style if count.qualifier != "exact" else
                                  ("words" if style == "words" and 3 <= count.value <= 10 else "digits"))
        prefix = rng.choice(self.lex["qualifiers"][count.qualifier]) + " " if count.qualifier != "exact" else ""
        return f"{prefix}{number} {self.noun_after(count.value, noun)}", f"{prefix}{number}"

    def number_text(self, value: int, noun: dict[str, str], style: str) -> str:
        if style == "words":
            if 3 <= value <= 10:
                return self.lex["number_words"][value][noun["gender"]]
            if value in self.lex["round_number_words"]:
                return self.lex["round_number_words"][value]
        return str(value)

    @staticmethod
    def noun_after(value: int, noun: dict[str, str]) -> str:
        """Plural after 3..10 (and 103..110, ...), singular after 11 and more."""
        if value == 1:
            return noun["sg"]
        if value == 2:
            return noun["du"]
        return noun["pl"] if 3 <= value % 100 <= 10 else noun["sg"]

    def join(self, items: list[str]) -> str:
        return " و".join(items)

    def split_place_name(self, place: Place) -> tuple[dict[str, str] | None, str, str]:
        for entry in self.place_nouns:
            if place.name_ar.startswith(entry["noun"] + " "):
                return entry, place.name_ar, place.name_ar[len(entry["noun"]) + 1:]
        default = self.lex["default_place_nouns"].get(place.feature_type)
        if default:
            entry = next(e for e in self.place_nouns if e["noun"] == default)
            return entry, f"{default} {place.name_ar}", place.name_ar
        return None, place.name_ar, place.name_ar


    def pair_noun(self, place: Place) -> str | None:
        entry, _, bare = self.split_place_name(place)
        if entry is None or not entry.get("dual"):
            return None
        if any(bare.endswith(s) for s in self.lex["pair_excluded_endings"]):
            return None
        return entry["dual"]

    def pair_phrase(self, pair: PairValue, rng: random.Random, admin1_names: dict[str, Place]) -> str:
        (_, full1, bare1), (_, full2, bare2) = self.split_place_name(pair.first), self.split_place_name(pair.second)
        if rng.random() < 0.7:
            text = f"{self.pair_noun(pair.first)} {bare1} و{bare2}"
        else:
            text = f"{full1} و{full2}"
        governorate = admin1_names.get(pair.first.admin1)
        if pair.first.admin1 == pair.second.admin1 and governorate and rng.random() < 0.4:
            text += " " + self.locator(governorate, rng)
        return text


class English(Language):
    settlement_rate = 0.2

    def count_phrase(self, count: Count, rng: random.Random) -> tuple[str, str]:
        noun = rng.choice(self.nouns[count.noun])
        style = count.style
        if style == "single":
            article = "an" if noun["sg"][:1].lower() in "aeiou" else "a"
            text = f"one {noun['sg']}" if rng.random() < 0.15 else f"{article} {noun['sg']}"
            return text, text.split(" ", 1)[0]
        if style == "dual":
            return f"two {noun['pl']}", "two"
        if style in ("dozens", "hundreds", "some"):
            text = rng.choice(self.lex["vague"][style]).format(**noun)
            return text, text
        if style == "range":
            text = rng.choice(self.lex["range_formats"])
            lo, hi = f"{count.value:,}", f"{count.upper:,}"
            return text.format(lo=lo, hi=hi, noun=noun["pl"]), text.format(lo=lo, hi=hi, noun="").strip()
        number = self.number_text(count.value, style, count.qualifier)
        prefix = rng.choice(self.lex["qualifiers"][count.qualifier]) + " " if count.qualifier != "exact" else ""
        return f"{prefix}{number} {noun['sg'] if count.value == 1 else noun['pl']}", f"{prefix}{number}"

    def number_text(self, value: int, style: str, qualifier: str) -> str:
        if style == "words":
            if value in self.lex["number_words"]:
                return self.lex["number_words"][value]
            if value in self.lex["round_number_words"] and qualifier != "exact":
                return self.lex["round_number_words"][value]
        return f"{value:,}"

    def join(self, items: list[str]) -> str:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

    def split_place_name(self, place: Place) -> tuple[dict[str, str] | None, str, str]:
        name = place.name_en
        for entry in self.place_nouns:
            if name.lower().endswith(" " + entry["noun"]):
                return entry, name, name[: -len(entry["noun"]) - 1]
        default = self.lex["default_place_nouns"].get(place.feature_type)
        if default:
            if set(name.split()) & set(self.lex["own_noun_words"]):  # "Camp Taji", "Qayyarah Airfield West"
                return None, name, name
            entry = next(e for e in self.place_nouns if e["noun"] == default)
            return entry, f"{name} {default}", name
        return None, name, name

    def with_article(self, place: Place, text: str) -> str:
        if place.feature_type in self.lex["features_with_article"] and \
                text.split(" ", 1)[0] not in self.lex["no_article_first_words"]:
            return "the " + text
        return text

    def pair_noun(self, place: Place) -> str | None:
        entry, _, _ = self.split_place_name(place)
        return entry.get("plural") if entry else None

    def pair_phrase(self, pair: PairValue, rng: random.Random, admin1_names: dict[str, Place]) -> str:
        (_, full1, bare1), (_, full2, bare2) = self.split_place_name(pair.first), self.split_place_name(pair.second)
        if rng.random() < 0.7:
            text = f"the {bare1} and {bare2} {self.pair_noun(pair.first)}"
        else:
            text = f"{self.with_article(pair.first, full1)} and {self.with_article(pair.second, full2)}"
        governorate = admin1_names.get(pair.first.admin1)
        if pair.first.admin1 == pair.second.admin1 and governorate and rng.random() < 0.4:
            text += " " + self.locator(governorate, rng)
        return text


LANGUAGE_CLASSES: dict[str, type[Language]] = {"ar": Arabic, "en": English}


# ---------------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class BlockSpec:
    block_id: str
    category: str  # movement | force | negative | filler
    weight: float
    actors: tuple[str, ...]
    slots: dict[str, dict[str, Any]]
    gold: tuple[dict[str, Any], ...]


class TemplateError(ValueError):
    """The template data contradicts itself (a bug in bench/templates, not in the generator)."""


@dataclass
class RenderedBlock:
    block: BlockSpec
    actor: str
    values: dict[str, SlotValue]
    text: str
    movements: list[dict[str, Any]]
    force_levels: list[dict[str, Any]]


@dataclass
class Article:
    name: str
    language: str
    published: date
    text: str
    gold: dict[str, Any]


# ----------------------------------------------------------------------------------------- world


class World:
    """Everything loaded once: places, block specs, languages, and the candidate lists derived from them."""

    def __init__(self, templates_dir: Path = TEMPLATES_DIR, places_csv: Path = DEFAULT_PLACES_CSV,
                 languages: tuple[str, ...] = ("ar", "en")):
        with open(templates_dir / "blocks.yaml", encoding="utf-8") as handle:
            config = yaml.load(handle, Loader=YamlLoader)
        self.config = config
        self.actors: dict[str, dict[str, Any]] = config["actors"]
        self.sources: dict[str, dict[str, Any]] = config["sources"]
        self.blocks = {
            block_id: BlockSpec(block_id, spec["category"], float(spec.get("weight", 1)),
                                tuple(spec.get("actors") or self.actors), spec.get("slots") or {},
                                tuple(spec.get("gold") or ()))
            for block_id, spec in config["blocks"].items()
        }
        self.languages: dict[str, Language] = {}
        for code in languages:
            with open(templates_dir / f"{code}.yaml", encoding="utf-8") as handle:
                self.languages[code] = LANGUAGE_CLASSES[code](code, yaml.load(handle, Loader=YamlLoader))
        self.places = read_places_csv(places_csv)
        self.governorates = {p.admin1: p for p in self.places if p.place_kind == "admin1" and p.admin1}
        self.countries = {p.country_code: p for p in self.places if p.place_kind == "country"}
        self._candidates: dict[tuple[str, str], list[Place]] = {}
        self._pairs: dict[tuple[str, str, str], list[tuple[Place, Place]]] = {}
        self.check()

    # -- consistency of the data, checked once so a bad template fails loudly, not silently
    def check(self) -> None:
        for block in self.blocks.values():
            for code, language in self.languages.items():
                variants = language.blocks.get(block.block_id)
                if not variants:
                    raise TemplateError(f"{code}.yaml has no variants for block {block.block_id}")
                for variant in variants:
                    unknown = variant.slots - set(block.slots) - {"actor"}
                    if unknown:
                        raise TemplateError(f"{code}:{block.block_id}: unknown slots {sorted(unknown)} in {variant.text}")
                    for item in block.gold:
                        spec = item.get("movement") or item.get("force_level")
                        if variant.evidence_spans <= spec.get("evidence", 0):
                            raise TemplateError(f"{code}:{block.block_id}: missing [[evidence]] in {variant.text}")
                        value = spec.get("value")
                        if isinstance(value, str) and value not in variant.slots:
                            raise TemplateError(f"{code}:{block.block_id}: number {value} not written in {variant.text}")
                        if spec.get("actor", "actor") not in variant.slots:  # the text must say who
                            raise TemplateError(f"{code}:{block.block_id}: actor not named in {variant.text}")
                    if not block.gold and variant.evidence_spans:
                        raise TemplateError(f"{code}:{block.block_id}: [[evidence]] in a block with no gold rows")
        for code, language in self.languages.items():
            missing = [s for s in self.sources if s not in language.lex["sources"]]
            if missing:
                raise TemplateError(f"{code}.yaml has no phrases for sources {missing}")
            missing = [a for a in self.actors if a not in language.lex["actors"]]
            if missing:
                raise TemplateError(f"{code}.yaml has no phrases for actors {missing}")

    # -- places an actor's paragraph may name
    def candidates(self, place_class: str, actor: str) -> list[Place]:
        key = (place_class, actor)
        if key not in self._candidates:
            self._candidates[key] = self._find_candidates(place_class, actor)
        return self._candidates[key]

    def _find_candidates(self, place_class: str, actor: str) -> list[Place]:
        spec = self.config["place_classes"][place_class]
        actor_spec = self.actors[actor]
        areas: dict[str, list[str]] = actor_spec["areas"]
        if "countries_from" in spec:
            codes = actor_spec.get(spec["countries_from"]) or []
            return [self.countries[c] for c in codes if c in self.countries]
        if spec.get("place_kind") == "admin1":
            return [self.governorates[a] for codes in areas.values() for a in codes if a in self.governorates]
        found = [p for p in self.places
                 if p.place_kind == "point" and p.feature_type in spec["feature_types"]
                 and p.country_code in areas and p.admin1 in areas[p.country_code]]
        if spec.get("operated_by_actor"):
            operated = [p for p in found if actor in p.operated_by]
            if len(operated) >= 2 or spec["operated_by_actor"] == "only":
                return operated
        return found

    def cities(self, actor: str) -> list[Place]:
        """Cities in the actor's areas: where a dateline may place the reporter."""
        return self.candidates("dateline_city", actor)

    def pairs(self, place_class: str, actor: str, language: Language) -> list[tuple[Place, Place]]:
        key = (place_class, actor, language.code)
        if key not in self._pairs:
            found = []
            places = self.candidates(place_class, actor)
            for i, a in enumerate(places):
                noun = language.pair_noun(a)
                if noun is None:
                    continue
                for b in places[i + 1:]:
                    if (language.pair_noun(b) == noun and distinct_places(a, b) and a.country_code == b.country_code
                            and _km(a, b) <= self.config["pair_max_km"]):
                        found.append((a, b))
            self._pairs[key] = found
        return self._pairs[key]


# --------------------------------------------------------------------------------------- article


class ArticleBuilder:
    """Builds one article from one random stream."""

    def __init__(self, world: World, language: Language, rng: random.Random, name: str):
        self.world = world
        self.lang = language
        self.rng = rng
        self.name = name
        config = world.config
        start, end = (date.fromisoformat(str(d)) for d in config["publication_dates"])
        self.published = start + timedelta(days=rng.randrange((end - start).days + 1))
        style = language.lex["styles"]
        self.month_names: list[str] = language.lex["months"][weighted_choice(rng, style["months"])]
        self.indic_digits = rng.random() < style.get("arabic_indic_digits", 0.0)
        self.theme_actor = weighted_choice(rng, {a: s["weight"] for a, s in world.actors.items()})
        self.fact_places: list[Place] = []  # places named by the movements and claims chosen so far
        self.avoid_places: list[Place] = []

    # -- slot values (language independent choices, except pairs which need a shared noun)
    def pick_values(self, block: BlockSpec, actor: str) -> dict[str, SlotValue] | None:
        # A denial or an attack never names a place a reported fact of the same article names,
        # so that the article does not both report and deny the same convoy.
        self.avoid_places = list(self.fact_places) if block.category == "negative" else []
        values: dict[str, SlotValue] = {"actor": ActorValue(actor)}
        for slot, spec in block.slots.items():
            value = self.pick_value(spec, actor, values)
            if value is None:
                if spec.get("optional"):
                    continue  # only variants that do not mention it can be written
                return None
            values[slot] = value
        return values

    def pick_value(self, spec: dict[str, Any], actor: str, values: dict[str, SlotValue]) -> SlotValue | None:
        rng = self.rng
        if "place" in spec:
            classes = spec["place"] if isinstance(spec["place"], dict) else {spec["place"]: 1}
            avoid = [self.places_of(values[s]) for s in spec.get("differs_from", []) if s in values]
            avoid_places = [p for group in avoid for p in group] + self.avoid_places
            options = {}
            for place_class, weight in classes.items():
                found = self.world.candidates(place_class, actor)
                if avoid_places:
                    found = [p for p in found if all(distinct_places(p, q) for q in avoid_places)]
                if found:
                    options[place_class] = (weight, found)
            if not options:
                return None
            place_class = weighted_choice(rng, {k: w for k, (w, _) in options.items()})
            return PlaceValue(rng.choice(options[place_class][1]), bool(spec.get("locator", True)))
        if "place_pair" in spec:
            avoid_places = [p for s in spec.get("differs_from", []) if s in values for p in self.places_of(values[s])]
            pairs = [(a, b) for a, b in self.world.pairs(spec["place_pair"], actor, self.lang)
                     if all(distinct_places(a, q) and distinct_places(b, q) for q in avoid_places)]
            if not pairs:
                return None
            first, second = rng.choice(pairs)
            if rng.random() < 0.5:
                first, second = second, first
            return PairValue(first, second)
        if "assets" in spec:
            return self.pick_assets(self.world.config["asset_kinds"][spec["assets"]])
        if "number" in spec:
            return self.pick_number(spec, values)
        if "date" in spec:
            return self.pick_date(spec["date"])
        if "source" in spec:
            pool = spec["source"]
            options = {s: float(info.get("weight", 1)) for s, info in self.world.sources.items()
                       if pool in info["pools"] and (info.get("actors") in (None, "any") or actor in info["actors"])}
            return SourceValue(weighted_choice(rng, options)) if options else None
        if "actor" in spec:
            choices = self.world.actors[actor].get(spec["actor"]) or []
            if isinstance(choices, dict):  # by country: who takes over a base depends on where it is
                places = self.places_of(values[spec["country_of"]])
                choices = choices.get(places[0].country_code, []) if places else []
            return ActorValue(rng.choice(choices)) if choices else None
        raise TemplateError(f"unknown slot spec {spec}")

    @staticmethod
    def places_of(value: SlotValue) -> list[Place]:
        if isinstance(value, PlaceValue):
            return [value.place]
        if isinstance(value, PairValue):
            return [value.first, value.second]
        return []

    def pick_assets(self, kind: dict[str, Any]) -> AssetsValue:
        rng = self.rng
        main = None
        if kind.get("main"):
            noun = weighted_choice(rng, kind["main"])
            main = self.pick_count(noun, kind["styles"])
        cargo_nouns = [n for n in kind.get("cargo", {}) if main is None or n != main.noun]
        size = min(rng.choice(kind.get("cargo_count", [0])), len(cargo_nouns))
        chosen: list[str] = []
        weights = {n: kind["cargo"][n] for n in cargo_nouns}
        for _ in range(size):
            noun = weighted_choice(rng, weights)
            chosen.append(noun)
            weights.pop(noun)
        cargo = tuple(Count(n, None, "vague", "listed") for n in chosen)
        # "40 trucks loaded with ...": only after a number (Arabic "عشرات الشاحنات المحملة" would need the
        # article) and only with cargo a truck carries (not "trucks loaded with fuel tankers")
        loaded = (main is not None and main.noun in kind.get("carriers", []) and main.style in ("digits", "words", "range")
                  and all(n in kind.get("loadable", []) for n in chosen))
        return AssetsValue(main, cargo, "loaded" if loaded and rng.random() < 0.6 else "and")

    def pick_count(self, noun: str, styles: dict[str, float], qualifiers: dict[str, float] | None = None) -> Count:
        """A stated quantity of ``noun`` in one of the styles: digits, words, approx, range, dozens, ..."""
        rng = self.rng
        low, high = self.world.config["count_ranges"][noun]
        allowed = dict(styles)
        if high < 200:
            allowed.pop("hundreds", None)
        if high < 24:
            allowed.pop("dozens", None)
        style = weighted_choice(rng, allowed)
        if style == "single":
            return Count(noun, 1, "exact", "single")
        if style == "dual":
            return Count(noun, 2, "exact", "dual")
        if style in ("dozens", "hundreds", "some"):
            return Count(noun, None, "vague", style)
        if style == "words" and low <= 10:
            return Count(noun, rng.randint(max(low, 3), min(high, 10)), "exact", "words")
        if style == "range":
            lo = self.round_number(rng.randint(low, high))
            step = 5 if lo < 30 else 10 if lo < 100 else 50
            return Count(noun, lo, "range", "range", lo + step * rng.randint(1, 2))
        value = rng.randint(low, high)
        if style == "digits":
            if value > 100 and rng.random() < 0.7:  # reports rarely give 1,468 soldiers
                value = self.round_number(value)
            return Count(noun, value, "exact", "digits")
        return Count(noun, self.round_number(value), style, "digits")  # approx, more_than, ...

    @staticmethod
    def round_number(value: int) -> int:
        step = 5 if value < 100 else 10 if value < 500 else 50
        return max(step, int(round(value / step)) * step)

    def pick_number(self, spec: dict[str, Any], values: dict[str, SlotValue]) -> NumberValue | None:
        rng = self.rng
        kind = self.world.config["numbers"][spec["number"]]
        choices = list(kind["values"]) if "values" in kind else list(range(kind["range"][0], kind["range"][1] + 1))
        if "below" in spec:
            ceiling = values[spec["below"]]
            assert isinstance(ceiling, NumberValue)
            choices = [v for v in choices if v < (ceiling.count.value or 0)]
        if not choices:
            return None
        value = rng.choice(choices)
        qualifier = weighted_choice(rng, spec.get("qualifiers", {"exact": 1}))
        style = weighted_choice(rng, spec.get("styles", {"digits": 1}))
        return NumberValue(Count(kind["noun"], value, qualifier, style))

    # -- dates, resolved against the publication date
    def pick_date(self, kinds: dict[str, float]) -> DateValue:
        options = dict(kinds)
        while options:
            kind = weighted_choice(self.rng, options)
            value = self.resolve_date(kind)
            if value is not None:
                return value
            options.pop(kind)
        return DateValue("none", None, None)

    def resolve_date(self, kind: str) -> DateValue | None:
        rng, pub = self.rng, self.published

        def month_back(k: int) -> tuple[int, int]:
            index = pub.year * 12 + pub.month - 1 - k
            return index // 12, index % 12 + 1

        if kind == "none":
            return DateValue(kind, None, None)
        if kind == "today":
            return DateValue(kind, pub, "day", (("weekday", pub.weekday()),))
        if kind == "weekday":
            when = pub - timedelta(days=rng.randint(1, 6))
            return DateValue(kind, when, "day", (("weekday", when.weekday()),))
        if kind == "yesterday":
            return DateValue(kind, pub - timedelta(days=1), "day")
        if kind == "day_of_month":
            when = pub - timedelta(days=rng.randint(7, 45))
            if when.year != pub.year:
                return None
            return DateValue(kind, when, "day", (("day", when.day), ("month", when.month)))
        if kind == "last_week":
            monday = pub - timedelta(days=pub.weekday() + 7)
            return DateValue(kind, monday, "week")
        if kind in ("mid_month", "early_month", "late_month", "month"):
            year, month = month_back(rng.randint(1, 3))
            return DateValue(kind, date(year, month, 1), "month", (("month", month), ("year", year)))
        if kind == "this_month":
            if pub.day < 10:
                return None
            return DateValue(kind, pub.replace(day=1), "month")
        if kind == "late_last_year":
            return DateValue(kind, date(pub.year - 1, 10, 1), "quarter", (("year", pub.year - 1),))
        if kind == "early_this_year":
            if pub.month < 5:
                return None
            return DateValue(kind, date(pub.year, 1, 1), "quarter", (("year", pub.year),))
        if kind == "last_year":
            return DateValue(kind, date(pub.year - 1, 1, 1), "year", (("year", pub.year - 1),))
        if kind == "month_year":
            year, month = month_back(rng.randint(13, 40))
            return DateValue(kind, date(year, month, 1), "month", (("month", month), ("year", year)))
        if kind == "year":
            year = pub.year - rng.randint(2, 5)
            return DateValue(kind, date(year, 1, 1), "year", (("year", year),))
        if kind == "early_year":
            year = pub.year - rng.randint(2, 4)
            return DateValue(kind, date(year, 1, 1), "quarter", (("year", year),))
        if kind == "late_year":
            year = pub.year - rng.randint(2, 4)
            return DateValue(kind, date(year, 10, 1), "quarter", (("year", year),))
        if kind == "by_month":
            year, month = month_back(-rng.randint(2, 8))
            return DateValue(kind, date(year, month, 1), "month", (("month", month), ("year", year)))
        if kind == "next_year":
            return DateValue(kind, date(pub.year + 1, 1, 1), "year", (("year", pub.year + 1),))
        if kind == "unresolved_future":
            return DateValue(kind, None, None, (("k", rng.choice([30, 60, 90, 120])),))
        raise TemplateError(f"unknown date kind {kind}")

    # -- words
    def realize(self, slot: str, value: SlotValue) -> Realization:
        rng, lang = self.rng, self.lang
        if isinstance(value, (ActorValue, SourceValue)):
            if isinstance(value, ActorValue):
                entry = rng.choice(lang.lex["actors"][value.actor])
            else:
                entry = rng.choice(lang.lex["sources"][value.source])
            forms = {k: v for k, v in entry.items() if k != "agree"}
            forms[""] = forms.pop("text")
            return Realization(forms, entry.get("agree", ""))
        if isinstance(value, PlaceValue):
            return Realization(lang.place_phrase(value, rng, self.world.governorates))
        if isinstance(value, PairValue):
            return Realization({"": lang.pair_phrase(value, rng, self.world.governorates)})
        if isinstance(value, AssetsValue):
            return Realization({"": lang.assets_phrase(value, rng)})
        if isinstance(value, NumberValue):
            full, number = lang.count_phrase(value.count, rng)
            return Realization({"": full, "num": number})
        if isinstance(value, DateValue):
            return Realization({"": lang.date_phrase(value, rng, self.month_names)})
        raise TypeError(value)

    def render(self, template: Template, values: dict[str, SlotValue], lead: bool) -> str:
        """The template's text with its slots filled, [[ ]] still marked by private-use characters."""
        realized: dict[str, Realization] = {}

        def realization(slot: str) -> Realization:
            if slot not in realized:
                realized[slot] = self.realize(slot, values[slot])
            return realized[slot]

        # Agreement may come before the phrase it agrees with ("انسحبت القوات"): realize every slot first.
        for token in template.tokens:
            if isinstance(token, (SlotRef, Agreement)) and token.slot in values:
                realization(token.slot)
        pieces = []
        for token in template.tokens:
            if isinstance(token, str):
                pieces.append(token)
            elif isinstance(token, Agreement):
                agree = realization(token.slot).agree
                first_values = self.lang.lex["agreement_first"]
                pieces.append(token.options[0] if agree in first_values else token.options[1])
            elif token.slot == "w":
                pieces.append(self.lang.paragraph_opening(lead))
            else:
                pieces.append(self.form_text(realization(token.slot).forms, token.form))
        text = "".join(pieces)
        return text.translate(ARABIC_INDIC_DIGITS) if self.indic_digits else text

    def form_text(self, forms: dict[str, str], form: str) -> str:
        """``{slot}``, ``{slot.soldiers}`` (a form the lexicon gives), ``{slot.li}`` / ``{slot.cap}``
        (a transform of the phrase), or both: ``{slot.soldiers.cap}``."""
        parts = form.split(".") if form else []
        if parts and parts[0] in forms:
            text, transforms = forms[parts[0]], parts[1:]
        elif parts and parts[0] == "gen":  # the genitive is spelled like the nominative
            text, transforms = forms[""], parts[1:]
        else:
            # prepositions govern the genitive: "بحسب مسؤولين أميركيين", "لمسؤولين أميركيين"
            genitive = bool(parts) and parts[0] in ("li", "bi")
            text, transforms = (forms.get("gen", forms[""]) if genitive else forms[""]), parts
        for transform in transforms:
            text = self.lang.transform(text, transform)
        return text

    # -- one paragraph
    def render_block(self, block: BlockSpec, actor: str, lead: bool,
                     variant: Template | None = None) -> RenderedBlock | None:
        values = self.pick_values(block, actor)
        if values is None:
            return None
        if variant is None:
            variants = [v for v in self.lang.blocks[block.block_id] if v.slots <= values.keys()]
            if not variants:
                return None
            variant = self.rng.choice(variants)
        elif not variant.slots <= values.keys():
            return None
        marked = tidy(self.render(variant, values, lead))
        if not variant.evidence_spans:  # background, denials: nothing to quote
            return RenderedBlock(block, actor, values, marked, [], [])
        evidences = [tidy(span) for span in EVIDENCE_RE.findall(marked)]
        text = tidy(marked.replace(EVIDENCE_OPEN, "").replace(EVIDENCE_CLOSE, ""))
        for evidence in evidences:
            if not evidence or evidence not in text:
                raise TemplateError(f"evidence {evidence!r} lost in {text!r} ({variant.text})")
        movements, force_levels = self.gold_rows(block, actor, values, variant.slots, evidences)
        return RenderedBlock(block, actor, values, text, movements, force_levels)

    def gold_rows(self, block: BlockSpec, actor: str, values: dict[str, SlotValue], used: frozenset[str],
                  evidences: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        def mentioned(slot: str | None) -> SlotValue | None:
            return values.get(slot) if slot and slot in used else None

        def actor_of(spec: dict[str, Any]) -> str:
            named = values.get(spec.get("actor", "actor"))
            assert isinstance(named, ActorValue)
            return named.actor

        def source_of(spec: dict[str, Any]) -> str | None:
            value = mentioned(spec.get("attributed_to"))
            return value.source if isinstance(value, SourceValue) else None

        def date_of(slot: str | None) -> tuple[str | None, str | None]:
            value = mentioned(slot)
            if isinstance(value, DateValue) and value.when is not None:
                return value.when.isoformat(), value.precision
            return None, None

        movements, force_levels = [], []
        for item in block.gold:
            if "movement" in item:
                spec = item["movement"]
                row: dict[str, Any] = {"actor": actor_of(spec), "type": spec["type"]}
                for role in ("origins", "destinations", "locations"):
                    row[role] = [gold_place(p) for slot in spec.get(role, []) for p in self.places_of(mentioned(slot))]
                row["date"], row["date_precision"] = date_of(spec.get("date"))
                assets: list[dict[str, Any]] = []
                for entry in spec.get("assets", []):
                    if isinstance(entry, dict):  # a literal asset the wording always implies
                        assets.append({"type": entry["type"], "count": entry.get("count"),
                                       "qualifier": entry.get("qualifier", "vague")})
                    else:
                        value = mentioned(entry)
                        if isinstance(value, AssetsValue):
                            assets.extend(value.gold())
                row["assets"] = assets
                row["attributed_to"] = source_of(spec)
                row["evidence"] = evidences[spec.get("evidence", 0)]
                if not (row["origins"] or row["destinations"] or row["locations"] or assets):
                    raise TemplateError(f"{block.block_id}: a movement with neither place nor asset")
                movements.append(row)
            else:
                spec = item["force_level"]
                value_spec = spec["value"]
                if isinstance(value_spec, str):
                    number = values[value_spec]
                    assert isinstance(number, NumberValue)
                    value, qualifier = number.count.value, number.count.qualifier
                else:
                    value, qualifier = int(value_spec), spec.get("qualifier", "exact")
                area = mentioned(spec.get("area"))
                ref_date, ref_precision = date_of(spec.get("ref_date"))
                force_levels.append({
                    "actor": actor_of(spec),
                    "area": gold_place(area.place) if isinstance(area, PlaceValue) else None,
                    "metric": spec["metric"], "value": value, "qualifier": qualifier, "status": spec["status"],
                    "ref_date": ref_date, "ref_date_precision": ref_precision,
                    "attributed_to": source_of(spec), "evidence": evidences[spec.get("evidence", 0)],
                })
        return movements, force_levels

    # -- the whole article
    def choose_block(self, category: str, exclude: set[str]) -> tuple[BlockSpec, str] | None:
        blocks = [b for b in self.world.blocks.values() if b.category == category and b.block_id not in exclude]
        if not blocks:
            return None
        themed = [b for b in blocks if self.theme_actor in b.actors]
        pool = themed if themed and self.rng.random() < 0.85 else blocks
        block = self.world.blocks[weighted_choice(self.rng, {b.block_id: b.weight for b in pool})]
        if self.theme_actor in block.actors:
            return block, self.theme_actor
        return block, weighted_choice(self.rng, {a: self.world.actors[a]["weight"] for a in block.actors})

    def build(self) -> Article:
        rng, config = self.rng, self.world.config
        mix = config["article_mix"]
        plan = [category for category in ("movement", "force", "negative")
                for _ in range(rng.choice(mix[category]))]
        if not plan:
            plan = ["negative"]
        # The lead paragraph reports the main news (a movement when there is one); the rest in any order.
        plan.sort(key=lambda c: mix["lead_order"].index(c))
        rest = plan[1:]
        rng.shuffle(rest)
        plan = plan[:1] + rest
        chosen: list[RenderedBlock] = []
        seen_movements: set[str] = set()
        seen_claims: set[str] = set()
        used_blocks: set[str] = set()
        for category in plan:
            failed: set[str] = set()
            for _attempt in range(6):
                picked = self.choose_block(category, used_blocks | failed)
                if picked is None:
                    break
                block, actor = picked
                rendered = self.render_block(block, actor, lead=not chosen)
                if rendered is None:
                    failed.add(block.block_id)
                    continue
                movement_keys = {movement_key(m) for m in rendered.movements}
                claim_keys = {claim_key(c) for c in rendered.force_levels}
                if movement_keys & seen_movements or claim_keys & seen_claims:
                    continue  # a claim repeated in one article is one row: do not state it twice
                seen_movements |= movement_keys
                seen_claims |= claim_keys
                if block.category in ("movement", "force"):
                    self.fact_places.extend(p for v in rendered.values.values() for p in self.places_of(v))
                used_blocks.add(block.block_id)
                chosen.append(rendered)
                break
        if not chosen:  # a small gazetteer may leave the planned blocks without places: take any that fits
            for block in self.world.blocks.values():
                if block.category != "filler":
                    rendered = next((r for actor in block.actors
                                     if (r := self.render_block(block, actor, lead=True)) is not None), None)
                    if rendered is not None:
                        chosen.append(rendered)
                        break
        if not chosen:
            raise TemplateError(f"no block could be rendered for {self.name}")
        lead, rest = chosen[0], chosen[1:]
        rest.extend(self.fillers(lead, sum(len(b.text.encode()) for b in chosen)))
        body_order = [lead] + self.interleave(rest)
        title, subtitle = self.headline(lead)
        text = self.layout(title, subtitle, [b.text for b in body_order])
        gold = {
            "published_date": self.published.isoformat(),
            "language": self.lang.code,
            "movements": [m for b in body_order for m in b.movements],
            "force_levels": [c for b in body_order for c in b.force_levels],
        }
        return Article(self.name, self.lang.code, self.published, text, gold)

    def fillers(self, lead: RenderedBlock, size: int) -> list[RenderedBlock]:
        """Background paragraphs (no facts) until the article has its target size."""
        low, high = self.lang.lex["styles"]["article_bytes"]
        target = self.rng.randint(low, high)
        fillers = [b for b in self.world.blocks.values() if b.category == "filler"]
        found: list[RenderedBlock] = []
        variants = [(b, v) for b in fillers for v in self.lang.blocks[b.block_id]]
        self.rng.shuffle(variants)
        for block, variant in variants:
            if size >= target or len(found) >= self.world.config["max_background_paragraphs"]:
                break
            actor = lead.actor if lead.actor in block.actors else self.rng.choice(block.actors)
            rendered = self.render_block(block, actor, lead=False, variant=variant)
            if rendered is not None:
                found.append(rendered)
                size += len(rendered.text.encode()) + 2
        return found

    def interleave(self, blocks: list[RenderedBlock]) -> list[RenderedBlock]:
        """Facts keep their order of importance; background paragraphs fall between them."""
        facts = [b for b in blocks if b.block.category != "filler"]
        background = [b for b in blocks if b.block.category == "filler"]
        ordered = list(facts)
        for paragraph in background:
            ordered.insert(self.rng.randint(0, len(ordered)), paragraph)
        return ordered

    def headline(self, lead: RenderedBlock) -> tuple[str, str | None]:
        def pick(pools: dict[str, list[Template]]) -> Template | None:
            candidates = pools.get(lead.block.block_id, []) + pools.get(lead.block.category, [])
            candidates = [t for t in candidates if t.slots <= set(lead.values)]
            return self.rng.choice(candidates) if candidates else None

        title_template = pick(self.lang.titles)
        if title_template is None:
            raise TemplateError(f"no title fits block {lead.block.block_id}")
        title = tidy(self.render(title_template, lead.values, lead=True))
        subtitle = None
        if self.rng.random() < self.world.config["subtitle_share"]:
            template = pick(self.lang.subtitles)
            if template is not None:
                subtitle = tidy(self.render(template, lead.values, lead=True))
        return title, subtitle

    def date_line(self) -> str:
        pub, lex = self.published, self.lang.lex
        text = self.rng.choice(lex["date_lines"]).format(
            weekday=lex["weekdays"][pub.weekday()], d=pub.day, dd=f"{pub.day:02d}", mm=f"{pub.month:02d}",
            month=self.month_names[pub.month - 1], yyyy=pub.year)
        return text.translate(ARABIC_INDIC_DIGITS) if self.indic_digits else text

    def dateline(self) -> str:
        """The place (and agency) that opens the body: "دير الزور (سوريا) - ", "BEIRUT (Reuters) - "."""
        lex, rng = self.lang.lex["datelines"], self.rng
        local = self.world.cities(self.theme_actor)
        if local and rng.random() < lex["local_share"]:
            place = rng.choice(local)
            country = self.world.countries[place.country_code]
            name = place.name_ar if self.lang.code == "ar" else place.name_en
            country_name = country.name_ar if self.lang.code == "ar" else country.name_en
            city = name.upper() if lex.get("upper_case") else name
            return rng.choice(lex["local_formats"]).format(city=city, country=country_name)
        return rng.choice(lex["foreign_formats"]).format(city=rng.choice(lex["foreign_cities"]))

    def layout(self, title: str, subtitle: str | None, paragraphs: list[str]) -> str:
        head = [title, ""]
        if subtitle:
            head.append(subtitle)
        head.append(self.date_line())
        body = [self.dateline() + paragraphs[0]] + paragraphs[1:]
        return "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n"


def movement_key(row: dict[str, Any]) -> str:
    places = sorted(json.dumps(p, sort_keys=True) for role in ("origins", "destinations", "locations") for p in row[role])
    return json.dumps([row["actor"], row["type"], places], ensure_ascii=False)


def claim_key(row: dict[str, Any]) -> str:
    return json.dumps([row["actor"], row["metric"], row["value"], row["status"], row["area"]], sort_keys=True)


_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"[ \t]+([.,،؛:!?)])")
_SPACE_AFTER_OPENING = re.compile(r"([(])[ \t]+")
_REPEATED_COMMA = re.compile(r"([,،])([ \t]*[,،.])")


def tidy(text: str) -> str:
    """Spaces and commas left over by empty slots (no date, no locator)."""
    if "  " in text:
        text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    if "( " in text:
        text = _SPACE_AFTER_OPENING.sub(r"\1", text)
    text = _REPEATED_COMMA.sub(lambda m: m.group(2).strip(), text)
    return text.strip()


# ------------------------------------------------------------------------------------------- API


def generate_article(world: World, seed: int, index: int, language: str) -> Article:
    """Article ``index`` of the corpus drawn with ``seed`` (independent of how many are drawn)."""
    rng = random.Random(f"{seed}:{index}")
    return ArticleBuilder(world, world.languages[language], rng, f"{language}-{index:06d}").build()


def write_articles(world: World, seed: int, indices: range, out: Path, languages: tuple[str, ...]) -> Counter[str]:
    """Write articles ``indices`` (text and gold file); counts by language and row kind."""
    summary: Counter[str] = Counter()
    for index in indices:
        article = generate_article(world, seed, index, languages[index % len(languages)])
        with open(out / f"{article.name}.txt", "w", encoding="utf-8", newline="\n") as handle:
            handle.write(article.text)
        with open(out / f"{article.name}.gold.json", "w", encoding="utf-8", newline="\n") as handle:
            handle.write(json.dumps(article.gold, ensure_ascii=False, indent=2) + "\n")
        summary["articles"] += 1
        summary[article.language] += 1
        summary["movements"] += len(article.gold["movements"])
        summary["force_levels"] += len(article.gold["force_levels"])
    return summary


_WORKER_WORLD: World | None = None  # one World per worker process, loaded once


def _load_worker(templates_dir: Path, places_csv: Path, languages: tuple[str, ...]) -> None:
    global _WORKER_WORLD
    _WORKER_WORLD = World(templates_dir, places_csv, languages)


def _write_chunk(seed: int, start: int, stop: int, out: Path, languages: tuple[str, ...]) -> Counter[str]:
    assert _WORKER_WORLD is not None
    return write_articles(_WORKER_WORLD, seed, range(start, stop), out, languages)


def write_corpus(n: int, seed: int, out: Path, languages: tuple[str, ...] = ("ar", "en"),
                 places_csv: Path = DEFAULT_PLACES_CSV, templates_dir: Path = TEMPLATES_DIR,
                 jobs: int = 1) -> dict[str, int]:
    """Write ``n`` articles and their gold files into ``out``; returns counts by language and row kind.

    Article ``i`` is in ``languages[i % len(languages)]``, so the languages share the corpus evenly.
    With ``jobs`` > 1 the articles are written by that many processes; every article depends on
    ``seed`` and its index only, so the files are the same whatever ``jobs`` is."""
    out.mkdir(parents=True, exist_ok=True)
    summary: Counter[str] = Counter({"articles": 0, "movements": 0, "force_levels": 0})
    if jobs <= 1 or n < 2 * CHUNK:
        summary.update(write_articles(World(templates_dir, places_csv, languages), seed, range(n), out, languages))
        return dict(summary)
    chunks = [(seed, start, min(start + CHUNK, n), out, languages) for start in range(0, n, CHUNK)]
    # spawned, not forked: a forked worker inherits the caller's signal handlers and threads (the
    # benchmark's SIGTERM handler left a worker that the pool's terminate could not stop)
    with spawned_pool(jobs, _load_worker, (templates_dir, places_csv, languages)) as pool:
        for counts in pool.starmap(_write_chunk, chunks):
            summary.update(counts)
    return dict(summary)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--languages", default="ar,en", help="comma-separated, from: ar, en")
    parser.add_argument("--places", type=Path, default=DEFAULT_PLACES_CSV, help="gazetteer CSV")
    parser.add_argument("--templates", type=Path, default=TEMPLATES_DIR, help="folder of blocks.yaml, ar.yaml, en.yaml")
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                        help="processes writing articles (the output does not depend on it)")
    args = parser.parse_args(argv)
    languages = tuple(code.strip() for code in args.languages.split(",") if code.strip())
    unknown = [code for code in languages if code not in LANGUAGE_CLASSES]
    if not languages or unknown:
        parser.error(f"--languages must name some of {sorted(LANGUAGE_CLASSES)}")
    if args.n < 0:
        parser.error("--n must be >= 0")
    started = time.perf_counter()
    summary = write_corpus(args.n, args.seed, args.out, languages, args.places, args.templates, args.jobs)
    elapsed = time.perf_counter() - started
    print(json.dumps(summary, sort_keys=True), f"in {elapsed:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
