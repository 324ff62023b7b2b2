"""``export_code``: a fitted network as a standalone program (Python or C)."""

import numpy as np

from .._network import decode_output, step_levels
from ._c import c_source, comment, table
from ._program import build_program, header_lines
from ._python import python_source

_LANGUAGES = ("python", "c")
_MAX_PATTERNS = 1 << 20
_SUM_LIMIT = 2.0 ** 62  # integer sums stay inside a signed 64-bit long long


def export_code(estimator, *, language="python", integer=False, X=None):
    """Source of a program with no dependencies computing ``estimator``'s prediction.

    Parameters
    ----------
    estimator : fitted estimator or Pipeline
        A PrunedMLPClassifier or PrunedMLPRegressor, an InputBinarizer or a
        NetworkInputSelector (their ``transform``), or a Pipeline of
        InputBinarizer, NetworkInputSelector and StandardScaler steps ending in one
        of these.
    language : {"python", "c"}, default="python"
        "python": a module using only ``math``, with ``predict(x)`` returning the
        class label itself (the value for a regressor) and ``predict_proba(x)``
        for a classifier, or ``transform(x)``. "c": C99 without dynamic
        allocation or mutable globals: ``int nnprune_predict(const double *x)``
        returns the index of the class in ``classes_`` and ``void
        nnprune_predict_proba(const double *x, double *proba)`` fills the
        probabilities; a regressor has ``void nnprune_predict(const double *x,
        double *y)``; a transformer ``void nnprune_transform(const double *x,
        double *out)``.
    integer : bool, default=False
        C only, for a classifier whose kept hidden neurons are all thresholds
        (``binarize_neurons=True``; with ``weight_levels`` its weights also take
        few distinct values, but weights off the levels are fine): integer-only
        code, ``int nnprune_predict(const
        int *x)``, with no floating-point type. The inputs are 0/1 (as after
        InputBinarizer) or integers: the network must have been fitted on such
        values (scale your inputs to integers before fitting). Weights and
        intercepts become fixed-point integers with the fewest bits that change
        no prediction, verified over every pattern of the kept 0/1 inputs (up to
        2**20) or, for other integer inputs, on ``X``.
    X : array-like of shape (n_samples, n_features_in_), default=None
        Integer-valued rows on which ``integer=True`` verifies the fixed point
        when the kept inputs are not all 0/1.

    Returns
    -------
    source : str
        The program. Inputs are read at full width (``n_features_in_`` numbers in
        the order of ``feature_names_in_``); the standardization is folded in and
        removed inputs are never read. Feature names and class labels appear only
        in comments and string literals.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_nnprune import PrunedMLPClassifier, export_code
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = PrunedMLPClassifier(hidden_layer_sizes=(4,), random_state=0).fit(X, y)
    >>> namespace = {}
    >>> exec(export_code(clf, language="python"), namespace)
    >>> bool(namespace["predict"](list(X[0])) == clf.predict(X[:1])[0])
    True
    >>> "int nnprune_predict(const double *x)" in export_code(clf, language="c")
    True
    """
    if language not in _LANGUAGES:
        raise ValueError(f"language={language!r} is not supported; use one of "
                         f"{', '.join(repr(name) for name in _LANGUAGES)}.")
    if not isinstance(integer, (bool, np.bool_)):
        raise TypeError(f"integer must be True or False, got {integer!r}.")
    program = build_program(estimator)
    if integer:
        if language != "c":
            raise ValueError("integer=True writes C (language='c'); the Python form "
                             "computes in floating point.")
        return _integer_source(estimator, program, X)
    if X is not None:
        raise ValueError("X is only used by integer=True to verify the fixed point.")
    return python_source(program) if language == "python" else c_source(program)


def _integer_network(estimator, program):
    """The network of an integer export, with a clear error when it has none."""
    from sklearn.pipeline import Pipeline
    if isinstance(estimator, Pipeline) or program.network is None:
        raise ValueError("integer=True exports a single fitted network; export the "
                         "InputBinarizer separately (integer inputs are what it "
                         "outputs) or use integer=False for the whole Pipeline.")
    if program.classes is None:
        raise ValueError("integer=True needs a classifier: a regressor's output is a "
                         "real number; use integer=False.")
    net = program.network
    problems = [f"hidden layer {l + 1} has neurons that are not thresholds (fit with "
                "binarize_neurons=True)"
                for l in range(len(net.coefs) - 1)
                if net.steps is None or not net.steps[l].all()]
    if problems:
        raise ValueError("this network cannot be expressed in integers: "
                         + "; ".join(problems)
                         + ". Export the floating-point form with integer=False.")
    return net


def _verification_inputs(estimator, net, X):
    """Rows of the kept inputs on which the fixed point is verified, and how."""
    values = getattr(estimator, "_input_values", None)
    kept = values[net.inputs] if values is not None else np.full((net.inputs.size, 2),
                                                                 np.nan)
    boolean = np.all((kept[:, 0] == 0) & (kept[:, 1] == 1))
    if X is None:
        if not boolean:
            raise ValueError("the kept inputs are not all 0/1 in the training data: "
                             "pass X, integer-valued rows, to verify the fixed point.")
        if net.inputs.size > 20:
            raise ValueError(f"{net.inputs.size} kept 0/1 inputs make more than 2**20 "
                             "patterns to verify; pass X to verify on its rows.")
        m = net.inputs.size
        patterns = (np.arange(1 << m)[:, None] >> np.arange(m)[None, :]) & 1
        return patterns.astype(np.int64), f"all {1 << m} patterns of the {m} kept 0/1 inputs"
    from sklearn.utils.validation import check_array
    X = check_array(X, dtype=np.float64)
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(f"X has {X.shape[1]} columns; the network reads "
                         f"{estimator.n_features_in_}.")
    rows = X[:, net.inputs]
    if not np.array_equal(rows, np.round(rows)) or np.abs(rows).max(initial=0) > 2**31 - 1:
        raise ValueError("X must hold integers (within the range of int) in the kept "
                         "inputs: integer=True reads int inputs.")
    return rows.astype(np.int64), f"the {X.shape[0]} rows of X passed to export_code"


def _float_decisions(net, A, names, output_activation):
    from .._compact import compact_output
    local = net._replace(inputs=np.arange(A.shape[1]))
    return decode_output(compact_output(A.astype(np.float64), local, names,
                                        output_activation))


def _integer_decisions(weights, biases, A, levels):
    a = A
    for l, (W, b) in enumerate(zip(weights, biases)):
        z = a @ W + b
        if l == len(weights) - 1:
            return (z[:, 0] > 0).astype(int) if z.shape[1] == 1 else z.argmax(axis=1)
        low, high = levels[l]
        a = np.where(z >= 0, high, low).astype(np.int64)


def _fixed_point(net, A, names, output_activation):
    """The fewest fractional bits k with which no decision on ``A`` changes:
    (k, integer weights, integer intercepts)."""
    expected = _float_decisions(net, A, names, output_activation)
    levels = [tuple(int(v) for v in step_levels(name)) for name in names]
    bound = np.abs(A).max(initial=1)
    for k in range(0, 53):
        weights = [np.round(np.ldexp(W.astype(np.float64), k)).astype(np.int64)
                   for W in net.coefs]
        biases = [np.round(np.ldexp(b.astype(np.float64), k)).astype(np.int64)
                  for b in net.intercepts]
        fan = [bound] + [max(abs(lo), abs(hi)) for lo, hi in levels]
        if any(f * np.abs(W).sum(axis=0).max(initial=0) + np.abs(b).max(initial=0)
               >= _SUM_LIMIT for f, W, b in zip(fan, weights, biases)):
            break
        if np.array_equal(_integer_decisions(weights, biases, A, levels), expected):
            return k, weights, biases
    raise ValueError("no fixed point within 64-bit integer sums reproduces every "
                     "prediction of this network on the verification rows; export the "
                     "floating-point form with integer=False.")


def _integer_source(estimator, program, X):
    net = _integer_network(estimator, program)
    names = ([program.hidden_activation] * (len(net.coefs) - 1)
             if isinstance(program.hidden_activation, str) else program.hidden_activation)
    A, how = _verification_inputs(estimator, net, X)
    k, weights, biases = _fixed_point(net, A, names, program.output_activation)
    levels = [step_levels(name) for name in names]
    header = header_lines(program, "c") + [
        "Integer-only: int inputs (0/1 or the integers the network was fitted on);",
        f"weights and intercepts are fixed point with {k} fractional bits, verified",
        f"at export to give the estimator's prediction on {how}."]
    lines = comment(header) + [""]
    for l, (W, b) in enumerate(zip(weights, biases)):
        lines += (table(f"nnprune_w{l}", W, "long long", _int_literal)
                  + table(f"nnprune_b{l}", b, "long long", _int_literal))
    lines += ["", "int nnprune_predict(const int *x) {"]
    if net.inputs.size:
        lines.append(f"    int a0[{net.inputs.size}];")
        lines += [f"    a0[{i}] = x[{c}];" for i, c in enumerate(net.inputs)]
    for l, (W, b) in enumerate(zip(weights, biases)):
        n_in, n_out = W.shape
        last = l == len(weights) - 1
        target = "out" if last else f"a{l + 1}"
        lines.append(f"    {'long long' if last else 'int'} {target}[{n_out}];")
        lines += [f"    for (int j = 0; j < {n_out}; ++j) {{",
                  f"        long long z = nnprune_b{l}[j];"]
        if n_in:
            lines.append(f"        for (int i = 0; i < {n_in}; ++i) "
                         f"z += (long long)a{l}[i] * nnprune_w{l}[i][j];")
        lines.append("        out[j] = z;" if last else
                     f"        {target}[j] = z >= 0 ? {int(levels[l][1])} : "
                     f"{int(levels[l][0])};")
        lines.append("    }")
    if weights[-1].shape[1] == 1:
        lines.append("    return out[0] > 0 ? 1 : 0;")
    else:
        lines += ["    int best = 0;",
                  f"    for (int k = 1; k < {weights[-1].shape[1]}; ++k) "
                  "if (out[k] > out[best]) best = k;", "    return best;"]
    return "\n".join(lines + ["}"]) + "\n"


def _int_literal(v):
    return f"{int(v)}LL"
