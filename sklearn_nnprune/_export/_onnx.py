"""ONNX export through skl2onnx: converters of this library's estimators.

skl2onnx and onnx are optional (``pip install "sklearn-nnprune[onnx]"``) and are
imported only when :func:`register_onnx_converters` or :func:`to_onnx` runs.
"""

import importlib

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._onnx_graph import (DOUBLE, FLOAT, INT64, Graph, class_labels, classifier_outputs,
                          compute_type, network_output)

_EXTRA = 'pip install "sklearn-nnprune[onnx]"'
_CLASSIFIER_OPTIONS = {"zipmap": [True, False, "columns"], "nocl": [True, False]}


def _skl2onnx():
    """The skl2onnx package, or an ImportError that says how to install it."""
    try:
        importlib.import_module("onnx")  # skl2onnx needs it: name it in the error
        import skl2onnx
    except ImportError as error:
        raise ImportError(f"ONNX export needs skl2onnx and onnx: {_EXTRA}") from error
    return skl2onnx


# ------------------------------------------------------------------ parsers
def _parse_fitted(scope, model, inputs, custom_parsers=None):
    """skl2onnx's parser for a transformer or regressor, after a fitted check (an
    unfitted estimator is a NotFittedError, not an AttributeError deep inside)."""
    from skl2onnx._parse import _parse_sklearn_simple_model
    check_is_fitted(model)
    return _parse_sklearn_simple_model(scope, model, inputs, custom_parsers=custom_parsers)


def _parse_classifier(scope, model, inputs, custom_parsers=None):
    """A classifier's outputs, label and probabilities, then skl2onnx's ZipMap as
    its own classifiers get it (option ``zipmap``)."""
    from skl2onnx._parse import _apply_zipmap, _get_sklearn_operator_name
    from skl2onnx.common.data_types import Int64TensorType, guess_tensor_type
    check_is_fitted(model)
    if getattr(model, "_is_regression", lambda: False)():  # a committee of regressors
        return _parse_fitted(scope, model, inputs, custom_parsers)
    operator = scope.declare_local_operator(_get_sklearn_operator_name(type(model)), model)
    operator.inputs = inputs
    operator.outputs.append(scope.declare_local_variable("label", Int64TensorType()))
    operator.outputs.append(scope.declare_local_variable(
        "probabilities", guess_tensor_type(inputs[0].type)))
    options = scope.get_options(model, dict(zipmap=True))
    if options["zipmap"] is False:
        return operator.outputs
    return _apply_zipmap(options["zipmap"], scope, model, inputs[0].type,
                         operator.outputs)


# ---------------------------------------------------------- shape calculators
def _tensor_type(proto):
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
    return DoubleTensorType if proto == DOUBLE else FloatTensorType


def _input_type(operator):
    from skl2onnx.common.data_types import guess_proto_type
    return guess_proto_type(operator.inputs[0].type)


def _classifier_shapes(operator):
    """Label (n_samples,) of int64 or strings, probabilities (n_samples, n_classes)."""
    from skl2onnx.common.data_types import Int64TensorType, StringTensorType
    from skl2onnx.common.utils_classifier import get_label_classes
    n = operator.inputs[0].get_first_dimension()
    classes = get_label_classes(operator.scope_inst, operator.raw_operator)
    label_type = class_labels(classes)[1]
    operator.outputs[0].set_type((Int64TensorType if label_type == INT64
                                  else StringTensorType)([n]))
    dtype = compute_type(_input_type(operator))
    operator.outputs[1].set_type(_tensor_type(dtype)([n, len(classes)]))


def _regressor_shapes(operator):
    """Predictions (n_samples, n_targets), one column for 1-D targets."""
    n = operator.inputs[0].get_first_dimension()
    model = operator.raw_operator
    dtype = compute_type(_input_type(operator))
    operator.outputs[0].set_type(_tensor_type(dtype)([n, _n_targets(model)]))


def _n_targets(model):
    if hasattr(model, "estimators_"):  # committee: its members' targets
        model = model.estimators_[0]
    return int(model._n_outputs)


def _committee_shapes(operator):
    if operator.raw_operator._is_regression():
        return _regressor_shapes(operator)
    return _classifier_shapes(operator)


def _selector_shapes(operator):
    """The selected columns, in the input's type."""
    n = operator.inputs[0].get_first_dimension()
    width = int(np.count_nonzero(operator.raw_operator.support_))
    operator.outputs[0].set_type(operator.inputs[0].type.__class__([n, width]))


def _binarizer_shapes(operator):
    """0/1 columns in the input's float type (double for other inputs)."""
    n = operator.inputs[0].get_first_dimension()
    dtype = _binarizer_type(_input_type(operator))
    width = operator.raw_operator.n_features_in_
    operator.outputs[0].set_type(_tensor_type(dtype)([n, width]))


def _binarizer_type(proto):
    # Integers compare exactly with the float64 thresholds in double.
    return FLOAT if proto == FLOAT else DOUBLE


# ---------------------------------------------------------------- converters
def _network_output(scope, operator, container):
    """Graph and output name of the network of ``operator`` on its input."""
    model, proto = operator.raw_operator, _input_type(operator)
    g = Graph(scope, container, compute_type(proto))
    out = network_output(g, operator.inputs[0].full_name, proto,
                            model.compact_network(), model.activation,
                            model._output_activation)
    return g, out


def _convert_classifier(scope, operator, container):
    """PrunedMLPClassifier: label and probabilities from the compact network."""
    from skl2onnx.common.utils_classifier import get_label_classes
    g, out = _network_output(scope, operator, container)
    classifier_outputs(g, out, get_label_classes(scope, operator.raw_operator),
                          operator.outputs[0].full_name, operator.outputs[1].full_name)


def _convert_regressor(scope, operator, container):
    """PrunedMLPRegressor: the compact network's output, (n_samples, n_targets)."""
    g, out = _network_output(scope, operator, container)
    g.node("Identity", [out], "prediction", output=operator.outputs[0].full_name)


def _convert_selector(scope, operator, container):
    """NetworkInputSelector: the columns of ``support_`` (Gather on axis 1)."""
    g = Graph(scope, container, _input_type(operator))
    columns = np.flatnonzero(operator.raw_operator.support_).astype(np.int64)
    g.node("Gather", [operator.inputs[0].full_name,
                      g.const("nnprune_support", columns, INT64)],
           "selected", output=operator.outputs[0].full_name, axis=1)


def _float32_below(thresholds):
    """The largest float32 at or below each float64 threshold: for every float32 x,
    x > it exactly when x > the threshold (as the float64 comparison of
    ``transform``)."""
    low = thresholds.astype(np.float32)
    above = low.astype(np.float64) > thresholds
    low[above] = np.nextafter(low[above], np.float32(-np.inf))
    return low


def _convert_binarizer(scope, operator, container):
    """InputBinarizer: ``x > t`` as 0/1 in the output's float type."""
    proto = _input_type(operator)
    g = Graph(scope, container, _binarizer_type(proto))
    thresholds = np.asarray(operator.raw_operator.thresholds_, dtype=np.float64)
    if g.dtype == FLOAT:
        thresholds = _float32_below(thresholds)
    x = g.to_compute_type(operator.inputs[0].full_name, proto)
    above = g.node("Greater", [x, g.const("nnprune_thresholds", thresholds[None, :])],
                   "above")
    g.node("Cast", [above], "binarized", output=operator.outputs[0].full_name, to=g.dtype)


# -------------------------------------------------------------- registration
def register_onnx_converters():
    """Register this library's estimators with skl2onnx.

    After this call, :func:`skl2onnx.to_onnx` converts
    :class:`~sklearn_nnprune.PrunedMLPClassifier`,
    :class:`~sklearn_nnprune.PrunedMLPRegressor`,
    :class:`~sklearn_nnprune.NetworkInputSelector`,
    :class:`~sklearn_nnprune.InputBinarizer` and
    :class:`~sklearn_nnprune.MinimalNetworkCommittee`, alone or inside a
    scikit-learn Pipeline. A network is exported from its
    :meth:`~sklearn_nnprune.PrunedMLPClassifier.compact_network`: the graph reads
    only the kept inputs and holds only the kept neurons and weights. Calling it
    again changes nothing.

    Classifiers (and a classification committee) output ``label`` and
    ``probabilities`` as skl2onnx's own classifiers do, with the same options
    ``zipmap`` (True, False or "columns") and ``nocl``.

    Raises
    ------
    ImportError
        When skl2onnx or onnx is not installed
        (``pip install "sklearn-nnprune[onnx]"``).

    See Also
    --------
    to_onnx : Register, then convert.

    Examples
    --------
    >>> import numpy as np
    >>> import skl2onnx
    >>> from sklearn_nnprune import PrunedMLPClassifier, register_onnx_converters
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(100, 4))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> net = PrunedMLPClassifier(hidden_layer_sizes=(3,), max_iter=200,
    ...                           random_state=0).fit(X, y)
    >>> register_onnx_converters()
    >>> onx = skl2onnx.to_onnx(net, X[:1].astype(np.float32),
    ...                        options={"zipmap": False})
    >>> [output.name for output in onx.graph.output]
    ['label', 'probabilities']
    """
    from ._onnx_committee import convert_committee
    from .._binarizer import InputBinarizer
    from .._committee import MinimalNetworkCommittee
    from .._estimators import PrunedMLPClassifier, PrunedMLPRegressor
    from .._selector import NetworkInputSelector
    update = _skl2onnx().update_registered_converter
    update(PrunedMLPClassifier, "SklearnNnpruneClassifier", _classifier_shapes,
           _convert_classifier, parser=_parse_classifier, options=_CLASSIFIER_OPTIONS)
    update(PrunedMLPRegressor, "SklearnNnpruneRegressor", _regressor_shapes,
           _convert_regressor, parser=_parse_fitted)
    update(NetworkInputSelector, "SklearnNnpruneInputSelector", _selector_shapes,
           _convert_selector, parser=_parse_fitted)
    update(InputBinarizer, "SklearnNnpruneInputBinarizer", _binarizer_shapes,
           _convert_binarizer, parser=_parse_fitted)
    update(MinimalNetworkCommittee, "SklearnNnpruneCommittee", _committee_shapes,
           convert_committee, parser=_parse_classifier,
           options=_CLASSIFIER_OPTIONS)


def to_onnx(model, X, **kwargs):
    """Convert an estimator or a Pipeline to ONNX with skl2onnx.

    Registers this library's converters (:func:`register_onnx_converters`),
    then calls :func:`skl2onnx.to_onnx`.

    Parameters
    ----------
    model : estimator or Pipeline
        Fitted; this library's estimators may appear anywhere in a Pipeline.
    X : ndarray of shape (n_samples, n_features)
        A few input rows: their dtype sets the graph's input type (float32:
        the graph computes in float; float64: in double).
    **kwargs
        Passed on to :func:`skl2onnx.to_onnx` (``options``, ``target_opset``,
        ``initial_types``...).

    Returns
    -------
    onx : onnx.ModelProto
        The ONNX model.

    Raises
    ------
    ImportError
        When skl2onnx or onnx is not installed
        (``pip install "sklearn-nnprune[onnx]"``).
    sklearn.exceptions.NotFittedError
        When an estimator of this library is not fitted.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime as ort
    >>> from sklearn_nnprune import PrunedMLPRegressor, to_onnx
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(100, 4))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> net = PrunedMLPRegressor(hidden_layer_sizes=(3,), max_iter=200,
    ...                          random_state=0).fit(X, y)
    >>> onx = to_onnx(net, X[:1])
    >>> session = ort.InferenceSession(onx.SerializeToString(),
    ...                                providers=["CPUExecutionProvider"])
    >>> y_onnx = session.run(None, {"X": X})[0]
    >>> y_onnx.shape
    (100, 1)
    >>> bool(np.allclose(y_onnx[:, 0], net.predict(X), rtol=0, atol=1e-9))
    True
    """
    register_onnx_converters()
    return _skl2onnx().to_onnx(model, X, **kwargs)
