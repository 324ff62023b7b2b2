"""Bad data and bad parameters over every public estimator and function.

Each case either raises a clear error (the exception type and a distinctive part of
a message that names the problem) or gives a correct result. The cases are tables:
add a row to extend them. Cases that fail today and are being mended elsewhere are
marked ``xfail(strict=True)`` with the owner of the fix, so that they turn green
(and must then be unmarked) when the fix lands.
"""

import re
import warnings
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_nnprune import (InputBinarizer, MinimalNetworkCommittee,
                             NetworkInputSelector, PrunedMLPClassifier,
                             PrunedMLPRegressor, datasets, export_text,
                             fewest_within_noise, input_report, network_rules,
                             sensitivity_indicators)

# Tiny networks: one fit takes a few hundredths of a second.
TINY = dict(hidden_layer_sizes=(2,), max_iter=20, retrain_iter=2, accumulate=1,
            prune=("inputs",), random_state=0)

_RNG = np.random.RandomState(0)
X = _RNG.normal(size=(40, 3))
Y_CLASS = (X[:, 0] > 0).astype(int)
Y_REAL = X[:, 0] + 0.1 * X[:, 1]


def xfail(reason, owner):
    return pytest.mark.xfail(strict=True, reason=f"issue 19: {reason}; owned by {owner}")


class Raises(NamedTuple):
    """The case must raise ``exc`` with a message matching ``match``."""

    exc: type
    match: str


class Works(NamedTuple):
    """The case must succeed; ``check(result)`` asserts the result is correct."""

    check: Callable


class Warns(NamedTuple):
    """The case must succeed with a UserWarning matching ``match``."""

    match: str


class Either(NamedTuple):
    """The case must raise as ``raises`` says or succeed as ``works`` says (a fix
    may choose either)."""

    raises: Raises
    works: Works


def outcome_of(expected, run):
    """Run ``run()`` and assert ``expected`` (a Raises, a Warns, a Works or an
    Either)."""
    if isinstance(expected, Either):
        try:
            result = run()
        except expected.raises.exc as error:
            assert re.search(expected.raises.match, str(error)), str(error)
        else:
            expected.works.check(result)
    elif isinstance(expected, Raises):
        with pytest.raises(expected.exc, match=expected.match):
            run()
    elif isinstance(expected, Warns):
        with pytest.warns(UserWarning, match=expected.match):
            run()
    else:
        expected.check(run())


# ------------------------------------------------------------ estimators x data
# name: (factory, task); the task says which target a case uses.
ESTIMATORS = {
    "classifier": (lambda: PrunedMLPClassifier(**TINY), "class"),
    "regressor": (lambda: PrunedMLPRegressor(**TINY), "real"),
    "selector": (lambda: NetworkInputSelector(PrunedMLPClassifier(**TINY)), "class"),
    "selector_regressor": (lambda: NetworkInputSelector(PrunedMLPRegressor(**TINY)),
                           "real"),
    "committee": (lambda: MinimalNetworkCommittee(PrunedMLPClassifier(**TINY),
                                                  n_networks=2, max_attempts=2,
                                                  random_state=0), "class"),
    "committee_regressor": (lambda: MinimalNetworkCommittee(PrunedMLPRegressor(**TINY),
                                                            n_networks=2, max_attempts=2,
                                                            random_state=0), "real"),
    "binarizer": (lambda: InputBinarizer(), "class"),
}
REGRESSORS = ("regressor", "selector_regressor", "committee_regressor")


def _output(est, X_):
    """What the fitted estimator makes of ``X_``: predictions, the inputs a
    selector keeps, or the binarizer's conditions."""
    if hasattr(est, "predict"):
        return est.predict(X_)
    if hasattr(est, "get_support"):
        return est.get_support()
    return est.transform(X_)


def _with(value, row=3, col=1):
    X_ = X.astype(object if isinstance(value, str) else np.float64)
    X_[row, col] = value
    return X_


def _frame(last_column):
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    df["c"] = last_column
    return df


def _scaled(factor):
    with np.errstate(over="ignore"):
        return X * np.array([1.0, factor, 1.0])


_INTS = _RNG.randint(0, 5, 40)
_BOOLS = _RNG.rand(40) > 0.5
NAN = Raises(ValueError, "Input X contains NaN")
INF = Raises(ValueError, "Input X contains infinity")


def same_as(X_plain):
    """Works, and the fit on ``X_case`` gives the outputs of the fit on ``X_plain``
    (None: just fits, predicts and keeps ``n_features_in_``)."""
    def check(fitted):
        est, X_fit, y, make = fitted
        assert est.n_features_in_ == X_fit.shape[1]
        out = _output(est, X_fit)
        assert np.all(np.isfinite(out))
        if X_plain is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected = _output(make().fit(X_plain, y), X_plain)
            if out.dtype.kind == "f":  # the same fit, up to rounding
                assert_allclose(out, expected, rtol=1e-6, atol=1e-9)
            else:
                assert_array_equal(out, expected)
    return Works(check)


# id: (X, expected for all, {estimator: expected} overrides, marks).
X_CASES = {
    "nan": (_with(np.nan), NAN, {}, ()),
    "inf": (_with(np.inf), INF, {}, ()),
    "minus_inf": (_with(-np.inf), INF, {}, ()),
    # Finite, within a factor 1.2 of the largest float64.
    "1.5e308_column": (_scaled(1.5e308 / np.abs(X[:, 1]).max()), same_as(X), {}, ()),
    # Standardization makes the units of a column irrelevant.
    "1e300_column": (_scaled(1e300), same_as(X), {}, ()),
    "1e-300_column": (_scaled(1e-300), same_as(X), {}, ()),
    # Variation below float64's precision: the column counts as constant (it
    # cannot be the fit on the unscaled column), and the fit works.
    "subnormal_column": (_scaled(1e-315), same_as(None), {}, ()),
    "text_column": (_frame(["x"] * 40), Raises(ValueError, "could not convert string"),
                    {}, ()),
    "object_numbers": (X.astype(object), same_as(X), {}, ()),
    "datetime_column": (_frame(pd.date_range("2020", periods=40)),
                        Raises(ValueError, r"datetime or timedelta columns \(c\)"), {}, ()),
    "Int64_with_NA": (_frame(pd.array([1, None] + [2] * 38, dtype="Int64")), NAN, {}, ()),
    "Int64": (_frame(pd.array(_INTS, dtype="Int64")),
              same_as(_frame(_INTS)), {}, ()),
    "boolean_with_NA": (_frame(pd.array([True, None] + [False] * 38, dtype="boolean")),
                        NAN, {}, ()),
    "boolean": (_frame(pd.array(_BOOLS, dtype="boolean")),
                same_as(_frame(_BOOLS)), {},
                ()),
    "Float64_with_NA": (_frame(pd.array([1.5, None] + [2.0] * 38, dtype="Float64")), NAN,
                        {}, ()),
    "Float64": (_frame(pd.array(X[:, 2], dtype="Float64")),
                same_as(_frame(X[:, 2])), {},
                ()),
    "empty": (X[:0], Raises(ValueError, r"0 sample\(s\)"), {}, ()),
    "one_row": (X[:1], Raises(ValueError, r"1 sample\(s\) .* minimum of 2"),
                {"binarizer": same_as(None)}, ()),
    "one_feature": (X[:, :1], same_as(None), {}, ()),
    "no_feature": (X[:, :0], Raises(ValueError, r"0 feature\(s\)"), {}, ()),
    "length_mismatch": (X[:30], Raises(ValueError, "inconsistent numbers of samples"),
                        {}, ()),
    "3d": (X[:, :, None], Raises(ValueError, "dim 3"), {}, ()),
}


def _target(kind, task):
    y = (Y_CLASS if task == "class" else Y_REAL).copy()
    if kind == "nan":
        y = y.astype(np.float64)
        y[2] = np.nan
    elif kind == "none":
        y = None
    elif kind == "two_columns":
        y = np.c_[y, y[::-1]]
    elif kind == "one_class":
        y = np.full(40, 3 if task == "class" else 3.5)
    elif kind == "class_of_one":
        y[0] = 7
    elif kind == "none_among_labels":
        y = np.array(["a", "b"] * 20, dtype=object)
        y[3] = None
    elif kind is not None and kind.split("_")[0] in ("Int64", "boolean", "Float64"):
        # Counts or labels in Int64 and boolean, real numbers in Float64.
        dtype = kind.split("_")[0]
        y = pd.Series(Y_REAL if dtype == "Float64" else Y_CLASS, dtype=dtype)
        if kind.endswith("_with_NA"):
            y[0] = pd.NA
    return y


def same_as_numpy_target(fitted):
    """The fit on a nullable pandas target (no NA) gives the outputs of the fit on
    its numpy values (the labels come back as numbers, as scikit-learn's)."""
    est, X_fit, y, make = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = make().fit(X_fit, y.to_numpy(dtype=np.float64))
    expected, out = _output(plain, X_fit), _output(est, X_fit)
    if out.dtype.kind == "f":
        assert_allclose(out, expected, rtol=1e-6, atol=1e-9)
    else:
        assert_array_equal(out, expected)


def _fits_outputs(n_outputs):
    def check(fitted):
        est, X_fit, y, _ = fitted
        out = _output(est, X_fit)
        assert np.all(np.isfinite(out))
        if hasattr(est, "predict") and n_outputs > 1:
            assert out.shape == (X_fit.shape[0], n_outputs)
    return Works(check)


def _keeps_the_class_of_one(fitted):
    est, X_fit, y, _ = fitted
    out = _output(est, X_fit)
    assert np.all(np.isfinite(out))
    if hasattr(est, "classes_"):
        assert_array_equal(est.classes_, [0, 1, 7])
        assert est.predict_proba(X_fit).shape == (X_fit.shape[0], 3)


def _constant_prediction(fitted):
    est, X_fit, y, _ = fitted
    np.testing.assert_allclose(est.predict(X_fit), 3.5, rtol=1e-4)


_NOT_1D = Raises(ValueError, "y should be a 1d array")
_ONE_CLASS = Raises(ValueError, "only one class")
# id: (expected for all, {estimator: expected} overrides, marks)
Y_CASES = {
    "nan": (Raises(ValueError, "Input y contains NaN"), {}, ()),
    "none": (Raises(ValueError, "requires y to be passed"), {}, ()),
    "two_columns": (_NOT_1D, {name: _fits_outputs(2) for name in REGRESSORS + ("binarizer",)},
                    ()),
    "one_class": (_ONE_CLASS, {"regressor": Works(_constant_prediction),
                               "committee_regressor": Works(_constant_prediction),
                               "selector_regressor": _fits_outputs(1),
                               "binarizer": _fits_outputs(1)}, ()),
    # On 40 rows cv="auto" scores the criterion on the training data: no folds.
    "class_of_one": (Works(_keeps_the_class_of_one), {}, ()),
    "Int64": (Works(same_as_numpy_target), {}, ()),
    "Int64_with_NA": (Raises(ValueError, "Input y contains NaN"), {}, ()),
    "boolean": (Works(same_as_numpy_target), {}, ()),
    "boolean_with_NA": (Raises(ValueError, "Input y contains NaN"), {}, ()),
    "Float64": (Raises(ValueError, "Unknown label type: continuous"),
                {name: Works(same_as_numpy_target) for name in REGRESSORS + ("binarizer",)},
                ()),
    "Float64_with_NA": (Raises(ValueError, "Input y contains NaN"), {}, ()),
    "none_among_labels": (Raises(ValueError, "y contains None among its labels"),
                          {name: Raises(ValueError, "numeric target") for name in
                           REGRESSORS}, ()),
}


def _cells(cases, with_x):
    """One test per estimator and case; ``marks`` of a case are for all the
    estimators (a tuple) or per estimator (a dict)."""
    for case, row in cases.items():
        *head, default, overrides, marks = row
        for name in ESTIMATORS:
            expected = overrides.get(name, default)
            case_marks = marks.get(name, ()) if isinstance(marks, dict) else marks
            args = (name, *head, expected) if with_x else (name, case, expected)
            yield pytest.param(*args, id=f"{name}-{case}", marks=case_marks)


def _fit(name, X_fit, y):
    make, _ = ESTIMATORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make().fit(X_fit, y), X_fit, y, make


@pytest.mark.parametrize("name,X_case,expected", list(_cells(X_CASES, with_x=True)))
def test_bad_X(name, X_case, expected):
    y = _target(None, ESTIMATORS[name][1])
    if X_case.shape[0] != X[:30].shape[0]:  # all but the length mismatch
        y = y[:X_case.shape[0]]
    outcome_of(expected, lambda: _fit(name, X_case, y))


@pytest.mark.parametrize("name,kind,expected", list(_cells(Y_CASES, with_x=False)))
def test_bad_y(name, kind, expected):
    y = _target(kind, ESTIMATORS[name][1])
    outcome_of(expected, lambda: _fit(name, X, y))


# ------------------------------------------------------ parameters of the fits
def _fit_clf(**params):
    return lambda: PrunedMLPClassifier(**{**TINY, **params}).fit(X, Y_CLASS)


def _fit_reg(**params):
    return lambda: PrunedMLPRegressor(**{**TINY, **params}).fit(X, Y_REAL)


_Y_ONE_SAMPLE_CLASS = np.r_[7, Y_CLASS[1:]]
_BAD = InvalidParameterError
PARAMETER_CASES = {
    # Unknown values.
    "activation": (_fit_clf(activation="sigmoid"), Raises(_BAD, "'activation' parameter")),
    "solver": (_fit_clf(solver="sgd"), Raises(_BAD, "'solver' parameter")),
    "scoring_of_the_other_task": (_fit_reg(scoring="accuracy"),
                                  Raises(_BAD, "'scoring' parameter")),
    "weight_levels_word": (_fit_clf(weight_levels="quaternary"),
                           Raises(_BAD, "'weight_levels' parameter")),
    "weight_levels_one": (_fit_clf(weight_levels=[1.0]),
                          Raises(ValueError, "at least 2 distinct levels")),
    "weight_levels_nan": (_fit_clf(weight_levels=[0.0, np.nan]),
                          Raises(ValueError, "finite numbers")),
    "weight_levels_2d": (_fit_clf(weight_levels=[[0.0, 1.0]]),
                         Raises(ValueError, "1-D sequence")),
    "weight_levels_a_billion": (_fit_clf(weight_levels=10 ** 9),
                                Raises(ValueError, "asks for 1000000000 levels; at most")),
    "weight_levels_300_values": (_fit_clf(weight_levels=np.arange(300.0)),
                                 Raises(ValueError, "asks for 300 levels; at most 256")),
    "weight_levels_text": (_fit_clf(weight_levels=["a", "b"]),
                           Raises(ValueError, "1-D sequence of numbers")),
    "prune_kind": (_fit_clf(prune=("inputs", "layers")), Raises(ValueError, "unknown kinds")),
    "prune_empty_text": (_fit_clf(prune=""), Raises(ValueError, "unknown kinds")),
    "cv_one": (_fit_clf(cv=1), Raises(_BAD, "'cv' parameter")),
    "validation_fraction_one": (_fit_clf(validation_fraction=1.0, cv=None),
                                Raises(_BAD, "'validation_fraction' parameter")),
    "validation_fraction_too_small": (_fit_clf(validation_fraction=0.001, cv=None),
                                      Raises(ValueError, "leaves 1 for validation")),
    "input_group_float_index": (_fit_clf(input_groups=[[0.5]]),
                                Raises(ValueError, "not all feature names or column")),
    "input_group_bool_index": (_fit_clf(input_groups=[[True]]),
                               Raises(ValueError, "not all feature names or column")),
    "input_group_negative_index": (_fit_clf(input_groups=[[-1]]),
                                   Raises(ValueError, r"column indices in \[0, 3\)")),
    "input_groups_text": (_fit_clf(input_groups="ab"), Raises(_BAD, "'input_groups' param")),
    "hidden_zero": (_fit_clf(hidden_layer_sizes=(0,)), Raises(ValueError, "positive ints")),
    "hidden_float": (_fit_clf(hidden_layer_sizes=(2.5,)), Raises(ValueError, "positive ints")),
    "alpha_nan": (_fit_clf(alpha=np.nan), Raises(_BAD, "'alpha' parameter")),
    "tolerance_nan": (_fit_clf(tolerance=np.nan), Raises(_BAD, "'tolerance' parameter")),
    "max_inputs_nan": (_fit_clf(max_inputs=np.nan), Raises(_BAD, "'max_inputs' parameter")),
    "max_inputs_zero": (_fit_clf(max_inputs=0), Raises(_BAD, "'max_inputs' parameter")),
    "random_state": (_fit_clf(random_state="x"), Raises(_BAD, "'random_state' parameter")),
    "batch_size": (_fit_clf(batch_size=0), Raises(_BAD, "'batch_size' parameter")),
    "input_group_name": (_fit_clf(input_groups=[["zz"]]),
                         Raises(ValueError, "not all feature names")),
    "unknown_keyword": (lambda: PrunedMLPClassifier(foo=1),
                        Raises(TypeError, "unexpected keyword argument 'foo'")),
    "positional": (lambda: PrunedMLPClassifier((3,)),
                   Raises(TypeError, "positional argument")),
    "set_params_unknown": (lambda: PrunedMLPRegressor().set_params(foo=1),
                           Raises(ValueError, "Invalid parameter 'foo'")),
    # Contradictory parameters.
    "cv_and_validation_fraction": (_fit_clf(cv=3, validation_fraction=0.2),
                                   Raises(ValueError, "Set either cv .* or validation_frac")),
    "cap_without_its_kind": (_fit_clf(max_neurons=1),
                             Raises(ValueError, "needs 'neurons' in prune")),
    "fan_in_without_synapses": (_fit_clf(max_fan_in=1),
                                Raises(ValueError, "needs 'synapses' in prune")),
    "cap_above_the_network": (_fit_clf(max_inputs=5),
                              Warns(r"max_inputs=5 is larger than the network has "
                                    r"\(3; X has n_features=3\): the cap does not bind")),
    "groups_overlap": (_fit_clf(input_groups=[[0, 1], [1, 2]]),
                       Raises(ValueError, "column 1 is in more than one group")),
    "synapse_cap_too_small": (_fit_clf(prune=("synapses",), max_synapses=1),
                              Raises(ValueError, "leaves fewer than 2 synapses")),
    "more_folds_than_rows": (_fit_clf(cv=50),
                             Raises(ValueError, "cv=50 folds need at least 50 samples")),
    "class_of_one_with_folds": (
        lambda: PrunedMLPClassifier(cv=3, **TINY).fit(X, _Y_ONE_SAMPLE_CLASS),
        Raises(ValueError, "cv=3 folds need at least 3 samples of every class")),
    "class_of_one_with_held_out_split": (
        lambda: PrunedMLPClassifier(validation_fraction=0.3, cv=None, **TINY).fit(
            X, _Y_ONE_SAMPLE_CLASS),
        Raises(ValueError, "at least 2 samples of every class")),
    "selector_n_networks": (lambda: NetworkInputSelector(n_networks=0).fit(X, Y_CLASS),
                            Raises(_BAD, "'n_networks' parameter")),
    "selector_estimator_without_support": (
        lambda: NetworkInputSelector(estimator=InputBinarizer()).fit(X, Y_CLASS),
        Raises(TypeError, "has no support_ after fit")),
    "committee_voting": (lambda: MinimalNetworkCommittee(voting="x").fit(X, Y_CLASS),
                         Raises(_BAD, "'voting' parameter")),
    "committee_fewer_attempts_than_members": (
        lambda: MinimalNetworkCommittee(PrunedMLPClassifier(**TINY), n_networks=3,
                                        max_attempts=1).fit(X, Y_CLASS),
        Raises(ValueError, "cannot be found in max_attempts=1 fits")),
    "selector_estimator": (lambda: NetworkInputSelector(estimator="clf").fit(X, Y_CLASS),
                           Raises(_BAD, "'estimator' parameter")),
    "selector_cap_above_features": (
        lambda: NetworkInputSelector(PrunedMLPClassifier(**TINY), max_inputs=10).fit(
            X, Y_CLASS), Warns("max_inputs=10 is larger than the number of features \\(3\\): the cap does not bind")),
    "selector_regressor_on_labels": (
        lambda: NetworkInputSelector(PrunedMLPRegressor(**TINY)).fit(
            X, np.array(["a", "b"] * 20)), Raises(ValueError, "needs a numeric target")),
    "committee_estimator": (
        lambda: MinimalNetworkCommittee(estimator=InputBinarizer()).fit(X, Y_CLASS),
        Raises(_BAD, "'estimator' parameter")),
    "committee_median_vote_of_classes": (
        lambda: MinimalNetworkCommittee(PrunedMLPClassifier(**TINY), voting="median",
                                        n_networks=2).fit(X, Y_CLASS),
        Raises(ValueError, "voting='median' is for regression")),
    "committee_regressor_on_labels": (
        lambda: MinimalNetworkCommittee(PrunedMLPRegressor(**TINY), n_networks=2).fit(
            X, np.array(["a", "b"] * 20)), Raises(ValueError, "needs a numeric target")),
    "binarizer_min_samples_leaf_fraction": (
        lambda: InputBinarizer(min_samples_leaf=0.9).fit(X, Y_CLASS),
        Raises(_BAD, "'min_samples_leaf' parameter")),
    "binarizer_min_samples_leaf_above_half_the_rows": (
        # As a decision tree, no split; the warning names the constant columns.
        lambda: InputBinarizer(min_samples_leaf=30).fit(X, Y_CLASS),
        Warns(r"no split of input\(s\) x0, x1, x2 with at least 30 samples")),
    "binarizer_min_samples_leaf": (
        lambda: InputBinarizer(min_samples_leaf=0).fit(X, Y_CLASS),
        Raises(_BAD, "'min_samples_leaf' parameter")),
    # Reachable combinations that must simply work.
    "no_hidden_layer": (_fit_clf(hidden_layer_sizes=()),
                        Works(lambda est: est.predict(X).shape == (40,))),
    "tolerance_none_no_cap": (_fit_clf(tolerance=None),
                              Works(lambda est: est.n_inputs_ == 3)),
}


def _parameter_cells():
    """One test per case: ``(run, expected)``, or ``(run, expected, mark)``."""
    for case, (run, expected, *marks) in PARAMETER_CASES.items():
        yield pytest.param(run, expected, id=case, marks=marks)


@pytest.mark.parametrize("run,expected", list(_parameter_cells()))
def test_bad_parameters(run, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome_of(expected, run)


# ------------------------------------------------------- methods and functions
@pytest.fixture(scope="module")
def fitted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {"clf": PrunedMLPClassifier(**TINY).fit(X, Y_CLASS),
                "reg": PrunedMLPRegressor(**TINY).fit(X, Y_REAL),
                "bin": InputBinarizer().fit(X, Y_CLASS),
                "com": MinimalNetworkCommittee(PrunedMLPClassifier(**TINY), n_networks=2,
                                               max_attempts=2, random_state=0
                                               ).fit(X, Y_CLASS)}


def _cv_results(mean, std, params=(1, 2)):
    n = len(mean)
    return {"param_max_inputs": np.ma.masked_array(list(params), dtype=object),
            "mean_test_score": np.array(mean, dtype=float),
            "std_test_score": np.array(std, dtype=float),
            "split0_test_score": np.zeros(n), "split1_test_score": np.zeros(n)}


_X_NAN = _with(np.nan)


def _thresholds_for_the_0_1_target():
    """The binarizer's thresholds for the 0/1 target."""
    return InputBinarizer().fit(X, Y_CLASS).thresholds_
_NOT_FITTED = Raises(NotFittedError, "is not fitted yet")
_NOT_OURS = Raises(TypeError, "must be a fitted PrunedMLPClassifier or PrunedMLPRegressor")
_FEWER_FEATURES = Raises(ValueError, "X has 2 features, but .* is expecting 3 features")
# id: (callable of the fitted estimators, expected, marks)
FUNCTION_CASES = {
    "predict_nan": (lambda f: f["clf"].predict(_X_NAN), NAN, ()),
    "predict_fewer_features": (lambda f: f["reg"].predict(X[:, :2]), _FEWER_FEATURES, ()),
    "predict_empty": (lambda f: f["clf"].predict(X[:0]), Raises(ValueError,
                                                                  r"0 sample\(s\)"), ()),
    "predict_proba_1e300": (lambda f: f["clf"].predict_proba(X * 1e300),
                            Works(lambda p: np.allclose(p.sum(axis=1), 1.0)), ()),
    "transform_nan": (lambda f: f["bin"].transform(_X_NAN), NAN, ()),
    "transform_fewer_features": (lambda f: f["bin"].transform(X[:, :2]), _FEWER_FEATURES,
                                 ()),
    "disagreement_nan": (lambda f: f["com"].disagreement(_X_NAN), NAN, ()),
    "binarizer_1e300_target": (
        lambda f: InputBinarizer().fit(X, Y_CLASS * 1e300),
        Works(lambda b: assert_array_equal(b.thresholds_, _thresholds_for_the_0_1_target())),
        ()),
    "sensitivity_nan": (lambda f: sensitivity_indicators(f["clf"], _X_NAN, Y_CLASS), NAN,
                        ()),
    "sensitivity_fewer_features": (
        lambda f: sensitivity_indicators(f["clf"], X[:, :2], Y_CLASS), _FEWER_FEATURES, ()),
    "sensitivity_length_mismatch": (
        lambda f: sensitivity_indicators(f["clf"], X, Y_CLASS[:30]),
        Raises(ValueError, "X has 40 samples but y has 30"), ()),
    "sensitivity_unseen_labels": (
        lambda f: sensitivity_indicators(f["clf"], X, Y_CLASS + 5),
        Raises(ValueError, "labels not seen during fit"), ()),
    "sensitivity_y_nan": (
        lambda f: sensitivity_indicators(f["reg"], X, np.where(Y_CLASS > 0, np.nan, Y_REAL)),
        Raises(ValueError, "y contains NaN"), ()),
    "sensitivity_y_none": (lambda f: sensitivity_indicators(f["clf"], X, None),
                           Raises(_BAD, "'y' parameter"), ()),
    "sensitivity_y_two_columns": (
        lambda f: sensitivity_indicators(f["clf"], X, np.c_[Y_CLASS, Y_CLASS]), _NOT_1D, ()),
    "sensitivity_of_a_selector": (
        lambda f: sensitivity_indicators(NetworkInputSelector(), X, Y_CLASS),
        Raises(TypeError, "must be a fitted PrunedMLPClassifier"), ()),
    "sensitivity_kind": (lambda f: sensitivity_indicators(f["clf"], X, Y_CLASS,
                                                          kind="layers"),
                         Raises(_BAD, "'kind' parameter"), ()),
    "sensitivity_one_row": (lambda f: sensitivity_indicators(f["clf"], X[:1], Y_CLASS[:1]),
                            Works(lambda v: v.shape == (3,) and np.all(v >= 0)), ()),
    "sensitivity_unfitted": (
        lambda f: sensitivity_indicators(PrunedMLPClassifier(), X, Y_CLASS), _NOT_FITTED, ()),
    "sensitivity_not_a_network": (lambda f: sensitivity_indicators(object(), X, Y_CLASS),
                                  _NOT_OURS, ()),
    "input_report_nan": (lambda f: input_report(f["clf"], _X_NAN, Y_CLASS), NAN, ()),
    "input_report_unfitted": (lambda f: input_report(PrunedMLPRegressor(), X, Y_REAL),
                              _NOT_FITTED, ()),
    "export_text_unfitted": (lambda f: export_text(PrunedMLPClassifier()), _NOT_FITTED, ()),
    "export_text_not_a_network": (lambda f: export_text(object()), _NOT_OURS, ()),
    "export_text_feature_names": (lambda f: export_text(f["clf"], feature_names=["a"]),
                                  Raises(ValueError, "feature_names has 1 names"), ()),
    "export_text_class_names": (lambda f: export_text(f["clf"], class_names=["a"]),
                                Raises(ValueError, "class_names has 1 names"), ()),
    "export_text_decimals": (lambda f: export_text(f["clf"], decimals=-1),
                             Raises(_BAD, "'decimals' parameter"), ()),
    "network_rules_unfitted": (lambda f: network_rules(PrunedMLPClassifier()), _NOT_FITTED,
                               ()),
    "network_rules_feature_names": (
        lambda f: network_rules(f["clf"], feature_names=["a", "b"]),
        Raises(ValueError, "feature_names has 2 names"), ()),
    "fewest_within_noise_negative_n_se": (lambda f: fewest_within_noise(n_se=-1),
                                          Raises(ValueError, "n_se must be a finite non-negative"),
                                          ()),
    "fewest_within_noise_nan_n_se": (
        lambda f: fewest_within_noise(n_se=np.nan)(_cv_results([0.9, 1.0], [0.1, 0.1])),
        Raises(ValueError, "n_se must be a finite"), ()),
    "fewest_within_noise_n_features": (lambda f: fewest_within_noise(n_features=0),
                                       Raises(ValueError, "n_features must be a positive"),
                                       ()),
    "fewest_within_noise_not_searched": (
        lambda f: fewest_within_noise("max_neurons")(_cv_results([1.0], [0.0], (1,))),
        Raises(KeyError, "'max_neurons' was not searched"), ()),
    "fewest_within_noise_nan_std": (
        lambda f: fewest_within_noise()(_cv_results([0.9, 1.0], [np.nan, np.nan])),
        Raises(ValueError, "std_test_score"), ()),
    "fewest_within_noise_one_nan_mean": (
        lambda f: fewest_within_noise()(_cv_results([np.nan, 1.0], [0.1, 0.1])),
        Works(lambda index: index == 1), ()),
    "fewest_within_noise_all_nan": (
        lambda f: fewest_within_noise()(_cv_results([np.nan, np.nan], [0.1, 0.1])),
        Raises(ValueError, "every candidate's mean_test_score is NaN"), ()),
    "fewest_within_noise_counts_and_fractions": (
        lambda f: fewest_within_noise()(_cv_results([0.9, 1.0], [0.1, 0.1], (1, 0.5))),
        Raises(ValueError, "mixes counts .* and fractions"), ()),
    "load_us_elections_return_X_y": (lambda f: datasets.load_us_elections(return_X_y="yes"),
                                     Raises(TypeError, "return_X_y must be a bool"), ()),
    "load_us_elections_as_frame": (lambda f: datasets.load_us_elections(as_frame=1),
                                   Raises(TypeError, "as_frame must be a bool"), ()),
    "load_us_elections_positional": (lambda f: datasets.load_us_elections(True),
                                     Raises(TypeError, "positional argument"), ()),
}


@pytest.mark.parametrize("run,expected", [pytest.param(run, expected, id=case, marks=marks)
                                          for case, (run, expected, marks)
                                          in FUNCTION_CASES.items()])
def test_bad_input_to_methods_and_functions(fitted, run, expected):
    outcome_of(expected, lambda: run(fitted))


# ------------------------------------------------------------------------ plots
def _plot_cases():
    from sklearn_nnprune.plot import NetworkDisplay, PruningPathDisplay, SensitivityDisplay
    return {
        "path_unfitted": (lambda f: PruningPathDisplay.from_estimator(PrunedMLPClassifier()),
                          _NOT_FITTED),
        "path_size": (lambda f: PruningPathDisplay.from_estimator(f["clf"], size="weights"),
                      Raises(ValueError, "size must be one of")),
        "sensitivity_unfitted": (
            lambda f: SensitivityDisplay.from_estimator(PrunedMLPClassifier()), _NOT_FITTED),
        "sensitivity_nan": (lambda f: SensitivityDisplay.from_estimator(f["clf"], _X_NAN,
                                                                        Y_CLASS), NAN),
        "sensitivity_X_without_y": (lambda f: SensitivityDisplay.from_estimator(f["clf"], X),
                                    Raises(ValueError, "Pass both X and y")),
        "network_unfitted": (lambda f: NetworkDisplay.from_estimator(PrunedMLPRegressor()),
                             _NOT_FITTED),
        "network_feature_names": (
            lambda f: NetworkDisplay.from_estimator(f["clf"], feature_names=["a"]),
            Raises(ValueError, "feature_names has 1 names for 3 inputs")),
        "network_not_an_estimator": (lambda f: NetworkDisplay.from_estimator(object()),
                                     Raises(TypeError, "is not an estimator")),
    }


@pytest.mark.parametrize("case", ["path_unfitted", "path_size", "sensitivity_unfitted",
                                  "sensitivity_nan", "sensitivity_X_without_y",
                                  "network_unfitted", "network_feature_names",
                                  "network_not_an_estimator"])
def test_bad_input_to_plots(fitted, case):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    run, expected = _plot_cases()[case]
    try:
        outcome_of(expected, lambda: run(fitted))
    finally:
        plt.close("all")
