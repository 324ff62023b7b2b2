import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import make_classification, make_friedman1
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.feature_selection import RFECV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import has_fit_parameter

from sklearn_nnprune import (NetworkInputSelector, PrunedMLPClassifier, PrunedMLPRegressor,
                             input_report)


def small_clf(**kw):
    return PrunedMLPClassifier(hidden_layer_sizes=(6,), max_iter=200, retrain_iter=30,
                               prune=("inputs",), **kw)


def small_reg(**kw):
    return PrunedMLPRegressor(hidden_layer_sizes=(6,), max_iter=200, retrain_iter=30,
                              prune=("inputs",), **kw)


def xor_data(n_samples, seed):
    """y = x0 XOR x1 (signs), 8 pure-noise inputs."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 10))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)
    return X, y


def train_split(X, y, seed):
    """The 750-row standardized train split of the issue's benchmark."""
    X_train, _, y_train, _ = train_test_split(X, y, train_size=750, random_state=seed)
    return StandardScaler().fit_transform(X_train), y_train


@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(n_samples=200, n_features=7, random_state=0)
    return X, y


# The default estimator (16 hidden neurons, inputs + neurons + synapses pruning) is
# checked as is: it is what users get; the checks take about 30 s.
def _sample_weight_checks_without_weighted_networks(estimator):
    """The checks that pass sample_weight, expected to fail while the networks'
    fit takes none (the selector then names that in a TypeError)."""
    from sklearn.utils.validation import has_fit_parameter
    if has_fit_parameter(PrunedMLPClassifier, "sample_weight"):
        return {}
    reason = "the networks (PrunedMLPClassifier/Regressor) take no sample_weight yet"
    return {name: reason for name in (
        "check_sample_weights_pandas_series", "check_sample_weights_not_an_array",
        "check_sample_weights_list", "check_sample_weights_shape",
        "check_sample_weights_not_overwritten", "check_all_zero_sample_weights_error",
        "check_sample_weight_equivalence_on_dense_data")}


@parametrize_with_checks([NetworkInputSelector()],
                         expected_failed_checks=_sample_weight_checks_without_weighted_networks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_xor_keeps_exactly_the_interacting_inputs():
    X, y = xor_data(750, 0)
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(10)])
    selector = NetworkInputSelector(random_state=0).fit(X, y)
    assert selector.get_feature_names_out().tolist() == ["x0", "x1"]
    # A linear model sees no marginal effect of either input: RFECV cannot find them.
    rfecv = RFECV(LogisticRegression(), cv=3).fit(X, y)
    assert set(np.flatnonzero(rfecv.support_)) != {0, 1}


@pytest.mark.parametrize("seed", [0, 1])
def test_friedman1_informative_inputs_recovered(seed):
    X, y = make_friedman1(n_samples=1000, n_features=10, random_state=seed)
    X_train, y_train = train_split(X, y, seed)
    selector = NetworkInputSelector(random_state=seed).fit(X_train, y_train)
    assert selector.get_support(indices=True).tolist() == [0, 1, 2, 3, 4]
    assert isinstance(selector.estimator_, PrunedMLPRegressor)
    # The default network prunes inputs only: its hidden layer stays whole.
    assert selector.estimator_.prune == ("inputs",)
    assert selector.estimator_.prune_step == 0.25
    assert selector.estimator_.n_neurons_ == 16


# make_classification's two redundant inputs (5, 6) are exact linear combinations of
# the five informative ones (0-4). The network keeps 0-6 on seed 1 (the collinear
# copies lower the effective L2 penalty, RESULTS_selection.md); drop_dependent then
# keeps the most independent basis of their span, which is 0-4.
@pytest.mark.parametrize("seed", [0, 1])
def test_make_classification_informative_inputs_recovered(seed):
    X, y = make_classification(n_samples=1000, n_features=20, n_informative=5,
                               shuffle=False, random_state=seed)
    X_train, y_train = train_split(X, y, seed)
    selector = NetworkInputSelector(random_state=seed).fit(X_train, y_train)
    assert isinstance(selector.estimator_, PrunedMLPClassifier)
    assert selector.get_support(indices=True).tolist() == [0, 1, 2, 3, 4]
    network_kept = np.flatnonzero(selector.estimator_.support_)
    assert sorted(set(network_kept) - set(range(5))) == selector.dependent_inputs_.tolist()


def test_dependent_inputs_dropped_after_pruning():
    X, y = xor_data(400, 0)
    # x10 = 2 x0 - x1 + 3 and x11 = x1 duplicate information the network uses.
    X = np.c_[X, 2 * X[:, 0] - X[:, 1] + 3, X[:, 1]]
    names = [f"x{i}" for i in range(12)]
    frame = pd.DataFrame(X, columns=names)
    # A pruning network drops exact combinations itself (see test_estimators); an
    # unpruned one keeps them all.
    network = PrunedMLPClassifier(hidden_layer_sizes=(6,), max_iter=200, prune=(),
                                  random_state=0)
    kept = NetworkInputSelector(network, drop_dependent=False).fit(frame, y)
    selector = NetworkInputSelector(network).fit(frame, y)
    by_network = set(np.flatnonzero(kept.support_))
    assert by_network == set(np.flatnonzero(selector.estimator_.support_))
    assert kept.dependent_inputs_.size == 0
    selected = set(np.flatnonzero(selector.support_))
    dropped = set(selector.dependent_inputs_.tolist())
    assert selected | dropped == by_network and not selected & dropped
    # Four inputs of a span of rank at most 3 among {0, 1, 10, 11}: one at least goes.
    rank = np.linalg.matrix_rank(np.c_[X[:, sorted(by_network)], np.ones(len(X))])
    assert len(selected) == rank - 1 and dropped
    # The most independent basis of x0, x1, 2 x0 - x1 + 3 and x1 is x0, x1.
    if by_network == {0, 1, 10, 11}:
        assert selected == {0, 1}
    assert np.linalg.matrix_rank(np.c_[X[:, sorted(selected)], np.ones(len(X))]) == rank
    # Ranked just after the selection, in removal order for the others.
    assert set(selector.ranking_[sorted(dropped)]) == set(range(2, len(dropped) + 2))
    others = ~(selector.support_ | np.isin(np.arange(12), sorted(dropped)))
    assert np.array_equal(selector.ranking_[others], kept.ranking_[others] + len(dropped))
    assert selector.transform(frame).shape == (400, len(selected))
    report = input_report(selector, frame, y)
    assert set(report.loc[report["removed_by"] == "dependence", "feature"]) == {
        names[i] for i in dropped}


class _KeepsAllInputs(BaseEstimator):
    """A stand-in network that accepts missing values and keeps every input."""

    def __init__(self, max_inputs=None, tolerance=None):
        self.max_inputs = max_inputs
        self.tolerance = tolerance

    def fit(self, X, y):
        n_features = np.asarray(X).shape[1]
        self.support_ = np.ones(n_features, dtype=bool)
        self.feature_importances_ = np.full(n_features, 1.0 / n_features)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def test_missing_values_pass_to_a_network_that_accepts_them():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 3))
    X = np.c_[X, X[:, 0] - X[:, 2]]
    X[3, 1] = X[7, 3] = np.nan
    selector = NetworkInputSelector(_KeepsAllInputs()).fit(X, np.arange(100) % 2)
    # The relation is found on the complete rows.
    assert selector.get_support(indices=True).tolist() == [0, 1, 2]
    assert selector.dependent_inputs_.tolist() == [3]
    assert np.isnan(selector.transform(X)[3, 1])
    X_before = X.copy()
    NetworkInputSelector(_KeepsAllInputs(), drop_dependent=False).fit(X, np.arange(100) % 2)
    assert np.array_equal(X, X_before, equal_nan=True)


def test_committee_cap_is_not_spent_on_copies():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 3))
    X = np.c_[X, X[:, 0]]
    selector = NetworkInputSelector(_KeepsAllInputs(), n_networks=3, max_inputs=2,
                                    random_state=0).fit(X, np.arange(100) % 2)
    assert selector.votes_.tolist() == [3, 3, 3, 3]
    assert selector.get_support(indices=True).tolist() == [0, 1]
    assert selector.dependent_inputs_.tolist() == [3]
    assert selector.ranking_.tolist() == [1, 1, 3, 2]


def test_object_targets_with_a_non_number_are_labels():
    from sklearn_nnprune._targets import holds_class_labels

    def objects(*values):
        return np.array(values, dtype=object)

    assert holds_class_labels(objects(1.5, 2.5, True))
    assert holds_class_labels(objects(1.5, None, 2.5))
    assert holds_class_labels(objects(1.5, "2.5", 3.5))
    assert not holds_class_labels(objects(1.5, 2.25, 3.125))
    assert not holds_class_labels(objects(1, 2.5, np.float64(3.5)))


def test_given_estimator_keeps_its_own_prune_setting(friedman):
    X, y = friedman
    sel = NetworkInputSelector(small_reg(), random_state=0).fit(X, y)
    assert sel.estimator_.prune == small_reg().prune


def test_default_estimator_follows_the_target_type(friedman):
    X, y = friedman
    sel = NetworkInputSelector(max_inputs=3, tolerance=None, random_state=0)
    assert isinstance(sel.fit(X, y).estimator_, PrunedMLPRegressor)
    assert isinstance(sel.fit(X, np.where(y > y.mean(), "hi", "lo")).estimator_,
                      PrunedMLPClassifier)
    assert sel.estimator is None


@pytest.mark.parametrize("target, labels, labels_in_cli_rule", [
    (lambda y: np.round(y * 10.0), False, False),  # whole floats, many values (diabetes)
    (lambda y: (y > 14.0).astype(float), True, True),  # 0.0 / 1.0
    (lambda y: y > 14.0, True, True),  # Booleans
    (lambda y: np.digitize(y, [10.0, 14.0, 18.0]), True, True),  # a few integer classes
    (lambda y: np.arange(100) % 25, True, False),  # 25 integer classes, or counts
    (lambda y: np.round(y * 10.0).astype(object), False, False),  # numbers as objects
    (lambda y: np.round(y, 1).astype(str).astype(object), True, True),  # text
])
def test_which_targets_count_as_class_labels(target, labels, labels_in_cli_rule):
    from sklearn_nnprune._targets import holds_class_labels
    X, y = make_friedman1(n_samples=100, n_features=5, random_state=0)
    assert holds_class_labels(target(y)) is labels
    assert holds_class_labels(target(y), integers_are_labels=False) is labels_in_cli_rule


def test_random_state_reaches_the_network(friedman):
    X, y = friedman
    sel = NetworkInputSelector(small_reg(), random_state=3).fit(X, y)
    direct = small_reg(random_state=3).fit(X, y)
    np.testing.assert_array_equal(sel.support_, direct.support_)
    np.testing.assert_allclose(sel.estimator_.coefs_[0], direct.coefs_[0])


def test_same_random_state_same_result_and_input_untouched(friedman):
    X, y = friedman
    X_copy, y_copy = X.copy(), y.copy()
    a = NetworkInputSelector(small_reg(), n_networks=3, random_state=1).fit(X, y)
    b = NetworkInputSelector(small_reg(), n_networks=3, random_state=1).fit(X, y)
    np.testing.assert_array_equal(a.support_, b.support_)
    np.testing.assert_array_equal(a.ranking_, b.ranking_)
    np.testing.assert_allclose(a.feature_importances_, b.feature_importances_)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_parameters_override_a_clone_of_the_given_estimator(friedman):
    X, y = friedman
    est = small_reg(max_inputs=6, tolerance=0.5)
    sel = NetworkInputSelector(est, max_inputs=2, tolerance=0.0).fit(X, y)
    assert (sel.estimator_.max_inputs, sel.estimator_.tolerance) == (2, 0.0)
    assert (est.max_inputs, est.tolerance) == (6, 0.5)
    assert not hasattr(est, "support_")
    assert sel.support_.sum() <= 2
    # None keeps the estimator's own setting.
    kept = NetworkInputSelector(est, max_inputs=None, tolerance=None).fit(X, y)
    assert (kept.estimator_.max_inputs, kept.estimator_.tolerance) == (6, 0.5)


@pytest.mark.parametrize("max_inputs, expected", [(3, 3), (0.5, 3), (1, 1)])
def test_max_inputs_is_reached(friedman, max_inputs, expected):
    X, y = friedman
    sel = NetworkInputSelector(small_reg(tolerance=None), max_inputs=max_inputs,
                               tolerance=None, random_state=0).fit(X, y)
    assert sel.support_.sum() == expected
    assert sel.transform(X).shape == (X.shape[0], expected)


def test_ranking_follows_the_order_of_removal(friedman):
    X, y = friedman
    sel = NetworkInputSelector(small_reg(tolerance=None), max_inputs=1, tolerance=None,
                               random_state=0).fit(X, y)
    ranking = sel.ranking_
    np.testing.assert_array_equal(ranking == 1, sel.support_)
    assert sorted(ranking[~sel.support_]) == list(range(2, X.shape[1] + 1))
    # Replaying the history: later steps, and within a step later (more
    # significant) positions, get smaller ranks.
    order = [int(name[1:]) for entry in sel.estimator_.pruning_history_
             if entry["accepted"] for name in entry["removed"]]
    assert len(order) == X.shape[1] - 1
    np.testing.assert_array_equal(ranking[order], np.arange(X.shape[1], 1, -1))


def test_ranking_when_inputs_leave_by_the_cascade():
    X, y = make_friedman1(n_samples=200, n_features=6, random_state=1)
    net = PrunedMLPRegressor(hidden_layer_sizes=(4,), max_iter=200, retrain_iter=20,
                             prune=("synapses",), max_synapses=4, tolerance=None,
                             random_state=0)
    sel = NetworkInputSelector(net, tolerance=None).fit(X, y)
    assert sel.support_.sum() < X.shape[1]  # some inputs lost all their synapses
    np.testing.assert_array_equal(sel.ranking_ == 1, sel.support_)
    assert sorted(sel.ranking_[~sel.support_]) == list(range(2, (~sel.support_).sum() + 2))


def test_committee_majority_vote(friedman):
    X, y = friedman
    sel = NetworkInputSelector(small_reg(tolerance=0.05), n_networks=5,
                               random_state=0).fit(X, y)
    assert len(sel.estimators_) == 5
    supports = np.array([net.support_ for net in sel.estimators_])
    np.testing.assert_array_equal(sel.votes_, supports.sum(axis=0))
    np.testing.assert_array_equal(sel.support_, sel.votes_ > 2.5)
    np.testing.assert_allclose(
        sel.feature_importances_,
        np.mean([net.feature_importances_ for net in sel.estimators_], axis=0))
    seeds = {net.random_state for net in sel.estimators_}
    assert len(seeds) == 5
    assert sel.estimator_ in sel.estimators_
    # Votes order the unselected inputs.
    out = np.flatnonzero(~sel.support_)
    assert np.all(np.diff(sel.votes_[out][np.argsort(sel.ranking_[out])]) <= 0)


def test_committee_respects_max_inputs(friedman):
    X, y = friedman
    sel = NetworkInputSelector(small_reg(tolerance=None), max_inputs=2, tolerance=None,
                               n_networks=3, random_state=0).fit(X, y)
    assert sel.support_.sum() <= 2
    assert all(net.support_.sum() == 2 for net in sel.estimators_)


def test_dataframe_in_and_out(friedman):
    X, y = friedman
    names = [f"feat_{i}" for i in range(X.shape[1])]
    df = pd.DataFrame(X, columns=names)
    sel = NetworkInputSelector(small_reg(), max_inputs=4, random_state=0)
    sel.set_output(transform="pandas").fit(df, y)
    out = sel.transform(df)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == list(sel.get_feature_names_out())
    assert out.columns.tolist() == [n for n, keep in zip(names, sel.support_) if keep]
    np.testing.assert_array_equal(sel.feature_names_in_, names)
    np.testing.assert_array_equal(sel.estimator_.feature_names_in_, names)
    back = sel.set_output(transform="default").inverse_transform(out.to_numpy())
    np.testing.assert_array_equal(back[:, sel.support_], X[:, sel.support_])
    assert np.all(back[:, ~sel.support_] == 0)


def test_multiclass_string_labels():
    X, y = make_classification(n_samples=150, n_features=5, n_informative=3,
                               n_redundant=0, n_classes=3, random_state=0)
    labels = np.array(["a", "b", "c"])[y]
    sel = NetworkInputSelector(small_clf(), random_state=0).fit(X, labels)
    assert list(sel.estimator_.classes_) == ["a", "b", "c"]
    assert 1 <= sel.support_.sum() <= 5


def test_bad_estimator_is_rejected(friedman):
    X, y = friedman
    with pytest.raises(InvalidParameterError, match="'estimator' parameter"):
        NetworkInputSelector("not an estimator").fit(X, y)
    with pytest.raises(TypeError, match="has no parameter 'tolerance'"):
        NetworkInputSelector(LogisticRegression(), tolerance=0.1).fit(X, y > y.mean())
    with pytest.raises(TypeError, match="has no parameter 'max_inputs'"):
        NetworkInputSelector(LogisticRegression(), max_inputs=2).fit(X, y > y.mean())
    with pytest.raises(TypeError, match="no support_ after fit"):
        NetworkInputSelector(LogisticRegression()).fit(X, y > y.mean())


def test_a_cap_above_the_features_warns_and_does_not_bind(friedman):
    X, y = friedman
    with pytest.warns(UserWarning, match=r"max_inputs=8 is larger than the number of "
                                         r"features \(7\): the cap does not bind"):
        capped = NetworkInputSelector(small_reg(), max_inputs=8).fit(X, y)
    uncapped = NetworkInputSelector(small_reg()).fit(X, y)
    np.testing.assert_array_equal(capped.support_, uncapped.support_)


@pytest.mark.parametrize("params, match", [
    ({"max_inputs": 0}, "'max_inputs' parameter"),
    ({"n_networks": 0}, "'n_networks' parameter"),
    ({"tolerance": -1.0}, "'tolerance' parameter"),
    ({"drop_dependent": "yes"}, "'drop_dependent' parameter"),
])
def test_bad_parameters(friedman, params, match):
    X, y = friedman
    with pytest.raises(ValueError, match=match):
        NetworkInputSelector(small_reg(), **params).fit(X, y)


def test_transform_checks_the_columns(friedman):
    X, y = friedman
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    sel = NetworkInputSelector(small_reg(), random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 6 features, but NetworkInputSelector "
                                         "is expecting 7 features"):
        sel.transform(X[:, :6])
    sel.fit(df, y)
    renamed = df.rename(columns={"f0": "other"})
    with pytest.raises(ValueError, match="feature names should match"):
        sel.transform(renamed)
    with pytest.raises(ValueError, match="different shape than during fitting"):
        sel.inverse_transform(np.zeros((2, sel.support_.sum() + 1)))


def test_unfitted_selector(friedman):
    X, _ = friedman
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        NetworkInputSelector().get_support()
    with pytest.raises(NotFittedError):
        NetworkInputSelector().transform(X)


def test_clone_keeps_parameters():
    sel = NetworkInputSelector(small_reg(), max_inputs=3, n_networks=2, random_state=4)
    params = clone(sel).get_params(deep=False)
    assert params["max_inputs"] == 3 and params["n_networks"] == 2
    assert params["random_state"] == 4


# ---------------------------------------------------------------------------
# sample_weight: passed on to every network, and routed with metadata routing.


_NOT_PASSED = "not passed"


class _RecordingClassifier(PrunedMLPClassifier):
    """PrunedMLPClassifier whose fit records ``sample_weight`` as ``received_``
    (``_NOT_PASSED`` when the caller gave none) and fits without it."""

    def fit(self, X, y, sample_weight=_NOT_PASSED):
        super().fit(X, y)
        self.received_ = sample_weight
        return self


def _recording(**kw):
    return _RecordingClassifier(hidden_layer_sizes=(3,), max_iter=40, retrain_iter=5,
                                prune=("inputs",), **kw)


def _weighted_data():
    X, y = make_classification(n_samples=80, n_features=4, n_informative=2,
                               n_redundant=0, random_state=0)
    return X, y, np.random.RandomState(0).randint(0, 4, size=80).astype(float)


def test_sample_weight_goes_to_every_network_and_none_is_not_passed():
    X, y, w = _weighted_data()
    selector = NetworkInputSelector(_recording(), n_networks=2, random_state=0)
    selector.fit(X, y, sample_weight=w)
    assert len(selector.estimators_) == 2
    for net in selector.estimators_:
        assert net.received_ is w
    selector.fit(X, y)
    assert all(net.received_ == _NOT_PASSED for net in selector.estimators_)


class _NoWeights(PrunedMLPClassifier):
    """A network whose fit takes no sample_weight."""

    def fit(self, X, y):
        return super().fit(X, y)


def test_sample_weight_to_a_network_without_it_is_a_clear_error():
    X, y, w = _weighted_data()
    assert not has_fit_parameter(_NoWeights, "sample_weight")
    with pytest.raises(TypeError, match="takes no sample_weight"):
        NetworkInputSelector(_NoWeights(**small_clf().get_params())).fit(
            X, y, sample_weight=w)


def test_metadata_routing_through_pipeline_and_grid_search():
    X, y, w = _weighted_data()
    with sklearn.config_context(enable_metadata_routing=True):
        requested = _recording().set_fit_request(sample_weight=True)
        pipe = Pipeline([("select", NetworkInputSelector(requested, random_state=0)),
                         ("model", LogisticRegression().set_fit_request(
                             sample_weight=False).set_score_request(sample_weight=True))])
        pipe.fit(X, y, sample_weight=w)
        np.testing.assert_array_equal(pipe["select"].estimator_.received_, w)
        routing = pipe["select"].get_metadata_routing()
        assert routing.consumes("fit", ["sample_weight"]) == {"sample_weight"}
        # Each split's network gets the weights of its training rows, the refit all.
        search = GridSearchCV(pipe, {"select__max_inputs": [1, 2]}, cv=2)
        search.fit(X, y, sample_weight=w)
        assert np.isfinite(search.cv_results_["mean_test_score"]).all()
        np.testing.assert_array_equal(
            search.best_estimator_["select"].estimator_.received_, w)
        # Not requested: scikit-learn's error, not a silent drop of the weights.
        unrequested = Pipeline([("select", NetworkInputSelector(_recording())),
                                ("model", LogisticRegression())])
        with pytest.raises(UnsetMetadataPassedError):
            unrequested.fit(X, y, sample_weight=w)
        # Routing enabled, no weights: nothing is passed.
        pipe.fit(X, y)
        assert pipe["select"].estimator_.received_ == _NOT_PASSED


def test_default_network_requests_sample_weight_when_it_takes_them():
    routing = NetworkInputSelector().get_metadata_routing()
    takes = has_fit_parameter(PrunedMLPClassifier, "sample_weight")
    assert bool(routing.consumes("fit", ["sample_weight"])) == takes
