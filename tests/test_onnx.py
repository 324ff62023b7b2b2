"""ONNX export: onnxruntime's outputs against predict / predict_proba / transform."""

import copy
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnprune import (InputBinarizer, MinimalNetworkCommittee, NetworkInputSelector,
                             PrunedMLPClassifier, PrunedMLPRegressor,
                             register_onnx_converters, to_onnx)
from sklearn_nnprune._compact import compact_network

ort = pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")
numpy_helper = pytest.importorskip("onnx.numpy_helper")

# Largest differences allowed between onnxruntime's probabilities and predict_proba.
TOL = {np.float32: 1e-5, np.float64: 1e-9}
DTYPES = [np.float32, np.float64]


def _data(n, seed):
    """Inputs with offsets and spreads (the graph holds the standardization folded
    into the first layer), and targets of a few kinds."""
    rng = np.random.RandomState(seed)
    Z = rng.normal(size=(n, 6))
    X = Z * [1.0, 2.0, 0.5, 3.0, 1.0, 1.0] + [3.0, -1.0, 0.0, 10.0, 0.0, 2.0]
    targets = dict(
        binary=(Z[:, 0] + Z[:, 1] > 0).astype(int),
        both=((Z[:, 0] > 0) & (Z[:, 2] > 0.3)).astype(int),
        three=np.digitize(Z[:, 0] + 0.5 * Z[:, 1], [-0.5, 0.5]),
        value=Z[:, 0] - Z[:, 1] ** 2)
    return X, targets


X_TRAIN, Y = _data(300, 0)
X_TEST = _data(200, 1)[0]
STRINGS = np.array(["low", "mid", "high"], dtype=object)


def _fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y)


def _network(**params):
    return PrunedMLPClassifier(**{"hidden_layer_sizes": (4,), "max_iter": 100,
                                  "random_state": 0, **params})


CLASSIFIERS = {
    "binary-tanh": (dict(), "binary"),
    "multiclass-relu": (dict(activation="relu", hidden_layer_sizes=(5, 3)), "three"),
    "strings-logistic": (dict(activation="logistic"), "strings"),
    "binary-rational": (dict(activation="rational"), "binary"),
    "multiclass-identity": (dict(activation="identity"), "three"),
    # Threshold and smooth neurons mixed in both hidden layers, weights on levels.
    "levels-thresholds": (dict(hidden_layer_sizes=(5, 3), weight_levels=3,
                               binarize_neurons=True, tolerance=0.02), "three"),
}


def _target(name):
    return STRINGS[Y["three"]] if name == "strings" else Y[name]


@pytest.fixture(scope="module")
def classifiers():
    return {name: _fit(_network(**params), X_TRAIN, _target(target))
            for name, (params, target) in CLASSIFIERS.items()}


@pytest.fixture(scope="module")
def regressors():
    y = Y["value"]
    return {name: _fit(PrunedMLPRegressor(hidden_layer_sizes=(4,), max_iter=100,
                                          random_state=0), X_TRAIN, target)
            for name, target in (("1d", y), ("2d", np.c_[y, X_TRAIN[:, 2]]))}


def _run(onx, X):
    session = ort.InferenceSession(onx.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X})


def _final(model):
    return model.steps[-1][1] if isinstance(model, Pipeline) else model


def _onnx_classifier(model, dtype, **options):
    """(labels, probabilities) of onnxruntime on X_TEST in ``dtype``."""
    options = {id(_final(model)): {"zipmap": False, **options}}
    onx = to_onnx(model, X_TRAIN[:1].astype(dtype), options=options)
    return onx, _run(onx, X_TEST.astype(dtype))


def _clear_rows(P, dtype):
    """Rows whose top two probabilities are more than 1e-5 apart (float32): their
    label cannot turn on float32 rounding. Every row in double."""
    if dtype == np.float64:
        return np.ones(P.shape[0], dtype=bool)
    top = np.sort(P, axis=1)
    return top[:, -1] - top[:, -2] > 1e-5


def _check_classifier(model, dtype, clear=None):
    onx, (labels, proba) = _onnx_classifier(model, dtype)
    X = X_TEST.astype(dtype)
    P = model.predict_proba(X)
    clear = _clear_rows(P, dtype) if clear is None else clear
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(labels[clear], model.predict(X)[clear])
    assert np.abs(proba - P).max() <= TOL[dtype]
    assert proba.dtype == dtype
    return onx


def _constants(onx, op_type, reads=None):
    """The constant (initializer) inputs of the ``op_type`` nodes, in graph order;
    with ``reads``, only of the nodes that read the variable ``reads``. (skl2onnx
    merges equal initializers: they are found through the nodes, not by name.)"""
    values = {t.name: numpy_helper.to_array(t) for t in onx.graph.initializer}
    return [values[name] for node in onx.graph.node if node.op_type == op_type
            and (reads is None or reads in node.input)
            for name in node.input if name in values]


def _match(got, expected):
    """``got`` and ``expected`` hold the same arrays (shapes and values), in any
    order (skl2onnx orders the nodes of parallel networks level by level)."""
    left = list(got)
    for want in expected:
        i = next((i for i, a in enumerate(left)
                  if a.shape == want.shape and np.array_equal(a, want)), None)
        assert i is not None, f"no constant of the graph equals {want!r}"
        left.pop(i)
    assert left == [], f"constants of the graph beyond the compact form: {left!r}"


def _check_compact(onx, nets, dtype, reads=None):
    """The graph holds the compact networks ``nets`` (pairs of a compact network and
    the columns its inputs index) and nothing of the removed inputs, neurons and
    weights: the Gathers of the variable ``reads`` (default: the graph input) take
    the kept inputs, the matrices and intercepts are the compact ones, value for
    value (weight levels to their float32 rounding)."""
    reads = onx.graph.input[0].name if reads is None else reads
    _match(_constants(onx, "Gather", reads),
           [columns[net.inputs].astype(np.int64) for net, columns in nets])
    _match(_constants(onx, "MatMul"),
           [W.astype(dtype) for net, _ in nets for W in net.coefs])
    products = {n.output[0] for n in onx.graph.node if n.op_type == "MatMul"}
    intercepts = [b.ravel() for product in products
                  for b in _constants(onx, "Add", product)]
    _match(intercepts, [b.astype(dtype) for net, _ in nets for b in net.intercepts])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(CLASSIFIERS))
def test_classifier(classifiers, name, dtype):
    est = classifiers[name]
    onx = _check_classifier(est, dtype)
    net = est.compact_network()
    _check_compact(onx, [(net, np.arange(X_TRAIN.shape[1]))], dtype)
    graph_input = onx.graph.input[0].name
    # The input is read only by the Gather of the kept columns.
    assert [n.op_type for n in onx.graph.node if graph_input in n.input] == ["Gather"]


def test_thresholds_and_levels_are_exercised(classifiers):
    est = classifiers["levels-thresholds"]
    steps = est.compact_network().steps
    assert steps is not None
    assert any(s.any() and not s.all() for s in steps)  # thresholds and smooth mixed
    assert any(levels is not None for levels in est.weight_levels_)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["1d", "2d"])
def test_regressor(regressors, name, dtype):
    est = regressors[name]
    onx = to_onnx(est, X_TRAIN[:1].astype(dtype))
    (out,) = _run(onx, X_TEST.astype(dtype))
    expected = est.predict(X_TEST.astype(dtype))
    assert out.shape == (X_TEST.shape[0], 1 if name == "1d" else 2)
    assert out.dtype == dtype
    rtol = 1e-5 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(out, expected.reshape(out.shape), rtol=rtol, atol=rtol)
    _check_compact(onx, [(est.compact_network(), np.arange(X_TRAIN.shape[1]))], dtype)


def test_network_without_inputs(classifiers):
    """A network whose inputs were all removed outputs constants: the graph reads
    no input column."""
    est = copy.deepcopy(classifiers["multiclass-relu"])
    masks = [np.zeros_like(M) for M in est.masks_]
    est._compact = compact_network(est.coefs_, est.intercepts_, masks,
                                   est.activation).to_arrays()
    onx, (labels, proba) = _onnx_classifier(est, np.float64)
    np.testing.assert_allclose(proba, est.predict_proba(X_TEST), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(labels, est.predict(X_TEST))
    graph_input = onx.graph.input[0].name
    assert [n.op_type for n in onx.graph.node if graph_input in n.input] == ["Shape"]
    assert _constants(onx, "MatMul") == []


@pytest.fixture(scope="module")
def pipelines():
    selector = NetworkInputSelector(_network(max_iter=60))
    return dict(
        selector=_fit(make_pipeline(StandardScaler(), selector, _network()),
                      X_TRAIN, Y["three"]),
        binarizer=_fit(make_pipeline(InputBinarizer(),
                                     _network(weight_levels=3, binarize_neurons=True)),
                       X_TRAIN, Y["both"]))


@pytest.mark.parametrize("dtype", DTYPES)
def test_pipeline_scaler_selector_network(pipelines, dtype):
    pipe = pipelines["selector"]
    onx = _check_classifier(pipe, dtype)
    # The selector's Gather is the one whose output another Gather reads.
    gathers = [n for n in onx.graph.node if n.op_type == "Gather"]
    selector = next(n for n in gathers if any(n.output[0] in m.input for m in gathers))
    (selected,) = _constants(onx, "Gather", selector.input[0])
    np.testing.assert_array_equal(selected, np.flatnonzero(pipe[1].support_))
    net = pipe[2].compact_network()
    _check_compact(onx, [(net, np.arange(pipe[2].n_features_in_))], dtype,
                   reads=selector.output[0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_pipeline_binarizer_threshold_network(pipelines, dtype):
    pipe = pipelines["binarizer"]
    assert pipe[1].compact_network().steps is not None
    _check_classifier(pipe, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binarizer_thresholds_exact(dtype):
    """Values at, just below and just above thresholds that float32 cannot hold
    (0.3) binarize as transform does (x > t in float64)."""
    X = np.array([[0.1, 0.0], [0.2, 1.0], [0.4, 0.0], [0.5, 1.0]])
    binarizer = InputBinarizer().fit(X, [0, 0, 1, 1])
    t = binarizer.thresholds_[0]
    assert t == 0.3 and np.float32(t) != t
    near = np.array([np.float32(t), np.nextafter(np.float32(t), np.float32(-1)),
                     np.nextafter(np.float32(t), np.float32(1)), t, 0.3000000000000001])
    X_near = np.c_[near, [0, 1, 0, 1, 1]].astype(dtype)
    onx = to_onnx(binarizer, X_near[:1])
    (out,) = _run(onx, X_near)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, binarizer.transform(X_near))


def test_binarizer_integer_input():
    X = np.array([[1, 0], [2, 1], [4, 0], [5, 1]], dtype=np.int64)
    binarizer = InputBinarizer().fit(X, [0, 0, 1, 1])
    (out,) = _run(to_onnx(binarizer, X[:1]), X)
    np.testing.assert_array_equal(out, binarizer.transform(X))


def _committee(estimator, y, **params):
    return _fit(MinimalNetworkCommittee(estimator, random_state=0, **params), X_TRAIN, y)


@pytest.fixture(scope="module")
def committees():
    small = dict(hidden_layer_sizes=(4,), max_iter=60)
    return dict(
        # Two members: ties, which go to the first class.
        hard=_committee(PrunedMLPClassifier(**small), STRINGS[Y["binary"]], n_networks=2),
        soft=_committee(PrunedMLPClassifier(**small), Y["three"], n_networks=3,
                        voting="soft"),
        median=_committee(PrunedMLPRegressor(**small), Y["value"], n_networks=2,
                          voting="median"),
        mean=_committee(PrunedMLPRegressor(**small), np.c_[Y["value"], X_TRAIN[:, 2]],
                        n_networks=3, voting="mean"))


def _member_nets(committee):
    return [(est.compact_network(), np.asarray(columns))
            for est, columns in zip(committee.estimators_, committee.estimators_features_)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("voting", ["hard", "soft"])
def test_committee_classifier(committees, voting, dtype):
    committee = committees[voting]
    X = X_TEST.astype(dtype)
    clear = None
    if voting == "hard":
        # A member's vote turns on rounding where its own top two are close.
        member_probas = committee._member_outputs(X, "predict_proba")
        clear = np.all([_clear_rows(P, dtype) for P in member_probas], axis=0)
        shares = committee.predict_proba(X)
        assert np.any(shares[:, 0] == shares[:, 1])  # the tie rule is exercised
    onx = _check_classifier(committee, dtype, clear=clear)
    _check_compact(onx, _member_nets(committee), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("voting", ["median", "mean"])
def test_committee_regressor(committees, voting, dtype):
    committee = committees[voting]
    onx = to_onnx(committee, X_TRAIN[:1].astype(dtype))
    (out,) = _run(onx, X_TEST.astype(dtype))
    expected = committee.predict(X_TEST)
    assert out.shape == (X_TEST.shape[0], 1 if voting == "median" else 2)
    rtol = 1e-5 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(out, expected.reshape(out.shape), rtol=rtol, atol=rtol)
    _check_compact(onx, _member_nets(committee), dtype)


def test_committee_members_read_their_own_columns(committees):
    columns = [tuple(c) for c in committees["soft"].estimators_features_]
    columns += [tuple(c) for c in committees["hard"].estimators_features_]
    assert len(set(columns)) > 1


@pytest.mark.parametrize("name", ["strings-logistic", "binary-tanh"])
def test_zipmap(classifiers, name):
    """Default options: a label and a list of {class: probability}, as skl2onnx's
    own classifiers give; zipmap="columns": one output per class."""
    est = classifiers[name]
    # ONNX's ZipMap takes float only: with double inputs pass zipmap=False (as for
    # skl2onnx's own classifiers).
    X = X_TEST.astype(np.float32)
    P, y = est.predict_proba(X), est.predict(X)
    onx = to_onnx(est, X[:1])
    assert [o.name for o in onx.graph.output] == ["output_label", "output_probability"]
    labels, maps = _run(onx, X)
    clear = _clear_rows(P, np.float32)
    np.testing.assert_array_equal(labels[clear], y[clear])
    np.testing.assert_allclose([[m[c] for c in est.classes_] for m in maps], P,
                               rtol=0, atol=1e-5)
    onx = to_onnx(est, X[:1], options={id(est): {"zipmap": "columns"}})
    labels, *columns = _run(onx, X)
    np.testing.assert_array_equal(labels[clear], y[clear])
    np.testing.assert_allclose(np.column_stack(columns), P, rtol=0, atol=1e-5)


def test_nocl(classifiers):
    """Option nocl: class indices instead of labels."""
    est = classifiers["strings-logistic"]
    _, (labels, _) = _onnx_classifier(est, np.float64, nocl=True)
    np.testing.assert_array_equal(labels, np.searchsorted(est.classes_,
                                                          est.predict(X_TEST)))


def test_float_class_labels(classifiers):
    est = copy.deepcopy(classifiers["binary-tanh"])
    est.classes_ = np.array([0.0, 1.0])
    _, (labels, _) = _onnx_classifier(est, np.float64)
    np.testing.assert_array_equal(labels, est.predict(X_TEST))
    est.classes_ = np.array([0.5, 1.5])
    with pytest.raises(ValueError, match="not whole numbers"):
        to_onnx(est, X_TRAIN[:1], options={id(est): {"zipmap": False}})


@pytest.mark.parametrize("model", [
    PrunedMLPClassifier(), PrunedMLPRegressor(), NetworkInputSelector(), InputBinarizer(),
    MinimalNetworkCommittee(), make_pipeline(StandardScaler(), PrunedMLPClassifier())])
def test_unfitted_is_not_fitted_error(model):
    with pytest.raises(NotFittedError):
        to_onnx(model, X_TRAIN[:1])


def test_register_is_idempotent(classifiers):
    from skl2onnx._supported_operators import sklearn_operator_name_map
    register_onnx_converters()
    register_onnx_converters()
    assert sklearn_operator_name_map[PrunedMLPClassifier] == "SklearnNnpruneClassifier"
    # skl2onnx's own entry point converts once registered.
    est = classifiers["binary-tanh"]
    onx = skl2onnx.to_onnx(est, X_TRAIN[:1], options={id(est): {"zipmap": False}})
    np.testing.assert_array_equal(_run(onx, X_TEST)[0], est.predict(X_TEST))


def test_missing_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "skl2onnx", None)
    with pytest.raises(ImportError, match=r'pip install "sklearn-nnprune\[onnx\]"'):
        register_onnx_converters()


def test_import_does_not_load_onnx():
    code = ("import sklearn_nnprune, sys; "
            "assert 'skl2onnx' not in sys.modules and 'onnx' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
