"""Errors that used to mislead (issue 19): a subnormal input column, NaN in
fewest_within_noise, describe's decimals; and names with control characters in
the committee's text."""

import warnings

import numpy as np
import pandas as pd
import pytest

from sklearn_nnprune import (MinimalNetworkCommittee, PrunedMLPClassifier,
                             PrunedMLPRegressor, export_text, fewest_within_noise)
from sklearn_nnprune._scaling import mean_and_scale, mean_and_scale_in_chunks

TINY = np.finfo(np.float64).tiny


def _task(n=120, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] + X[:, 2] > 0).astype(int)


# ------------------------------------------------------------ subnormal inputs
@pytest.mark.parametrize("column", ["constant", "varying", "tiny_std"])
def test_subnormal_input_columns_count_as_constant(column):
    X, y = _task()
    rng = np.random.RandomState(1)
    if column == "constant":  # every value ~1e-315
        X[:, 1] = 1e-315
    elif column == "varying":  # varies, but by subnormal amounts
        X[:, 1] = np.abs(rng.normal(size=len(X))) * 1e-315
    else:  # a normal magnitude, a subnormal standard deviation
        X[:, 1] = 1e-295 + np.where(rng.rand(len(X)) < 0.5, 0.0, 2e-309)
    assert np.std(X[:, 1]) < TINY
    for cls in (PrunedMLPClassifier, PrunedMLPRegressor):
        target = y if cls is PrunedMLPClassifier else X[:, 0] - X[:, 2]
        est = cls(hidden_layer_sizes=(3,), prune=(), random_state=0).fit(X, target)
        assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
        assert est.score(X, target) > 0.9  # the other columns still carry the task
    # As a constant column: a unit scale, and a pruning that drops it.
    _, scale = mean_and_scale(X, inputs=True)
    assert scale[1] == 1.0
    assert mean_and_scale_in_chunks(X, rows=50)[1][1] == 1.0
    pruned = PrunedMLPClassifier(hidden_layer_sizes=(3,), random_state=0).fit(X, y)
    assert not pruned.support_[1]


# _procedure.transparency.unit_factors divides by the target's scale even without
# weight levels: a subnormal one overflows there (harmless here, nothing uses it).
@pytest.mark.filterwarnings("ignore:overflow encountered in divide:RuntimeWarning")
def test_subnormal_scaling_leaves_normal_columns_and_targets_alone():
    X, _ = _task()
    X = X * np.array([1e-300, 1.0, 1e300])
    scale = mean_and_scale(X, inputs=True)[1]
    np.testing.assert_array_equal(scale, mean_and_scale(X)[1])
    size = np.abs(X).max(axis=0)
    np.testing.assert_allclose(scale, (X / size).std(axis=0) * size, rtol=1e-12)
    # A target's scale multiplies the output weights: a subnormal one is kept, and
    # a regressor of a subnormal target predicts in its units.
    y = np.random.RandomState(0).normal(size=120) * 1e-315
    assert 0 < mean_and_scale(y[:, None])[1][0] < TINY
    X, _ = _task()
    reg = PrunedMLPRegressor(hidden_layer_sizes=(2,), prune=(), random_state=0)
    assert np.abs(reg.fit(X, y).predict(X)).max() < 1e-300


# ------------------------------------------------------------ fewest_within_noise
def _cv_results(means, stds):
    n = len(means)
    results = {"param_max_inputs": np.ma.masked_array(list(range(1, n + 1))),
               "params": [{"max_inputs": k} for k in range(1, n + 1)],
               "mean_test_score": np.array(means, dtype=float),
               "std_test_score": np.array(stds, dtype=float)}
    results.update({f"split{i}_test_score": np.zeros(n) for i in range(4)})
    return results


@pytest.mark.parametrize("n_se", [np.nan, np.inf, -1.0, "1", True, None])
def test_fewest_within_noise_refuses_bad_n_se(n_se):
    with pytest.raises(ValueError, match="n_se must be a finite non-negative number"):
        fewest_within_noise(n_se=n_se)


def test_fewest_within_noise_skips_failed_candidates():
    # GridSearchCV's error_score=np.nan: a failed fit has NaN mean and std.
    refit = fewest_within_noise()
    assert refit(_cv_results([np.nan, 0.90, 0.92, 0.91], [np.nan, 0.03, 0.04, 0.03])) == 1
    assert refit(_cv_results([0.5, np.nan, 0.92, 0.91], [0.1, np.nan, 0.0, 0.03])) == 2
    # A NaN standard deviation of a candidate that is not the best one is harmless.
    assert refit(_cv_results([0.90, 0.92], [np.nan, 0.04])) == 0


@pytest.mark.parametrize("means, stds, message", [
    ([np.nan, np.nan], [np.nan, np.nan], "every candidate's mean_test_score is NaN"),
    ([0.9, 0.95], [0.01, np.nan], r"std_test_score of the best candidate \(1\) is nan"),
    ([0.9, 0.95], [0.01, np.inf], r"std_test_score of the best candidate \(1\) is inf"),
    ([0.9, np.inf], [0.01, 0.0], "the best mean_test_score is inf"),
    ([0.9, 0.95, 0.9], [0.01, 0.02], "have different lengths"),
])
def test_fewest_within_noise_explains_unusable_scores(means, stds, message):
    with pytest.raises(ValueError, match=message):
        fewest_within_noise()(_cv_results(means, stds))


# ------------------------------------------------------------ committee's text
@pytest.fixture(scope="module")
def committee():
    X, y = _task(n=80)
    names = ["a\n|--- class: 1", "b\tc", "d\x1b[2J"]
    member = PrunedMLPClassifier(hidden_layer_sizes=(2,), max_iter=60, retrain_iter=10,
                                 cv=None, noise_tolerance=1.0, tolerance=0.05)
    with warnings.catch_warnings():  # it may find fewer distinct networks than asked
        warnings.simplefilter("ignore", UserWarning)
        fitted = MinimalNetworkCommittee(estimator=member, n_networks=2,
                                         random_state=0).fit(pd.DataFrame(X, columns=names), y)
    return fitted, names


@pytest.mark.parametrize("decimals", [-1, 1.5, "2", True, 101, None])
def test_describe_refuses_bad_decimals(committee, decimals):
    with pytest.raises(ValueError, match="decimals must be an int from 0 to 100"):
        committee[0].describe(decimals=decimals)


def test_committee_text_quotes_control_characters(committee):
    fitted, names = committee
    for text in (fitted.describe(decimals=0), fitted.describe(), export_text(fitted)):
        assert all(line.isprintable() for line in text.split("\n")), text
        assert any(repr(name) in text for name in names)
        assert not any(name in text for name in names)
    assert fitted.describe(decimals=3).count("\n") == fitted.describe().count("\n")


def test_fewest_within_noise_names_what_it_takes():
    from sklearn_nnprune import fewest_within_noise
    with pytest.raises(TypeError, match="takes GridSearchCV's cv_results_"):
        fewest_within_noise()([1, 2])
