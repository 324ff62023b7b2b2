import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_friedman1

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from sklearn_nnprune import (NetworkInputSelector, PrunedMLPClassifier,  # noqa: E402
                             PrunedMLPRegressor, sensitivity_indicators)
from sklearn_nnprune.plot import (NetworkDisplay, PruningPathDisplay,  # noqa: E402
                                  SensitivityDisplay)

GREY = to_rgba("lightgrey")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    X, y = make_friedman1(n_samples=200, n_features=7, random_state=0)
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(7)]), y


@pytest.fixture(scope="module")
def reg(data):
    X, y = data
    # Neurons and synapses are pruned too, and a cap forces some steps.
    return PrunedMLPRegressor(hidden_layer_sizes=(5,), max_iter=200, retrain_iter=30,
                              max_neurons=4, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def clf():
    X, y = make_classification(n_samples=150, n_features=5, n_informative=3,
                               n_redundant=0, n_classes=3, random_state=0)
    return PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=150, retrain_iter=20,
                               random_state=0).fit(X, y)


# ------------------------------------------------------------------ path
def test_pruning_path_draws_every_step(reg):
    display = PruningPathDisplay.from_estimator(reg)
    hist = reg.pruning_report()
    accepted = hist[hist["accepted"]]
    x, y = display.line_.get_data()
    full = sum(M.size for M in reg.masks_)
    np.testing.assert_array_equal(x, [full] + accepted["n_synapses"].tolist())
    np.testing.assert_allclose(y, [reg.baseline_score_] + accepted["score"].tolist())
    for kind, markers in display.markers_.items():
        assert len(markers.get_offsets()) == (accepted["kind"] == kind).sum()
    assert set(display.markers_) == set(accepted["kind"])
    assert display.ax_.get_ylabel() == "criterion score (r2)"
    rejected = hist[~hist["accepted"] & np.isfinite(hist["score"])]
    if len(rejected):
        assert len(display.rejected_.get_offsets()) == len(rejected)
    forced = accepted[accepted["forced"]]
    assert len(forced) > 0
    assert len(display.forced_.get_offsets()) == len(forced)
    assert display.ax_.xaxis_inverted()
    assert display.ax_.get_xlabel().startswith("number of synapses")
    assert f"{reg.n_synapses_} synapses" in display.ax_.get_title()
    assert display.figure_ is display.ax_.figure
    labels = display.ax_.get_legend_handles_labels()[1]
    assert {"accepted steps", "unpruned network"} <= set(labels)


@pytest.mark.parametrize("size", ["n_inputs", "n_neurons", "step"])
def test_pruning_path_size_axis(reg, size):
    _, ax = plt.subplots()
    display = PruningPathDisplay.from_estimator(reg, size=size, ax=ax, show_rejected=False)
    assert display.ax_ is ax
    assert display.rejected_ is None
    x = display.line_.get_xdata()
    accepted = reg.pruning_report().query("accepted")
    assert x[-1] == accepted[size].iloc[-1]
    assert ax.xaxis_inverted() == (size != "step")


def test_pruning_path_names_the_classifier_criterion():
    X, y = make_classification(n_samples=200, n_features=5, n_informative=3,
                               n_redundant=0, random_state=0)
    kw = dict(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=10, random_state=0)
    for scoring in ("neg_log_loss", "accuracy"):
        clf = PrunedMLPClassifier(scoring=scoring, **kw).fit(X, y)
        display = PruningPathDisplay.from_estimator(clf)
        assert display.ax_.get_ylabel() == f"criterion score ({scoring})"
        plt.close(display.figure_)


def test_pruning_path_bad_size(reg):
    with pytest.raises(ValueError, match="size must be one of"):
        PruningPathDisplay.from_estimator(reg, size="layers")


# ----------------------------------------------------------- sensitivity
def test_sensitivity_bars(data, reg):
    display = SensitivityDisplay.from_estimator(reg)
    n = reg.n_features_in_
    assert len(display.bars_) == n
    kept = np.flatnonzero(reg.support_)
    names = np.array([f"f{i}" for i in range(n)])
    # Kept inputs first, most important at the top.
    expected_kept = names[kept[np.argsort(-reg.feature_importances_[kept])]].tolist()
    assert display.labels_[:len(kept)] == expected_kept
    widths = [bar.get_width() for bar in display.bars_]
    np.testing.assert_allclose(sorted(widths), sorted(reg.feature_importances_))
    n_removed = n - len(kept)
    greyed = [bar for bar in display.bars_ if bar.get_facecolor() == GREY]
    assert len(greyed) == n_removed
    assert len(display.annotations_) == n_removed
    steps = {name: entry["step"] for entry in reg.pruning_history_ if entry["accepted"]
             and entry["kind"] == "inputs" for name in entry["removed"]}
    for note, label in zip(display.annotations_, display.labels_[len(kept):]):
        if label in steps:
            assert note.get_text() == f"removed at step {steps[label]}"
    tick_colors = {t.get_text(): t.get_color() for t in display.ax_.get_yticklabels()}
    for name in names[~reg.support_]:
        assert tick_colors[name] == "grey"
    assert display.ax_.get_title().endswith(f"{len(kept)} of {n} inputs kept")


def test_sensitivity_on_data(data, reg):
    X, y = data
    display = SensitivityDisplay.from_estimator(reg, X, y, indicator="max")
    expected = sensitivity_indicators(reg, X, y, indicator="max")
    expected = expected / expected.sum()
    by_label = {label: bar.get_width() for label, bar in zip(display.labels_, display.bars_)}
    np.testing.assert_allclose([by_label[f"f{i}"] for i in range(7)], expected)
    assert "max" in display.ax_.get_xlabel()


def test_sensitivity_of_a_committee_greys_unselected_inputs(data):
    X, y = data
    net = PrunedMLPRegressor(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=20,
                             prune=("inputs",), tolerance=None)
    sel = NetworkInputSelector(net, max_inputs=3, n_networks=3, random_state=0).fit(X, y)
    display = SensitivityDisplay.from_estimator(sel, feature_names=list("abcdefg"))
    assert len(display.bars_) == 7
    assert sum(bar.get_facecolor() == GREY for bar in display.bars_) == 7 - sel.support_.sum()
    assert set(display.labels_) == set("abcdefg")
    notes = [t.get_text() for t in display.annotations_]
    assert len(notes) == 7 - sel.support_.sum()
    out = np.flatnonzero(~sel.support_)
    assert sorted(notes) == sorted(f"not selected: kept by {sel.votes_[i]} of 3" for i in out)


def test_sensitivity_names_a_selector_s_dependent_inputs(data):
    X, y = data
    X = X.assign(f0_copy=2 * X["f0"] + 1)
    # An unpruned network keeps both (a pruned one drops the copy itself).
    net = PrunedMLPRegressor(hidden_layer_sizes=(4,), max_iter=100, prune=(),
                             random_state=0)
    sel = NetworkInputSelector(net).fit(X, y)
    display = SensitivityDisplay.from_estimator(sel)
    notes = {display.labels_[len(display.labels_) - 1 - round(t.xy[1])]: t.get_text()
             for t in display.annotations_}
    dependent = [X.columns[i] for i in sel.dependent_inputs_]
    assert dependent, "the network should keep both f0 and its copy"
    for name in dependent:
        assert notes[name] == "linear combination of selected inputs"
    assert len(notes) == 8 - sel.support_.sum()


def test_sensitivity_errors(data, reg):
    X, y = data
    with pytest.raises(ValueError, match="Pass both X and y"):
        SensitivityDisplay.from_estimator(reg, X)
    with pytest.raises(ValueError, match="indicator must be"):
        SensitivityDisplay.from_estimator(reg, X, y, indicator="mean")
    with pytest.raises(ValueError, match="feature_names has 2 names for 7 inputs"):
        SensitivityDisplay.from_estimator(reg, feature_names=["a", "b"])


# --------------------------------------------------------------- network
def test_network_draws_remaining_synapses(reg):
    display = NetworkDisplay.from_estimator(reg)
    segments = display.synapses_.get_segments()
    assert len(segments) == reg.n_synapses_
    n_units = reg.n_features_in_ + reg.n_neurons_ + 1
    assert len(display.neurons_.get_offsets()) == n_units
    assert [t.get_text() for t in display.input_labels_] == [f"f{i}" for i in range(7)]
    removed = [t for t in display.input_labels_ if t.get_color() == "grey"]
    assert len(removed) == reg.n_features_in_ - reg.n_inputs_
    assert [t.get_text() for t in display.output_labels_] == ["y"]
    # Width grows with |w| and colour gives the sign, synapse by synapse.
    weights = np.concatenate([W[M] for W, M in zip(reg._state.coefs, reg.masks_)])
    widths = display.synapses_.get_linewidths()
    assert np.argmax(widths) == np.argmax(np.abs(weights))
    colors = display.synapses_.get_colors()
    np.testing.assert_array_equal(colors[:, 2] > colors[:, 0], weights >= 0)
    assert f"{reg.n_synapses_} synapses" in display.ax_.get_title()


def test_network_hides_removed_inputs_and_names_classes(clf):
    display = NetworkDisplay.from_estimator(clf, show_removed_inputs=False,
                                            feature_names=list("abcde"))
    assert len(display.input_labels_) == clf.n_inputs_
    assert len(display.neurons_.get_offsets()) == clf.n_inputs_ + clf.n_neurons_ + 3
    assert [t.get_text() for t in display.output_labels_] == ["P(0)", "P(1)", "P(2)"]
    assert len(display.synapses_.get_segments()) == clf.n_synapses_


def test_network_of_a_selector(data):
    X, y = data
    net = PrunedMLPRegressor(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=20,
                             prune=("inputs",), tolerance=None)
    sel = NetworkInputSelector(net, max_inputs=2).fit(X, y)
    display = NetworkDisplay.from_estimator(sel, show_removed_inputs=False)
    assert [t.get_text() for t in display.input_labels_] == list(sel.get_feature_names_out())


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize("Display", [PruningPathDisplay, SensitivityDisplay, NetworkDisplay])
def test_unfitted_and_wrong_estimators(Display, data):
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LinearRegression
    X, y = data
    with pytest.raises(NotFittedError):
        Display.from_estimator(PrunedMLPRegressor())
    with pytest.raises(TypeError, match="must be a fitted PrunedMLPClassifier"):
        Display.from_estimator(LinearRegression().fit(X, y))


@pytest.mark.parametrize("Display", [PruningPathDisplay, SensitivityDisplay, NetworkDisplay])
def test_clear_error_without_matplotlib(Display, reg, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install sklearn-nnprune\[plot\]"):
        Display.from_estimator(reg)


def test_plot_module_imports_without_matplotlib():
    code = ("import sys; sys.modules['matplotlib'] = None; "
            "import sklearn_nnprune, sklearn_nnprune.plot; "
            "print(sklearn_nnprune.plot.NetworkDisplay.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "NetworkDisplay"
