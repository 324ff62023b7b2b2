"""The pruning examples of issue 2, measured in one run.

(a) Input selection: ``make_classification(n_samples=1000, n_features=20,
    n_informative=5, n_redundant=0, shuffle=False, random_state=seed)`` for seeds
    0..9 (the informative inputs are columns 0..4). PrunedMLPClassifier with
    ``random_state=0`` (the estimator's seed stays fixed, the data change), once with
    ``prune=("inputs",), tolerance=0.01`` and once with its default parameters.
    Counts the seeds whose kept inputs are exactly {0, 1, 2, 3, 4}.
(b) Regression support: ``make_friedman1(n_samples=1000, n_features=10, noise=0,
    random_state=seed)`` for seeds 0..4 (y depends on inputs 0..4 only),
    PrunedMLPRegressor(random_state=0), same two settings.
(c) Compression against torch.nn.utils.prune global magnitude pruning on
    load_breast_cancer and load_digits: ``train_test_split(test_size=0.25,
    random_state=0, stratify=y)``, inputs standardized on the training part.
    Ours: PrunedMLPClassifier(hidden_layer_sizes=(32,), random_state=0), every other
    parameter at its default; it never sees the test part. Its own unpruned network
    is the same estimator with ``prune=()``. A second row gives the size target as a
    cap instead (``prune=("synapses",), max_synapses=23`` or 10% of the weights,
    ``tolerance=None``): not the defaults the targets are judged on, but what a
    user who knows the budget gets. Targets of the issue: at most 23 weights
    left on breast_cancer, at least 90% of the weights removed on digits, test
    accuracy within 1 point of the unpruned network's. The torch side
    (``_torch_peer.py``: one (32,) tanh hidden layer, 20% of the remaining weights per
    round, the most pruned round within 1 point of the unpruned test accuracy) runs
    in this process if torch is importable, through ``--torch-python PYTHON`` if
    given, and is otherwise replaced by the published figures (quoted in the table).
    Weights are the nonzero entries of the weight matrices, biases not counted; the
    torch network has 2 outputs on the binary problem, ours 1 (992 weights instead
    of 1024), so "% removed" is given against each network's own total.

(d) (only when asked: ``--only d``) the comparison of (c), ours only, over
    estimator seeds ``random_state`` 0..N-1 (``--random-states N``), optionally
    with other parameters (``--set noise_tolerance=0 prune_step=0.25``): one seed
    is one draw of a chaotic path of accept/reject decisions.
(e) (only when asked: ``--only e``) the same over the split: ``train_test_split``
    seeds 0..N-1 (``--splits N``), estimator ``random_state=0``: one 143-row test
    split is one draw too.

Every fit is timed (wall clock). Usage::

    python benchmarks/bench_pruning.py [--torch-python /path/to/python]
        [--only a b c d e] [--seeds 10] [--friedman-seeds 5] [--random-states 8]
        [--splits 10]
        [--set NAME=VALUE ...]
"""

import argparse
import ast
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import (load_breast_cancer, load_digits, make_classification,
                              make_friedman1)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor
from _common import git_revision

HERE = Path(__file__).resolve().parent
# Figures published for the peer (issue 2), used when torch cannot be run.
QUOTED = {
    "breast_cancer": dict(n_weights=1024, weights=23, inputs=9, accuracy=0.951,
                          unpruned_accuracy=0.958),
    "digits": dict(n_weights=2368, weights=round(2368 * (1 - 0.738)), inputs=None,
                   accuracy=None, unpruned_accuracy=None),
}
TARGET_INFORMATIVE = [0, 1, 2, 3, 4]
SETTINGS = {"inputs, tol 0.01": dict(prune=("inputs",), tolerance=0.01),
            "defaults": dict()}


def _fit(est, X, y):
    start = time.perf_counter()
    est.fit(X, y)
    return est, time.perf_counter() - start


def _stop_summary(est):
    """Where pruning stopped, from pruning_report(): per kind, the accepted and
    rejected steps and the last attempt."""
    report = est.pruning_report()
    if report.empty:
        return "no pruning step"
    parts = []
    for kind, rows in report.groupby("kind", sort=False):
        last = rows.iloc[-1]
        parts.append(f"{kind}: {int(rows['accepted'].sum())} accepted / "
                     f"{int((~rows['accepted']).sum())} rejected steps, last tried -"
                     f"{int(last['n_removed'])} ({'accepted' if last['accepted'] else 'rejected'},"
                     f" score {last['score']:.4f})")
    return "; ".join(parts)


def selection_benchmark(kind, seeds):
    """(a) and (b): how often exactly the informative inputs are kept."""
    if kind == "classification":
        title = ("(a) make_classification(1000, 20, n_informative=5, n_redundant=0, "
                 "shuffle=False): PrunedMLPClassifier(random_state=0)")
        make = lambda s: make_classification(  # noqa: E731
            n_samples=1000, n_features=20, n_informative=5, n_redundant=0,
            shuffle=False, random_state=s)
        cls = PrunedMLPClassifier
    else:
        title = ("(b) make_friedman1(n_samples=1000, n_features=10, noise=0): "
                 "PrunedMLPRegressor(random_state=0)")
        make = lambda s: make_friedman1(n_samples=1000, n_features=10,  # noqa: E731
                                        random_state=s)
        cls = PrunedMLPRegressor
    print(f"\n{title}")
    print(f"{'seed':>4s}  {'setting':18s} {'kept inputs':28s} {'exact':>5s} "
          f"{'synapses':>8s} {'score_':>7s} {'base':>7s} {'time s':>7s}")
    hits = {name: 0 for name in SETTINGS}
    times = {name: [] for name in SETTINGS}
    for seed in seeds:
        X, y = make(seed)
        for name, params in SETTINGS.items():
            est, seconds = _fit(cls(random_state=0, **params), X, y)
            kept = np.flatnonzero(est.support_).tolist()
            exact = kept == TARGET_INFORMATIVE
            hits[name] += exact
            times[name].append(seconds)
            print(f"{seed:>4d}  {name:18s} {str(kept):28s} {'yes' if exact else 'no':>5s} "
                  f"{est.n_synapses_:>8d} {est.score_:7.4f} {est.baseline_score_:7.4f} "
                  f"{seconds:7.1f}", flush=True)
    for name in SETTINGS:
        print(f"  {name}: exactly inputs 0-4 kept for {hits[name]} of {len(seeds)} seeds; "
              f"median fit {np.median(times[name]):.1f} s")
    return hits


def _split(loader, split_seed=0):
    X, y = loader(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25,
                                              random_state=split_seed, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr), y_tr, scaler.transform(X_te), y_te


def _torch_side(data, torch_python):
    """The peer's result on this split: run here, in another interpreter, or None."""
    try:
        sys.path.insert(0, str(HERE))
        import _torch_peer
        import torch  # noqa: F401
        result = _torch_peer.run(*data)
        return result, f"run, torch {result['torch']}"
    except ImportError:
        pass
    finally:
        sys.path.remove(str(HERE))
    if torch_python is None:
        return None, "quoted"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.npz")
        np.savez(path, X_train=data[0], y_train=data[1], X_test=data[2], y_test=data[3])
        out = subprocess.run([torch_python, str(HERE / "_torch_peer.py"), path],
                             check=True, capture_output=True, text=True)
    result = json.loads(out.stdout)
    return result, f"run, torch {result['torch']}"


def _pct(x):
    return "   n/a" if x is None else f"{100 * x:5.1f}%"


def compression_benchmark(torch_python):
    """(c) weights left and test accuracy, ours against torch magnitude pruning."""
    print("\n(c) Compression, hidden_layer_sizes=(32,), train_test_split(test_size=0.25, "
          "random_state=0, stratify=y), inputs standardized")
    results = {}
    for name, loader, target in (("breast_cancer", load_breast_cancer, "weights <= 23"),
                                 ("digits", load_digits, "removed >= 90%")):
        data = _split(loader)
        X_tr, y_tr, X_te, y_te = data
        unpruned, t_unpruned = _fit(
            PrunedMLPClassifier(hidden_layer_sizes=(32,), prune=(), random_state=0),
            X_tr, y_tr)
        pruned, t_pruned = _fit(PrunedMLPClassifier(hidden_layer_sizes=(32,), random_state=0),
                                X_tr, y_tr)
        total = sum(M.size for M in pruned.masks_)
        ours = dict(n_weights=total, weights=int(pruned.n_synapses_),
                    inputs=int(pruned.n_inputs_), neurons=int(pruned.n_neurons_),
                    accuracy=pruned.score(X_te, y_te),
                    unpruned_accuracy=unpruned.score(X_te, y_te),
                    seconds=t_pruned, unpruned_seconds=t_unpruned)
        # The size target stated as a cap (synapses only, no criterion): what a user
        # who knows the budget gets; not the default the targets are judged on.
        budget = 23 if name == "breast_cancer" else int(0.1 * total)
        capped, t_capped = _fit(PrunedMLPClassifier(hidden_layer_sizes=(32,), random_state=0,
                                                    prune=("synapses",), max_synapses=budget,
                                                    tolerance=None), X_tr, y_tr)
        capped_row = dict(ours, weights=int(capped.n_synapses_), inputs=int(capped.n_inputs_),
                          neurons=int(capped.n_neurons_), accuracy=capped.score(X_te, y_te),
                          seconds=t_capped)
        peer, how = _torch_side(data, torch_python)
        quoted = QUOTED[name]
        rows = [("sklearn_nnprune (ours)", ours,
                 f"{t_pruned:.1f} s (unpruned {t_unpruned:.1f} s)"),
                (f"ours, max_synapses={budget}, synapses", capped_row, f"{t_capped:.1f} s")]
        if peer is not None:
            rows.append((f"torch magnitude ({how})", peer,
                         f"{peer['seconds']:.1f} s, {peer['rounds']} rounds"))
        rows.append(("torch magnitude (quoted)", quoted, "-"))
        print(f"\n  {name} ({X_tr.shape[0]} train / {X_te.shape[0]} test samples, "
              f"{X_tr.shape[1]} inputs)")
        print(f"  {'method':36s} {'weights left':>13s} {'removed':>8s} {'inputs':>6s} "
              f"{'test acc':>8s} {'unpruned':>8s} {'diff':>6s}  time")
        for label, r, when in rows:
            removed = 1 - r["weights"] / r["n_weights"]
            diff = (None if r["accuracy"] is None
                    else r["accuracy"] - r["unpruned_accuracy"])
            inputs = "n/a" if r["inputs"] is None else str(r["inputs"])
            print(f"  {label:36s} {r['weights']:>5d} / {r['n_weights']:<5d} "
                  f"{_pct(removed):>8s} {inputs:>6s} {_pct(r['accuracy']):>8s} "
                  f"{_pct(r['unpruned_accuracy']):>8s} "
                  f"{'   n/a' if diff is None else f'{100 * diff:+5.1f}':>6s}  {when}")
        ref = peer if peer is not None else quoted
        print(f"  ratio ours / torch: weights left {ours['weights'] / ref['weights']:.2f}, "
              f"fraction left {(ours['weights'] / total) / (ref['weights'] / ref['n_weights']):.2f}"
              + (f", inputs {ours['inputs'] / ref['inputs']:.2f}" if ref["inputs"] else ""))
        ok_size = (ours["weights"] <= 23 if name == "breast_cancer"
                   else 1 - ours["weights"] / total >= 0.90)
        ok_acc = ours["accuracy"] >= ours["unpruned_accuracy"] - 0.01 - 1e-12
        print(f"  targets: {target}: {'MET' if ok_size else 'NOT MET'}; test accuracy "
              f"within 1 point of unpruned: {'MET' if ok_acc else 'NOT MET'}")
        print(f"  ours: {ours['inputs']} inputs, {ours['neurons']} hidden neurons, "
              f"{ours['weights']} weights; criterion score {pruned.baseline_score_:.4f} -> "
              f"{pruned.score_:.4f}; training accuracy {pruned.score(X_tr, y_tr):.4f}")
        print(f"  where pruning stopped: {_stop_summary(pruned)}")
        report = pruned.pruning_report()
        print("  last steps of pruning_report():")
        cols = ["step", "kind", "n_removed", "accepted", "score", "n_inputs", "n_neurons",
                "n_synapses"]
        print("    " + report[cols].tail(8).to_string(index=False).replace("\n", "\n    "))
        results[name] = dict(ours=ours, peer=peer, ok=(ok_size, ok_acc))
    return results


def seed_study(seeds, vary="estimator", **params):
    """(d) the compression comparison of (c), ours only, over estimator seeds
    (``vary="estimator"``, the split of (c)) or (e) over split seeds
    (``vary="split"``: ``train_test_split(random_state=seed)``, estimator
    ``random_state=0``)."""
    what = ("random_state" if vary == "estimator"
            else "train_test_split random_state (estimator random_state=0)")
    print(f"\n({'d' if vary == 'estimator' else 'e'}) Compression over {what} "
          f"{list(seeds)}: settings as (c){', plus ' + str(params) if params else ''}")
    print(f"  {'data':14s} {'seed':>4s} {'weights left':>13s} {'removed':>8s} {'inputs':>6s} "
          f"{'test acc':>8s} {'unpruned':>8s} {'diff':>6s}  both targets  time")
    for name, loader in (("digits", load_digits), ("breast_cancer", load_breast_cancer)):
        met, diffs = [], []
        for seed in seeds:
            X_tr, y_tr, X_te, y_te = _split(loader, seed if vary == "split" else 0)
            est_seed = seed if vary == "estimator" else 0
            unpruned = PrunedMLPClassifier(hidden_layer_sizes=(32,), prune=(),
                                           random_state=est_seed).fit(X_tr, y_tr)
            pruned, seconds = _fit(PrunedMLPClassifier(hidden_layer_sizes=(32,),
                                                       random_state=est_seed, **params),
                                   X_tr, y_tr)
            total = sum(M.size for M in pruned.masks_)
            removed = 1 - pruned.n_synapses_ / total
            diff = pruned.score(X_te, y_te) - unpruned.score(X_te, y_te)
            ok = ((pruned.n_synapses_ <= 23) if name == "breast_cancer"
                  else removed >= 0.90) and diff >= -0.01 - 1e-12
            met.append(ok)
            diffs.append(100 * diff)
            print(f"  {name:14s} {seed:>4d} {pruned.n_synapses_:>5d} / {total:<5d} "
                  f"{_pct(removed):>8s} {pruned.n_inputs_:>6d} "
                  f"{_pct(pruned.score(X_te, y_te)):>8s} "
                  f"{_pct(unpruned.score(X_te, y_te)):>8s} {100 * diff:+6.1f}  "
                  f"{'yes' if ok else 'no':>12s}  {seconds:.1f} s")
        print(f"  {name}: both targets on {sum(met)} of {len(met)} seeds; test accuracy "
              f"difference {np.mean(diffs):+.2f} points on average (standard error "
              f"{np.std(diffs, ddof=1) / np.sqrt(len(diffs)) if len(diffs) > 1 else 0:.2f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch-python", default=os.environ.get("NNPRUNE_TORCH_PYTHON"),
                        help="a Python interpreter with torch and numpy, for the peer "
                             "(default: $NNPRUNE_TORCH_PYTHON)")
    parser.add_argument("--only", nargs="+", choices=["a", "b", "c", "d", "e"],
                        default=["a", "b", "c"])
    parser.add_argument("--random-states", type=int, default=8,
                        help="(d): estimator seeds 0..N-1 of the seed study")
    parser.add_argument("--splits", type=int, default=10,
                        help="(e): split seeds 0..N-1 of the split study")
    parser.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE",
                        help="(d), (e): estimator parameters to vary, e.g. "
                             "noise_tolerance=0")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--friedman-seeds", type=int, default=5)
    args = parser.parse_args()
    # The defaults are measured as they are; a training that ends at max_iter would
    # repeat its warning on every seed.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}  {platform.machine()}  "
          f"nproc={os.cpu_count()}  load avg {os.getloadavg()[0]:.1f}  "
          f"python {platform.python_version()}  numpy {np.__version__}  "
          f"commit {git_revision()}")
    start = time.perf_counter()
    if "a" in args.only:
        selection_benchmark("classification", range(args.seeds))
    if "b" in args.only:
        selection_benchmark("regression", range(args.friedman_seeds))
    if "c" in args.only:
        compression_benchmark(args.torch_python)
    params = {}
    for item in args.set:
        key, value = item.split("=", 1)
        params[key] = ast.literal_eval(value)
    if "d" in args.only:
        seed_study(range(args.random_states), **params)
    if "e" in args.only:
        seed_study(range(args.splits), vary="split", **params)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
