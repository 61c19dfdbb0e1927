"""Memory a finished step freed goes back to the OS before the next step of the run's one process."""

import gc
import shutil
import subprocess
import sys
import textwrap

import pytest

from pipelines.cli import main as posture
from pipelines.definitions import defs
from pipelines.jobs import FINAL_STEP, return_freed_memory
from pipelines.resources import DUCKDB_CONFIG, PUBLISH_MEMORY_LIMIT, warehouse_connection
from posture.memory import _malloc_trim
from posture.warehouse import buffer_pool_bytes, evict_cached_blocks, lowered_memory_limit
from tests.conftest import SAMPLE


def test_every_step_of_the_run_returns_freed_memory():
    assert return_freed_memory in defs.resolve_job_def("posture_job").hook_defs


def test_the_step_whose_blocks_the_hook_keeps_is_the_last_of_the_run():
    # the hook leaves DuckDB's blocks to the end of the run only after a step nothing depends on
    graph = defs.resolve_asset_graph()
    final = [node for node in graph.asset_nodes if node.assets_def.node_def.name == FINAL_STEP]
    assert final and all(not node.child_keys for node in final)
    upstream = set().union(*(graph.upstream_key_iterator(node.key) for node in final))
    assert upstream | {node.key for node in final} == set(graph.get_all_asset_keys())


_PRELUDE = """
import gc
from posture.memory import release_freed_memory
def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20
"""


def _printed_numbers(script: str) -> list[float]:
    """What ``script`` prints, one number a line, run in a fresh interpreter (a release's freeze
    must not reach this test process)."""
    return [float(line) for line in subprocess.run([sys.executable, "-c", _PRELUDE + textwrap.dedent(script)],
                                                   capture_output=True, text=True, check=True).stdout.split()]


@pytest.mark.skipif(_malloc_trim() is None, reason="the C library has no malloc_trim (not glibc)")
@pytest.mark.parametrize("release", ["release_freed_memory", "return_free_heap"])  # a step's end; within a step
def test_freed_python_objects_leave_the_resident_set(release):
    # 200 MB of 4 KB objects (malloc'd, not pymalloc), then one small object above them, so the
    # C heap cannot shrink from its top when they are freed: only a trim returns their pages.
    [returned, frozen] = _printed_numbers(f"""
        from posture.memory import return_free_heap
        blocks = [bytes(4000) + bytes([i % 256]) for i in range(50_000)]
        pin = bytearray(5000)
        del blocks
        gc.collect()
        before = resident_mb()
        assert {release}()
        print(before - resident_mb())
        print(gc.get_freeze_count())
    """)
    assert returned > 100
    assert (frozen > 0) == (release == "release_freed_memory")  # never frozen within a step


@pytest.mark.skipif(_malloc_trim() is None, reason="the C library has no malloc_trim (not glibc)")
def test_memory_held_by_reference_cycles_leaves_the_resident_set():
    # 200 MB held by 50,000 objects that each refer to themselves: reference counting never frees them
    [returned] = _printed_numbers("""
        class Node:
            pass
        gc.disable()  # no automatic collection between the drop and the release
        nodes = []
        for i in range(50_000):
            node = Node()
            node.self, node.data = node, bytes(4000) + bytes([i % 256])
            nodes.append(node)
        pin = bytearray(5000)
        del nodes, node
        before = resident_mb()
        release_freed_memory()
        print(before - resident_mb())
    """)
    assert returned > 100


def test_posture_run_leaves_nothing_frozen_behind(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE / "000_9839c6f32bc64aaa.txt", inbox)
    gc.unfreeze()  # (whatever an earlier test's run froze)
    code = posture(["run", "--input", str(inbox), "--warehouse", str(tmp_path / "w" / "w.duckdb"), "--quiet"])
    assert code == 0 and gc.get_freeze_count() == 0  # the steps' hook froze, the end of the run thawed


def test_a_release_freezes_the_survivors_and_unfrozen_afterwards_thaws_them():
    frozen, left = _printed_numbers("""
        from posture.memory import unfrozen_afterwards
        with unfrozen_afterwards():
            release_freed_memory()
            print(gc.get_freeze_count())
        print(gc.get_freeze_count())
    """)
    assert frozen > 1000  # left out of later collections
    assert left == 0


def test_evicting_duckdb_blocks_empties_the_buffer_pool_and_keeps_the_limit(tmp_path):
    database = str(tmp_path / "w.duckdb")
    held = warehouse_connection(database)  # as the run holds the warehouse open
    held.execute("CREATE TABLE t AS SELECT range AS n, repeat('x', 40) || range AS s FROM range(4000000)")
    held.execute("CHECKPOINT")
    held.execute("SELECT count(DISTINCT s) FROM t").fetchall()  # reads every block into the pool

    def pool_mb() -> float:
        return held.execute("SELECT sum(memory_usage_bytes) / 2^20 FROM duckdb_memory()").fetchone()[0]

    limit = held.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    cached = pool_mb()
    with warehouse_connection(database) as hook_connection:  # as the hook connects
        # a pool under the threshold is kept, as it is between the steps of a small run
        assert not evict_cached_blocks(hook_connection, DUCKDB_CONFIG["memory_limit"],
                                       keep_below=buffer_pool_bytes(hook_connection) + 1)
        assert pool_mb() > cached / 2
        assert evict_cached_blocks(hook_connection, DUCKDB_CONFIG["memory_limit"],
                                   keep_below=buffer_pool_bytes(hook_connection))  # (at the threshold: evicted)
    assert cached > 20 and pool_mb() < cached / 4, (cached, pool_mb())
    assert held.execute("SELECT current_setting('memory_limit')").fetchone()[0] == limit
    assert held.execute("SELECT count(*) FROM t").fetchone()[0] == 4_000_000  # the data is all still there
    held.close()


def test_the_release_steps_smaller_pool_holds_for_every_connection_and_is_restored_when_it_fails(tmp_path):
    database = str(tmp_path / "w.duckdb")

    def limit_of(con) -> str:
        return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    with warehouse_connection(database) as held, warehouse_connection(database) as publishing:
        usual = limit_of(held)
        lowering = lowered_memory_limit(publishing, PUBLISH_MEMORY_LIMIT, DUCKDB_CONFIG["memory_limit"])
        with pytest.raises(RuntimeError), lowering:
            lowered = limit_of(held)  # the limit is the database's, not one connection's
            raise RuntimeError("the release failed")
        assert lowered != usual and limit_of(held) == limit_of(publishing) == usual
