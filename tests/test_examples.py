"""Every gallery example (examples/plot_*.py) runs on its own and exits cleanly."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("plot_*.py"))
TIMEOUT = 120  # seconds per example; each is meant to run in well under a minute
# The examples are independent single-threaded processes: two at a time use both
# cores of the CI machine while the rest of the suite runs on one.
CONCURRENT_EXAMPLES = 2


def _run(script, folder):
    env = dict(os.environ, MPLBACKEND="Agg")
    # The examples work on small matrices, where threaded BLAS and OpenMP only
    # add start-up cost (several times slower on a busy machine); joblib's
    # workers inherit these limits.
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    try:
        return subprocess.run([sys.executable, str(script)], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None


@pytest.fixture(scope="module")
def example_runs(request, tmp_path_factory):
    """Run the selected examples once, two at a time, each from its own empty folder
    so that an example that writes files leaves no trace in the repository."""
    selected = [item.callspec.params["script"] for item in request.session.items
                if getattr(item, "originalname", None) == "test_example_runs"]
    folders = [tmp_path_factory.mktemp(script.stem) for script in selected]
    with ThreadPoolExecutor(CONCURRENT_EXAMPLES) as pool:
        results = list(pool.map(_run, selected, folders))
    return dict(zip(selected, results))


def test_examples_are_found():
    # Guards against the glob silently matching nothing (a moved folder would
    # otherwise turn the parametrized test below into zero tests).
    assert len(EXAMPLES) >= 2, f"no examples found next to {Path(__file__).parent}"


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, example_runs):
    result = example_runs[script]
    if result is None:
        pytest.fail(f"{script.name} did not finish within {TIMEOUT} s")
    assert result.returncode == 0, (
        f"{script.name} exited with {result.returncode}\n"
        f"--- stdout (end) ---\n{result.stdout[-3000:]}\n"
        f"--- stderr (end) ---\n{result.stderr[-3000:]}")
