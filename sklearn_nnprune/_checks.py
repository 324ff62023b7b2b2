"""Checks of targets shared by the estimators and the committee."""

import numpy as np
from sklearn.utils import assert_all_finite


def _reads_as_number(value):
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def numeric_target(y, owner):
    """``y`` as finite float64 numbers, or a ValueError naming what it holds.

    Numbers, or text and objects that read as numbers; not dates or labels.
    """
    problem = None
    if y.dtype.kind not in "biufUSO":
        problem = f"dtype {y.dtype}"
    else:
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            example = next(v for v in y.flat if not _reads_as_number(v))
            problem = f"values such as {str(example)!r}"
    if problem is not None:
        raise ValueError(f"{owner} needs a numeric target; y has {problem}.")
    assert_all_finite(y, input_name="y")
    return y
