"""The estimators and the selector inside scikit-learn's tools."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_friedman1
from sklearn.feature_selection import RFE, RFECV, SelectFromModel
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnprune import NetworkInputSelector, PrunedMLPClassifier, PrunedMLPRegressor


def small_reg(**kw):
    params = dict(hidden_layer_sizes=(6,), max_iter=150, retrain_iter=20, random_state=0)
    params.update(kw)
    return PrunedMLPRegressor(**params)


@pytest.fixture(scope="module")
def friedman():
    return make_friedman1(n_samples=200, n_features=7, random_state=0)


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(n_samples=200, n_features=8, n_informative=3,
                               n_redundant=0, shuffle=False, random_state=0)
    return pd.DataFrame(X, columns=[f"c{i}" for i in range(8)]), y


def test_select_from_model(friedman):
    X, y = friedman
    sfm = SelectFromModel(small_reg(prune=("inputs",))).fit(X, y)
    importances = sfm.estimator_.feature_importances_
    np.testing.assert_array_equal(sfm.get_support(), importances >= importances.mean())
    # Inputs the network removed have importance 0 and are never selected.
    assert not (sfm.get_support() & ~sfm.estimator_.support_).any()


def test_rfe_and_rfecv_use_feature_importances(friedman):
    X, y = friedman
    unpruned = small_reg(prune=())
    rfe = RFE(unpruned, n_features_to_select=5).fit(X, y)
    assert rfe.support_.sum() == 5
    # Friedman #1 depends on inputs 0-4 only; the unpruned network's sensitivities
    # rank them above the two noise inputs.
    assert rfe.get_support(indices=True).tolist() == [0, 1, 2, 3, 4]
    rfecv = RFECV(small_reg(prune=(), max_iter=80), step=2, cv=2,
                  min_features_to_select=3).fit(X[:, :5], y)
    assert rfecv.n_features_ >= 3
    assert len(rfecv.cv_results_["mean_test_score"]) == 2


def test_permutation_importance(friedman):
    X, y = friedman
    reg = small_reg(prune=("inputs",), max_inputs=4, tolerance=None).fit(X, y)
    result = permutation_importance(reg, X, y, n_repeats=3, random_state=0)
    assert result.importances_mean.shape == (7,)
    # Removed inputs have no effect on the predictions at all.
    np.testing.assert_array_equal(result.importances[~reg.support_], 0.0)
    assert (result.importances_mean[reg.support_] > 0).all()


def test_pipeline_scaler_selector_model(classification):
    X, y = classification
    pipe = make_pipeline(
        StandardScaler(),
        NetworkInputSelector(PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=150,
                                                 retrain_iter=20, prune=("inputs",)),
                             max_inputs=4, random_state=0),
        LogisticRegression())
    pipe.set_output(transform="pandas").fit(X, y)
    selector = pipe.named_steps["networkinputselector"]
    kept = selector.get_feature_names_out().tolist()
    assert 1 <= len(kept) <= 4
    assert pipe.named_steps["logisticregression"].feature_names_in_.tolist() == kept
    # The model downstream sees exactly the selected, scaled columns.
    Xs = StandardScaler().fit_transform(X)[:, selector.support_]
    direct = LogisticRegression().fit(Xs, y)
    np.testing.assert_array_equal(pipe.predict(X), direct.predict(Xs))


def test_grid_search_over_selector_max_inputs(friedman):
    X, y = friedman
    net = PrunedMLPRegressor(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=20,
                             prune=("inputs",), tolerance=None, random_state=0)
    pipe = make_pipeline(StandardScaler(), NetworkInputSelector(net), Ridge())
    search = GridSearchCV(pipe, {"networkinputselector__max_inputs": [1, 3, 5]}, cv=2,
                          n_jobs=2).fit(X, y)
    assert search.best_params_["networkinputselector__max_inputs"] in (3, 5)
    scores = search.cv_results_["mean_test_score"]
    assert scores[0] < scores[1]  # one input explains less than three
    best = search.best_estimator_.named_steps["networkinputselector"]
    assert best.support_.sum() == search.best_params_["networkinputselector__max_inputs"]


def test_grid_search_over_estimator_caps(classification):
    X, y = classification
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=20,
                              tolerance=None, random_state=0)
    search = GridSearchCV(clf, {"max_inputs": [1, 3], "max_neurons": [1, 3]}, cv=2,
                          n_jobs=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_
    assert best.n_inputs_ == search.best_params_["max_inputs"]
    assert best.n_neurons_ <= search.best_params_["max_neurons"]
