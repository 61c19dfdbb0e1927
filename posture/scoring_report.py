"""Text renderings of an evaluation: the figures table and the per-article error listing."""

from __future__ import annotations

from posture.scoring import Evaluation

ROWS = [
    ("movement precision", "movement_precision"), ("movement recall", "movement_recall"),
    ("movement F1", "movement_f1"),
    ("  slot origins F1", "slot_origins_f1"), ("  slot destinations F1", "slot_destinations_f1"),
    ("  slot locations F1", "slot_locations_f1"), ("  slot assets F1", "slot_assets_f1"),
    ("  slot date F1", "slot_date_f1"), ("  slot actor F1", "slot_actor_f1"),
    ("  slot type F1", "slot_type_f1"), ("  slot attributed_to F1", "slot_attributed_to_f1"),
    ("force-level precision", "force_level_precision"), ("force-level recall", "force_level_recall"),
    ("force-level F1", "force_level_f1"),
    ("  qualifier accuracy", "force_level_qualifier_accuracy"),
    ("  ref_date accuracy", "force_level_ref_date_accuracy"),
    ("  attributed_to accuracy", "force_level_attributed_to_accuracy"),
    ("articles", "articles"),
    ("movements tp/fp/fn", None), ("force levels tp/fp/fn", None),
]


def _fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def format_table(evaluation: Evaluation) -> str:
    figures = evaluation.figures()
    columns = list(figures)
    lines = [f"{'figure':<28}" + "".join(f"{c:>10}" for c in columns)]
    for label, key in ROWS:
        if key is None:
            prefix = "movement" if label.startswith("movements") else "force_level"
            cells = [f"{f[prefix + '_tp']}/{f[prefix + '_fp']}/{f[prefix + '_fn']}" for f in figures.values()]
        else:
            cells = [_fmt(figures[c].get(key)) for c in columns]
        lines.append(f"{label:<28}" + "".join(f"{c:>10}" for c in cells))
    return "\n".join(lines)


def _movement(m: dict) -> str:
    places = {slot: [p.get("name") or p.get("place_id") for p in m.get(slot) or []]
              for slot in ("origins", "destinations", "locations")}
    return (f"{m.get('actor')}/{m.get('type')} from {places['origins']} to {places['destinations']} "
            f"at {places['locations']} assets {[(a['type'], a.get('count')) for a in m.get('assets') or []]} "
            f"| {str(m.get('evidence', ''))[:90]}")


def _claim(c: dict) -> str:
    return (f"{c.get('actor')} {c.get('metric')}={c.get('value')} {c.get('qualifier')} {c.get('status')} "
            f"| {str(c.get('evidence') or c.get('evidence_text') or '')[:90]}")


def format_verbose(evaluation: Evaluation) -> str:
    lines = []
    for r in evaluation.reports:
        if not (r.unmatched_gold_movements or r.unmatched_predicted_movements or r.unmatched_gold_claims
                or r.unmatched_predicted_claims or r.slot_errors or not r.found):
            continue
        lines.append(f"\n== {r.name} [{r.language}]" + ("" if r.found else "  (NO ARTICLE FOUND)"))
        lines += [f"  missed movement:    {_movement(m)}" for m in r.unmatched_gold_movements]
        lines += [f"  spurious movement:  {_movement(m)}" for m in r.unmatched_predicted_movements]
        lines += [f"  missed claim:       {_claim(c)}" for c in r.unmatched_gold_claims]
        lines += [f"  spurious claim:     {_claim(c)}" for c in r.unmatched_predicted_claims]
        lines += [f"  slot error:         {e}" for e in r.slot_errors]
    return "\n".join(lines)
