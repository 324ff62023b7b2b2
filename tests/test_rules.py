"""Verbal rules: export_text and network_rules are executable truth.

Every test evaluates the rules with its own small interpreter (of the structured
form, or of the printed text) and compares with ``predict``.
"""

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_nnprune import (PrunedMLPClassifier, PrunedMLPRegressor, datasets,
                             export_text, network_rules)

# The paper's criterion: the training set must stay solved exactly.
EXACT = dict(tolerance=0.0, noise_tolerance=0.0, cv=None)
TRANSPARENT = dict(hidden_layer_sizes=(4,), prune=("inputs",), weight_levels="ternary",
                   binarize_neurons=True, **EXACT)
ACTIVATIONS = {"tanh": np.tanh, "logistic": expit, "relu": lambda z: np.maximum(z, 0),
               "identity": lambda z: z, "rational": lambda z: z / (1 + np.abs(z))}


def boolean_task(rule, seed, n=200, n_features=10):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 2, (n, n_features)).astype(float)
    if rule == "2of3":
        y = X[:, :3].sum(axis=1) >= 2
    else:  # (x0 and x1) or x2
        y = (X[:, 0] * X[:, 1] + X[:, 2]) > 0
    return X, y.astype(int)


# ------------------------------------------------ interpreter of the structure
def evaluate_rules(rules, X):
    """Predictions of the structured rules, computed without the network."""
    X = np.asarray(X, dtype=float)
    value, truth = {}, {}
    for inp in rules["inputs"]:
        value[inp["name"]] = X[:, inp["index"]]
        if inp["values"] is not None:
            truth[inp["name"]] = X[:, inp["index"]] == inp["values"][1]

    def weighted(terms):
        return sum((w * value[s] for s, w in terms), np.zeros(X.shape[0]))

    def count(conditions):
        return sum((truth[s] != negated for s, negated in conditions), np.zeros(X.shape[0]))

    for unit in rules["neurons"]:
        if unit["kind"] == "activation":
            z = weighted(unit["terms"]) + unit["bias"]
            value[unit["name"]] = ACTIVATIONS[unit["activation"]](z)
            continue
        if unit["kind"] == "at_least":
            fire = count(unit["conditions"]) >= unit["min_true"]
        else:
            fire = weighted(unit["terms"]) >= unit["threshold"]
        truth[unit["name"]] = fire
        value[unit["name"]] = np.where(fire, unit["values"][1], unit["values"][0])
    out = rules["output"]
    if out["kind"] == "at_least":
        fire = count(out["conditions"]) >= out["min_true"]
        return np.where(fire, out["classes"][1], out["classes"][0])
    if out["kind"] == "threshold":
        fire = weighted(out["terms"]) > out["threshold"]
        return np.where(fire, out["classes"][1], out["classes"][0])
    if out["kind"] == "argmax":
        scores = np.stack([weighted(s["terms"]) + s["bias"] for s in out["scores"]], axis=1)
        return np.array([s["class"] for s in out["scores"]])[scores.argmax(axis=1)]
    targets = [weighted(t["terms"]) + t["bias"] for t in out["targets"]]
    return targets[0] if len(targets) == 1 else np.stack(targets, axis=1)


# --------------------------------------------------- interpreter of the text
def _conditions(body):
    return [(c[4:].strip("()"), True) if c.startswith("not ") else (c, False)
            for c in body.split(", ")]


def _boolean(body, truth):
    """Truth of a printed Boolean body: always, never, one condition, or at least m
    of / all of / any of {conditions}."""
    n = len(next(iter(truth.values())))
    if body in ("always", "never"):
        return np.full(n, body == "always")
    match = re.fullmatch(r"(at least (\d+)|all|any) of \{(.*)\}", body)
    conditions = _conditions(match.group(3)) if match else _conditions(body)
    count = sum(truth[name] != negated for name, negated in conditions)
    if not match or match.group(1) == "any":
        return count >= 1
    if match.group(1) == "all":
        return count == len(conditions)
    return count >= int(match.group(2))


def _numeric(expression, value):
    """Value of a printed weighted sum (or activation of one)."""
    names = sorted(value, key=len, reverse=True)
    code = expression
    for k, name in enumerate(names):
        code = code.replace(name, f"v[{k}]")
    namespace = {"v": [value[n] for n in names], **ACTIVATIONS}
    return eval(code, namespace)  # noqa: S307 - our own printed arithmetic


def evaluate_text(text, X, feature_names):
    """Predictions of the printed rules of a classifier on 0/1 or numeric inputs."""
    X = np.asarray(X, dtype=float)
    value = {name: X[:, i] for i, name in enumerate(feature_names)}
    truth = {name: X[:, i] == 1 for i, name in enumerate(feature_names)}
    levels = {}
    lines = text.splitlines()
    for line in lines:
        legend = re.fullmatch(r"\(in sums, (.*) = (\S+) when true, (\S+) when false\)", line)
        if legend:
            for name in legend.group(1).split(", "):
                levels[name] = (float(legend.group(3)), float(legend.group(2)))
    body_lines = [line for line in lines if not line.startswith("(")]
    for line in body_lines:
        if line.startswith("|"):
            break
        name, body = line.split(" = ", 1)
        if re.fullmatch(r"\w+\(.*\)", body) and body.split("(")[0] in ACTIVATIONS:
            value[name] = _numeric(body, value)
            continue
        comparison = re.fullmatch(r"(.*) (>=|<=) (\S+)", body)
        if comparison and not body.startswith(("at least", "all of", "any of")):
            left = _numeric(comparison.group(1), value)
            bound = float(comparison.group(3))
            fire = left >= bound if comparison.group(2) == ">=" else left <= bound
        else:
            fire = _boolean(body, truth)
        truth[name] = fire
        low, high = levels.get(name, (-1.0, 1.0))
        value[name] = np.where(fire, high, low)
    tree = [line for line in body_lines if line.startswith("|")]
    condition, then, otherwise = tree[0][5:], tree[1].split("class: ")[1], \
        tree[3].split("class: ")[1]
    comparison = re.fullmatch(r"(.*) (>|<) (\S+)", condition)
    if comparison and not condition.startswith(("at least", "all of", "any of")):
        left = _numeric(comparison.group(1), value)
        bound = float(comparison.group(3))
        fire = left > bound if comparison.group(2) == ">" else left < bound
    else:
        fire = _boolean(condition, truth)
    return np.where(fire, then, otherwise)


# ------------------------------------------------------------------- tests
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("rule", ["2of3", "andor"])
def test_transparent_rule_is_stated_and_exact(rule, seed):
    X, y = boolean_task(rule, seed)
    names = [f"f{i}" for i in range(X.shape[1])]
    df = pd.DataFrame(X, columns=names)
    clf = PrunedMLPClassifier(random_state=seed, **TRANSPARENT).fit(df, y)
    text = export_text(clf, class_names=["no", "yes"])
    # Only the relevant inputs are named, all as "at least m of" conditions.
    assert set(re.findall(r"f\d", text)) == {"f0", "f1", "f2"}
    rules = network_rules(clf)
    assert all(u["kind"] == "at_least" for u in rules["neurons"])
    assert rules["output"]["kind"] == "at_least"
    assert "*" not in text and "tanh" not in text
    expected = np.where(clf.predict(df) == 1, "yes", "no")
    assert_array_equal(evaluate_text(text, X, names), expected)
    assert_array_equal(evaluate_rules(network_rules(clf, class_names=["no", "yes"]), X),
                       expected)
    assert_array_equal(clf.predict(df), y)


def test_two_of_three_reads_as_the_rule():
    X, y = boolean_task("2of3", 0)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), prune=("inputs", "neurons"),
                              weight_levels="ternary", binarize_neurons=True,
                              **EXACT, random_state=0).fit(X, y)
    text = export_text(clf, feature_names=list("abcdefghij"))
    first = text.splitlines()[0]
    assert re.fullmatch(r"h1\[\d\] = at least 2 of \{a, b, c\}", first), text


def test_us_elections_rule():
    data = datasets.load_us_elections(as_frame=True)
    train = data.years <= 1980
    X, y = data.data[train], data.target[train]
    clf = PrunedMLPClassifier(hidden_layer_sizes=(2,), weight_levels="ternary",
                              binarize_neurons=True, **EXACT,
                              random_state=0).fit(X, y)
    assert clf.n_inputs_ <= 5
    assert clf.score(X, y) == 1.0
    text = export_text(clf, class_names=data.target_names)
    assert len(text.splitlines()) <= 8
    for key in np.asarray(data.feature_names)[~clf.support_]:
        assert key not in text
    expected = np.asarray(data.target_names)[clf.predict(data.data)]
    assert_array_equal(evaluate_text(text, data.data, data.feature_names), expected)


@pytest.mark.parametrize("params", [
    dict(),
    dict(binarize_neurons=True),
    dict(binarize_neurons=True, activation="logistic"),
    dict(binarize_neurons=True, activation="relu"),
    dict(weight_levels="binary", activation="rational"),
    dict(hidden_layer_sizes=(3, 2), weight_levels="ternary", binarize_neurons=True),
    dict(hidden_layer_sizes=()),
])
def test_rules_predict_as_the_network(params):
    X, y = boolean_task("andor", 0)
    X = X[:, :5]
    X[:, 4] = np.random.RandomState(0).normal(50, 10, X.shape[0])  # a continuous input
    kw = dict(hidden_layer_sizes=(3,), prune=(), **EXACT, random_state=0)
    kw.update(params)
    clf = PrunedMLPClassifier(**kw).fit(X, y)
    assert_array_equal(evaluate_rules(network_rules(clf), X), clf.predict(X).astype(str))
    names = [f"x{i}" for i in range(5)]
    text = export_text(clf, decimals=12)
    assert_array_equal(evaluate_text(text, X, names), clf.predict(X).astype(str))


@pytest.mark.parametrize("seed", range(6))
def test_text_of_unquantized_threshold_neurons_decides_as_the_network(seed):
    # Threshold neurons without weight levels have weights that differ in the
    # fourth digit; at two decimals a rounded sum can flip a combination of the
    # Boolean inputs (0.46 * x0 >= 0.46 for 0.463869 < 0.463884).
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 2, size=(120, 5)).astype(float)
    y = (X[:, :3].sum(axis=1) >= 2).astype(int)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(3,), max_iter=100, retrain_iter=5,
                              binarize_neurons=True, random_state=seed).fit(X, y)
    names = [f"x{i}" for i in range(5)]
    text = export_text(clf)
    assert_array_equal(evaluate_text(text, X, names), clf.predict(X).astype(str))


def test_truth_table_reads_unequal_weights_as_a_count():
    from sklearn_nnprune._rules import _at_least

    sources = dict.fromkeys("abc", (0.0, 1.0))
    terms = [("a", 0.463869), ("b", 0.45), ("c", 0.44)]
    conditions, m, flipped = _at_least(terms, -0.463884, sources, strict=False)
    assert (m, flipped) == (2, False)
    assert conditions == [("a", False), ("b", False), ("c", False)]
    # A threshold function that is no count: a alone, or b and c together.
    assert _at_least([("a", 2.0), ("b", 1.0), ("c", 1.0)], -1.5, sources,
                     strict=False) is None


def test_threshold_text_separates_the_combinations():
    from sklearn_nnprune._rules import _threshold_text

    sources = dict.fromkeys("ab", (0.0, 1.0))
    terms = [("a", 0.463869), ("b", 2.0)]
    # Without sources: the rounded weights and threshold.
    assert _threshold_text(terms, 0.463884, 2, ">=") == "0.46 * a + 2.00 * b >= 0.46"
    # Over 0/1 sources "a" alone stays below (0.463869 < 0.463884): the printed
    # threshold lies strictly between the rounded sums below and above it.
    text = _threshold_text(terms, 0.463884, 2, ">=", sources)
    assert text == "0.46 * a + 2.00 * b >= 1", text
    # One source: the cut on the source itself.
    assert _threshold_text([("a", -2.0)], -1.0, 2, ">=", sources) == "a <= 0.50"
    # The weights take more decimals only when two decimals cannot separate.
    close = [("a", 1.004), ("b", 1.003), ("c", 2.0)]
    sources = dict.fromkeys("abc", (0.0, 1.0))
    text = _threshold_text(close, 1.0035, 2, ">=", sources)
    assert text == "1.004 * a + 1.003 * b + 2.000 * c >= 1.0035", text


def test_threshold_text_has_no_ties_with_the_printed_threshold():
    from sklearn_nnprune._rules import _threshold_text

    # At two decimals a = b = 1 sums to 0.20, the rounded threshold (0.20 >= 0.20
    # reads true); the network computes 0.2001 < 0.2004. The printed threshold
    # lies between the sums instead.
    sources = dict.fromkeys("ab", (-1.0, 1.0))
    text = _threshold_text([("a", 0.3004), ("b", -0.1003)], 0.2004, 2, ">=", sources)
    assert text == "0.30 * a - 0.10 * b >= 0.3", text


def test_small_and_zero_numbers_in_text():
    from sklearn_nnprune._rules import _fmt

    assert _fmt(0.000229, 2) == "0.00023"
    assert _fmt(-3.1e-9, 2) == "-3.1e-09"
    assert _fmt(-0.0, 2) == "0.00"
    assert _fmt(12.3456, 2) == "12.35"
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(2,), prune=(), max_iter=50,
                              random_state=0).fit(X * 1e4, y)
    text = export_text(clf)
    assert "0.00 *" not in text and "-0.00" not in text, text


def test_rules_of_multiclass_and_regression():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 4))
    y = np.digitize(X[:, 0] + X[:, 1], [-0.5, 0.5])
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), binarize_neurons=True, cv=None,
                              random_state=0).fit(X, y)
    rules = network_rules(clf, class_names=["low", "mid", "high"])
    assert rules["output"]["kind"] == "argmax"
    assert_array_equal(evaluate_rules(rules, X),
                       np.array(["low", "mid", "high"])[clf.predict(X)])
    text = export_text(clf, class_names=["low", "mid", "high"])
    assert "score[high] = " in text and "highest score" in text

    Y = np.c_[3 * X[:, 0] + 100, np.tanh(X[:, 1])]
    reg = PrunedMLPRegressor(hidden_layer_sizes=(4,), weight_levels=5,
                             random_state=0).fit(X, Y)
    rules = network_rules(reg)
    assert rules["output"]["kind"] == "linear"
    assert_allclose(evaluate_rules(rules, X), reg.predict(X), rtol=1e-9, atol=1e-9)
    text = export_text(reg)
    assert "y[0] = " in text and "y[1] = " in text


def test_removed_elements_do_not_appear():
    X, y = boolean_task("andor", 1)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), random_state=1).fit(X, y)
    rules = network_rules(clf)
    kept = np.flatnonzero(clf.support_)
    assert [inp["index"] for inp in rules["inputs"]] == kept.tolist()
    alive = clf.masks_[0].any(axis=0) & clf.masks_[1].any(axis=1)
    assert [u["index"] for u in rules["neurons"]] == np.flatnonzero(alive).tolist()
    text = export_text(clf)
    for i in np.flatnonzero(~clf.support_):
        assert not re.search(rf"\bx{i}\b", text)
    for j in np.flatnonzero(~alive):
        assert f"h1[{j}]" not in text


def test_names_from_dataframe_and_arguments():
    X, y = boolean_task("2of3", 0, n_features=4)
    df = pd.DataFrame(X, columns=["rain", "wind", "cold", "dark"])
    clf = PrunedMLPClassifier(random_state=0, **TRANSPARENT).fit(df, y)
    text = export_text(clf)
    assert "rain" in text and "x0" not in text
    assert "class: 1" in text and "class: 0" in text
    renamed = export_text(clf, feature_names=["A", "B", "C", "D"], class_names=["n", "y"])
    assert "A" in renamed and "rain" not in renamed and "class: y" in renamed


def test_names_with_spaces_are_parenthesized_in_formulas():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 2))
    y = 3 * X[:, 0] - 2 * X[:, 1]
    reg = PrunedMLPRegressor(hidden_layer_sizes=(), prune=(), random_state=0).fit(X, y)
    text = export_text(reg, feature_names=["blood pressure", "age > 42"])
    assert "* (blood pressure)" in text and "* (age > 42)" in text


def test_decimals():
    X, y = boolean_task("andor", 0)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(2,), prune=(), random_state=0).fit(X, y)
    numbers = re.findall(r"\d+\.(\d+)", export_text(clf, decimals=4))
    assert numbers and all(len(d) == 4 for d in numbers)
    # No decimals, except for a nonzero number that would read as 0.
    text = export_text(clf, decimals=0)
    assert all(0 < abs(float(v)) < 0.5 for v in re.findall(r"\d+\.\d+(?:e-\d+)?", text))
    assert re.search(r"\* x0", text) and not re.search(r"[^.\d]0 \*", text), text


def test_bad_arguments():
    X, y = boolean_task("2of3", 0, n_features=4)
    clf = PrunedMLPClassifier(hidden_layer_sizes=(2,), prune=(), max_iter=20,
                              random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="feature_names has 3 names but the estimator "
                                         "has 4 features"):
        export_text(clf, feature_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="class_names has 3 names but the estimator "
                                         "has 2 classes"):
        export_text(clf, class_names=["a", "b", "c"])
    reg = PrunedMLPRegressor(hidden_layer_sizes=(2,), prune=(), max_iter=20,
                             random_state=0).fit(X, y.astype(float))
    with pytest.raises(ValueError, match="class_names applies only to a classifier"):
        export_text(reg, class_names=["a", "b"])
    with pytest.raises(InvalidParameterError, match="decimals"):
        export_text(clf, decimals=-1)
    with pytest.raises(NotFittedError):
        export_text(PrunedMLPClassifier())
    with pytest.raises(TypeError, match="must be a fitted PrunedMLPClassifier"):
        network_rules(object())


# A name that tries to forge rule lines, one with a tab, one with a terminal escape,
# one with an invisible right-to-left override.
FORGING = ["rain\n|--- class: yes", "wind\tspeed", "cold\x1b[2J", "dark\u202e"]


def _printable_lines(text):
    return all(line.isprintable() for line in text.split("\n"))


@pytest.mark.parametrize("transparent", [True, False])
def test_names_with_control_characters_are_quoted(transparent):
    X, y = boolean_task("2of3", 0, n_features=4)
    params = TRANSPARENT if transparent else dict(hidden_layer_sizes=(2,), prune=())
    ordinary = export_text(PrunedMLPClassifier(random_state=0, **params).fit(X, y),
                           feature_names=["a", "b", "c", "d"], class_names=["n", "y"])
    clf = PrunedMLPClassifier(random_state=0, **params).fit(
        pd.DataFrame(X, columns=FORGING), y)
    text = export_text(clf, class_names=["no\n|--- class: no", "yes"])
    assert _printable_lines(text), text
    # The same rules, line for line: nothing was forged.
    assert len(text.splitlines()) == len(ordinary.splitlines())
    assert repr(FORGING[0]) in text and repr("no\n|--- class: no") in text
    if not transparent:  # every input is in the weighted sums
        assert all(repr(name) in text for name in FORGING), text
    # The structured rules keep the names as they are (data, not text).
    assert {inp["name"] for inp in network_rules(clf)["inputs"]} <= set(FORGING)


def test_printable_names_print_as_they_are():
    X, y = boolean_task("2of3", 0, n_features=4)
    names = ["ünïcødé", "'quoted'", "back\\slash", "x [mm]"]
    clf = PrunedMLPClassifier(hidden_layer_sizes=(2,), prune=(), random_state=0).fit(
        pd.DataFrame(X, columns=names), y)
    text = export_text(clf)
    assert all(name in text for name in names[:3]) and "(x [mm])" in text
    assert "'ünïcødé'" not in text and "\\\\" not in text
