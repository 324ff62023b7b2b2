"""What kind of target: class labels or numeric values."""

import numpy as np
from pandas.api.types import infer_dtype

# pandas.api.types.infer_dtype's names for arrays holding only numbers.
_NUMBERS = ("integer", "floating", "mixed-integer-float")


def holds_class_labels(y, *, integers_are_labels=True):
    """Whether a target holds class labels rather than numeric values.

    Labels: text, Booleans, integers (unless ``integers_are_labels`` is False), and
    floats that are all whole and take few distinct values (at most
    ``max(2, min(20, n_samples // 5))``); with ``integers_are_labels=False`` that
    rule decides for integers too (a CSV column of counts). A float target of whole
    numbers with many values (``load_diabetes``) is numeric, where scikit-learn's
    ``type_of_target`` calls it "multiclass". Shared by
    NetworkInputSelector (its default network), InputBinarizer (its stump) and the
    ``nnprune`` command.
    """
    y = np.asarray(y)
    if y.dtype.kind == "O":
        # Objects are numbers only when every one is (pandas' object columns); a
        # Boolean, None or text among them makes the column labels.
        if infer_dtype(y.ravel(), skipna=False) not in _NUMBERS:
            return True
        y = y.astype(np.float64)
    if y.dtype.kind in "iu" and integers_are_labels:
        return True
    if y.dtype.kind not in "iuf":
        return True
    if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
        return False
    return bool(np.unique(y).size <= max(2, min(20, y.shape[0] // 5)))
