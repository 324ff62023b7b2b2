"""Removing elements of a masked network (METHOD.md section 4).

Arrays and masks in, new arrays and masks out; the inputs are never modified.

- an input is replaced by its reference value: ``w_ij * x_i*`` is folded into the
  biases of the first layer and row i is masked;
- a hidden neuron is replaced by its reference output: ``a_j* * w_jk`` is folded
  into the next layer's biases and its incoming and outgoing synapses are masked;
- a synapse is set to 0 and masked;
- a hidden neuron that computes the same signal as another (or, for an activation
  with ``f(-z) = c - f(z)``, its mirror image) is merged into it: its outgoing
  weights are added to the other's (subtracted, with ``c`` times them folded into
  the next biases, for a mirror image) and it is cut out, which leaves the
  function unchanged (``merge_duplicate_neurons``);
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


# c in f(-z) = c - f(z), for the activations whose mirror image neurons merge.
_MIRROR_OFFSET = {"tanh": 0.0, "rational": 0.0, "identity": 0.0, "logistic": 1.0}


def merge_duplicate_neurons(coefs, intercepts, masks, hidden_activation, rtol):
    """Merge the hidden neurons that duplicate another neuron of their layer.

    Neuron b duplicates neuron a < b when both have the same incoming synapses and
    ``||v_b - s v_a|| <= rtol max(||v_a||, ||v_b||)``, with ``v`` a neuron's
    incoming weights and bias and ``s = 1``, or ``s = -1`` (a mirror image) for
    tanh, rational, identity and logistic. Layers are merged in order, so that
    neurons of the next layer that become duplicates are merged too.

    Returns
    -------
    coefs, intercepts, masks : lists of ndarray
        The merged network (new arrays).
    plan : list of (layer, kept, merged, signs)
        Per hidden layer (1-based) with merges: neuron ``merged[i]`` went into
        ``kept[i]`` with sign ``signs[i]``; :func:`apply_merge_plan` applies the
        same merges to another point of the training trajectory.
    """
    coefs, intercepts, masks = copy_network(coefs, intercepts, masks)
    mirror = hidden_activation in _MIRROR_OFFSET
    plan = []
    for layer in range(1, len(coefs)):
        M_in = masks[layer - 1]
        alive = np.flatnonzero(M_in.any(axis=0) & masks[layer].any(axis=1))
        if alive.size < 2:
            continue
        V = np.vstack([coefs[layer - 1][:, alive], intercepts[layer - 1][alive]])
        norms2 = np.einsum("ij,ij->j", V, V)
        gram = V.T @ V
        # Squared distances from the Gram matrix: rounding is ~eps of the squared
        # norms, far below rtol**2 of them.
        bound = rtol ** 2 * np.maximum(norms2[:, None], norms2[None, :])
        total = norms2[:, None] + norms2[None, :]
        same = total - 2 * gram <= bound
        opposite = (total + 2 * gram <= bound) if mirror else np.zeros_like(same)
        pattern = M_in[:, alive].astype(np.int64)
        overlap = pattern.T @ pattern
        counts = pattern.sum(axis=0)
        same_synapses = (overlap == counts[:, None]) & (overlap == counts[None, :])
        match = (same | opposite) & same_synapses & (norms2[:, None] > 0)
        # Each neuron goes into the first neuron it matches, if that one stays.
        first = np.argmax(match, axis=0)
        merged = np.flatnonzero(match.any(axis=0) & (first < np.arange(alive.size))
                                & (first[first] == first))
        if not merged.size:
            continue
        kept = first[merged]
        signs = np.where(same[kept, merged], 1.0, -1.0)
        step = (layer, alive[kept], alive[merged], signs)
        coefs, intercepts, masks = apply_merge_plan(coefs, intercepts, masks, [step],
                                                    hidden_activation)
        plan.append(step)
    return coefs, intercepts, masks, plan


def apply_merge_plan(coefs, intercepts, masks, plan, hidden_activation):
    """Merge neurons as ``plan`` (from :func:`merge_duplicate_neurons`) says.

    The kept neuron takes the average of its group's incoming weights and biases
    (mirror images negated), weighted by the norms of their outgoing weights: for
    copies that agree only to a small relative ``e``, the first-order change of
    the output then cancels for copies of equal outgoing weight, as the L2
    penalty leaves them.
    """
    coefs, intercepts, masks = copy_network(coefs, intercepts, masks)
    offset = _MIRROR_OFFSET.get(hidden_activation, 0.0)
    for layer, kept, merged, signs in plan:
        W_in, b_in, W_out, M_out = (coefs[layer - 1], intercepts[layer - 1],
                                    coefs[layer], masks[layer])
        weight = np.linalg.norm(W_out, axis=1)
        groups, slot = np.unique(kept, return_inverse=True)
        total = weight[groups].copy()
        incoming = W_in[:, groups] * weight[groups]
        bias = b_in[groups] * weight[groups]
        np.add.at(total, slot, weight[merged])
        np.add.at(incoming.T, slot, (W_in[:, merged] * (signs * weight[merged])).T)
        np.add.at(bias, slot, b_in[merged] * signs * weight[merged])
        averaged = total > 0
        W_in[:, groups[averaged]] = incoming[:, averaged] / total[averaged]
        b_in[groups[averaged]] = bias[averaged] / total[averaged]
        outgoing = W_out[merged].copy()
        np.add.at(W_out, kept, signs[:, None] * outgoing)
        # A mirror image outputs c - f(z): c times its weights goes to the biases.
        intercepts[layer] += offset * ((signs < 0) @ outgoing)
        np.logical_or.at(M_out, kept, M_out[merged])
        W_out[merged] = 0.0
        M_out[merged] = False
        coefs[layer - 1][:, merged] = 0.0
        masks[layer - 1][:, merged] = False
        intercepts[layer - 1][merged] = 0.0
    return coefs, intercepts, masks


def negligible_neurons(activations, next_inputs, W_out, live, rtol, sample_weight=None):
    """Live neurons of one hidden layer whose signal barely reaches the next layer.

    ``activations`` (n_samples, n_units) are the layer's outputs on the data,
    ``next_inputs`` the inputs of the next layer's units on the same data and
    ``W_out`` the outgoing weights. Neuron j is negligible when for every unit k of
    the next layer ``|W_out[j, k]| * range(a_j) <= rtol * std(z_k)``: replacing
    its output by its mean moves no next input by more than ``rtol`` of its
    spread. A neuron with a constant output is negligible at any ``rtol``. With
    ``sample_weight`` (positive, one per row) the spread std is weighted: that of
    the rows repeated.
    """
    spread = activations.max(axis=0) - activations.min(axis=0)
    reach = np.abs(W_out) * spread[:, None]
    if sample_weight is None:
        bound = rtol * next_inputs.std(axis=0)
    else:
        share = sample_weight / sample_weight.sum()
        bound = rtol * np.sqrt(share @ (next_inputs - share @ next_inputs) ** 2)
    return np.flatnonzero(live & (reach <= bound[None, :]).all(axis=1))


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
