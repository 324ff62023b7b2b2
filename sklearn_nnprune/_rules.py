"""Verbal rules of a pruned network (METHOD.md section 7).

A logically transparent network (few inputs, weights on a few levels, threshold
neurons, Boolean inputs) reads layer by layer as "at least m of these k conditions
hold", where a condition is an input, another neuron, or its negation. A network
that is only partly simplified reads as signed weighted sums with rounded weights
and thresholds in the original units of the features.

:func:`network_rules` returns the rules in a structured form that can be evaluated
exactly; :func:`export_text` prints them, in the manner of
``sklearn.tree.export_text``.
"""

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import check_is_fitted

from ._binarizer import _simplest_between
from ._base import _BasePrunedMLP
from ._network import step_levels

# Relative tolerance under which condition weights count as equal (quantized
# weights are exactly equal; this only absorbs the unit conversion's rounding).
_EQUAL_RTOL = 1e-9
# Up to this many two-valued sources a threshold unit is read from its truth table
# (2**16 combinations); beyond, only equal weights read as "at least m of".
_TRUTH_TABLE_MAX = 16
# How many more decimals the weights of a threshold over two-valued sources may
# take so that the rounded sums still separate what the network separates.
_EXTRA_DECIMALS = 12


def shown_name(name):
    """``name`` as text to print: as it is when every character is printable, else
    quoted with Python's escapes (``'a\\nb'``), so that a feature name or a class
    label holding a newline, a tab, a terminal escape or an invisible character
    cannot forge a line of the report or hide in it."""
    name = str(name)
    return name if name.isprintable() else repr(name)


def _check_estimator(estimator):
    if not isinstance(estimator, _BasePrunedMLP):
        raise TypeError("estimator must be a fitted PrunedMLPClassifier or "
                        f"PrunedMLPRegressor, got {type(estimator).__name__}.")
    check_is_fitted(estimator)


def _names(estimator, feature_names, class_names):
    if feature_names is None:
        names = getattr(estimator, "feature_names_in_", None)
        feature_names = ([str(n) for n in names] if names is not None
                         else [f"x{i}" for i in range(estimator.n_features_in_)])
    else:
        feature_names = [str(n) for n in feature_names]
        if len(feature_names) != estimator.n_features_in_:
            raise ValueError(f"feature_names has {len(feature_names)} names but the "
                             f"estimator has {estimator.n_features_in_} features.")
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        if class_names is not None:
            raise ValueError("class_names applies only to a classifier; the estimator "
                             f"is a {type(estimator).__name__}.")
    elif class_names is None:
        class_names = [str(c) for c in classes]
    else:
        class_names = [str(c) for c in class_names]
        if len(class_names) != len(classes):
            raise ValueError(f"class_names has {len(class_names)} names but the "
                             f"estimator has {len(classes)} classes.")
    return feature_names, class_names


def _neuron_name(layer, j):
    return f"h{layer}[{j}]"


def _truth_table(terms, sources):
    """Every combination of the two-valued sources of ``terms``: which conditions
    hold (a source at its true value, or at its false value when its weight is
    negative), which conditions are negated, and the sources' values; None when
    there are too many sources to list."""
    k = len(terms)
    if k > _TRUTH_TABLE_MAX:
        return None
    lows = np.array([sources[s][0] for s, _ in terms])
    highs = np.array([sources[s][1] for s, _ in terms])
    w = np.array([w for _, w in terms])
    negated = w * (highs - lows) < 0
    holds = ((np.arange(2 ** k)[:, None] >> np.arange(k)) & 1).astype(bool)
    values = np.where(holds ^ negated, highs, lows)
    return holds, negated, values


def _at_least(terms, bias, sources, strict):
    """Rewrite ``sum w_i v_i + b >= 0`` (``> 0`` if strict) over two-valued sources
    as "at least m of" conditions; None when the unit is no such function.

    Up to ``_TRUTH_TABLE_MAX`` sources the unit's truth table decides, so that
    weights which differ a little (an unquantized network) read as a count when
    they act as one; beyond, the weights times value ranges must have equal
    magnitudes."""
    k = len(terms)
    w = np.array([w for _, w in terms])
    table = _truth_table(terms, sources)
    if table is not None:
        holds_condition, negated, values = table
        z = values @ w + bias
        fires = z > 0 if strict else z >= 0
        counts = holds_condition.sum(axis=1)
        m = int(counts[fires].min()) if fires.any() else k + 1
        if not np.array_equal(fires, counts >= m):
            return None
    else:
        lows = np.array([sources[s][0] for s, _ in terms])
        highs = np.array([sources[s][1] for s, _ in terms])
        c = w * (highs - lows)
        s = np.abs(c).max()
        if s <= 0 or not np.allclose(np.abs(c), s, rtol=_EQUAL_RTOL, atol=0):
            return None
        negated = c < 0
        # z = b + sum w lo + s * (count - #negated), count = conditions that hold.
        z0 = bias + float(w @ lows) - s * negated.sum()
        counts = np.arange(k + 1)
        z = z0 + s * counts
        fires = z > 0 if strict else z >= 0
        m = int(counts[fires][0]) if fires.any() else k + 1
    conditions = [(name, bool(neg)) for (name, _), neg in zip(terms, negated)]
    # "at least m of C" is "not (at least k - m + 1 of not-C)": state the unit's
    # complement when that has fewer negations (it reads better).
    flipped = 2 * int(negated.sum()) > len(terms)
    if flipped:
        conditions = [(name, not neg) for name, neg in conditions]
        m = len(terms) - m + 1
    return conditions, m, flipped


def network_rules(estimator, *, feature_names=None, class_names=None):
    """The rules of a fitted pruned network in a structured, executable form.

    Units are listed in the order in which they are computed; removed inputs,
    neurons and synapses do not appear. The weights are those of ``coefs_`` and
    ``intercepts_`` (original units of X, and of y for a regressor), unrounded.

    Parameters
    ----------
    estimator : PrunedMLPClassifier or PrunedMLPRegressor
        A fitted estimator.
    feature_names : array-like of str of shape (n_features_in_,), default=None
        Names of the inputs; None: ``feature_names_in_`` if the estimator was fitted
        on a DataFrame, else "x0", "x1", ...
    class_names : array-like of str of shape (n_classes,), default=None
        Names of the classes in the order of ``classes_`` (classifier only); None:
        ``classes_`` as strings.

    Returns
    -------
    rules : dict
        ``"inputs"``: list of dicts, one per input used, with ``name``, ``index``
        (column of X) and ``values``: the pair (false value, true value) of a
        two-valued (Boolean) input, None for a continuous one.

        ``"neurons"``: list of dicts, one per hidden neuron kept, with ``name``
        ("h1[0]"), ``layer``, ``index`` and ``kind``:

        - "at_least": a threshold neuron that is true when at least ``min_true``
          of its ``conditions`` hold; a condition is ``(source, negated)`` and holds
          when the source takes its true value (or, negated, its false value);
        - "threshold": a threshold neuron that is true when
          ``sum(w * value(source) for source, w in terms) >= threshold``;
        - "activation": a smooth neuron, ``activation(sum(w * value) + bias)``.

        A threshold neuron's value is ``values[1]`` when true, ``values[0]`` when
        false.

        ``"output"``: a dict with ``kind``:

        - "at_least" (binary classifier): ``classes[1]`` when at least ``min_true``
          of ``conditions`` hold, else ``classes[0]``;
        - "threshold" (binary classifier): ``classes[1]`` when the weighted sum of
          ``terms`` is strictly greater than ``threshold``, else ``classes[0]``;
        - "argmax" (multiclass): ``scores`` is a list of dicts with ``class``,
          ``terms`` and ``bias``; the class of the highest score wins;
        - "linear" (regressor): ``targets`` is a list of dicts with ``name``,
          ``terms`` and ``bias``; each predicted value is the weighted sum.

    See Also
    --------
    export_text : The same rules as text.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_nnprune import PrunedMLPClassifier, network_rules
    >>> X = np.random.RandomState(0).randint(0, 2, size=(200, 4)).astype(float)
    >>> y = (X[:, :3].sum(axis=1) >= 2).astype(int)
    >>> clf = PrunedMLPClassifier(hidden_layer_sizes=(2,), prune=("inputs",),
    ...                           weight_levels="ternary", binarize_neurons=True,
    ...                           tolerance=0.0, random_state=1).fit(X, y)
    >>> rules = network_rules(clf)
    >>> [inp["name"] for inp in rules["inputs"]]
    ['x0', 'x1', 'x2']
    >>> rules["neurons"][0]["kind"], rules["neurons"][0]["min_true"]
    ('at_least', 2)
    """
    _check_estimator(estimator)
    feature_names, class_names = _names(estimator, feature_names, class_names)
    coefs, intercepts, masks = estimator.coefs_, estimator.intercepts_, estimator.masks_
    steps = estimator.binary_neurons_
    input_values = estimator._input_values
    # (false value, true value) of every two-valued source, by name.
    sources = {}
    inputs = []
    for i in np.flatnonzero(masks[0].any(axis=1)):
        name = feature_names[i]
        values = None
        if not np.isnan(input_values[i]).any():
            values = (float(input_values[i, 0]), float(input_values[i, 1]))
            sources[name] = values
        inputs.append({"name": name, "index": int(i), "values": values})
    previous = feature_names
    neurons = []
    for layer in range(1, len(coefs)):
        M_in, M_out = masks[layer - 1], masks[layer]
        alive = M_in.any(axis=0) & M_out.any(axis=1)
        names = [_neuron_name(layer, j) for j in range(M_in.shape[1])]
        for j in np.flatnonzero(alive):
            terms = [(previous[i], float(coefs[layer - 1][i, j]))
                     for i in np.flatnonzero(M_in[:, j])]
            bias = float(intercepts[layer - 1][j])
            unit = {"name": names[j], "layer": layer, "index": int(j)}
            if steps[layer - 1][j]:
                values = step_levels(estimator.activation)
                rewritten = _at_least(terms, bias, sources, strict=False) \
                    if all(s in sources for s, _ in terms) else None
                if rewritten is not None:
                    unit.update(kind="at_least", conditions=rewritten[0],
                                min_true=rewritten[1])
                    if rewritten[2]:  # the neuron is true when its output is low
                        values = values[::-1]
                else:
                    unit.update(kind="threshold", terms=terms, threshold=-bias)
                sources[names[j]] = values
                unit["values"] = values
            else:
                unit.update(kind="activation", activation=estimator.activation,
                            terms=terms, bias=bias)
            neurons.append(unit)
        previous = names
    W, b, M = coefs[-1], intercepts[-1], masks[-1]
    units = [([(previous[i], float(W[i, k])) for i in np.flatnonzero(M[:, k])], float(b[k]))
             for k in range(W.shape[1])]
    if class_names is None:
        n_out = len(units)
        out_names = ["y"] if n_out == 1 else [f"y[{k}]" for k in range(n_out)]
        output = {"kind": "linear", "targets": [
            {"name": n, "terms": t, "bias": c} for n, (t, c) in zip(out_names, units)]}
    elif len(units) > 1:
        output = {"kind": "argmax", "scores": [
            {"class": n, "terms": t, "bias": c} for n, (t, c) in zip(class_names, units)]}
    else:
        terms, bias = units[0]
        rewritten = _at_least(terms, bias, sources, strict=True) \
            if terms and all(s in sources for s, _ in terms) else None
        output = {"classes": (class_names[0], class_names[1])}
        if rewritten is not None:
            output.update(kind="at_least", conditions=rewritten[0], min_true=rewritten[1])
            if rewritten[2]:
                output["classes"] = output["classes"][::-1]
        else:
            output.update(kind="threshold", terms=terms, threshold=-bias)
    return {"inputs": inputs, "neurons": neurons, "output": output}


# ------------------------------------------------------------------ text
def _fmt(value, decimals):
    """``value`` to ``decimals`` decimals; a nonzero value that would print as
    zero gets ``decimals`` significant digits instead (features in large units
    have tiny weights), and a zero never prints as "-0"."""
    text = f"{value:.{decimals}f}"
    if float(text) == 0.0:
        text = f"{value:.{max(decimals, 1)}g}" if value != 0.0 else text.lstrip("-")
    return text


def _condition_text(name, negated):
    name = shown_name(name)
    if not negated:
        return name
    return f"not ({name})" if " " in name else f"not {name}"


def _at_least_text(conditions, m):
    k = len(conditions)
    if m <= 0:
        return "always"
    if m > k:
        return "never"
    parts = ", ".join(_condition_text(n, neg) for n, neg in conditions)
    if k == 1:
        return _condition_text(*conditions[0])
    if m == k:
        return f"all of {{{parts}}}"
    if m == 1:
        return f"any of {{{parts}}}"
    return f"at least {m} of {{{parts}}}"


def _operand(name):
    """A name inside a formula, parenthesized when it has spaces ("age > 42",
    "blood pressure") so that the formula reads one way only."""
    name = shown_name(name)
    return f"({name})" if any(c.isspace() for c in name) else name


def _sum_text(terms, decimals, bias=None):
    parts = []
    for name, w in terms:
        sign = "-" if w < 0 else "+"
        parts.append(f"{sign} {_fmt(abs(w), decimals)} * {_operand(name)}")
    if bias is not None:
        parts.append(f"{'-' if bias < 0 else '+'} {_fmt(abs(bias), decimals)}")
    if not parts:
        return _fmt(0.0, decimals)
    text = " ".join(parts)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def _threshold_text(terms, threshold, decimals, op, sources=None):
    """``sum(w * source) op threshold`` as text.

    Over two-valued ``sources`` the text only has to decide every combination of
    them as the network does: the weights are rounded to ``decimals`` (more, up to
    ``_EXTRA_DECIMALS``, when that does not separate the combinations the unit
    tells apart) and the threshold printed is the shortest number strictly
    between the rounded sums of the combinations below and above it, never equal
    to any of them."""
    if sources is not None and all(name in sources for name, _ in terms):
        separated = _separating_text(terms, threshold, decimals, op, sources)
        if separated is not None:
            return separated
    if len(terms) == 1:
        # One input: state the threshold on the input itself, in its own units.
        name, w = terms[0]
        flipped = {">=": "<=", ">": "<"}[op] if w < 0 else op
        return f"{_operand(name)} {flipped} {_fmt(threshold / w, decimals)}"
    return f"{_sum_text(terms, decimals)} {op} {_fmt(threshold, decimals)}"


def _separating_text(terms, threshold, decimals, op, sources):
    table = _truth_table(terms, sources)
    if table is None or len(terms) == 1:
        return None
    values = table[2]
    w = np.array([w for _, w in terms])
    compare = np.greater_equal if op == ">=" else np.greater
    fires = compare(values @ w, threshold)
    if fires.all() or not fires.any():
        return None
    for d in range(decimals, decimals + _EXTRA_DECIMALS + 1):
        rounded = np.sign(w) * np.array([float(_fmt(abs(v), d)) for v in w])
        total = values @ rounded
        below, above = total[~fires].max(), total[fires].min()
        # Sums within rounding error of the cut could read either way.
        margin = 1e-9 * (np.abs(values).max() * np.abs(rounded).sum() + 1.0)
        if above - below > 2 * margin:
            cut = _simplest_between(below, above, margin)
            return (f"{_sum_text(terms, d)} {op} "
                    f"{np.format_float_positional(cut, trim='-')}")
    return None


def _leaf(condition, then, otherwise):
    return [f"|--- {condition}", f"|   |--- {then}", "|--- otherwise",
            f"|   |--- {otherwise}"]


@validate_params(
    {
        "estimator": [object],
        "feature_names": ["array-like", None],
        "class_names": ["array-like", None],
        "decimals": [Interval(numbers.Integral, 0, 100, closed="both")],
    },
    prefer_skip_nested_validation=True,
)
def export_text(estimator, *, feature_names=None, class_names=None, decimals=2):
    """The network as verbal rules, modelled on ``sklearn.tree.export_text``.

    Hidden neurons are defined first, layer by layer, then the output. A threshold
    neuron whose conditions weigh equally reads "at least m of {A, not B, C}" ("all
    of", "any of" when m is k or 1); other threshold neurons read as a weighted sum
    compared with a threshold, smooth neurons as their activation of a weighted sum.
    Weights and thresholds are in the original units of the features (and of the
    target for a regressor), rounded to ``decimals``. Removed inputs and neurons do
    not appear. :func:`network_rules` gives the same rules unrounded, as data.

    Parameters
    ----------
    estimator : PrunedMLPClassifier, PrunedMLPRegressor or MinimalNetworkCommittee
        A fitted estimator. For a committee, each member's rules are listed in
        turn, headed by the member's number and the inputs it uses.
    feature_names : array-like of str of shape (n_features_in_,), default=None
        Names of the inputs; None: ``feature_names_in_`` if the estimator was fitted
        on a DataFrame, else "x0", "x1", ...
    class_names : array-like of str of shape (n_classes,), default=None
        Names of the classes in the order of ``classes_`` (classifier only); None:
        ``classes_``.
    decimals : int, default=2
        Decimals of the printed weights and thresholds, 0 to 100. A nonzero number that
        would print as zero is printed to ``decimals`` significant digits (at
        least one) instead. A threshold over two-valued sources (Boolean inputs,
        threshold neurons) is printed as the shortest number between the rounded
        sums of the combinations below and above it, and its weights take more
        decimals only when ``decimals`` cannot separate those combinations.

    Returns
    -------
    report : str
        The rules, one line per neuron and the decision of the output. A feature
        name or class label with a control or other non-printable character (a
        newline, a tab, a terminal escape) is printed quoted, with Python's escapes
        (``'a\\nb'``), so that it cannot forge a line; other names print as they
        are.

    See Also
    --------
    network_rules : The rules as data, for evaluation.
    sklearn.tree.export_text : The same for a decision tree.

    Notes
    -----
    With inputs and neuron outputs that take two values each, a neuron with
    incoming weights w_i = +-s (in units of the value ranges) and bias b is true
    when ``b + sum_i w_i v_i >= 0``, i.e. when at least
    ``m = ceil(#negative - b' / s)`` of its k conditions hold (b' the bias with the
    false values folded in): a logically transparent neuron (Gorban and Mirkes,
    section 7 of METHOD.md). The printed counts are computed exactly from the
    network's weights, so a fully transparent network's text predicts exactly as
    the network does. So does a threshold neuron over two-valued sources whose
    weights differ: it is true when its weighted sum reaches the printed threshold,
    for every combination of its sources. Weighted sums of continuous inputs and
    smooth neurons are rounded to ``decimals``: approximations.
    A neuron whose conditions are mostly negated is stated by its complement (the
    neuron is named as before, and its uses are negated accordingly).

    References
    ----------
    A. N. Gorban, E. M. Mirkes, "Artificial neural network pruning to extract
    knowledge", arXiv:2005.06284 (2020).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_nnprune import PrunedMLPClassifier, export_text
    >>> X = np.random.RandomState(0).randint(0, 2, size=(200, 4)).astype(float)
    >>> y = (X[:, :3].sum(axis=1) >= 2).astype(int)
    >>> clf = PrunedMLPClassifier(hidden_layer_sizes=(2,), prune=("inputs",),
    ...                           weight_levels="ternary", binarize_neurons=True,
    ...                           tolerance=0.0, random_state=1).fit(X, y)
    >>> print(export_text(clf, feature_names=["a", "b", "c", "d"],
    ...                   class_names=["no", "yes"]))
    h1[0] = at least 2 of {a, b, c}
    |--- h1[0]
    |   |--- class: yes
    |--- otherwise
    |   |--- class: no
    """
    if hasattr(estimator, "estimators_features_"):
        return _committee_text(estimator, feature_names, class_names, decimals)
    rules = network_rules(estimator, feature_names=feature_names, class_names=class_names)
    # The two-valued sources (Boolean inputs, threshold neurons) by name.
    sources = {inp["name"]: inp["values"] for inp in rules["inputs"]
               if inp["values"] is not None}
    sources.update((u["name"], u["values"]) for u in rules["neurons"] if "values" in u)
    lines = []
    for unit in rules["neurons"]:
        if unit["kind"] == "at_least":
            body = _at_least_text(unit["conditions"], unit["min_true"])
        elif unit["kind"] == "threshold":
            body = _threshold_text(unit["terms"], unit["threshold"], decimals, ">=",
                                   sources)
        else:
            body = f"{unit['activation']}({_sum_text(unit['terms'], decimals, unit['bias'])})"
        lines.append(f"{unit['name']} = {body}")
    out = rules["output"]
    if out["kind"] == "at_least":
        lines += _leaf(_at_least_text(out["conditions"], out["min_true"]),
                       f"class: {shown_name(out['classes'][1])}",
                       f"class: {shown_name(out['classes'][0])}")
    elif out["kind"] == "threshold":
        lines += _leaf(_threshold_text(out["terms"], out["threshold"], decimals, ">",
                                       sources),
                       f"class: {shown_name(out['classes'][1])}",
                       f"class: {shown_name(out['classes'][0])}")
    elif out["kind"] == "argmax":
        for score in out["scores"]:
            lines.append(f"score[{shown_name(score['class'])}] = "
                         f"{_sum_text(score['terms'], decimals, score['bias'])}")
        lines.append("|--- class: the one with the highest score")
    else:
        for target in out["targets"]:
            lines.append(f"{target['name']} = "
                         f"{_sum_text(target['terms'], decimals, target['bias'])}")
    # Weighted sums use a threshold neuron's numeric value: say what it is.
    steps = {u["name"]: u["values"] for u in rules["neurons"] if "values" in u}
    sums = [u for u in rules["neurons"] if "terms" in u]
    sums += out.get("scores", out.get("targets", [out] if "terms" in out else []))
    used = {name for unit in sums for name, _ in unit["terms"] if name in steps}
    legend = {}
    for name in sorted(used):
        legend.setdefault(steps[name], []).append(name)
    for (low, high), names in sorted(legend.items()):
        lines.insert(0, f"(in sums, {', '.join(map(shown_name, names))} = {high:g} "
                        f"when true, {low:g} when false)")
    # A two-valued input named as a condition holds at its true value: say which
    # value that is unless it is 1 (against 0).
    counted = [u for u in rules["neurons"] + [out] if u.get("kind") == "at_least"]
    named = {name for unit in counted for name, _ in unit["conditions"]}
    explained = {}
    for inp in rules["inputs"]:
        if inp["name"] in named and inp["values"] != (0.0, 1.0):
            explained.setdefault(inp["values"], []).append(inp["name"])
    for (low, high), names in sorted(explained.items(), reverse=True):
        if len(names) == 1:
            lines.insert(0, f"(as a condition, {shown_name(names[0])} holds when it is "
                            f"{high:g}, not when it is {low:g})")
        else:
            lines.insert(0, f"(as conditions, {', '.join(map(shown_name, names))} hold "
                            f"when they are {high:g}, not when they are {low:g})")
    return "\n".join(lines)


def _committee_text(committee, feature_names, class_names, decimals):
    """Each member's rules, named by the committee's inputs."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(committee)
    n_features = committee.n_features_in_
    if feature_names is None:
        feature_names = getattr(committee, "feature_names_in_", None)
    if feature_names is None:
        feature_names = [f"x{i}" for i in range(n_features)]
    feature_names = [str(name) for name in feature_names]
    if len(feature_names) != n_features:
        raise ValueError(f"feature_names has {len(feature_names)} names; the committee "
                         f"has {n_features} inputs.")
    blocks = []
    for k, (member, columns) in enumerate(zip(committee.estimators_,
                                              committee.estimators_features_)):
        names = [feature_names[c] for c in columns]
        used = [name for name, kept in zip(names, member.support_) if kept]
        text = export_text(member, feature_names=names, class_names=class_names,
                           decimals=decimals)
        shown = ", ".join(map(shown_name, used))
        blocks.append(f"member {k + 1} (inputs: {shown})\n{text}")
    return "\n\n".join(blocks)
