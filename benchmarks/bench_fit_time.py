"""Fit time of an unpruned PrunedMLP* (``prune=()``) against scikit-learn's MLP.

Both estimators get the same data (inputs standardized once, outside the timed
region, so that neither depends on its own scaling to converge; regression targets
standardized too), the same hidden sizes, activation, solver, batch size ("auto" =
min(200, n_samples)), learning rate, alpha and iteration budget, and both run the
full budget:

- lbfgs: ``tol=0`` for both (scikit-learn passes it as L-BFGS-B's ``gtol``, so does
  sklearn_nnprune). L-BFGS-B may still stop early on its ``ftol`` test or a failed
  line search, so the iterations actually run are printed and the ratio of the
  times per iteration is printed next to the ratio of the fit times.
- adam: MLP* gets ``tol=0, n_iter_no_change=max_iter``. sklearn_nnprune's adam stops
  when the epoch loss has not improved by ``max(tol, 1e-4)`` for
  ``n_iter_no_change`` epochs; unless the estimator has an ``n_iter_no_change``
  parameter of its own, this script gives ``fit_adam`` ``n_iter_no_change=10**9``
  (by wrapping the function the estimator calls, the ``fit_adam`` global of
  ``sklearn_nnprune._procedure.training`` that ``Trainer.train`` uses) so that it
  runs every epoch too.

Each configuration is fitted ``--repeats`` times, the two estimators alternating;
the median wall time and the median CPU time (process time, all threads) are
reported with their ratios ours / scikit-learn. The time of PrunedMLP*'s fit is
everything its ``fit`` does with ``prune=()`` (validation, scaling, training, and
whatever the estimator computes after training, e.g. input importances).

GFLOP/s (adam). Only the matrix products are counted, 2*m*k*n flops each, for every
mini-batch of b samples in a network of layer sizes n_0, ..., n_L:

- forward ``a_l @ W_l``, l = 0..L-1:                       2 b n_l n_{l+1}
- back-propagated errors ``delta_l @ W_l.T``, l = 1..L-1
  (none for the input layer, which needs no error):         2 b n_{l+1} n_l
- weight gradients ``a_l.T @ delta_l``, l = 0..L-1:        2 n_l b n_{l+1}

so one epoch over n samples costs ``2 n (2 sum_l n_l n_{l+1} + sum_{l>=1} n_l n_{l+1})``
flops: 131.8 MFLOP for 20000x50 data, hidden_layer_sizes=(32,) and one output.
GFLOP/s = flops of all epochs run / median wall time of the whole fit. The issue's
target line is adam on make_classification(20000, 50), (32,); it is printed for the
tanh activation (sklearn_nnprune's default) and relu (scikit-learn's default).

float32 (``--float32``, issue 19). PrunedMLP* is also fitted on the same data cast
to float32, which it trains in (as scikit-learn's MLP does); the columns "f32 s"
(its median wall time) and "f32 x" (the speed-up: float64 wall time / float32
wall time, both of PrunedMLP*) are added, and "f32 agree", the fraction of rows
on which the float32 and float64 fits predict the same label (classification;
R^2 of the float32 predictions against the float64 ones for regression).

``--float32-paths``: instead of the timings above, the default pruning fit
(``PrunedMLPClassifier(hidden_layer_sizes=(16,), random_state=seed)``, every
other parameter at its default) on breast_cancer and digits, split 75/25
(stratified, ``random_state=0``), fitted on float64 and on float32 data for the
seeds ``--seeds``: inputs kept, neurons, synapses, test accuracy, fit time, and
the inputs both kept. The pruning path follows the last bits of the
arithmetic, so a float32 path may legitimately differ.

Usage::

    python benchmarks/bench_fit_time.py [--repeats 5] [--quick] [--float32]
        [--float32-paths [--seeds 0 1 2]]
        [--activation tanh] [--blas-threads N] [--ours cv=None ...]
"""

import argparse
import ast
import functools
import os
import platform
import statistics
import time
import warnings
from contextlib import nullcontext

import numpy as np
from sklearn.datasets import (load_breast_cancer, load_diabetes, load_digits,
                              make_classification, make_regression)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

import sklearn_nnprune._procedure.training as nnp_training
from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor
from _common import git_revision


def _datasets(quick):
    sc = StandardScaler()
    data = []
    X, y = load_breast_cancer(return_X_y=True)
    data.append(("breast_cancer 569x30", "clf", sc.fit_transform(X), y))
    X, y = load_digits(return_X_y=True)
    data.append(("digits 1797x64", "clf", sc.fit_transform(X), y))
    X, y = make_classification(n_samples=20000, n_features=50, random_state=0)
    data.append(("make_classification 20000x50", "clf", sc.fit_transform(X), y))
    if not quick:
        X, y = load_diabetes(return_X_y=True)
        data.append(("diabetes 442x10 (reg)", "reg", sc.fit_transform(X),
                     (y - y.mean()) / y.std()))
        X, y = make_regression(n_samples=20000, n_features=50, n_informative=10,
                               noise=1.0, random_state=0)
        data.append(("make_regression 20000x50 (reg)", "reg", sc.fit_transform(X),
                     (y - y.mean()) / y.std()))
    return data


def _budget(solver, n_samples, quick):
    if solver == "lbfgs":
        return 100 if quick else 200
    # adam: epochs; fewer on the large data so that one fit stays around seconds.
    if n_samples > 5000:
        return 10 if quick else 30
    return 100 if quick else 200


def _n_outputs(kind, y):
    if kind == "reg":
        return 1
    n_classes = len(np.unique(y))
    return 1 if n_classes == 2 else n_classes


def flops_per_epoch(layer_sizes, n_samples):
    """Flops of the matrix products of one epoch (see the module docstring)."""
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    fwd_and_grad = sum(2 * a * b for a, b in pairs)
    backprop = sum(a * b for a, b in pairs[1:])
    return 2 * n_samples * (fwd_and_grad + backprop)


def _has_param(cls, name):
    return name in cls().get_params()


class _full_adam_budget:
    """Make sklearn_nnprune's adam run every epoch it is given (see the docstring)."""

    def __enter__(self):
        self.saved = nnp_training.fit_adam
        if not _has_param(PrunedMLPClassifier, "n_iter_no_change"):
            nnp_training.fit_adam = functools.partial(self.saved, n_iter_no_change=10**9)

    def __exit__(self, *exc):
        nnp_training.fit_adam = self.saved


def _estimators(kind, solver, hidden, activation, max_iter, ours_params):
    ours_cls, theirs_cls = ((PrunedMLPClassifier, MLPClassifier) if kind == "clf"
                            else (PrunedMLPRegressor, MLPRegressor))
    common = dict(hidden_layer_sizes=hidden, activation=activation, solver=solver,
                  max_iter=max_iter, alpha=1e-4, random_state=0)
    ours_kw = dict(common, prune=(), tol=0.0, **ours_params)
    theirs_kw = dict(common, tol=0.0)
    if solver == "adam":
        theirs_kw["n_iter_no_change"] = max_iter
        if _has_param(ours_cls, "n_iter_no_change"):
            ours_kw["n_iter_no_change"] = max_iter
    return ours_cls(**ours_kw), theirs_cls(**theirs_kw)


def _time_fit(est, X, y, solver):
    ctx = _full_adam_budget() if solver == "adam" else nullcontext()
    with ctx, warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cpu, wall = time.process_time(), time.perf_counter()
        est.fit(X, y)
        return time.perf_counter() - wall, time.process_time() - cpu


def _agreement(kind, ours32, ours, X):
    """Same labels (classification) or R^2 of the float32 fit's predictions
    against the float64 fit's (regression)."""
    got, expected = ours32.predict(X.astype(np.float32)), ours.predict(X)
    if kind == "clf":
        return float(np.mean(got == expected))
    return 1 - float(np.sum((got - expected) ** 2) / np.sum((expected - expected.mean()) ** 2))


def compare(name, kind, X, y, solver, hidden, activation, max_iter, repeats,
            ours_params, float32=False):
    """Median wall and CPU times of both estimators and their ratios (and of
    PrunedMLP* on float32 data with ``float32``)."""
    wall = {"ours": [], "sklearn": []}
    cpu = {"ours": [], "sklearn": []}
    X32 = X.astype(np.float32) if float32 else None
    for _ in range(repeats):
        ours, theirs = _estimators(kind, solver, hidden, activation, max_iter, ours_params)
        runs = [("ours", ours, X), ("sklearn", theirs, X)]
        if float32:
            ours32 = _estimators(kind, solver, hidden, activation, max_iter, ours_params)[0]
            runs.append(("ours32", ours32, X32))
        for key, est, data in runs:
            w, c = _time_fit(est, data, y, solver)
            wall.setdefault(key, []).append(w)
            cpu.setdefault(key, []).append(c)
    iters = {"ours": ours.n_iter_, "sklearn": theirs.n_iter_}
    row = dict(data=name, solver=solver, activation=activation, iters=iters,
               wall={k: statistics.median(v) for k, v in wall.items()},
               cpu={k: statistics.median(v) for k, v in cpu.items()})
    row["ratio"] = row["wall"]["ours"] / row["wall"]["sklearn"]
    row["cpu_ratio"] = row["cpu"]["ours"] / row["cpu"]["sklearn"]
    row["ratio_per_iter"] = row["ratio"] * iters["sklearn"] / iters["ours"]
    if float32:
        row["f32"] = dict(wall=row["wall"]["ours32"],
                          speedup=row["wall"]["ours"] / row["wall"]["ours32"],
                          iters=ours32.n_iter_, agree=_agreement(kind, ours32, ours, X))
    row["gflops"] = {"ours": float("nan"), "sklearn": float("nan")}
    if solver == "adam":
        sizes = (X.shape[1],) + tuple(hidden) + (_n_outputs(kind, y),)
        fpe = flops_per_epoch(sizes, X.shape[0])
        row["gflops"] = {k: fpe * iters[k] / row["wall"][k] / 1e9 for k in iters}
    return row


HEADER = (f"{'data':31s} {'solver':6s} {'act':5s} {'iter ours/sk':>12s} {'ours s':>7s} "
          f"{'sk s':>7s} {'ratio':>6s} {'/iter':>6s} {'cpu ratio':>9s} "
          f"{'GF/s ours':>9s} {'GF/s sk':>8s}")


F32_HEADER = f" {'f32 iter':>8s} {'f32 s':>7s} {'f32 x':>6s} {'f32 agree':>9s}"


def _print_row(r):
    it = f"{r['iters']['ours']}/{r['iters']['sklearn']}"
    f32 = ""
    if "f32" in r:
        f = r["f32"]
        f32 = f" {f['iters']:8d} {f['wall']:7.3f} {f['speedup']:6.2f} {f['agree']:9.4f}"
    print(f"{r['data']:31s} {r['solver']:6s} {r['activation']:5s} {it:>12s} "
          f"{r['wall']['ours']:7.3f} {r['wall']['sklearn']:7.3f} {r['ratio']:6.2f} "
          f"{r['ratio_per_iter']:6.2f} {r['cpu_ratio']:9.2f} "
          f"{r['gflops']['ours']:9.2f} {r['gflops']['sklearn']:8.2f}{f32}", flush=True)


def run(repeats=5, quick=False, hidden=(32,), activation="tanh", ours_params=None,
        float32=False):
    ours_params = dict(ours_params or {})
    rows = []
    header = HEADER + (F32_HEADER if float32 else "")
    print(header)
    print("-" * len(header))
    for name, kind, X, y in _datasets(quick):
        for solver in ("lbfgs", "adam"):
            row = compare(name, kind, X, y, solver, hidden, activation,
                          _budget(solver, X.shape[0], quick), repeats, ours_params,
                          float32)
            rows.append(row)
            _print_row(row)
    worst = max(rows, key=lambda r: r["ratio"])
    print(f"\nworst wall-time ratio ours/sklearn: {worst['ratio']:.2f} "
          f"({worst['data']}, {worst['solver']}; target <= 1.2)")

    if float32:
        speedups = [r["f32"]["speedup"] for r in rows]
        print(f"float32 speed-up of PrunedMLP* (float64 / float32 wall time): median "
              f"{statistics.median(speedups):.2f}, range {min(speedups):.2f}-"
              f"{max(speedups):.2f}")
        return rows
    print("\nGFLOP/s, adam, make_classification 20000x50, hidden_layer_sizes="
          f"{tuple(hidden)} (matrix-product flops / wall time of the whole fit):")
    print(HEADER)
    print("-" * len(HEADER))
    name, kind, X, y = [d for d in _datasets(True) if d[0].startswith("make_class")][0]
    for act in ("tanh", "relu"):
        if act == activation:
            row = [r for r in rows if r["data"] == name and r["solver"] == "adam"][0]
        else:
            row = compare(name, kind, X, y, "adam", hidden, act,
                          _budget("adam", X.shape[0], quick), repeats, ours_params)
            rows.append(row)
        _print_row(row)
    return rows


def float32_paths(seeds):
    """Default pruning fits on float64 and float32 data (see the docstring)."""
    from sklearn.model_selection import train_test_split
    print(f"{'data':14s} {'seed':>4s} {'dtype':7s} {'inputs':>6s} {'neurons':>7s} "
          f"{'synapses':>8s} {'test acc':>8s} {'seconds':>7s} {'common inputs':>13s}")
    for name, load in (("breast_cancer", load_breast_cancer), ("digits", load_digits)):
        X, y = load(return_X_y=True)
        X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0,
                                                            stratify=y)
        for seed in seeds:
            fits = {}
            for dtype in (np.float64, np.float32):
                est = PrunedMLPClassifier(hidden_layer_sizes=(16,), random_state=seed)
                wall = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    est.fit(X_train.astype(dtype), y_train)
                fits[dtype] = (est, time.perf_counter() - wall,
                               est.score(X_test.astype(dtype), y_test))
            common = int((fits[np.float64][0].support_ & fits[np.float32][0].support_).sum())
            for dtype, (est, seconds, acc) in fits.items():
                print(f"{name:14s} {seed:4d} {np.dtype(dtype).name:7s} {est.n_inputs_:6d} "
                      f"{est.n_neurons_:7d} {est.n_synapses_:8d} {acc:8.4f} {seconds:7.1f} "
                      f"{common:13d}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="smaller budgets, classification data only")
    parser.add_argument("--hidden", type=int, nargs="+", default=[32])
    parser.add_argument("--float32", action="store_true",
                        help="also fit PrunedMLP* on float32 data; report its speed-up")
    parser.add_argument("--activation", default="tanh")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="limit the BLAS threads of both estimators (threadpoolctl)")
    parser.add_argument("--ours", nargs="*", default=[], metavar="NAME=VALUE",
                        help="extra parameters of the PrunedMLP* estimators, e.g. cv=None "
                             "(values are Python literals)")
    parser.add_argument("--float32-paths", action="store_true",
                        help="compare default pruning fits on float64 and float32 data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    ours_params = {}
    for item in args.ours:
        key, _, value = item.partition("=")
        ours_params[key] = ast.literal_eval(value)
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}  {platform.machine()}  "
          f"nproc={os.cpu_count()}  load avg {os.getloadavg()[0]:.1f}  "
          f"numpy {np.__version__}  commit {git_revision()}  repeats={args.repeats}  hidden={tuple(args.hidden)}  "
          f"activation={args.activation}  blas_threads={args.blas_threads or 'default'}  "
          f"PrunedMLP* extra params: {ours_params or 'none'}")
    if args.blas_threads:
        from threadpoolctl import threadpool_limits
        ctx = threadpool_limits(args.blas_threads, user_api="blas")
    else:
        ctx = nullcontext()
    with ctx:
        if args.float32_paths:
            float32_paths(args.seeds)
            return
        run(args.repeats, args.quick, tuple(args.hidden), args.activation, ours_params,
            args.float32)


if __name__ == "__main__":
    main()
