"""The last two simplification problems of METHOD.md section 6, run after pruning:

- reduced precision of weights (6.5): every weight is fixed, step by step, to one
  of a few levels. The weights whose rounding to the nearest level changes the loss
  least (first-order indicator with the nearest level as reference value) are fixed
  first, the others are retrained, until all are fixed or the criterion fails;
- binarized neurons (6.6): the activation of a hidden neuron is replaced by a
  threshold, neuron by neuron, where the criterion still holds.

Levels are declared in the original units of ``coefs_`` (units of X for the first
layer, of y for the regressor's output layer), while the network trains in
standardized units: an internal weight is ``W = coefs_ * factor`` with a factor per
element (:func:`unit_factors`), so each element has its own grid internally.

With the cross-fitted criterion the networks of the folds share one structure:
which weights are fixed, which are removed (level 0, by majority over the folds)
and which neurons are thresholds; each keeps its own weights and per-neuron
scales, and the fitted network continues the first fold's.
"""

import numbers

import numpy as np

from .._levels import fit_level_scales, nearest_levels
from .._pruning import cascade, is_viable
from .history import Step
from .ranking import least_binarization_change, rank_level_fixing
from .search import Move
from .state import State


def level_spec(weight_levels):
    """``(base, scaled)``: the sorted distinct base levels, and whether they are
    multiplied by a per-neuron scale fitted to the weights; None without levels.
    A ValueError names a ``weight_levels`` that is none of the allowed forms."""
    levels = weight_levels
    if levels is None:
        return None
    if isinstance(levels, str):
        base = [-1.0, 1.0] if levels == "binary" else [-1.0, 0.0, 1.0]
        return np.array(base), True
    if isinstance(levels, numbers.Integral):
        _check_count(int(levels), levels)
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
    _check_count(values.size, f"a sequence of {values.size} distinct values")
    return values, False


# Reduced precision means few levels; the level search holds one array of every
# weight's distance to every level (a billion levels asked for 45 GB).
MAX_LEVELS = 256


def _check_count(n_levels, shown):
    if n_levels > MAX_LEVELS:
        raise ValueError(f"weight_levels={shown} asks for {n_levels} levels; at most "
                         f"{MAX_LEVELS} (8 bits) are allowed: reduced precision means "
                         "few levels. Use weight_levels=None for full precision.")


def unit_factors(n_layers, x_scale, out_scale):
    """Per layer, an array broadcastable to the weights: internal = original *
    factor (inputs are standardized by ``x_scale``, outputs by ``out_scale``)."""
    factors = [np.ones((1, 1)) for _ in range(n_layers)]
    factors[0] = factors[0] * x_scale[:, None]
    factors[-1] = factors[-1] / out_scale
    return tuple(factors)


def level_grids(net, base, scaled, factors):
    """``(grids, scales)``: per layer, the (n_units, n_levels) levels of ``net``,
    after refitting the scales of the units none of whose weights is fixed to a
    nonzero level yet (the others keep theirs)."""
    grids, scales = [], []
    for layer, (W, M, F) in enumerate(zip(net.coefs, net.masks, net.frozen)):
        s = net.level_scales[layer]
        if scaled:
            free = ~(F & M).any(axis=0)
            if free.any():
                s = s.copy()
                s[free] = fit_level_scales(W / factors[layer], M, base)[free]
            grids.append(s[:, None] * base[None, :])
        else:
            grids.append(np.broadcast_to(base, (W.shape[1], base.size)))
        scales.append(s)
    return grids, scales


def level_targets(state, base, scaled, factors):
    """``(targets, scales)``: the level each weight of each fold's network would be
    fixed to (internal units), and each network's scales. The networks share one
    structure, so whether a weight goes to the level 0 (is removed) is decided by
    majority over the networks; a network outvoted takes its nearest level on the
    other side of that decision."""
    targets, zeros, scales = [], [], []
    for net in state.nets:
        grids, net_scales = level_grids(net, base, scaled, factors)
        scales.append(net_scales)
        per_layer = []
        for W, f, G in zip(net.coefs, factors, grids):
            T = nearest_levels(W / f, G[None, :, :])
            nonzero = nearest_levels(W / f, np.where(G == 0.0, np.inf, G)[None, :, :])
            per_layer.append((T, nonzero))
        targets.append(per_layer)
        zeros.append([T == 0.0 for T, _ in per_layer])
    n = len(state.nets)
    removed = [2 * sum(z[layer] for z in zeros) > n for layer in range(len(factors))]
    targets = [[np.where(R, 0.0, np.where(T == 0.0, nz, T)) * f
                for (T, nz), R, f in zip(per_layer, removed, factors)]
               for per_layer in targets]
    return targets, scales


def quantize(search, progress):
    """Fix the weights to their levels step by step (METHOD.md 6.5).

    Returns the progress and the level scales of the first fold's network, which
    the fitted network continues.
    """
    settings = search.settings
    base, scaled = settings.levels
    factors = settings.unit_factors
    frozen = [np.zeros(M.shape, dtype=bool) for M in progress.state.masks]
    state = State(tuple(net._replace(frozen=frozen,
                                     level_scales=[np.ones(M.shape[1]) for M in net.masks])
                        for net in progress.state.nets))
    progress = progress._replace(state=state)
    folds = search.criterion.folds

    def rank(st):
        targets, scales = level_targets(st, base, scaled, factors)
        return rank_level_fixing(st, targets, folds, settings), (targets, scales)

    def attempt(st, batch, context):
        return _fix_weights(search, st, batch, *context)

    progress = search.back_off_search([Move("levels", rank, attempt)], progress,
                                      forced=settings.tolerance is None)
    # The fitted network continues the first fold's, with the scales of its units
    # refitted as a ranking of the final network would (those of the units with a
    # weight fixed stay as they were).
    return progress, level_grids(progress.state.nets[0], base, scaled, factors)[1]


def _fix_weights(search, state, batch, targets, scales):
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
        networks.append(cascade(coefs, net.intercepts, masks, search.settings.activation))
    masks = networks[0][2]
    if not is_viable(masks):
        return None
    frozen = [F & M for F, M in zip(frozen, masks)]
    return search.retrain(networks, frozen=frozen, level_scales=scales)


def binarize(search, progress):
    """Replace hidden activations by thresholds, neuron by neuron, keeping each
    replacement only if the criterion still holds (METHOD.md 6.6). An interrupt
    ends it with the neurons replaced so far."""
    settings, criterion = search.settings, search.criterion
    steps = [np.zeros(M.shape[1], dtype=bool) for M in progress.state.masks[:-1]]
    state = State(tuple(net._replace(steps=steps) for net in progress.state.nets))
    progress = progress._replace(state=state)
    forced = settings.tolerance is None
    tried = [s.copy() for s in steps]
    try:
        while True:
            state = progress.state
            key = least_binarization_change(state, tried, criterion.folds, settings)
            if key is None:
                return progress
            layer, j = key
            tried[layer - 1][j] = True
            new_steps = [s.copy() for s in state.nets[0].steps]
            new_steps[layer - 1][j] = True
            new = search.retrain([(net.coefs, net.intercepts, net.masks)
                                  for net in state.nets],
                                 frozen=state.nets[0].frozen, steps=new_steps,
                                 level_scales=[net.level_scales for net in state.nets])
            contributions = criterion.contributions(new)
            accepted = forced or criterion.holds(contributions, progress.reference)
            step = Step.of("binarize", [key], accepted, forced, contributions.sum(),
                           new.masks)
            progress = search.conclude(progress, step, new, contributions)
    except KeyboardInterrupt:
        # The neurons replaced so far stay; the search stops (PathSearch.stop).
        search.stop(progress)
        return progress
