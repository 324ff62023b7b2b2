"""Input selection: NetworkInputSelector against scikit-learn's selectors.

Tasks (1000 samples each; the selection is fit on a 750-row train split
standardized with the train statistics, the downstream model is scored on the
other 250 rows):

- friedman1: make_friedman1(n_features=10); truth = inputs 0-4.
- classification: make_classification(n_features=20, n_informative=5,
  shuffle=False); truth = inputs 0-4. Inputs 5 and 6 are its two redundant inputs,
  exact linear combinations of 0-4, so any five of inputs 0-6 spanning the same
  space carry the same information: the column "equiv" reports that
  (selected set within 0-6, five inputs, rank 5) next to exact recovery.
- xor: 10 standard normal inputs, y = (x0 > 0) XOR (x1 > 0); truth = inputs 0, 1.
  Neither input has a marginal effect: linear selectors cannot find them.

Methods:

- nis: NetworkInputSelector() with its defaults (the estimators' default network).
- nis_x5: NetworkInputSelector(n_networks=5): inputs kept by a majority of 5
  minimal networks.
- sfs_fwd, sfs_bwd: SequentialFeatureSelector with an MLP(16,) inside
  (solver="lbfgs", max_iter=500), n_features_to_select="auto", tol=1e-3 forward and
  -1e-3 backward (stop when a step changes the CV score by less than that), cv=3.
- sfs_fwd_half, sfs_bwd_half: the same MLP in SequentialFeatureSelector with its
  own defaults (n_features_to_select="auto", tol=None: half of the inputs; cv=5),
  which is how it is most often run; slower, and the number kept is fixed.
- rfecv_lin: RFECV(LinearRegression / LogisticRegression), cv=5, step=1.
- rfecv_rf: RFECV(RandomForest(n_estimators=100)), cv=5, step=1.
- sfm_rf: SelectFromModel(RandomForest(n_estimators=100)), threshold = mean.
- perm_mlp: permutation importance of an MLP(16,) on the train split (10 repeats);
  keeps the inputs whose mean importance exceeds twice its standard deviation.

Reported per task, seed and method: the selected inputs, precision and recall
against the truth, exact recovery, the downstream test score of a
HistGradientBoosting model fit on the selected inputs (R^2 or accuracy; rows
"all" and "truth" give it with all inputs and with the true ones), the wall time
of the selection fit and its ratio to nis's time on the same task and seed.

All methods run in this one process, one after another, with BLAS limited to
``--blas-threads`` threads (default 1: on a shared machine extra BLAS threads only
add contention, and every method gets the same limit). SequentialFeatureSelector
is slow; by default it runs on seed 0 only (``--sfs-seeds``).

Run:  python benchmarks/bench_selection.py [--seeds 0 1] [--sfs-seeds 0]
          [--out benchmarks/RESULTS_selection.md]
"""

import argparse
import hashlib
import inspect
import os
import platform
import subprocess
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import RFECV, SelectFromModel, SequentialFeatureSelector
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import sklearn_nnprune
from sklearn_nnprune import NetworkInputSelector, PrunedMLPClassifier

TASKS = {
    "friedman1": dict(truth=range(5), regression=True),
    "classification": dict(truth=range(5), regression=False),
    "xor": dict(truth=range(2), regression=False),
}


def make_task(name, seed):
    if name == "friedman1":
        X, y = make_friedman1(n_samples=1000, n_features=10, random_state=seed)
    elif name == "classification":
        X, y = make_classification(n_samples=1000, n_features=20, n_informative=5,
                                   shuffle=False, random_state=seed)
    else:
        rng = np.random.RandomState(seed)
        X = rng.normal(size=(1000, 10))
        y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)
    X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=750,
                                                        random_state=seed)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def mlp(regression):
    cls = MLPRegressor if regression else MLPClassifier
    return cls(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=500, random_state=0)


def forest(regression):
    cls = RandomForestRegressor if regression else RandomForestClassifier
    return cls(n_estimators=100, random_state=0)


def linear(regression):
    return LinearRegression() if regression else LogisticRegression(max_iter=1000)


def select(method, X, y, regression, seed):
    """Fit the selection method on (X, y); return the selected input indices."""
    if method == "nis":
        return NetworkInputSelector(random_state=seed).fit(X, y).get_support(indices=True)
    if method == "nis_x5":
        sel = NetworkInputSelector(n_networks=5, random_state=seed).fit(X, y)
        return sel.get_support(indices=True)
    if method in ("sfs_fwd", "sfs_bwd"):
        forward = method == "sfs_fwd"
        sfs = SequentialFeatureSelector(
            mlp(regression), n_features_to_select="auto", tol=1e-3 if forward else -1e-3,
            direction="forward" if forward else "backward", cv=3)
        return sfs.fit(X, y).get_support(indices=True)
    if method in ("sfs_fwd_half", "sfs_bwd_half"):
        direction = "forward" if method == "sfs_fwd_half" else "backward"
        sfs = SequentialFeatureSelector(mlp(regression), direction=direction)
        return sfs.fit(X, y).get_support(indices=True)
    if method == "rfecv_lin":
        return RFECV(linear(regression), cv=5).fit(X, y).get_support(indices=True)
    if method == "rfecv_rf":
        return RFECV(forest(regression), cv=5).fit(X, y).get_support(indices=True)
    if method == "sfm_rf":
        return SelectFromModel(forest(regression)).fit(X, y).get_support(indices=True)
    if method == "perm_mlp":
        model = mlp(regression).fit(X, y)
        imp = permutation_importance(model, X, y, n_repeats=10, random_state=0)
        return np.flatnonzero(imp.importances_mean > 2 * imp.importances_std)
    raise ValueError(method)


def downstream(X_train, X_test, y_train, y_test, selected, regression):
    if len(selected) == 0:
        return np.nan
    cls = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
    model = cls(random_state=0).fit(X_train[:, selected], y_train)
    return model.score(X_test[:, selected], y_test)


def equivalent(task, selected, X):
    """Same information as the truth with as few inputs (see the module docstring)."""
    truth = set(TASKS[task]["truth"])
    if task != "classification":
        return set(selected) == truth
    return (set(selected) <= set(range(7)) and len(selected) == 5
            and np.linalg.matrix_rank(X[:, list(selected)]) == 5)


def markdown(df):
    """A DataFrame as a Markdown table (floats with 3 decimals)."""
    def cell(v):
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, float):
            return "" if np.isnan(v) else f"{v:.3f}"
        return str(v)
    out = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |"
            for row in df.itertuples(index=False)]
    return "\n".join(out)


def environment():
    try:
        commit = subprocess.run(["git", "describe", "--always", "--dirty"],
                                capture_output=True, text=True,
                                cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    except OSError:
        commit = "unknown"
    # The estimators' source as imported, to tell runs on a modified tree apart.
    with open(inspect.getsourcefile(PrunedMLPClassifier), "rb") as fh:
        digest = hashlib.sha1(fh.read()).hexdigest()[:10]
    return (f"python {platform.python_version()}, numpy {np.__version__}, scikit-learn "
            f"{sklearn.__version__}, sklearn_nnprune {sklearn_nnprune.__version__} "
            f"(git {commit}, _estimators.py sha1 {digest}); {os.cpu_count()} CPUs, load "
            f"average at start {os.getloadavg()[0]:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--sfs-seeds", type=int, nargs="*", default=[0])
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--methods", nargs="+", default=[
        "nis", "nis_x5", "sfs_fwd", "sfs_bwd", "sfs_fwd_half", "sfs_bwd_half", "rfecv_lin",
        "rfecv_rf", "sfm_rf", "perm_mlp"])
    parser.add_argument("--blas-threads", type=int, default=1)
    parser.add_argument("--out", default=None, help="also write the Markdown report here")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    lines = ["# Input selection benchmark (benchmarks/bench_selection.py)", "",
             environment() + f"; BLAS threads: {args.blas_threads}", "",
             "Command: `python benchmarks/bench_selection.py " +
             " ".join(f"--{k.replace('_', '-')} {' '.join(map(str, v)) if isinstance(v, list) else v}"
                      for k, v in vars(args).items() if k != "out" and v is not None) + "`",
             ""]
    print("\n".join(lines), flush=True)
    rows = []
    with threadpool_limits(limits=args.blas_threads):
        for task in args.tasks:
            regression = TASKS[task]["regression"]
            truth = set(TASKS[task]["truth"])
            for seed in args.seeds:
                X_train, X_test, y_train, y_test = make_task(task, seed)
                for ref, sel in (("all", np.arange(X_train.shape[1])),
                                 ("truth", np.array(sorted(truth)))):
                    rows.append(dict(task=task, seed=seed, method=ref, selected=sel.tolist(),
                                     score=downstream(X_train, X_test, y_train, y_test,
                                                      sel, regression)))
                for method in args.methods:
                    if method.startswith("sfs") and seed not in args.sfs_seeds:
                        continue
                    start = time.perf_counter()
                    selected = np.asarray(select(method, X_train, y_train, regression, seed))
                    elapsed = time.perf_counter() - start
                    hit = len(truth & set(selected.tolist()))
                    row = dict(task=task, seed=seed, method=method,
                               selected=selected.tolist(),
                               precision=hit / len(selected) if len(selected) else np.nan,
                               recall=hit / len(truth),
                               exact=set(selected.tolist()) == truth,
                               equiv=equivalent(task, selected.tolist(), X_train),
                               score=downstream(X_train, X_test, y_train, y_test, selected,
                                                regression),
                               time_s=elapsed)
                    rows.append(row)
                    print(f"{task:15s} seed {seed} {method:10s} {elapsed:7.2f}s "
                          f"selected={row['selected']} exact={row['exact']} "
                          f"score={row['score']:.3f}", flush=True)

    df = pd.DataFrame(rows)
    nis_time = df[df["method"] == "nis"].set_index(["task", "seed"])["time_s"]
    df["time_vs_nis"] = [t / nis_time.get((task, seed), np.nan)
                         for task, seed, t in zip(df["task"], df["seed"], df["time_s"])]
    df["selected"] = df["selected"].map(lambda s: "{" + ", ".join(map(str, s)) + "}")
    for task in args.tasks:
        part = df[df["task"] == task].drop(columns="task")
        lines += [f"## {task} (truth: {sorted(TASKS[task]['truth'])}; score = "
                  f"{'R^2' if TASKS[task]['regression'] else 'accuracy'} on the test split)",
                  "", markdown(part), ""]

    # The speed and recovery targets, measured in this run.
    summary = []
    for task in args.tasks:
        for seed in args.seeds:
            here = df[(df["task"] == task) & (df["seed"] == seed)].set_index("method")
            if "nis" not in here.index:
                continue
            parts = [f"{task} seed {seed}: nis exact={bool(here.loc['nis', 'exact'])} "
                     f"equiv={bool(here.loc['nis', 'equiv'])} in "
                     f"{here.loc['nis', 'time_s']:.1f} s"]
            for peer in ("sfs_fwd", "sfs_bwd", "sfs_fwd_half", "sfs_bwd_half", "rfecv_rf"):
                if peer in here.index:
                    parts.append(f"{peer} takes {here.loc[peer, 'time_vs_nis']:.1f}x as long")
            summary.append("- " + "; ".join(parts))
    lines += ["## Summary", ""] + summary + [""]
    text = "\n".join(lines)
    print("\n".join(lines[7:]))
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
