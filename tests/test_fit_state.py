"""A fit that fails leaves the estimator as it was: its previous fit, or none."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError

import sklearn_nnprune._base as base
from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor

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
