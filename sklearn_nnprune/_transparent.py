"""Logically transparent networks in the estimators: the checks of
``weight_levels`` and ``binarize_neurons``, and the fitted attributes of levels and
threshold neurons. The phases themselves are in ``_procedure.transparency``."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.sparsefuncs import min_max_axis

from ._levels import nearest_levels
from ._procedure.transparency import level_spec


class _TransparentMixin:
    """Checks and fitted attributes of the transparency phases."""

    def _check_transparency(self, hidden):
        level_spec(self.weight_levels)
        if self.binarize_neurons:
            if not hidden:
                raise ValueError("binarize_neurons=True needs at least one hidden layer: "
                                 "the output neurons are never binarized.")
            if self.activation == "identity":
                raise ValueError("binarize_neurons=True cannot apply to "
                                 "activation='identity': a linear neuron has no range "
                                 "whose limits a threshold could output; use 'tanh', "
                                 "'logistic', 'rational' or 'relu'.")

    def _transparent_attributes(self, net, X, masks, coefs, level_scales):
        """Fitted attributes of the transparency phases for the returned network
        ``net``, whose ``masks`` and ``coefs`` (original units) are given; the
        fixed weights of ``coefs`` are put exactly on their levels (undoing the
        unit conversion's rounding)."""
        frozen, steps = net.frozen, net.steps
        attrs = {}
        if frozen is None:
            attrs["quantized_"] = [np.zeros(M.shape, dtype=bool) for M in masks]
        else:
            attrs["quantized_"] = [F & M for F, M in zip(frozen, masks)]
        attrs["weight_levels_"] = None
        if frozen is not None:
            base, scaled = level_spec(self.weight_levels)
            grids = [s[:, None] * base[None, :] if scaled
                     else np.tile(base, (M.shape[1], 1))
                     for s, M in zip(level_scales, masks)]
            # In the dtype of the weights (float32 for float32 data), so that a
            # fixed weight still equals its level exactly.
            grids = [G.astype(coefs[0].dtype, copy=False) for G in grids]
            attrs["weight_levels_"] = grids
            coefs = [np.where(Q, nearest_levels(W, G[None, :, :]), W).astype(W.dtype,
                                                                               copy=False)
                     for W, Q, G in zip(coefs, attrs["quantized_"], grids)]
        attrs["coefs_"] = coefs
        attrs["binary_neurons_"] = (
            [s.copy() for s in steps] if steps is not None else
            [np.zeros(M.shape[1], dtype=bool) for M in masks[:-1]])
        # Two-valued inputs are Boolean conditions in the verbal rules.
        lo, hi, two = _two_valued(X)
        attrs["_input_values"] = np.where(two[:, None], np.stack([lo, hi], axis=1), np.nan)
        return attrs

    def _step_units(self):
        """Threshold neurons for the forward pass, None when there is none."""
        units = getattr(self, "binary_neurons_", None)
        if units is None or not any(u.any() for u in units):
            return None
        return units


def _two_valued(X):
    """``(lo, hi, two)``: each column's minimum and maximum and whether it takes
    exactly these two values; for sparse ``X`` from its stored entries and its
    implicit zeros, without densifying."""
    if not sp.issparse(X):
        lo, hi = X.min(axis=0), X.max(axis=0)
        return lo, hi, ((X == lo) | (X == hi)).all(axis=0) & (hi > lo)
    X = X.tocsc(copy=True)
    X.sum_duplicates()
    lo, hi = min_max_axis(X, axis=0)
    counts = np.diff(X.indptr)
    column = np.repeat(np.arange(X.shape[1]), counts)
    other = (X.data != lo[column]) & (X.data != hi[column])
    # An implicit zero is a third value unless 0 is the minimum or the maximum.
    zero_other = (counts < X.shape[0]) & (lo != 0) & (hi != 0)
    two = (np.bincount(column, weights=other, minlength=X.shape[1]) == 0) & ~zero_other
    return lo, hi, two & (hi > lo)
