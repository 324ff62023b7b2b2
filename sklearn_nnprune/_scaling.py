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


def mean_and_scale_by_columns(A, block=8):
    """:func:`mean_and_scale` of ``A`` computed a few columns at a time, so that
    its temporaries are a few columns of ``A``, not copies of all of it; in
    float64 whatever the dtype of ``A``."""
    parts = [mean_and_scale(A[:, j:j + block].astype(np.float64))
             for j in range(0, A.shape[1], block)]
    return (np.concatenate([m for m, _ in parts]), np.concatenate([s for _, s in parts]))
