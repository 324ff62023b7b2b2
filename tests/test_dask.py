"""Committees, selectors and grid searches on a Dask cluster through joblib's dask
backend: the same result as with n_jobs=1 (issue 18)."""

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV

from sklearn_nnprune import (MinimalNetworkCommittee, NetworkInputSelector,
                             PrunedMLPClassifier)

distributed = pytest.importorskip(
    "distributed", reason="distributed is not installed (pip install "
    "'sklearn-nnprune[dask]'); .ci/run installs it")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as dask_client:
        yield dask_client


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=240, n_features=6, n_informative=3,
                               n_redundant=0, shuffle=False, random_state=0)


def _network():
    return PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=200, random_state=0)


def _on_dask(make, X, y):
    with joblib.parallel_backend("dask"):
        return make().fit(X, y)


# Six inputs allow only two distinct minimal networks; the committee says so.
# What is tested is that the cluster gives the members of n_jobs=1.
@pytest.mark.filterwarnings("ignore:Found 2 distinct minimal networks")
def test_committee_on_dask_equals_n_jobs_1(client, data):
    X, y = data

    def make(n_jobs=-1):
        return MinimalNetworkCommittee(_network(), n_networks=3, n_jobs=n_jobs,
                                       random_state=0)

    local = make(n_jobs=1).fit(X, y)
    remote = _on_dask(make, X, y)
    assert [m.masks_[0].tolist() for m in remote.estimators_] == \
        [m.masks_[0].tolist() for m in local.estimators_]
    np.testing.assert_array_equal(remote.predict_proba(X), local.predict_proba(X))


def test_selector_on_dask_equals_n_jobs_1(client, data):
    X, y = data

    def make(n_jobs=-1):
        return NetworkInputSelector(_network().set_params(prune=("inputs",)),
                                    n_networks=3, n_jobs=n_jobs, random_state=0)

    local = make(n_jobs=1).fit(X, y)
    remote = _on_dask(make, X, y)
    np.testing.assert_array_equal(remote.support_, local.support_)
    np.testing.assert_array_equal(remote.votes_, local.votes_)
    np.testing.assert_array_equal(remote.feature_importances_, local.feature_importances_)


def test_grid_search_over_pruning_levels_on_dask_equals_n_jobs_1(client, data):
    X, y = data

    def make(n_jobs=-1):
        return GridSearchCV(_network(), {"max_inputs": [2, 3], "tolerance": [0.0, None]},
                            cv=3, n_jobs=n_jobs)

    local = make(n_jobs=1).fit(X, y)
    remote = _on_dask(make, X, y)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.cv_results_["mean_test_score"],
                                  local.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(remote.best_estimator_.masks_[0],
                                  local.best_estimator_.masks_[0])
