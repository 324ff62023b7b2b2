"""Logically transparent networks in the estimators: the checks of
``weight_levels`` and ``binarize_neurons``, and the fitted attributes of levels and
threshold neurons. The phases themselves are in ``_procedure.transparency``."""

import numpy as np

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
            attrs["weight_levels_"] = grids
            coefs = [np.where(Q, nearest_levels(W, G[None, :, :]), W)
                     for W, Q, G in zip(coefs, attrs["quantized_"], grids)]
        attrs["coefs_"] = coefs
        attrs["binary_neurons_"] = (
            [s.copy() for s in steps] if steps is not None else
            [np.zeros(M.shape[1], dtype=bool) for M in masks[:-1]])
        # Two-valued inputs are Boolean conditions in the verbal rules.
        lo, hi = X.min(axis=0), X.max(axis=0)
        two = ((X == lo) | (X == hi)).all(axis=0) & (hi > lo)
        attrs["_input_values"] = np.where(two[:, None], np.stack([lo, hi], axis=1), np.nan)
        return attrs

    def _step_units(self):
        """Threshold neurons for the forward pass, None when there is none."""
        units = getattr(self, "binary_neurons_", None)
        if units is None or not any(u.any() for u in units):
            return None
        return units
