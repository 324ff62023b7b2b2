"""Tests of MinimalNetworkCommittee: search for distinct minimal networks, voting,
disagreement, input usage, parallel fitting and bad input."""

import copy
import re
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import has_fit_parameter

from sklearn_nnprune import (MinimalNetworkCommittee, PrunedMLPClassifier,
                             PrunedMLPRegressor)
from sklearn_nnprune._committee import _canonical_structure
from sklearn_nnprune.datasets import load_us_elections


def _member(cls, **params):
    """A small, fast member whose criterion is scored on the training data
    (``cv=None`` where the estimator has that setting), with the allowance of one
    standard error that these tests were written with (``noise_tolerance="auto"``
    is 0 on the training data)."""
    params = {"hidden_layer_sizes": (2,), "max_iter": 60, "retrain_iter": 10,
              "cv": None, "noise_tolerance": 1.0, **params}
    known = cls().get_params()
    return cls(**{k: v for k, v in params.items() if k in known})


def _redundant_data(n=80, seed=0):
    """Two informative signals, each with a noisy copy, and one noise input: the
    task can be solved from (x0 or x2) together with (x1 or x3)."""
    rng = np.random.RandomState(seed)
    z = rng.normal(size=(n, 2))
    X = np.hstack([z, z + 0.05 * rng.normal(size=(n, 2)), rng.normal(size=(n, 1))])
    return X, z


@pytest.fixture(scope="module")
def clf_data():
    X, z = _redundant_data()
    return X, (z[:, 0] + z[:, 1] > 0).astype(int)


@pytest.fixture(scope="module")
def committee(clf_data):
    X, y = clf_data
    return MinimalNetworkCommittee(estimator=_member(PrunedMLPClassifier, tolerance=0.05),
                                   n_networks=3, random_state=0).fit(X, y)


def test_members_are_distinct_minimal_networks(committee, clf_data):
    X, y = clf_data
    assert len(committee.estimators_) == 3
    keys = {(s.tobytes(), _canonical_structure(e.masks_, c, X.shape[1]))
            for s, e, c in zip(committee.supports_, committee.estimators_,
                               committee.estimators_features_)}
    assert len(keys) == 3
    # every member keeps the first member's training accuracy within the tolerance
    assert np.all(committee.train_scores_ >= committee.reference_score_ - 0.05 - 1e-12)
    assert committee.reference_score_ == committee.train_scores_[0]
    # the members were pruned: none uses all five inputs
    assert committee.supports_.sum(axis=1).max() < X.shape[1]
    statuses = [a["status"] for a in committee.attempts_]
    assert statuses.count("kept") == 3


def test_forbidden_inputs_are_not_seen(committee):
    names = committee.input_usage_.index.to_numpy()
    for k, est in enumerate(committee.estimators_):
        cols = committee.estimators_features_[k]
        forbidden = committee.estimators_forbidden_[k]
        assert set(names[cols]).isdisjoint(forbidden)
        assert len(cols) + len(forbidden) == len(names)
        assert not committee.supports_[k][np.isin(names, forbidden)].any()
        assert list(est.feature_names_in_) == list(names[cols])
    # the search forbade inputs: at least one member was denied one
    assert any(committee.estimators_forbidden_)


def test_input_usage_and_importances(committee):
    usage = committee.input_usage_
    assert list(usage.columns) == ["n_members", "fraction", "mean_importance"]
    np.testing.assert_array_equal(usage["n_members"], committee.supports_.sum(axis=0))
    np.testing.assert_allclose(usage["fraction"], committee.supports_.mean(axis=0))
    fi = committee.feature_importances_
    np.testing.assert_allclose(fi, committee.importances_.mean(axis=0))
    assert fi.sum() == pytest.approx(1.0)
    for i in range(len(fi)):
        users = committee.supports_[:, i]
        expected = committee.importances_[users, i].mean() if users.any() else 0.0
        assert usage["mean_importance"].iloc[i] == pytest.approx(expected)
    text = committee.describe()
    for k in range(len(committee.estimators_)):
        line = next(ln for ln in text.splitlines()[1:]
                    if ln.startswith(f"member {k + 1}:"))
        assert line
        inputs_line = text.splitlines()[text.splitlines().index(line) + 1]
        for name in usage.index[committee.supports_[k]]:
            assert name in inputs_line


def _member_votes(committee, X, method="predict"):
    return np.stack([getattr(e, method)(pd.DataFrame(X[:, c], columns=[f"x{i}" for i in c]))
                     for e, c in zip(committee.estimators_,
                                     committee.estimators_features_)])


def test_hard_and_soft_voting(committee, clf_data):
    X, y = clf_data
    votes = _member_votes(committee, X)
    shares = np.stack([(votes == c).mean(axis=0) for c in committee.classes_], axis=1)
    np.testing.assert_allclose(committee.predict_proba(X), shares)
    np.testing.assert_array_equal(committee.predict(X),
                                  committee.classes_[shares.argmax(axis=1)])
    soft = clone_with(committee, voting="soft")
    proba = _member_votes(committee, X, "predict_proba").mean(axis=0)
    np.testing.assert_allclose(soft.predict_proba(X), proba)
    np.testing.assert_array_equal(soft.predict(X), committee.classes_[proba.argmax(axis=1)])
    assert committee.score(X, y) == pytest.approx((committee.predict(X) == y).mean())


def clone_with(committee, **params):
    """A copy of the fitted committee with another voting rule (voting is read at
    predict time, so no refit is needed)."""
    return copy.deepcopy(committee).set_params(**params)


def test_disagreement(committee, clf_data):
    X, _ = clf_data
    rng = np.random.RandomState(1)
    X_new = np.vstack([X, rng.normal(scale=2.0, size=(200, X.shape[1]))])
    votes = _member_votes(committee, X_new)
    d = committee.disagreement(X_new)
    assert d.shape == (X_new.shape[0],)
    assert np.all((d >= 0) & (d <= 1))
    unanimous = (votes == votes[0]).all(axis=0)
    assert unanimous.any() and (~unanimous).any()
    np.testing.assert_array_equal(d == 0, unanimous)
    # binary, 3 members: a 2-1 split has minority share 1/3, i.e. 2/3 disagreement
    np.testing.assert_allclose(d[~unanimous], 2.0 / 3.0)


def test_regression_committee():
    X, z = _redundant_data(n=80, seed=2)
    y = z[:, 0] + np.tanh(z[:, 1])
    member = _member(PrunedMLPRegressor, tolerance=0.02)
    reg = MinimalNetworkCommittee(estimator=member, n_networks=2, voting="mean",
                                  random_state=0).fit(X, y)
    assert reg.__sklearn_tags__().estimator_type == "regressor"
    assert not hasattr(reg, "predict_proba")
    assert not hasattr(reg, "classes_")
    preds = _member_votes(reg, X)
    np.testing.assert_allclose(reg.predict(X), preds.mean(axis=0))
    assert reg.score(X, y) == pytest.approx(r2_score(y, preds.mean(axis=0)))
    for voting, combine in [("median", np.median), ("hard", np.median), ("soft", np.mean)]:
        np.testing.assert_allclose(clone_with(reg, voting=voting).predict(X),
                                   combine(preds, axis=0))
    d = reg.disagreement(X)
    np.testing.assert_allclose(d, np.minimum(preds.std(axis=0) / y.std(), 1.0))
    assert np.all((d >= 0) & (d <= 1)) and d.max() > 0


def test_rejects_members_that_lose_quality():
    # Only x0 carries the class: a member denied x0 cannot solve the task, is
    # rejected, and nothing else can be forbidden, so the committee warns.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    committee = MinimalNetworkCommittee(
        estimator=_member(PrunedMLPClassifier, tolerance=0.0, noise_tolerance=0.0),
        n_networks=3, max_attempts=4, random_state=0)
    with pytest.warns(UserWarning, match=r"Found (\d) distinct minimal networks out of "
                                         r"n_networks=3 requested") as record:
        committee.fit(X, y)
    found = int(re.search(r"Found (\d)", str(record[0].message)).group(1))
    assert found == len(committee.estimators_) < 3
    rejected = [a for a in committee.attempts_ if a["status"] == "rejected"]
    assert any(a["forbidden"] == ["x0"] for a in rejected)
    assert all(a["score"] < committee.reference_score_ for a in rejected)
    assert committee.supports_[:, 0].all()


def test_impossible_request_warns_with_what_was_found():
    # One input: every member uses it and nothing can be forbidden; ten distinct
    # networks cannot exist, and the search stops early instead of using every
    # attempt.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 1))
    y = (X[:, 0] > 0).astype(int)
    committee = MinimalNetworkCommittee(estimator=_member(PrunedMLPClassifier),
                                        n_networks=10, random_state=0)
    with pytest.warns(UserWarning, match=r"out of n_networks=10 requested: the search "
                                         r"ran out of inputs to forbid"):
        committee.fit(X, y)
    assert 1 <= len(committee.estimators_) < 10
    assert len(committee.attempts_) < 5 * 10


def _fitted_signature(committee, X):
    return ([(a["forbidden"], a["seed"], a["inputs"], a["status"])
             for a in committee.attempts_],
            committee.supports_, committee.predict_proba(X))


def _assert_same_committee(a, b, X):
    sa, sb = _fitted_signature(a, X), _fitted_signature(b, X)
    assert sa[0] == sb[0]
    np.testing.assert_array_equal(sa[1], sb[1])
    np.testing.assert_allclose(sa[2], sb[2])
    for ea, eb in zip(a.estimators_, b.estimators_):
        for wa, wb in zip(ea.coefs_, eb.coefs_):
            np.testing.assert_allclose(wa, wb, rtol=1e-6, atol=1e-8)


def test_same_random_state_same_committee_and_n_jobs_does_not_matter(committee, clf_data):
    X, y = clf_data
    params = committee.get_params(deep=False)
    again = MinimalNetworkCommittee(**{**params, "n_jobs": 2}).fit(X, y)
    _assert_same_committee(committee, again, X)
    other = MinimalNetworkCommittee(**{**params, "random_state": 1, "n_networks": 1})
    other.fit(X, y)
    assert other.attempts_[0]["seed"] != committee.attempts_[0]["seed"]


def test_dask_backend(committee, clf_data):
    distributed = pytest.importorskip("dask.distributed")
    X, y = clf_data
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with joblib.parallel_backend("dask"), distributed.get_task_stream(client) as tasks:
            on_dask = MinimalNetworkCommittee(**committee.get_params(deep=False)).fit(X, y)
    # the members were fitted by the cluster's workers
    assert len(tasks.data) > 0
    _assert_same_committee(committee, on_dask, X)


def test_us_elections_members_solve_every_training_election():
    data = load_us_elections()
    train = data.years <= 1980
    X, y = data.data[train], data.target[train]
    member = _member(PrunedMLPClassifier, hidden_layer_sizes=(4,), max_iter=200,
                     retrain_iter=30, tolerance=0.0, noise_tolerance=0.0)
    committee = MinimalNetworkCommittee(estimator=member, n_networks=3, n_jobs=2,
                                        random_state=0).fit(X, y)
    assert len(committee.estimators_) == 3
    np.testing.assert_array_equal(committee.train_scores_, 1.0)
    assert len({s.tobytes() for s in committee.supports_}) == 3
    # no three keys separate these elections, so no member can use fewer than four
    assert committee.supports_.sum(axis=1).min() >= 4
    assert committee.predict(data.data[~train]).shape == ((~train).sum(),)


def test_dataframe_input_names_members_inputs(clf_data):
    X, y = clf_data
    frame = pd.DataFrame(X, columns=["a", "b", "a2", "b2", "noise"])
    committee = MinimalNetworkCommittee(estimator=_member(PrunedMLPClassifier),
                                        n_networks=2, random_state=0).fit(frame, y)
    assert list(committee.input_usage_.index) == list(frame.columns)
    for est, cols in zip(committee.estimators_, committee.estimators_features_):
        assert list(est.feature_names_in_) == list(frame.columns[cols])
    assert committee.input_usage_["n_members"].sum() == committee.supports_.sum()
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        committee.predict(frame.values)


def test_inputs_not_modified(clf_data):
    X, y = clf_data
    X_copy, y_copy = X.copy(), y.copy()
    committee = MinimalNetworkCommittee(estimator=_member(PrunedMLPClassifier),
                                        n_networks=2, random_state=0).fit(X, y)
    committee.predict(X)
    committee.disagreement(X)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


@pytest.mark.parametrize("params, error, match", [
    ({"n_networks": 0}, InvalidParameterError, "n_networks"),
    ({"n_networks": 1.5}, InvalidParameterError, "n_networks"),
    ({"max_attempts": 0}, InvalidParameterError, "max_attempts"),
    ({"voting": "majority"}, InvalidParameterError, "voting"),
    ({"estimator": LogisticRegression()}, InvalidParameterError, "estimator"),
    ({"n_networks": 5, "max_attempts": 3}, ValueError, "cannot be found in max_attempts=3"),
    ({"voting": "mean"}, ValueError, "voting='mean' is for regression committees"),
])
def test_bad_parameters(clf_data, params, error, match):
    X, y = clf_data
    with pytest.raises(error, match=match):
        MinimalNetworkCommittee(**params).fit(X, y)


def test_regression_committee_at_a_huge_scale():
    # Scores and disagreement are taken in standardized units: nothing overflows.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2) * 1e200
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        committee = MinimalNetworkCommittee(_member(PrunedMLPRegressor), n_networks=2,
                                            random_state=0).fit(X, y)
        disagreement = committee.disagreement(X)
    assert len(committee.estimators_) == 2
    assert np.all((disagreement >= 0) & (disagreement <= 1))
    assert np.isfinite(committee.predict(X) / 1e200).all()


def test_estimator_is_the_one_positional_parameter():
    # As NetworkInputSelector and scikit-learn's meta-estimators (API.md's signature).
    member = _member(PrunedMLPClassifier)
    assert MinimalNetworkCommittee(member, n_networks=2).estimator is member
    with pytest.raises(TypeError):
        MinimalNetworkCommittee(member, 2)


def test_bad_data(clf_data, committee):
    X, y = clf_data
    small = MinimalNetworkCommittee(estimator=_member(PrunedMLPClassifier), n_networks=1)
    with pytest.raises(ValueError, match="only one class"):
        small.fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="Unknown label type.*For a committee of "
                                         "regressors, pass estimator=PrunedMLPRegressor"):
        small.fit(X, np.linspace(0, 1, len(y)))
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        small.fit(X_nan, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        small.fit(X, y[:-1])
    regression = MinimalNetworkCommittee(estimator=_member(PrunedMLPRegressor), n_networks=1)
    with pytest.raises(ValueError, match="with a regressor needs a numeric target; y has "
                                         "values such as 'a'"):
        regression.fit(X, np.where(y == 1, "a", "b"))
    with pytest.raises(ValueError, match="y contains NaN"):
        regression.fit(X, np.where(y == 1, np.nan, 1.0))
    with pytest.raises(ValueError, match="features"):
        committee.predict(X[:, :3])
    with pytest.raises(NotFittedError):
        MinimalNetworkCommittee().predict(X)
    with pytest.raises(NotFittedError):
        MinimalNetworkCommittee().disagreement(X)


# Small members for the scikit-learn checks, which fit the committee ~100 times:
# members that prune only inputs, with few iterations and at most two fits per
# committee, keep the whole check suite at a few seconds.
_FAST = {"hidden_layer_sizes": (2,), "max_iter": 30, "retrain_iter": 5,
         "prune": ("inputs",)}


def _sample_weight_checks_without_weighted_networks(estimator):
    """The checks that pass sample_weight, expected to fail while the networks'
    fit takes none (the committee then names that in a TypeError)."""
    from sklearn.utils.validation import has_fit_parameter
    if has_fit_parameter(PrunedMLPClassifier, "sample_weight"):
        return {}
    reason = "the members (PrunedMLPClassifier/Regressor) take no sample_weight yet"
    return {name: reason for name in (
        "check_sample_weights_pandas_series", "check_sample_weights_not_an_array",
        "check_sample_weights_list", "check_sample_weights_shape",
        "check_sample_weights_not_overwritten", "check_all_zero_sample_weights_error",
        "check_sample_weight_equivalence_on_dense_data",
        "check_classifiers_one_label_sample_weights")}


@parametrize_with_checks([
    MinimalNetworkCommittee(estimator=_member(PrunedMLPClassifier, **_FAST), n_networks=2,
                            max_attempts=2, random_state=0),
    MinimalNetworkCommittee(estimator=_member(PrunedMLPRegressor, **_FAST), n_networks=2,
                            max_attempts=2, random_state=0),
], expected_failed_checks=_sample_weight_checks_without_weighted_networks)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        # Tiny check data sets often hold fewer distinct networks than requested.
        warnings.filterwarnings("ignore", message="Found .* distinct minimal networks")
        check(estimator)


def test_export_text_lists_each_members_rules(committee, clf_data):
    from sklearn_nnprune import export_text

    text = export_text(committee)
    blocks = text.split("\n\n")
    assert len(blocks) == len(committee.estimators_)
    for k, (block, member, cols) in enumerate(zip(blocks, committee.estimators_,
                                                   committee.estimators_features_)):
        assert block.startswith(f"member {k + 1} (inputs: ")
        used = [f"x{c}" for c, kept in zip(cols, member.support_) if kept]
        assert block.splitlines()[0] == f"member {k + 1} (inputs: {', '.join(used)})"
        assert "class:" in block
    with pytest.raises(ValueError, match="feature_names"):
        export_text(committee, feature_names=["a"])


# ---------------------------------------------------------------------------
# sample_weight: passed on to every member, used in the committee's check.


_NOT_PASSED = "not passed"


class _RecordingClassifier(PrunedMLPClassifier):
    """PrunedMLPClassifier whose fit records ``sample_weight`` as ``received_``
    (``_NOT_PASSED`` when the caller gave none) and fits without it."""

    def fit(self, X, y, sample_weight=_NOT_PASSED):
        super().fit(X, y)
        self.received_ = sample_weight
        return self


def _weighted(clf_data):
    X, y = clf_data
    return X, y, np.random.RandomState(0).randint(1, 4, size=len(y)).astype(float)


def test_sample_weight_goes_to_every_member(clf_data):
    X, y, w = _weighted(clf_data)
    template = _member(_RecordingClassifier, **_FAST)
    committee = MinimalNetworkCommittee(template, n_networks=2, max_attempts=4,
                                        random_state=0)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Found .* distinct minimal networks")
        committee.fit(X, y, sample_weight=w)
        assert all(member.received_ is w for member in committee.estimators_)
        committee.fit(X, y)
    assert all(member.received_ == _NOT_PASSED for member in committee.estimators_)


def test_weighted_training_score_equals_repeated_rows():
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, size=30)
    pred = np.where(rng.uniform(size=30) < 0.8, y, 1 - y)
    w = rng.randint(0, 4, size=30).astype(float)
    clf = MinimalNetworkCommittee()
    score, parts = clf._training_score(y, pred, None, w)
    repeated, _ = clf._training_score(np.repeat(y, w.astype(int)),
                                      np.repeat(pred, w.astype(int)), None)
    assert score == pytest.approx(repeated) and parts.sum() == pytest.approx(score)
    reg = MinimalNetworkCommittee(PrunedMLPRegressor())
    t = rng.normal(size=30)
    p = t + 0.3 * rng.normal(size=30)
    score, parts = reg._training_score(t, p, np.ones(1), w)
    repeated, _ = reg._training_score(np.repeat(t, w.astype(int)),
                                      np.repeat(p, w.astype(int)), np.ones(1))
    assert score == pytest.approx(repeated) and 1 + parts.sum() == pytest.approx(score)


def test_metadata_routing_through_grid_search(clf_data):
    X, y, w = _weighted(clf_data)
    with sklearn.config_context(enable_metadata_routing=True), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Found .* distinct minimal networks")
        template = _member(_RecordingClassifier, **_FAST).set_fit_request(
            sample_weight=True)
        committee = MinimalNetworkCommittee(template, n_networks=1, random_state=0)
        committee.set_score_request(sample_weight=True)  # weighted test scores
        assert committee.get_metadata_routing().consumes(
            "fit", ["sample_weight"]) == {"sample_weight"}
        search = GridSearchCV(committee, {"max_attempts": [1, 2]}, cv=2)
        search.fit(X, y, sample_weight=w)
        assert np.isfinite(search.cv_results_["mean_test_score"]).all()
        for member in search.best_estimator_.estimators_:
            np.testing.assert_array_equal(member.received_, w)


class _NoWeights(PrunedMLPClassifier):
    """A network whose fit takes no sample_weight."""

    def fit(self, X, y):
        return super().fit(X, y)


def test_sample_weight_to_members_without_it_is_a_clear_error(clf_data):
    X, y, w = _weighted(clf_data)
    assert not has_fit_parameter(_NoWeights, "sample_weight")
    with pytest.raises(TypeError, match="takes no sample_weight"):
        MinimalNetworkCommittee(_NoWeights(hidden_layer_sizes=(3,)), n_networks=1).fit(
            X, y, sample_weight=w)
