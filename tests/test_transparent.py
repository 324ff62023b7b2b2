"""Logically transparent networks: weight levels and threshold neurons."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor
from sklearn_nnprune._network import (backward, forward, loss_and_gradients,
                                      output_delta, step_levels)
from sklearn_nnprune._solvers import _Evaluator, fit_adam, fit_lbfgs

# The paper's criterion: the training set must stay solved exactly.
EXACT = dict(tolerance=0.0, noise_tolerance=0.0, cv=None)
TRANSPARENT = dict(hidden_layer_sizes=(4,), prune=("inputs",), weight_levels="ternary",
                   binarize_neurons=True, **EXACT)


def boolean_task(rule, seed, n=200, n_features=10):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 2, (n, n_features)).astype(float)
    if rule == "2of3":
        y = X[:, :3].sum(axis=1) >= 2
    else:  # (x0 and x1) or x2
        y = (X[:, 0] * X[:, 1] + X[:, 2]) > 0
    return X, y.astype(int)


def scaled_classification(seed=0):
    # Features on very different scales, so that levels in the units of coefs_
    # differ from the network's internal (standardized) units.
    X, y = make_classification(n_samples=150, n_features=4, n_informative=2,
                               n_redundant=0, random_state=seed)
    return X * np.array([1.0, 100.0, 0.01, 5.0]) + np.array([0.0, 50.0, 1.0, -3.0]), y


def assert_on_levels(est, base=None):
    """Every weight fixed by quantization takes one of its unit's levels exactly;
    removed synapses are exactly 0; the levels are the declared ones."""
    for W, M, Q, G in zip(est.coefs_, est.masks_, est.quantized_, est.weight_levels_):
        assert G.shape[0] == W.shape[1]
        if base is not None:
            scale = np.abs(G).max(axis=1)
            assert_allclose(G, scale[:, None] * np.asarray(base)[None, :])
        assert not Q[~M].any()
        assert (W[~M] == 0).all()
        for j in range(W.shape[1]):
            assert np.isin(W[Q[:, j], j], G[j]).all()


def all_quantized(est):
    return all(np.array_equal(Q, M) for Q, M in zip(est.quantized_, est.masks_))


def alive_neurons(est):
    return [M_in.any(axis=0) & M_out.any(axis=1)
            for M_in, M_out in zip(est.masks_[:-1], est.masks_[1:])]


# --------------------------------------------------------- Boolean tasks
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("rule", ["2of3", "andor"])
def test_boolean_task_becomes_transparent(rule, seed):
    X, y = boolean_task(rule, seed)
    clf = PrunedMLPClassifier(random_state=seed, **TRANSPARENT).fit(X, y)
    assert np.flatnonzero(clf.support_).tolist() == [0, 1, 2]
    assert_array_equal(clf.predict(X), y)
    assert all_quantized(clf)
    assert_on_levels(clf, base=[-1.0, 0.0, 1.0])
    for steps, alive in zip(clf.binary_neurons_, alive_neurons(clf)):
        assert_array_equal(steps, alive)
    # Threshold neurons and weights on levels: the output takes few values.
    proba = clf.predict_proba(X)[:, 1]
    assert len(np.unique(proba)) <= 2 ** clf.n_neurons_
    kinds = [h["kind"] for h in clf.pruning_history_]
    assert {"inputs", "levels", "binarize"} <= set(kinds)
    assert kinds.index("levels") < kinds.index("binarize")


@pytest.mark.parametrize("seed", [0, 1])
def test_boolean_task_with_the_cross_fitted_criterion(seed):
    # cv=3 networks share which weights are fixed, removed and thresholded; the
    # final network, retrained on all the data, keeps the first one's levels.
    X, y = boolean_task("andor", seed)
    params = dict(TRANSPARENT, cv=3)
    clf = PrunedMLPClassifier(random_state=seed, **params).fit(X, y)
    assert np.flatnonzero(clf.support_).tolist() == [0, 1, 2]
    assert_array_equal(clf.predict(X), y)
    assert all_quantized(clf)
    assert_on_levels(clf, base=[-1.0, 0.0, 1.0])
    for steps, alive in zip(clf.binary_neurons_, alive_neurons(clf)):
        assert_array_equal(steps, alive)


def test_fan_in_cap_with_levels_gives_at_least_m_of_k():
    X, y = boolean_task("2of3", 0)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), prune=("inputs", "synapses"),
                              max_fan_in=3, weight_levels="ternary",
                              binarize_neurons=True, **EXACT,
                              random_state=0).fit(X, y)
    assert all((M.sum(axis=0) <= 3).all() for M in clf.masks_)
    assert all_quantized(clf)
    assert_array_equal(clf.predict(X), y)
    # Every threshold neuron has k <= 3 incoming weights of one magnitude: with 0/1
    # inputs it counts how many of its k (possibly negated) inputs are true.
    W, M = clf.coefs_[0], clf.masks_[0]
    for j in np.flatnonzero(clf.binary_neurons_[0]):
        magnitudes = np.abs(W[M[:, j], j])
        assert 1 <= magnitudes.size <= 3
        assert_allclose(magnitudes, magnitudes[0], rtol=0)


# ------------------------------------------------------------ levels
@pytest.mark.parametrize("levels, base", [
    ("binary", [-1.0, 1.0]),
    ("ternary", [-1.0, 0.0, 1.0]),
    (5, [-1.0, -0.5, 0.0, 0.5, 1.0]),
])
def test_coefs_take_the_declared_scaled_levels(levels, base):
    X, y = scaled_classification()
    clf = PrunedMLPClassifier(hidden_layer_sizes=(3,), prune=(), weight_levels=levels,
                              tolerance=None, cv=None, random_state=0).fit(X, y)
    assert all_quantized(clf)
    assert_on_levels(clf, base=base)
    if levels == "binary":
        # No zero level: no synapse is removed by quantization.
        assert all(M.all() for M in clf.masks_)
    assert np.isfinite(clf.predict_proba(X)).all()


def test_coefs_take_an_explicit_sequence_of_levels():
    X, y = scaled_classification(1)
    levels = [2.0, -0.5, 0.0, 0.5, -2.0]
    clf = PrunedMLPClassifier(hidden_layer_sizes=(3,), prune=(), weight_levels=levels,
                              tolerance=None, cv=None, random_state=0).fit(X, y)
    assert all_quantized(clf)
    for G in clf.weight_levels_:
        assert_array_equal(G, np.tile(np.sort(levels), (G.shape[0], 1)))
    assert_on_levels(clf)
    assert np.isin(np.concatenate([W.ravel() for W in clf.coefs_]), levels).all()


def test_regressor_levels_are_in_units_of_y():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (120, 3))
    y = 1000.0 * np.tanh(2 * X[:, 0]) + 5000.0
    levels = [-1000.0, -2.0, -1.0, 0.0, 1.0, 2.0, 1000.0]
    # One neuron: y = 5000 + 1000 tanh(2 x0) needs an output weight of 1000 (units
    # of y) and an input weight of 2 (units of x0).
    reg = PrunedMLPRegressor(hidden_layer_sizes=(1,), prune=(), weight_levels=levels,
                             alpha=1e-4, tolerance=None, cv=None,
                             random_state=0).fit(X, y)
    assert all_quantized(reg)
    assert reg.support_[0]
    assert np.isin(np.concatenate([W.ravel() for W in reg.coefs_]), levels).all()
    # The output weights carry the scale of y, the first layer's that of X.
    assert np.isin(reg.coefs_[-1][reg.masks_[-1]], [-1000.0, 1000.0]).all()
    assert reg.score(X, y) > 0.9


def test_quantization_never_disconnects_the_network():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (120, 3))
    y = np.tanh(2 * X[:, 0])
    # Every first-layer weight is nearest to the level 0: fixing them all would
    # leave no input. Those steps are refused even with tolerance=None.
    reg = PrunedMLPRegressor(hidden_layer_sizes=(2,), prune=(),
                             weight_levels=[-1e6, 0.0, 1e6], tolerance=None,
                             cv=None,
                             random_state=0).fit(X, y)
    assert reg.support_.any() and reg.n_neurons_ >= 1
    refused = [h for h in reg.pruning_history_
               if h["kind"] == "levels" and not h["accepted"]]
    assert refused and all(h["score"] == -np.inf for h in refused)
    assert np.isfinite(reg.predict(X)).all()


def test_quantization_stops_when_the_criterion_fails():
    X, y = boolean_task("andor", 0)
    X = X[:, :4]
    # Levels far too small for the weights this task needs.
    clf = PrunedMLPClassifier(hidden_layer_sizes=(3,), prune=(),
                              weight_levels=[-1e-3, 1e-3], **EXACT,
                              random_state=0).fit(X, y)
    steps = [h for h in clf.pruning_history_ if h["kind"] == "levels"]
    assert steps and not steps[-1]["accepted"]
    assert not all_quantized(clf)
    assert_on_levels(clf)
    assert clf.score_ >= clf.baseline_score_
    assert clf.score(X, y) == pytest.approx(clf.score_)


def test_tolerance_none_quantizes_and_binarizes_fully():
    X, y = scaled_classification()
    clf = PrunedMLPClassifier(hidden_layer_sizes=(3,), prune=(), weight_levels="ternary",
                              binarize_neurons=True, tolerance=None, cv=None,
                              random_state=0).fit(X, y)
    assert all_quantized(clf)
    for steps, alive in zip(clf.binary_neurons_, alive_neurons(clf)):
        assert_array_equal(steps, alive)
    transparent = [h for h in clf.pruning_history_ if h["kind"] in ("levels", "binarize")]
    assert transparent and all(h["forced"] and h["accepted"] for h in transparent)


def test_adam_keeps_fixed_weights_on_levels():
    X, y = scaled_classification()
    clf = PrunedMLPClassifier(hidden_layer_sizes=(3,), prune=(), solver="adam",
                              max_iter=50, retrain_iter=5, weight_levels="ternary",
                              tolerance=None, cv=None, random_state=0).fit(X, y)
    assert all_quantized(clf)
    assert_on_levels(clf, base=[-1.0, 0.0, 1.0])


# ---------------------------------------------------------- thresholds
@pytest.mark.parametrize("activation", ["tanh", "logistic", "relu", "rational"])
def test_binarized_neurons_output_two_levels(activation):
    X, y = boolean_task("andor", 2)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(3,), prune=(), activation=activation,
                              binarize_neurons=True, tolerance=None, cv=None,
                              random_state=0).fit(X, y)
    assert all(s.all() for s in clf.binary_neurons_)
    acts = forward(X, clf.coefs_, clf.intercepts_, activation, "logistic",
                   clf.binary_neurons_)
    assert set(np.unique(acts[1])) <= set(step_levels(activation))
    binarized = {h["removed"][0] for h in clf.pruning_history_
                 if h["kind"] == "binarize" and h["accepted"]}
    assert binarized == {f"h1[{j}]" for j in range(3)}


def test_binarization_kept_only_where_the_criterion_holds():
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, (150, 2))
    y = np.sin(2 * X[:, 0]) + 0.5 * X[:, 1]
    reg = PrunedMLPRegressor(hidden_layer_sizes=(4,), prune=(), binarize_neurons=True,
                             **EXACT, random_state=0).fit(X, y)
    entries = [h for h in reg.pruning_history_ if h["kind"] == "binarize"]
    assert len(entries) == 4
    accepted = {h["removed"][0] for h in entries if h["accepted"]}
    assert accepted == {f"h1[{j}]" for j in np.flatnonzero(reg.binary_neurons_[0])}
    assert len(accepted) < 4  # a smooth target: thresholds cost accuracy
    assert reg.score_ >= reg.baseline_score_


def test_step_units_in_forward_and_backward():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 3))
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    intercepts = [rng.normal(size=4), rng.normal(size=1)]
    steps = [np.array([True, False, True, False])]
    acts = forward(X, coefs, intercepts, "tanh", "logistic", steps)
    smooth = forward(X, coefs, intercepts, "tanh", "logistic")
    z = X @ coefs[0] + intercepts[0]
    assert_array_equal(acts[1][:, steps[0]], np.where(z[:, steps[0]] >= 0, 1.0, -1.0))
    assert_array_equal(acts[1][:, ~steps[0]], smooth[1][:, ~steps[0]])
    deltas = backward(acts, coefs, output_delta(np.ones((20, 1)), acts[-1]), "tanh", steps)
    assert (deltas[0][:, steps[0]] == 0).all()
    assert (deltas[0][:, ~steps[0]] != 0).any()
    with pytest.raises(ValueError, match="no threshold version"):
        step_levels("identity")


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_solver_evaluator_agrees_with_the_network_on_step_units(activation):
    # The solvers' buffered loss and gradients are those of _network's functions,
    # threshold neurons included (relu's derivative is 1 where the step is high).
    rng = np.random.RandomState(1)
    X, Y = rng.normal(size=(25, 3)), (rng.rand(25, 1) > 0.5).astype(float)
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    intercepts = [rng.normal(size=4), rng.normal(size=1)]
    masks = [np.ones((3, 4), bool), np.ones((4, 1), bool)]
    steps = [np.array([True, False, True, True])]
    evaluate = _Evaluator(masks, 25, activation, "logistic", 0.1, step_units=steps)
    loss = evaluate(X, Y, coefs, intercepts)
    ref = loss_and_gradients(X, Y, coefs, intercepts, masks, 0.1, activation, "logistic",
                             steps)
    assert loss == pytest.approx(ref[0], rel=1e-12)
    for got, want in zip(evaluate.coef_grads + evaluate.intercept_grads, ref[1] + ref[2]):
        assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    # Into a threshold neuron only the L2 penalty pulls: alpha * W / n.
    assert_allclose(evaluate.coef_grads[0][:, steps[0]], 0.1 * coefs[0][:, steps[0]] / 25,
                    rtol=1e-12)


@pytest.mark.parametrize("solver", [fit_lbfgs, fit_adam])
def test_solvers_keep_frozen_weights(solver):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    Y = (X[:, :1] > 0).astype(float)
    coefs = [rng.normal(size=(3, 2)), rng.normal(size=(2, 1))]
    intercepts = [np.zeros(2), np.zeros(1)]
    masks = [np.ones((3, 2), bool), np.ones((2, 1), bool)]
    masks[0][2, 1] = False
    coefs[0][2, 1] = 0.0
    frozen = [np.zeros((3, 2), bool), np.zeros((2, 1), bool)]
    frozen[0][:, 0] = True  # all incoming weights of neuron 0: its bias still learns
    kw = dict(alpha=1e-4, hidden_activation="tanh", output_activation="logistic",
              max_iter=30, frozen=frozen)
    if solver is fit_adam:
        kw.update(random_state=np.random.RandomState(0), learning_rate=0.05)
    before = [W.copy() for W in coefs]
    new, new_b, _ = solver(X, Y, coefs, intercepts, masks, **kw)
    assert_array_equal(new[0][:, 0], before[0][:, 0])
    assert new[0][2, 1] == 0.0
    assert not np.allclose(new[0][:2, 1], before[0][:2, 1])
    assert new_b[0][0] != 0.0
    assert_array_equal(coefs[0], before[0])  # inputs not modified


# -------------------------------------------------------------- errors
@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
@pytest.mark.parametrize("params, error, match", [
    (dict(weight_levels=[]), ValueError, "at least 2 distinct levels"),
    (dict(weight_levels=[0.5]), ValueError, "at least 2 distinct levels"),
    (dict(weight_levels=[1.0, 1.0]), ValueError, "at least 2 distinct levels"),
    (dict(weight_levels=[[0.0, 1.0], [1.0, 2.0]]), ValueError, "1-D sequence"),
    (dict(weight_levels=[0.0, np.nan]), ValueError, "finite"),
    (dict(weight_levels=["low", "high"]), ValueError, "sequence of numbers"),
    (dict(weight_levels={"a": 1}), ValueError, "sequence of numbers"),
    (dict(weight_levels="quaternary"), InvalidParameterError, "weight_levels"),
    (dict(weight_levels=1), InvalidParameterError, "weight_levels"),
    (dict(weight_levels=2.5), InvalidParameterError, "weight_levels"),
    (dict(binarize_neurons=True, activation="identity"), ValueError,
     "cannot apply to activation='identity'"),
    (dict(binarize_neurons=True, hidden_layer_sizes=()), ValueError,
     "needs at least one hidden layer"),
    (dict(binarize_neurons="yes"), InvalidParameterError, "binarize_neurons"),
])
def test_bad_transparency_parameters(Estimator, params, error, match):
    X, y = boolean_task("2of3", 0, n=20, n_features=3)
    with pytest.raises(error, match=match):
        Estimator(**params).fit(X, y)


# ------------------------------------------------------- conventions
def test_inputs_untouched_and_reproducible():
    X, y = boolean_task("andor", 3)
    X0, y0 = X.copy(), y.copy()
    a = PrunedMLPClassifier(random_state=3, **TRANSPARENT).fit(X, y)
    b = PrunedMLPClassifier(random_state=3, **TRANSPARENT).fit(X, y)
    assert_array_equal(X, X0)
    assert_array_equal(y, y0)
    for Wa, Wb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert_array_equal(Wa, Wb)
    assert a.pruning_history_ == b.pruning_history_


def test_defaults_leave_the_network_smooth():
    X, y = boolean_task("2of3", 0, n=60, n_features=4)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(2,), random_state=0).fit(X, y)
    assert clf.weight_levels_ is None
    assert not any(Q.any() for Q in clf.quantized_)
    assert not any(s.any() for s in clf.binary_neurons_)
    assert {h["kind"] for h in clf.pruning_history_} <= {"inputs", "neurons", "synapses",
                                                        "merge"}


# Small settings (and one network, cv=None) keep the common checks fast.
_SMALL = dict(hidden_layer_sizes=(2,), max_iter=30, retrain_iter=3, accumulate=1,
              cv=None, prune=("inputs",), prune_step=0.5, weight_levels="ternary",
              binarize_neurons=True, random_state=0)


@parametrize_with_checks([PrunedMLPClassifier(**_SMALL), PrunedMLPRegressor(**_SMALL)])
def test_sklearn_compatible_when_transparent(estimator, check):
    check(estimator)


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_default_transparent_network_fits_the_elections_to_1980_with_few_keys(seed):
    # Issue 17: on 31 rows cv="auto" scores the criterion on the training data with
    # no allowance (the paper's rule), so the rule still solves the training set;
    # 3 cross-fitted folds kept 2 keys at 96.7% on these seeds.
    from sklearn_nnprune import datasets
    data = datasets.load_us_elections()
    train = data.years <= 1980
    X, y = data.data[train], data.target[train]
    net = PrunedMLPClassifier(weight_levels="ternary", binarize_neurons=True,
                              random_state=seed).fit(X, y)
    assert net.cv_ is None and net.noise_tolerance_ == 0.0
    assert net.score(X, y) == 1.0
    assert net.n_inputs_ <= 5
