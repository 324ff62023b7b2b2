"""The state being pruned: networks as immutable values, and the removals of
METHOD.md section 4 as functions on them.

A :class:`Network` holds the weights, their masks, the last points of its training
trajectory (for the indicators of section 3), and, once the transparency phases
have begun, which weights are fixed to a level (``frozen``), their per-unit level
scales and which hidden neurons are thresholds (``steps``). A :class:`State` is the
networks of the criterion's folds, which share one structure. Nothing here changes
an array it was given; every operation returns new arrays.
"""

from typing import NamedTuple, Optional

import numpy as np

from .._network import forward, predict_output
from .._pruning import (apply_merge_plan, cascade, merge_duplicate_neurons,
                        negligible_neurons, remove_inputs, remove_neurons, remove_synapses)

PRUNABLE_KINDS = ("inputs", "neurons", "synapses")
# Hidden neurons whose incoming weights and bias agree to this relative distance
# (or are opposite, for a mirror image) are merged in the returned network: the
# copies that training leaves agree to 1e-9 down to 1e-4 (L-BFGS-B stops at its
# gradient tolerance). A merge stands if no output on the training data moves by
# more than MERGE_OUTPUT_TOL; else only the merges at EXACT_DUPLICATE_RTOL.
DUPLICATE_RTOL = 1e-3
EXACT_DUPLICATE_RTOL = 1e-6
MERGE_OUTPUT_TOL = 1e-6
# A hidden neuron whose outgoing signal moves no input of the next layer by more than
# this fraction of its spread on the training data is folded into the next biases.
NEGLIGIBLE_RTOL = 1e-6


class Network(NamedTuple):
    """One network: weights, masks and the last points of its training trajectory.

    ``frozen`` (weights fixed to a level), ``level_scales`` (per layer, the scale of
    each unit's levels) and ``steps`` (threshold neurons) stay None until the
    transparency phases set them.
    """

    coefs: list
    intercepts: list
    masks: list
    snapshots: list
    frozen: Optional[list] = None
    steps: Optional[list] = None
    level_scales: Optional[list] = None


class State(NamedTuple):
    """The networks being pruned together (one per fold); they share one structure."""

    nets: tuple

    @property
    def masks(self):
        return self.nets[0].masks


def alive_neurons(masks, layer):
    """Live neurons of hidden layer ``layer`` (1-based): with incoming and outgoing
    synapses."""
    return masks[layer - 1].any(axis=0) & masks[layer].any(axis=1)


def remove_elements(kind, net, keys, input_reference, neuron_reference, activation):
    """(coefs, intercepts, masks) of ``net`` without the elements ``keys`` of
    ``kind``, cascaded: input indices, (layer, neuron) or (layer, i, j)."""
    coefs, intercepts, masks = net.coefs, net.intercepts, net.masks
    if kind == "inputs":
        coefs, intercepts, masks = remove_inputs(coefs, intercepts, masks, keys,
                                                 input_reference)
    elif kind == "neurons":
        for layer in sorted({k[0] for k in keys}):
            idx = [k[1] for k in keys if k[0] == layer]
            coefs, intercepts, masks = remove_neurons(
                coefs, intercepts, masks, layer, idx, neuron_reference[layer - 1])
    else:
        cut = [np.zeros(M.shape, dtype=bool) for M in masks]
        for layer, i, j in keys:
            cut[layer][i, j] = True
        coefs, intercepts, masks = remove_synapses(coefs, intercepts, masks, cut)
    return cascade(coefs, intercepts, masks, activation)


def transfer_inputs(net, basis, dependent, C, c0, activation):
    """``net`` without the inputs ``dependent``, which are exact linear combinations
    of the inputs ``basis`` on the data (``x_dependent = x_basis @ C + c0``): each
    dependent input's outgoing weights move to the basis inputs of its relation
    (``W_basis += C @ W_dependent``, the constant to the biases), so the function
    is unchanged. A basis input gains the synapses that it now carries for the
    dependent one. The other points of the trajectory move alike."""

    def moved(coefs, intercepts, masks):
        coefs, intercepts, masks = ([W.copy() for W in coefs], [b.copy() for b in intercepts],
                                    [M.copy() for M in masks])
        W, M = coefs[0], masks[0]
        W_dep = W[dependent]
        W[basis] += C @ W_dep
        intercepts[0] += c0 @ W_dep
        M[basis] |= (C != 0) @ M[dependent]
        W[dependent], M[dependent] = 0.0, False
        return cascade(coefs, intercepts, masks, activation)

    coefs, intercepts, masks = moved(net.coefs, net.intercepts, net.masks)
    snapshots = [moved(c, b, net.masks)[:2] for c, b in net.snapshots]
    return net._replace(coefs=coefs, intercepts=intercepts, masks=masks, snapshots=snapshots)


def fold_negligible_neurons(net, X, activation, output_activation, sample_weight=None):
    """``(network, folded)``: ``net`` with the hidden neurons whose contribution to
    the next layer is negligible on ``X`` (``_pruning.negligible_neurons``) replaced
    by their mean output, folded into the next layer's biases (METHOD.md section
    4), layer by layer; ``folded`` lists their (layer, neuron) keys. With
    ``sample_weight`` (positive, one per row of ``X``) the spreads and means are
    those of the rows repeated."""
    folded = []
    for layer in range(1, len(net.coefs)):
        acts = forward(X, net.coefs, net.intercepts, activation, output_activation)
        a, W_out, b_out = acts[layer], net.coefs[layer], net.intercepts[layer]
        idx = negligible_neurons(a, a @ W_out + b_out, W_out,
                                 alive_neurons(net.masks, layer), NEGLIGIBLE_RTOL,
                                 sample_weight)
        if not idx.size or idx.size == alive_neurons(net.masks, layer).sum():
            continue  # the last neuron of a layer carries the path to the output
        means = np.zeros(a.shape[1])
        means[idx] = (a[:, idx].mean(axis=0) if sample_weight is None
                      else np.average(a[:, idx], axis=0, weights=sample_weight))

        def folded_net(coefs, intercepts):
            removed = remove_neurons(coefs, intercepts, net.masks, layer, idx, means)
            return cascade(*removed, activation)

        coefs, intercepts, masks = folded_net(net.coefs, net.intercepts)
        snapshots = [folded_net(c, b)[:2] for c, b in net.snapshots]
        net = net._replace(coefs=coefs, intercepts=intercepts, masks=masks,
                           snapshots=snapshots)
        folded += [(layer, int(j)) for j in idx]
    return net, folded


def merge_duplicates(net, X, activation, output_activation):
    """``(network, merged)``: ``net`` with its duplicate hidden neurons merged, and
    the (layer, neuron) keys of the neurons merged into others (empty: unchanged).

    Under the L2 penalty a signal carried by k equal neurons costs less than by
    one (each carries 1/k of the outgoing weight), so training leaves copies that
    no single removal can take out without a loss, and the criterion keeps them.
    Merging them leaves the function unchanged: no output on the training data
    ``X`` moves by more than ``MERGE_OUTPUT_TOL``, or the merge is limited to the
    exact copies, or not done.
    """
    before = predict_output(X, net.coefs, net.intercepts, activation, output_activation)
    for rtol in (DUPLICATE_RTOL, EXACT_DUPLICATE_RTOL):
        coefs, intercepts, masks, plan = merge_duplicate_neurons(
            net.coefs, net.intercepts, net.masks, activation, rtol)
        if not plan:
            return net, []
        after = predict_output(X, coefs, intercepts, activation, output_activation)
        if np.max(np.abs(after - before)) <= MERGE_OUTPUT_TOL:
            break
    else:
        return net, []
    coefs, intercepts, masks = cascade(coefs, intercepts, masks, activation)
    # The other points of the trajectory (for the indicators) merge alike.
    snapshots = [cascade(*apply_merge_plan(c, b, net.masks, plan, activation),
                         activation)[:2] for c, b in net.snapshots]
    keys = [(layer, int(j)) for layer, _, merged, _ in plan for j in merged]
    return Network(coefs, intercepts, masks, snapshots), keys
