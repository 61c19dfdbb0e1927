"""docs/: the data dictionary matches the code, and every cookbook query runs on the sample release."""

from __future__ import annotations

import re

import duckdb
import pytest

from posture.report.dictionary import DICTIONARY_PATH, data_dictionary
from posture.schema import DATASET_VERSIONS, PUBLISHED_TABLES
from posture.vocab import vocabularies
from tests.conftest import REPO

COOKBOOK = REPO / "docs" / "queries.md"
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.S)
COLUMNS_LINE = re.compile(r"^-- columns: (.+)$", re.M)


def test_data_dictionary_is_up_to_date():
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == data_dictionary(), (
        "docs/data-dictionary.md is stale: run `posture dictionary` and commit the result")


def test_data_dictionary_describes_every_column_and_vocabulary():
    text = data_dictionary()
    for table in (*PUBLISHED_TABLES, DATASET_VERSIONS):
        assert f"## `{table.name}`" in text
        for column in table.columns:
            assert f"| `{column.name}` | {column.sql_type} |" in text, (table.name, column.name)
    for actor in vocabularies().actors:
        assert f"| `{actor}` |" in text
    assert "| `movement_type` | VARCHAR | no |" in text and "[Movement types](#movement-types)" in text


def _cookbook() -> list[tuple[str, list[str]]]:
    blocks = []
    for sql in SQL_BLOCK.findall(COOKBOOK.read_text(encoding="utf-8")):
        declared = COLUMNS_LINE.search(sql)
        assert declared, f"a cookbook query does not declare its columns:\n{sql}"
        blocks.append((sql, [c.strip() for c in declared.group(1).split(",")]))
    return blocks


def test_the_cookbook_covers_the_questions_analysts_ask():
    headings = re.findall(r"^## (.+)$", COOKBOOK.read_text(encoding="utf-8"), re.M)
    for topic in ("Troops over time", "Convoys per base per week", "Movements toward Iraq", "Claims by source"):
        assert any(h.startswith(topic) for h in headings), topic
    assert len(_cookbook()) >= 8


@pytest.mark.parametrize("sql, columns", _cookbook(), ids=lambda v: v.split("\n")[0][:60] if isinstance(v, str) else None)
def test_cookbook_query_runs_on_the_sample_release(sample_release, sql, columns):
    with duckdb.connect(str(sample_release.warehouse), read_only=True) as con:
        cursor = con.execute(sql)
        assert [d[0] for d in cursor.description] == columns
        assert cursor.fetchall(), "the sample corpus should give this query at least one row"
