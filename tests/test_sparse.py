"""Sparse X (CSR, CSC) in the pruned networks: accepted where scikit-learn's MLP
accepts it, scaled without centring (x / std: zeros stay zeros), never modified,
and computed without densifying the whole matrix."""

import numpy as np
import pytest
import scipy.sparse as sp

import sklearn_nnprune._base as _base
from sklearn_nnprune import PrunedMLPClassifier, PrunedMLPRegressor, sensitivity_indicators
from sklearn_nnprune._procedure import large

SMALL = dict(hidden_layer_sizes=(4,), max_iter=100, retrain_iter=10, random_state=0)


def _task(n=300, p=12, density=0.25, seed=0, zero_mean=False):
    """Sparse integer data whose label depends on columns 0 and 1 only. With
    ``zero_mean`` every column sums to exactly 0 (each row has its negated twin),
    so that centring changes nothing and a dense fit sees the sparse fit's data."""
    rng = np.random.RandomState(seed)
    half = n // 2 if zero_mean else n
    X = rng.randint(1, 4, size=(half, p)) * (rng.rand(half, p) < density)
    X[:, :2] = rng.randint(-3, 4, size=(half, 2))
    if zero_mean:
        X = np.vstack([X, -X])
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X.astype(float), y


def _unchanged(before, after):
    return (before.format == after.format and before.dtype == after.dtype
            and np.array_equal(before.data, after.data)
            and np.array_equal(before.indices, after.indices)
            and np.array_equal(before.indptr, after.indptr))


def test_sparse_fit_equals_dense_fit_on_zero_mean_columns():
    # Where the column means are exactly 0, scaling without centring is the
    # dense standardization: the two fits see the same data up to the rounding
    # of the standard deviations (computed by other summations), so the
    # unpruned networks agree to the solver's tolerance and the pruning keeps the
    # same inputs.
    X, y = _task(zero_mean=True)
    dense = PrunedMLPClassifier(prune=(), **SMALL).fit(X, y)
    sparse = PrunedMLPClassifier(prune=(), **SMALL).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse._x_scale, dense._x_scale, rtol=1e-12)
    np.testing.assert_allclose(sparse.predict_proba(sp.csr_matrix(X)),
                               dense.predict_proba(X), atol=1e-4)
    assert np.array_equal(sparse.predict(sp.csr_matrix(X)), dense.predict(X))
    dense = PrunedMLPClassifier(cv=None, **SMALL).fit(X, y)
    sparse = PrunedMLPClassifier(cv=None, **SMALL).fit(sp.csr_matrix(X), y)
    assert np.array_equal(sparse.support_, dense.support_)
    assert set(np.flatnonzero(sparse.support_)) == {0, 1}


def test_sparse_scaling_keeps_zeros_and_uses_the_mean_reference():
    X, y = _task(seed=1)
    est = PrunedMLPClassifier(**SMALL).fit(sp.csr_matrix(X), y)
    np.testing.assert_array_equal(est._x_mean, 0.0)  # no centring
    np.testing.assert_allclose(est._x_scale, X.std(axis=0), rtol=1e-10)
    # The "mean" reference of a removed input is its mean in the scaled units.
    np.testing.assert_allclose(est._x_means, X.mean(axis=0) / X.std(axis=0), rtol=1e-10)
    assert set(np.flatnonzero(est.support_)) == {0, 1}
    assert est.score(sp.csr_matrix(X), y) > 0.95


@pytest.mark.parametrize("fmt", ["csc", "coo", "lil"])
def test_other_formats_give_the_csr_fit(fmt):
    # CSC is accepted as it is; other formats are converted to CSR by validation.
    X, y = _task(seed=2)
    ref = PrunedMLPClassifier(**SMALL).fit(sp.csr_matrix(X), y)
    est = PrunedMLPClassifier(**SMALL).fit(sp.csr_matrix(X).asformat(fmt), y)
    assert np.array_equal(est.support_, ref.support_)
    np.testing.assert_allclose(est.predict_proba(sp.csr_matrix(X).asformat(fmt)),
                               ref.predict_proba(sp.csr_matrix(X)), rtol=1e-10, atol=1e-12)


def test_inputs_are_never_modified():
    X, y = _task(seed=3)
    for fmt in ("csr", "csc"):
        S = sp.csr_matrix(X).asformat(fmt)
        before = S.copy()
        est = PrunedMLPClassifier(indicator="max", **SMALL).fit(S, y)
        est.predict_proba(S)
        est.score(S, y)
        sensitivity_indicators(est, S, y, kind="synapses")
        est.retrain_at(S, y, step=0)
        assert _unchanged(before, S)


def test_predict_and_indicators_of_sparse_and_dense_rows_agree():
    # A sparse fit scales by x / std: dense rows given to it are scaled the same
    # way, so every output and indicator must agree with the sparse algebra's.
    X, y = _task(seed=4)
    S = sp.csr_matrix(X)
    est = PrunedMLPClassifier(**SMALL).fit(S, y)
    np.testing.assert_allclose(est.predict_proba(S), est.predict_proba(X), rtol=1e-12)
    for kind in ("inputs", "neurons", "synapses"):
        for how in ("sum", "max"):
            got = sensitivity_indicators(est, S, y, kind=kind, indicator=how)
            expected = sensitivity_indicators(est, X, y, kind=kind, indicator=how)
            for g, e in zip(np.atleast_1d(got) if kind == "inputs" else got,
                            np.atleast_1d(expected) if kind == "inputs" else expected):
                np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_sparse_regressor_and_float32(solver):
    X, _ = _task(seed=5)
    y = 2 * X[:, 0] - X[:, 1] + 0.01 * np.random.RandomState(0).normal(size=X.shape[0])
    S = sp.csr_matrix(X, dtype=np.float32)
    est = PrunedMLPRegressor(solver=solver, **SMALL).fit(S, y)
    assert est.predict(S).dtype == np.float32
    assert est.coefs_[0].dtype == np.float32
    assert est.score(S, y) > 0.9
    assert {0, 1} <= set(np.flatnonzero(est.support_))


def test_bad_sparse_input_is_a_clear_error():
    X, y = _task(seed=6)
    S = sp.csr_matrix(X)
    S.data[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PrunedMLPClassifier(**SMALL).fit(S, y)
    est = PrunedMLPClassifier(**SMALL).fit(sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match="features"):
        est.predict(sp.csr_matrix(X[:, :-1]))


def test_sparse_large_data_path_keeps_rows_sparse(monkeypatch):
    # The large-data path (thresholds lowered): the subsample, the held-out split
    # and the final kept columns stay sparse; the fit matches its dense rows.
    monkeypatch.setattr(_base, "LARGE_DATA_ROWS", 2000)
    monkeypatch.setattr(large, "START_FIT_ROWS", 400)
    monkeypatch.setattr(large, "MAX_FIT_ROWS", 1600)
    monkeypatch.setattr(large, "MAX_HELD_OUT_ROWS", 1000)
    seen = []
    original = large.RowData.rows

    def rows(self, index):
        out = original(self, index)
        seen.append(sp.issparse(out))
        return out

    monkeypatch.setattr(large.RowData, "rows", rows)
    X, y = _task(n=2400, seed=7)
    est = PrunedMLPClassifier(hidden_layer_sizes=(4,), random_state=0).fit(
        sp.csr_matrix(X), y)
    assert est.data_path_.startswith("large data")
    assert seen and all(seen)
    assert set(np.flatnonzero(est.support_)) == {0, 1}
    assert est.score(sp.csr_matrix(X), y) > 0.95


def test_dependent_sparse_inputs_are_found_without_densifying(monkeypatch):
    # The exact-dependence step on sparse data works on row chunks (a QR
    # factorization accumulated chunk by chunk): the same basis and relations
    # as on the dense data.
    import sklearn_nnprune._dependence as dependence
    monkeypatch.setattr(dependence, "_SPARSE_CHUNK_ENTRIES", 50)
    rng = np.random.RandomState(0)
    X = rng.randint(0, 3, size=(120, 5)) * (rng.rand(120, 5) < 0.4)
    X = np.column_stack([X, X[:, 0] + 2 * X[:, 3], X[:, 1]]).astype(float)
    S = sp.csr_matrix(X)
    basis, dependent = dependence.independent_columns(S, dependence.DEPENDENT_RTOL)
    expected = dependence.independent_columns(X, dependence.DEPENDENT_RTOL)
    assert np.array_equal(basis, expected[0]) and np.array_equal(dependent, expected[1])
    assert set(dependent) == {5, 6}
    C, c0 = dependence.relation_coefficients(S, basis, dependent)
    ref_C, ref_c0 = dependence.relation_coefficients(X, basis, dependent)
    np.testing.assert_allclose(C, ref_C, atol=1e-10)
    np.testing.assert_allclose(c0, ref_c0, atol=1e-10)


def test_the_selector_takes_sparse_input_and_keeps_it_sparse():
    from sklearn_nnprune import NetworkInputSelector
    X = sp.random(300, 20, density=0.2, format="csr", random_state=0)
    y = (X[:, 0].toarray().ravel() > 0).astype(int)
    before = X.copy()
    selector = NetworkInputSelector(PrunedMLPClassifier(hidden_layer_sizes=(4,),
                                                        random_state=0)).fit(X, y)
    assert selector.support_[0]
    out = selector.transform(X)
    assert sp.issparse(out) and out.shape == (300, selector.support_.sum())
    assert (X != before).nnz == 0
    dense = NetworkInputSelector(PrunedMLPClassifier(hidden_layer_sizes=(4,),
                                                     random_state=0)).fit(X.toarray(), y)
    assert dense.n_features_in_ == selector.n_features_in_
