"""Standardization of inputs and targets, safe at any magnitude."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.sparsefuncs import mean_variance_axis, min_max_axis


def mean_and_scale(A, *, inputs=False):
    """Column means and standard deviations for standardizing ``A``.

    Columns beyond 1e150 in magnitude, or below 1e-150, are divided by their
    magnitude first: the squares in the variance would overflow or underflow. A
    column is constant when its deviation is within rounding error of its
    magnitude (not of 1: a feature measured in tiny units still varies); it keeps
    the unit scale.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_columns)
        The data.
    inputs : bool, default=False
        Whether ``A`` holds the inputs X. The weights in the inputs' own units are
        the standardized ones divided by the scales, so an input column whose scale
        is subnormal (below the smallest normal float64, about 2.2e-308: a column
        varying by subnormal amounts, or a constant one of subnormal magnitude)
        would make them overflow; its variation is below float64's precision, and
        it counts as constant, with the unit scale 1. A target's scales multiply
        the output weights and are kept.

    Returns
    -------
    mean, scale : ndarray of shape (n_columns,)
    """
    size = np.abs(A).max(axis=0)
    unit = np.where((size > 1e150) | ((size > 0) & (size < 1e-150)), size, 1.0)
    unit_A = A / unit
    mean = unit_A.mean(axis=0)
    scale = unit_A.std(axis=0)
    return mean * unit, _scale_or_unit(scale, size, unit, inputs)


def mean_and_scale_in_chunks(A, rows=65_536):
    """:func:`mean_and_scale` of the inputs ``A`` accumulated over chunks of ``rows``
    rows, so that its temporaries are a few rows of ``A``, not copies of all of it;
    in float64 whatever the dtype of ``A`` (sums in another order than numpy's, so
    equal to :func:`mean_and_scale` up to rounding)."""
    chunks = [A[start:start + rows] for start in range(0, A.shape[0], rows)]
    size = np.max([np.abs(c).max(axis=0).astype(np.float64) for c in chunks], axis=0)
    unit = np.where((size > 1e150) | ((size > 0) & (size < 1e-150)), size, 1.0)
    n = A.shape[0]
    mean = sum((c / unit).sum(axis=0) for c in chunks) / n
    scale = np.sqrt(sum(((c / unit - mean) ** 2).sum(axis=0) for c in chunks) / n)
    return mean * unit, _scale_or_unit(scale, size, unit, inputs=True)


def _scale_or_unit(scale, size, unit, inputs):
    """The scales in the columns' own units, with the unit scale for constant
    columns (see :func:`mean_and_scale`)."""
    constant = scale <= 10 * np.finfo(np.float64).eps * (size / unit)
    scale[constant] = 1.0
    scale = scale * unit
    if inputs:
        scale[scale < np.finfo(np.float64).tiny] = 1.0
    return scale


def weighted_mean_and_scale(A, weights, *, inputs=False, rows=65_536):
    """:func:`mean_and_scale` with row ``weights``: the weighted mean and standard
    deviation, the magnitudes taken over the rows of positive weight (integer
    weights: the statistics of the rows repeated; zero weights: of the rows
    dropped), accumulated over chunks of ``rows`` rows in float64; ``inputs`` as
    for :func:`mean_and_scale`."""
    chunks = [slice(start, start + rows) for start in range(0, A.shape[0], rows)]
    parts = [(A[c][weights[c] > 0], weights[c][weights[c] > 0]) for c in chunks]
    size = np.max([np.abs(a).max(axis=0, initial=0.0).astype(np.float64)
                   for a, _ in parts], axis=0)
    unit = np.where((size > 1e150) | ((size > 0) & (size < 1e-150)), size, 1.0)
    total = weights.sum()
    mean = sum(w @ (a / unit) for a, w in parts) / total
    scale = np.sqrt(sum(w @ ((a / unit - mean) ** 2) for a, w in parts) / total)
    return mean * unit, _scale_or_unit(scale, size, unit, inputs)


def sparse_scale(X, sample_weight=None):
    """``(scale, mean)`` for scaling scipy sparse ``X`` without centring (centring
    would fill every zero): ``scale`` is the column standard deviation (weighted
    by ``sample_weight``), 1 for a constant column (the rule of
    :func:`mean_and_scale` for inputs, magnitudes and subnormal scales included),
    and ``mean`` the column mean in the scaled units (``mean / scale``), the value
    of an input at its mean in the network's space. Computed on the stored
    entries alone, in float64."""
    X = X.tocsc().astype(np.float64)  # a copy: the caller's matrix is untouched
    X.sum_duplicates()
    low, high = min_max_axis(X, axis=0)
    size = np.maximum(np.abs(low), np.abs(high))
    unit = np.where((size > 1e150) | ((size > 0) & (size < 1e-150)), size, 1.0)
    X.data /= np.repeat(unit, np.diff(X.indptr))
    mean, variance = mean_variance_axis(X, axis=0, weights=sample_weight)
    scale = _scale_or_unit(np.sqrt(variance), size, unit, inputs=True)
    return scale, mean * unit / scale


def scaled_sparse(X, scale, dtype):
    """``X / scale`` column by column as a new canonical CSR matrix of ``dtype``
    (the input is never modified); zeros stay zeros."""
    X = X.tocsr().astype(dtype, copy=True)
    X.sum_duplicates()
    X.data /= scale.astype(dtype)[X.indices]
    return X


def standardized(X, mean, scale):
    """``(X - mean) / scale``, or for scipy sparse ``X`` (scaled without centring,
    ``mean`` 0) :func:`scaled_sparse`, in the dtype of ``X``."""
    if sp.issparse(X):
        return scaled_sparse(X, scale, X.dtype)
    return (X - mean) / scale
