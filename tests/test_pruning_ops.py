"""Oracle tests for sklearn_nnprune._pruning: count resolution, removal of inputs,
neurons and synapses with folding of the reference values into the biases, the
cascade, and viability. Removal must leave the network's function unchanged on the
data where the removed element takes its reference value (METHOD.md section 4)."""

import math
from fractions import Fraction

import numpy as np
import pytest

from sklearn_nnprune._network import activate, forward, predict_output
from sklearn_nnprune._pruning import (
    apply_merge_plan,
    cascade,
    merge_duplicate_neurons,
    is_viable,
    remove_inputs,
    remove_neurons,
    remove_synapses,
    resolve_count,
)

HIDDEN = ["tanh", "logistic", "relu", "identity", "rational"]


def _network(seed=0, sizes=(5, 6, 4, 2), mask_fraction=0.2):
    rng = np.random.RandomState(seed)
    coefs = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(scale=0.5, size=b) for b in sizes[1:]]
    masks = [rng.random(W.shape) > mask_fraction for W in coefs]
    coefs = [W * M for W, M in zip(coefs, masks)]
    X = rng.normal(size=(40, sizes[0]))
    return coefs, intercepts, masks, X, rng


def _copy(*nets):
    return [[a.copy() for a in part] for part in nets]


def _assert_same(parts, saved):
    for part, part0 in zip(parts, saved):
        for a, b in zip(part, part0):
            np.testing.assert_array_equal(a, b)


def _assert_masked_zero(coefs, masks):
    for W, M in zip(coefs, masks):
        assert W.shape == M.shape and M.dtype == bool
        assert np.all(W[~M] == 0.0)


# -- resolve_count ---------------------------------------------------------------


@pytest.mark.parametrize("value,total", [(3, 10), (0, 10), (10, 10), (np.int64(4), 9)])
def test_resolve_count_int_is_a_count(value, total):
    assert resolve_count(value, total) == int(value)
    assert type(resolve_count(value, total)) is int


@pytest.mark.parametrize("value,total", [(15, 10), (-2, 10), (3, 0)])
def test_resolve_count_int_is_clipped(value, total):
    assert resolve_count(value, total) == min(max(value, 0), total)


@pytest.mark.parametrize("value,total", [
    (0.25, 10), (0.3, 10), (0.5, 7), (0.29, 100), (0.57, 100), (0.7, 10), (1.0, 13),
    (np.float64(0.4), 12), (0.999, 1000),
])
def test_resolve_count_fraction_floors(value, total):
    # floor of the decimal fraction, immune to binary rounding (0.29 * 100 = 28.999...)
    expected = max(1, math.floor(Fraction(str(float(value))) * total))
    assert resolve_count(value, total) == expected
    assert type(resolve_count(value, total)) is int


@pytest.mark.parametrize("value,total", [(0.01, 10), (0.1, 3), (1e-6, 1)])
def test_resolve_count_fraction_at_least_one(value, total):
    assert resolve_count(value, total) == 1


def test_resolve_count_fraction_of_nothing_is_zero():
    assert resolve_count(0.5, 0) == 0


# -- remove_inputs ---------------------------------------------------------------


@pytest.mark.parametrize("hidden", HIDDEN)
def test_remove_inputs_folds_reference_into_biases(hidden):
    coefs, intercepts, masks, X, rng = _network(seed=1)
    ref = rng.normal(size=X.shape[1])
    removed = [1, 3]
    saved = _copy(coefs, intercepts, masks)
    ref0, X0 = ref.copy(), X.copy()
    new_c, new_b, new_m = remove_inputs(coefs, intercepts, masks, removed, ref)
    _assert_same((coefs, intercepts, masks), saved)
    np.testing.assert_array_equal(ref, ref0)
    np.testing.assert_array_equal(X, X0)
    # Data whose removed columns equal the reference: output unchanged; and the new
    # network ignores those columns, so it gives that output for any values there.
    X_ref = X.copy()
    X_ref[:, removed] = ref[removed]
    before = predict_output(X_ref, coefs, intercepts, hidden, "softmax")
    np.testing.assert_allclose(predict_output(X_ref, new_c, new_b, hidden, "softmax"),
                               before, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(predict_output(X, new_c, new_b, hidden, "softmax"),
                               before, rtol=1e-12, atol=1e-14)
    assert not new_m[0][removed].any()
    _assert_masked_zero(new_c, new_m)
    keep = np.setdiff1d(np.arange(X.shape[1]), removed)
    np.testing.assert_array_equal(new_m[0][keep], masks[0][keep])
    np.testing.assert_array_equal(new_c[0][keep], coefs[0][keep])
    for l in range(1, len(coefs)):
        np.testing.assert_array_equal(new_c[l], coefs[l])
        np.testing.assert_array_equal(new_b[l], intercepts[l])


# -- remove_neurons --------------------------------------------------------------


def _override_forward(X, coefs, intercepts, hidden, layer, neuron, value):
    """Output of the network when neuron ``neuron`` of hidden layer ``layer`` outputs
    ``value`` on every sample (the network split at that layer)."""
    A = forward(X, coefs[:layer], intercepts[:layer], hidden, hidden)[-1].copy()
    A[:, neuron] = value
    return predict_output(A, coefs[layer:], intercepts[layer:],
                          [hidden] * (len(coefs) - layer - 1), "softmax")


@pytest.mark.parametrize("layer", [1, 2])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_remove_neuron_with_constant_output_keeps_function(hidden, layer):
    coefs, intercepts, masks, X, rng = _network(seed=2)
    j = 2
    # the neuron's incoming weights are 0 (synapses still present): it outputs a
    # constant, its reference
    coefs[layer - 1][:, j] = 0.0
    constant = activate(np.array([intercepts[layer - 1][j]]), hidden)
    ref = rng.normal(size=coefs[layer - 1].shape[1])
    ref[j] = constant[0]
    saved = _copy(coefs, intercepts, masks)
    before = predict_output(X, coefs, intercepts, hidden, "softmax")
    new_c, new_b, new_m = remove_neurons(coefs, intercepts, masks, layer, [j], ref)
    _assert_same((coefs, intercepts, masks), saved)
    np.testing.assert_allclose(predict_output(X, new_c, new_b, hidden, "softmax"), before,
                               rtol=1e-12, atol=1e-14)
    assert not new_m[layer - 1][:, j].any()
    assert not new_m[layer][j].any()
    assert new_b[layer - 1][j] == 0.0
    _assert_masked_zero(new_c, new_m)


@pytest.mark.parametrize("layer", [1, 2])
def test_remove_neurons_equals_overriding_their_output(layer):
    # General case: the pruned network equals the original with the removed neurons'
    # outputs replaced by their references.
    coefs, intercepts, masks, X, rng = _network(seed=3)
    neurons = [0, 3]
    ref = rng.normal(size=coefs[layer - 1].shape[1])
    new_c, new_b, new_m = remove_neurons(coefs, intercepts, masks, layer, neurons, ref)
    A = forward(X, coefs[:layer], intercepts[:layer], "tanh", "tanh")[-1].copy()
    A[:, neurons] = ref[neurons]
    expected = predict_output(A, coefs[layer:], intercepts[layer:],
                              ["tanh"] * (len(coefs) - layer - 1), "softmax")
    np.testing.assert_allclose(predict_output(X, new_c, new_b, "tanh", "softmax"), expected,
                               rtol=1e-12, atol=1e-14)
    _assert_masked_zero(new_c, new_m)
    assert not new_m[layer - 1][:, neurons].any() and not new_m[layer][neurons].any()


# -- remove_synapses -------------------------------------------------------------


def test_remove_synapses_zeros_and_masks():
    coefs, intercepts, masks, X, rng = _network(seed=4)
    cut = [(rng.random(M.shape) < 0.3) & M for M in masks]
    saved = _copy(coefs, intercepts, masks)
    new_c, new_b, new_m = remove_synapses(coefs, intercepts, masks, cut)
    _assert_same((coefs, intercepts, masks), saved)
    for W, M, W1, M1, C in zip(coefs, masks, new_c, new_m, cut):
        np.testing.assert_array_equal(M1, M & ~C)
        np.testing.assert_array_equal(W1, np.where(C, 0.0, W))
    for b, b1 in zip(intercepts, new_b):
        np.testing.assert_array_equal(b, b1)
    assert sum(M.sum() for M in new_m) == sum(M.sum() for M in masks) - sum(C.sum() for C in cut)


# -- cascade ---------------------------------------------------------------------


def _full_network(seed, sizes=(4, 5, 4, 3)):
    rng = np.random.RandomState(seed)
    coefs = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(scale=0.8, size=b) for b in sizes[1:]]
    masks = [np.ones(W.shape, dtype=bool) for W in coefs]
    return coefs, intercepts, masks, rng.normal(size=(30, sizes[0]))


def _cut(coefs, masks, layer_index, rows=slice(None), cols=slice(None)):
    coefs[layer_index][rows, cols] = 0.0
    masks[layer_index][rows, cols] = False


@pytest.mark.parametrize("hidden", HIDDEN)
def test_cascade_folds_neuron_without_incoming_synapses(hidden):
    coefs, intercepts, masks, X = _full_network(5)
    _cut(coefs, masks, 0, cols=1)  # h1[1] now outputs activation(bias)
    saved = _copy(coefs, intercepts, masks)
    before = predict_output(X, coefs, intercepts, hidden, "softmax")
    new_c, new_b, new_m = cascade(coefs, intercepts, masks, hidden)
    _assert_same((coefs, intercepts, masks), saved)
    np.testing.assert_allclose(predict_output(X, new_c, new_b, hidden, "softmax"), before,
                               rtol=1e-12, atol=1e-14)
    assert not new_m[1][1].any()
    assert new_b[0][1] == 0.0
    _assert_masked_zero(new_c, new_m)
    # nothing else was touched
    np.testing.assert_array_equal(np.delete(new_m[1], 1, axis=0), np.delete(masks[1], 1, axis=0))


def test_cascade_drops_neuron_without_outgoing_synapses():
    coefs, intercepts, masks, X = _full_network(6)
    _cut(coefs, masks, 1, rows=2)  # h1[2] feeds nobody
    before = predict_output(X, coefs, intercepts, "tanh", "softmax")
    new_c, new_b, new_m = cascade(coefs, intercepts, masks, "tanh")
    np.testing.assert_allclose(predict_output(X, new_c, new_b, "tanh", "softmax"), before,
                               rtol=1e-12, atol=1e-14)
    assert not new_m[0][:, 2].any()
    assert new_b[0][2] == 0.0
    _assert_masked_zero(new_c, new_m)
    assert new_m[0].sum() == masks[0].sum() - masks[0].shape[0]


@pytest.mark.parametrize("hidden", ["tanh", "logistic", "rational"])
def test_cascade_propagates_constants_forward(hidden):
    coefs, intercepts, masks, X = _full_network(7)
    # h2[3] listens only to h1[0], and h1[0] has no incoming synapse: both constant.
    _cut(coefs, masks, 0, cols=0)
    _cut(coefs, masks, 1, rows=slice(1, None), cols=3)
    before = predict_output(X, coefs, intercepts, hidden, "softmax")
    new_c, new_b, new_m = cascade(coefs, intercepts, masks, hidden)
    np.testing.assert_allclose(predict_output(X, new_c, new_b, hidden, "softmax"), before,
                               rtol=1e-12, atol=1e-14)
    assert not new_m[1][0].any()  # h1[0] removed
    assert not new_m[2][3].any() and not new_m[1][:, 3].any()  # h2[3] removed
    assert new_b[0][0] == 0.0 and new_b[1][3] == 0.0
    _assert_masked_zero(new_c, new_m)


def test_cascade_propagates_deafness_backward():
    coefs, intercepts, masks, X = _full_network(8)
    # h2[1] feeds nobody; h1[4] feeds only h2[1]: both dropped.
    _cut(coefs, masks, 2, rows=1)
    _cut(coefs, masks, 1, rows=4, cols=[0, 2, 3])
    before = predict_output(X, coefs, intercepts, "tanh", "softmax")
    new_c, new_b, new_m = cascade(coefs, intercepts, masks, "tanh")
    np.testing.assert_allclose(predict_output(X, new_c, new_b, "tanh", "softmax"), before,
                               rtol=1e-12, atol=1e-14)
    assert not new_m[1][:, 1].any()
    assert not new_m[0][:, 4].any() and not new_m[1][4].any()
    _assert_masked_zero(new_c, new_m)


def test_cascade_of_intact_network_changes_nothing():
    coefs, intercepts, masks, X = _full_network(9)
    new_c, new_b, new_m = cascade(coefs, intercepts, masks, "tanh")
    _assert_same((new_c, new_b, new_m), (coefs, intercepts, masks))


# -- is_viable -------------------------------------------------------------------


def test_is_viable():
    _, _, masks, _ = _full_network(10)
    assert is_viable(masks) is True
    no_inputs = [M.copy() for M in masks]
    no_inputs[0][:] = False
    assert not is_viable(no_inputs)
    dead_layer = [M.copy() for M in masks]
    dead_layer[2][:] = False  # no h2 neuron has an outgoing synapse (and no output input)
    assert not is_viable(dead_layer)
    cut_between = [M.copy() for M in masks]
    cut_between[1][:] = False  # h1 neurons have no outgoing, h2 none incoming
    assert not is_viable(cut_between)
    thin = [M.copy() for M in masks]
    thin[0][:] = False
    thin[0][2, 1] = True
    thin[1][:] = False
    thin[1][1, 3] = True
    thin[2][:] = False
    thin[2][3, 0] = True
    assert is_viable(thin)


# -- merge_duplicate_neurons -------------------------------------------------------
def _with_copies(hidden, mirror):
    """A (5, 6, 4, 2) network whose layer-1 neurons 3 and 5 copy neuron 1 (5 as
    its mirror image when ``mirror``), their outgoing weights different."""
    coefs, intercepts, masks, X, rng = _network(seed=3, mask_fraction=0.0)
    for j, sign in ((3, 1.0), (5, -1.0 if mirror else 1.0)):
        coefs[0][:, j] = sign * coefs[0][:, 1]
        intercepts[0][j] = sign * intercepts[0][1]
    return coefs, intercepts, masks, X


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("mirror", [False, True])
def test_merge_duplicates_keeps_the_function(hidden, mirror):
    coefs, intercepts, masks, X = _with_copies(hidden, mirror)
    saved = _copy(coefs, intercepts, masks)
    before = predict_output(X, coefs, intercepts, hidden, "softmax")
    c, b, m, plan = merge_duplicate_neurons(coefs, intercepts, masks, hidden, 1e-6)
    _assert_same((coefs, intercepts, masks), saved)
    _assert_masked_zero(c, m)
    np.testing.assert_allclose(predict_output(X, c, b, hidden, "softmax"), before,
                               rtol=1e-12, atol=1e-12)
    merged = {int(j) for layer, _, js, _ in plan if layer == 1 for j in js}
    # relu(-z) is not a function of relu(z): a mirror image stays.
    assert merged == ({3} if mirror and hidden == "relu" else {3, 5})
    assert not m[0][:, sorted(merged)].any() and not m[1][sorted(merged)].any()


def test_merge_duplicates_cascades_to_the_next_layer():
    coefs, intercepts, masks, X, _ = _network(seed=1, mask_fraction=0.0)
    coefs[0][:, 2], intercepts[0][2] = coefs[0][:, 0], intercepts[0][0]
    # Layer-2 neurons 1 and 3 differ only through layer-1 neurons 0 and 2, which
    # compute the same signal: once those merge, they are duplicates too.
    coefs[1][:, 3], intercepts[1][3] = coefs[1][:, 1], intercepts[1][1]
    coefs[1][0, 3], coefs[1][2, 3] = coefs[1][0, 1] + 0.4, coefs[1][2, 1] - 0.4
    before = predict_output(X, coefs, intercepts, "tanh", "softmax")
    c, b, m, plan = merge_duplicate_neurons(coefs, intercepts, masks, "tanh", 1e-6)
    assert [(layer, js.tolist()) for layer, _, js, _ in plan] == [(1, [2]), (2, [3])]
    np.testing.assert_allclose(predict_output(X, c, b, "tanh", "softmax"), before,
                               rtol=1e-12, atol=1e-12)


def test_merge_requires_the_same_synapses_and_a_signal():
    coefs, intercepts, masks, X = _with_copies("tanh", False)
    masks[0][0, 3] = False  # neuron 3 lost a synapse that neuron 1 keeps
    coefs[0][0, 3] = 0.0
    coefs[0][:, 4], intercepts[0][4] = 0.0, 0.0  # no signal: nothing to merge into
    coefs[0][:, 0], intercepts[0][0] = 0.0, 0.0
    plan = merge_duplicate_neurons(coefs, intercepts, masks, "tanh", 1e-6)[3]
    assert [js.tolist() for _, _, js, _ in plan] == [[5]]
    # Agreement to 1e-3 is not a duplicate at rtol=1e-6.
    coefs, intercepts, masks, X = _with_copies("tanh", False)
    coefs[0][:, 3] *= 1 + 1e-3
    coefs[0][:, 5] *= 1 - 1e-3
    assert merge_duplicate_neurons(coefs, intercepts, masks, "tanh", 1e-6)[3] == []


def test_merge_plan_applies_to_another_point_of_the_trajectory():
    coefs, intercepts, masks, X = _with_copies("logistic", True)
    plan = merge_duplicate_neurons(coefs, intercepts, masks, "logistic", 1e-6)[3]
    moved = [W * 1.1 for W in coefs], [b * 1.1 for b in intercepts]
    before = predict_output(X, *moved, "logistic", "softmax")
    c, b, m = apply_merge_plan(*moved, masks, plan, "logistic")
    np.testing.assert_allclose(predict_output(X, c, b, "logistic", "softmax"), before,
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("hidden", ["tanh", "logistic", "rational"])
def test_near_duplicates_merge_to_their_weighted_average(hidden):
    # Copies that agree to 1e-5, with equal outgoing weights (as the L2 penalty
    # leaves them): the averaged neuron cancels the first-order change.
    coefs, intercepts, masks, X = _with_copies(hidden, True)
    rng = np.random.RandomState(7)
    for j in (3, 5):
        coefs[0][:, j] += 1e-5 * rng.normal(size=coefs[0].shape[0])
        coefs[1][j] = coefs[1][1] * (1.0 if j == 3 else -1.0)
    before = predict_output(X, coefs, intercepts, hidden, "softmax")
    assert merge_duplicate_neurons(coefs, intercepts, masks, hidden, 1e-6)[3] == []
    c, b, m, plan = merge_duplicate_neurons(coefs, intercepts, masks, hidden, 1e-3)
    assert sorted(int(j) for _, _, js, _ in plan for j in js) == [3, 5]
    change = np.abs(predict_output(X, c, b, hidden, "softmax") - before).max()
    # Keeping neuron 1's own weights would move the outputs by ~1e-6; the
    # average moves them by a second-order amount.
    kept_as_is = [W.copy() for W in coefs]
    kept_as_is[1][1] += kept_as_is[1][3] - kept_as_is[1][5]
    kept_as_is[0][:, [3, 5]] = 0.0
    kept_as_is[1][[3, 5]] = 0.0
    offset = 1.0 if hidden == "logistic" else 0.0
    shifted = [intercepts[0], intercepts[1] + offset * coefs[1][5], intercepts[2]]
    naive = np.abs(predict_output(X, kept_as_is, shifted, hidden, "softmax") - before).max()
    assert change < 1e-8 < naive


def test_negligible_neurons_folded_into_the_next_biases():
    from sklearn_nnprune._network import predict_output
    from sklearn_nnprune._procedure.state import Network, fold_negligible_neurons
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 3))
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    intercepts = [rng.normal(size=4), rng.normal(size=2)]
    coefs[0][:, 1] = [3e-7, 0.0, 0.0]   # tanh(3e-7 x0 + b): a near-constant output
    coefs[1][2] = [1.6e-9, -2e-9]       # an output weight that reaches nothing
    masks = [np.ones(W.shape, dtype=bool) for W in coefs]
    net = Network(coefs, intercepts, masks, [(coefs, intercepts)])
    folded, keys = fold_negligible_neurons(net, X, "tanh", "identity")
    assert keys == [(1, 1), (1, 2)]
    assert not folded.masks[0][:, [1, 2]].any() and not folded.masks[1][[1, 2]].any()
    before = predict_output(X, coefs, intercepts, "tanh", "identity")
    after = predict_output(X, folded.coefs, folded.intercepts, "tanh", "identity")
    assert np.abs(after - before).max() <= 1e-6 * before.std(axis=0).min()
    assert len(folded.snapshots) == 1 and np.all(folded.snapshots[0][0][1][[1, 2]] == 0)
    # A neuron that matters stays, and so does the last neuron of a layer.
    kept, none = fold_negligible_neurons(folded, X, "tanh", "identity")
    assert none == [] and kept is folded


def test_the_last_neuron_of_a_layer_is_never_folded():
    from sklearn_nnprune._procedure.state import Network, fold_negligible_neurons
    X = np.random.RandomState(1).normal(size=(50, 2))
    coefs = [np.array([[1e-9], [0.0]]), np.array([[1e-9]])]
    intercepts = [np.zeros(1), np.zeros(1)]
    masks = [np.array([[True], [False]]), np.ones((1, 1), dtype=bool)]
    net = Network(coefs, intercepts, masks, [])
    assert fold_negligible_neurons(net, X, "tanh", "logistic")[1] == []
