"""Saving and loading without pickle: skops round trips, plain fitted state, the
library's version checked at load."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.datasets import make_classification

import sklearn_nnprune
from sklearn_nnprune import (InputBinarizer, MinimalNetworkCommittee, NetworkInputSelector,
                             PrunedMLPClassifier, PrunedMLPRegressor)
from sklearn_nnprune._persistence import InconsistentNNPruneVersionWarning

X, y = make_classification(n_samples=150, n_features=6, n_informative=3, n_redundant=0,
                           random_state=0)
NET = dict(hidden_layer_sizes=(4,), max_iter=100, random_state=0)
ESTIMATORS = {
    "classifier": lambda: PrunedMLPClassifier(**NET),
    "transparent": lambda: PrunedMLPClassifier(weight_levels=3, binarize_neurons=True,
                                               path_choice="one_se", **NET),
    "groups": lambda: PrunedMLPClassifier(input_groups=[[0, 1], [2, 3], [4, 5]], **NET),
    "regressor": lambda: PrunedMLPRegressor(**NET),
    "selector": lambda: NetworkInputSelector(PrunedMLPClassifier(**NET)),
    "committee": lambda: MinimalNetworkCommittee(PrunedMLPClassifier(**NET), n_networks=2,
                                                 random_state=0),
    "binarizer": lambda: InputBinarizer(),
}
OUTPUTS = ("predict", "predict_proba", "transform")


@pytest.fixture(scope="module", params=sorted(ESTIMATORS))
def fitted(request):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ESTIMATORS[request.param]().fit(X, y.astype(float) if request.param ==
                                               "regressor" else y)


def _outputs(est):
    return {m: getattr(est, m)(X) for m in OUTPUTS if hasattr(est, m)}


def _plain(value, where):
    """Fail unless ``value`` is arrays and built-in values (or a nested estimator)."""
    if isinstance(value, BaseEstimator):
        _assert_plain_state(value, where)
    elif isinstance(value, np.ndarray):
        assert value.dtype != object or all(isinstance(v, (str, int, float))
                                            for v in value.ravel()), where
    elif isinstance(value, (list, tuple)):
        assert type(value) in (list, tuple), f"{where}: {type(value).__name__}"
        for k, item in enumerate(value):
            _plain(item, f"{where}[{k}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            _plain(item, f"{where}[{key!r}]")
    else:
        assert isinstance(value, (str, int, float, bool, type(None), np.generic)), \
            f"{where}: {type(value).__module__}.{type(value).__name__}"


def _assert_plain_state(est, where="estimator"):
    for key, value in vars(est).items():
        _plain(value, f"{where}.{key}")


def test_fitted_state_is_arrays_and_builtins(fitted):
    _assert_plain_state(fitted)


def test_skops_round_trip(fitted):
    sio = pytest.importorskip("skops.io")
    data = sio.dumps(fitted)
    untrusted = sio.get_untrusted_types(data=data)
    assert untrusted and all(name.startswith("sklearn_nnprune.") for name in untrusted)
    loaded = sio.loads(data, trusted=untrusted)
    for method, expected in _outputs(fitted).items():
        np.testing.assert_array_equal(getattr(loaded, method)(X), expected)


def test_pickle_round_trip_and_version(fitted):
    data = pickle.dumps(fitted)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentNNPruneVersionWarning)
        loaded = pickle.loads(data)
    assert not hasattr(loaded, "_sklearn_nnprune_version")
    for method, expected in _outputs(fitted).items():
        np.testing.assert_array_equal(getattr(loaded, method)(X), expected)


def test_version_mismatch_warns(monkeypatch):
    est = InputBinarizer().fit(X, y)
    data = pickle.dumps(est)
    monkeypatch.setattr(sklearn_nnprune, "__version__", "99.0")
    with pytest.warns(InconsistentNNPruneVersionWarning, match="saved by sklearn-nnprune "
                      "0.1.0 and is loaded by sklearn-nnprune 99.0.*Refit"):
        pickle.loads(data)
    sio = pytest.importorskip("skops.io")
    monkeypatch.setattr(sklearn_nnprune, "__version__", "0.1.0")
    data = sio.dumps(est)
    monkeypatch.setattr(sklearn_nnprune, "__version__", "99.0")
    with pytest.warns(InconsistentNNPruneVersionWarning):
        sio.loads(data, trusted=sio.get_untrusted_types(data=data))


def test_committee_input_usage_is_built_from_arrays(fitted):
    if not isinstance(fitted, MinimalNetworkCommittee):
        pytest.skip("committee only")
    usage = fitted.input_usage_
    assert list(usage.columns) == ["n_members", "fraction", "mean_importance"]
    assert usage.index.name == "input" and len(usage) == X.shape[1]
    np.testing.assert_array_equal(usage["n_members"], fitted.supports_.sum(axis=0))
