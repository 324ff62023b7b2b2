"""sample_weight and class_weight of the two networks: in the training loss, the
criterion and its standard error, the indicators and the standardization."""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification, make_friedman1
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor
from sklearn_nnprune._network import loss_and_gradients
from sklearn_nnprune._procedure.criterion import (ClassificationScore, RegressionScore,
                                                   paired_se)
from sklearn_nnprune._sensitivity import sensitivities
from sklearn_nnprune._solvers import _Evaluator

FAST = dict(hidden_layer_sizes=(5,), max_iter=200, retrain_iter=20, random_state=0)
# The training-set criterion: no rows drawn, so weights and repeats meet exactly.
TRAINING_SET = dict(FAST, cv=None, validation_fraction=None)


@pytest.fixture(scope="module")
def clf_data():
    X, y = make_classification(n_samples=80, n_features=6, n_informative=3,
                               n_redundant=0, random_state=1)
    w = np.random.RandomState(0).randint(0, 4, size=80)
    return X, y, w


def _outputs(est, X):
    return est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)


@pytest.mark.parametrize("Est", [PrunedMLPClassifier, PrunedMLPRegressor])
@pytest.mark.parametrize("noise_tolerance", ["auto", 1.0])
def test_integer_weights_equal_repeated_rows(clf_data, Est, noise_tolerance):
    X, y, w = clf_data
    if Est is PrunedMLPRegressor:
        X, y = make_friedman1(n_samples=80, n_features=6, random_state=1)
    params = dict(TRAINING_SET, noise_tolerance=noise_tolerance, tol=1e-9)
    repeated = Est(**params).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    weighted = Est(**params).fit(X, y, sample_weight=w)
    for a, b in zip(repeated.masks_, weighted.masks_):
        np.testing.assert_array_equal(a, b)
    # Up to the solver's tolerance: the same loss, summed in another order.
    np.testing.assert_allclose(_outputs(weighted, X), _outputs(repeated, X),
                               atol=1e-3 * np.std(y) if Est is PrunedMLPRegressor else 1e-4)
    np.testing.assert_allclose(weighted.feature_importances_,
                               repeated.feature_importances_, atol=1e-4)


def test_zero_weights_equal_dropped_rows(clf_data):
    X, y, w = clf_data
    keep = w > 0
    dropped = PrunedMLPClassifier(**TRAINING_SET).fit(X[keep], y[keep])
    weighted = PrunedMLPClassifier(**TRAINING_SET).fit(X, y, sample_weight=keep * 1.0)
    # The same structure; which of two interchangeable neurons stays may differ
    # in the last bits, the function does not.
    counts = ("n_inputs_", "n_neurons_", "n_synapses_")
    assert [getattr(dropped, c) for c in counts] == [getattr(weighted, c) for c in counts]
    np.testing.assert_array_equal(dropped.support_, weighted.support_)
    np.testing.assert_allclose(weighted.predict_proba(X), dropped.predict_proba(X),
                               atol=1e-8)


def test_unit_weights_are_no_weights(clf_data):
    X, y, _ = clf_data
    plain = PrunedMLPClassifier(**FAST).fit(X, y)
    ones = PrunedMLPClassifier(**FAST).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_array_equal(plain.predict_proba(X), ones.predict_proba(X))
    assert plain.pruning_history_ == ones.pruning_history_ or len(
        plain.pruning_history_) == len(ones.pruning_history_)


def _two_regimes(n=400, seed=0):
    """Rows of group 0 follow input 0, rows of group 1 input 1; inputs 2-3 are
    noise."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    group = np.arange(n) % 2
    y = np.where(group == 0, X[:, 0] > 0, X[:, 1] > 0).astype(int)
    return X, y, group


@pytest.mark.parametrize("favoured", [0, 1])
def test_weights_steer_the_pruning(favoured):
    # Almost all the weight on one group: the criterion sees only its rule, and
    # the input of the other group's rule goes (it is still kept unweighted).
    X, y, group = _two_regimes()
    w = np.where(group == favoured, 1.0, 1e-3)
    params = dict(FAST, hidden_layer_sizes=(4,))
    plain = PrunedMLPClassifier(**params).fit(X, y)
    assert plain.support_[:2].all()
    weighted = PrunedMLPClassifier(**params).fit(X, y, sample_weight=w)
    assert weighted.support_[favoured] and not weighted.support_[1 - favoured]


def _rare_class(n=1000, seed=0):
    """Classes 0 and 1 (47.5% each) told apart by input 1; a 5% class 2 told
    apart by input 0 only; input 2 is noise."""
    rng = np.random.RandomState(seed)
    y = np.where(rng.rand(n) < 0.05, 2, rng.randint(2, size=n))
    X = rng.normal(size=(n, 3))
    X[:, 0] += 3.0 * (y == 2)
    X[:, 1] += np.where(y == 2, 0.0, 4.0 * y - 2.0)
    return X, y


def test_balanced_class_weight_keeps_the_minority_input():
    # Training-set accuracy with a tolerance of 6 points: losing the whole 5%
    # class is within it unweighted, so input 0 goes; balanced, that class
    # weighs a third of the score and input 0 stays.
    X, y = _rare_class()
    params = dict(TRAINING_SET, hidden_layer_sizes=(4,), tolerance=0.06)
    plain = PrunedMLPClassifier(**params).fit(X, y)
    balanced = PrunedMLPClassifier(class_weight="balanced", **params).fit(X, y)
    assert plain.support_.tolist() == [False, True, False]
    assert balanced.support_.tolist() == [True, True, False]
    recall = (balanced.predict(X)[y == 2] == 2).mean()
    assert recall > 0.7 > (plain.predict(X)[y == 2] == 2).mean()


def test_class_weight_dict_equals_sample_weight():
    X, y = _rare_class(n=300)
    by_class = PrunedMLPClassifier(class_weight={2: 5.0}, **TRAINING_SET).fit(X, y)
    by_row = PrunedMLPClassifier(**TRAINING_SET).fit(X, y, sample_weight=np.where(
        y == 2, 5.0, 1.0))
    np.testing.assert_array_equal(by_class.predict_proba(X), by_row.predict_proba(X))


def test_weighted_loss_gradients_match_finite_differences():
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(12, 3)), np.eye(3)[rng.randint(3, size=12)]
    w = rng.rand(12) * 3
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 3))]
    intercepts = [rng.normal(size=4), rng.normal(size=3)]
    masks = [np.ones(c.shape, dtype=bool) for c in coefs]
    _, grads, _ = loss_and_gradients(X, Y, coefs, intercepts, masks, 0.3, "tanh",
                                     "softmax", sample_weight=w)
    eps = 1e-6
    for layer, (i, j) in [(0, (1, 2)), (1, (3, 0))]:
        plus = [c.copy() for c in coefs]
        minus = [c.copy() for c in coefs]
        plus[layer][i, j] += eps
        minus[layer][i, j] -= eps
        numeric = (loss_and_gradients(X, Y, plus, intercepts, masks, 0.3, "tanh",
                                      "softmax", sample_weight=w)[0]
                   - loss_and_gradients(X, Y, minus, intercepts, masks, 0.3, "tanh",
                                        "softmax", sample_weight=w)[0]) / (2 * eps)
        assert abs(numeric - grads[layer][i, j]) < 1e-7
    evaluate = _Evaluator(masks, 12, "tanh", "softmax", alpha=0.3)
    evaluate(X, Y, coefs, intercepts, sample_weight=w)
    for g, r in zip(evaluate.coef_grads, grads):
        np.testing.assert_allclose(g, r, rtol=1e-12)


def test_weighted_indicators_equal_repeated_rows():
    rng = np.random.RandomState(1)
    X, Y = rng.normal(size=(10, 3)), rng.normal(size=(10, 1))
    w = rng.randint(0, 3, size=10)
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    intercepts = [rng.normal(size=4), rng.normal(size=1)]
    for how in ("sum", "max"):
        a = sensitivities(X, Y, coefs, intercepts, "tanh", "identity", how=how,
                          sample_weight=w.astype(float))
        b = sensitivities(np.repeat(X, w, axis=0), np.repeat(Y, w, axis=0), coefs,
                          intercepts, "tanh", "identity", how=how)
        np.testing.assert_allclose(a["inputs"], b["inputs"], rtol=1e-12)
        for x, z in zip(a["synapses"] + a["neurons"], b["synapses"] + b["neurons"]):
            np.testing.assert_allclose(x, z, rtol=1e-12)


def test_weighted_scores_and_standard_error_equal_repeated_rows():
    rng = np.random.RandomState(2)
    w = rng.randint(0, 4, size=30).astype(float)
    rep = np.repeat(np.arange(30), w.astype(int))
    labels, out = rng.randint(2, size=30), rng.rand(30, 1)
    for scoring in ("accuracy", "neg_log_loss"):
        score = ClassificationScore(scoring)
        weighted = score(labels, out, w)
        repeated = score(labels[rep], out[rep])
        assert np.isclose(weighted.sum(), repeated.sum())
        other = score(labels, 1 - out, w) - weighted
        assert np.isclose(paired_se(other, w),
                          paired_se(score(labels[rep], 1 - out[rep]) - repeated))
    y, out = rng.normal(size=(30, 1)), rng.normal(size=(30, 1))
    r2 = RegressionScore(np.zeros(1), np.ones(1))
    assert np.isclose(r2(y, out, w).sum(), r2(y[rep], out[rep]).sum())
    # Normalized weights count each sample once, not as a fraction of one.
    assert paired_se(other, w / w.sum()) > 0


@pytest.mark.parametrize("weights, message", [
    (-np.ones(80), "Negative values"),
    (np.zeros(80), "non-zero|zero for every sample"),
    (np.ones(79), "sample_weight.shape"),
    (np.full(80, np.nan), "NaN"),
])
def test_bad_sample_weight(clf_data, weights, message):
    X, y, _ = clf_data
    with pytest.raises(ValueError, match=message):
        PrunedMLPClassifier(**FAST).fit(X, y, sample_weight=weights)


def test_a_class_without_weight_is_an_error(clf_data):
    X, y, _ = clf_data
    with pytest.raises(ValueError, match=r"zero for every sample of the classes \[1\]"):
        PrunedMLPClassifier(**FAST).fit(X, y, sample_weight=(y == 0) * 1.0)


@pytest.mark.parametrize("class_weight, message", [
    ({5: 2.0}, "not classes of y"),
    ({1: -1.0}, "non-negative"),
    ("even", "class_weight"),
])
def test_bad_class_weight(clf_data, class_weight, message):
    X, y, _ = clf_data
    with pytest.raises(ValueError, match=message):
        PrunedMLPClassifier(class_weight=class_weight, **FAST).fit(X, y)


def test_sample_weight_is_not_modified(clf_data):
    X, y, w = clf_data
    w = w.astype(float)
    before = w.copy()
    PrunedMLPClassifier(class_weight="balanced", **FAST).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(w, before)


def test_weights_with_folds_and_held_out_split(clf_data):
    # Folds and splits are drawn by rows: the fits run and use the weights.
    X, y, w = clf_data
    for params in (dict(cv=3), dict(cv=None, validation_fraction=0.3)):
        est = PrunedMLPClassifier(**dict(FAST, **params)).fit(X, y, sample_weight=w)
        assert est.predict(X).shape == y.shape


def test_cv_accepts_a_splitter_and_splits(clf_data):
    from sklearn.model_selection import GroupKFold
    X, y, _ = clf_data
    groups = np.arange(len(y)) % 4
    splits = list(GroupKFold(n_splits=4).split(X, y, groups))
    est = PrunedMLPClassifier(cv=splits, **FAST).fit(X, y)
    assert "4 given splits" in est.data_path_
    PrunedMLPClassifier(cv=GroupKFold(n_splits=2), **FAST)  # a splitter is a valid cv
    with pytest.raises(ValueError, match="one-pass iterator"):
        PrunedMLPClassifier(cv=(s for s in splits), **FAST).fit(X, y)
    with pytest.raises(ValueError, match="could not be read .*out of bounds"):
        PrunedMLPClassifier(cv=[(np.arange(10), np.arange(200, 210))], **FAST).fit(X, y)


def test_sample_weight_routed_through_pipeline_and_grid_search(clf_data):
    X, y, w = clf_data
    direct = PrunedMLPClassifier(**FAST).fit(StandardScaler().fit_transform(X), y,
                                             sample_weight=w)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False),
                             PrunedMLPClassifier(**FAST).set_fit_request(sample_weight=True))
        pipe.fit(X, y, sample_weight=w)
        np.testing.assert_array_equal(pipe[-1].predict_proba(pipe[0].transform(X)),
                                      direct.predict_proba(StandardScaler().fit_transform(X)))
        search = GridSearchCV(pipe, {"prunedmlpclassifier__tolerance": [0.0, 0.05]}, cv=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search.fit(X, y, sample_weight=w)
        assert search.best_estimator_[-1].n_features_in_ == X.shape[1]


def test_weights_on_the_large_data_path(monkeypatch):
    from sklearn_nnprune import _base
    from sklearn_nnprune._procedure import large
    monkeypatch.setattr(_base, "LARGE_DATA_ROWS", 2000)
    monkeypatch.setattr(large, "START_FIT_ROWS", 400)
    monkeypatch.setattr(large, "MAX_FIT_ROWS", 800)
    X, y, group = _two_regimes(n=3000)
    w = np.where(group == 0, 1.0, 1e-3)
    est = PrunedMLPClassifier(**dict(FAST, hidden_layer_sizes=(4,))).fit(
        X, y, sample_weight=w)
    assert est.data_path_.startswith("large data")
    assert est.support_[0] and not est.support_[1]
    # Zero weights: those rows count for nothing, not even for the size rules.
    w0 = np.where(np.arange(3000) < 1900, 1.0, 0.0)
    assert PrunedMLPClassifier(**FAST).fit(X, y, sample_weight=w0).data_path_.startswith(
        "standard")


def test_sensitivity_indicators_and_retrain_at_take_weights(clf_data):
    from sklearn_nnprune import sensitivity_indicators
    X, y, w = clf_data
    est = PrunedMLPClassifier(**TRAINING_SET).fit(X, y, sample_weight=w)
    weighted = sensitivity_indicators(est, X, y, sample_weight=w)
    repeated = sensitivity_indicators(est, np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(weighted, repeated, rtol=1e-10)
    again = est.retrain_at(X, y, step="chosen", sample_weight=w)
    np.testing.assert_array_equal(again.support_, est.support_)
    with pytest.raises(ValueError, match="Negative"):
        sensitivity_indicators(est, X, y, sample_weight=-np.ones(len(y)))


def test_cv_splitters_that_need_y_or_groups(clf_data):
    from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold
    X, y, _ = clf_data
    est = PrunedMLPClassifier(cv=StratifiedKFold(3, shuffle=True, random_state=0),
                              **FAST).fit(X, y)
    assert "StratifiedKFold()" in est.data_path_
    with pytest.raises(ValueError, match=r"cv=list\(GroupKFold"):
        PrunedMLPClassifier(cv=GroupKFold(3), **FAST).fit(X, y)
    order = np.argsort(y, kind="stable")
    with pytest.raises(ValueError, match="training rows of split 0 hold no sample"):
        PrunedMLPClassifier(cv=KFold(2), **FAST).fit(X[order], y[order])
    with pytest.raises(ValueError, match="could not be read"):
        PrunedMLPClassifier(cv=[(np.arange(40) + 0.5, np.arange(40, 80))], **FAST).fit(X, y)


def test_a_fold_without_weight_is_a_clear_error(clf_data):
    X, y, _ = clf_data
    w = np.zeros(len(y))
    # Two rows of weight in 3 folds: some fold is scored on rows of weight 0.
    w[np.flatnonzero(y == 0)[0]] = w[np.flatnonzero(y == 1)[0]] = 1.0
    with pytest.raises(ValueError, match="fold .*rows all have sample weight 0"):
        PrunedMLPClassifier(**dict(FAST, cv=3)).fit(X, y, sample_weight=w)


def test_weights_beyond_the_float_range_are_a_clear_error(clf_data):
    X, y, _ = clf_data
    with pytest.raises(ValueError, match="sum to inf"):
        PrunedMLPClassifier(**FAST).fit(X, y, sample_weight=np.full(len(y), 1e307))
    with pytest.raises(ValueError, match="float32 arithmetic"):
        PrunedMLPClassifier(**FAST).fit(X.astype(np.float32), y,
                                        sample_weight=np.full(len(y), 1e37))
    with pytest.raises(ValueError, match="not classes of y"):
        PrunedMLPClassifier(class_weight={(0, 1): 5.0}, **FAST).fit(X, y)


def test_normalized_weights_keep_the_exact_simplifications(clf_data):
    from sklearn_nnprune import InputBinarizer
    from sklearn_nnprune._dependence import DEPENDENT_RTOL, independent_columns
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(200, 3))
    Z = np.column_stack([Z, Z[:, 0] + Z[:, 1]])
    share = np.full(200, 1 / 200)
    assert independent_columns(Z, DEPENDENT_RTOL, sample_weight=share)[1].tolist() == [3]
    X, y, _ = clf_data
    np.testing.assert_array_equal(
        InputBinarizer().fit(X, y, sample_weight=np.full(len(y), 0.01)).thresholds_,
        InputBinarizer().fit(X, y).thresholds_)


def test_the_selector_judges_dependence_on_weighted_rows():
    from sklearn_nnprune import NetworkInputSelector
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 4))
    X[:150, 3] = X[:150, 0]  # a copy of input 0 on the rows that weigh
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    w = np.where(np.arange(200) < 150, 1.0, 0.0)
    net = PrunedMLPClassifier(hidden_layer_sizes=(3,), prune=(), random_state=0)
    weighted = NetworkInputSelector(net).fit(X, y, sample_weight=w)
    dropped = NetworkInputSelector(net).fit(X[:150], y[:150])
    assert weighted.dependent_inputs_.tolist() == dropped.dependent_inputs_.tolist() == [3]


def test_folding_a_negligible_neuron_weighs_the_rows_as_repeated():
    from sklearn_nnprune._procedure.state import Network, fold_negligible_neurons
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 3))
    w = rng.randint(1, 4, size=30)
    coefs = [rng.normal(size=(3, 3)), rng.normal(size=(3, 1))]
    coefs[1][2, 0] = 1e-9  # neuron 2 barely reaches the output
    intercepts = [rng.normal(size=3), rng.normal(size=1)]
    masks = [np.ones((3, 3), dtype=bool), np.ones((3, 1), dtype=bool)]
    net = Network(coefs, intercepts, masks, [(coefs, intercepts)])
    weighted, keys = fold_negligible_neurons(net, X, "tanh", "identity",
                                             sample_weight=w.astype(float))
    repeated, keys_repeated = fold_negligible_neurons(net, np.repeat(X, w, axis=0),
                                                      "tanh", "identity")
    assert keys == keys_repeated == [(1, 2)]
    np.testing.assert_allclose(weighted.intercepts[1], repeated.intercepts[1], rtol=1e-14)
