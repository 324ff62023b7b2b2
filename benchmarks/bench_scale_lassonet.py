"""lassonet's LassoNetClassifierCV / LassoNetRegressorCV on the tasks of
bench_scale.py (peer (d) of issue 18), on the CPU, in an environment of its own:

    python -m venv lassonet-env
    lassonet-env/bin/pip install torch==2.13.0 lassonet scikit-learn
    lassonet-env/bin/python benchmarks/bench_scale_lassonet.py --rows 10000 \
        --out benchmarks/RESULTS_scale.json

The network has the size of the pruned estimator's (one hidden layer of 16),
3-fold CV over lassonet's lambda path, all cores (torch's default threads, the
BLAS setting of bench_scale.py). The selection is ``best_selected_``.
"""

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import make_task  # noqa: E402


def run_case(task, n_rows):
    from lassonet import LassoNetClassifierCV, LassoNetRegressorCV
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.preprocessing import StandardScaler

    X, y, X_test, y_test, truth = make_task(task, n_rows)
    Estimator = LassoNetRegressorCV if task == "reg" else LassoNetClassifierCV
    tracemalloc.start()
    start = time.perf_counter()
    scaler = StandardScaler().fit(X)
    model = Estimator(hidden_dims=(16,), cv=3, verbose=0, random_state=0, torch_seed=0)
    model.fit(scaler.transform(X), y)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    kept = np.flatnonzero(np.asarray(model.best_selected_))
    pred = model.predict(scaler.transform(X_test))
    score = (r2_score(y_test, pred) if task == "reg"
             else accuracy_score(y_test, np.asarray(pred).ravel()))
    return dict(task=task, rows=n_rows, n_features=X.shape[1], method="lassonet",
                seconds=round(seconds, 2), peak_over_X=round(peak / X.nbytes, 2),
                n_kept=int(kept.size), exact=sorted(kept.tolist()) == truth,
                missed=sorted(set(truth) - set(kept.tolist())),
                extra=len(set(kept.tolist()) - set(truth)), test_score=float(score),
                note="torch CPU; peak traces Python/numpy allocations only")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000])
    parser.add_argument("--tasks", nargs="+", default=["clf", "reg"])
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    for task in args.tasks:
        for n_rows in args.rows:
            line = json.dumps(run_case(task, n_rows))
            print(line, flush=True)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(line + "\n")


if __name__ == "__main__":
    main()
