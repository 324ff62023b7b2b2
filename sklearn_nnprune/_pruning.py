"""Removing elements of a masked network (METHOD.md section 4).

Arrays and masks in, new arrays and masks out; the inputs are never modified.

- an input is replaced by its reference value: ``w_ij * x_i*`` is folded into the
  biases of the first layer and row i is masked;
- a hidden neuron is replaced by its reference output: ``a_j* * w_jk`` is folded
  into the next layer's biases and its incoming and outgoing synapses are masked;
- a synapse is set to 0 and masked;
- the cascade then removes what the removal left dangling: a neuron with no
  incoming synapse is a constant (folded like a removed neuron), a neuron with no
  outgoing synapse is dropped, and an input with no outgoing synapse is gone.
"""

import numbers

import numpy as np

from ._network import activate


def resolve_count(value, total):
    """The one place where a count-or-fraction argument becomes a count.

    An int is a count, a float in (0, 1] a fraction of ``total`` (rounded down, at
    least 1). The result is clipped to ``[0, total]``.
    """
    if isinstance(value, numbers.Integral):
        count = int(value)
    else:
        count = max(1, int(np.floor(float(value) * total + 1e-9)))
    return int(min(max(count, 0), total))


def copy_network(coefs, intercepts, masks):
    return ([W.copy() for W in coefs], [b.copy() for b in intercepts],
            [M.copy() for M in masks])


def remove_inputs(coefs, intercepts, masks, inputs, input_reference):
    """Replace the inputs ``inputs`` by their reference values."""
    coefs, intercepts, masks = copy_network(coefs, intercepts, masks)
    inputs = np.asarray(inputs, dtype=int)
    intercepts[0] += input_reference[inputs] @ coefs[0][inputs]
    coefs[0][inputs] = 0.0
    masks[0][inputs] = False
    return coefs, intercepts, masks


def _fold_neurons(coefs, intercepts, masks, layer, neurons, values):
    """In place: neurons ``neurons`` of hidden layer ``layer`` (1-based) output the
    constants ``values`` from now on; fold them forward and cut them out."""
    W_out = coefs[layer]
    intercepts[layer] += values @ W_out[neurons]
    W_out[neurons] = 0.0
    masks[layer][neurons] = False
    coefs[layer - 1][:, neurons] = 0.0
    masks[layer - 1][:, neurons] = False
    intercepts[layer - 1][neurons] = 0.0


def remove_neurons(coefs, intercepts, masks, layer, neurons, neuron_reference):
    """Replace neurons of hidden layer ``layer`` (1-based) by their reference output."""
    coefs, intercepts, masks = copy_network(coefs, intercepts, masks)
    neurons = np.asarray(neurons, dtype=int)
    _fold_neurons(coefs, intercepts, masks, layer, neurons, neuron_reference[neurons])
    return coefs, intercepts, masks


def remove_synapses(coefs, intercepts, masks, synapses):
    """Remove synapses given as a list (one per layer) of boolean arrays."""
    coefs, intercepts, masks = copy_network(coefs, intercepts, masks)
    for W, M, cut in zip(coefs, masks, synapses):
        W[cut] = 0.0
        M[cut] = False
    return coefs, intercepts, masks


def cascade(coefs, intercepts, masks, hidden_activation):
    """Remove what earlier removals left dangling, until nothing changes.

    ``hidden_activation`` is the activation name of the hidden layers (a constant
    neuron outputs ``activation(bias)``).
    """
    coefs, intercepts, masks = copy_network(coefs, intercepts, masks)
    changed = True
    while changed:
        changed = False
        for layer in range(1, len(coefs)):
            has_in = masks[layer - 1].any(axis=0)
            has_out = masks[layer].any(axis=1)
            # A neuron without incoming synapses outputs a constant: fold it.
            constant = np.flatnonzero(~has_in & has_out)
            if constant.size:
                values = activate(intercepts[layer - 1][constant].copy(), hidden_activation)
                _fold_neurons(coefs, intercepts, masks, layer, constant, values)
                changed = True
            # A neuron nobody listens to is dropped with its incoming synapses.
            deaf = np.flatnonzero(has_in & ~has_out)
            if deaf.size:
                coefs[layer - 1][:, deaf] = 0.0
                masks[layer - 1][:, deaf] = False
                intercepts[layer - 1][deaf] = 0.0
                changed = True
    return coefs, intercepts, masks


def is_viable(masks):
    """At least one input, one neuron in every hidden layer and a path to the output."""
    if not masks[0].any(axis=1).any():
        return False
    for M_in, M_out in zip(masks[:-1], masks[1:]):
        if not (M_in.any(axis=0) & M_out.any(axis=1)).any():
            return False
    return bool(masks[-1].any())
