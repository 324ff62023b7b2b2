"""The large-data path (issue 18): when it is taken, what it computes, and that
below its threshold nothing changes.

The path's thresholds are lowered here (monkeypatch) so that it runs on a few
thousand rows; benchmarks/bench_scale.py measures it at 10^5 and 10^6 rows.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_friedman1

from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor
from sklearn_nnprune import _base
from sklearn_nnprune._procedure import large
from sklearn_nnprune._procedure.criterion import ClassificationScore
from sklearn_nnprune._procedure.pace import Estimate, Pace, row_work
from sklearn_nnprune._scaling import mean_and_scale, mean_and_scale_in_chunks
from sklearn_nnprune._solvers import fit_lbfgs


@pytest.fixture
def small_thresholds(monkeypatch):
    """The path from 2,000 rows, on 400 to 1,600 training rows."""
    monkeypatch.setattr(_base, "LARGE_DATA_ROWS", 2000)
    monkeypatch.setattr(large, "START_FIT_ROWS", 400)
    monkeypatch.setattr(large, "MAX_FIT_ROWS", 1600)
    monkeypatch.setattr(large, "MAX_HELD_OUT_ROWS", 1000)


def _classification(n=3000, dtype=np.float64):
    X, y = make_classification(n_samples=n, n_features=8, n_informative=3,
                               n_redundant=0, shuffle=False, class_sep=1.5,
                               random_state=0)
    return X.astype(dtype), y


def _params(**kw):
    return PrunedMLPClassifier(**kw).get_params(deep=False)


def test_threshold_and_explicit_cv():
    rows = _base.LARGE_DATA_ROWS
    assert not _base.large_data(_params(), rows - 1)
    assert _base.large_data(_params(), rows)
    # An explicit cv keeps its meaning on any number of rows.
    assert not _base.large_data(_params(cv=3), 10 * rows)
    assert _base.resolve_criterion(_params(cv=3), 10 * rows) == (3, 1.0)
    # Nothing to simplify: no criterion, no path.
    assert not _base.large_data(_params(tolerance=None), 10 * rows)
    # The path's criterion is out of sample: held-out, allowance of 1 SE, log-loss.
    assert _base.resolve_criterion(_params(), rows) == (None, 1.0)
    assert _base.resolve_scoring(_params(), True, rows) == "neg_log_loss"
    assert _base.resolve_scoring(_params(), True, rows - 1) == "neg_log_loss"


def test_below_threshold_path_is_named_standard():
    X, y = _classification(n=300)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=100,
                              random_state=0).fit(X, y)
    assert clf.data_path_.startswith("standard: 300 rows")
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=100, cv=2,
                              random_state=0).fit(X, y)
    assert clf.data_path_.startswith("standard: cv=2 given")


@pytest.mark.usefixtures("small_thresholds")
def test_large_path_keeps_the_informative_inputs_and_is_reproducible():
    X, y = _classification()
    X_before = X.copy()
    fits = [PrunedMLPClassifier(hidden_layer_sizes=(6,), random_state=0).fit(X, y)
            for _ in range(2)]
    clf = fits[0]
    np.testing.assert_array_equal(X, X_before)
    assert clf.data_path_.startswith("large data: cv='auto' on 3000 rows (>= 2000)")
    assert "held-out split of 600 rows" in clf.data_path_
    assert clf.cv_ is None and clf.noise_tolerance_ == 1.0
    assert clf.scoring_ == "neg_log_loss"
    assert np.flatnonzero(clf.support_).tolist() == [0, 1, 2]
    assert clf.score(X, y) > 0.85
    # Removed inputs have exactly zero weights and no importance.
    assert np.all(clf.coefs_[0][~clf.support_] == 0)
    assert np.all(clf.feature_importances_[~clf.support_] == 0)
    np.testing.assert_allclose(clf.feature_importances_.sum(), 1.0)
    # Same random_state, same result.
    for a, b in zip(fits[0].coefs_ + fits[0].intercepts_,
                    fits[1].coefs_ + fits[1].intercepts_):
        np.testing.assert_array_equal(a, b)
    assert fits[0].pruning_history_ == fits[1].pruning_history_


@pytest.mark.usefixtures("small_thresholds")
def test_large_path_regression_and_float32():
    X, y = make_friedman1(n_samples=3000, n_features=8, noise=0.5, random_state=0)
    reg = PrunedMLPRegressor(hidden_layer_sizes=(6,), random_state=0).fit(
        X.astype(np.float32), y)
    assert reg.data_path_.startswith("large data")
    assert set(np.flatnonzero(reg.support_)) >= {0, 1, 3, 4}
    assert reg.score(X, y) > 0.8
    reg64 = PrunedMLPRegressor(hidden_layer_sizes=(6,), random_state=0).fit(X, y)
    assert abs(reg.score(X, y) - reg64.score(X, y)) < 0.05


@pytest.mark.usefixtures("small_thresholds")
def test_large_path_rarest_class_needs_two_rows():
    X, y = _classification()
    y = y.copy()
    y[0] = 2
    with pytest.raises(ValueError, match="stratified held-out split"):
        PrunedMLPClassifier(hidden_layer_sizes=(4,)).fit(X, y)


@pytest.mark.usefixtures("small_thresholds")
def test_verbose_lines_estimate_the_time_left(capsys):
    X, y = _classification(n=2500)
    PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=100, random_state=0,
                        verbose=1).fit(X, y)
    lines = [line for line in capsys.readouterr().out.splitlines() if "step " in line]
    assert lines and all(line.endswith("left") for line in lines)


def test_float32_data_computes_in_float32():
    X, y = _classification(n=200, dtype=np.float32)
    mean, scale = mean_and_scale(X.astype(np.float64))
    data = large.RowData(X, mean, scale)
    criterion = large.SubsampledCriterion.split(
        data, np.eye(2)[y][:, 1:], y, None, True, np.random.RandomState(0),
        score=ClassificationScore("neg_log_loss"), tolerance=0.0, noise_tolerance=1.0,
        activation="tanh", output_activation="logistic")
    fold = criterion.folds[0]
    assert fold.X.dtype == fold.Y.dtype == fold.X_val.dtype == np.float32
    assert fold.X.shape[0] + fold.X_val.shape[0] == 200


def test_float32_training_matches_float64():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(500, 5))
    Y = (X[:, :1] + X[:, 1:2] > 0).astype(float)
    coefs = [rng.normal(size=(5, 4)) * 0.3, rng.normal(size=(4, 1)) * 0.3]
    intercepts = [np.zeros(4), np.zeros(1)]
    masks = [np.ones((5, 4), bool), np.ones((4, 1), bool)]
    masks[0][2] = False
    coefs[0][2] = 0.0
    kw = dict(alpha=1.0, hidden_activation="tanh", output_activation="logistic",
              max_iter=50)
    c64, _, i64 = fit_lbfgs(X, Y, coefs, intercepts, masks, **kw)
    c32, _, i32 = fit_lbfgs(X.astype(np.float32), Y, coefs, intercepts, masks, **kw)
    assert np.all(c32[0][2] == 0)
    assert abs(i32["loss"] - i64["loss"]) < 1e-4
    np.testing.assert_allclose(c32[1], c64[1], atol=2e-2)


def test_row_data_columns_in_chunks(monkeypatch):
    monkeypatch.setattr(large, "_CHUNK_ROWS", 7)
    rng = np.random.RandomState(1)
    X = rng.normal(size=(50, 6)) * [1, 10, 100, 1, 1, 1]
    mean, scale = mean_and_scale(X)
    data = large.RowData(X, mean, scale)
    cols = np.array([1, 4])
    np.testing.assert_allclose(data.columns(cols), ((X - mean) / scale)[:, cols])
    np.testing.assert_allclose(data.rows([3, 0]), ((X - mean) / scale)[[3, 0]])


def test_mean_and_scale_in_chunks():
    rng = np.random.RandomState(2)
    X = rng.normal(size=(40, 19)) * 1e3
    X[:, 5] = 7.0
    X[:, 6] *= 1e200  # divided by its magnitude first, as mean_and_scale does
    for got, want in zip(mean_and_scale_in_chunks(X, rows=7), mean_and_scale(X)):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    X32 = X[:, :5].astype(np.float32)
    for got, want in zip(mean_and_scale_in_chunks(X32, rows=9),
                         mean_and_scale(X32.astype(np.float64))):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_restrict_and_expand_inputs_round_trip():
    from sklearn_nnprune._procedure.state import Network
    rng = np.random.RandomState(3)
    masks = [rng.rand(5, 3) > 0.3, np.ones((3, 1), bool)]
    masks[0][[1, 3]] = False
    coefs = [rng.normal(size=(5, 3)) * masks[0], rng.normal(size=(3, 1))]
    net = Network(coefs, [np.zeros(3), np.zeros(1)], masks, [(coefs, [np.zeros(3)])])
    cols = np.array([0, 2, 4])
    small = large.restrict_inputs(net, cols)
    assert small.coefs[0].shape == (3, 3) and small.snapshots[0][0][0].shape == (3, 3)
    back = large.expand_inputs(small, cols, 5)
    for a, b in zip(back.coefs + back.masks, net.coefs + net.masks):
        np.testing.assert_array_equal(a, b)


def test_growth_when_in_doubt_is_bounded(monkeypatch):
    monkeypatch.setattr(large, "START_FIT_ROWS", 40)
    monkeypatch.setattr(large, "MAX_FIT_ROWS", 100)
    X, y = _classification(n=200)
    data = large.RowData(X, *mean_and_scale(X))
    criterion = large.SubsampledCriterion.split(
        data, y[:, None].astype(float), y, None, True, np.random.RandomState(0),
        score=ClassificationScore("neg_log_loss"), tolerance=0.0, noise_tolerance=1.0,
        activation="tanh", output_activation="logistic")
    sizes = [criterion.n_fit]
    while criterion is not None:
        criterion = criterion.grown()
        sizes += [criterion.n_fit] if criterion is not None else []
    assert sizes == [40, 80, 100]
    # In doubt: the summed drop is within one SE of the threshold (tolerance + SE).
    criterion = large.SubsampledCriterion.split(
        data, y[:, None].astype(float), y, None, True, np.random.RandomState(0),
        score=ClassificationScore("neg_log_loss"), tolerance=0.0, noise_tolerance=1.0,
        activation="tanh", output_activation="logistic")
    reference = np.zeros(40)
    diff = np.r_[np.ones(20), -np.ones(20)] * 0.01
    se = np.sqrt(40) * diff.std(ddof=1)
    assert criterion.in_doubt(reference - (diff + se / 40), reference)
    assert not criterion.in_doubt(reference - (diff + 3 * se / 40), reference)
    assert not criterion.in_doubt(reference - (diff - 1.5 * se / 40), reference)


def test_pace_estimate():
    pace = Pace(ending_tries=9, final_seconds=10.0, full_work=row_work(800, 16))
    estimate = pace.step(True, row_work(100, 10))
    # The final training's share: the work per row of what is left.
    assert estimate.seconds >= 10.0 * row_work(100, 10) / row_work(800, 16)
    assert str(Estimate(75)) == "about 1m15s left"
    assert str(Estimate(4.4)) == "about 4s left"


@pytest.mark.usefixtures("small_thresholds")
@pytest.mark.parametrize("params", [
    dict(weight_levels="ternary", binarize_neurons=True),
    dict(path_choice="one_se"),
    dict(max_inputs=2, tolerance=None),
    dict(validation_fraction=0.3),
])
def test_large_path_with_other_parameters(params):
    X, y = _classification(n=2400)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=150, random_state=0,
                              **params).fit(X, y)
    assert clf.data_path_.startswith("large data")
    assert clf.score(X, y) > 0.7
    # predict agrees with the fitted structure: removed inputs change nothing.
    X_noise = X.copy()
    X_noise[:, ~clf.support_] = 123.0
    np.testing.assert_array_equal(clf.predict(X_noise), clf.predict(X))
    if "max_inputs" in params:
        assert clf.n_inputs_ == 2
    if "validation_fraction" in params:
        assert "held-out split of 720 rows" in clf.data_path_


@pytest.mark.usefixtures("small_thresholds")
def test_retrain_at_after_the_large_path():
    X, y = _classification(n=2400)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=150,
                              random_state=0).fit(X, y)
    again = clf.retrain_at(X, y, step="chosen")
    assert again.data_path_.startswith("standard: a structure of the pruning path")
    np.testing.assert_array_equal(again.support_, clf.support_)


@pytest.mark.parametrize("how", ["sum", "max"])
def test_chunked_attributes_equal_the_whole(monkeypatch, how):
    from sklearn_nnprune._procedure.ranking import hidden_means, indicators
    from sklearn_nnprune._procedure.settings import PruningSettings
    from sklearn_nnprune._procedure.state import Network
    monkeypatch.setattr(large, "_CHUNK_ROWS", 13)
    rng = np.random.RandomState(4)
    X, Y = rng.normal(size=(60, 3)), rng.rand(60, 1)
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    intercepts = [rng.normal(size=4), rng.normal(size=1)]
    net = Network(coefs, intercepts, [np.ones((3, 4), bool), np.ones((4, 1), bool)],
                  [(coefs, intercepts)])
    settings = PruningSettings(
        activation="tanh", output_activation="logistic", kinds=("inputs",),
        max_inputs=None, max_neurons=None, max_synapses=None, max_fan_in=None,
        tolerance=0.0, prune_step=0.1, indicator=how, reference="mean", max_iter=1,
        retrain_iter=1, input_reference=np.zeros(3))
    np.testing.assert_allclose(large.chunked_input_indicators(net, X, Y, settings),
                               indicators("inputs", net, X, Y, settings), rtol=1e-12)
    for got, want in zip(large.chunked_hidden_means(net, X, "tanh", "logistic"),
                         hidden_means(net, X, "tanh", "logistic", None)):
        np.testing.assert_allclose(got, want, rtol=1e-12)
