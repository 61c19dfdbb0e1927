"""Scoring cross-article event linking against a linking gold file (``links.gold.json``).

The gold: a ``links.gold.json`` in a gold folder (or any folder below it) lists groups of gold
movements that are the same real movement. A movement is named by its gold file (the name
without ``.gold.json``, relative to the folder holding the links file) and its index in that
file's ``movements`` list. Gold movements in no group are events of their own.

```json
{"events": [
  {"event": "omar-to-shaddadi-2025-09-09", "note": "optional",
   "movements": [["ar-2025-09-10-omar-convoy", 0], ["en-2025-09-11-omar-trucks", 1]]}
]}
```

The prediction: each gold movement takes the event (``movement_event_reports``) of the predicted
report it pairs with under data-contract.md 5.2 (the pairing of ``posture.scoring``). A gold
movement that pairs with no report is alone in its predicted event: a missed movement costs
linking recall, never precision. Predicted reports that pair with no gold movement are left out
(movement precision already counts them).

Figures, over all gold movements of the folder:
- pairwise: every pair of gold movements is linked in the gold and/or in the prediction;
  precision = pairs linked in both / pairs linked in the prediction, recall = / pairs linked in the gold;
- B-cubed: for each gold movement, the share of its predicted event that is in its gold event
  (precision) and of its gold event that is in its predicted event (recall), averaged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import duckdb

from posture.scoring import LINKS_FILE, ArticleGold, Counts, Evaluation, f1_score

Item = tuple[str, int]  # (gold file name, index in its movements)


class LinksGoldError(ValueError):
    """A links file that names movements which do not exist, or one movement twice."""


def load_links(folder: Path, golds: list[ArticleGold]) -> list[list[Item]] | None:
    """The gold groups of every links file under ``folder``; None when there is none."""
    paths = sorted(folder.rglob(LINKS_FILE))
    if not paths:
        return None
    sizes = {g.name: len(g.movements) for g in golds}
    groups: list[list[Item]] = []
    seen: dict[Item, str] = {}
    for path in paths:
        prefix = path.parent.relative_to(folder).as_posix()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            events = raw["events"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise LinksGoldError(f"{path}: not a links file ({error}); it needs {{\"events\": [{{\"movements\": "
                                 "[[gold name, index], ...]}, ...]}}") from None
        for number, event in enumerate(events, start=1):
            label = event.get("event") or f"event {number}"
            group = []
            for ref in event.get("movements", []):
                if not (isinstance(ref, list) and len(ref) == 2 and isinstance(ref[0], str) and isinstance(ref[1], int)):
                    raise LinksGoldError(f"{path}: {label}: {ref!r} is not [gold file name, movement index]")
                name = ref[0] if prefix == "." else f"{prefix}/{ref[0]}"
                if name not in sizes:
                    raise LinksGoldError(f"{path}: {label} names gold file {ref[0]!r}, but {folder} has no "
                                         f"{name}.gold.json; fix the name (without .gold.json) or add the file")
                if not 0 <= ref[1] < sizes[name]:
                    raise LinksGoldError(f"{path}: {label}: {name}.gold.json has {sizes[name]} movements, "
                                         f"no index {ref[1]}")
                item = (name, ref[1])
                if item in seen:
                    raise LinksGoldError(f"{path}: movement {list(item)} is in both {seen[item]} and {label}; "
                                         "a movement belongs to one event")
                seen[item] = label
                group.append(item)
            groups.append(group)
    return groups


@dataclass
class LinkEvaluation:
    pairwise: Counts
    bcubed_precision: float | None
    bcubed_recall: float | None
    gold_movements: int
    paired_movements: int
    gold_events: int  # with two or more movements
    predicted_events: int  # distinct predicted events of the paired movements, with two or more of them
    missed_links: list[tuple[Item, Item]] = field(default_factory=list)
    wrong_links: list[tuple[Item, Item]] = field(default_factory=list)

    @property
    def bcubed_f1(self) -> float | None:
        return f1_score(self.bcubed_precision, self.bcubed_recall)

    def figures(self) -> dict[str, float | int | None]:
        return {
            "link_pairwise_precision": self.pairwise.precision, "link_pairwise_recall": self.pairwise.recall,
            "link_pairwise_f1": self.pairwise.f1, "link_pairwise_tp": self.pairwise.tp,
            "link_pairwise_fp": self.pairwise.fp, "link_pairwise_fn": self.pairwise.fn,
            "link_bcubed_precision": self.bcubed_precision, "link_bcubed_recall": self.bcubed_recall,
            "link_bcubed_f1": self.bcubed_f1, "link_gold_movements": self.gold_movements,
            "link_paired_movements": self.paired_movements, "link_gold_events": self.gold_events,
            "link_predicted_events": self.predicted_events,
        }


def score_links(golds: list[ArticleGold], groups: list[list[Item]], evaluation: Evaluation,
                event_of: dict[str, str]) -> LinkEvaluation:
    """Pairwise and B-cubed linking figures (see the module docstring for how unpaired rows count)."""
    items: list[Item] = [(g.name, i) for g in golds for i in range(len(g.movements))]
    gold_event: dict[Item, object] = {item: ("alone", item) for item in items}
    for number, group in enumerate(groups):
        for item in group:
            gold_event[item] = ("event", number)
    predicted_event: dict[Item, object] = {item: ("unpaired", item) for item in items}
    for report in evaluation.reports:
        for index, movement_id in report.movement_pairs:
            if movement_id in event_of:
                predicted_event[(report.name, index)] = event_of[movement_id]

    pairwise, missed, wrong = Counts(), [], []
    for a, b in combinations(items, 2):
        in_gold, in_prediction = gold_event[a] == gold_event[b], predicted_event[a] == predicted_event[b]
        pairwise.add(int(in_gold and in_prediction), int(in_prediction and not in_gold), int(in_gold and not in_prediction))
        if in_gold and not in_prediction:
            missed.append((a, b))
        elif in_prediction and not in_gold:
            wrong.append((a, b))

    def members(assignment: dict[Item, object]) -> dict[object, set[Item]]:
        out: dict[object, set[Item]] = {}
        for item, cluster in assignment.items():
            out.setdefault(cluster, set()).add(item)
        return out

    gold_members, predicted_members = members(gold_event), members(predicted_event)
    precisions, recalls = [], []
    for item in items:
        g, p = gold_members[gold_event[item]], predicted_members[predicted_event[item]]
        precisions.append(len(g & p) / len(p))
        recalls.append(len(g & p) / len(g))
    paired = sum(1 for item in items if predicted_event[item] != ("unpaired", item))
    return LinkEvaluation(
        pairwise, sum(precisions) / len(items) if items else None, sum(recalls) / len(items) if items else None,
        len(items), paired, sum(1 for m in gold_members.values() if len(m) > 1),
        sum(1 for m in predicted_members.values() if len(m) > 1), missed, wrong)


def load_event_membership(con: duckdb.DuckDBPyConnection, schema: str = "main") -> dict[str, str]:
    """movement_id -> event_id of the published release (empty for a warehouse built before linking)."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                         [schema, "movement_event_reports"]).fetchone()[0]
    if not exists:
        return {}
    return dict(con.execute(f"SELECT movement_id, event_id FROM {schema}.movement_event_reports").fetchall())


def evaluate_links(folder: Path, golds: list[ArticleGold], evaluation: Evaluation,
                   con: duckdb.DuckDBPyConnection) -> LinkEvaluation | None:
    """Linking figures when ``folder`` holds a links file, else None."""
    groups = load_links(folder, golds)
    if groups is None:
        return None
    return score_links(golds, groups, evaluation, load_event_membership(con))


def format_links(result: LinkEvaluation, verbose: bool = False) -> str:
    def fmt(value) -> str:
        return "-" if value is None else f"{value:.3f}"

    lines = [
        "linking (gold movements paired to predicted reports; unpaired gold movements are predicted alone)",
        f"  pairwise precision {fmt(result.pairwise.precision)}  recall {fmt(result.pairwise.recall)}  "
        f"F1 {fmt(result.pairwise.f1)}  (tp/fp/fn {result.pairwise.tp}/{result.pairwise.fp}/{result.pairwise.fn})",
        f"  B-cubed  precision {fmt(result.bcubed_precision)}  recall {fmt(result.bcubed_recall)}  "
        f"F1 {fmt(result.bcubed_f1)}",
        f"  gold movements {result.gold_movements}, paired {result.paired_movements}; "
        f"gold events of 2+ movements {result.gold_events}, predicted {result.predicted_events}",
    ]
    if verbose:
        lines += [f"  missed link: {list(a)} ~ {list(b)}" for a, b in result.missed_links]
        lines += [f"  wrong link:  {list(a)} ~ {list(b)}" for a, b in result.wrong_links]
    return "\n".join(lines)
