"""Input groups: several columns pruned as one input (e.g. a one-hot category)."""

import numpy as np
import pandas as pd
import pytest

from sklearn_nnprune import NetworkInputSelector, PrunedMLPClassifier, PrunedMLPRegressor

FAST = dict(hidden_layer_sizes=(5,), max_iter=200, retrain_iter=20, random_state=0)


@pytest.fixture(scope="module")
def table():
    """y depends on x0 and on the category (3 levels, one-hot in c_a, c_b, c_c);
    x1, x2 are noise."""
    rng = np.random.RandomState(0)
    n = 400
    level = rng.randint(0, 3, n)
    numeric = rng.normal(size=(n, 3))
    onehot = np.eye(3)[level]
    effect = np.array([-1.5, 0.0, 1.5])[level]
    y = (numeric[:, 0] + effect + 0.3 * rng.normal(size=n) > 0).astype(int)
    X = pd.DataFrame(np.c_[numeric, onehot], columns=["x0", "x1", "x2", "c_a", "c_b", "c_c"])
    return X, y


def _removed_columns(est):
    return [row["removed"] for row in est.pruning_history_
            if row["accepted"] and row["kind"] == "inputs"]


def test_a_group_is_removed_whole_and_counted_once(table):
    X, y = table
    groups = {"category": ["c_a", "c_b", "c_c"]}
    est = PrunedMLPClassifier(input_groups=groups, prune=("inputs",), max_inputs=1,
                              tolerance=None, **FAST).fit(X, y)
    # One input left: a single column or the whole category, never part of it.
    kept = set(X.columns[est.support_])
    assert kept in ({"x0"}, {"x1"}, {"x2"}) or kept <= {"c_a", "c_b", "c_c"}
    for removed in _removed_columns(est):
        category = set(removed) & {"c_a", "c_b", "c_c"}
        assert not category or category == {"c_a", "c_b", "c_c"}
    assert list(est.input_group_names_) == ["x0", "x1", "x2", "category"]
    assert [g.tolist() for g in est.input_groups_] == [[0], [1], [2], [3, 4, 5]]
    np.testing.assert_allclose(est.group_importances_,
                               [est.feature_importances_[g].sum() for g in est.input_groups_])


def test_max_inputs_counts_groups_and_keeps_the_informative_ones(table):
    X, y = table
    est = PrunedMLPClassifier(input_groups=[[3, 4, 5]], prune=("inputs",), max_inputs=2,
                              tolerance=None, **FAST).fit(X, y)
    kept = set(X.columns[est.support_])
    # The category keeps at least two of its levels (one level is dependent on the
    # others and the constant, and may go as a "dependent" step).
    assert "x0" in kept and len(kept & {"c_a", "c_b", "c_c"}) >= 2
    assert not kept & {"x1", "x2"}
    assert est.score(X, y) > 0.8


def test_without_groups_every_column_is_its_own_group(table):
    X, y = table
    est = PrunedMLPRegressor(prune=(), **FAST).fit(X, y.astype(float))
    assert list(est.input_group_names_) == list(X.columns)
    np.testing.assert_allclose(est.group_importances_, est.feature_importances_)


def test_selector_passes_groups_to_its_network(table):
    X, y = table
    net = PrunedMLPClassifier(input_groups={"category": ["c_a", "c_b", "c_c"]},
                              prune=("inputs",), tolerance=None, **FAST)
    selector = NetworkInputSelector(net, max_inputs=2).fit(X, y)
    assert selector.estimator_.input_group_names_[-1] == "category"
    assert "x0" in selector.get_feature_names_out()


@pytest.mark.parametrize("groups, message", [
    ([[0, 1], [1, 2]], "in more than one group"),
    ([[0, 9]], r"column indices in \[0, 6\)"),
    ([[]], r"column indices in \[0, 6\)"),
    ({"g": ["nope"]}, "not all feature names"),
    ([[0, 0]], "in more than one group"),
])
def test_bad_groups_are_named(table, groups, message):
    X, y = table
    with pytest.raises(ValueError, match=message):
        PrunedMLPClassifier(input_groups=groups, **FAST).fit(X, y)


def test_max_inputs_beyond_the_groups_warns_and_does_not_bind(table):
    X, y = table
    with pytest.warns(UserWarning, match=r"max_inputs=5 is larger than the network has "
                                         r"\(4; X has n_features=6\): the cap does not bind"):
        capped = PrunedMLPClassifier(input_groups=[[3, 4, 5]], max_inputs=5, **FAST).fit(X, y)
    plain = PrunedMLPClassifier(input_groups=[[3, 4, 5]], **FAST).fit(X, y)
    np.testing.assert_array_equal(capped.support_, plain.support_)


def test_groups_by_name_need_feature_names(table):
    X, y = table
    with pytest.raises(ValueError, match="not all feature names"):
        PrunedMLPClassifier(input_groups={"g": ["c_a"]}, **FAST).fit(X.to_numpy(), y)
