"""Peak traced memory and time of a fit on a large sparse matrix (issue 19).

The data: a CSR matrix of ``--rows`` x ``--cols`` (default 20000 x 2000) with 1% of
its entries non-zero; its first ``--signal`` columns are denser (30%) and carry
the label, ``y = [x_0 + ... + x_{k-1} - x_k - ... > median]`` (half the signal
columns with each sign); every other column is noise at 1% density (about 0.8%
for the others, so that the whole matrix stays at 1%). A dense float64 copy of
the matrix would take rows * cols * 8 bytes (320 MB by default).

One ``PrunedMLPClassifier`` fit with the defaults (cv="auto": 3 cross-fitted
folds on fewer than 50,000 rows; prune all three kinds) and ``--hidden``
neurons is measured under ``tracemalloc`` (numpy and scipy allocations are
traced): the peak traced memory beyond what the data already held, the wall
time, the inputs kept and the test accuracy on a held-out quarter. The same is
printed for one unpruned fit (``prune=()``) as the floor of one network.

Usage::

    python benchmarks/bench_sparse.py [--rows 20000] [--cols 2000] [--signal 6]
        [--hidden 8] [--float32] [--seed 0] [--verbose 1]
"""

import argparse
import os
import platform
import time
import tracemalloc
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from sklearn_nnprune import PrunedMLPClassifier
from _common import git_revision


def make_data(rows, cols, signal, seed, density=0.01, signal_density=0.3):
    """``(X, y)``: CSR data with the label carried by the first ``signal`` columns."""
    rng = np.random.RandomState(seed)
    noise_density = (density * cols - signal_density * signal) / (cols - signal)
    noise = sp.random(rows, cols - signal, density=noise_density, format="csr",
                      random_state=rng, data_rvs=lambda k: rng.uniform(0.5, 1.5, k))
    informative = sp.random(rows, signal, density=signal_density, format="csr",
                            random_state=rng, data_rvs=lambda k: rng.uniform(0.5, 1.5, k))
    X = sp.hstack([informative, noise], format="csr")
    signs = np.where(np.arange(signal) % 2 == 0, 1.0, -1.0)
    score = informative @ signs + 0.1 * rng.normal(size=rows)
    return X, (score > np.median(score)).astype(int)


def measure(X_train, y_train, X_test, y_test, **params):
    """Peak traced bytes, seconds, inputs kept and test accuracy of one fit."""
    est = PrunedMLPClassifier(random_state=0, **params)
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    wall = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_train, y_train)
    seconds = time.perf_counter() - wall
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak, seconds, est.n_inputs_, est.score(X_test, y_test), est


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--cols", type=int, default=2000)
    parser.add_argument("--signal", type=int, default=6)
    parser.add_argument("--hidden", type=int, default=8)
    parser.add_argument("--float32", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", type=int, default=0, help="verbose of the fits")
    args = parser.parse_args()
    X, y = make_data(args.rows * 4 // 3, args.cols, args.signal, args.seed)
    if args.float32:
        X = X.astype(np.float32)
    n = args.rows
    X_train, X_test, y_train, y_test = X[:n], X[n:], y[:n], y[n:]
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}  {platform.machine()}  "
          f"nproc={os.cpu_count()}  load avg {os.getloadavg()[0]:.1f}  "
          f"numpy {np.__version__}  commit {git_revision()}")
    data_mb = (X_train.data.nbytes + X_train.indices.nbytes + X_train.indptr.nbytes) / 1e6
    dense_mb = n * args.cols * X.dtype.itemsize / 1e6
    print(f"# train {n} x {args.cols} CSR {X.dtype}, {X_train.nnz} non-zeros "
          f"({X_train.nnz / (n * args.cols):.2%}), {data_mb:.1f} MB; a dense copy: "
          f"{dense_mb:.0f} MB; signal in columns 0-{args.signal - 1}; "
          f"hidden=({args.hidden},); test {X_test.shape[0]} rows")
    print(f"{'fit':24s} {'peak MB':>8s} {'x dense':>8s} {'seconds':>8s} "
          f"{'inputs':>7s} {'signal kept':>11s} {'test acc':>8s}")
    for name, params in (("unpruned (prune=())", dict(prune=())),
                         ("pruned (defaults)", {})):
        peak, seconds, n_inputs, acc, est = measure(
            X_train, y_train, X_test, y_test, hidden_layer_sizes=(args.hidden,),
            verbose=args.verbose, **params)
        kept = int(est.support_[:args.signal].sum())
        print(f"{name:24s} {peak / 1e6:8.1f} {peak / 1e6 / dense_mb:8.2f} {seconds:8.1f} "
              f"{n_inputs:7d} {kept:>5d}/{args.signal:<5d} {acc:8.3f}", flush=True)


if __name__ == "__main__":
    main()
