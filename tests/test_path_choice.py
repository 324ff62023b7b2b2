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

from _expected_checks import expected_failed_checks
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


# Small networks: the default-size ones cost a quarter of the suite's time, and
# the one_se choice does not depend on the size (tests/test_estimators.py checks
# one_se with groups and in a committee too).
@parametrize_with_checks([PrunedMLPClassifier(path_choice="one_se", hidden_layer_sizes=(4,),
                                              max_iter=80),
                          PrunedMLPRegressor(path_choice="one_se", hidden_layer_sizes=(4,),
                                             max_iter=80)],
                         expected_failed_checks=expected_failed_checks)
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
    rule = "the fewest inputs" if fitted.path_choice == "one_se" else "where the path stopped"
    assert all(note.startswith(f"chosen: {rule}") for note in notes)
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
    with pytest.raises(ValueError, match="5 features"):
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


# ----------------------------------------------------------------- exchanges
def test_exchange_masks_move_the_outgoing_synapses_to_the_incoming_column():
    from sklearn_nnprune._procedure.exchange import exchange_masks
    masks = [np.zeros((4, 3), bool), np.ones((3, 1), bool)]
    masks[0][0, [0, 2]] = True
    masks[0][1, 1] = True
    after = exchange_masks(masks, [0], [3])
    assert not after[0][0].any()
    assert after[0][3].tolist() == [True, False, True]
    assert after[0][1].tolist() == [False, True, False]
    assert masks[0][0, 0] and not masks[0][3].any()  # inputs untouched


def test_entry_gradients_match_finite_differences():
    from types import SimpleNamespace
    from sklearn_nnprune._network import forward, sample_losses
    from sklearn_nnprune._procedure.exchange import entry_gradients
    from sklearn_nnprune._procedure.state import Network, State
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4))
    Y = (rng.rand(40, 1) > 0.5).astype(float)
    masks = [np.ones((4, 3), bool), np.ones((3, 1), bool)]
    masks[0][[1, 3]] = False   # inputs 1 and 3 removed
    coefs = [rng.normal(size=(4, 3)) * masks[0], rng.normal(size=(3, 1))]
    intercepts = [rng.normal(size=3), rng.normal(size=1)]
    net = Network(coefs, intercepts, masks, [])
    settings = SimpleNamespace(activation="tanh", output_activation="logistic")
    search = SimpleNamespace(settings=settings, criterion=SimpleNamespace(
        folds=[Fold(X, Y, None, None, None)]))
    got = entry_gradients(search, State((net,)))

    def loss(W0):
        out = forward(X, [W0, coefs[1]], intercepts, "tanh", "logistic")[-1]
        return sample_losses(Y, out, "logistic").mean()

    h = 1e-6
    for i in range(4):
        expected = 0.0
        if not masks[0][i].any():
            for j in range(3):
                up, down = coefs[0].copy(), coefs[0].copy()
                up[i, j] += h
                down[i, j] -= h
                expected += abs((loss(up) - loss(down)) / (2 * h))
        assert got[i] == pytest.approx(expected, rel=1e-6, abs=1e-9)


def test_an_exchange_row_replays_to_the_fitted_support():
    from sklearn_nnprune._procedure.history import removal_steps
    names = ["a", "b", "c"]
    shapes = [(3, 2), (2, 1)]
    history = [
        {"step": 1, "kind": "inputs", "removed": ["c"], "accepted": True},
        {"step": 2, "kind": "inputs", "removed": ["b"], "accepted": False},
        {"step": 3, "kind": "exchange", "removed": ["b", "+c"], "n_removed": 1,
         "accepted": True},
    ]
    support = np.array([True, False, True])
    steps, kinds, _ = removal_steps(history, shapes, support, names)
    assert steps.tolist() == [0, 3, 0]
    assert kinds.tolist() == [None, "exchange", None]


def _search(X, y, **settings_kw):
    """A PathSearch on standardized ``X`` and a regression target ``y``."""
    from sklearn_nnprune._procedure import PruningSettings, Trainer, make_criterion
    from sklearn_nnprune._procedure.criterion import RegressionScore
    from sklearn_nnprune._procedure.search import PathSearch
    Y = ((y - y.mean()) / y.std()).reshape(-1, 1)
    rng = np.random.RandomState(0)
    criterion = make_criterion(X, Y, y, cv=3, validation_fraction=None, classifier=False,
                               rng=rng, score=RegressionScore(np.array([y.mean()]),
                                                              np.array([y.std()])),
                               tolerance=0.0, noise_tolerance=1.0, activation="tanh",
                               output_activation="identity")
    settings = PruningSettings(
        activation="tanh", output_activation="identity", kinds=("inputs",),
        max_inputs=None, max_neurons=None, max_synapses=None, max_fan_in=None,
        tolerance=0.0, prune_step=0.1, indicator="sum", reference="mean", max_iter=200,
        retrain_iter=20, input_reference=np.zeros(X.shape[1]), **settings_kw)
    trainer = Trainer("lbfgs", 1.0, "tanh", "identity", 3, 1e-6, "auto", 1e-3, 10)
    return PathSearch(settings, criterion, trainer, rng, lambda message: None)


def test_the_exchange_pass_puts_the_true_input_in_place_of_a_noise_input():
    from sklearn_nnprune._procedure.decision import fresh_state
    from sklearn_nnprune._procedure.exchange import exchange_pass
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 5))
    y = 2 * X[:, 0] + np.sin(2 * X[:, 1]) * 2 + 0.1 * rng.normal(size=300)
    search = _search(X, y)
    masks = [np.ones((5, 4), bool), np.ones((4, 1), bool)]
    masks[0][[1, 2, 4]] = False            # keeps x0 and the noise input x3
    state = fresh_state(search, masks, seed=1)
    incumbent = search.criterion.contributions(state)
    exchange = exchange_pass(search, state, incumbent, seed=1)
    assert exchange is not None
    assert exchange.out_columns == (3,) and exchange.in_columns == (1,)
    kept = exchange.state.masks[0].any(axis=1)
    assert kept.tolist() == [True, True, False, False, False]
    for net in exchange.state.nets:
        assert np.all(net.coefs[0][~net.masks[0]] == 0.0)
    # The state given is not changed.
    assert not state.masks[0][1].any() and state.masks[0][3].all()
    # With the true inputs kept, no exchange improves the criterion.
    masks[0][1], masks[0][3] = True, False
    state = fresh_state(search, masks, seed=1)
    assert exchange_pass(search, state, search.criterion.contributions(state), 1) is None


def test_retrain_at_with_input_groups_and_a_regressor():
    X, y = make_friedman1(n_samples=200, n_features=6, random_state=1)
    groups = [[0, 1], [2], [3], [4, 5]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = PrunedMLPRegressor(input_groups=groups, random_state=0, **FAST).fit(X, y)
        again = reg.retrain_at(X, y, step=reg.pruning_path_[-1]["step"])
    assert again.input_groups_[0].tolist() == [0, 1]
    for got, expected in zip(again.masks_, reg.pruning_path_[-1]["masks"]):
        assert np.array_equal(got, expected)
    assert again.predict(X).shape == y.shape


def test_retrain_at_refuses_other_columns_or_classes(data):
    import pandas as pd
    X, y = data
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = PrunedMLPClassifier(random_state=0, **FAST).fit(frame, y)
    with pytest.raises(ValueError, match="feature names"):
        clf.retrain_at(frame[frame.columns[::-1]], y)
    with pytest.raises(ValueError, match="classes"):
        clf.retrain_at(frame, np.where(y == 1, "yes", "no"))
    again = clf.retrain_at(frame, y)
    assert again.cv_ is None and again.noise_tolerance_ is None


def test_with_caps_only_the_last_choice_is_marked():
    X, y = make_friedman1(n_samples=150, n_features=6, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = PrunedMLPRegressor(hidden_layer_sizes=(4,), max_synapses=3, random_state=0,
                                 max_iter=100, retrain_iter=10).fit(X, y)
    assert sum(e["chosen"] for e in reg.pruning_path_) == 1
    assert sum(row["chosen"] for row in reg.pruning_history_) <= 1
    starts = [e["step"] for e in reg.pruning_path_ if e["start"]]
    assert len(starts) == 2  # a criterion path before and one after the forced steps
    # "best" is taken on the last criterion path, which meets the caps.
    best = reg.retrain_at(X, y, step="best")
    assert best.n_synapses_ <= 3
    report = reg.pruning_report()
    assert report["se"].dtype == float and report["fresh_score"].dtype == float


def test_an_exchange_replays_by_position_whatever_the_names():
    from sklearn_nnprune._procedure.history import removal_steps
    names = ["+a", "a", "c"]   # a column named like an incoming one
    history = [
        {"step": 1, "kind": "inputs", "removed": ["a"], "n_removed": 1, "accepted": True},
        {"step": 2, "kind": "exchange", "removed": ["+a", "+a"], "n_removed": 1,
         "accepted": True},
    ]
    support = np.array([False, True, True])
    steps, kinds, _ = removal_steps(history, [(3, 2), (2, 1)], support, names)
    assert steps.tolist() == [2, 0, 0]
    assert kinds.tolist() == ["exchange", None, None]
