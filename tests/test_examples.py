"""Every gallery example (examples/plot_*.py) runs on its own and exits cleanly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("plot_*.py"))
TIMEOUT = 120  # seconds per example; each is meant to run in well under a minute


def test_examples_are_found():
    # Guards against the glob silently matching nothing (a moved folder would
    # otherwise turn the parametrized test below into zero tests).
    assert len(EXAMPLES) >= 2, f"no examples found next to {Path(__file__).parent}"


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    # The examples work on small matrices, where threaded BLAS and OpenMP only
    # add start-up cost (several times slower on a busy machine); joblib's
    # workers inherit these limits.
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    # Run from an empty folder so that an example that writes files leaves no
    # trace in the repository.
    try:
        result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{script.name} did not finish within {TIMEOUT} s")
    assert result.returncode == 0, (
        f"{script.name} exited with {result.returncode}\n"
        f"--- stdout (end) ---\n{result.stdout[-3000:]}\n"
        f"--- stderr (end) ---\n{result.stderr[-3000:]}")
