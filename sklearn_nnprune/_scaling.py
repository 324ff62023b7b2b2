"""Standardization of inputs and targets, safe at any magnitude."""

import numpy as np


def mean_and_scale(A):
    """Column means and standard deviations for standardizing ``A``.

    Columns beyond 1e150 in magnitude, or below 1e-150, are divided by their
    magnitude first: the squares in the variance would overflow or underflow. A
    column is constant when its deviation is within rounding error of its
    magnitude (not of 1: a feature measured in tiny units still varies); it keeps
    the unit scale.
    """
    size = np.abs(A).max(axis=0)
    unit = np.where((size > 1e150) | ((size > 0) & (size < 1e-150)), size, 1.0)
    unit_A = A / unit
    mean = unit_A.mean(axis=0)
    scale = unit_A.std(axis=0)
    constant = scale <= 10 * np.finfo(np.float64).eps * (size / unit)
    scale[constant] = 1.0
    return mean * unit, scale * unit


def mean_and_scale_in_chunks(A, rows=65_536):
    """:func:`mean_and_scale` of ``A`` accumulated over chunks of ``rows`` rows, so
    that its temporaries are a few rows of ``A``, not copies of all of it; in
    float64 whatever the dtype of ``A`` (sums in another order than numpy's, so
    equal to :func:`mean_and_scale` up to rounding)."""
    chunks = [A[start:start + rows] for start in range(0, A.shape[0], rows)]
    size = np.max([np.abs(c).max(axis=0).astype(np.float64) for c in chunks], axis=0)
    unit = np.where((size > 1e150) | ((size > 0) & (size < 1e-150)), size, 1.0)
    n = A.shape[0]
    mean = sum((c / unit).sum(axis=0) for c in chunks) / n
    scale = np.sqrt(sum(((c / unit - mean) ** 2).sum(axis=0) for c in chunks) / n)
    constant = scale <= 10 * np.finfo(np.float64).eps * (size / unit)
    scale[constant] = 1.0
    return mean * unit, scale * unit


def weighted_mean_and_scale(A, weights, rows=65_536):
    """:func:`mean_and_scale` with row ``weights``: the weighted mean and standard
    deviation, the magnitudes taken over the rows of positive weight (integer
    weights: the statistics of the rows repeated; zero weights: of the rows
    dropped), accumulated over chunks of ``rows`` rows in float64."""
    chunks = [slice(start, start + rows) for start in range(0, A.shape[0], rows)]
    parts = [(A[c][weights[c] > 0], weights[c][weights[c] > 0]) for c in chunks]
    size = np.max([np.abs(a).max(axis=0, initial=0.0).astype(np.float64)
                   for a, _ in parts], axis=0)
    unit = np.where((size > 1e150) | ((size > 0) & (size < 1e-150)), size, 1.0)
    total = weights.sum()
    mean = sum(w @ (a / unit) for a, w in parts) / total
    scale = np.sqrt(sum(w @ ((a / unit - mean) ** 2) for a, w in parts) / total)
    constant = scale <= 10 * np.finfo(np.float64).eps * (size / unit)
    scale[constant] = 1.0
    return mean * unit, scale * unit
