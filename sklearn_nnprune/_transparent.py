"""Logically transparent networks: weight levels and threshold neurons.

The last two simplification problems of METHOD.md section 6, run after pruning by
the estimators (this module holds their loops; the arithmetic is in the small
functions at the top):

- reduced precision of weights (6.5): every weight is fixed, step by step, to one
  of a few levels. The weights whose rounding to the nearest level changes the loss
  least (first-order indicator with the nearest level as reference value) are fixed
  first, the others are retrained, until all are fixed or the criterion fails;
- binarized neurons (6.6): the activation of a hidden neuron is replaced by a
  threshold, neuron by neuron, where the criterion still holds.

Levels are declared in the original units of ``coefs_`` (units of X for the first
layer, of y for the regressor's output layer), while the network trains in
standardized units: an internal weight is ``W = coefs_ * factor`` with a factor per
element (see ``_unit_factors``), so each element has its own grid internally.

With the cross-fitted criterion (``cv``) the networks of the folds share one
structure: which weights are fixed, which are removed (level 0, by majority over
the folds) and which neurons are thresholds; each keeps its own weights and
per-neuron scales, and the fitted network continues the first fold's.
"""

import numbers

import numpy as np

from ._network import forward, step_levels
from ._pruning import cascade, is_viable
from ._sensitivity import average_sensitivities, sensitivities

# Lloyd iterations when fitting the per-neuron scale of "binary"/"ternary"/int levels.
_SCALE_ITERATIONS = 50


def nearest_levels(values, levels):
    """Nearest level of each value. ``levels`` is a 1-D grid shared by all values,
    or an array of grids of shape ``values.shape + (n_levels,)`` (broadcastable)."""
    levels = np.asarray(levels)
    idx = np.abs(values[..., None] - levels).argmin(axis=-1)
    if levels.ndim == 1:
        return levels[idx]
    levels = np.broadcast_to(levels, values.shape + levels.shape[-1:])
    return np.take_along_axis(levels, idx[..., None], axis=-1)[..., 0]


def fit_level_scales(W, active, base):
    """Per-column scale s minimizing ``sum_i (w_ij - s_j q_ij)^2`` over the active
    weights, with q_ij the nearest base level of w_ij / s_j (Lloyd's iterations
    started from ``s = max |w|``). Columns without active weights get s = 1."""
    absW = np.where(active, np.abs(W), 0.0)
    s = absW.max(axis=0) / np.abs(base).max()
    s[s <= 0] = 1.0
    for _ in range(_SCALE_ITERATIONS):
        q = nearest_levels(W / s, base)
        num = (active * W * q).sum(axis=0)
        den = (active * q * q).sum(axis=0)
        new = np.where((den > 0) & (num > 0), num / np.where(den > 0, den, 1.0), s)
        if np.array_equal(new, s):
            break
        s = new
    return s


class _TransparentMixin:
    """Quantization and binarization phases of the pruned estimators."""

    # ---------------------------------------------------------------- checks
    def _level_spec(self):
        """(base levels, scaled): sorted distinct base levels, and whether they are
        multiplied by a per-neuron scale fitted to the weights. None: no levels."""
        levels = self.weight_levels
        if levels is None:
            return None
        if isinstance(levels, str):
            base = [-1.0, 1.0] if levels == "binary" else [-1.0, 0.0, 1.0]
            return np.array(base), True
        if isinstance(levels, numbers.Integral):
            return np.linspace(-1.0, 1.0, int(levels)), True
        try:
            values = np.asarray(levels, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError("weight_levels must be None, 'binary', 'ternary', an int >= 2 "
                             f"or a 1-D sequence of numbers; got {levels!r}.") from None
        if values.ndim != 1:
            raise ValueError("weight_levels must be a 1-D sequence of numbers; got an "
                             f"array of shape {values.shape}.")
        if not np.isfinite(values).all():
            raise ValueError(f"weight_levels must be finite numbers; got {levels!r}.")
        values = np.unique(values)
        if values.size < 2:
            raise ValueError("weight_levels needs at least 2 distinct levels (one level "
                             f"cannot encode anything); got {levels!r}.")
        return values, False

    def _check_transparency(self, hidden):
        self._level_spec()
        if self.binarize_neurons:
            if not hidden:
                raise ValueError("binarize_neurons=True needs at least one hidden layer: "
                                 "the output neurons are never binarized.")
            if self.activation == "identity":
                raise ValueError("binarize_neurons=True cannot apply to "
                                 "activation='identity': a linear neuron has no range "
                                 "whose limits a threshold could output; use 'tanh', "
                                 "'logistic', 'rational' or 'relu'.")

    # ---------------------------------------------------------------- levels
    def _unit_factors(self, masks):
        """Per layer, an array broadcastable to the weights: internal = original *
        factor (inputs are standardized; the regressor's targets too)."""
        n_out = masks[-1].shape[1]
        out_scale = self._output_to_original(np.ones((1, n_out)), np.zeros(n_out))[0]
        factors = [np.ones((1, 1)) for _ in masks]
        factors[0] = factors[0] * self._x_scale[:, None]
        factors[-1] = factors[-1] / out_scale
        return factors

    def _level_grids(self, net, scales, base, scaled, factors):
        """Refit the scales of the neurons none of whose weights is fixed to a nonzero
        level yet; return the grids, one (n_units, n_levels) array per layer."""
        grids = []
        for layer, (W, M, F) in enumerate(zip(net.coefs, net.masks, net.frozen)):
            if scaled:
                free = ~(F & M).any(axis=0)
                if free.any():
                    fitted = fit_level_scales(W / factors[layer], M, base)
                    scales[layer][free] = fitted[free]
                grids.append(scales[layer][:, None] * base[None, :])
            else:
                grids.append(np.broadcast_to(base, (W.shape[1], base.size)))
        return grids

    def _level_targets(self, state, scales, base, scaled, factors):
        """The level each weight of each fold's network would be fixed to (internal
        units). The networks share one structure, so whether a weight goes to the
        level 0 (is removed) is decided by majority over the networks; a network
        outvoted takes its nearest level on the other side of that decision."""
        targets, zeros = [], []
        for net, net_scales in zip(state.nets, scales):
            grids = self._level_grids(net, net_scales, base, scaled, factors)
            per_layer = []
            for W, f, G in zip(net.coefs, factors, grids):
                T = nearest_levels(W / f, G[None, :, :])
                nonzero = nearest_levels(W / f, np.where(G == 0.0, np.inf, G)[None, :, :])
                per_layer.append((T, nonzero))
            targets.append(per_layer)
            zeros.append([T == 0.0 for T, _ in per_layer])
        n = len(state.nets)
        removed = [2 * sum(z[layer] for z in zeros) > n for layer in range(len(factors))]
        return [[np.where(R, 0.0, np.where(T == 0.0, nz, T)) * f
                 for (T, nz), R, f in zip(per_layer, removed, factors)]
                for per_layer in targets]

    def _quantize(self, state, ctx):
        """Fix the weights to their levels step by step (METHOD.md 6.5)."""
        base, scaled = self._level_spec()
        factors = self._unit_factors(state.masks)
        frozen = [np.zeros(M.shape, dtype=bool) for M in state.masks]
        for net in state.nets:
            net.frozen = frozen
        scales = [[np.ones(M.shape[1]) for M in state.masks] for _ in state.nets]
        current = {}

        def rank(st):
            current["targets"] = self._level_targets(st, scales, base, scaled, factors)
            return self._rank_for_levels(st, current["targets"], ctx)

        # A step whose zero levels would cut every path to the output is refused
        # (_fix_weights returns None).
        state = self._back_off_search(
            [("levels", rank,
              lambda st, batch: self._fix_weights(st, batch, current["targets"], ctx))],
            state, ctx, forced=self.tolerance is None)
        # The fitted network continues the first fold's network.
        self._level_scales = scales[0]
        return state

    def _rank_for_levels(self, state, targets, ctx):
        """Free weights ordered by the first-order change of the loss when rounded to
        their level, summed over the networks of all folds."""
        total = None
        for net, fold, net_targets in zip(state.nets, ctx["folds"], targets):
            ind = average_sensitivities(
                fold.X, fold.Y, net.snapshots, self.activation, self._output_activation,
                kinds=("synapses",), how=self.indicator,
                synapse_reference=net_targets)["synapses"]
            total = ind if total is None else [t + i for t, i in zip(total, ind)]
        keys, values = [], []
        frozen = state.nets[0].frozen
        for layer, (M, F) in enumerate(zip(state.masks, frozen)):
            i, j = np.nonzero(M & ~F)
            keys += list(zip([layer] * len(i), i.tolist(), j.tolist()))
            values.append(total[layer][i, j])
        if not keys:
            return []
        order = np.argsort(np.concatenate(values), kind="stable")
        return [keys[k] for k in order]

    def _fix_weights(self, state, batch, targets, ctx):
        """Set the weights of ``batch`` to their levels (a zero level removes the
        synapse), freeze them, cascade, retrain the rest. None when the network
        would not be viable."""
        layers, rows, cols = (np.array(a) for a in zip(*batch))
        frozen = [F.copy() for F in state.nets[0].frozen]
        networks = []
        for net, net_targets in zip(state.nets, targets):
            coefs = [W.copy() for W in net.coefs]
            masks = [M.copy() for M in net.masks]
            for layer in np.unique(layers):
                at = layers == layer
                i, j = rows[at], cols[at]
                values = net_targets[layer][i, j]
                coefs[layer][i, j] = values
                masks[layer][i, j] = values != 0.0
                frozen[layer][i, j] = values != 0.0
            networks.append(cascade(coefs, net.intercepts, masks, self.activation))
        masks = networks[0][2]
        if not is_viable(masks):
            return None
        frozen = [F & M for F, M in zip(frozen, masks)]
        return self._retrained(state, networks, ctx, frozen, None)

    def _retrained(self, state, networks, ctx, frozen, steps):
        """Retrain the (coefs, intercepts, masks) of every fold's network briefly."""
        # Same classes as the pruning loop's (_estimators imports this module).
        Net, State = type(state.nets[0]), type(state)
        nets = []
        for (coefs, intercepts, masks), fold in zip(networks, ctx["folds"]):
            coefs, intercepts, info = self._train(fold.X, fold.Y, coefs, intercepts, masks,
                                                  self.retrain_iter, ctx["rng"],
                                                  frozen=frozen, steps=steps)
            nets.append(Net(coefs, intercepts, masks, info["snapshots"], frozen, steps))
        return State(nets)

    # ------------------------------------------------------------ threshold
    def _binarize(self, state, ctx):
        """Replace hidden activations by thresholds, neuron by neuron, keeping each
        replacement only if the criterion still holds (METHOD.md 6.6)."""
        steps = [np.zeros(M.shape[1], dtype=bool) for M in state.masks[:-1]]
        for net in state.nets:
            net.steps = steps
        forced = self.tolerance is None
        tried = [s.copy() for s in steps]
        while True:
            key = self._least_binarization_change(state, tried, ctx)
            if key is None:
                break
            layer, j = key
            tried[layer - 1][j] = True
            new_steps = [s.copy() for s in state.nets[0].steps]
            new_steps[layer - 1][j] = True
            new = self._retrained(
                state, [(net.coefs, net.intercepts, net.masks) for net in state.nets], ctx,
                state.nets[0].frozen, new_steps)
            contributions = self._criterion_contributions(new, ctx["folds"])
            accepted = forced or self._criterion_holds(contributions, ctx)
            self._record("binarize", [key], accepted, forced, contributions.sum(),
                         new.masks)
            if accepted:
                if not forced:
                    self._accept(contributions, ctx)
                state = new
        return state

    def _least_binarization_change(self, state, tried, ctx):
        """The untried live neuron whose replacement by a threshold changes the loss
        least to first order: indicator |dh/da (a - step(z))| summed over the samples
        and the networks of all folds."""
        low, high = step_levels(self.activation)
        total = None
        for net, fold in zip(state.nets, ctx["folds"]):
            acts = forward(fold.X, net.coefs, net.intercepts, self.activation,
                           self._output_activation, net.steps)
            reference = [np.where(a @ W + b >= 0.0, high, low)
                         for a, W, b in zip(acts[:-2], net.coefs, net.intercepts)]
            ind = sensitivities(fold.X, fold.Y, net.coefs, net.intercepts, self.activation,
                                self._output_activation, kinds=("neurons",),
                                how=self.indicator, neuron_reference=reference,
                                step_units=net.steps)["neurons"]
            total = ind if total is None else [t + i for t, i in zip(total, ind)]
        masks = state.masks
        best, best_value = None, np.inf
        for layer in range(1, len(masks)):
            alive = masks[layer - 1].any(axis=0) & masks[layer].any(axis=1)
            free = np.flatnonzero(alive & ~tried[layer - 1])
            if free.size:
                k = free[np.argmin(total[layer - 1][free])]
                if total[layer - 1][k] < best_value:
                    best, best_value = (layer, int(k)), total[layer - 1][k]
        return best

    # -------------------------------------------------------- fitted results
    def _set_transparent_fitted(self, net, X):
        """Fitted attributes of the transparency phases; put the fixed weights of
        ``coefs_`` exactly on their levels (undoing the unit conversion's rounding)."""
        frozen, steps = net.frozen, net.steps
        masks = self.masks_
        if frozen is None:
            self.quantized_ = [np.zeros(M.shape, dtype=bool) for M in masks]
        else:
            self.quantized_ = [F & M for F, M in zip(frozen, masks)]
        self.weight_levels_ = None
        if frozen is not None:
            base, scaled = self._level_spec()
            grids = [s[:, None] * base[None, :] if scaled
                     else np.tile(base, (M.shape[1], 1))
                     for s, M in zip(self._level_scales, masks)]
            self.weight_levels_ = grids
            for W, Q, G in zip(self.coefs_, self.quantized_, grids):
                W[Q] = nearest_levels(W, G[None, :, :])[Q]
        self.binary_neurons_ = ([s.copy() for s in steps] if steps is not None else
                                [np.zeros(M.shape[1], dtype=bool) for M in masks[:-1]])
        # Two-valued inputs are Boolean conditions in the verbal rules.
        lo, hi = X.min(axis=0), X.max(axis=0)
        two = ((X == lo) | (X == hi)).all(axis=0) & (hi > lo)
        self._input_values = np.where(two[:, None], np.stack([lo, hi], axis=1), np.nan)

    def _step_units(self):
        """Threshold neurons for the forward pass, None when there is none."""
        units = getattr(self, "binary_neurons_", None)
        if units is None or not any(u.any() for u in units):
            return None
        return units

