"""The compact form computes what the full masked network computes."""

import contextlib
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_regression

from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor
from sklearn_nnprune._compact import compact_network, compact_output
from sklearn_nnprune._network import predict_output


def _full_output(est, X):
    return predict_output(X, est.coefs_, est.intercepts_, est.activation,
                          est._output_activation, est._step_units())


CASES = [
    dict(),
    dict(hidden_layer_sizes=(6, 4), activation="logistic"),
    dict(activation="relu", solver="adam", max_iter=60),
    dict(weight_levels=3, binarize_neurons=True),
    dict(activation="rational", prune=("inputs", "synapses")),
]


@pytest.fixture(scope="module", params=range(len(CASES)))
def fitted(request):
    X, y = make_classification(n_samples=240, n_features=9, n_informative=3,
                               n_redundant=1, n_classes=3, n_clusters_per_class=1,
                               random_state=request.param)
    params = dict(hidden_layer_sizes=(6,), random_state=0, max_iter=150)
    params.update(CASES[request.param])
    with _quiet():
        est = PrunedMLPClassifier(**params).fit(X, y)
    return est, X


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_compact_equals_full_network(fitted):
    est, X = fitted
    rng = np.random.default_rng(0)
    X_new = np.vstack([X, rng.normal(scale=3, size=(300, X.shape[1]))])
    np.testing.assert_allclose(est.predict_proba(X_new)[:, -1] if est.classes_.size == 2
                               else est.predict_proba(X_new),
                               _full_output(est, X_new)[:, -1] if est.classes_.size == 2
                               else _full_output(est, X_new), rtol=0, atol=1e-12)
    net = est.compact_network()
    assert set(net.inputs) <= set(np.flatnonzero(est.support_))
    # Removed inputs are never read: NaN there would otherwise reach the output.
    removed = np.setdiff1d(np.arange(X.shape[1]), net.inputs)
    X_nan = X_new.copy()
    X_nan[:, removed] = np.nan
    out = compact_output(X_nan, net, est.activation, est._output_activation)
    np.testing.assert_allclose(out, _full_output(est, X_new), rtol=0, atol=1e-12)


def test_compact_sizes_follow_the_structure(fitted):
    est, _ = fitted
    net = est.compact_network()
    assert net.coefs[0].shape[0] == net.inputs.size <= est.n_inputs_
    assert sum(h.size for h in net.hidden) <= est.n_neurons_
    assert net.coefs[-1].shape[1] == est.coefs_[-1].shape[1]
    for W, hidden in zip(net.coefs[:-1], net.hidden):
        assert W.shape[1] == hidden.size


def test_finite_check_sees_removed_inputs(fitted):
    est, X = fitted
    removed = np.setdiff1d(np.arange(X.shape[1]), est.compact_network().inputs)
    if removed.size == 0:
        pytest.skip("no input removed")
    X_bad = X.copy()
    X_bad[5, removed[0]] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        est.predict(X_bad)


def test_constant_neuron_is_folded():
    # Neuron 1 has no incoming synapse: it outputs tanh(b) into the output layer.
    coefs = [np.array([[2.0, 0.0], [0.0, 0.0]]), np.array([[1.5], [-0.7]])]
    intercepts = [np.array([0.1, 0.4]), np.array([0.2])]
    masks = [np.array([[True, False], [False, False]]), np.array([[True], [True]])]
    net = compact_network(coefs, intercepts, masks, "tanh")
    assert net.inputs.tolist() == [0]
    assert [h.tolist() for h in net.hidden] == [[0]]
    np.testing.assert_allclose(net.intercepts[1], [0.2 - 0.7 * np.tanh(0.4)])
    X = np.random.default_rng(1).normal(size=(50, 2))
    np.testing.assert_allclose(compact_output(X, net, "tanh", "identity"),
                               predict_output(X, coefs, intercepts, "tanh", "identity"),
                               atol=1e-14)
    # A threshold neuron without inputs is a constant at one of its levels.
    steps = [np.array([False, True])]
    net = compact_network(coefs, intercepts, masks, "tanh", steps)
    np.testing.assert_allclose(net.intercepts[1], [0.2 - 0.7])
    assert net.steps is None


@pytest.mark.parametrize("fmt", ["dense", "csr", "csc", "float32"])
def test_regressor_compact_forms(fmt):
    X, y = make_regression(n_samples=200, n_features=7, n_informative=3, noise=1.0,
                           random_state=0)
    X = X.astype(np.float32) if fmt == "float32" else X
    X = X if fmt in ("dense", "float32") else getattr(sp, f"{fmt}_matrix")(X)
    with _quiet():
        est = PrunedMLPRegressor(hidden_layer_sizes=(5,), random_state=0,
                                 max_iter=200).fit(X, y)
    expected = _full_output(est, X)[:, 0]
    got = est.predict(X)
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5 if fmt == "float32" else 1e-12,
                               atol=1e-4 if fmt == "float32" else 1e-10)


@pytest.mark.parametrize("voting", ["hard", "soft"])
def test_committee_vote_reads_members_compact_forms(voting):
    import pandas as pd
    from sklearn_nnprune import MinimalNetworkCommittee
    X, y = make_classification(n_samples=200, n_features=8, n_informative=3,
                               n_redundant=0, random_state=3)
    with _quiet():
        committee = MinimalNetworkCommittee(
            PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=150, random_state=0),
            n_networks=3, voting=voting, random_state=0).fit(X, y)
    names = committee._member_names
    method = "predict_proba" if voting == "soft" else "predict"
    # Each member on its own columns as a DataFrame, as it was fitted.
    slow = np.stack([getattr(est, method)(pd.DataFrame(X[:, cols], columns=names[cols]))
                     for est, cols in zip(committee.estimators_,
                                          committee.estimators_features_)])
    fast = committee._member_outputs(X, method)
    if voting == "soft":
        np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)
    else:
        np.testing.assert_array_equal(fast, slow)


def test_threads_do_not_change_the_result(fitted, monkeypatch):
    import sklearn_nnprune._compact as compact
    est, X = fitted
    X_big = np.random.default_rng(2).normal(size=(5000, X.shape[1]))
    monkeypatch.setattr(compact, "_CHUNK_BYTES", 4096)  # 256-row chunks: 20 of them
    monkeypatch.setattr(compact, "_MAX_THREADS", 1)
    alone = est.predict_proba(X_big)
    monkeypatch.setattr(compact, "_MAX_THREADS", 4)
    monkeypatch.setattr(compact.os, "cpu_count", lambda: 4)
    np.testing.assert_array_equal(est.predict_proba(X_big), alone)
    X_big[4000, 0] = np.nan  # a chunk's error reaches the caller
    with pytest.raises(ValueError, match="NaN"):
        est.predict(X_big)
