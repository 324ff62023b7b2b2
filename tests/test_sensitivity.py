"""Oracle tests for sklearn_nnprune._sensitivity: the indicators equal a brute-force
per-sample computation chi_s = |dh_s/dv * (v_s - v*)| with dh_s/dv from finite
differences, aggregated by sum or max (Gorban and Mirkes, arXiv:2005.06284)."""

import numpy as np
import pytest

import sklearn_nnprune._sensitivity as sensitivity_module
from sklearn_nnprune._network import activate, forward, predict_output, sample_losses
from sklearn_nnprune._sensitivity import average_sensitivities, sensitivities

EPS = 1e-6
CASES = [  # (hidden activation, output activation, hidden layer sizes)
    ("tanh", "softmax", (5, 3)),
    ("logistic", "logistic", (4,)),
    ("rational", "identity", (4, 3)),
    ("relu", "softmax", (6,)),
]
N_OUT = {"identity": 2, "logistic": 1, "softmax": 3}


def _problem(hidden, output, hidden_sizes, seed=0, n=30):
    rng = np.random.RandomState(seed)
    sizes = [4, *hidden_sizes, N_OUT[output]]
    coefs = [rng.normal(scale=0.9, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(scale=0.4, size=b) for b in sizes[1:]]
    masks = [rng.random(W.shape) > 0.25 for W in coefs]
    coefs = [W * M for W, M in zip(coefs, masks)]
    X = rng.normal(size=(n, 4))
    if output == "identity":
        Y = rng.normal(size=(n, 2))
    elif output == "logistic":
        Y = (rng.random((n, 1)) > 0.5).astype(float)
    else:
        Y = np.eye(3)[rng.randint(3, size=n)]
    if hidden == "relu":  # keep samples away from the kink so that differences are exact
        keep = np.ones(n, dtype=bool)
        a = X
        for W, b in zip(coefs[:-1], intercepts[:-1]):
            z = a @ W + b
            keep &= (np.abs(z) > 1e-3).all(axis=1)
            a = activate(z, hidden)
        X, Y = X[keep], Y[keep]
    return X, Y, coefs, intercepts, rng


def _h(X, Y, coefs, intercepts, hidden, output):
    return sample_losses(Y, predict_output(X, coefs, intercepts, hidden, output), output)


def _aggregate(chi, how):
    return chi.sum(axis=0) if how == "sum" else chi.max(axis=0)


def _brute_inputs(X, Y, coefs, intercepts, hidden, output, ref, how):
    chi = np.zeros_like(X)
    for i in range(X.shape[1]):
        Xp, Xm = X.copy(), X.copy()
        Xp[:, i] += EPS
        Xm[:, i] -= EPS
        g = (_h(Xp, Y, coefs, intercepts, hidden, output)
             - _h(Xm, Y, coefs, intercepts, hidden, output)) / (2 * EPS)
        chi[:, i] = np.abs(g * (X[:, i] - ref[i]))
    return _aggregate(chi, how)


def _brute_neurons(X, Y, coefs, intercepts, hidden, output, refs, how):
    acts = forward(X, coefs, intercepts, hidden, output)
    result = []
    for layer in range(1, len(coefs)):
        A = acts[layer]
        sub_w, sub_b = coefs[layer:], intercepts[layer:]
        names = [hidden] * (len(sub_w) - 1)
        chi = np.zeros_like(A)
        for j in range(A.shape[1]):
            Ap, Am = A.copy(), A.copy()
            Ap[:, j] += EPS
            Am[:, j] -= EPS
            g = (_h(Ap, Y, sub_w, sub_b, names, output)
                 - _h(Am, Y, sub_w, sub_b, names, output)) / (2 * EPS)
            chi[:, j] = np.abs(g * (A[:, j] - refs[layer - 1][j]))
        result.append(_aggregate(chi, how))
    return result


def _brute_synapses(X, Y, coefs, intercepts, hidden, output, refs, how):
    result = []
    for l, W in enumerate(coefs):
        out = np.zeros_like(W)
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                plus = [w.copy() for w in coefs]
                minus = [w.copy() for w in coefs]
                plus[l][i, j] += EPS
                minus[l][i, j] -= EPS
                g = (_h(X, Y, plus, intercepts, hidden, output)
                     - _h(X, Y, minus, intercepts, hidden, output)) / (2 * EPS)
                ref = 0.0 if refs is None else refs[l][i, j]
                out[i, j] = _aggregate(np.abs(g * (W[i, j] - ref)), how)
        result.append(out)
    return result


def _ternary_reference(coefs):
    """Nearest level of {-s, 0, +s} with s the mean |w| of the layer (quantization)."""
    refs = []
    for W in coefs:
        s = np.abs(W[W != 0]).mean()
        refs.append(np.clip(np.round(W / s), -1, 1) * s)
    return refs


@pytest.mark.parametrize("how", ["sum", "max"])
@pytest.mark.parametrize("hidden,output,hidden_sizes", CASES)
def test_indicators_match_brute_force(hidden, output, hidden_sizes, how):
    X, Y, coefs, intercepts, rng = _problem(hidden, output, hidden_sizes)
    input_ref = rng.normal(size=X.shape[1])
    neuron_ref = [rng.uniform(-0.5, 0.5, size=W.shape[1]) for W in coefs[:-1]]
    synapse_ref = _ternary_reference(coefs)
    got = sensitivities(X, Y, coefs, intercepts, hidden, output, how=how,
                        input_reference=input_ref, neuron_reference=neuron_ref,
                        synapse_reference=synapse_ref)
    tol = dict(rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(
        got["inputs"], _brute_inputs(X, Y, coefs, intercepts, hidden, output, input_ref, how),
        **tol)
    expected = _brute_neurons(X, Y, coefs, intercepts, hidden, output, neuron_ref, how)
    assert len(got["neurons"]) == len(expected)
    for g, e in zip(got["neurons"], expected):
        np.testing.assert_allclose(g, e, **tol)
    expected = _brute_synapses(X, Y, coefs, intercepts, hidden, output, synapse_ref, how)
    assert len(got["synapses"]) == len(expected)
    for g, e in zip(got["synapses"], expected):
        np.testing.assert_allclose(g, e, **tol)


@pytest.mark.parametrize("how", ["sum", "max"])
def test_default_references_are_zero(how):
    hidden, output, hidden_sizes = CASES[0]
    X, Y, coefs, intercepts, _ = _problem(hidden, output, hidden_sizes, seed=1)
    got = sensitivities(X, Y, coefs, intercepts, hidden, output, how=how)
    zero_in = np.zeros(X.shape[1])
    zero_neu = [np.zeros(W.shape[1]) for W in coefs[:-1]]
    np.testing.assert_allclose(
        got["inputs"], _brute_inputs(X, Y, coefs, intercepts, hidden, output, zero_in, how),
        rtol=1e-5, atol=1e-8)
    for g, e in zip(got["neurons"],
                    _brute_neurons(X, Y, coefs, intercepts, hidden, output, zero_neu, how)):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-8)
    for g, e, W in zip(got["synapses"],
                       _brute_synapses(X, Y, coefs, intercepts, hidden, output, None, how),
                       coefs):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-8)
        # reference 0: a removed (zero) synapse has indicator exactly 0
        assert np.all(g[W == 0] == 0.0)


def test_kinds_selects_the_indicators():
    X, Y, coefs, intercepts, _ = _problem("tanh", "softmax", (5, 3))
    full = sensitivities(X, Y, coefs, intercepts, "tanh", "softmax")
    only = sensitivities(X, Y, coefs, intercepts, "tanh", "softmax", kinds=("neurons",))
    assert set(only) == {"neurons"}
    assert set(full) == {"inputs", "neurons", "synapses"}
    for a, b in zip(only["neurons"], full["neurons"]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("chunk_elements", [1, 50])
def test_chunked_max_equals_unchunked(monkeypatch, chunk_elements):
    X, Y, coefs, intercepts, rng = _problem("tanh", "softmax", (5, 3), seed=2, n=37)
    synapse_ref = _ternary_reference(coefs)
    kw = dict(kinds=("synapses",), how="max", synapse_reference=synapse_ref)
    whole = sensitivities(X, Y, coefs, intercepts, "tanh", "softmax", **kw)["synapses"]
    # Several chunks, the last one partial (fan-in x fan-out is 20, 15 and 9 here).
    monkeypatch.setattr(sensitivity_module, "_MAX_CHUNK_ELEMENTS", chunk_elements)
    chunked = sensitivities(X, Y, coefs, intercepts, "tanh", "softmax", **kw)["synapses"]
    for a, b in zip(whole, chunked):
        np.testing.assert_array_equal(a, b)
    # and it is the maximum over the samples, not over one chunk
    for a, e in zip(chunked, _brute_synapses(X, Y, coefs, intercepts, "tanh", "softmax",
                                             synapse_ref, "max")):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-8)


def test_average_over_snapshots_is_the_mean():
    X, Y, coefs, intercepts, rng = _problem("rational", "identity", (4, 3), seed=3)
    snapshots = []
    for k in range(3):
        snapshots.append(([W + 0.2 * k * rng.normal(size=W.shape) * (W != 0) for W in coefs],
                          [b + 0.1 * k for b in intercepts]))
    kw = dict(how="sum", input_reference=rng.normal(size=X.shape[1]),
              neuron_reference=[rng.normal(size=W.shape[1]) for W in coefs[:-1]])
    singles = [sensitivities(X, Y, c, b, "rational", "identity", **kw) for c, b in snapshots]
    saved = [([W.copy() for W in c], [v.copy() for v in b]) for c, b in snapshots]
    avg = average_sensitivities(X, Y, snapshots, "rational", "identity", **kw)
    np.testing.assert_allclose(avg["inputs"], np.mean([s["inputs"] for s in singles], axis=0),
                               rtol=1e-12)
    for key in ("neurons", "synapses"):
        for l in range(len(avg[key])):
            np.testing.assert_allclose(
                avg[key][l], np.mean([s[key][l] for s in singles], axis=0), rtol=1e-12)
    # the snapshots differ, so the mean is not any single one of them
    assert not np.allclose(avg["inputs"], singles[0]["inputs"])
    for (c, b), (c0, b0) in zip(snapshots, saved):
        for u, v in zip(c + b, c0 + b0):
            np.testing.assert_array_equal(u, v)


def test_inputs_not_modified():
    X, Y, coefs, intercepts, rng = _problem("tanh", "softmax", (5, 3), seed=4)
    refs = _ternary_reference(coefs)
    before = [X.copy(), Y.copy()] + [a.copy() for a in coefs + intercepts + refs]
    for how in ("sum", "max"):
        sensitivities(X, Y, coefs, intercepts, "tanh", "softmax", how=how,
                      synapse_reference=refs)
    for a, b in zip([X, Y] + coefs + intercepts + refs, before):
        np.testing.assert_array_equal(a, b)


def test_first_order_estimate_predicts_the_loss_change():
    # A small synapse: setting it to 0 changes each h_s by about dh_s/dw * w, so the
    # summed |change| over samples is close to the "sum" indicator (first order).
    X, Y, coefs, intercepts, rng = _problem("tanh", "softmax", (5, 3), seed=5, n=60)
    coefs = [W.copy() for W in coefs]
    coefs[1][2, 1] = 0.05
    ind = sensitivities(X, Y, coefs, intercepts, "tanh", "softmax",
                        kinds=("synapses",))["synapses"][1][2, 1]
    cut = [W.copy() for W in coefs]
    cut[1][2, 1] = 0.0
    actual = np.abs(_h(X, Y, cut, intercepts, "tanh", "softmax")
                    - _h(X, Y, coefs, intercepts, "tanh", "softmax")).sum()
    assert ind > 0
    np.testing.assert_allclose(ind, actual, rtol=0.1)
    # the same holds for an input removed to a reference close to its values
    x_ref = X.mean(axis=0)
    X_close = x_ref + 0.05 * (X - x_ref)
    ind_in = sensitivities(X_close, Y, coefs, intercepts, "tanh", "softmax",
                           kinds=("inputs",), input_reference=x_ref)["inputs"]
    actual_in = np.empty(X.shape[1])
    for i in range(X.shape[1]):
        Xr = X_close.copy()
        Xr[:, i] = x_ref[i]
        actual_in[i] = np.abs(_h(Xr, Y, coefs, intercepts, "tanh", "softmax")
                              - _h(X_close, Y, coefs, intercepts, "tanh", "softmax")).sum()
    np.testing.assert_allclose(ind_in, actual_in, rtol=0.15)


@pytest.mark.parametrize("how", ["sum", "max"])
@pytest.mark.parametrize("hidden,output,hidden_sizes", CASES)
def test_float32_indicators_match_brute_force_at_float32_tolerance(hidden, output,
                                                                   hidden_sizes, how):
    # float32 data and weights: the indicators are computed in float32 and agree
    # with the float64 brute force at the same (float32-rounded) point.
    X, Y, coefs, intercepts, rng = _problem(hidden, output, hidden_sizes, seed=1)
    X, coefs, intercepts = (np.float64(np.float32(X)),
                            [np.float64(np.float32(W)) for W in coefs],
                            [np.float64(np.float32(b)) for b in intercepts])
    input_ref = rng.normal(size=X.shape[1])
    neuron_ref = [rng.uniform(-0.5, 0.5, size=W.shape[1]) for W in coefs[:-1]]
    got = sensitivities(np.float32(X), np.float32(Y), [np.float32(W) for W in coefs],
                        [np.float32(b) for b in intercepts], hidden, output, how=how,
                        input_reference=input_ref, neuron_reference=neuron_ref)
    assert got["inputs"].dtype == np.float32
    assert all(g.dtype == np.float32 for g in got["neurons"] + got["synapses"])
    tol = dict(rtol=2e-4, atol=1e-5)
    np.testing.assert_allclose(
        got["inputs"], _brute_inputs(X, Y, coefs, intercepts, hidden, output, input_ref, how),
        **tol)
    expected = _brute_neurons(X, Y, coefs, intercepts, hidden, output, neuron_ref, how)
    for g, e in zip(got["neurons"], expected):
        np.testing.assert_allclose(g, e, **tol)
    expected = _brute_synapses(X, Y, coefs, intercepts, hidden, output, None, how)
    for g, e in zip(got["synapses"], expected):
        np.testing.assert_allclose(g, e, **tol)


@pytest.mark.parametrize("chunk", [None, 7])
@pytest.mark.parametrize("how", ["sum", "max"])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_indicators_equal_dense(monkeypatch, fmt, how, chunk):
    # Sparse X: the input indicators by sparse algebra in row chunks (a nonzero
    # reference, so the zeros count), the synapse ones by sparse products.
    import scipy.sparse as sp
    if chunk is not None:  # several row chunks of a few rows
        monkeypatch.setattr(sensitivity_module, "_SPARSE_CHUNK_ELEMENTS", chunk * 4)
        monkeypatch.setattr(sensitivity_module, "_MAX_CHUNK_ELEMENTS", chunk * 20)
    X, Y, coefs, intercepts, rng = _problem("tanh", "softmax", (5, 3), seed=2)
    X[np.abs(X) < 0.7] = 0.0
    S = sp.csr_matrix(X).asformat(fmt)
    kw = dict(how=how, input_reference=rng.normal(size=4),
              neuron_reference=[rng.normal(size=5), rng.normal(size=3)])
    dense = sensitivities(X, Y, coefs, intercepts, "tanh", "softmax", **kw)
    before = S.copy()
    sparse = sensitivities(S, Y, coefs, intercepts, "tanh", "softmax", **kw)
    assert (S != before).nnz == 0 and S.format == fmt
    np.testing.assert_allclose(sparse["inputs"], dense["inputs"], rtol=1e-12)
    for g, e in zip(sparse["neurons"] + sparse["synapses"],
                    dense["neurons"] + dense["synapses"]):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-15)
