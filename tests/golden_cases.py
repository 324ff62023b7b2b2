"""Golden outputs of the pruning procedure: the cases, their fingerprints, and how to
record them.

Each case fits one estimator (network, selector, committee or transparent network)
on small fixed data with a fixed seed. Together they cover every criterion (cross-
fitted folds, held-out split, training set), every kind of element, the caps
(inputs, neurons, synapses, fan-in), weight levels (binary, ternary, n levels,
explicit values; forced and criterion-driven), threshold neurons, merging of
duplicate neurons, both solvers, both indicators and both references.

``tests/test_golden.py`` asserts that the current code reproduces the recorded
outputs: masks, history rows and accepted steps exactly, arrays to 1e-10. Record
them anew (only when a change of results is intended, and say why in the commit):

    python tests/golden_cases.py
"""

import json
import pathlib
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification, make_friedman1

from sklearn_nnprune import (MinimalNetworkCommittee, NetworkInputSelector,
                             PrunedMLPClassifier, PrunedMLPRegressor)
from sklearn_nnprune.datasets import load_us_elections

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent / "golden"
SMALL = dict(hidden_layer_sizes=(6,), max_iter=150, retrain_iter=20)


def _classification(n_classes=2, n_samples=240, n_features=8, seed=0):
    return make_classification(n_samples=n_samples, n_features=n_features,
                               n_informative=3, n_redundant=0, n_classes=n_classes,
                               n_clusters_per_class=1, shuffle=False, random_state=seed)


def _regression(n_outputs=1):
    X, y = make_friedman1(n_samples=240, n_features=7, random_state=0)
    if n_outputs == 2:
        y = np.column_stack([y, X[:, 0] - 2 * X[:, 1]])
    return X, y


def _elections():
    data = load_us_elections()
    train = data.years <= 1980
    return data.data[train], data.target[train]


def _duplicated_columns():
    X, y = _classification(n_features=6)
    return np.column_stack([X, X[:, 0], X[:, 1] + X[:, 2]]), y


def _transparent(**kw):
    return PrunedMLPClassifier(hidden_layer_sizes=(2,), cv=None, noise_tolerance=0.0,
                               random_state=0, **kw)


# name -> (estimator factory, data factory)
CASES = {
    "clf_cv_all_kinds": (lambda: PrunedMLPClassifier(random_state=0, **SMALL),
                         _classification),
    "clf_cv_defaults": (lambda: PrunedMLPClassifier(hidden_layer_sizes=(10,),
                                                    random_state=1), _classification),
    "clf_holdout": (lambda: PrunedMLPClassifier(cv=None, validation_fraction=0.25,
                                                random_state=0, **SMALL), _classification),
    "clf_training_set": (lambda: PrunedMLPClassifier(cv=None, noise_tolerance=0.0,
                                                     random_state=0, **SMALL),
                         _classification),
    "clf_multiclass_two_layers_max_zero": (
        lambda: PrunedMLPClassifier(hidden_layer_sizes=(6, 4), indicator="max",
                                    reference="zero", activation="logistic",
                                    max_iter=150, retrain_iter=20, random_state=2),
        lambda: _classification(n_classes=3)),
    "clf_caps_forced": (lambda: PrunedMLPClassifier(max_inputs=3, max_neurons=3,
                                                    max_synapses=10, tolerance=None,
                                                    random_state=0, **SMALL),
                        _classification),
    "clf_caps_with_criterion": (lambda: PrunedMLPClassifier(max_inputs=4, max_synapses=0.3,
                                                            random_state=3, **SMALL),
                                _classification),
    "clf_fan_in": (lambda: PrunedMLPClassifier(hidden_layer_sizes=(5, 3), max_fan_in=2,
                                               max_iter=150, retrain_iter=20,
                                               random_state=0), _classification),
    "clf_fan_in_forced": (lambda: PrunedMLPClassifier(hidden_layer_sizes=(5, 3), max_fan_in=3,
                                                      tolerance=None, max_iter=150,
                                                      retrain_iter=20, random_state=1),
                          _classification),
    "clf_synapses_int_step_accuracy": (
        lambda: PrunedMLPClassifier(prune=("synapses",), prune_step=5, scoring="accuracy",
                                    activation="relu", random_state=0, **SMALL),
        _classification),
    "clf_neurons_only_rational": (
        lambda: PrunedMLPClassifier(prune="neurons", activation="rational",
                                    hidden_layer_sizes=(12,), max_iter=150,
                                    retrain_iter=20, random_state=4), _classification),
    "clf_adam": (lambda: PrunedMLPClassifier(solver="adam", max_iter=60, retrain_iter=8,
                                             batch_size=64, random_state=0,
                                             hidden_layer_sizes=(6,)), _classification),
    "clf_levels_cv": (lambda: PrunedMLPClassifier(weight_levels=3, random_state=0, **SMALL),
                      _classification),
    "clf_levels_sequence_binarize_holdout": (
        lambda: PrunedMLPClassifier(weight_levels=[-2.0, -1.0, 0.0, 1.0, 2.0],
                                    binarize_neurons=True, cv=None,
                                    validation_fraction=0.3, random_state=0, **SMALL),
        _classification),
    "clf_levels_binary_forced": (
        lambda: PrunedMLPClassifier(weight_levels="binary", binarize_neurons=True,
                                    tolerance=None, max_inputs=4, random_state=0, **SMALL),
        _classification),
    "transparent_elections": (lambda: _transparent(weight_levels="ternary",
                                                   binarize_neurons=True), _elections),
    "transparent_elections_paper": (
        lambda: PrunedMLPClassifier(hidden_layer_sizes=(4,), cv=None, noise_tolerance=0.0,
                                    random_state=0), _elections),
    "reg_cv": (lambda: PrunedMLPRegressor(random_state=0, **SMALL), _regression),
    "reg_two_outputs_holdout": (
        lambda: PrunedMLPRegressor(cv=None, validation_fraction=0.25, random_state=1,
                                   **SMALL), lambda: _regression(2)),
    "reg_levels_binarize_training_set": (
        lambda: PrunedMLPRegressor(cv=None, noise_tolerance=1.0, weight_levels="ternary",
                                   binarize_neurons=True,
                                   random_state=0, **SMALL), _regression),
    "reg_caps_two_layers": (
        lambda: PrunedMLPRegressor(hidden_layer_sizes=(6, 3), max_neurons=4,
                                   max_synapses=15, max_iter=150, retrain_iter=20,
                                   random_state=0), _regression),
    "selector_one_network": (lambda: NetworkInputSelector(random_state=0),
                             _duplicated_columns),
    "selector_three_networks": (
        lambda: NetworkInputSelector(PrunedMLPClassifier(prune=("inputs",), **SMALL),
                                     n_networks=3, max_inputs=4, random_state=0),
        _duplicated_columns),
    "selector_regression": (lambda: NetworkInputSelector(random_state=0), _regression),
    "committee_elections": (
        lambda: MinimalNetworkCommittee(
            PrunedMLPClassifier(hidden_layer_sizes=(2,), cv=None, noise_tolerance=0.0),
            n_networks=3, random_state=0), _elections),
    "committee_regression": (
        lambda: MinimalNetworkCommittee(PrunedMLPRegressor(**SMALL), n_networks=2,
                                        voting="mean", max_attempts=3, random_state=0),
        _regression),
}

_NETWORK_ARRAYS = ("masks_", "coefs_", "intercepts_", "support_", "feature_importances_",
                   "quantized_", "binary_neurons_", "weight_levels_")
_NETWORK_VALUES = ("baseline_score_", "score_", "n_iter_", "n_inputs_", "n_neurons_",
                   "n_synapses_", "scoring_")


def _network_fingerprint(net, X, prefix, arrays, values):
    for name in _NETWORK_ARRAYS:
        value = getattr(net, name, None)
        if value is None:
            values[prefix + name] = None
        elif isinstance(value, list):
            for i, a in enumerate(value):
                arrays[f"{prefix}{name}/{i}"] = np.asarray(a)
            values[prefix + name] = len(value)
        else:
            arrays[prefix + name] = np.asarray(value)
    for name in _NETWORK_VALUES:
        value = getattr(net, name)
        values[prefix + name] = value.item() if hasattr(value, "item") else value
    values[prefix + "pruning_history_"] = net.pruning_history_
    arrays[prefix + "predict"] = np.asarray(net.predict(X))
    if hasattr(net, "predict_proba"):
        arrays[prefix + "predict_proba"] = net.predict_proba(X)


def fingerprint(estimator, X):
    """(arrays, values): the fitted outputs that the golden test compares."""
    arrays, values = {}, {}
    if isinstance(estimator, NetworkInputSelector):
        for name in ("support_", "ranking_", "votes_", "feature_importances_",
                     "dependent_inputs_"):
            arrays[name] = np.asarray(getattr(estimator, name))
        for k, net in enumerate(estimator.estimators_):
            _network_fingerprint(net, X, f"member{k}/", arrays, values)
    elif isinstance(estimator, MinimalNetworkCommittee):
        for name in ("supports_", "importances_", "train_scores_", "feature_importances_"):
            arrays[name] = np.asarray(getattr(estimator, name))
        for k, cols in enumerate(estimator.estimators_features_):
            arrays[f"estimators_features_/{k}"] = np.asarray(cols)
        values["attempts_"] = estimator.attempts_
        arrays["predict"] = np.asarray(estimator.predict(X))
        for k, net in enumerate(estimator.estimators_):
            cols = estimator.estimators_features_[k]
            Xk = pd.DataFrame(X[:, cols], columns=estimator._member_names[cols])
            _network_fingerprint(net, Xk, f"member{k}/", arrays, values)
    else:
        _network_fingerprint(estimator, X, "", arrays, values)
    return arrays, values


def run_case(name):
    make_estimator, make_data = CASES[name]
    X, y = make_data()
    return fingerprint(make_estimator().fit(X, y), X)


def versions():
    import scipy
    import sklearn
    return {"numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__}


def _to_json(value):
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return repr(value)
    return value


def record(names=None):
    """Record the cases ``names`` (all by default), keeping the other recorded ones."""
    GOLDEN_DIR.mkdir(exist_ok=True)
    all_arrays, all_values = {}, {}
    if names and (GOLDEN_DIR / "values.json").exists():
        all_values = json.loads((GOLDEN_DIR / "values.json").read_text())
        with np.load(GOLDEN_DIR / "arrays.npz") as data:
            all_arrays = {key: data[key] for key in data.files
                          if key.split("/")[0] not in names}
    all_values["versions"] = versions()
    for name in names or CASES:
        arrays, values = run_case(name)
        all_arrays.update({f"{name}/{k}": v for k, v in arrays.items()})
        all_values[name] = _to_json(values)
        print(f"recorded {name}: {len(arrays)} arrays", flush=True)
    np.savez_compressed(GOLDEN_DIR / "arrays.npz", **all_arrays)
    (GOLDEN_DIR / "values.json").write_text(json.dumps(all_values, indent=1,
                                                       sort_keys=True) + "\n")


if __name__ == "__main__":
    record(sys.argv[1:] or None)
