"""The ``nnprune`` command: train, prune and explain a network on a CSV file.

With no arguments it runs on the bundled US presidential elections data (the
13 Keys to the White House).
"""

import argparse
import contextlib
import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd

from ._cli_input import (_MAX_LEVELS, EXIT_USAGE, _check_outputs, _check_size, _count,
                         _levels, _load_elections, _load_user_data, _one_line, _seed,
                         _show, _tolerance, _UserError)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, like every other error of the command (the usage is in --help).
        self.exit(EXIT_USAGE, f"{self.prog}: error: {_one_line(message)} "
                              f"(see {self.prog} --help)\n")


def _parse_args(argv):
    parser = _Parser(
        prog="nnprune",
        description=("Train a small neural network, prune it to the minimal structure "
                     "that still solves the task (Gorban-Mirkes first-order "
                     "sensitivity), and print the structure, the input importances "
                     "and the verbal rules. Without --data it runs on the bundled US "
                     "presidential elections data (13 Keys to the White House)."))
    parser.add_argument("--data", metavar="FILE.csv",
                        help="Local CSV file with one row per sample and a header row; "
                             "gzip, bz2, xz, zip or zstd content is recognized by its "
                             "first bytes, whatever the file's name.")
    parser.add_argument("--target", metavar="COLUMN",
                        help="Column of --data to predict (required with --data).")
    parser.add_argument("--task", choices=("auto", "classification", "regression"),
                        default="auto",
                        help="Kind of task; 'auto' (default) decides from the target: "
                             "text, Boolean or few distinct integers = classification.")
    parser.add_argument("--hidden", metavar="N", type=_count, nargs="+",
                        help="Hidden layer sizes (default: 4 on the elections data, "
                             "16 otherwise).")
    parser.add_argument("--max-inputs", type=_count, metavar="K",
                        help="Keep at most K inputs, even at a loss of quality.")
    parser.add_argument("--tolerance", type=_tolerance, metavar="T",
                        help="How far the criterion score may drop below the best "
                             "network met so far, in the units of the criterion printed "
                             "under Scores (default: the estimator's).")
    parser.add_argument("--levels", metavar="LEVELS",
                        help="Reduced weight precision: 'binary', 'ternary' or a number "
                             f"of levels from 2 to {_MAX_LEVELS} (default: 'ternary' on "
                             "the elections data, full precision otherwise); 'none' "
                             "keeps full precision.")
    parser.add_argument("--binarize", action=argparse.BooleanOptionalAction, default=None,
                        help="Replace hidden activations by thresholds where the "
                             "criterion allows (default: on for the elections data).")
    parser.add_argument("--seed", type=_seed, default=0,
                        help=f"Random seed, 0 to {2 ** 32 - 1} (default 0).")
    parser.add_argument("--json", metavar="PATH", dest="json_path",
                        help="Also write the results as JSON to PATH.")
    parser.add_argument("--plot", metavar="PATH", dest="plot_path",
                        help="Also save a figure of the pruned network and the pruning "
                             "path to PATH (needs matplotlib).")
    parser.add_argument("--export", metavar="PATH", dest="export_path",
                        help="Also export the pruned network to PATH, by its suffix: "
                             ".py (Python without dependencies), .c (C99) or .onnx "
                             "(needs the onnx extra).")
    parser.add_argument("--quiet", action="store_true",
                        help="Do not print progress on standard error.")
    return parser.parse_args(argv)


def _build_estimator(args, task, n_samples, groups):
    from . import PrunedMLPClassifier, PrunedMLPRegressor
    from ._base import LARGE_DATA_ROWS

    params = {"random_state": args.seed, "verbose": 0 if args.quiet else 1}
    if args.hidden:
        params["hidden_layer_sizes"] = tuple(args.hidden)
    elif args.data is None:
        params["hidden_layer_sizes"] = (4,)
    # Explicit, so that the check by cross-validation keeps the criterion of the
    # whole file on its smaller training parts. Too few rows for out-of-sample
    # folds: the paper's rule, the network must still solve the training set.
    if n_samples < 100:
        params.update(cv=None, noise_tolerance=0.0)
    elif n_samples >= LARGE_DATA_ROWS:
        # The large-data path (one held-out split, subsampled decisions); the
        # file is then checked on that split alone (_fit), not cross-validated.
        params.update(cv="auto", noise_tolerance=1.0)
    else:
        params.update(cv=3, noise_tolerance=1.0)
    if args.max_inputs is not None:
        params["max_inputs"] = args.max_inputs
    if groups:
        params["input_groups"] = groups
    if args.tolerance is not None:
        params["tolerance"] = args.tolerance
    levels = _levels(args.levels if args.levels is not None else (
        "ternary" if args.data is None else "none"))
    if levels is not None:
        params["weight_levels"] = levels
    binarize = args.binarize if args.binarize is not None else args.data is None
    if binarize:
        params["binarize_neurons"] = True
    Estimator = PrunedMLPClassifier if task == "classification" else PrunedMLPRegressor
    return Estimator(**params)


def _read_data(args):
    """The data ``args`` name, as ``(X, y, task, notes, source, groups)``: ``groups``
    maps each one-hot encoded column of the table to its encoded columns."""
    if args.data is None:
        if args.target is not None:
            raise _UserError("--target needs --data FILE.csv")
        X, y, task, notes, source, groups = _load_elections()
    else:
        X, y, task, notes, source, groups = _load_user_data(args.data, args.target,
                                                            args.task)
    # The number of inputs is known only once the data are read and encoded.
    n_inputs = X.shape[1] - sum(len(columns) - 1 for columns in groups.values())
    if args.max_inputs is not None and not 1 <= args.max_inputs <= n_inputs:
        raise _UserError(f"--max-inputs must be between 1 and the number of inputs "
                         f"({n_inputs}), got {args.max_inputs}")
    return X, y, task, notes, source, groups


def _check_class_counts(args, estimator, y, task):
    """Refuse a target whose rarest class cannot fill the criterion's folds."""
    if task == "classification" and isinstance(estimator.cv, int):
        counts = pd.Series(y).value_counts()
        if counts.min() < estimator.cv:
            advice = ("it was read as class labels; if it holds numbers, use --task "
                      "regression" if args.data is not None and args.task == "auto"
                      else "drop its rarest classes or add rows")
            raise _UserError(
                f"class {counts.index[-1]!r} of the target has {counts.min()} rows; the "
                f"cross-validated criterion needs {estimator.cv} of every class: {advice}")


def _fit(estimator, X, y, task, metric, seed):
    """Fit ``estimator`` and cross-validate a copy, as ``(cv_scores, cv_note)``.

    Progress goes to standard error, so that standard output holds the report only.
    """
    with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            estimator.fit(X, y)
        except ValueError as exc:
            raise _UserError(str(exc)) from None
        from ._base import LARGE_DATA_ROWS

        # A cross-validation's training parts of such a file could fall below the
        # threshold and be fitted by another procedure; each fit takes minutes.
        if len(X) >= LARGE_DATA_ROWS:
            return None, (f"no cross-validation on {len(X)} rows (each fit takes "
                          "minutes); the criterion scores are measured on a held-out "
                          "split that the pruned networks were not trained on")
        n_splits = _n_splits(estimator, y, task, len(X))
        return _cross_validate(estimator, X, y, task, metric, n_splits, seed)


def _n_splits(estimator, y, task, n_samples):
    """How many folds the check by cross-validation can have (below 2: none)."""
    n_splits = min(5, n_samples // 2)
    if task == "classification":
        # Every training part must keep enough of the rarest class for the
        # estimator's own cross-fitted criterion (cv folds of its own).
        rarest = int(pd.Series(y).value_counts().min())
        needed = estimator.cv if isinstance(estimator.cv, int) else 1
        # With k folds, a training part keeps rarest - ceil(rarest / k) rows.
        n_splits = max((k for k in range(2, min(n_splits, rarest) + 1)
                        if rarest - math.ceil(rarest / k) >= needed), default=0)
    return n_splits


def _cross_validate(estimator, X, y, task, metric, n_splits, seed):
    """Scores of a quiet copy of ``estimator`` on ``n_splits`` folds, or why none."""
    from sklearn.base import clone
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    cv_scores, cv_note = None, None
    if n_splits >= 2:
        splitter = (StratifiedKFold if task == "classification" else KFold)(
            n_splits=n_splits, shuffle=True, random_state=seed)
        quiet = clone(estimator).set_params(verbose=0)
        try:
            cv_scores = cross_val_score(quiet, X, y, cv=splitter, error_score="raise")
        except ValueError as exc:
            cv_note = f"no cross-validated {metric}: {exc}"
    else:
        cv_note = (f"no cross-validated {metric}: too few rows"
                   f"{' of the rarest class' if task == 'classification' else ''}")
    return cv_scores, cv_note


def _reduced_counts(estimator):
    """``(weights on levels, threshold neurons)`` of the fitted ``estimator``."""
    on_levels = sum(int((Q & M).sum()) for Q, M in zip(estimator.quantized_,
                                                        estimator.masks_))
    n_thresholds = sum(int(b.sum()) for b in estimator.binary_neurons_)
    return on_levels, n_thresholds


def _print_structure(estimator, out):
    """Print what pruning kept of the network, and how many steps it took."""
    on_levels, n_thresholds = _reduced_counts(estimator)
    total_synapses = sum(M.size for M in estimator.masks_)
    total_neurons = sum(M.shape[1] for M in estimator.masks_[:-1])
    print("\nPruned structure", file=out)
    groups = estimator.input_groups_
    n_kept = sum(bool(estimator.support_[cols].any()) for cols in groups)
    encoded = (f" ({estimator.n_inputs_} of {estimator.n_features_in_} encoded columns)"
               if len(groups) < estimator.n_features_in_ else "")
    print(f"  inputs   {n_kept:>5} of {len(groups)}{encoded}", file=out)
    print(f"  neurons  {estimator.n_neurons_:>5} of {total_neurons}", file=out)
    print(f"  synapses {estimator.n_synapses_:>5} of {total_synapses}", file=out)
    if estimator.weight_levels is not None:
        # Levels are taken where the criterion allows: the rest keep full precision.
        print(f"  weights on {estimator.weight_levels} levels: {on_levels} of "
              f"{estimator.n_synapses_} (the others at full precision)", file=out)
    if estimator.binarize_neurons:
        print(f"  threshold neurons: {n_thresholds} of {estimator.n_neurons_}", file=out)
    print(f"  pruning steps: {len(estimator.pruning_history_)} tried, "
          f"{sum(s['accepted'] for s in estimator.pruning_history_)} accepted", file=out)


def _table_report(report, estimator):
    """The input report by the table's own columns: a one-hot encoded column's
    share is the sum of its encoded columns' shares, and it is kept when any is."""
    share = report.set_index("feature")["share"]
    names = np.asarray(estimator.feature_names_in_, dtype=str)
    rows = [{"feature": str(name), "share": float(share.loc[names[cols]].sum()),
             "kept": bool(estimator.support_[cols].any())}
            for name, cols in zip(estimator.input_group_names_, estimator.input_groups_)]
    table = pd.DataFrame(rows, columns=["feature", "share", "kept"])
    order = np.lexsort((-table["share"].to_numpy(), ~table["kept"].to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def _print_importances(report, out):
    """Print the kept inputs' shares of the importance, then the removed inputs."""
    print("\nInput importance (first-order sensitivity, share of the total)", file=out)
    kept = report[report["kept"]]
    for _, row in kept.iterrows():
        bar = "#" * int(round(40 * row["share"]))
        print(f"  {_show(row['feature']):<32} {row['share']:6.3f} {bar}", file=out)
    removed = report[~report["kept"]]["feature"].tolist()
    if removed:
        print(f"  removed: {', '.join(map(_show, removed))}", file=out)


def _print_scores(estimator, metric, train_score, cv_scores, cv_note, out):
    """Print the training score, the criterion and the cross-validated check."""
    print("\nScores", file=out)
    print(f"  training {metric}: {train_score:.4f}", file=out)
    print(f"  criterion ({estimator.scoring_}) before / after pruning: "
          f"{estimator.baseline_score_:.4f} / {estimator.score_:.4f}", file=out)
    if cv_note is not None:
        print(f"  {cv_note}", file=out)
    if cv_scores is not None:
        print(f"  {len(cv_scores)}-fold cross-validated {metric}: {cv_scores.mean():.4f} "
              f"(+/- {cv_scores.std():.4f})", file=out)


def _result(estimator, X, report, rules, *, source, task, notes, metric, train_score,
            cv_scores):
    """The results of a run as plain data: what ``--json`` writes."""
    on_levels, n_thresholds = _reduced_counts(estimator)
    return {
        "source": source, "task": task, "n_samples": int(X.shape[0]),
        "structure": {"n_inputs": int(estimator.n_inputs_),
                      "n_features": int(estimator.n_features_in_),
                      "n_neurons": int(estimator.n_neurons_),
                      "n_synapses": int(estimator.n_synapses_),
                      "n_weights_on_levels": on_levels,
                      "n_threshold_neurons": n_thresholds,
                      "inputs": [str(r["feature"]) for _, r in report.iterrows()
                                 if r["kept"]],
                      "encoded_inputs": [str(c) for c, k in zip(X.columns,
                                                                estimator.support_) if k]},
        "importances": {str(r["feature"]): float(r["share"]) for _, r in report.iterrows()},
        "rules": rules,
        "scores": {"metric": metric, "training": float(train_score),
                   "criterion_scoring": estimator.scoring_,
                   "criterion_before": float(estimator.baseline_score_),
                   "criterion_after": float(estimator.score_),
                   "cross_validated": (None if cv_scores is None
                                       else [float(s) for s in cv_scores])},
        "notes": notes,
        "pruning_history": estimator.pruning_history_,
    }


def _write_outputs(args, estimator, result, out):
    """Write the --json and --plot files that ``args`` ask for."""
    if args.json_path:
        # Strict JSON (RFC 8259 has no NaN or infinities): allow_nan=False makes a
        # non-finite number that _strict_json missed an error, not a bad file.
        text = json.dumps(_strict_json(result), indent=2, allow_nan=False)
        try:
            with open(args.json_path, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise _UserError(f"cannot write {_show(args.json_path)}: "
                             f"{exc.strerror}") from None
        print(f"\nwrote {_show(args.json_path)}", file=out)
    if args.plot_path:
        _save_plot(estimator, args.plot_path)
        print(f"wrote {_show(args.plot_path)}", file=out)
    if args.export_path:
        _write_file(args.export_path, _exported(estimator, args.export_path))
        print(f"wrote {_show(args.export_path)}", file=out)


def _exported(estimator, path):
    """The network exported in the form the suffix of ``path`` names."""
    from ._export import export_code
    suffix = os.path.splitext(path)[1].lower()
    if suffix in (".py", ".c"):
        language = "python" if suffix == ".py" else "c"
        return export_code(estimator, language=language).encode("utf-8")
    from ._export import to_onnx
    X_one = np.zeros((1, estimator.n_features_in_), dtype=np.float32)
    try:
        return to_onnx(estimator, X_one).SerializeToString()
    except ImportError as exc:
        raise _UserError(str(exc)) from None


def _write_file(path, data):
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise _UserError(f"cannot write {_show(path)}: {exc.strerror}") from None


def _run(args, out):
    """Train and prune as ``args`` ask, print the report to ``out``; the results."""
    from ._report import input_report

    _check_outputs(args)
    X, y, task, notes, source, groups = _read_data(args)
    estimator = _build_estimator(args, task, len(X), groups)
    _check_class_counts(args, estimator, y, task)
    _check_size(estimator, X, y, task)
    print(f"nnprune: {task} on {source}: {X.shape[0]} rows, {X.shape[1]} inputs",
          file=out)
    for note in notes:
        print(f"  {note}", file=out)

    metric = "accuracy" if task == "classification" else "R^2"
    cv_scores, cv_note = _fit(estimator, X, y, task, metric, args.seed)

    _print_structure(estimator, out)
    report = _table_report(input_report(estimator, X, y), estimator)
    _print_importances(report, out)
    rules = _rules_text(estimator)
    print("\nRules", file=out)
    print(rules, file=out)
    train_score = estimator.score(X, y)
    _print_scores(estimator, metric, train_score, cv_scores, cv_note, out)

    result = _result(estimator, X, report, rules, source=source, task=task, notes=notes,
                     metric=metric, train_score=train_score, cv_scores=cv_scores)
    _write_outputs(args, estimator, result, out)
    return result


def _strict_json(value):
    """``value`` as plain Python data for strict JSON: numpy scalars and arrays as
    numbers and lists, every NaN or infinity as None (the score of a forced step
    that cannot be taken is -inf)."""
    if isinstance(value, dict):
        return {str(key): _strict_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_strict_json(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _rules_text(estimator):
    from ._rules import export_text

    return export_text(estimator)


def _save_plot(estimator, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise _UserError("--plot needs matplotlib: pip install 'sklearn-nnprune[plot]'") \
            from None
    from .plot import NetworkDisplay, PruningPathDisplay

    fig, (ax_net, ax_path) = plt.subplots(1, 2, figsize=(13, 5.5))
    NetworkDisplay.from_estimator(estimator, ax=ax_net)
    PruningPathDisplay.from_estimator(estimator, ax=ax_path)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except (OSError, ValueError) as exc:
        raise _UserError(f"cannot write {_show(path)}: {exc}") from None
    finally:
        plt.close(fig)


def main(argv=None):
    """Entry point of ``nnprune`` and ``python -m sklearn_nnprune``.

    Every error is one line on standard error, never a traceback: exit status 2
    for a problem with the options or the data, 1 for any other failure.
    """
    try:
        args = _parse_args(argv)
    except SystemExit as exc:  # --help (0) or an option argparse refused (2)
        return exc.code
    try:
        _run(args, sys.stdout)
    except _UserError as exc:
        print(f"nnprune: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("nnprune: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of the output stopped (nnprune | head)
        # Python's own flush of stdout at exit would fail again, with a traceback.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except MemoryError:
        print("nnprune: error: out of memory; use a smaller network (--hidden) or "
              "fewer rows or columns", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: still one line, naming the exception
        print(f"nnprune: error: unexpected {type(exc).__name__}: {_one_line(exc)}",
              file=sys.stderr)
        return 1
    return 0
