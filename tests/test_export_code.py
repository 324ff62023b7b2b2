"""export_code: generated Python and C compute what the estimators compute."""

import ctypes
import shutil
import subprocess
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nnprune import (InputBinarizer, NetworkInputSelector, PrunedMLPClassifier,
                             PrunedMLPRegressor, export_code)

COMPILER = shutil.which("cc") or shutil.which("gcc")
needs_cc = pytest.mark.skipif(COMPILER is None, reason="no C compiler on this machine")


def _quiet_fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X, y)


def _python(source):
    assert "numpy" not in source and "import" in source
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    return namespace


def _compiled(source, tmp_path, name="net"):
    c_file, lib = tmp_path / f"{name}.c", tmp_path / f"{name}.so"
    c_file.write_text(source)
    subprocess.run([COMPILER, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
                    "-O2", "-shared", "-fPIC", str(c_file), "-o", str(lib), "-lm"],
                   check=True, capture_output=True)
    return ctypes.CDLL(str(lib))


def _c_rows(lib, function, X, n_out, result_type=None, int_input=False):
    """Call ``function`` on every row; its int result, or the filled array."""
    f = getattr(lib, function)
    ctype = ctypes.c_int if int_input else ctypes.c_double
    out = []
    for row in X:
        x = (ctype * len(row))(*[int(v) if int_input else float(v) for v in row])
        if result_type == "int":
            f.restype = ctypes.c_int
            out.append(f(x))
        else:
            buf = (ctypes.c_double * n_out)()
            f(x, buf)
            out.append(list(buf))
    return np.array(out)


CLASSIFIERS = {
    "binary": (dict(), 2),
    "multiclass_two_layers": (dict(hidden_layer_sizes=(5, 3), activation="logistic"), 3),
    "relu": (dict(activation="relu"), 3),
    "rational": (dict(activation="rational"), 2),
    "levels_thresholds": (dict(weight_levels=3, binarize_neurons=True), 3),
}


@pytest.fixture(scope="module", params=sorted(CLASSIFIERS))
def classifier(request):
    params, n_classes = CLASSIFIERS[request.param]
    X, y = make_classification(n_samples=240, n_features=8, n_informative=3,
                               n_redundant=0, n_classes=n_classes,
                               n_clusters_per_class=1, random_state=1)
    labels = np.array(["no", "yes", "maybe"])[:n_classes]
    settings = dict(hidden_layer_sizes=(6,), max_iter=150, random_state=0)
    settings.update(params)
    est = _quiet_fit(PrunedMLPClassifier(**settings), X, labels[y])
    X_test = np.vstack([X, np.random.default_rng(0).normal(scale=2, size=(100, 8))])
    return est, X_test


def test_python_classifier(classifier):
    est, X = classifier
    module = _python(export_code(est, language="python"))
    labels = np.array([module["predict"](list(row)) for row in X])
    proba = np.array([module["predict_proba"](list(row)) for row in X])
    np.testing.assert_array_equal(labels, est.predict(X))
    np.testing.assert_allclose(proba, est.predict_proba(X), rtol=0, atol=1e-9)
    with pytest.raises(ValueError, match="8"):
        module["predict"]([1.0, 2.0])


@needs_cc
def test_c_classifier(classifier, tmp_path):
    est, X = classifier
    lib = _compiled(export_code(est, language="c"), tmp_path)
    index = _c_rows(lib, "nnprune_predict", X, 0, "int")
    np.testing.assert_array_equal(est.classes_[index], est.predict(X))
    proba = _c_rows(lib, "nnprune_predict_proba", X, est.classes_.size)
    np.testing.assert_allclose(proba, est.predict_proba(X), rtol=0, atol=1e-9)


@pytest.mark.parametrize("multi", [False, True])
def test_regressor_python_and_c(multi, tmp_path):
    X, y = make_regression(n_samples=150, n_features=6, n_informative=3,
                           n_targets=2 if multi else 1, noise=0.5, random_state=0)
    est = _quiet_fit(PrunedMLPRegressor(hidden_layer_sizes=(5,), max_iter=150,
                                        random_state=0), X, y)
    module = _python(export_code(est))
    got = np.array([module["predict"](list(row)) for row in X])
    np.testing.assert_allclose(got, est.predict(X), rtol=1e-12, atol=1e-9)
    if COMPILER is None:
        pytest.skip("no C compiler on this machine")
    lib = _compiled(export_code(est, language="c"), tmp_path)
    got = _c_rows(lib, "nnprune_predict", X, 2 if multi else 1)
    np.testing.assert_allclose(got if multi else got[:, 0], est.predict(X), rtol=1e-12,
                               atol=1e-9)


@pytest.fixture(scope="module")
def boolean_pipeline():
    X, y = make_classification(n_samples=300, n_features=6, n_informative=3,
                               n_redundant=0, random_state=4)
    pipe = make_pipeline(InputBinarizer(), PrunedMLPClassifier(
        hidden_layer_sizes=(4,), weight_levels=3, binarize_neurons=True, max_iter=150,
        random_state=0))
    return _quiet_fit(pipe, X, y), X


def test_binarizer_and_pipeline_python(boolean_pipeline):
    pipe, X = boolean_pipeline
    module = _python(export_code(pipe))
    np.testing.assert_array_equal([module["predict"](list(row)) for row in X],
                                  pipe.predict(X))
    transform = _python(export_code(pipe[0]))["transform"]
    np.testing.assert_array_equal([transform(list(row)) for row in X], pipe[0].transform(X))


@pytest.fixture(scope="module")
def elections_network():
    from sklearn_nnprune.datasets import load_us_elections
    data = load_us_elections()
    net = PrunedMLPClassifier(hidden_layer_sizes=(2,), cv=None, noise_tolerance=0.0,
                              weight_levels="ternary", binarize_neurons=True,
                              random_state=0)
    return _quiet_fit(net, data.data, data.target), data.data


@needs_cc
def test_integer_c_equals_predict(elections_network, tmp_path):
    net, B = elections_network
    source = export_code(net, language="c", integer=True)
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(
        ("/*", "*")))
    assert "double" not in code and "float" not in code
    assert "fractional bits" in source and "patterns" in source
    lib = _compiled(source, tmp_path, "int")
    patterns = (np.arange(1 << 13)[:, None] >> np.arange(13)) & 1
    for rows in (B, patterns):
        got = _c_rows(lib, "nnprune_predict", rows, 0, "int", int_input=True)
        np.testing.assert_array_equal(net.classes_[got], net.predict(rows.astype(float)))


@needs_cc
def test_pipeline_with_scaler_and_selector_c(tmp_path):
    X, y = make_classification(n_samples=200, n_features=7, n_informative=3,
                               n_redundant=0, random_state=2)
    pipe = _quiet_fit(make_pipeline(
        StandardScaler(), NetworkInputSelector(random_state=0),
        PrunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=150, random_state=0)), X, y)
    lib = _compiled(export_code(pipe, language="c"), tmp_path, "pipe")
    index = _c_rows(lib, "nnprune_predict", X, 0, "int")
    np.testing.assert_array_equal(pipe.classes_[index], pipe.predict(X))
    proba = _c_rows(lib, "nnprune_predict_proba", X, 2)
    np.testing.assert_allclose(proba, pipe.predict_proba(X), rtol=0, atol=1e-9)


def test_hostile_names_stay_in_comments_and_literals(tmp_path):
    import pandas as pd
    X, y = make_classification(n_samples=120, n_features=3, n_informative=2,
                               n_redundant=0, random_state=0)
    names = ["*/ int evil; /*", "line\nbreak", '"""; import os #']
    frame = pd.DataFrame(X, columns=names)
    labels = np.array(['a"b', "c\\d\n*/"])[y]
    est = _quiet_fit(PrunedMLPClassifier(hidden_layer_sizes=(3,), max_iter=100,
                                         random_state=0, prune=()), frame, labels)
    module = _python(export_code(est))
    assert "evil" not in module and module["predict"](list(X[0])) == est.predict(frame[:1])[0]
    source = export_code(est, language="c")
    assert "*/ int evil" not in source and "line\nbreak" not in source
    if COMPILER is not None:
        _compiled(source, tmp_path, "names")


def test_errors(classifier):
    est, X = classifier
    with pytest.raises(NotFittedError):
        export_code(PrunedMLPClassifier())
    with pytest.raises(ValueError, match="'python', 'c'"):
        export_code(est, language="rust")
    with pytest.raises(ValueError, match="language='c'"):
        export_code(est, language="python", integer=True)
    from sklearn.linear_model import LogisticRegression
    with pytest.raises(TypeError, match="cannot export LogisticRegression"):
        export_code(LogisticRegression().fit(X, est.predict(X)))
    if not est.binary_neurons_[0].any():
        with pytest.raises(ValueError, match="cannot be expressed in integers.*integer=False"):
            export_code(est, language="c", integer=True)
