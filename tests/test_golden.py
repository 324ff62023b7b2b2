"""The pruning procedure reproduces its recorded golden outputs.

The cases and how to record them anew are in ``golden_cases.py``. Masks, history
rows, accepted steps and integer outputs must match exactly; floating-point arrays
and scores to 1e-10. The outputs were recorded with the numpy, scipy and
scikit-learn versions that the ``tests`` extra pins (a release of any of them can
move a pruning path by a last bit).
"""

import json
import math
import warnings

import numpy as np
import pytest

import golden_cases

RTOL = ATOL = 1e-10


@pytest.fixture(scope="module")
def golden():
    values = json.loads((golden_cases.GOLDEN_DIR / "values.json").read_text())
    with np.load(golden_cases.GOLDEN_DIR / "arrays.npz") as data:
        arrays = {key: data[key] for key in data.files}
    return arrays, values


def _same_value(expected, actual, where):
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and sorted(expected) == sorted(actual), where
        for key in expected:
            _same_value(expected[key], actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, (list, tuple)) and len(actual) == len(expected), where
        for k, (e, a) in enumerate(zip(expected, actual)):
            _same_value(e, a, f"{where}[{k}]")
    elif isinstance(expected, float) or (isinstance(expected, str) and
                                         expected in ("-inf", "inf", "nan")):
        e = float(expected)
        a = float(actual)
        assert (math.isnan(e) and math.isnan(a)) or math.isclose(
            e, a, rel_tol=RTOL, abs_tol=ATOL), f"{where}: {a!r} != {e!r}"
    else:
        assert expected == actual, f"{where}: {actual!r} != {expected!r}"


@pytest.mark.parametrize("name", sorted(golden_cases.CASES))
def test_reproduces_golden_outputs(name, golden):
    arrays, values = golden
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got_arrays, got_values = golden_cases.run_case(name)
    where = f"{name} (recorded with {values['versions']}, now {golden_cases.versions()})"
    expected_keys = sorted(k[len(name) + 1:] for k in arrays if k.startswith(name + "/"))
    assert sorted(got_arrays) == expected_keys, where
    for key in expected_keys:
        expected, actual = arrays[f"{name}/{key}"], np.asarray(got_arrays[key])
        assert actual.shape == expected.shape, f"{where}: {key} shape"
        if expected.dtype.kind in "fc":
            np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL,
                                       err_msg=f"{where}: {key}")
        else:
            np.testing.assert_array_equal(actual, expected, err_msg=f"{where}: {key}")
    _same_value(values[name], golden_cases._to_json(got_values), where)
