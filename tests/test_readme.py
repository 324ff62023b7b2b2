"""The README's quick tour runs and shows what it says it shows."""

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_quick_tour_runs_and_its_comments_hold():
    blocks = _blocks()
    assert len(blocks) >= 5
    namespace, printed = {}, io.StringIO()
    for block in blocks:
        if "GridSearchCV" in block:
            # 35 fits of the grid: slow for the suite; the grid search with the
            # same refit rule is tested in test_estimators.py.
            continue
        if "parallel_backend(\"dask\")" in block:
            # Starts a Dask cluster; tests/test_dask.py runs the same on a LocalCluster.
            continue
        with contextlib.redirect_stdout(printed):
            exec(compile(block, str(README), "exec"), namespace)
    # "the inputs it kept: array([0, 1, 2, 3, 4])"
    np.testing.assert_array_equal(namespace["clf"].support_.nonzero()[0], range(5))
    assert namespace["clf"].feature_importances_.sum() == pytest.approx(1.0)
    # The rule printed in the README's comment.
    rule = ("at least 3 of {no_nomination_contest, no_third_party, short_term_economy, "
            "policy_change}")
    assert rule in printed.getvalue()
    assert "class: won" in printed.getvalue() and "class: lost" in printed.getvalue()
    assert list(namespace["pipe"][:-1].get_feature_names_out()) == [f"x{i}" for i in range(5)]
