"""float32 input trains and predicts in float32, as scikit-learn's MLP does: the
solvers, the criterion, the indicators and the returned network; float64 stays
float64 and other dtypes become float64."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split

import sklearn_nnprune._procedure.criterion as criterion_module
import sklearn_nnprune._procedure.training as training_module
import sklearn_nnprune._sensitivity as sensitivity_module
from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor

SMALL = dict(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=10, random_state=0)


def _recording(monkeypatch, module, name, record):
    original = getattr(module, name)

    def wrapped(*args, **kw):
        out = original(*args, **kw)
        record(args, out)
        return out

    monkeypatch.setattr(module, name, wrapped)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_the_whole_fit_computes_in_float32(monkeypatch, solver):
    seen = {"train": set(), "trained": set(), "indicators": set(), "criterion": set()}
    train = "fit_lbfgs" if solver == "lbfgs" else "fit_adam"
    _recording(monkeypatch, training_module, train, lambda a, out: (
        seen["train"].add(a[0].dtype), seen["trained"].update(W.dtype for W in out[0])))
    _recording(monkeypatch, sensitivity_module, "forward",
               lambda a, out: seen["indicators"].update(x.dtype for x in out))
    _recording(monkeypatch, sensitivity_module, "backward",
               lambda a, out: seen["indicators"].update(d.dtype for d in out))
    _recording(monkeypatch, criterion_module, "predict_output",
               lambda a, out: seen["criterion"].add(out.dtype))
    X, y = load_breast_cancer(return_X_y=True)
    est = PrunedMLPClassifier(solver=solver, **SMALL).fit(X.astype(np.float32), y)
    assert all(kinds == {np.dtype(np.float32)} for kinds in seen.values()), seen
    assert all(W.dtype == np.float32 for W in est.coefs_ + est.intercepts_)
    assert all(W.dtype == np.float32 for W in est._state.coefs)


@pytest.mark.parametrize("Estimator", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_output_dtypes_follow_scikit_learns_mlp(Estimator):
    X, y = load_breast_cancer(return_X_y=True)
    X32 = X.astype(np.float32)
    est = Estimator(**SMALL).fit(X32, y)
    out = est.predict_proba if Estimator is PrunedMLPClassifier else est.predict
    # float32 on float32; float64 input on a float32 fit computes in float64, as
    # MLPClassifier's safe_sparse_dot(float64 X, float32 coefs_) does; integers
    # are float64 input.
    assert out(X32).dtype == np.float32
    assert out(X).dtype == np.float64
    assert out(np.rint(X).astype(np.int64)).dtype == np.float64
    np.testing.assert_allclose(out(X), out(X32), rtol=1e-4, atol=1e-5)
    ref = Estimator(**SMALL).fit(X, y)
    assert all(W.dtype == np.float64 for W in ref.coefs_ + ref.intercepts_)
    assert (ref.predict_proba if Estimator is PrunedMLPClassifier
            else ref.predict)(X32).dtype == np.float64
    assert ref.fit(np.rint(X).astype(np.int32), y).coefs_[0].dtype == np.float64


@pytest.mark.parametrize("load", [load_breast_cancer, load_digits])
def test_unpruned_float32_fit_predicts_the_float64_labels(load):
    X, y = load(return_X_y=True)
    kw = dict(hidden_layer_sizes=(16,), prune=(), random_state=0)
    ref = PrunedMLPClassifier(**kw).fit(X, y)
    est = PrunedMLPClassifier(**kw).fit(X.astype(np.float32), y)
    same = np.mean(est.predict(X.astype(np.float32)) == ref.predict(X))
    assert same >= 0.99, same


def test_float32_pruning_keeps_the_informative_inputs():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    ref = PrunedMLPClassifier(hidden_layer_sizes=(8,), random_state=0).fit(X_train, y_train)
    est = PrunedMLPClassifier(hidden_layer_sizes=(8,), random_state=0).fit(
        X_train.astype(np.float32), y_train)
    assert est.n_inputs_ < X.shape[1]
    assert est.score(X_test.astype(np.float32), y_test) >= ref.score(X_test, y_test) - 0.03


def test_float32_transparent_network_keeps_its_levels_exactly():
    from sklearn_nnprune import export_text
    X, y = load_breast_cancer(return_X_y=True)
    est = PrunedMLPClassifier(weight_levels="ternary", binarize_neurons=True, cv=None,
                              **SMALL).fit(X.astype(np.float32), y)
    assert est.predict_proba(X.astype(np.float32)).dtype == np.float32
    for W, Q, G in zip(est.coefs_, est.quantized_, est.weight_levels_):
        assert W.dtype == G.dtype == np.float32
        on_level = (W[:, :, None] == G[None, :, :]).any(axis=2)
        assert on_level[Q].all()
    assert "class" in export_text(est)
