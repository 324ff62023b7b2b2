"""ONNX nodes of a compact network: the pieces every converter of this library uses.

Arrays and names in, names out. Nothing here imports onnx or skl2onnx at module
level (the core package must not need them); the element types are passed in as
the integer codes of ``onnx.TensorProto``.
"""

import numpy as np

from .._network import _hidden_names, step_levels

# onnx.TensorProto element types (fixed by the ONNX standard).
FLOAT, INT64, STRING, BOOL, DOUBLE = 1, 7, 8, 9, 11
NUMPY_TYPES = {FLOAT: np.float32, DOUBLE: np.float64}

_ACTIVATIONS = {"tanh": "Tanh", "logistic": "Sigmoid", "relu": "Relu",
                "softmax": "Softmax"}


class Graph:
    """Adds nodes and constants to the graph skl2onnx is building.

    ``dtype`` is the element type (FLOAT or DOUBLE) the network computes in.
    """

    def __init__(self, scope, container, dtype):
        self.scope, self.container, self.dtype = scope, container, dtype

    def const(self, hint, values, dtype=None):
        """A constant (initializer) named after ``hint``; ``dtype`` defaults to the
        compute type. Returns its name."""
        dtype = self.dtype if dtype is None else dtype
        values = np.asarray(values)
        if dtype in NUMPY_TYPES:
            values = values.astype(NUMPY_TYPES[dtype])
        name = self.scope.get_unique_variable_name(hint)
        content = (values.ravel().tolist() if dtype == STRING
                   else values.ravel())
        self.container.add_initializer(name, dtype, list(values.shape), content)
        return name

    def node(self, op_type, inputs, hint, output=None, n_outputs=1, **attrs):
        """Add one node; returns the name of its output (``output`` when given: an
        output of the converted operator), or a list of ``n_outputs`` names."""
        outputs = ([self.scope.get_unique_variable_name(hint) for _ in range(n_outputs)]
                   if output is None else [output])
        self.container.add_node(op_type, list(inputs), outputs,
                                name=self.scope.get_unique_operator_name(op_type), **attrs)
        return outputs[0] if n_outputs == 1 else outputs

    def to_compute_type(self, name, proto_type):
        """``name`` cast to the compute type unless it already is of it."""
        if proto_type == self.dtype:
            return name
        return self.node("Cast", [name], "cast_input", to=self.dtype)


def compute_type(proto_type):
    """The element type a network computes in on an input of ``proto_type``: double
    for double inputs, else float (as skl2onnx's MLP converters)."""
    return DOUBLE if proto_type == DOUBLE else FLOAT


def gather_columns(g, x, columns, proto_type):
    """The ``columns`` of the input ``x`` (Gather on axis 1), in the compute type."""
    index = g.const("nnprune_inputs", np.asarray(columns, dtype=np.int64), INT64)
    return g.to_compute_type(g.node("Gather", [x, index], "kept_inputs", axis=1),
                             proto_type)


def _threshold(g, z, name):
    """Threshold neurons: the high level where z >= 0, the low level elsewhere."""
    low, high = step_levels(name)
    negative = g.node("Less", [z, g.const("zero", [0.0])], "negative")
    return g.node("Where", [negative, g.const("low", [low]), g.const("high", [high])],
                  "threshold")


def _activation(g, z, name):
    """``_network.activate(z, name)`` as nodes."""
    if name == "identity":
        return z
    if name == "rational":  # x / (1 + |x|)
        denominator = g.node("Add", [g.node("Abs", [z], "abs"), g.const("one", [1.0])],
                             "one_plus_abs")
        return g.node("Div", [z, denominator], "rational")
    if name == "step":
        return _threshold(g, z, name)
    if name == "softmax":
        return g.node("Softmax", [z], "softmax", axis=1)
    return g.node(_ACTIVATIONS[name], [z], name)


def _hidden_layer(g, z, name, steps):
    """Outputs of a hidden layer: the activation, or the threshold where ``steps``."""
    if steps is None or not steps.any():
        return _activation(g, z, name)
    fired = _threshold(g, z, name)
    if steps.all():
        return fired
    smooth = _activation(g, z, name)
    mask = g.const("nnprune_steps", steps.reshape(1, -1), BOOL)
    return g.node("Where", [mask, fired, smooth], "hidden")


def _constant_rows(g, x, values):
    """A (n_samples, k) output equal to ``values`` on every row: built from the
    number of rows of ``x``."""
    rows = g.node("Slice", [g.node("Shape", [x], "shape"),
                            g.const("start", [0], INT64), g.const("stop", [1], INT64)],
                  "n_rows")
    width = g.const("width", [values.size], INT64)
    shape = g.node("Concat", [rows, width], "out_shape", axis=0)
    return g.node("Expand", [g.const("nnprune_b", values.reshape(1, -1)), shape],
                  "constant_output")


def network_output(g, x, proto_type, net, hidden_activation, output_activation,
                   columns=None):
    """The output layer's activations of the compact network ``net`` on input ``x``.

    ``columns`` maps the network's inputs to columns of ``x`` (a committee member
    sees a subset of the committee's columns); None: the identity.
    """
    kept = net.inputs if columns is None else np.asarray(columns)[net.inputs]
    if kept.size == 0:
        # No input reaches the outputs: every unit is a constant, already folded
        # into the output intercepts.
        z = net.intercepts[-1][None, :].astype(np.float64)
        return _constant_rows(g, x, _numpy_output(z, output_activation)[0])
    a = gather_columns(g, x, kept, proto_type)
    names = _hidden_names(hidden_activation, len(net.coefs) - 1)
    last = len(net.coefs) - 1
    for l, (W, b) in enumerate(zip(net.coefs, net.intercepts)):
        z = g.node("MatMul", [a, g.const("nnprune_W", W)], "matmul")
        z = g.node("Add", [z, g.const("nnprune_b", b.reshape(1, -1))], "z")
        if l == last:
            a = _activation(g, z, output_activation)
        else:
            a = _hidden_layer(g, z, names[l], None if net.steps is None else net.steps[l])
    return a


def _numpy_output(z, output_activation):
    from .._network import activate
    return activate(z.copy(), output_activation)


def class_labels(classes):
    """``(values, element type)`` of class labels for a label output: integers
    (int64) or strings (UTF-8); float labels must hold whole numbers."""
    classes = np.asarray(classes)
    if classes.dtype.kind in "biu":
        return classes.astype(np.int64), INT64
    if classes.dtype.kind == "f":
        if not np.all(np.isfinite(classes) & (classes == np.round(classes))):
            raise ValueError(f"ONNX class labels are integers or strings; the classes "
                             f"{classes.tolist()!r} are not whole numbers. Fit on "
                             "integer or string labels.")
        return classes.astype(np.int64), INT64
    return np.array([str(c).encode("utf-8") for c in classes], dtype=object), STRING


def write_label(g, index, classes, output):
    """The label output: the class labels ``classes`` at the class indices ``index``
    (int64, shape (n_samples,))."""
    values, kind = class_labels(classes)
    g.node("Gather", [g.const("classes", values, kind), index], "label", output=output,
           axis=0)


def class_probabilities(g, out, n_classes, output=None):
    """``_network.class_probabilities``: a binary network's one logistic output p
    gives [1 - p, p]; several outputs are the probabilities."""
    if n_classes == 2:
        negative = g.node("Sub", [g.const("one", [[1.0]]), out], "negative_proba")
        return g.node("Concat", [negative, out], "proba", output=output, axis=1)
    return out if output is None else g.node("Identity", [out], "proba", output=output)


def class_index(g, out, n_classes):
    """``_network.decode_output``: p > 0.5 for one output, else the first argmax."""
    if n_classes == 2:
        p = g.node("Reshape", [out, g.const("flat", [-1], INT64)], "p")
        return g.node("Cast", [g.node("Greater", [p, g.const("half", [0.5])], "above")],
                      "index", to=INT64)
    return g.node("ArgMax", [out], "index", axis=1, keepdims=0)


def classifier_outputs(g, out, classes, label_output, proba_output):
    """Label and probabilities of a classifier from its network output ``out``."""
    class_probabilities(g, out, len(classes), proba_output)
    write_label(g, class_index(g, out, len(classes)), classes, label_output)
