"""Python source without dependencies (only ``math``) from a Program."""

from .._network import step_levels
from ._program import header_lines

_ACTIVATIONS = {
    # The formulas of _network.activate, so that doubles agree to rounding.
    "tanh": ("def _tanh(z):\n"
             "    if z > 354.0:\n        return 1.0\n"
             "    return 1.0 - 2.0 / (math.exp(2.0 * z) + 1.0)\n"),
    "logistic": ("def _logistic(z):\n"
                 "    if z < -708.0:\n        return 0.0\n"
                 "    return 1.0 / (1.0 + math.exp(-z))\n"),
    "relu": "def _relu(z):\n    return z if z > 0.0 else 0.0\n",
    "identity": "def _identity(z):\n    return z\n",
    "rational": "def _rational(z):\n    return z / (1.0 + abs(z))\n",
    "step": "def _step(z):\n    return 1.0 if z >= 0.0 else -1.0\n",
}


def _literal(values):
    return "(" + "".join(f"{float(v)!r}, " for v in values) + ")"


def _source_expression(column, ops):
    expr = f"float(x[{column}])"
    for op in ops:
        if op[0] == "standardize":
            expr = f"(({expr} - {op[1]!r}) / {op[2]!r})"
        else:
            expr = f"(1.0 if {expr} > {op[1]!r} else 0.0)"
    return expr


def _layer_lines(net, names):
    """Constant tables and the layer loop of the network."""
    lines = []
    for l, (W, b) in enumerate(zip(net.coefs, net.intercepts)):
        rows = ", ".join(_literal(row) for row in W)
        lines.append(f"_W{l} = ({rows}{',' if W.shape[0] == 1 else ''})")
        lines.append(f"_B{l} = {_literal(b)}")
        last = l == len(net.coefs) - 1
        if not last:
            steps = net.steps[l] if net.steps is not None else [False] * b.size
            low, high = step_levels(names[l]) if any(steps) else (0.0, 0.0)
            lines.append(f"_STEP{l} = {tuple(bool(s) for s in steps)!r}")
            lines.append(f"_LEVELS{l} = ({low!r}, {high!r})")
    return lines


def _output_function(program, names):
    net = program.network
    body = ["def _output(x):",
            "    if len(x) != N_FEATURES:",
            "        raise ValueError(f\"x has {len(x)} numbers; the network reads "
            "{N_FEATURES} (n_features_in_)\")",
            "    a = [" + ", ".join(_source_expression(c, ops) for c, ops in program.sources)
            + "]"]
    for l in range(len(net.coefs)):
        body.append(f"    z = [_B{l}[j] + sum(a[i] * _W{l}[i][j] for i in range(len(a)))"
                    f" for j in range(len(_B{l}))]")
        if l < len(net.coefs) - 1:
            body.append(f"    a = [_LEVELS{l}[1 if zj >= 0.0 else 0] if _STEP{l}[j] else "
                        f"_{names[l]}(zj) for j, zj in enumerate(z)]")
    body.append("    return z")
    return body


def _prediction_functions(program):
    if program.classes is None:
        if program.network.coefs[-1].shape[1] == 1 and program.y_1d:
            return ["def predict(x):", '    """The predicted value."""',
                    "    return _output(x)[0]"]
        return ["def predict(x):", '    """The predicted values, one per target."""',
                "    return _output(x)"]
    if len(program.classes) == 2:
        proba = ["    p = _logistic(_output(x)[0])", "    return [1.0 - p, p]"]
    else:
        proba = ["    z = _output(x)", "    m = max(z)", "    e = [math.exp(v - m) for v in z]",
                 "    s = sum(e)", "    return [v / s for v in e]"]
    return (["def predict_proba(x):",
             '    """Probability of each class, in the order of CLASSES."""'] + proba
            + ["", "", "def predict(x):", '    """The predicted class label."""',
               "    p = predict_proba(x)"]
            + (["    return CLASSES[1 if p[1] > 0.5 else 0]"] if len(program.classes) == 2
               else ["    return CLASSES[max(range(len(p)), key=p.__getitem__)]"]))


def _transform_function(program):
    return ["def transform(x):", '    """The transformed values."""',
            "    if len(x) != N_FEATURES:",
            "        raise ValueError(f\"x has {len(x)} numbers; expected {N_FEATURES}\")",
            "    return [" + ", ".join(_source_expression(c, ops)
                                       for c, ops in program.sources) + "]"]


def python_source(program):
    """The source of a module with ``predict`` (and ``predict_proba`` for a
    classifier), or ``transform`` for a transformer."""
    doc = "\n".join(header_lines(program, "python"))
    lines = ['"""' + doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '\n"""',
             "", "import math", "", f"N_FEATURES = {program.n_features}"]
    if program.network is None:
        return "\n".join(lines + ["", ""] + _transform_function(program)) + "\n"
    if program.classes is not None:
        lines.append("CLASSES = (" + "".join(f"{label!r}, " for label in program.classes)
                     + ")")
    names = [program.hidden_activation] * (len(program.network.coefs) - 1) if isinstance(
        program.hidden_activation, str) else list(program.hidden_activation)
    lines += _layer_lines(program.network, names)
    used = set(names) | ({"logistic"} if program.classes and len(program.classes) == 2
                         else set())
    for name in sorted(used):
        if name in _ACTIVATIONS:
            lines += ["", "", _ACTIVATIONS[name].rstrip("\n")]
    lines += ["", ""] + _output_function(program, names)
    lines += ["", ""] + _prediction_functions(program)
    return "\n".join(lines) + "\n"
