"""C99 source from a Program: no dynamic allocation, no mutable globals."""

from .._network import step_levels
from ._program import header_lines

_ACTIVATIONS = {
    # The formulas of _network.activate (exp overflows to inf: tanh gives 1).
    "tanh": "return 1.0 - 2.0 / (exp(2.0 * z) + 1.0);",
    "logistic": "return 1.0 / (1.0 + exp(-z));",
    "relu": "return z > 0.0 ? z : 0.0;",
    "identity": "return z;",
    "rational": "return z / (1.0 + fabs(z));",
    "step": "return z >= 0.0 ? 1.0 : -1.0;",
}


def _double(v):
    # 17 significant digits: the literal reads back as the same double.
    return format(float(v), ".17g").replace("inf", "HUGE_VAL")


def initializer(values, fmt):
    """A C initializer with one pair of braces per dimension."""
    if values.ndim == 1:
        return "{" + ", ".join(fmt(v) for v in values) + "}"
    return "{" + ", ".join(initializer(row, fmt) for row in values) + "}"


def table(name, values, ctype, fmt):
    """A ``static const`` array (none for an empty one: C has no empty arrays)."""
    if values.size == 0:
        return []
    dims = "".join(f"[{d}]" for d in values.shape)
    return [f"static const {ctype} {name}{dims} = {initializer(values, fmt)};"]


def comment(lines):
    return ["/*"] + [f" * {line}" for line in lines] + [" */"]


def _source_statement(k, column, ops):
    expr = f"x[{column}]"
    for op in ops:
        if op[0] == "standardize":
            expr = f"(({expr} - {_double(op[1])}) / {_double(op[2])})"
        else:
            expr = f"({expr} > {_double(op[1])} ? 1.0 : 0.0)"
    return f"    a0[{k}] = {expr};"


def _layer_statements(net, names, l, kind):
    """``kind``: "double" or "long long" sums."""
    W = net.coefs[l]
    n_in, n_out = W.shape
    last = l == len(net.coefs) - 1
    target = "out" if last else f"a{l + 1}"
    lines = [] if last else [f"    {'int' if kind != 'double' else 'double'} "
                             f"{target}[{n_out}];"]
    cast = "(long long)" if kind != "double" else ""
    lines += [f"    for (int j = 0; j < {n_out}; ++j) {{",
              f"        {kind} z = nnprune_b{l}[j];"]
    if n_in:
        lines.append(f"        for (int i = 0; i < {n_in}; ++i) "
                     f"z += {cast}a{l}[i] * nnprune_w{l}[i][j];")
    if last:
        lines.append(f"        {target}[j] = z;")
    else:
        steps = net.steps[l] if net.steps is not None else None
        low, high = step_levels(names[l]) if steps is not None and steps.any() else (0, 0)
        if kind != "double":
            lines.append(f"        {target}[j] = z >= 0 ? {int(high)} : {int(low)};")
        elif steps is None or not steps.any():
            lines.append(f"        {target}[j] = nnprune_{names[l]}(z);")
        else:
            lines.append(f"        {target}[j] = nnprune_step{l}[j] ? "
                         f"(z >= 0.0 ? {_double(high)} : {_double(low)}) "
                         f": nnprune_{names[l]}(z);")
    lines.append("    }")
    return lines


def _network_tables(net, kind, fmt):
    lines = []
    for l, (W, b) in enumerate(zip(net.coefs, net.intercepts)):
        lines += table(f"nnprune_w{l}", W, kind, fmt)
        lines += table(f"nnprune_b{l}", b, kind, fmt)
        if kind == "double" and net.steps is not None and l < len(net.coefs) - 1:
            lines += table(f"nnprune_step{l}", net.steps[l].astype(int), "int", str)
    return lines


def _output_function(program, names, kind, input_type):
    net = program.network
    a0_type = "double" if kind == "double" else "int"
    lines = [f"static void nnprune_output(const {input_type} *x, {kind} *out) {{"]
    if program.sources:
        lines.append(f"    {a0_type} a0[{len(program.sources)}];")
    lines += [_source_statement(k, c, ops) for k, (c, ops) in enumerate(program.sources)]
    for l in range(len(net.coefs)):
        lines += _layer_statements(net, names, l, kind)
    lines.append("}")
    return lines


def _classifier_functions(n_classes):
    lines = ["int nnprune_predict(const double *x) {",
             f"    double out[{1 if n_classes == 2 else n_classes}];",
             "    nnprune_output(x, out);"]
    if n_classes == 2:
        lines += ["    return nnprune_logistic(out[0]) > 0.5 ? 1 : 0;", "}", "",
                  "void nnprune_predict_proba(const double *x, double *proba) {",
                  "    double out[1];", "    nnprune_output(x, out);",
                  "    proba[1] = nnprune_logistic(out[0]);",
                  "    proba[0] = 1.0 - proba[1];", "}"]
        return lines
    lines += ["    int best = 0;",
              f"    for (int k = 1; k < {n_classes}; ++k) if (out[k] > out[best]) best = k;",
              "    return best;", "}", "",
              "void nnprune_predict_proba(const double *x, double *proba) {",
              f"    double out[{n_classes}];", "    nnprune_output(x, out);",
              "    double m = out[0], s = 0.0;",
              f"    for (int k = 1; k < {n_classes}; ++k) if (out[k] > m) m = out[k];",
              f"    for (int k = 0; k < {n_classes}; ++k) {{ proba[k] = exp(out[k] - m); "
              "s += proba[k]; }",
              f"    for (int k = 0; k < {n_classes}; ++k) proba[k] /= s;", "}"]
    return lines


def _hidden_names(program):
    n_hidden = len(program.network.coefs) - 1
    if isinstance(program.hidden_activation, str):
        return [program.hidden_activation] * n_hidden
    return list(program.hidden_activation)


def c_source(program):
    """C99 source: ``nnprune_predict`` (and ``nnprune_predict_proba``) for a
    network, ``nnprune_transform`` for a transformer."""
    lines = comment(header_lines(program, "c")) + ["", "#include <math.h>", ""]
    if program.network is None:
        lines += ["void nnprune_transform(const double *x, double *out) {"]
        lines += [line.replace("a0[", "out[")
                  for line in (_source_statement(k, c, ops)
                               for k, (c, ops) in enumerate(program.sources))]
        return "\n".join(lines + ["}"]) + "\n"
    names = _hidden_names(program)
    lines += _network_tables(program.network, "double", _double) + [""]
    binary = program.classes is not None and len(program.classes) == 2
    used = set(names) | ({"logistic"} if binary else set())
    for name in sorted(used):
        lines += [f"static double nnprune_{name}(double z) {{ {_ACTIVATIONS[name]} }}"]
    lines += [""] + _output_function(program, names, "double", "double") + [""]
    if program.classes is not None:
        lines += _classifier_functions(len(program.classes))
    else:
        n_out = program.network.coefs[-1].shape[1]
        lines += ["void nnprune_predict(const double *x, double *y) {",
                  "    nnprune_output(x, y);" if n_out else "", "}"]
    return "\n".join(lines) + "\n"
