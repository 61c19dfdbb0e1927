"""Worker pools end by themselves: a pool used in a process that ignores SIGTERM (as under
``nohup``-like supervisors, which pass it on to every child) must not wait for ever for a worker
that a terminate signal cannot stop."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import REPO

SCRIPT = textwrap.dedent("""
    import signal
    from posture.processes import WorkerPool, spawned_pool

    if __name__ == "__main__":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # inherited by the spawned workers
        for _ in range(5):
            with spawned_pool(2) as pool:
                assert pool.map(abs, range(-50, 0)) == list(range(50, 0, -1))
        with WorkerPool(2) as pool:
            assert pool.map(abs, list(range(-300, 0))) == list(range(300, 0, -1))
        print("all pools ended")
""")


def test_pools_end_in_a_process_that_ignores_sigterm(tmp_path):
    script = tmp_path / "pools.py"
    script.write_text(SCRIPT, encoding="utf-8")
    # (a pool that terminated its workers hung here; the timeout kills with SIGKILL, which nothing ignores)
    done = subprocess.run([sys.executable, str(script)], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "all pools ended"
