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
