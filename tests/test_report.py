import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_friedman1
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression

from sklearn_nnprune import (NetworkInputSelector, PrunedMLPClassifier, PrunedMLPRegressor,
                             input_report, sensitivity_indicators)
from sklearn_nnprune._report import _removal_steps

COLUMNS = ["feature", "sensitivity_sum", "sensitivity_max", "share", "importance", "rank",
           "kept", "removed_at_step", "removed_by"]


def net(**kw):
    params = dict(hidden_layer_sizes=(6,), max_iter=200, retrain_iter=30, random_state=0)
    params.update(kw)
    return PrunedMLPRegressor(**params)


@pytest.fixture(scope="module")
def data():
    X, y = make_friedman1(n_samples=200, n_features=7, random_state=0)
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(7)]), y


@pytest.fixture(scope="module")
def inputs_only(data):
    X, y = data
    return net(prune=("inputs",), max_inputs=3, tolerance=None).fit(X, y)


def test_columns_and_values(data, inputs_only):
    X, y = data
    report = input_report(inputs_only, X, y)
    assert list(report.columns) == COLUMNS
    assert len(report) == 7
    by_name = report.set_index("feature").loc[list(X.columns)]
    for how in ("sum", "max"):
        np.testing.assert_allclose(by_name[f"sensitivity_{how}"],
                                   sensitivity_indicators(inputs_only, X, y, indicator=how))
    np.testing.assert_allclose(by_name["share"],
                               by_name["sensitivity_sum"] / by_name["sensitivity_sum"].sum())
    np.testing.assert_allclose(by_name["importance"], inputs_only.feature_importances_)
    np.testing.assert_array_equal(by_name["kept"], inputs_only.support_)
    assert (by_name.loc[~by_name["kept"], ["sensitivity_sum", "share"]] == 0).all().all()


def test_rows_sorted_by_rank_then_sensitivity(data, inputs_only):
    X, y = data
    report = input_report(inputs_only, X, y)
    assert report["rank"].is_monotonic_increasing
    kept = report[report["kept"]]
    assert kept["sensitivity_sum"].is_monotonic_decreasing
    assert (kept["rank"] == 1).all()


def test_removal_steps_follow_the_history(data, inputs_only):
    X, y = data
    report = input_report(inputs_only, X, y).set_index("feature")
    expected = {name: entry["step"] for entry in inputs_only.pruning_history_
                if entry["accepted"] for name in entry["removed"]}
    assert len(expected) == 4
    for name, step in expected.items():
        assert report.loc[name, "removed_at_step"] == step
        assert report.loc[name, "removed_by"] == "inputs"
    assert report.loc[report["kept"], "removed_at_step"].isna().all()
    assert report.loc[report["kept"], "removed_by"].isna().all()
    # Removed earlier = larger rank.
    removed = report[~report["kept"]]
    assert np.all(np.diff(removed["removed_at_step"].to_numpy()[
        np.argsort(removed["rank"].to_numpy())]) <= 0)


def test_cascade_removals_are_attributed_to_their_step(data):
    """Inputs that lose their last synapse leave at the synapse step that cut it:
    per accepted step, the inputs attributed equal the drop of n_inputs."""
    X, y = data
    model = net(hidden_layer_sizes=(4,), prune=("neurons", "synapses"), max_neurons=2,
                max_synapses=5, tolerance=None).fit(X, y)
    steps, kinds, _ = _removal_steps(model)
    assert (steps >= 0).all()  # the replay explains the fitted masks
    np.testing.assert_array_equal(steps == 0, model.support_)
    previous = X.shape[1]
    for entry in model.pruning_history_:
        if entry["accepted"]:
            assert (steps == entry["step"]).sum() == previous - entry["n_inputs"]
            assert set(kinds[steps == entry["step"]]) <= {entry["kind"]}
            previous = entry["n_inputs"]
    report = input_report(model, X, y)
    assert set(report.loc[~report["kept"], "removed_by"]) <= {"neurons", "synapses"}


def test_selector_report_uses_its_ranking(data):
    X, y = data
    sel = NetworkInputSelector(net(prune=("inputs",), tolerance=None), max_inputs=2).fit(X, y)
    report = input_report(sel, X, y).set_index("feature").loc[list(X.columns)]
    np.testing.assert_array_equal(report["rank"], sel.ranking_)
    np.testing.assert_array_equal(report["kept"], sel.support_)


def test_committee_report_has_votes(data):
    X, y = data
    sel = NetworkInputSelector(net(prune=("inputs",), tolerance=None), max_inputs=3,
                               n_networks=3, random_state=0).fit(X, y)
    report = input_report(sel, X, y)
    assert "votes" in report.columns and "removed_at_step" not in report.columns
    report = report.set_index("feature").loc[list(X.columns)]
    np.testing.assert_array_equal(report["votes"], sel.votes_)
    mean_sum = np.mean([sensitivity_indicators(m, X, y) for m in sel.estimators_], axis=0)
    np.testing.assert_allclose(report["sensitivity_sum"], mean_sum)
    assert not report["dependent"].any()


def test_committee_report_marks_dependent_inputs(data):
    X, y = data
    X = X.assign(copy=X.iloc[:, 0] * 3 - 1)
    # Unpruned networks keep both (a pruned one drops the copy itself).
    sel = NetworkInputSelector(net(prune=()), n_networks=3, random_state=0).fit(X, y)
    report = input_report(sel, X, y).set_index("feature")
    dependent = [X.columns[i] for i in sel.dependent_inputs_]
    assert dependent and report["dependent"].sum() == len(dependent)
    assert report.loc[dependent, "dependent"].all()
    assert not report.loc[dependent, "kept"].any()


def test_classifier_report(data):
    X, y = data
    labels = np.where(y > np.median(y), "high", "low")
    clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=20,
                              prune=("inputs",), random_state=0).fit(X, labels)
    report = input_report(clf, X, labels)
    assert report["kept"].sum() == clf.n_inputs_


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_errors(data, inputs_only):
    X, y = data
    with pytest.raises(NotFittedError):
        input_report(net(), X, y)
    with pytest.raises(NotFittedError):
        input_report(NetworkInputSelector(), X, y)
    with pytest.raises(TypeError, match="must be a fitted PrunedMLPClassifier"):
        input_report(LinearRegression().fit(X, y), X, y)
    with pytest.raises(ValueError, match="X has 3 features"):
        input_report(inputs_only, X.to_numpy()[:, :3], y)
    with pytest.raises(ValueError, match="feature names should match"):
        input_report(inputs_only, X.rename(columns={"f0": "g0"}), y)
    with pytest.raises(ValueError, match="y has shape"):
        input_report(inputs_only, X, y[:10])


def test_inputs_not_modified(data, inputs_only):
    X, y = data
    X_copy, y_copy = X.copy(), y.copy()
    input_report(inputs_only, X, y)
    pd.testing.assert_frame_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
