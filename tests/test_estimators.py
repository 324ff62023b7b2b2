"""Behaviour of PrunedMLPClassifier and PrunedMLPRegressor."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_friedman1, make_moons
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_nnprune import (PrunedMLPClassifier, PrunedMLPRegressor,
                             fewest_within_noise, sensitivity_indicators)
from sklearn_nnprune._network import predict_output

from _expected_checks import expected_failed_checks

# Small, fast settings for behaviour tests (the defaults are checked by the
# scikit-learn estimator checks below).
FAST = dict(hidden_layer_sizes=(6,), max_iter=150, retrain_iter=20)


@parametrize_with_checks([PrunedMLPClassifier(), PrunedMLPRegressor()],
                         expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# Parameter combinations users reach (levels, threshold neurons, caps, each
# criterion, input groups), on tiny networks: about 25 s for all of them. The caps
# are counts that bind on the checks' wider data sets but leave the two inputs of
# their blobs (a count above the network's size is an error by design).
_TINY = dict(hidden_layer_sizes=(3,), max_iter=40, retrain_iter=4, accumulate=1,
             random_state=0)
_MEMBER = dict(hidden_layer_sizes=(2,), max_iter=30, retrain_iter=4, prune=("inputs",))


def _combinations():
    from sklearn_nnprune import MinimalNetworkCommittee, NetworkInputSelector
    return [
        PrunedMLPClassifier(weight_levels="binary", binarize_neurons=True, cv=None, **_TINY),
        PrunedMLPClassifier(weight_levels=3, cv=2, **_TINY),
        PrunedMLPClassifier(max_inputs=2, max_neurons=2, tolerance=None, **_TINY),
        PrunedMLPClassifier(path_choice="one_se", cv=2, input_groups=[[0, 1]], **_TINY),
        PrunedMLPRegressor(max_synapses=0.5, max_fan_in=2, validation_fraction=0.3,
                           **_TINY),
        PrunedMLPRegressor(weight_levels="ternary", binarize_neurons=True,
                           input_groups={"first two": [0, 1]}, **_TINY),
        NetworkInputSelector(PrunedMLPRegressor(weight_levels="ternary", **_TINY),
                             n_networks=2, max_inputs=0.5, random_state=0),
        NetworkInputSelector(PrunedMLPClassifier(binarize_neurons=True,
                                                 validation_fraction=0.3, **_TINY),
                             tolerance=0.05, random_state=0),
        MinimalNetworkCommittee(
            PrunedMLPClassifier(weight_levels="binary", binarize_neurons=True, **_MEMBER),
            n_networks=2, voting="soft", max_attempts=2, random_state=0),
        MinimalNetworkCommittee(PrunedMLPRegressor(path_choice="one_se", **_MEMBER),
                                n_networks=2, voting="median", max_attempts=2,
                                random_state=0),
    ]


@parametrize_with_checks(_combinations(), expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_in_reachable_combinations(estimator, check):
    with warnings.catch_warnings():
        # Tiny check data sets often hold fewer distinct networks than requested.
        warnings.filterwarnings("ignore", message="Found .* distinct minimal networks")
        check(estimator)


def test_n_iter_of_a_transparent_network_counts_its_final_training():
    # Issue 19: the final training of a network with threshold neurons stopped at
    # L-BFGS-B's first line search (the penalty pulls the thresholds' inputs over a
    # jump of the loss), so n_iter_ was 0 and the final training did nothing.
    from sklearn.utils.estimator_checks import check_non_transformer_estimators_n_iter
    estimator = PrunedMLPClassifier(weight_levels="ternary", binarize_neurons=True)
    check_non_transformer_estimators_n_iter("PrunedMLPClassifier", estimator)


@pytest.fixture(scope="module")
def clf_data():
    return make_classification(n_samples=300, n_features=8, n_informative=3,
                               n_redundant=0, shuffle=False, random_state=0)


@pytest.fixture(scope="module")
def reg_data():
    return make_friedman1(n_samples=300, n_features=7, random_state=0)


@pytest.fixture(scope="module")
def fitted_clf(clf_data):
    X, y = clf_data
    return PrunedMLPClassifier(random_state=0, **FAST).fit(X, y)


def test_masks_and_removed_weights_are_exactly_zero(fitted_clf):
    for W, M in zip(fitted_clf.coefs_, fitted_clf.masks_):
        assert M.dtype == bool and M.shape == W.shape
        assert np.all(W[~M] == 0.0)
    assert not fitted_clf.masks_[0].all(), "pruning removed nothing"
    assert np.array_equal(fitted_clf.support_, fitted_clf.masks_[0].any(axis=1))
    assert fitted_clf.n_inputs_ == fitted_clf.support_.sum()
    assert fitted_clf.n_synapses_ == sum(int(M.sum()) for M in fitted_clf.masks_)


def test_feature_importances(fitted_clf):
    fi = fitted_clf.feature_importances_
    assert fi.shape == (8,) and np.all(fi >= 0) and fi.sum() == pytest.approx(1.0)
    assert np.all(fi[~fitted_clf.support_] == 0)


def test_original_space_coefficients_reproduce_internal_network(fitted_clf, clf_data):
    X, _ = clf_data
    net = fitted_clf._state
    Xs = (X - fitted_clf._x_mean) / fitted_clf._x_scale
    internal = predict_output(Xs, net.coefs, net.intercepts, "tanh", "logistic")
    assert np.allclose(fitted_clf.predict_proba(X)[:, 1], internal[:, 0], atol=1e-10)


def test_regressor_coefs_in_original_units(reg_data):
    X, y = reg_data
    reg = PrunedMLPRegressor(random_state=0, prune=(), **FAST).fit(X, y * 1000 + 5)
    a = X
    for W, b in zip(reg.coefs_[:-1], reg.intercepts_[:-1]):
        a = np.tanh(a @ W + b)
    manual = a @ reg.coefs_[-1] + reg.intercepts_[-1]
    assert np.allclose(reg.predict(X), manual[:, 0])
    assert reg.score(X, y * 1000 + 5) > 0.8


def test_same_random_state_same_network(clf_data):
    X, y = clf_data
    a = PrunedMLPClassifier(random_state=3, **FAST).fit(X, y)
    b = PrunedMLPClassifier(random_state=3, **FAST).fit(X, y)
    for Wa, Wb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert np.array_equal(Wa, Wb)
    assert a.pruning_history_ == b.pruning_history_


def test_adam_same_random_state_same_network(clf_data):
    X, y = clf_data
    kw = dict(FAST, solver="adam", max_iter=30, retrain_iter=5, random_state=1)
    a = PrunedMLPClassifier(**kw).fit(X, y)
    b = PrunedMLPClassifier(**kw).fit(X, y)
    for Wa, Wb in zip(a.coefs_, b.coefs_):
        assert np.array_equal(Wa, Wb)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_convergence_warning_when_max_iter_ends_the_training(clf_data, solver):
    from sklearn.exceptions import ConvergenceWarning
    X, y = clf_data
    kw = dict(hidden_layer_sizes=(4,), solver=solver, prune=(), random_state=0)
    with pytest.warns(ConvergenceWarning, match=f"the {solver} solver reached max_iter=3"):
        PrunedMLPClassifier(max_iter=3, **kw).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        PrunedMLPClassifier(max_iter=2000, **kw).fit(X, y)


@pytest.mark.parametrize("final_converges", [True, False])
def test_convergence_warning_only_about_the_returned_network(monkeypatch, clf_data,
                                                             final_converges):
    # The cross-fitting networks only score the criterion and are retrained after
    # every step; whether their first training converged is no concern of the user.
    from sklearn.exceptions import ConvergenceWarning
    import sklearn_nnprune._procedure.training as training
    X, y = clf_data
    real = training.fit_lbfgs

    def fit(X_fit, *args, **kwargs):
        coefs, intercepts, info = real(X_fit, *args, **kwargs)
        on_all_data = X_fit.shape[0] == X.shape[0]
        return coefs, intercepts, {**info, "converged": on_all_data and final_converges}

    monkeypatch.setattr(training, "fit_lbfgs", fit)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        PrunedMLPClassifier(random_state=0, **FAST).fit(X, y)
    found = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(found) == (0 if final_converges else 1)
    if found:
        assert "returned network" in str(found[0].message)


def test_training_record_describes_the_returned_network(clf_data):
    from sklearn_nnprune._network import loss_and_gradients
    X, y = clf_data
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), retrain_iter=10,
                              random_state=0).fit(X, y)
    assert clf.pruning_history_ and clf.cv_ == 3 and clf.noise_tolerance_ == 1.0
    Xs = (X - clf._x_mean) / clf._x_scale
    net = clf._state
    loss = loss_and_gradients(Xs, y.reshape(-1, 1).astype(float), net.coefs,
                              net.intercepts, net.masks, clf.alpha, clf.activation,
                              "logistic")[0]
    # The final training on all the data, not a fold network's first training.
    assert clf.loss_ == pytest.approx(loss, rel=1e-9)
    assert clf.loss_curve_[-1] == clf.loss_ and clf.n_iter_ <= clf.max_iter


def test_adam_n_iter_no_change(clf_data):
    X, y = clf_data
    kw = dict(FAST, solver="adam", max_iter=200, prune=(), random_state=0, tol=1e-2)
    patient = PrunedMLPClassifier(n_iter_no_change=200, **kw).fit(X, y)
    assert patient.n_iter_ == 200 and len(patient.loss_curve_) == 200
    hasty = PrunedMLPClassifier(n_iter_no_change=2, **kw).fit(X, y)
    assert hasty.n_iter_ < 200
    with pytest.raises(ValueError, match="n_iter_no_change"):
        PrunedMLPClassifier(n_iter_no_change=0).fit(X, y)


def test_fit_does_not_modify_inputs_or_parameters(clf_data):
    X, y = clf_data
    X0, y0 = X.copy(), y.copy()
    est = PrunedMLPClassifier(random_state=0, prune=["inputs"], **FAST)
    params = est.get_params()
    est.fit(X, y)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)
    assert est.get_params() == params


def test_pruning_history_and_report(fitted_clf):
    history = fitted_clf.pruning_history_
    assert history and {"step", "kind", "removed", "accepted", "score", "n_inputs",
                        "n_neurons", "n_synapses"} <= set(history[0])
    report = fitted_clf.pruning_report()
    assert isinstance(report, pd.DataFrame) and len(report) == len(history)
    accepted = report[report.accepted]
    # The structure only shrinks along accepted steps.
    assert (np.diff(accepted.n_synapses.to_numpy()) <= 0).all()
    assert accepted.iloc[-1].n_inputs == fitted_clf.n_inputs_


def test_feature_names_in_history():
    X, y = make_classification(n_samples=200, n_features=6, n_informative=2,
                               n_redundant=0, shuffle=False, random_state=0)
    df = pd.DataFrame(X, columns=[f"col_{i}" for i in range(6)])
    est = PrunedMLPClassifier(random_state=0, prune=("inputs",), **FAST).fit(df, y)
    removed = [n for step in est.pruning_history_ if step["accepted"]
               for n in step["removed"]]
    assert removed and all(n.startswith("col_") for n in removed)
    assert list(est.feature_names_in_) == list(df.columns)


@pytest.mark.parametrize("cap,attr,value", [
    ("max_inputs", "n_inputs_", 2),
    ("max_inputs", "n_inputs_", 0.5),
    ("max_neurons", "n_neurons_", 2),
    ("max_synapses", "n_synapses_", 9),
])
def test_caps_are_always_met(clf_data, cap, attr, value):
    X, y = clf_data
    est = PrunedMLPClassifier(random_state=0, tolerance=None, **{cap: value}, **FAST)
    est.fit(X, y)
    limit = value if isinstance(value, int) else int(value * X.shape[1])
    assert getattr(est, attr) <= limit
    assert any(step["forced"] for step in est.pruning_history_)


def test_fan_in_cap(clf_data):
    X, y = clf_data
    est = PrunedMLPClassifier(random_state=0, max_fan_in=2, tolerance=None, **FAST)
    est.fit(X, y)
    assert all(M.sum(axis=0).max() <= 2 for M in est.masks_)


def test_cap_skips_a_removal_that_would_disconnect_the_network():
    # Two hidden layers, three classes: near the cap the weakest synapse is often the
    # only bridge between the layers; the forced step takes the next candidate.
    X, y = make_classification(n_samples=90, n_features=5, n_informative=3,
                               n_redundant=0, n_classes=3, random_state=0)
    for seed in (0, 1):
        est = PrunedMLPClassifier(hidden_layer_sizes=(3, 2), max_iter=50, retrain_iter=5,
                                  max_synapses=3, random_state=seed).fit(X, y)
        assert est.n_synapses_ == 3
        assert est.predict_proba(X).std(axis=0).max() > 0  # still connected


def test_no_folds_needed_without_pruning():
    # cv=3 cannot stratify a class of 2, but without pruning there is no criterion.
    X = np.random.RandomState(0).normal(size=(6, 2))
    est = PrunedMLPClassifier(prune=(), **FAST).fit(X, [0, 1, 0, 1, 0, 0])
    assert est.n_inputs_ == 2
    with pytest.raises(ValueError, match="cv=3 folds need at least 3 samples of every"):
        PrunedMLPClassifier(cv=3, **FAST).fit(X, [0, 1, 0, 1, 0, 0])
    # cv="auto" on 6 rows: the training set, as the paper prunes, with no allowance.
    est = PrunedMLPClassifier(**FAST).fit(X, [0, 1, 0, 1, 0, 0])
    assert est.cv_ is None and est.noise_tolerance_ == 0.0


@pytest.mark.parametrize("n_samples, params, expected", [
    (100, dict(), (3, 1.0)), (99, dict(), (None, 0.0)), (30, dict(cv=3), (3, 1.0)),
    (30, dict(cv=3, noise_tolerance=0.5), (3, 0.5)),
    (500, dict(cv=None), (None, 0.0)), (500, dict(cv=None, noise_tolerance=1.0), (None, 1.0)),
    (500, dict(validation_fraction=0.2), (None, 1.0)),
    (50, dict(validation_fraction=0.2), (None, 1.0))])
def test_auto_criterion(n_samples, params, expected):
    assert PrunedMLPClassifier(**params)._resolved_criterion(n_samples) == expected


def test_caps_hold_even_when_quality_drops():
    # Only input 0 and 1 matter; one input left must lose accuracy but is enforced.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    est = PrunedMLPClassifier(random_state=0, max_inputs=1, **FAST).fit(X, y)
    assert est.n_inputs_ == 1


def test_no_pruning():
    X, y = make_classification(n_samples=100, n_features=5, random_state=0)
    est = PrunedMLPClassifier(prune=(), random_state=0, **FAST).fit(X, y)
    assert est.n_inputs_ == 5 and est.n_synapses_ == 5 * 6 + 6
    assert est.pruning_history_ == [] and est.score_ == est.baseline_score_


@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_no_tolerance_and_no_cap_is_the_unpruned_fit(Estimator):
    # Nothing can be pruned, so no fold networks are trained: the fit is prune=()'s.
    X, y = make_classification(n_samples=100, n_features=5, random_state=0)
    plain = Estimator(prune=(), random_state=0, **FAST).fit(X, y)
    est = Estimator(tolerance=None, random_state=0, **FAST).fit(X, y)
    for a, b in zip(est.coefs_ + est.intercepts_, plain.coefs_ + plain.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert est.pruning_history_ == [] and est.scoring_ == plain.scoring_


def test_keeps_informative_inputs_of_make_classification():
    X, y = make_classification(n_samples=1000, n_features=20, n_informative=5,
                               n_redundant=0, shuffle=False, random_state=2)
    est = PrunedMLPClassifier(random_state=0).fit(X, y)
    assert np.flatnonzero(est.support_).tolist() == [0, 1, 2, 3, 4]


def test_regressor_keeps_friedman_inputs():
    X, y = make_friedman1(n_samples=600, n_features=10, random_state=0)
    est = PrunedMLPRegressor(random_state=0, hidden_layer_sizes=(8,)).fit(X, y)
    assert np.flatnonzero(est.support_).tolist() == [0, 1, 2, 3, 4]
    assert est.score(X, y) > 0.95


@pytest.mark.parametrize("mode", [dict(cv=None), dict(cv=None, validation_fraction=0.25),
                                  dict(cv=4)])
def test_criterion_modes(clf_data, mode):
    X, y = clf_data
    est = PrunedMLPClassifier(random_state=0, **mode, **FAST).fit(X, y)
    if mode == dict(cv=None):  # scored on the training data: accuracy
        assert 0.5 < est.score_ <= 1.0 and 0.5 < est.baseline_score_ <= 1.0
    else:  # mean log-probability of the true class: better than a coin
        assert np.log(0.5) < est.score_ <= 0 and np.log(0.5) < est.baseline_score_ <= 0
    assert est.n_inputs_ >= 1


def test_scoring_neg_log_loss_is_sklearn_log_loss(clf_data):
    X, y = clf_data
    est = PrunedMLPClassifier(random_state=0, prune=(), scoring="neg_log_loss",
                              **FAST).fit(X, y)
    assert est.baseline_score_ == pytest.approx(-log_loss(y, est.predict_proba(X)),
                                                rel=1e-9)
    acc = PrunedMLPClassifier(random_state=0, prune=(), scoring="accuracy", **FAST).fit(X, y)
    assert acc.baseline_score_ == pytest.approx(acc.score(X, y))


def test_scoring_neg_log_loss_multiclass_and_explicit_accuracy():
    X, y = make_classification(n_samples=240, n_features=6, n_informative=4,
                               n_redundant=0, n_classes=3, random_state=0)
    est = PrunedMLPClassifier(random_state=0, prune=(), scoring="neg_log_loss",
                              **FAST).fit(X, y)
    assert est.baseline_score_ == pytest.approx(-log_loss(y, est.predict_proba(X)),
                                                rel=1e-9)
    pruned = PrunedMLPClassifier(random_state=0, scoring="accuracy", **FAST).fit(X, y)
    assert pruned.scoring_ == "accuracy"
    assert 0 <= pruned.score_ <= 1 and 0 <= pruned.baseline_score_ <= 1
    assert all(0 <= step["score"] <= 1 for step in pruned.pruning_history_)
    default = PrunedMLPClassifier(random_state=0, **FAST).fit(X, y)
    assert default.scoring_ == "neg_log_loss"
    assert default.score_ <= 0 and all(step["score"] <= 0
                                       for step in default.pruning_history_)


def test_scoring_neg_log_loss_with_transparent_network():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 2, size=(200, 4)).astype(float)
    y = (X[:, :3].sum(axis=1) >= 2).astype(int)
    est = PrunedMLPClassifier(hidden_layer_sizes=(2,), weight_levels="ternary",
                              scoring="neg_log_loss", random_state=0, max_iter=200,
                              retrain_iter=20).fit(X, y)
    assert est.scoring_ == "neg_log_loss" and est.score_ <= 0
    assert est.score(X, y) > 0.9


def test_small_fits_run_on_one_blas_thread(monkeypatch, clf_data):
    import sklearn_nnprune._procedure.training as module
    calls = []
    real = module.blas_limit

    def spy(threads):
        calls.append(threads)
        return real(threads)

    monkeypatch.setattr(module, "blas_limit", spy)
    PrunedMLPClassifier(random_state=0, prune=(), **FAST).fit(*clf_data)
    assert calls and calls[0] == 1
    calls.clear()
    monkeypatch.setattr(module, "THREADED_WORK", 0)
    PrunedMLPClassifier(random_state=0, prune=(), **FAST).fit(*clf_data)
    assert calls[0] is None


@pytest.mark.parametrize("params, scoring", [
    (dict(), "neg_log_loss"), (dict(cv=None), "accuracy"),
    (dict(cv=None, validation_fraction=0.25), "neg_log_loss"),
    (dict(weight_levels="ternary"), "accuracy"), (dict(binarize_neurons=True), "accuracy"),
    (dict(scoring="accuracy"), "accuracy"), (dict(cv=None, scoring="neg_log_loss"),
                                             "neg_log_loss"),
    (dict(prune=()), "accuracy")])  # nothing pruned: one network, its training data
def test_scoring_auto(params, scoring):
    assert PrunedMLPClassifier(**params)._criterion_scoring(300) == scoring
    # Below 100 rows cv="auto" is the training set, judged by accuracy.
    small = PrunedMLPClassifier(**params)._criterion_scoring(50)
    assert small == ("accuracy" if "cv" not in params and "validation_fraction" not in
                     params and "scoring" not in params else scoring)


def test_scoring_must_fit_the_estimator(clf_data, reg_data):
    with pytest.raises(ValueError, match="'scoring' parameter of PrunedMLPClassifier.*'r2'"):
        PrunedMLPClassifier(scoring="r2").fit(*clf_data)
    with pytest.raises(ValueError,
                       match="'scoring' parameter of PrunedMLPRegressor.*'accuracy'"):
        PrunedMLPRegressor(scoring="accuracy").fit(*reg_data)


@pytest.fixture(scope="module")
def moons_paths():
    X, y = make_moons(150, noise=0.2, random_state=0)
    return {tol: PrunedMLPClassifier(random_state=0, tolerance=tol).fit(X, y)
            for tol in (0.0, 0.01)}


def test_kinds_take_turns_in_criterion_steps(moons_paths):
    kinds = [r["kind"] for r in moons_paths[0.01].pruning_history_]
    assert kinds[:9] == ["inputs", "neurons", "synapses"] * 3
    accepted = [r["kind"] for r in moons_paths[0.01].pruning_history_ if r["accepted"]]
    # Neurons and synapses alternate: neither kind is pruned to its end first.
    assert accepted[:4] == ["neurons", "synapses"] * 2


def _turns(monkeypatch, accept_attempts):
    """Pruning path of a 5-4-1 network whose criterion holds exactly at the given
    attempt numbers (1-based): the order of the steps then depends only on the
    counts of candidates."""
    attempts = []

    def holds(self, contributions, reference, margin=1.0):
        attempts.append(None)
        return len(attempts) in accept_attempts

    from sklearn_nnprune._procedure.criterion import Criterion
    monkeypatch.setattr(Criterion, "holds", holds)
    X, y = make_classification(n_samples=60, n_features=5, n_informative=3,
                               n_redundant=0, random_state=0)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), cv=None, max_iter=50,
                              retrain_iter=5, random_state=0).fit(X, y)
    return [(r["kind"][0], r["n_removed"], r["accepted"]) for r in clf.pruning_history_]


def test_turns_halve_then_try_three_single_candidates(monkeypatch):
    # 4 input candidates (never the last input), 3 neuron candidates, 24 synapses:
    # first batches 1, 1 and floor(0.1 * 24) = 2; a rejected batch of 2 is halved,
    # and each kind stops after three rejected single removals in a row.
    path = _turns(monkeypatch, accept_attempts=())
    assert [(k, n) for k, n, _ in path] == [
        ("i", 1), ("n", 1), ("s", 2), ("i", 1), ("n", 1), ("s", 1),
        ("i", 1), ("n", 1), ("s", 1), ("s", 1)]
    assert not any(accepted for _, _, accepted in path)


def test_turns_restart_with_the_next_kind_after_an_accepted_step(monkeypatch):
    path = _turns(monkeypatch, accept_attempts=(2,))
    # The neuron step is accepted: every kind is ranked again (the synapse batch
    # is now floor(0.1 * 18) = 1) and gets three single tries again, in turn from
    # the synapses on; the neurons have only two candidates left.
    assert path == [("i", 1, False), ("n", 1, True)] + [
        ("s", 1, False), ("i", 1, False), ("n", 1, False)] * 2 + [
        ("s", 1, False), ("i", 1, False)]


@pytest.mark.parametrize("cap", ["max_neurons", "max_synapses"])
def test_a_cap_the_criterion_meets_anyway_changes_nothing(clf_data, cap):
    X, y = clf_data
    free = PrunedMLPClassifier(hidden_layer_sizes=(6,), random_state=0).fit(X, y)
    reached = free.n_neurons_ if cap == "max_neurons" else free.n_synapses_
    capped = PrunedMLPClassifier(hidden_layer_sizes=(6,), random_state=0,
                                 **{cap: reached}).fit(X, y)
    assert capped.pruning_history_ == free.pruning_history_
    for W_capped, W_free in zip(capped.coefs_, free.coefs_):
        np.testing.assert_array_equal(W_capped, W_free)


def test_tolerance_prices_negligible_losses(moons_paths):
    exact, priced = moons_paths[0.0], moons_paths[0.01]

    def pruned_neurons(est):
        # Where the criterion left the network, before copies were merged.
        return ([sum(W.shape[1] for W in est.coefs_[:-1])]
                + [r["n_neurons"] for r in est.pruning_history_
                   if r["accepted"] and r["kind"] != "merge"])[-1]

    assert pruned_neurons(priced) < pruned_neurons(exact)
    assert priced.n_neurons_ <= 4
    # The losses it accepts are negligible: same accuracy on new samples.
    X_new, y_new = make_moons(2000, noise=0.2, random_state=1)
    assert priced.score(X_new, y_new) >= exact.score(X_new, y_new) - 0.01


def test_paper_rule_tolerance_zero_keeps_training_accuracy(clf_data):
    X, y = clf_data
    est = PrunedMLPClassifier(random_state=0, cv=None, noise_tolerance=0.0, tolerance=0.0,
                              **FAST).fit(X, y)
    assert est.score_ >= est.baseline_score_ - 1e-12
    assert est.score(X, y) >= est.baseline_score_ - 1e-12


@pytest.mark.parametrize("Est, params", [
    (PrunedMLPClassifier, dict(cv=None, noise_tolerance=0.0)),  # the paper's rule
    (PrunedMLPClassifier, dict(noise_tolerance=0.0)),
    (PrunedMLPRegressor, dict(tolerance=0.02, noise_tolerance=0.0)),
])
def test_score_never_falls_more_than_tolerance_below_the_unpruned(Est, params):
    # API.md: tolerance is how far the criterion score may fall below the unpruned
    # network's; with the exact comparison that bound holds for every accepted step.
    for seed in range(3):
        X, y = make_classification(n_samples=80, n_features=6, n_informative=3,
                                   n_redundant=1, flip_y=0.1, random_state=seed)
        if Est is PrunedMLPRegressor:
            X, y = make_friedman1(n_samples=80, n_features=6, noise=1.0, random_state=seed)
        est = Est(hidden_layer_sizes=(4,), random_state=seed, **params).fit(X, y)
        floor = est.baseline_score_ - est.tolerance - 1e-12
        assert est.score_ >= floor
        assert all(step["score"] >= floor for step in est.pruning_history_
                   if step["accepted"])


def test_multiclass_and_string_labels():
    X, y = make_classification(n_samples=300, n_features=6, n_informative=4,
                               n_redundant=0, n_classes=3, random_state=0)
    labels = np.array(["a", "b", "c"])[y]
    est = PrunedMLPClassifier(random_state=0, **FAST).fit(X, labels)
    assert est.coefs_[-1].shape[1] == 3
    proba = est.predict_proba(X)
    assert np.allclose(proba.sum(axis=1), 1)
    assert set(est.predict(X)) <= {"a", "b", "c"} and est.score(X, labels) > 0.7


def test_multioutput_regression(reg_data):
    X, y = reg_data
    Y = np.column_stack([y, -2 * y])
    est = PrunedMLPRegressor(random_state=0, **FAST).fit(X, Y)
    assert est.predict(X).shape == (300, 2)


def test_verbose_reports_progress(clf_data, capsys):
    X, y = clf_data
    PrunedMLPClassifier(random_state=0, verbose=1, **FAST).fit(X, y)
    out = capsys.readouterr().out
    assert "trained" in out and "step 1:" in out


def test_grid_search_over_max_inputs_picks_fewest_within_noise():
    X, y = make_classification(n_samples=300, n_features=6, n_informative=2,
                               n_redundant=0, shuffle=False, random_state=0)
    search = GridSearchCV(
        PrunedMLPClassifier(random_state=0, tolerance=None, **FAST),
        {"max_inputs": [1, 2, 3, 4, 6]}, cv=3, n_jobs=2,
        refit=fewest_within_noise("max_inputs"))
    search.fit(X, y)
    means = search.cv_results_["mean_test_score"]
    best = means.argmax()
    chosen = search.best_index_
    se = search.cv_results_["std_test_score"][best] / np.sqrt(3)
    assert means[chosen] >= means[best] - se - 1e-12
    smaller = [i for i, v in enumerate([1, 2, 3, 4, 6]) if v < [1, 2, 3, 4, 6][chosen]]
    assert all(means[i] < means[best] - se for i in smaller)
    assert search.best_estimator_.n_inputs_ <= search.best_params_["max_inputs"]


def _cv_results(grid, means, metric="score"):
    n = len(grid)
    column = np.ma.masked_array([np.nan if v is None else v for v in grid],
                                mask=[v is None for v in grid])
    return {"params": [{"max_inputs": v} for v in grid], "param_max_inputs": column,
            f"mean_test_{metric}": np.asarray(means, dtype=float),
            f"std_test_{metric}": np.full(n, 0.02),
            f"split0_test_{metric}": np.zeros(n), f"split1_test_{metric}": np.zeros(n)}


def test_fewest_within_noise_counts_fractions_and_metrics():
    # Equal scores: the smallest structure wins, None counts as the largest.
    results = _cv_results([None, 4, 2], [0.9, 0.9, 0.9])
    assert fewest_within_noise()(results) == 2
    # A count of 1 against half of 5 inputs (2): the count is smaller.
    mixed = _cv_results([1, 0.5], [0.9, 0.9])
    assert fewest_within_noise(n_features=5)(mixed) == 0
    assert fewest_within_noise(n_features=20)(mixed) == 0  # 1 against 10
    assert fewest_within_noise(n_features=1)(_cv_results([1, 0.5], [0.8, 0.9])) == 1
    with pytest.raises(ValueError, match="mixes counts .int. and fractions .float.*n_features"):
        fewest_within_noise()(mixed)
    # Multi-metric scoring: name the metric.
    multi = _cv_results([2, 4], [0.6, 0.9], metric="accuracy")
    assert fewest_within_noise(metric="accuracy")(multi) == 1
    with pytest.raises(KeyError, match=r"no metric 'score'; it has \['accuracy'\]"):
        fewest_within_noise()(multi)
    with pytest.raises(ValueError, match="every candidate's mean_test_score is NaN"):
        fewest_within_noise()(_cv_results([2, 4], [np.nan, np.nan]))
    assert fewest_within_noise()(_cv_results([2, 4], [np.nan, 0.9])) == 1
    with pytest.raises(ValueError, match="n_features"):
        fewest_within_noise(n_features=0)
    with pytest.raises(ValueError, match="metric"):
        fewest_within_noise(metric=3)


def test_sensitivity_indicators_function(fitted_clf, clf_data):
    X, y = clf_data
    inputs = sensitivity_indicators(fitted_clf, X, y, kind="inputs")
    assert inputs.shape == (8,) and np.all(inputs[~fitted_clf.support_] == 0)
    # feature_importances_ are the same indicator on the same data, normalized.
    assert np.allclose(inputs / inputs.sum(), fitted_clf.feature_importances_)
    neurons = sensitivity_indicators(fitted_clf, X, y, kind="neurons", indicator="max")
    assert len(neurons) == 1 and neurons[0].shape == (6,)
    synapses = sensitivity_indicators(fitted_clf, X, y, kind="synapses", reference="zero")
    assert [s.shape for s in synapses] == [W.shape for W in fitted_clf.coefs_]
    assert all(np.all(s[~M] == 0) for s, M in zip(synapses, fitted_clf.masks_))


def test_sensitivity_indicators_reference_does_not_depend_on_the_fit(clf_data):
    # Without pruning, reference= changes nothing in the fit; the public function's
    # own reference="mean" must then give the same numbers (the training means).
    X, y = clf_data
    nets = [PrunedMLPClassifier(prune=(), reference=ref, random_state=0, **FAST).fit(X, y)
            for ref in ("mean", "zero")]
    np.testing.assert_array_equal(nets[0].coefs_[0], nets[1].coefs_[0])
    for reference in ("mean", "zero"):
        a, b = (sensitivity_indicators(net, X, y, kind="neurons", reference=reference)[0]
                for net in nets)
        np.testing.assert_allclose(a, b)
    assert not np.allclose(
        sensitivity_indicators(nets[1], X, y, kind="neurons", reference="mean")[0],
        sensitivity_indicators(nets[1], X, y, kind="neurons", reference="zero")[0])


def test_sensitivity_indicators_bad_input(fitted_clf, clf_data):
    X, y = clf_data
    with pytest.raises(ValueError, match="kind"):
        sensitivity_indicators(fitted_clf, X, y, kind="layers")
    with pytest.raises(ValueError, match="features"):
        sensitivity_indicators(fitted_clf, X[:, :3], y)
    with pytest.raises(ValueError, match="not seen during fit"):
        sensitivity_indicators(fitted_clf, X, y + 5)
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        sensitivity_indicators(PrunedMLPClassifier(), X, y)
    from sklearn.linear_model import LogisticRegression
    with pytest.raises(TypeError, match="got LogisticRegression"):
        sensitivity_indicators(LogisticRegression().fit(X, y), X, y)
    from sklearn_nnprune import NetworkInputSelector
    selector = NetworkInputSelector(PrunedMLPClassifier(hidden_layer_sizes=(3,), max_iter=30,
                                                        prune=(), random_state=0)).fit(X, y)
    with pytest.raises(TypeError, match="networks are its estimator_"):
        sensitivity_indicators(selector, X, y)


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize("Est", [PrunedMLPClassifier, PrunedMLPRegressor])
@pytest.mark.parametrize("bad,match", [
    (np.nan, "NaN"),
    (np.inf, "infinity"),
])
def test_non_finite_input(Est, bad, match):
    X = np.random.RandomState(0).normal(size=(20, 3))
    X[3, 1] = bad
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match=match):
        Est(**FAST).fit(X, y)


@pytest.mark.parametrize("Est", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_shape_and_empty_errors(Est):
    X = np.random.RandomState(0).normal(size=(20, 3))
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Est(**FAST).fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 sample"):
        Est(**FAST).fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="2D array"):
        Est(**FAST).fit(X[:, 0], y)
    est = Est(random_state=0, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="3 features"):
        est.predict(X[:, :2])


def test_one_class_error():
    X = np.random.RandomState(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match="class"):
        PrunedMLPClassifier(**FAST).fit(X, np.zeros(20))


@pytest.mark.parametrize("x_scale, y_scale", [(1e-15, 1.0), (1e200, 1.0), (1.0, 1e200),
                                               (1e-300, 1e-300)])
def test_any_scale_of_inputs_and_target(reg_data, x_scale, y_scale):
    # Standardization makes the fit scale-free: tiny spreads are not "constant"
    # and huge values do not overflow.
    X, y = reg_data
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        scaled = PrunedMLPRegressor(random_state=0, **FAST).fit(X * x_scale, y * y_scale)
    plain = PrunedMLPRegressor(random_state=0, **FAST).fit(X, y)
    np.testing.assert_array_equal(scaled.support_, plain.support_)
    # Rounding differs at another scale and the optimizer's stopping rule turns it
    # into small differences of the weights.
    np.testing.assert_allclose(scaled.predict(X * x_scale) / y_scale, plain.predict(X),
                               rtol=1e-3)


def test_r2_criterion_counts_errors_on_a_constant_output(reg_data):
    X, y = reg_data
    Y = np.c_[y, np.full(y.shape[0], 5.0)]
    reg = PrunedMLPRegressor(prune=(), random_state=0, **FAST).fit(X, Y)
    exact = (Y - reg._y_mean) / reg._y_scale  # perfect outputs, standardized
    off = exact.copy()
    off[:, 1] += 0.5
    from sklearn_nnprune._procedure import RegressionScore
    score = RegressionScore(reg._y_mean, reg._y_scale)
    perfect, wrong = (score(Y, out).sum() for out in (exact, off))
    assert perfect == pytest.approx(1.0)
    assert wrong < perfect - 0.1


def test_regressor_target_must_be_numeric():
    X = np.random.RandomState(0).normal(size=(20, 3))
    y = np.where(X[:, 0] > 0, "high", "low")
    y[0] = "1.5"  # the message shows a value that is not a number
    for labels in (y, y.astype(object), pd.Series(y)):
        with pytest.raises(ValueError, match="numeric target; y has values such as '(high|low)'"):
            PrunedMLPRegressor(**FAST).fit(X, labels)
    with pytest.raises(ValueError, match="numeric target; y has dtype datetime64"):
        PrunedMLPRegressor(**FAST).fit(X, np.arange(20).astype("datetime64[D]"))
    with pytest.raises(ValueError, match="Input y contains NaN"):
        PrunedMLPRegressor(**FAST).fit(X, np.array(["nan"] + ["1.5"] * 19))
    # Numbers written as text are numbers.
    text = PrunedMLPRegressor(random_state=0, **FAST).fit(X, X[:, 0].astype(str))
    numbers = PrunedMLPRegressor(random_state=0, **FAST).fit(X, X[:, 0])
    np.testing.assert_allclose(text.predict(X), numbers.predict(X))


def test_string_features_rejected():
    X = np.array([["a", "b"], ["c", "d"], ["e", "f"]], dtype=object)
    with pytest.raises(ValueError):
        PrunedMLPClassifier(**FAST).fit(X, [0, 1, 0])


@pytest.mark.parametrize("params,match", [
    (dict(max_inputs=0), "max_inputs"),
    (dict(max_neurons=0), "max_neurons"),
    (dict(max_fan_in=50), "max_fan_in"),
    (dict(max_synapses=1), "leaves fewer than 2 synapses"),
    (dict(hidden_layer_sizes=(3, 2), max_neurons=1), "leaves fewer than 2 neurons"),
    (dict(hidden_layer_sizes=(3, 2), max_synapses=0.01), "leaves fewer than 3 synapses"),
    (dict(prune=("inputs", "layers")), "unknown kinds"),
    (dict(prune=("neurons",), max_inputs=2), "needs 'inputs' in prune"),
    (dict(tolerance=-0.1), "tolerance"),
    (dict(noise_tolerance=-1.0), "noise_tolerance"),
    (dict(prune_step=0), "prune_step"),
    (dict(prune_step=1.5), "prune_step"),
    (dict(activation="sigmoid"), "activation"),
    (dict(solver="sgd"), "solver"),
    (dict(indicator="mean"), "indicator"),
    (dict(reference="median"), "reference"),
    (dict(hidden_layer_sizes=(4, 0)), "positive"),
    (dict(cv=3, validation_fraction=0.2), "not both"),
    (dict(cv=200), "cv=200"),
    (dict(validation_fraction=1.5), "validation_fraction"),
    (dict(accumulate=0), "accumulate"),
])
def test_bad_parameters(clf_data, params, match):
    X, y = clf_data
    with pytest.raises(ValueError, match=re.escape(match) if "=" in match else match):
        PrunedMLPClassifier(**dict(FAST, **params)).fit(X, y)


@pytest.mark.parametrize("fraction, labels, match", [
    (0.001, None, "leaves 1 for validation; it needs at least 2, one of every class"),
    (0.999, None, "leaves 0 for training"),
    (0.2, "one rare", "a stratified split needs at least 2 samples of every class"),
])
def test_impossible_validation_split(clf_data, fraction, labels, match):
    X, y = clf_data
    if labels is not None:
        y = y.copy()
        y[0] = 7
    with pytest.raises(ValueError, match=match):
        PrunedMLPClassifier(**dict(FAST, cv=None, validation_fraction=fraction)).fit(X, y)
    # Without pruning there is no split to make.
    PrunedMLPClassifier(**dict(FAST, cv=None, validation_fraction=fraction,
                               prune=())).fit(X, y)


def test_impossible_validation_split_regression(reg_data):
    X, y = reg_data
    with pytest.raises(ValueError, match="leaves 0 for training; it needs at least 1"):
        PrunedMLPRegressor(**dict(FAST, cv=None, validation_fraction=0.999)).fit(X[:50],
                                                                                  y[:50])


def test_clone_keeps_parameters():
    est = PrunedMLPRegressor(max_inputs=3, prune=("inputs",), tolerance=None)
    assert clone(est).get_params() == est.get_params()


# ------------------------------------------------------- duplicate neurons
def _linear_task():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 5))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def test_duplicate_neurons_merged_without_changing_predictions(monkeypatch):
    from sklearn_nnprune import export_text
    import sklearn_nnprune._procedure.run as run
    X, y = _linear_task()
    params = dict(hidden_layer_sizes=(8,), random_state=0)
    merged = PrunedMLPClassifier(**params).fit(X, y)
    last = merged.pruning_history_[-1]
    assert last["kind"] == "merge" and last["accepted"] and last["n_removed"] >= 1
    assert last["n_neurons"] == merged.n_neurons_ == 1
    assert merged.pruning_report()["kind"].iloc[-1] == "merge"
    assert export_text(merged).count("h1[") == 2  # one neuron, defined and used
    monkeypatch.setattr(run, "merge_duplicates", lambda net, *args: (net, []))
    copies = PrunedMLPClassifier(**params).fit(X, y)
    assert copies.n_neurons_ == merged.n_neurons_ + last["n_removed"]
    assert copies.n_synapses_ > merged.n_synapses_
    np.testing.assert_allclose(merged.predict_proba(X), copies.predict_proba(X),
                               atol=1e-6)
    np.testing.assert_allclose(merged.feature_importances_, copies.feature_importances_,
                               atol=1e-6)
    assert np.array_equal(merged.support_, copies.support_)


def test_merge_that_moves_the_outputs_is_not_kept(monkeypatch):
    import sklearn_nnprune._procedure.state as state
    X, y = _linear_task()
    monkeypatch.setattr(state, "MERGE_OUTPUT_TOL", -1.0)  # no merge can pass
    clf = PrunedMLPClassifier(hidden_layer_sizes=(8,), random_state=0).fit(X, y)
    assert all(step["kind"] != "merge" for step in clf.pruning_history_)
    assert clf.n_neurons_ > 1


def test_near_duplicates_of_two_layers_merged():
    X, y = _linear_task()
    clf = PrunedMLPClassifier(hidden_layer_sizes=(6, 4), random_state=0).fit(X[:240],
                                                                               y[:240])
    merged = clf.pruning_history_[-1]
    assert merged["kind"] == "merge"
    assert {name[:2] for name in merged["removed"]} == {"h1", "h2"}


@pytest.mark.parametrize("params, searched", [
    ({}, True),
    ({"prune": ("inputs", "synapses")}, False),  # neurons may not be removed
    ({"prune": ()}, False),
    ({"weight_levels": "ternary", "cv": None}, False),  # merged weights leave the levels
    ({"binarize_neurons": True, "cv": None}, False),  # a threshold has no mirror image
])
def test_duplicates_sought_only_where_neurons_may_go(monkeypatch, params, searched):
    import sklearn_nnprune._procedure.state as state
    calls, original = [], state.merge_duplicate_neurons

    def spy(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(state, "merge_duplicate_neurons", spy)
    X, y = _linear_task()
    PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=10,
                        random_state=0, **params).fit(X, y)
    assert bool(calls) is searched


@pytest.mark.parametrize("Est", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_same_data_same_fit_whatever_the_container(Est):
    X, y = make_classification(n_samples=200, n_features=6, n_informative=3,
                               n_redundant=0, random_state=0)
    if Est is PrunedMLPRegressor:
        y = X[:, 0] - 2 * X[:, 1] ** 2
    params = dict(hidden_layer_sizes=(5,), max_iter=200, retrain_iter=20, random_state=0)
    fits = [Est(**params).fit(data, y) for data in
            (X, np.asfortranarray(X), pd.DataFrame(X, columns=[f"c{i}" for i in range(6)]))]
    # A column-major copy rounds the products differently and would send the
    # pruning path elsewhere; the estimators work on C-ordered data.
    for other in fits[1:]:
        assert np.array_equal(fits[0].support_, other.support_)
        for W0, W in zip(fits[0].coefs_, other.coefs_):
            np.testing.assert_array_equal(W0, W)


def test_exactly_dependent_inputs_are_not_all_kept():
    from sklearn_nnprune import input_report
    X, y = _linear_task()
    # x5 = 2 x0 - x1 + 3 and x6 = x1: the span of {x0, x1, x5, x6} has rank 2.
    X = np.c_[X, 2 * X[:, 0] - X[:, 1] + 3, X[:, 1]]
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), random_state=0).fit(X, y)
    kept = np.flatnonzero(clf.support_)
    centred = X[:, kept] - X[:, kept].mean(axis=0)
    assert np.linalg.matrix_rank(centred) == kept.size
    assert len(set(kept) & {0, 1, 5, 6}) == 2
    dependent = [row for row in clf.pruning_history_ if row["kind"] == "dependent"]
    assert len(dependent) == 1 and dependent[0]["accepted"] and not dependent[0]["forced"]
    report = input_report(clf, X, y).set_index("feature")
    assert set(report.index[report["removed_by"] == "dependent"]) == set(
        dependent[0]["removed"])
    assert clf.score(X, y) > 0.9


def test_dependent_inputs_leave_the_function_unchanged():
    from sklearn_nnprune._dependence import independent_columns, relation_coefficients
    from sklearn_nnprune._procedure.state import Network, transfer_inputs
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    X = np.c_[X, X[:, 0] - 0.5 * X[:, 2] + 1.0, -X[:, 1]]
    coefs = [rng.normal(size=(5, 4)), rng.normal(size=(4, 1))]
    intercepts = [rng.normal(size=4), rng.normal(size=1)]
    masks = [np.ones((5, 4), dtype=bool), np.ones((4, 1), dtype=bool)]
    masks[0][0, 1] = masks[0][2, 3] = False
    coefs[0][~masks[0]] = 0.0
    net = Network(coefs, intercepts, masks, [(coefs, intercepts)])
    basis, dependent = independent_columns(X, 1e-6)
    assert basis.tolist() == [0, 1, 2] and dependent.tolist() == [3, 4]
    C, c0 = relation_coefficients(X, basis, dependent)
    moved = transfer_inputs(net, basis, dependent, C, c0, "tanh")
    before = predict_output(X, coefs, intercepts, "tanh", "identity")
    after = predict_output(X, moved.coefs, moved.intercepts, "tanh", "identity")
    np.testing.assert_allclose(after, before, atol=1e-10)
    assert not moved.masks[0][dependent].any() and np.all(moved.coefs[0][dependent] == 0)
    # The basis inputs took over the synapses of the dependent ones they stand for.
    assert moved.masks[0][0, 1] and moved.masks[0][2, 3]
    assert np.all(moved.coefs[0][~moved.masks[0]] == 0)
    for W in coefs:  # inputs untouched
        assert np.isfinite(W).all()
    assert not net.masks[0][0, 1]
