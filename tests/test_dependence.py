"""Exact linear dependence between inputs (``_dependence.independent_columns``)."""

import itertools

import numpy as np
import pytest

from sklearn_nnprune._dependence import independent_columns

RTOL = 1e-6


def gaussian(n_samples, n_columns, seed=0):
    return np.random.RandomState(seed).normal(size=(n_samples, n_columns))


def log_volume(X, columns):
    unit = X[:, columns] - X[:, columns].mean(axis=0)
    unit /= np.linalg.norm(unit, axis=0)
    return np.linalg.slogdet(unit.T @ unit)[1]


def test_independent_columns_all_kept():
    basis, dependent = independent_columns(gaussian(100, 5), RTOL)
    assert basis.tolist() == [0, 1, 2, 3, 4] and dependent.size == 0


def test_duplicate_combination_and_constant_found():
    A = gaussian(200, 3)
    X = np.c_[A, 2 * A[:, 0] - A[:, 2] + 5, np.full(200, 4.0), A[:, 1]]
    X_before = X.copy()
    basis, dependent = independent_columns(X, RTOL)
    assert len(basis) == 3 and 4 in dependent and len(dependent) == 3
    assert np.linalg.matrix_rank(X[:, basis] - X[:, basis].mean(axis=0)) == 3
    assert np.array_equal(X, X_before)


def test_basis_has_the_largest_volume():
    # Columns 0-3 mix two sources with different strengths: every pair spans the
    # space, the most independent pair has the largest Gram determinant.
    rng = np.random.RandomState(3)
    for trial in range(20):
        sources = rng.normal(size=(300, 3))
        X = np.c_[sources, sources @ rng.uniform(-1, 1, size=(3, 3))]
        basis, _ = independent_columns(X, RTOL)
        best = max(itertools.combinations(range(6), 3), key=lambda c: log_volume(X, list(c)))
        assert log_volume(X, list(basis)) == pytest.approx(log_volume(X, list(best)),
                                                           abs=1e-9), trial


def test_near_collinear_columns_kept():
    A = gaussian(300, 2)
    X = np.c_[A, A[:, 0] + 1e-4 * gaussian(300, 1, seed=1)[:, 0]]
    assert independent_columns(X, RTOL)[1].size == 0


def test_too_few_rows_to_confirm_a_relation():
    # Six centred rows span at most five dimensions: six columns look dependent.
    assert independent_columns(gaussian(6, 6), RTOL)[1].size == 0
    A = gaussian(10, 3)
    X = np.c_[A, A[:, 0]]
    assert independent_columns(X[:9], RTOL)[1].size == 0  # 9 // 2 rows <= 4 columns
    assert independent_columns(X, RTOL)[1].tolist() == [3]


@pytest.mark.parametrize("copied", [0, 1, 2, 3])
def test_of_two_duplicates_the_first_stays(copied):
    rng = np.random.RandomState(copied)
    for _ in range(50):
        A = rng.normal(size=(60, 4))
        X = np.c_[A, 3 * A[:, copied] - 7]
        assert independent_columns(X, RTOL)[1].tolist() == [4]


def test_every_column_constant_keeps_one():
    basis, dependent = independent_columns(np.ones((50, 3)), RTOL)
    assert basis.tolist() == [0] and dependent.tolist() == [1, 2]


def test_extreme_magnitudes():
    A = gaussian(100, 2)
    for scale in (1e200, 1e-200):
        X = np.c_[A, A[:, 0]] * scale
        basis, dependent = independent_columns(X, RTOL)
        assert basis.tolist() == [0, 1] and dependent.tolist() == [2]


def test_float32_relation_found_despite_offsets():
    A = gaussian(200, 3).astype(np.float32)
    X = np.c_[A, A[:, 0] - 0.5 * A[:, 1]].astype(np.float32)
    assert independent_columns(X.astype(np.float64), RTOL)[1].tolist() == [3]
    # An offset of 100 on a unit spread: float32 rounds the relation to ~1e-5.
    shifted = (X + np.float32(100)).astype(np.float64)
    assert independent_columns(shifted, RTOL)[1].size == 0
    found = independent_columns(shifted, RTOL, resolution=np.finfo(np.float32).eps)
    assert found[1].tolist() == [3]
