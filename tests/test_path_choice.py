"""The pruning path as a record and the choice on it (issue 17, point 1): the
structures the path met (``pruning_path_``), the chosen row, the report's note,
retraining another point of the path, and ``path_choice="one_se"``."""

import json
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor
from sklearn_nnprune._network import count_structure
from sklearn_nnprune._procedure.criterion import Criterion, Fold
from sklearn_nnprune._procedure.decision import input_set, input_set_masks, one_se_choice

FAST = dict(hidden_layer_sizes=(6,), max_iter=150, retrain_iter=20)


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=300, n_features=8, n_informative=3,
                               n_redundant=0, shuffle=False, random_state=0)


@pytest.fixture(scope="module", params=["first_stop", "one_se"])
def fitted(request, data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return PrunedMLPClassifier(random_state=0, path_choice=request.param,
                                   **FAST).fit(X, y)


@parametrize_with_checks([PrunedMLPClassifier(path_choice="one_se"),
                          PrunedMLPRegressor(path_choice="one_se")])
def test_sklearn_compatible_with_the_one_se_choice(estimator, check):
    check(estimator)


def _criterion(sizes, tolerance=0.0, noise_tolerance=1.0):
    folds = [Fold(None, None, None, None, np.zeros(n)) for n in sizes]
    return Criterion(folds, None, tolerance, noise_tolerance, "tanh", "logistic")


def test_noise_is_the_paired_standard_error_of_the_summed_difference():
    rng = np.random.RandomState(0)
    diff = rng.normal(0.01, 0.05, 90)
    criterion = _criterion([30, 30, 30])
    assert criterion.noise(diff) == pytest.approx(np.sqrt(90) * diff.std(ddof=1))
    # The allowance scales with the margin.
    drop = diff.sum()
    se = criterion.noise(diff)
    reference, candidate = diff, np.zeros(90)
    assert criterion.holds(candidate, reference, margin=drop / se + 0.01)
    assert not criterion.holds(candidate, reference, margin=drop / se - 0.01)


def test_one_se_choice_takes_the_smallest_within_noise_of_the_best():
    rng = np.random.RandomState(1)
    best = rng.normal(0.0, 1.0, 100) / 100
    noise = rng.normal(0.0, 1e-4, 100)
    within = best - (noise - noise.mean()) - 1e-8   # a tiny drop, some noise
    beyond = best - 0.05 / 100               # a loss without noise
    criterion = _criterion([100])
    sizes = [(5, 4, 20), (4, 4, 18), (3, 2, 9)]
    choice = one_se_choice(criterion, [best, within, beyond], sizes)
    assert choice.best == 0
    assert choice.index == 1
    assert choice.ses[0] == 0.0
    # A candidate equal in size to the best loses the tie to the higher score.
    choice = one_se_choice(criterion, [best, best - 1e-9], [(3,), (3,)])
    assert choice.index == 0


def test_input_set_masks_keep_the_unpruned_architecture_on_the_kept_inputs():
    masks = [np.zeros((4, 3), bool), np.zeros((3, 1), bool)]
    masks[0][[0, 2], 1] = True
    masks[1][1, 0] = True
    full = input_set_masks(masks)
    assert input_set(masks) == (0, 2)
    assert full[0][[0, 2]].all() and not full[0][[1, 3]].any()
    assert full[1].all()
    assert not masks[0][0, 0]  # the input masks are not changed


def test_path_records_every_structure_and_marks_one_chosen(fitted):
    path = fitted.pruning_path_
    assert path and sum(entry["chosen"] for entry in path) == 1
    steps = [entry["step"] for entry in path]
    assert steps == sorted(steps) and steps[0] == 0
    for entry in path:
        assert (entry["n_inputs"], entry["n_neurons"], entry["n_synapses"]) == \
            count_structure(entry["masks"])
    history = fitted.pruning_history_
    chosen_rows = [row for row in history if row["chosen"]]
    chosen = [entry for entry in path if entry["chosen"]][0]
    if chosen["step"]:
        assert [row["step"] for row in chosen_rows] == [chosen["step"]]
    # Rows after the chosen one on the criterion path are not accepted.
    for row in history:
        if row["on_path"] and row["step"] > chosen["step"] and row["kind"] in (
                "inputs", "neurons", "synapses"):
            assert not row["accepted"]
    # The returned network is the chosen structure (no later simplification here).
    kept = fitted.masks_[0].any(axis=1)
    assert np.array_equal(chosen["masks"][0].any(axis=1), kept)


def test_history_rows_are_strict_json(fitted):
    text = json.dumps(fitted.pruning_history_, allow_nan=False, default=list)
    rows = json.loads(text)
    assert {"on_path", "chosen", "se", "fresh_score"} <= set(rows[0])


def test_report_says_which_row_was_chosen_and_why(fitted):
    report = fitted.pruning_report()
    for column in ("on_path", "chosen", "se", "fresh_score", "note"):
        assert column in report
    notes = report.loc[report["chosen"], "note"]
    assert all(note.startswith("chosen: the fewest inputs") for note in notes)
    best = max(fitted.pruning_path_, key=lambda e: e["score"])
    if best["step"] and not report.loc[report["step"] == best["step"], "chosen"].any():
        assert report.loc[report["step"] == best["step"], "note"].str.startswith(
            "best").all()


def test_retrain_at_trains_another_point_of_the_path(fitted, data):
    X, y = data
    best = max(fitted.pruning_path_, key=lambda e: e["score"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        at_best = fitted.retrain_at(X, y, step="best")
        at_start = fitted.retrain_at(X, y, step=0)
    assert at_best is not fitted and type(at_best) is type(fitted)
    for got, expected in zip(at_best.masks_, best["masks"]):
        assert np.array_equal(got, expected)
    for W, M in zip(at_best.coefs_, at_best.masks_):
        assert np.all(W[~M] == 0.0)
    assert at_start.n_synapses_ == sum(M.size for M in at_start.masks_)
    assert at_best.pruning_history_ == [] and at_best.pruning_path_ == []
    assert at_best.predict(X).shape == y.shape
    # The fitted estimator is left as it was.
    assert fitted.pruning_path_[0]["step"] == 0
    assert not hasattr(at_best, "_path_structure")


def test_retrain_at_bad_requests_are_clear_errors(fitted, data):
    X, y = data
    with pytest.raises(ValueError, match="not on the pruning path"):
        fitted.retrain_at(X, y, step=10 ** 6)
    with pytest.raises(ValueError, match="step must be"):
        fitted.retrain_at(X, y, step="smallest")
    with pytest.raises(ValueError, match="step must be"):
        fitted.retrain_at(X, y, step=True)
    with pytest.raises(ValueError, match="layer sizes"):
        fitted.retrain_at(X[:, :5], y)
    unpruned = PrunedMLPClassifier(prune=(), **FAST).fit(X, y)
    with pytest.raises(ValueError, match="no pruning path"):
        unpruned.retrain_at(X, y)


def test_first_stop_is_today_s_path_and_one_se_is_reproducible():
    X, y = make_friedman1(n_samples=300, n_features=7, random_state=0)
    kwargs = dict(random_state=0, **FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = PrunedMLPRegressor(**kwargs).fit(X, y)
        default = PrunedMLPRegressor(path_choice="first_stop", **kwargs).fit(X, y)
        one_se = PrunedMLPRegressor(path_choice="one_se", **kwargs).fit(X, y)
        again = PrunedMLPRegressor(path_choice="one_se", **kwargs).fit(X, y)
    assert first.pruning_history_ == default.pruning_history_
    # first_stop: the path ends where it stops; every row on it is accepted.
    assert all(row["accepted"] for row in first.pruning_history_ if row["on_path"])
    assert one_se.pruning_history_ == again.pruning_history_
    for a, b in zip(one_se.coefs_, again.coefs_):
        np.testing.assert_array_equal(a, b)
    # one_se weighs input sets with fresh networks: their scores are recorded.
    fresh = [row["fresh_score"] for row in one_se.pruning_history_
             if row["fresh_score"] is not None]
    assert fresh
