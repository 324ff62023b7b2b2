"""Oracle tests for sklearn_nnprune._network: the gradients agree with finite
differences of the loss, masked weights get exactly zero gradient, per-sample
signal gradients agree with finite differences of the per-sample loss."""

import numpy as np
import pytest
from sklearn.metrics import log_loss

from sklearn_nnprune._network import (
    activate,
    activation_derivative,
    backward,
    count_structure,
    forward,
    loss_and_gradients,
    output_delta,
    predict_output,
    sample_losses,
    signal_gradients,
)

HIDDEN = ["tanh", "logistic", "relu", "identity", "rational"]
OUTPUTS = ["identity", "logistic", "softmax"]
EPS = 1e-6  # central-difference step: truncation ~EPS^2, rounding ~1e-16/EPS


def _targets(rng, n, output_activation):
    if output_activation == "identity":
        return rng.normal(size=(n, 2))
    if output_activation == "logistic":
        return (rng.random((n, 1)) > 0.5).astype(float)
    return np.eye(3)[rng.randint(3, size=n)]


def _network(rng, sizes, mask_fraction=0.3):
    """Random network with a partial mask; masked weights are 0."""
    coefs = [rng.normal(scale=0.9, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(scale=0.4, size=b) for b in sizes[1:]]
    masks = [rng.random(W.shape) > mask_fraction for W in coefs]
    for M in masks:
        M.flat[0] = False  # at least one masked weight per layer
        M.flat[-1] = True
    coefs = [W * M for W, M in zip(coefs, masks)]
    return coefs, intercepts, masks


def _away_from_kinks(X, coefs, intercepts, hidden, output, margin=1e-3):
    """Keep the samples whose hidden pre-activations are all away from 0 (relu kink)."""
    keep = np.ones(X.shape[0], dtype=bool)
    a = X
    for l, (W, b) in enumerate(zip(coefs[:-1], intercepts[:-1])):
        z = a @ W + b
        keep &= (np.abs(z) > margin).all(axis=1)
        a = activate(z, hidden)
    return keep


def _problem(hidden, output, n_hidden_layers, seed=0, n=25):
    rng = np.random.RandomState(seed)
    sizes = [4] + [5, 3][:n_hidden_layers] + [{"identity": 2, "logistic": 1, "softmax": 3}[output]]
    coefs, intercepts, masks = _network(rng, sizes)
    X = rng.normal(size=(n, 4))
    Y = _targets(rng, n, output)
    keep = _away_from_kinks(X, coefs, intercepts, hidden, output)
    assert keep.sum() >= n // 2
    return X[keep], Y[keep], coefs, intercepts, masks


def _loss(X, Y, coefs, intercepts, masks, alpha, hidden, output):
    return loss_and_gradients(X, Y, coefs, intercepts, masks, alpha, hidden, output)[0]


@pytest.mark.parametrize("n_hidden_layers", [1, 2])
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_loss_gradients_match_finite_differences(hidden, output, n_hidden_layers):
    X, Y, coefs, intercepts, masks = _problem(hidden, output, n_hidden_layers)
    alpha = 0.7  # large enough that a wrong L2 term would show
    _, gW, gb = loss_and_gradients(X, Y, coefs, intercepts, masks, alpha, hidden, output)

    def loss_at(W_list, b_list):
        return _loss(X, Y, W_list, b_list, masks, alpha, hidden, output)

    for l, (W, M) in enumerate(zip(coefs, masks)):
        assert gW[l].shape == W.shape
        # Masked weights: exactly zero gradient (not merely small).
        assert np.all(gW[l][~M] == 0.0)
        fd = np.zeros_like(W)
        for i, j in zip(*np.nonzero(M)):
            plus = [w.copy() for w in coefs]
            minus = [w.copy() for w in coefs]
            plus[l][i, j] += EPS
            minus[l][i, j] -= EPS
            fd[i, j] = (loss_at(plus, intercepts) - loss_at(minus, intercepts)) / (2 * EPS)
        np.testing.assert_allclose(gW[l][M], fd[M], rtol=1e-5, atol=1e-8)
    for l, b in enumerate(intercepts):
        fd = np.zeros_like(b)
        for j in range(b.size):
            plus = [v.copy() for v in intercepts]
            minus = [v.copy() for v in intercepts]
            plus[l][j] += EPS
            minus[l][j] -= EPS
            fd[j] = (loss_at(coefs, plus) - loss_at(coefs, minus)) / (2 * EPS)
        np.testing.assert_allclose(gb[l], fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("output", OUTPUTS)
def test_loss_is_mean_sample_loss_plus_l2(output):
    X, Y, coefs, intercepts, masks = _problem("tanh", output, 2, seed=1)
    alpha = 0.3
    P = predict_output(X, coefs, intercepts, "tanh", output)
    loss = _loss(X, Y, coefs, intercepts, masks, alpha, "tanh", output)
    penalty = alpha / (2 * X.shape[0]) * sum((W ** 2).sum() for W in coefs)
    if output == "identity":
        expected = 0.5 * ((P - Y) ** 2).sum(axis=1).mean()
    elif output == "logistic":
        expected = log_loss(Y.ravel(), P.ravel(), labels=[0, 1])
    else:
        expected = log_loss(Y.argmax(axis=1), P, labels=[0, 1, 2])
    np.testing.assert_allclose(loss, expected + penalty, rtol=1e-12)


def test_softmax_rows_sum_to_one_and_shift_invariant():
    rng = np.random.RandomState(0)
    z = rng.normal(size=(6, 4)) * 10
    p = activate(z, "softmax")
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(activate(z + 500.0, "softmax"), p)
    np.testing.assert_allclose(p, np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))


def _per_sample_fd_inputs(X, Y, coefs, intercepts, hidden, output):
    """dh_s/dX[s, i] by central differences; one column perturbed at a time (each
    sample's loss depends only on its own row)."""
    fd = np.zeros_like(X)
    for i in range(X.shape[1]):
        Xp, Xm = X.copy(), X.copy()
        Xp[:, i] += EPS
        Xm[:, i] -= EPS
        hp = sample_losses(Y, predict_output(Xp, coefs, intercepts, hidden, output), output)
        hm = sample_losses(Y, predict_output(Xm, coefs, intercepts, hidden, output), output)
        fd[:, i] = (hp - hm) / (2 * EPS)
    return fd


def _per_sample_fd_hidden(A, Y, coefs, intercepts, layer, hidden, output):
    """dh_s/da_layer by central differences on the network split at hidden layer
    ``layer``: the forward pass runs from that layer's outputs ``A`` on."""
    sub_w, sub_b = coefs[layer:], intercepts[layer:]
    names = [hidden] * (len(sub_w) - 1)
    fd = np.zeros_like(A)
    for j in range(A.shape[1]):
        Ap, Am = A.copy(), A.copy()
        Ap[:, j] += EPS
        Am[:, j] -= EPS
        hp = sample_losses(Y, predict_output(Ap, sub_w, sub_b, names, output), output)
        hm = sample_losses(Y, predict_output(Am, sub_w, sub_b, names, output), output)
        fd[:, j] = (hp - hm) / (2 * EPS)
    return fd


@pytest.mark.parametrize("n_hidden_layers", [1, 2])
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_per_sample_signal_gradients_match_finite_differences(hidden, output,
                                                             n_hidden_layers):
    X, Y, coefs, intercepts, masks = _problem(hidden, output, n_hidden_layers, seed=2)
    acts = forward(X, coefs, intercepts, hidden, output)
    deltas = backward(acts, coefs, output_delta(Y, acts[-1]), hidden)
    grads = signal_gradients(deltas, coefs)
    assert len(grads) == len(coefs)
    fd = _per_sample_fd_inputs(X, Y, coefs, intercepts, hidden, output)
    np.testing.assert_allclose(grads[0], fd, rtol=1e-5, atol=1e-8)
    for layer in range(1, len(coefs)):
        fd = _per_sample_fd_hidden(acts[layer], Y, coefs, intercepts, layer, hidden, output)
        assert grads[layer].shape == acts[layer].shape
        np.testing.assert_allclose(grads[layer], fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_deltas_are_loss_gradients_wrt_preactivations(hidden):
    # deltas[l] = dh_s / dz_{l+1}: check the first hidden layer by perturbing z_1
    # and running the rest of the network.
    X, Y, coefs, intercepts, masks = _problem(hidden, "softmax", 2, seed=3)
    acts = forward(X, coefs, intercepts, hidden, "softmax")
    deltas = backward(acts, coefs, output_delta(Y, acts[-1]), hidden)
    Z = X @ coefs[0] + intercepts[0]
    fd = np.zeros_like(Z)
    for j in range(Z.shape[1]):
        Zp, Zm = Z.copy(), Z.copy()
        Zp[:, j] += EPS
        Zm[:, j] -= EPS
        run = [
            sample_losses(Y, predict_output(activate(z, hidden), coefs[1:], intercepts[1:],
                                            [hidden], "softmax"), "softmax")
            for z in (Zp, Zm)
        ]
        fd[:, j] = (run[0] - run[1]) / (2 * EPS)
    np.testing.assert_allclose(deltas[0], fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", HIDDEN)
def test_activation_derivative_from_output(name):
    z = np.linspace(-4, 4, 81).reshape(9, 9)
    z = z[np.abs(z) > 1e-3] if name == "relu" else z  # relu: away from the kink
    a = activate(z.copy(), name)
    fd = (activate(z + EPS, name) - activate(z - EPS, name)) / (2 * EPS)
    np.testing.assert_allclose(activation_derivative(a, name), fd, rtol=1e-6, atol=1e-9)


def test_rational_values_and_derivative():
    z = np.array([-50.0, -3.0, -0.5, -1e-3, 0.0, 1e-3, 0.5, 3.0, 50.0])
    a = activate(z, "rational")
    np.testing.assert_allclose(a, z / (1 + np.abs(z)))
    # d/dz z/(1+|z|) = 1/(1+|z|)^2, written from the output a.
    np.testing.assert_allclose(activation_derivative(a, "rational"), 1 / (1 + np.abs(z)) ** 2)


@pytest.mark.parametrize("name", HIDDEN + ["step", "softmax"])
def test_activate_in_place_equals_out_of_place(name):
    rng = np.random.RandomState(0)
    z = rng.normal(size=(5, 3))
    expected = activate(z.copy(), name)
    z_alias = z.copy()
    got = activate(z_alias, name, out=z_alias)
    np.testing.assert_array_equal(got, expected)
    # out=None leaves the input untouched
    z_keep = z.copy()
    activate(z_keep, name)
    np.testing.assert_array_equal(z_keep, z)


def test_tanh_matches_numpy_everywhere():
    z = np.concatenate([np.random.RandomState(0).normal(scale=5, size=1000),
                        [0.0, 1e-300, -1e-12, 20.0, -20.0, 354.0, 355.0, -800.0, 800.0,
                         np.inf, -np.inf]])
    got = activate(z, "tanh")
    np.testing.assert_allclose(got, np.tanh(z), rtol=0, atol=5e-16)
    assert np.isnan(activate(np.array([np.nan]), "tanh")).all()
    in_place = z.copy()
    assert activate(in_place, "tanh", out=in_place) is in_place
    np.testing.assert_array_equal(in_place, got)


def test_step_outputs_signs():
    z = np.array([[-2.0, -1e-9, 0.0, 1e-9, 3.0]])
    np.testing.assert_array_equal(activate(z, "step"), np.where(z >= 0, 1.0, -1.0))
    np.testing.assert_array_equal(activation_derivative(activate(z, "step"), "step"), 0.0)


def test_unknown_activation_raises():
    with pytest.raises(ValueError, match="unknown activation"):
        activate(np.zeros(3), "swish")
    with pytest.raises(ValueError, match="unknown activation"):
        activation_derivative(np.zeros(3), "swish")


def test_forward_does_not_modify_inputs_and_predict_matches():
    X, Y, coefs, intercepts, masks = _problem("rational", "softmax", 2, seed=4)
    copies = (X.copy(), [W.copy() for W in coefs], [b.copy() for b in intercepts])
    acts = forward(X, coefs, intercepts, "rational", "softmax")
    loss_and_gradients(X, Y, coefs, intercepts, masks, 0.1, "rational", "softmax")
    np.testing.assert_array_equal(X, copies[0])
    for W, W0 in zip(coefs, copies[1]):
        np.testing.assert_array_equal(W, W0)
    for b, b0 in zip(intercepts, copies[2]):
        np.testing.assert_array_equal(b, b0)
    np.testing.assert_array_equal(
        predict_output(X, coefs, intercepts, "rational", "softmax"), acts[-1])
    # per-layer names: a list with one name per hidden layer
    mixed = forward(X, coefs, intercepts, ["tanh", "relu"], "softmax")
    a1 = np.tanh(X @ coefs[0] + intercepts[0])
    a2 = np.maximum(a1 @ coefs[1] + intercepts[1], 0)
    np.testing.assert_allclose(mixed[1], a1)
    np.testing.assert_allclose(mixed[2], a2)


def test_count_structure():
    # 3 inputs -> 4 -> 2 -> 1. Input 2 has no outgoing synapse; hidden neuron h1[3]
    # has no incoming one; h2[1] has no outgoing one.
    m0 = np.ones((3, 4), dtype=bool)
    m0[2] = False
    m0[:, 3] = False
    m1 = np.ones((4, 2), dtype=bool)
    m2 = np.array([[True], [False]])
    n_inputs, n_neurons, n_synapses = count_structure([m0, m1, m2])
    assert n_inputs == 2
    assert n_neurons == 3 + 1  # h1[0..2] and h2[0]
    assert n_synapses == m0.sum() + m1.sum() + m2.sum()


def _as32(arrays):
    return [np.asarray(a, dtype=np.float32) for a in arrays]


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_float32_gradients_match_finite_differences_at_float32_tolerance(hidden, output):
    # float32 inputs and weights compute in float32 (as scikit-learn's MLP). The
    # reference: central differences in float64 at the same (float32) point, so
    # only the float32 arithmetic of the gradient is under test.
    X, Y, coefs, intercepts, masks = _problem(hidden, output, 2, seed=4)
    X32, Y32, W32, b32 = np.float32(X), np.float32(Y), _as32(coefs), _as32(intercepts)
    loss, gW, gb = loss_and_gradients(X32, Y32, W32, b32, masks, 0.7, hidden, output)
    assert all(g.dtype == np.float32 for g in gW + gb)
    X64, W64, b64 = np.float64(X32), [np.float64(w) for w in W32], [np.float64(b) for b in b32]
    ref_loss, ref_W, ref_b = loss_and_gradients(X64, Y, W64, b64, masks, 0.7, hidden, output)
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-4)
    for l, (W, M) in enumerate(zip(W64, masks)):
        assert np.all(gW[l][~M] == 0.0)
        i, j = np.argwhere(M)[0]
        plus = [w.copy() for w in W64]
        minus = [w.copy() for w in W64]
        plus[l][i, j] += EPS
        minus[l][i, j] -= EPS
        fd = (_loss(X64, Y, plus, b64, masks, 0.7, hidden, output)
              - _loss(X64, Y, minus, b64, masks, 0.7, hidden, output)) / (2 * EPS)
        np.testing.assert_allclose(gW[l][i, j], fd, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(gW[l], ref_W[l], rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(gb[l], ref_b[l], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_float32_signal_gradients_match_finite_differences(hidden):
    X, Y, coefs, intercepts, masks = _problem(hidden, "softmax", 2, seed=5)
    X32, W32, b32 = np.float32(X), _as32(coefs), _as32(intercepts)
    acts = forward(X32, W32, b32, hidden, "softmax")
    assert all(a.dtype == np.float32 for a in acts)
    grads = signal_gradients(backward(acts, W32, output_delta(np.float32(Y), acts[-1]),
                                      hidden), W32)
    fd = _per_sample_fd_inputs(np.float64(X32), Y, [np.float64(w) for w in W32],
                               [np.float64(b) for b in b32], hidden, "softmax")
    np.testing.assert_allclose(grads[0], fd, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_inputs_give_the_dense_outputs_and_gradients(fmt):
    import scipy.sparse as sp
    X, Y, coefs, intercepts, masks = _problem("tanh", "softmax", 2, seed=6)
    X[np.abs(X) < 0.8] = 0.0  # about half the entries zero
    S = sp.csr_matrix(X).asformat(fmt)
    np.testing.assert_allclose(predict_output(S, coefs, intercepts, "tanh", "softmax"),
                               predict_output(X, coefs, intercepts, "tanh", "softmax"),
                               rtol=1e-12, atol=1e-15)
    dense = loss_and_gradients(X, Y, coefs, intercepts, masks, 0.3, "tanh", "softmax")
    sparse = loss_and_gradients(S, Y, coefs, intercepts, masks, 0.3, "tanh", "softmax")
    np.testing.assert_allclose(sparse[0], dense[0], rtol=1e-12)
    for got, expected in zip(sparse[1] + sparse[2], dense[1] + dense[2]):
        assert isinstance(got, np.ndarray)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
