"""``docs/data-dictionary.md``, generated from the code's own definitions: the tables of
``posture/schema.py``, the vocabularies of ``posture/data/vocabularies.json`` and, for each
column, the vocabulary its validation suite (``expectations/*.json``) holds it to."""

from __future__ import annotations

import json
from pathlib import Path

from posture.schema import CONTRACT_VERSION, DATASET_VERSIONS, PUBLISHED_TABLES, Table
from posture.validation import EXPECTATIONS_DIR, load_suites
from posture.vocab import vocabularies

DICTIONARY_PATH = Path(__file__).resolve().parent.parent.parent / "docs" / "data-dictionary.md"
REGENERATE = "posture dictionary"

_VOCABULARY_TITLES = {
    "actors": "Actors",
    "movement_types": "Movement types",
    "asset_types": "Asset types",
    "sources": "Sources",
    "qualifiers": "Qualifiers",
    "date_precisions": "Date precisions",
    "place_roles": "Place roles",
    "place_kinds": "Place kinds",
    "metrics": "Metrics",
    "statuses": "Statuses",
    "admin1_names": "Governorates (admin1)",
}


def _anchor(title: str) -> str:
    return "".join(ch for ch in title.lower().replace(" ", "-") if ch.isalnum() or ch == "-")


def column_vocabularies() -> dict[tuple[str, str], str]:
    """(table, column) -> vocabulary name, read from the suites' ``$PARAMETER`` value sets."""
    found: dict[tuple[str, str], str] = {}
    for suite in load_suites():
        for expectation in suite.raw.get("expectations", []):
            kwargs = expectation.get("kwargs", {})
            value_set = kwargs.get("value_set")
            if isinstance(value_set, dict) and "$PARAMETER" in value_set and kwargs.get("column"):
                found.setdefault((suite.table, kwargs["column"]), value_set["$PARAMETER"])
    return found


def _suite_files() -> dict[str, str]:
    """Suite name -> its file, as a repository path."""
    return {json.loads(path.read_text(encoding="utf-8"))["name"]: f"expectations/{path.name}"
            for path in sorted(EXPECTATIONS_DIR.glob("*.json"))}


def _checks(table: Table) -> list[str]:
    lines = []
    files = _suite_files()
    for suite in load_suites():
        if suite.table == table.name:
            lines += [""] if lines else []  # a blank line ends the previous suite's list
            lines += [f"Checked before every release by the suite `{suite.name}` (`{files[suite.name]}`)"
                      + (f": {suite.description}" if suite.description else ":")]
            for expectation in suite.raw.get("expectations", []):
                kwargs = expectation.get("kwargs", {})
                target = kwargs.get("column") or ", ".join(kwargs.get("column_list", []) or [])
                condition = kwargs.get("row_condition")
                lines.append(f"- `{expectation['type']}`" + (f" ({target})" if target else "")
                             + (f" where `{condition}`" if condition else ""))
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table_section(table: Table, vocab_columns: dict[tuple[str, str], str]) -> list[str]:
    lines = [f"## `{table.name}`", "", table.description, "",
             f"Key: {', '.join(f'`{k}`' for k in table.key)} (rows are published sorted by it).", "",
             "| column | type | null | meaning | values |", "| --- | --- | --- | --- | --- |"]
    for column in table.columns:
        vocab = vocab_columns.get((table.name, column.name))
        values = f"[{_VOCABULARY_TITLES[vocab]}](#{_anchor(_VOCABULARY_TITLES[vocab])})" if vocab else ""
        lines.append(f"| `{column.name}` | {column.sql_type} | {'yes' if column.nullable else 'no'} | "
                     f"{_cell(column.description)} | {values} |")
    checks = _checks(table)
    return lines + ([""] + checks if checks else []) + [""]


def _vocabulary_sections() -> list[str]:
    vocab = vocabularies()
    parameters = vocab.as_parameters()
    lines = ["# Vocabularies", "", "From `posture/data/vocabularies.json` (data contract section 4).", ""]
    lines += [f"## {_VOCABULARY_TITLES['actors']}", "", "| actor | family (lenient matching) |", "| --- | --- |"]
    lines += [f"| `{actor}` | `{family}` |" for actor, family in vocab.actor_families.items()]
    lines.append("")
    for name in ("movement_types", "asset_types", "sources", "qualifiers", "date_precisions", "place_roles",
                 "place_kinds", "metrics", "statuses"):
        lines += [f"## {_VOCABULARY_TITLES[name]}", "", ", ".join(f"`{v}`" for v in parameters[name]), ""]
        if name == "sources":
            lines += [f"Any other source: a value matching `{vocab.source_other_pattern}`.", ""]
    lines += [f"## {_VOCABULARY_TITLES['admin1_names']}", "", "| country | governorates |", "| --- | --- |"]
    lines += [f"| {country} | {', '.join(names)} |" for country, names in vocab.admin1.items()]
    return lines + [""]


def data_dictionary() -> str:
    vocab_columns = column_vocabularies()
    lines = ["# Data dictionary", "",
             f"<!-- Generated by `{REGENERATE}` from posture/schema.py, posture/data/vocabularies.json and "
             "expectations/*.json. Do not edit by hand: a test fails when this file is stale. -->", "",
             f"Contract version {CONTRACT_VERSION}. Every published table is in the `main` schema of the "
             "warehouse (`data/warehouse.duckdb`) and in each release folder as `<table>.parquet`.", "",
             "Tables: " + ", ".join(f"[`{t.name}`](#{t.name})" for t in (*PUBLISHED_TABLES, DATASET_VERSIONS)), ""]
    for table in (*PUBLISHED_TABLES, DATASET_VERSIONS):
        lines += _table_section(table, vocab_columns)
    lines += _vocabulary_sections()
    return "\n".join(lines).rstrip("\n") + "\n"


def write_dictionary(path: Path = DICTIONARY_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data_dictionary(), encoding="utf-8")
    return path


def is_stale(path: Path = DICTIONARY_PATH) -> bool:
    return not path.exists() or path.read_text(encoding="utf-8") != data_dictionary()
