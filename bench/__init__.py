"""Benchmark tooling: a deterministic synthetic corpus with gold files (``python -m bench.generate``).

Nothing here is imported by the pipeline (``posture``); it only produces test input.
"""
