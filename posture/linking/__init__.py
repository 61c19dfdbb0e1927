"""Cross-article event linking (movement_events) and force-level timelines (force_level_series, force_level_latest)."""
