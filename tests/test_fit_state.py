"""A fit that fails leaves the estimator as it was: its previous fit, or none; a
KeyboardInterrupt during pruning stops pruning and leaves a consistent estimator."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError

import sklearn_nnprune._base as base
import sklearn_nnprune._binarizer as binarizer_module
import sklearn_nnprune._committee as committee_module
import sklearn_nnprune._fit_data as estimators_module
import sklearn_nnprune._procedure.run as run
import sklearn_nnprune._selector as selector_module
from sklearn_nnprune import (InputBinarizer, MinimalNetworkCommittee, NetworkInputSelector,
                             PrunedMLPClassifier, PrunedMLPRegressor)
from sklearn_nnprune._interrupt import PruningInterruptedWarning
from sklearn_nnprune._procedure.search import PathSearch
from sklearn_nnprune._procedure.training import Trainer

FAST = dict(hidden_layer_sizes=(4,), max_iter=60, retrain_iter=5, random_state=0)


class _Injected(Exception):
    pass


def _failing_procedure(*args, **kwargs):
    raise _Injected("the procedure failed")


@pytest.fixture
def data():
    X, y = make_classification(n_samples=120, n_features=5, n_informative=3,
                               n_redundant=0, random_state=0)
    return X, y


@pytest.mark.parametrize("Est", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_failed_first_fit_leaves_no_fitted_state(monkeypatch, data, Est):
    est = Est(**FAST)
    monkeypatch.setattr(base, "prune_network", _failing_procedure)
    with pytest.raises(_Injected):
        est.fit(*data)
    assert vars(est) == vars(Est(**FAST))
    with pytest.raises(NotFittedError):
        est.predict(data[0])


def test_failed_refit_keeps_the_previous_fit(monkeypatch, data):
    X, y = data
    est = PrunedMLPClassifier(**FAST).fit(X, y)
    before = {k: v for k, v in vars(est).items()}
    proba = est.predict_proba(X)
    monkeypatch.setattr(base, "prune_network", _failing_procedure)
    labels = np.where(y == 1, "yes", "no")
    with pytest.raises(_Injected):
        est.fit(X[:, :4], labels)  # other features, other classes
    assert set(vars(est)) == set(before)
    assert all(vars(est)[k] is v for k, v in before.items())
    np.testing.assert_array_equal(est.predict_proba(X), proba)


def test_failed_validation_of_a_refit_keeps_the_previous_fit(data):
    X, y = data
    est = PrunedMLPClassifier(**FAST).fit(X, y)
    y3 = y.copy()
    y3[0] = 2  # a class of one sample cannot be split into cv=3 folds
    with pytest.raises(ValueError, match="cv=3 folds"):
        est.fit(X[:, :4], y3)
    assert est.n_features_in_ == 5 and list(est.classes_) == [0, 1]
    assert est.predict_proba(X).shape == (X.shape[0], 2)


# ---------------------------------------------------------------------------
# Every stage of every estimator's fit: an exception leaves the previous state.

# cv=3: the first training is three networks on the folds, the final one is on
# all the rows, so each stage can be told apart.
NET = dict(FAST, cv=3)


def _raise_on_call(function, n, exc):
    """``function`` that raises ``exc`` on its ``n``-th call (1-based), once."""
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise exc()
        return function(*args, **kwargs)
    wrapper.calls = calls
    return wrapper


def _final_training_raises(exc, n_rows):
    """Trainer.train that raises ``exc`` when it trains on all ``n_rows`` rows
    (the final training; with cv=3 every other training sees a fold)."""
    train = Trainer.train

    def wrapper(self, X, *args, **kwargs):
        if X.shape[0] == n_rows:
            raise exc()
        return train(self, X, *args, **kwargs)
    return wrapper


def _stages(n_rows):
    """(name, owner, attribute, replacement factory) for each stage of a network fit."""
    return {
        "validation": (estimators_module, "validate_data",
                       lambda exc: _raise_on_call(estimators_module.validate_data, 1, exc)),
        "first training": (run, "_first_training",
                           lambda exc: _raise_on_call(run._first_training, 1, exc)),
        "pruning step": (PathSearch, "retrain",
                         lambda exc: _raise_on_call(PathSearch.retrain, 3, _NotInterrupt)),
        "final training": (Trainer, "train",
                           lambda exc: _final_training_raises(exc, n_rows)),
        "attribute assembly": (base._BasePrunedMLP, "_group_attributes",
                               lambda exc: _raise_on_call(
                                   base._BasePrunedMLP._group_attributes, 1, exc)),
    }


class _NotInterrupt(Exception):
    """A failure inside a pruning step (a KeyboardInterrupt there stops pruning
    instead: tested below)."""


def _snapshot(est):
    return dict(vars(est))


def _assert_same_state(est, before):
    assert set(vars(est)) == set(before)
    assert all(vars(est)[k] is v for k, v in before.items())


def _raised(exc):
    return (_NotInterrupt, exc)


@pytest.mark.parametrize("exc", [_Injected, KeyboardInterrupt])
@pytest.mark.parametrize("stage", ["validation", "first training", "pruning step",
                                   "final training", "attribute assembly"])
@pytest.mark.parametrize("Est", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_a_failure_at_any_stage_leaves_the_previous_state(monkeypatch, data, Est, stage,
                                                          exc):
    X, y = data
    fresh = Est(**NET)
    refit = Est(**NET).fit(X, y)
    owner, name, make = _stages(X.shape[0])[stage]
    for est in (fresh, refit):
        before = _snapshot(est)
        monkeypatch.setattr(owner, name, make(exc))
        with pytest.raises(_raised(exc)):
            est.fit(X[:, :4], y)
        monkeypatch.undo()
        _assert_same_state(est, before)
    with pytest.raises(NotFittedError):
        fresh.predict(X)
    assert refit.predict(X).shape == y.shape


@pytest.fixture
def small_net():
    return PrunedMLPClassifier(hidden_layer_sizes=(3,), max_iter=40, retrain_iter=5,
                               prune=("inputs",), random_state=0)


def _meta_stages():
    """(estimator factory, owner, attribute, call that raises) of each stage of
    the meta-estimators' and the binarizer's fits."""
    return {
        "selector validation": (
            lambda net: NetworkInputSelector(net, n_networks=2, random_state=0),
            selector_module, "validate_data", 1),
        "selector first network": (
            lambda net: NetworkInputSelector(net, n_networks=2, random_state=0),
            selector_module, "_fit_network", 1),
        "selector second network": (
            lambda net: NetworkInputSelector(net, n_networks=2, random_state=0),
            selector_module, "_fit_network", 2),
        "selector selection": (
            lambda net: NetworkInputSelector(net, n_networks=2, random_state=0),
            NetworkInputSelector, "_capped", 1),
        "committee validation": (
            lambda net: MinimalNetworkCommittee(net, n_networks=2, random_state=0),
            committee_module, "validate_data", 1),
        "committee first member": (
            lambda net: MinimalNetworkCommittee(net, n_networks=2, random_state=0),
            committee_module, "_fit_member", 1),
        "committee later member": (
            lambda net: MinimalNetworkCommittee(net, n_networks=2, random_state=0),
            committee_module, "_fit_member", 2),
        "committee assembly": (
            lambda net: MinimalNetworkCommittee(net, n_networks=2, random_state=0),
            MinimalNetworkCommittee, "_member_attributes", 1),
        "binarizer validation": (lambda net: InputBinarizer(), binarizer_module,
                                 "validate_data", 1),
        "binarizer thresholds": (lambda net: InputBinarizer(), InputBinarizer,
                                 "_thresholds", 1),
    }


@pytest.mark.parametrize("exc", [_Injected, KeyboardInterrupt])
@pytest.mark.parametrize("stage", list(_meta_stages()))
def test_meta_estimators_and_binarizer_keep_their_previous_state(monkeypatch, data,
                                                                 small_net, stage, exc):
    X, y = data
    make, owner, name, n = _meta_stages()[stage]
    fresh = make(small_net)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refit = make(small_net).fit(X, y)
    expected = refit.transform(X) if hasattr(refit, "transform") else refit.predict(X)
    for est in (fresh, refit):
        before = _snapshot(est)
        function = getattr(owner, name)
        monkeypatch.setattr(owner, name, _raise_on_call(function, n, exc)
                            if name != "_member_attributes" else
                            staticmethod(_raise_on_call(function, n, exc)))
        with pytest.raises(exc), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X[:, :4], np.where(y == 1, "yes", "no"))
        monkeypatch.undo()
        _assert_same_state(est, before)
    assert vars(fresh) == vars(make(small_net))
    again = refit.transform(X) if hasattr(refit, "transform") else refit.predict(X)
    np.testing.assert_array_equal(again, expected)


# ---------------------------------------------------------------------------
# A KeyboardInterrupt during pruning stops it and returns a consistent estimator.

def _forward(est, X):
    """The network's output computed here from coefs_, intercepts_ and masks_
    (tanh hidden units; the output before its activation)."""
    a = np.asarray(X, dtype=float)
    layers = list(zip(est.coefs_, est.intercepts_, est.masks_))
    for k, (W, b, M) in enumerate(layers):
        a = a @ (W * M) + b
        if k < len(layers) - 1:
            a = np.tanh(a)
    return a


def _labels_from_forward(est, X):
    out = _forward(est, X)
    if out.shape[1] == 1:  # logistic output: p > 0.5 where the logit is > 0
        return est.classes_[(out[:, 0] > 0).astype(int)]
    return est.classes_[np.argmax(out, axis=1)]


def _interrupt_at_step(monkeypatch, k):
    """The search's k-th step is cut short by a KeyboardInterrupt, once."""
    # Every step, accepted or not, forced or not, is recorded once.
    wrapper = _raise_on_call(PathSearch.record, k, KeyboardInterrupt)
    monkeypatch.setattr(PathSearch, "record", wrapper)
    return wrapper


def _pruning_steps(est):
    """The history's rows of the search, without the simplifications of the final
    network (merged or negligible neurons), which follow any fit."""
    return [row for row in est.pruning_history_
            if row["kind"] not in ("negligible", "merge")]


def _fit_warned(est, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y)
    return [w for w in caught if issubclass(w.category, PruningInterruptedWarning)]


@pytest.mark.parametrize("cv", [3, None])
@pytest.mark.parametrize("path_choice", ["first_stop", "one_se"])
@pytest.mark.parametrize("k", [1, 2, 4])
def test_interrupt_at_step_k_returns_a_consistent_estimator(monkeypatch, data, k,
                                                            path_choice, cv):
    X, y = data
    labels = np.where(y == 1, "yes", "no")
    est = PrunedMLPClassifier(**dict(FAST, cv=cv, path_choice=path_choice))
    _interrupt_at_step(monkeypatch, k)
    warned = _fit_warned(est, X, labels)
    assert len(warned) == 1
    message = str(warned[0].message)
    assert f"interrupted (KeyboardInterrupt) during step {k}" in message
    assert f"path_choice={path_choice!r}" in message and "Fit again" in message
    assert est._interrupted_at == k
    # The history holds the steps taken (then the final network's exact
    # simplifications), the path the structures met.
    assert len(_pruning_steps(est)) == k - 1
    chosen = [entry for entry in est.pruning_path_ if entry["chosen"]]
    assert len(chosen) == 1
    simplified = len(est.pruning_history_) > len(_pruning_steps(est))
    for M, C in zip(est.masks_, chosen[0]["masks"]):
        if simplified:  # merged or negligible neurons leave after the final training
            assert not (M & ~C).any()
        else:
            np.testing.assert_array_equal(M, C)
    if path_choice == "first_stop":  # the last structure met
        assert est.pruning_path_[-1]["chosen"]
    assert list(est.classes_) == ["no", "yes"]
    np.testing.assert_array_equal(est.predict(X), _labels_from_forward(est, X))
    assert est.score(X, labels) > 0.8
    # The interrupted step and those after it are not in the result.
    full = PrunedMLPClassifier(**dict(FAST, cv=cv, path_choice=path_choice))
    monkeypatch.undo()
    full.fit(X, labels)
    assert len(full.pruning_history_) >= len(est.pruning_history_)


def test_interrupt_of_a_regressor_predicts_from_its_own_weights(monkeypatch, data):
    X, y = data
    target = X[:, 0] + X[:, 1] ** 2
    est = PrunedMLPRegressor(**NET)
    _interrupt_at_step(monkeypatch, 2)
    assert len(_fit_warned(est, X, target)) == 1
    np.testing.assert_allclose(est.predict(X), _forward(est, X)[:, 0], rtol=1e-10,
                               atol=1e-10)


def test_interrupted_refit_never_mixes_two_fits(monkeypatch, data):
    """The issue's case (a): fit on {0, 1}, interrupted refit on {"no", "yes"}."""
    X, y = data
    est = PrunedMLPClassifier(**NET).fit(X, y)
    before = _snapshot(est)
    labels = np.where(y == 1, "yes", "no")
    # Once: the refit stops pruning and completes on the new labels.
    _interrupt_at_step(monkeypatch, 2)
    assert len(_fit_warned(est, X, labels)) == 1
    assert list(est.classes_) == ["no", "yes"] and est.coefs_ is not before["coefs_"]
    np.testing.assert_array_equal(est.predict(X), _labels_from_forward(est, X))
    assert (est.predict(X) == labels).mean() > 0.8
    monkeypatch.undo()
    # Twice: the second interrupt, in the final training, aborts the refit.
    est = PrunedMLPClassifier(**NET).fit(X, y)
    before = _snapshot(est)
    _interrupt_at_step(monkeypatch, 2)
    monkeypatch.setattr(Trainer, "train", _final_training_raises(KeyboardInterrupt,
                                                                 X.shape[0]))
    with pytest.raises(KeyboardInterrupt), warnings.catch_warnings():
        warnings.simplefilter("error", PruningInterruptedWarning)  # none is issued
        est.fit(X, labels)
    _assert_same_state(est, before)
    assert list(est.classes_) == [0, 1]
    np.testing.assert_array_equal(est.predict(X), _labels_from_forward(est, X))


def test_interrupt_during_the_first_training_aborts(monkeypatch, data):
    X, y = data
    est = PrunedMLPClassifier(**NET).fit(X, y)
    before = _snapshot(est)
    monkeypatch.setattr(Trainer, "train", _raise_on_call(Trainer.train, 1,
                                                         KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, np.where(y == 1, "yes", "no"))
    _assert_same_state(est, before)


@pytest.mark.parametrize("params", [
    dict(max_inputs=2),                       # during the forced steps to a cap
    dict(weight_levels="ternary"),            # during the levels phase
    dict(binarize_neurons=True),              # during the threshold neurons
    dict(path_choice="one_se", cv=3),         # one_se with the fresh-weights decision
])
def test_interrupt_in_other_phases_gives_a_consistent_estimator(monkeypatch, data, params):
    X, y = data
    est = PrunedMLPClassifier(**dict(FAST, **params))
    full = PrunedMLPClassifier(**dict(FAST, **params)).fit(X, y)
    n_steps = len(_pruning_steps(full))
    k = max(1, n_steps - 1)
    _interrupt_at_step(monkeypatch, k)
    assert len(_fit_warned(est, X, y)) == 1
    assert est._interrupted_at == k and len(_pruning_steps(est)) == k - 1
    np.testing.assert_array_equal(est.predict(X), est.classes_[
        (est.predict_proba(X)[:, 1] > 0.5).astype(int)])
    if not params.get("binarize_neurons") and not params.get("weight_levels"):
        np.testing.assert_array_equal(est.predict(X), _labels_from_forward(est, X))
    for Q, M in zip(est.quantized_, est.masks_):
        assert not (Q & ~M).any()


# ---------------------------------------------------------------------------
# The meta-estimators stop after the network whose pruning was interrupted.

def _interrupt_in_search_number(monkeypatch, n):
    """The first step of the n-th pruning search (the n-th network fitted) is cut
    short by a KeyboardInterrupt."""
    conclude = PathSearch.conclude
    searches = []

    def wrapper(self, *args, **kwargs):
        if self not in searches:
            searches.append(self)
            if len(searches) == n:
                raise KeyboardInterrupt
        return conclude(self, *args, **kwargs)
    monkeypatch.setattr(PathSearch, "conclude", wrapper)


def test_selector_stops_after_the_interrupted_network(monkeypatch, data, small_net):
    X, y = data
    selector = NetworkInputSelector(small_net, n_networks=3, random_state=0)
    _interrupt_in_search_number(monkeypatch, 2)
    warned = _fit_warned(selector, X, y)
    assert len(warned) == 1  # the selector's, not the network's too
    assert "network 2 of 3" in str(warned[0].message)
    assert len(selector.estimators_) == 2
    assert selector.estimators_[1]._interrupted_at == 1
    supports = np.array([net.support_ for net in selector.estimators_])
    np.testing.assert_array_equal(selector.votes_, supports.sum(axis=0))
    # A majority of the two networks fitted.
    np.testing.assert_array_equal(selector.support_, selector.votes_ == 2)
    assert selector.transform(X).shape == (X.shape[0], selector.support_.sum())


def test_committee_stops_after_the_interrupted_member(monkeypatch, data, small_net):
    X, y = data
    committee = MinimalNetworkCommittee(small_net, n_networks=4, random_state=0)
    _interrupt_in_search_number(monkeypatch, 2)
    warned = _fit_warned(committee, X, y)
    assert len(warned) == 1
    assert "member fit 2" in str(warned[0].message)
    assert len(committee.attempts_) == 2
    assert len(committee.estimators_) == sum(a["status"] == "kept"
                                             for a in committee.attempts_)
    assert committee.predict(pd.DataFrame(X)).shape == y.shape


@pytest.mark.parametrize("phase", ["decide_fresh", "exchange_pass"])
def test_interrupt_during_the_one_se_choice_keeps_what_was_decided(monkeypatch, data,
                                                                   phase):
    import sklearn_nnprune._procedure.search as search_module

    X, y = data
    params = dict(FAST, cv=3, path_choice="one_se")
    est = PrunedMLPClassifier(**params)
    called = []

    def interrupted(*args, **kwargs):
        called.append(phase)
        raise KeyboardInterrupt
    monkeypatch.setattr(search_module, phase, interrupted)
    warned = _fit_warned(est, X, y)
    assert called and len(warned) == 1
    steps = _pruning_steps(est)
    assert est._interrupted_at == len(steps) + 1
    chosen = [entry for entry in est.pruning_path_ if entry["chosen"]]
    assert len(chosen) == 1
    np.testing.assert_array_equal(est.predict(X), _labels_from_forward(est, X))


# ---------------------------------------------------------------------------
# A real Ctrl-C (SIGINT) at an arbitrary moment: either a consistent estimator
# with the warning, or KeyboardInterrupt and the previous state; never a mix.

@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGINT"), reason="no SIGINT")
@pytest.mark.parametrize("delay", [0.05, 0.4, 1.0])
def test_a_real_sigint_at_any_moment_never_leaves_a_mixed_estimator(data, delay):
    import os
    import signal
    import threading

    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT does not raise KeyboardInterrupt here")
    X, y = make_classification(n_samples=1500, n_features=20, n_informative=4,
                               random_state=0)
    params = dict(hidden_layer_sizes=(16,), max_iter=200, retrain_iter=30, cv=3,
                  random_state=0)
    est = PrunedMLPClassifier(**params).fit(X[:200], y[:200])
    before = _snapshot(est)
    labels = np.where(y == 1, "yes", "no")
    timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
    finished = aborted = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            timer.start()
            try:
                est.fit(X, labels)
                finished = True
            finally:
                timer.cancel()
                timer.join()
        except KeyboardInterrupt:
            aborted = not finished
    warned = [w for w in caught if issubclass(w.category, PruningInterruptedWarning)]
    if aborted:
        _assert_same_state(est, before)
        assert not warned
    else:
        assert list(est.classes_) == ["no", "yes"]
        assert len(warned) == (est._interrupted_at is not None)
    np.testing.assert_array_equal(est.predict(X), _labels_from_forward(est, X))
