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


def check_no_dates(X, owner):
    """A ValueError naming the date and duration columns of ``X``: numpy cannot
    read them as numbers, and their nanoseconds would be no input to learn from."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and hasattr(dtypes, "items"):  # a DataFrame
        dates = [str(name) for name, dtype in dtypes.items()
                 if getattr(dtype, "kind", "O") in "mM"]
    else:
        dates = ["every column"] if getattr(getattr(X, "dtype", None), "kind", "") in (
            "m", "M") else []
    if dates:
        raise ValueError(f"{owner}: X has datetime or timedelta columns "
                         f"({', '.join(dates)}); convert them to numbers first (e.g. days "
                         "since a date, or the year and the month as columns).")


def check_no_missing_labels(y, owner):
    """A ValueError when class labels ``y`` hold None (missing labels), which
    cannot be sorted among the others."""
    y = np.asarray(y)
    if y.dtype.kind == "O" and any(v is None for v in y.ravel()):
        raise ValueError(f"{owner}: y contains None among its labels (missing labels); "
                         "drop those rows or give them a label.")
