"""Oracle tests for sklearn_nnprune._solvers: masked weights and the biases of removed
neurons never move, the loss goes down, warm starts, reproducibility, snapshots."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from sklearn_nnprune._network import loss_and_gradients
from sklearn_nnprune._pruning import cascade, remove_neurons
from sklearn_nnprune._solvers import fit_adam, fit_lbfgs

ALPHA = 1e-3
ACT = dict(hidden_activation="tanh", output_activation="softmax")
REMOVED = (1, 2)  # hidden layer 1, neuron 2


@pytest.fixture(autouse=True)
def _single_blas_thread():
    # scipy's L-BFGS-B makes many tiny BLAS calls; with OpenBLAS threads on a busy
    # machine they are ~5-15x slower. These tests are about correctness, not speed.
    with threadpool_limits(1, user_api="blas"):
        yield


def _problem(seed=0, n=60):
    """Small 3-class problem; a partially masked 4-6-4-3 network with neuron h1[2]
    removed (folded, masked, cascaded)."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int) + (X[:, 3] > 0.8)
    Y = np.eye(3)[y]
    sizes = (4, 6, 4, 3)
    coefs = [rng.normal(scale=0.5, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.normal(scale=0.1, size=b) for b in sizes[1:]]
    masks = [rng.random(W.shape) > 0.25 for W in coefs]
    coefs = [W * M for W, M in zip(coefs, masks)]
    layer, j = REMOVED
    coefs, intercepts, masks = remove_neurons(coefs, intercepts, masks, layer, [j],
                                              np.full(sizes[layer], 0.3))
    coefs, intercepts, masks = cascade(coefs, intercepts, masks, "tanh")
    return X, Y, coefs, intercepts, masks


def _loss(X, Y, coefs, intercepts, masks):
    return loss_and_gradients(X, Y, coefs, intercepts, masks, ALPHA, **ACT)[0]


def _fit(solver, X, Y, coefs, intercepts, masks, max_iter, seed=0, **kw):
    if solver == "lbfgs":
        return fit_lbfgs(X, Y, coefs, intercepts, masks, alpha=ALPHA, max_iter=max_iter,
                         **ACT, **kw)
    return fit_adam(X, Y, coefs, intercepts, masks, alpha=ALPHA, max_iter=max_iter,
                    random_state=np.random.RandomState(seed), batch_size=16,
                    learning_rate=1e-2, **ACT, **kw)


def _dead_units(masks):
    return [~(M_in.any(axis=0) & M_out.any(axis=1)) for M_in, M_out in zip(masks[:-1], masks[1:])]


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_masks_respected_and_loss_decreases(solver):
    X, Y, coefs, intercepts, masks = _problem()
    saved = [a.copy() for a in coefs + intercepts + masks] + [X.copy(), Y.copy()]
    start = _loss(X, Y, coefs, intercepts, masks)
    W, b, info = _fit(solver, X, Y, coefs, intercepts, masks, max_iter=40, n_snapshots=3)
    # inputs not modified in place
    for a, a0 in zip(coefs + intercepts + masks + [X, Y], saved):
        np.testing.assert_array_equal(a, a0)
    end = _loss(X, Y, W, b, masks)
    assert end < 0.8 * start
    for Wl, M, W0 in zip(W, masks, coefs):
        assert Wl.shape == M.shape
        assert np.all(Wl[~M] == 0.0)
        assert not np.allclose(Wl[M], W0[M])  # the active weights did train
    layer, j = REMOVED
    assert _dead_units(masks)[layer - 1][j]
    assert b[layer - 1][j] == intercepts[layer - 1][j] == 0.0
    for Ws, bs in info["snapshots"]:
        for Wl, M in zip(Ws, masks):
            assert np.all(Wl[~M] == 0.0)
        assert bs[layer - 1][j] == 0.0
    assert np.isfinite(info["loss"]) and info["n_iter"] >= 1


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_zero_iterations_returns_the_start(solver):
    X, Y, coefs, intercepts, masks = _problem(seed=1)
    W, b, info = _fit(solver, X, Y, coefs, intercepts, masks, max_iter=0)
    for u, v in zip(W + b, coefs + intercepts):
        np.testing.assert_array_equal(u, v)
    assert info["n_iter"] == 0
    assert len(info["snapshots"]) == 1
    Ws, bs = info["snapshots"][-1]
    for u, v in zip(Ws + bs, coefs + intercepts):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_warm_start_continues_from_given_weights(solver):
    X, Y, coefs, intercepts, masks = _problem(seed=2)
    W1, b1, _ = _fit(solver, X, Y, coefs, intercepts, masks, max_iter=60)
    trained = _loss(X, Y, W1, b1, masks)
    # a few more iterations from the trained weights stay at (or below) that loss,
    # far below what the same few iterations reach from the initial weights
    W2, b2, _ = _fit(solver, X, Y, W1, b1, masks, max_iter=3, seed=1)
    W3, b3, _ = _fit(solver, X, Y, coefs, intercepts, masks, max_iter=3, seed=1)
    warm, cold = _loss(X, Y, W2, b2, masks), _loss(X, Y, W3, b3, masks)
    assert warm <= trained * 1.05
    assert warm < cold


def test_lbfgs_converges_to_a_stationary_point_of_the_active_parameters():
    X, Y, coefs, intercepts, masks = _problem(seed=3)
    W, b, info = fit_lbfgs(X, Y, coefs, intercepts, masks, alpha=0.1, max_iter=2000,
                           tol=1e-7, **ACT)
    loss, gW, gb = loss_and_gradients(X, Y, W, b, masks, 0.1, **ACT)
    np.testing.assert_allclose(info["loss"], loss, rtol=1e-10)
    dead = _dead_units(masks)
    active = np.concatenate([g[M] for g, M in zip(gW, masks)]
                            + [g[~d] for g, d in zip(gb[:-1], dead)] + [gb[-1]])
    assert np.abs(active).max() < 1e-5


def test_adam_same_seed_same_result_other_seed_differs():
    X, Y, coefs, intercepts, masks = _problem(seed=4)
    runs = [_fit("adam", X, Y, coefs, intercepts, masks, max_iter=5, seed=s)
            for s in (7, 7, 8)]
    for u, v in zip(runs[0][0] + runs[0][1], runs[1][0] + runs[1][1]):
        np.testing.assert_array_equal(u, v)
    assert runs[0][2]["loss_curve"] == runs[1][2]["loss_curve"]
    assert not all(np.array_equal(u, v) for u, v in zip(runs[0][0], runs[2][0]))


def test_lbfgs_is_deterministic():
    X, Y, coefs, intercepts, masks = _problem(seed=5)
    a = _fit("lbfgs", X, Y, coefs, intercepts, masks, max_iter=20)
    b = _fit("lbfgs", X, Y, coefs, intercepts, masks, max_iter=20)
    for u, v in zip(a[0] + a[1], b[0] + b[1]):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
@pytest.mark.parametrize("n_snapshots,max_iter", [(3, 10), (8, 4), (1, 5)])
def test_snapshots(solver, n_snapshots, max_iter):
    X, Y, coefs, intercepts, masks = _problem(seed=6)
    kw = dict(n_snapshots=n_snapshots)
    if solver == "adam":
        kw["n_iter_no_change"] = 1000  # no early stop: exactly max_iter epochs
    W, b, info = _fit(solver, X, Y, coefs, intercepts, masks, max_iter=max_iter, **kw)
    assert info["n_iter"] == max_iter  # far from convergence in so few iterations
    snaps = info["snapshots"]
    assert len(snaps) == min(n_snapshots, info["n_iter"])
    Ws, bs = snaps[-1]
    for u, v in zip(Ws + bs, W + b):
        np.testing.assert_array_equal(u, v)
    # distinct points of the trajectory, not copies of one point
    if len(snaps) > 1:
        assert not np.array_equal(snaps[0][0][0], snaps[-1][0][0])
    # the snapshot is a copy, not the returned arrays themselves
    W[0][masks[0]] += 1.0
    assert not np.array_equal(snaps[-1][0][0], W[0])


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_bias_of_fully_removed_neuron_not_touched(solver):
    # A removed neuron (no incoming, no outgoing synapse) keeps whatever bias it was
    # given: the solvers document that they never touch it.
    X, Y, coefs, intercepts, masks = _problem(seed=7)
    layer, j = REMOVED
    intercepts = [v.copy() for v in intercepts]
    intercepts[layer - 1][j] = 0.75
    W, b, info = _fit(solver, X, Y, coefs, intercepts, masks, max_iter=5)
    assert b[layer - 1][j] == 0.75


def test_lbfgs_at_its_limit_with_a_flat_loss_counts_as_converged():
    from sklearn_nnprune._solvers import _flat
    assert not _flat([1.0, 0.5])  # too short to tell
    assert _flat([1.0] * 5 + [0.5 + 1e-7 * k for k in range(11, 0, -1)])
    assert not _flat([1.0] * 5 + [0.5 + 1e-3 * k for k in range(11, 0, -1)])


def test_evaluator_in_float32_matches_float64_at_float32_tolerance():
    from sklearn_nnprune._solvers import _Evaluator
    X, Y, coefs, intercepts, masks = _problem(seed=3)
    evaluate = _Evaluator(masks, X.shape[0], "tanh", "softmax", ALPHA, dtype=np.float32)
    loss = evaluate(np.float32(X), np.float32(Y), [np.float32(W) for W in coefs],
                    [np.float32(b) for b in intercepts])
    ref = loss_and_gradients(X, Y, coefs, intercepts, masks, ALPHA, **ACT)
    np.testing.assert_allclose(loss, ref[0], rtol=1e-5)
    assert evaluate.grad.dtype == np.float32
    for got, expected in zip(evaluate.coef_grads + evaluate.intercept_grads, ref[1] + ref[2]):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_float32_data_train_float32_networks(solver):
    X, Y, coefs, intercepts, masks = _problem(seed=4)
    W, b, info = _fit(solver, np.float32(X), Y, coefs, intercepts, masks, 30, n_snapshots=2)
    assert all(a.dtype == np.float32 for a in W + b)
    assert all(a.dtype == np.float32 for c, i in info["snapshots"] for a in c + i)
    assert all(np.all(w[~M] == 0.0) for w, M in zip(W, masks))
    assert _loss(X, Y, W, b, masks) < _loss(X, Y, coefs, intercepts, masks)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_sparse_data_train_as_the_dense(solver):
    # The same data as CSR: the same products up to their summation order.
    import scipy.sparse as sp
    X, Y, coefs, intercepts, masks = _problem(seed=5)
    X[np.abs(X) < 0.6] = 0.0
    dense = _fit(solver, X, Y, coefs, intercepts, masks, 20)
    sparse = _fit(solver, sp.csr_matrix(X), Y, coefs, intercepts, masks, 20)
    for got, expected in zip(sparse[0] + sparse[1], dense[0] + dense[1]):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
