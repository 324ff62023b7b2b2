"""Candidates of each kind, ranked by their first-order indicators (METHOD.md
sections 3 and 6).

A candidate is named by a key: an input index, ``(layer, neuron)`` for a hidden
neuron (layer 1-based) or ``(layer, i, j)`` for a synapse. Indicators are summed
over the networks of all folds, and candidates are listed from the least to the
most significant.
"""

import numpy as np

from .._network import forward, step_levels
from .._sensitivity import average_sensitivities, sensitivities
from .state import alive_neurons


def indicators(kind, net, X, Y, settings, neuron_reference=None, sample_weight=None):
    """The indicators of ``kind`` of ``net`` on (X, Y), averaged over its trajectory
    (the samples weighted by ``sample_weight``, if given)."""
    return average_sensitivities(
        X, Y, net.snapshots, settings.activation, settings.output_activation,
        kinds=(kind,), how=settings.indicator, input_reference=settings.input_reference,
        neuron_reference=neuron_reference, sample_weight=sample_weight)[kind]


def hidden_means(net, X, activation, output_activation, steps, sample_weight=None):
    """Mean output of every hidden neuron on ``X`` (weighted by ``sample_weight``,
    if given), one array per hidden layer."""
    acts = forward(X, net.coefs, net.intercepts, activation, output_activation, steps)
    if sample_weight is None:
        return [a.mean(axis=0) for a in acts[1:-1]]
    share = sample_weight / sample_weight.sum()
    return [share @ a for a in acts[1:-1]]


def neuron_reference(net, fold, settings):
    """The output a removed neuron is replaced by: its mean on the training rows
    of ``fold``, or 0."""
    if settings.reference == "zero" or len(net.coefs) == 1:
        return [np.zeros(M.shape[1]) for M in net.masks[:-1]]
    return hidden_means(net, fold.X, settings.activation, settings.output_activation,
                        net.steps, fold.w)


def _summed(kind, per_fold):
    total = None
    for ind in per_fold:
        total = ind if total is None else (
            total + ind if kind == "inputs" else [t + i for t, i in zip(total, ind)])
    return total


def _synapse_keys(masks, total, free=None):
    keys, values = [], []
    for layer, M in enumerate(masks):
        i, j = np.nonzero(M if free is None else M & ~free[layer])
        keys += list(zip([layer] * len(i), i.tolist(), j.tolist()))
        values.append(total[layer][i, j])
    return keys, values


def rank_removals(kind, state, folds, settings):
    """``(keys, neuron_references)``: the live candidates of ``kind`` from least to
    most significant, and for neurons the per-fold outputs a removed neuron is
    replaced by (measured when ranked; None for the other kinds)."""
    references = [neuron_reference(net, fold, settings) if kind == "neurons" else None
                  for net, fold in zip(state.nets, folds)]
    total = _summed(kind, (indicators(kind, net, fold.X, fold.Y, settings, ref, fold.w)
                           for net, fold, ref in zip(state.nets, folds, references)))
    masks = state.masks
    if kind == "inputs" and settings.input_groups is not None:
        # A group is one input: the sum of its columns' indicators (a bound on the
        # first-order change of replacing them all) ranks it; keys are group indices.
        live = masks[0].any(axis=1)
        alive = [g for g, cols in enumerate(settings.input_groups) if live[cols].any()]
        keys = alive
        values = np.array([total[settings.input_groups[g]].sum() for g in alive])
    elif kind == "inputs":
        alive = np.flatnonzero(masks[0].any(axis=1))
        keys = [int(i) for i in alive]
        values = total[alive]
    elif kind == "neurons":
        keys, values = [], []
        for layer in range(1, len(masks)):
            alive = np.flatnonzero(alive_neurons(masks, layer))
            keys += [(layer, int(j)) for j in alive]
            values.append(total[layer - 1][alive])
        values = np.concatenate(values) if values else np.zeros(0)
    else:
        keys, values = _synapse_keys(masks, total)
        values = np.concatenate(values)
    order = np.argsort(values, kind="stable")
    return [keys[k] for k in order], (references if kind == "neurons" else None)


def live_inputs(masks, input_groups):
    """How many inputs (groups, with ``input_groups``) are still connected."""
    live = masks[0].any(axis=1)
    if input_groups is None:
        return int(live.sum())
    return sum(bool(live[cols].any()) for cols in input_groups)


def protect(kind, keys, masks, input_groups=None):
    """Drop candidates that would remove the last input (group) or the last neuron
    of a layer, keeping rank order."""
    if kind == "inputs":
        limit = live_inputs(masks, input_groups) - 1
        return keys[:max(limit, 0)]
    if kind == "neurons":
        left = {layer: int(alive_neurons(masks, layer).sum())
                for layer in range(1, len(masks))}
        kept = []
        for key in keys:
            if left[key[0]] > 1:
                kept.append(key)
                left[key[0]] -= 1
        return kept
    return keys


def rank_level_fixing(state, targets, folds, settings):
    """Free weights ordered by the first-order change of the loss when rounded to
    their level (``targets``, per fold), summed over the networks of all folds."""
    total = _summed("synapses", (
        average_sensitivities(fold.X, fold.Y, net.snapshots, settings.activation,
                              settings.output_activation, kinds=("synapses",),
                              how=settings.indicator, synapse_reference=net_targets,
                              sample_weight=fold.w)["synapses"]
        for net, fold, net_targets in zip(state.nets, folds, targets)))
    keys, values = _synapse_keys(state.masks, total, free=state.nets[0].frozen)
    if not keys:
        return []
    order = np.argsort(np.concatenate(values), kind="stable")
    return [keys[k] for k in order]


def least_binarization_change(state, tried, folds, settings):
    """The untried live neuron whose replacement by a threshold changes the loss
    least to first order, or None: indicator |dh/da (a - step(z))| summed over the
    samples and the networks of all folds."""
    low, high = step_levels(settings.activation)

    def threshold_indicators(net, fold):
        acts = forward(fold.X, net.coefs, net.intercepts, settings.activation,
                       settings.output_activation, net.steps)
        reference = [np.where(a @ W + b >= 0.0, high, low)
                     for a, W, b in zip(acts[:-2], net.coefs, net.intercepts)]
        return sensitivities(fold.X, fold.Y, net.coefs, net.intercepts, settings.activation,
                             settings.output_activation, kinds=("neurons",),
                             how=settings.indicator, neuron_reference=reference,
                             step_units=net.steps, sample_weight=fold.w)["neurons"]

    total = _summed("neurons", (threshold_indicators(net, fold)
                                for net, fold in zip(state.nets, folds)))
    masks = state.masks
    best, best_value = None, np.inf
    for layer in range(1, len(masks)):
        free = np.flatnonzero(alive_neurons(masks, layer) & ~tried[layer - 1])
        if free.size:
            k = free[np.argmin(total[layer - 1][free])]
            if total[layer - 1][k] < best_value:
                best, best_value = (layer, int(k)), total[layer - 1][k]
    return best
