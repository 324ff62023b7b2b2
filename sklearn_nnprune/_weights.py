"""Sample and class weights of a fit: validated, combined, and dropped when they
change nothing.

The estimators weigh every part of a fit by them (the training loss, the
criterion and its standard error, the indicators, the standardization), so that
integer weights act as repeated rows and zero weights as dropped rows.
"""

import numpy as np
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import _check_sample_weight


def fit_weights(sample_weight, X, *, class_weight=None, y_encoded=None, classes=None):
    """The row weights of a fit, or None when every row counts the same.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative, finite, not all zero.
    X : ndarray of shape (n_samples, n_features)
        The validated inputs (their rows and dtype).
    class_weight : dict, "balanced" or None
        For classifiers: a weight per class label, multiplied into the sample
        weights; "balanced" weighs each class by ``n / (n_classes * n_c)``,
        ``n_c`` counting its rows of positive sample weight (so that a zero
        weight still equals a dropped row).
    y_encoded : ndarray of int or None
        The class indices of the rows (classifiers).
    classes : ndarray or None
        The class labels that ``y_encoded`` indexes.

    Returns
    -------
    weights : ndarray of shape (n_samples,) in float64, or None
        None when there are no weights or they are all 1, so that the
        unweighted arithmetic is kept exactly. (Weights count as repeated
        samples: all 2 is every row twice, which only the criterion's standard
        error sees.)
    """
    weights = None
    if sample_weight is not None:
        weights = _check_sample_weight(sample_weight, X, dtype=np.float64,
                                       ensure_non_negative=True, copy=True)
        if not weights.any():
            raise ValueError("sample_weight is zero for every sample; at least one "
                             "sample needs a positive weight.")
    if class_weight is not None:
        weights = _times_class_weight(weights, class_weight, y_encoded, classes)
    if weights is not None and y_encoded is not None:
        _check_weighted_classes(weights, y_encoded, classes)
    if weights is None or np.all(weights == 1.0):
        return None
    _check_total(weights, X.dtype)
    return weights


def _check_total(weights, dtype):
    """The weights' sum must be a number in the dtype the fit computes in."""
    limit = np.finfo(np.float32 if dtype == np.float32 else np.float64).max
    with np.errstate(over="ignore"):
        total = weights.sum()
    if not np.isfinite(total) or total > limit:
        raise ValueError(f"The sample weights (times class_weight) sum to {total:.3g}, "
                         f"beyond the range of {np.dtype(dtype).name} arithmetic; divide "
                         "them by a constant (only their ratios and the L2 term's "
                         "divisor depend on their scale).")


def _times_class_weight(weights, class_weight, y_encoded, classes):
    """``weights`` (None: ones) times the weight of each row's class."""
    if isinstance(class_weight, dict):
        labels = set(classes.tolist())
        unknown = [k for k in class_weight if not _hashable(k) or k not in labels]
        if unknown:
            raise ValueError(f"class_weight names the labels {unknown!r}, which are not "
                             f"classes of y ({classes.tolist()!r}).")
        per_class = np.array([class_weight.get(c, 1.0) for c in classes.tolist()],
                             dtype=np.float64)
        if not np.all(np.isfinite(per_class) & (per_class >= 0)):
            raise ValueError("class_weight values must be finite and non-negative; got "
                             f"{class_weight!r}.")
    else:  # "balanced", over the rows that carry weight
        positive = slice(None) if weights is None else weights > 0
        present = np.unique(y_encoded[positive])
        per_class = np.ones(len(classes))
        per_class[present] = compute_class_weight(
            class_weight, classes=present, y=y_encoded[positive])
    rows = per_class[y_encoded]
    return rows if weights is None else weights * rows


def _hashable(key):
    try:
        hash(key)
    except TypeError:
        return False
    return True


def _check_weighted_classes(weights, y_encoded, classes):
    """Every class of ``y`` needs some weight: the network has an output for it."""
    totals = np.bincount(y_encoded, weights=weights, minlength=len(classes))
    empty = classes[totals <= 0]
    if empty.size:
        raise ValueError(f"The weights (sample_weight times class_weight) are zero for "
                         f"every sample of the classes {empty.tolist()!r}; each class "
                         "needs a positive weight. Remove those samples, or give them "
                         "weight.")


def positive_rows(weights, n_samples):
    """How many rows carry weight: what the rules by data size count."""
    return n_samples if weights is None else int(np.count_nonzero(weights))
