"""Deferred modules: a stand-in until first use, then the real module, wherever it was bound."""

import subprocess
import sys
import textwrap

import pytest

from posture.lazy_modules import deferred
from tests.conftest import SAMPLE


@pytest.fixture
def heavy_package(tmp_path, monkeypatch):
    """A package ``heavy`` whose submodule ``heavy.stats`` counts how often it was executed."""
    package = tmp_path / "heavy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "stats.py").write_text("import builtins\nbuiltins.heavy_loads = getattr(builtins, 'heavy_loads', 0) + 1\n"
                                      "def entropy(values):\n    return -sum(values)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in ("heavy.stats", "heavy"):
        sys.modules.pop(name, None)
    import builtins
    if hasattr(builtins, "heavy_loads"):
        del builtins.heavy_loads


def _loads() -> int:
    import builtins
    return getattr(builtins, "heavy_loads", 0)


def test_a_deferred_module_loads_on_first_use_once_and_then_is_the_real_module(heavy_package):
    with deferred("heavy.stats"):
        from heavy import stats
        import heavy.stats as same
    assert _loads() == 0  # bound twice, executed never
    assert "heavy.stats" not in sys.modules  # an untouched stand-in leaves the module table

    assert stats.entropy([1, 2]) == -3
    assert same.entropy([4]) == -4
    assert _loads() == 1
    import heavy.stats as real
    assert real is sys.modules["heavy.stats"] and real.entropy is stats.entropy
    import heavy
    assert heavy.stats is real


def test_a_module_imported_before_is_left_alone(heavy_package):
    import heavy.stats as real
    with deferred("heavy.stats"):
        from heavy import stats
    assert stats is real and _loads() == 1


def test_validating_with_great_expectations_never_loads_scipy_stats_or_altair(tmp_path):
    """The saving this exists for: a whole `posture run` (its GE validations and HTML pages) on the
    sample corpus in a fresh interpreter, and neither module is ever imported."""
    script = textwrap.dedent(f"""
        import sys
        from pipelines.cli import main
        assert main(["run", "--input", {str(SAMPLE)!r}, "--warehouse", {str(tmp_path / "w.duckdb")!r}, "-q"]) == 0
        print(sorted(name for name in ("scipy.stats", "altair") if name in sys.modules))
    """)
    printed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert printed.strip().splitlines()[-1] == "[]"
