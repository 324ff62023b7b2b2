"""InputBinarizer: continuous inputs become Boolean conditions learned from (X, y)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_nnprune import InputBinarizer, PrunedMLPClassifier, export_text, network_rules


def people(n=300, seed=0):
    rng = np.random.RandomState(seed)
    df = pd.DataFrame({
        "age": rng.uniform(18, 90, n).round(1),
        "income": rng.lognormal(10, 0.5, n).round(0),
        "smoker": rng.randint(0, 2, n).astype(float),
        "noise": rng.normal(size=n),
    })
    y = ((df["age"] > 42.3) & ((df["smoker"] == 1) | (df["income"] < 20000))).astype(int)
    return df, y.to_numpy()


def gini_of_split(x, y, t):
    left, right = y[x <= t], y[x > t]
    gini = [1 - np.mean(part) ** 2 - (1 - np.mean(part)) ** 2 if part.size else 0.0
            for part in (left, right)]
    return (left.size * gini[0] + right.size * gini[1]) / y.size


def test_threshold_is_the_best_split_and_reads_short():
    X, y = people()
    binarizer = InputBinarizer().fit(X, y)
    age = X["age"].to_numpy()
    t = binarizer.thresholds_[0]
    # Optimal among all splits between distinct values (brute force).
    values = np.unique(age)
    best = min(gini_of_split(age, y, v) for v in values[:-1])
    assert gini_of_split(age, y, t) == pytest.approx(best)
    # The shortest number between the neighbouring values.
    below, above = age[age <= t].max(), age[age > t].min()
    assert below <= t < above
    assert len(f"{t}") <= len(f"{(below + above) / 2}")
    names = binarizer.get_feature_names_out()
    assert names[0] == f"age > {np.format_float_positional(t, trim='-')}"
    assert names[2] == "smoker"
    assert names[1].startswith("income > ") and names[3].startswith("noise > ")


def test_transform_and_boolean_passthrough():
    X, y = people()
    X0 = X.copy()
    Xt = InputBinarizer().fit_transform(X, y)
    assert_array_equal(X, X0)  # input not modified
    assert set(np.unique(Xt)) <= {0.0, 1.0}
    binarizer = InputBinarizer().fit(X, y)
    assert_array_equal(binarizer.boolean_inputs_, [False, False, True, False])
    assert_array_equal(Xt[:, 2], X["smoker"])
    assert_array_equal(Xt[:, 0], X["age"] > binarizer.thresholds_[0])
    assert binarizer.thresholds_[2] == 0.5


def test_separable_input_gives_the_target():
    rng = np.random.RandomState(1)
    x = rng.uniform(0, 10, 200)
    y = (x > 3.7).astype(int)
    Xt = InputBinarizer().fit_transform(x.reshape(-1, 1), y)
    assert_array_equal(Xt[:, 0], y)


@pytest.mark.parametrize("scale, offset", [(1.0, 0.0), (1e-6, 0.0), (1e-9, 0.0),
                                           (1e-20, 0.0), (1.0, 1.6e9)])
def test_threshold_found_at_any_scale_and_offset(scale, offset):
    # Trees split in float32; a feature with a tiny spread or a large offset must
    # still get its exact threshold.
    x = np.random.RandomState(0).normal(size=200)
    y = (x > 0.3).astype(int)
    X = (x * scale + offset).reshape(-1, 1)
    assert_array_equal(InputBinarizer().fit_transform(X, y)[:, 0], y)


def test_whole_number_target_with_many_values_is_numeric():
    # load_diabetes-like: whole-number floats with many values are a numeric target
    # (a squared-error stump), not hundreds of classes.
    rng = np.random.RandomState(3)
    X = rng.uniform(0, 1, (300, 3))
    y = np.round(100 * X[:, 0] + 50 * X[:, 1] ** 2 + rng.normal(0, 5, 300))
    whole = InputBinarizer().fit(X, y).thresholds_
    shifted = InputBinarizer().fit(X, y + 0.5).thresholds_  # clearly continuous
    assert_array_equal(whole, shifted)


def test_regression_target_and_constant_input():
    rng = np.random.RandomState(2)
    X = np.c_[rng.uniform(0, 1, 100), np.full(100, 7.0)]
    y = np.where(X[:, 0] > 0.6, 10.0, -10.0) + rng.normal(0, 0.1, 100)
    # A constant input has no split: it becomes the constant condition "x > 7",
    # and the user is told.
    with pytest.warns(UserWarning, match=r"no split of input\(s\) x1 with at least 1 sample "):
        binarizer = InputBinarizer().fit(X, y)
    assert_array_equal(binarizer.transform(X)[:, 0], X[:, 0] > 0.6)
    assert binarizer.thresholds_[1] == 7.0
    assert (binarizer.transform(X)[:, 1] == 0).all()


def test_no_warning_when_every_input_splits():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        InputBinarizer().fit(X, (X.sum(axis=1) > 0).astype(int))


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e13, 1e-7])
def test_names_at_extreme_magnitudes_stay_short(scale):
    rng = np.random.RandomState(0)
    x = rng.normal(size=(100, 1))
    y = (x[:, 0] > 0.3).astype(int)
    binarizer = InputBinarizer().fit(x * scale, y)
    name = binarizer.get_feature_names_out()[0]
    assert len(name) < 30, name
    # The printed threshold still separates the data as the fitted one does.
    printed = float(name.split(" > ")[1])
    assert_array_equal(x[:, 0] * scale > printed, binarizer.transform(x * scale)[:, 0])


def test_min_samples_leaf_moves_the_threshold():
    x = np.arange(20.0).reshape(-1, 1)
    y = (x[:, 0] >= 1).astype(int)
    assert InputBinarizer().fit(x, y).thresholds_[0] < 1
    assert InputBinarizer(min_samples_leaf=5).fit(x, y).thresholds_[0] >= 4


def test_pandas_output_and_pipeline_with_rules():
    X, y = people()
    binarizer = InputBinarizer().set_output(transform="pandas")
    out = binarizer.fit_transform(X, y)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(binarizer.get_feature_names_out())

    pipe = make_pipeline(
        InputBinarizer().set_output(transform="pandas"),
        PrunedMLPClassifier(hidden_layer_sizes=(3,), prune=("inputs",),
                            weight_levels="ternary", binarize_neurons=True,
                            tolerance=0.05, cv=None, random_state=0))
    pipe.fit(X, y)
    net = pipe[-1]
    assert list(net.feature_names_in_) == list(out.columns)
    text = export_text(net, class_names=["no", "yes"])
    age = out.columns[0]
    assert age.startswith("age > ") and age in text
    assert "noise" not in text
    rules = network_rules(net)
    assert all(inp["values"] == (0.0, 1.0) for inp in rules["inputs"])
    assert pipe.score(X, y) >= 0.9


def test_bad_inputs():
    X, y = people(n=30)
    with pytest.raises(ValueError, match="requires y to be passed"):
        InputBinarizer().fit(X, None)
    with pytest.raises(ValueError, match="Unknown label type"):
        InputBinarizer().fit(X, y.astype(object))
    with pytest.raises(InvalidParameterError, match="min_samples_leaf"):
        InputBinarizer(min_samples_leaf=0).fit(X, y)
    binarizer = InputBinarizer().fit(X.to_numpy(), y)
    with pytest.raises(ValueError, match="X has 2 features"):
        binarizer.transform(X.to_numpy()[:, :2])
    binarizer = InputBinarizer().fit(X, y)
    with pytest.raises(ValueError, match="input_features is not equal"):
        binarizer.get_feature_names_out(["a", "b", "c", "d"])


@parametrize_with_checks([InputBinarizer()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ---------------------------------------------------------------------------
# sample_weight, and a two-valued target of any size.

def _weighted_people(seed=0):
    X, y = people(120, seed)
    return X, y, np.random.RandomState(seed).randint(0, 4, size=len(y))


@pytest.mark.parametrize("leaf", [1, 4, 0.1])
@pytest.mark.parametrize("target", ["classes", "numbers"])
def test_integer_weights_are_repeated_rows(leaf, target):
    X, y, w = _weighted_people()
    if target == "numbers":
        y = X["age"].to_numpy() * 0.1 + X["noise"].to_numpy()
    weighted = InputBinarizer(min_samples_leaf=leaf).fit(X, y, sample_weight=w)
    repeated = InputBinarizer(min_samples_leaf=leaf).fit(X.loc[X.index.repeat(w)],
                                                         np.repeat(y, w))
    assert_array_equal(weighted.thresholds_, repeated.thresholds_)
    assert_array_equal(weighted.boolean_inputs_, repeated.boolean_inputs_)


def test_zero_weight_drops_the_row():
    X, y, _ = _weighted_people()
    w = np.ones(len(y))
    w[::3] = 0.0
    # A row of weight 0 with a value of its own would otherwise move the threshold.
    weighted = InputBinarizer().fit(X, y, sample_weight=w)
    dropped = InputBinarizer().fit(X[w > 0], y[w > 0])
    assert_array_equal(weighted.thresholds_, dropped.thresholds_)
    # A column that is Boolean on the rows that count is Boolean.
    X2 = X.assign(flag=np.where(w > 0, (X["age"] > 50).astype(float), 7.0))
    assert InputBinarizer().fit(X2, y, sample_weight=w).boolean_inputs_[-1]


def test_weights_change_the_threshold_where_they_say():
    x = np.arange(10.0).reshape(-1, 1)
    y = np.array([0, 0, 0, 1, 1, 0, 1, 1, 1, 1])
    assert InputBinarizer().fit(x, y).thresholds_[0] == 2  # the 0 at x=5 is noise
    w = np.ones(10)
    w[5] = 10.0  # unless it weighs ten rows
    assert InputBinarizer().fit(x, y, sample_weight=w).thresholds_[0] == 5.5


def test_bad_sample_weight_is_a_clear_error():
    X, y, _ = _weighted_people()
    with pytest.raises(ValueError, match="non-zero"):
        InputBinarizer().fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="[Nn]egative"):
        InputBinarizer().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="sample_weight"):
        InputBinarizer().fit(X, y, sample_weight=np.ones(3))


def test_two_valued_target_of_any_size_is_two_classes():
    x = np.arange(10.0).reshape(-1, 1)
    y = np.array([0.0] * 5 + [1e300] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        binarizer = InputBinarizer().fit(x, y)
    assert binarizer.thresholds_[0] == 4
    assert_array_equal(binarizer.transform(x)[:, 0], y > 0)
