"""Pruning at scale (issue 18): wall time, peak memory, inputs kept, exact recovery
and test score from 10^4 to 10^6 rows, against the peers a data scientist would
use on such data.

Tasks (the truth is known): ``clf``, make_classification with 50 features, 10
informative, n_redundant=0, shuffle=False (truth: inputs 0-9); ``reg``,
make_friedman1 with 50 inputs (truth: inputs 0-4); ``wide``, make_classification
10^4 x 500 with 10 informative. Each is scored on 50,000 further rows of the same
draw.

Methods: ``nnprune`` (the default estimator: the large-data path from 50,000
rows), ``nnprune32`` (the same on float32 input), ``today`` (the path of before
this issue, cv=3 on all the rows; skipped where it would take over 30 minutes),
``mlp`` (one MLPClassifier/MLPRegressor lbfgs fit of the same size, time only:
the yardstick of the issue), ``hgb`` (HistGradientBoosting, permutation
importance on 20,000 held-out rows, SelectFromModel at the mean importance, the
model refitted on the selection), ``l1`` (L1 LogisticRegressionCV (liblinear) /
LassoCV). lassonet runs from bench_scale_lassonet.py in its own environment.

Every case runs in a fresh process with the same BLAS setting (all cores,
OpenBLAS/MKL defaults); peak memory is the peak of the allocations traced by
tracemalloc during the fit (numpy's and Python's), as a multiple of X's size.

    python benchmarks/bench_scale.py --rows 10000 100000 1000000 --out RESULTS_scale.json
"""

import argparse
import json
import subprocess
import sys
import time
import tracemalloc

import numpy as np

TEST_ROWS = 50_000
# Above this many rows today's path (3 cross-fitted networks on all the rows,
# linear in the rows: 17 s at 10^4) would take more than 30 minutes.
TODAY_MAX_ROWS = 200_000
MLP_MAX_ROWS = 200_000


def make_task(task, n_rows):
    from sklearn.datasets import make_classification, make_friedman1

    total = n_rows + TEST_ROWS
    if task == "reg":
        X, y = make_friedman1(n_samples=total, n_features=50, noise=1.0, random_state=0)
        truth = list(range(5))
    else:
        n_features = 500 if task == "wide" else 50
        X, y = make_classification(n_samples=total, n_features=n_features,
                                   n_informative=10, n_redundant=0, shuffle=False,
                                   random_state=0)
        truth = list(range(10))
    # shuffle=False keeps the columns in order (the truth first) and the rows
    # sorted by class: the rows are shuffled here.
    rows = np.random.RandomState(1).permutation(total)
    X, y = X[rows], y[rows]
    return X[:n_rows], y[:n_rows], X[n_rows:], y[n_rows:], truth


def _nnprune(task, dtype=np.float64, **params):
    from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor

    Estimator = PrunedMLPRegressor if task == "reg" else PrunedMLPClassifier

    def fit(X, y):
        model = Estimator(random_state=0, **params).fit(X.astype(dtype, copy=False), y)
        return model, np.flatnonzero(model.support_), getattr(model, "data_path_", "")

    return fit


def _mlp(task):
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.preprocessing import StandardScaler

    Estimator = MLPRegressor if task == "reg" else MLPClassifier

    def fit(X, y):
        Xs = StandardScaler().fit_transform(X)
        Estimator(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=500,
                  random_state=0).fit(Xs, y)
        return None, np.arange(X.shape[1]), "standardized; time only"

    return fit


def _hgb(task):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import train_test_split

    Estimator = HistGradientBoostingRegressor if task == "reg" else HistGradientBoostingClassifier

    def fit(X, y):
        X_fit, X_val, y_fit, y_val = train_test_split(
            X, y, test_size=min(20_000, X.shape[0] // 5), random_state=0)
        model = Estimator(random_state=0).fit(X_fit, y_fit)
        imp = permutation_importance(model, X_val, y_val, n_repeats=5, random_state=0,
                                     n_jobs=1).importances_mean
        kept = np.flatnonzero(imp > max(imp.mean(), 0))
        final = Estimator(random_state=0).fit(X[:, kept], y)
        return _Columns(final, kept), kept, "permutation importance > mean"

    return fit


def _l1(task):
    from sklearn.linear_model import LassoCV, LogisticRegressionCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def fit(X, y):
        if task == "reg":
            model = make_pipeline(StandardScaler(), LassoCV(cv=3, random_state=0))
            model.fit(X, y)
            coef = model[-1].coef_
        else:
            model = make_pipeline(StandardScaler(), LogisticRegressionCV(
                Cs=5, cv=3, penalty="l1", solver="liblinear", random_state=0))
            model.fit(X, y)
            coef = model[-1].coef_.ravel()
        return model, np.flatnonzero(coef != 0), ""

    return fit


class _Columns:
    """A model fitted on some columns, scored on all."""

    def __init__(self, model, columns):
        self.model, self.columns = model, columns

    def score(self, X, y):
        return self.model.score(X[:, self.columns], y)


def _forced_large(task):
    """The large-data path on data of any size (its threshold lowered)."""
    from sklearn_nnprune import _base

    fit = _nnprune(task)

    def forced(X, y):
        _base.LARGE_DATA_ROWS = min(X.shape[0], _base.LARGE_DATA_ROWS)
        return fit(X, y)

    return forced


METHODS = {
    "nnprune": lambda task: _nnprune(task),
    "nnprune32": lambda task: _nnprune(task, np.float32),
    "today": lambda task: _nnprune(task, cv=3),
    "mlp": _mlp,
    "hgb": _hgb,
    "l1": _l1,
    "large": _forced_large,
}


def run_case(task, n_rows, method):
    """One case in this process: a dict of what was measured."""
    X, y, X_test, y_test, truth = make_task(task, n_rows)
    fit = METHODS[method](task)
    tracemalloc.start()
    start = time.perf_counter()
    model, kept, note = fit(X, y)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    score = float(model.score(X_test, y_test)) if model is not None else None
    return dict(task=task, rows=n_rows, n_features=X.shape[1], method=method,
                seconds=round(seconds, 2), peak_over_X=round(peak / X.nbytes, 2),
                n_kept=int(len(kept)), exact=sorted(kept.tolist()) == truth,
                missed=sorted(set(truth) - set(kept.tolist())),
                extra=len(set(kept.tolist()) - set(truth)), test_score=score, note=note)


def report(path):
    """A markdown table of the JSON lines in ``path``, one row per case."""
    rows = [json.loads(line) for line in open(path) if line.strip()]
    lines = ["| task | rows x inputs | method | time (s) | peak / X | kept | exact | "
             "missed | extra | test score |", "|" + "---|" * 10]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['task']} | {r['rows']} | {r['method']} | error: "
                         f"{' '.join(r['error'])} | | | | | | |")
            continue
        score = "" if r["test_score"] is None else f"{r['test_score']:.4f}"
        lines.append(f"| {r['task']} | {r['rows']} x {r['n_features']} | {r['method']} | "
                     f"{r['seconds']:.1f} | {r['peak_over_X']:.2f} | {r['n_kept']} | "
                     f"{'yes' if r['exact'] else 'no'} | {r['missed'] or ''} | "
                     f"{r['extra']} | {score} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--tasks", nargs="+", default=["clf", "reg", "wide"])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--out", default=None, help="append JSON lines here")
    parser.add_argument("--report", help="print the table of a JSON-lines file")
    parser.add_argument("--threshold", action="store_true",
                        help="both paths on clf at 20,000 and 50,000 rows")
    parser.add_argument("--case", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.report:
        print(report(args.report))
        return
    if args.case:
        print(json.dumps(run_case(args.case[0], int(args.case[1]), args.case[2])))
        return
    if args.threshold:
        for n_rows in (20_000, 50_000):
            for method in ("large", "today"):
                _run_in_process("clf", n_rows, method, args.out)
        return
    for task in args.tasks:
        for n_rows in ([10_000] if task == "wide" else args.rows):
            for method in args.methods:
                if method == "today" and (n_rows >= TODAY_MAX_ROWS or n_rows < 50_000):
                    continue  # too slow, or the same fit as nnprune below the threshold
                if method == "mlp" and n_rows >= MLP_MAX_ROWS:
                    continue
                if method == "nnprune32" and n_rows < 100_000:
                    continue
                _run_in_process(task, n_rows, method, args.out)


def _run_in_process(task, n_rows, method, out):
    """One case in a fresh process; its JSON line printed and appended to ``out``."""
    proc = subprocess.run([sys.executable, __file__, "--case", task, str(n_rows), method],
                          capture_output=True, text=True, timeout=1800)
    line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else (
        json.dumps(dict(task=task, rows=n_rows, method=method,
                        error=proc.stderr.strip().splitlines()[-1:])))
    print(line, flush=True)
    if out:
        with open(out, "a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
