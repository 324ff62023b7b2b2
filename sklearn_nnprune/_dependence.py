"""Exact linear dependence between inputs, and the most independent basis.

Arrays in, index arrays out. Used by the selector to drop inputs that the network
kept but that add no information: each is an exact linear combination (plus a
constant) of other kept inputs.
"""

import itertools
import math

import numpy as np
import scipy.linalg
import scipy.sparse as sp

# The largest volume is found by trying every candidate basis while there are at
# most _EXHAUSTIVE_BASES of them and their number times rank**3 (the work of their
# determinants) stays below _EXHAUSTIVE_WORK; beyond, by maxvol exchanges.
# Determinants are taken in chunks of at most _CHUNK_ENTRIES matrix entries (8 MB).
_EXHAUSTIVE_BASES = 100_000
_EXHAUSTIVE_WORK = 2e8
_CHUNK_ENTRIES = 2 ** 20
# Relative residual below which an input counts as an exact linear combination of
# others (float32 data reproduces a relation to about 1e-7).
DEPENDENT_RTOL = 1e-6


def independent_columns(X, rtol, resolution=np.finfo(np.float64).eps, sample_weight=None):
    """Split the columns of ``X`` into a most independent basis and the columns
    that are exact linear combinations of it.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_columns)
        The data; a constant term is allowed in every relation (columns are
        centred).
    rtol : float
        A column is a combination of others when the residual of the best
        combination is at most ``rtol`` times the column's centred norm.
    resolution : float, default=float64 eps
        Relative precision of the values of ``X`` (the eps of the dtype they were
        stored in): a column whose offset dwarfs its spread carries rounding error
        of ``resolution * magnitude``, and ``rtol`` is widened to cover it.
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Positive weights of the rows, counted as repeated rows: the relations,
        norms and volumes are those of the rows repeated.

    Returns
    -------
    basis : ndarray of int
        Sorted indices of the kept columns; never empty when ``n_columns >= 1``.
    dependent : ndarray of int
        Sorted indices of the other columns: constant columns, and columns equal
        to a linear combination of the ``basis`` columns plus a constant.

    Notes
    -----
    Centred columns are scaled to unit norm (a relation does not depend on units);
    a column constant up to rounding error is dependent on nothing. A QR
    factorization with column pivoting gives the rank ``r`` (pivots above the
    tolerance) and a first basis; its ``r x n_columns`` factor holds the
    coordinates of every column in an orthonormal basis of their span.

    Which ``r`` columns to keep is not determined by the relations themselves; the
    basis of largest volume is kept: the largest Gram determinant of the unit
    columns, the most independent basis, as in D-optimal subset selection. The
    volume of a basis S is ``|det B_S|`` for ``B_S`` the coordinates of its
    columns. When there are few candidate bases (at most 1e5, and their number
    times ``r**3`` at most 2e8, e.g. every choice of 10 columns out of 20), all are
    compared and the largest volume is kept (the first in lexicographic order
    among volumes equal to the tolerance, so of two duplicates the first column
    stays). Beyond,
    the exchange steps of the maxvol algorithm (Goreinov et al., 2010) start from
    the pivoted QR basis: with ``C = B_S^-1 B`` the coordinates of every column in
    the current basis, a column j with ``|C_ij| > 1`` replaces basis column i and
    multiplies the volume by ``|C_ij|``, until no entry exceeds 1: a local
    maximum, within a factor ``r**(r/2)`` of the largest volume.

    A relation forced by too few rows (any ``n_samples - 1`` centred columns
    span the data) is not structural: nothing is reported as dependent unless
    the rows outnumber the columns twice over.

    References
    ----------
    S. A. Goreinov, I. V. Oseledets, D. V. Savostyanov, E. E. Tyrtyshnikov,
    N. L. Zamarashkin, "How to find a good submatrix", in Matrix Methods: Theory,
    Algorithms and Applications, World Scientific (2010), pp. 247-256.
    """
    n_samples, n_columns = X.shape
    everything = np.arange(n_columns)
    # Weights count as repeated rows, and rows of weight below 1 once each (as
    # the criterion's standard error counts them).
    n_rows = (n_samples if sample_weight is None
              else max(sample_weight.sum(), np.count_nonzero(sample_weight)))
    if n_columns < 2 or n_rows // 2 <= n_columns:
        return everything, np.zeros(0, dtype=int)
    # Dividing by the magnitude first keeps the squares of huge or tiny values finite.
    if sp.issparse(X):  # a square matrix with the centred columns' inner products
        centred = _sparse_centred_factor(X, sample_weight)
    else:
        magnitude = np.abs(X).max(axis=0)
        centred = X / np.where(magnitude > 0, magnitude, 1.0)
        if sample_weight is None:
            centred -= centred.mean(axis=0)
        else:  # sqrt(w) * (x - weighted mean): the Gram matrix of the rows repeated
            centred -= (sample_weight / sample_weight.sum()) @ centred
            centred *= np.sqrt(sample_weight)[:, None]
    norms = np.linalg.norm(centred, axis=0)
    # Constant up to rounding error of its magnitude (the estimators' test).
    rounding = resolution * np.sqrt(n_samples)
    constant = norms <= 10 * rounding
    varying = np.flatnonzero(~constant)
    if not varying.size:  # never leave no column at all
        return everything[:1], everything[1:]
    unit = centred[:, varying] / norms[varying]
    tolerance = max(rtol, 10 * rounding / norms[varying].min())
    r_factor, pivots = scipy.linalg.qr(unit, mode="r", pivoting=True, check_finite=False)
    rank = int(np.sum(np.abs(np.diagonal(r_factor)) > tolerance))
    coordinates = np.empty((rank, varying.size))
    coordinates[:, pivots] = r_factor[:rank]
    n_bases = math.comb(varying.size, rank)
    if rank == varying.size:
        chosen = np.arange(rank)
    elif n_bases <= _EXHAUSTIVE_BASES and n_bases * rank ** 3 <= _EXHAUSTIVE_WORK:
        chosen = _largest_volume_subset(coordinates, tolerance)
    else:
        chosen = _dominant_subset(coordinates, np.sort(pivots[:rank]), tolerance)
    basis = np.sort(varying[chosen])
    return basis, np.setdiff1d(everything, basis)


def _largest_volume_subset(coordinates, tie):
    """The columns whose square submatrix has the largest absolute determinant;
    the first in lexicographic order among those within a relative ``tie`` of it
    (duplicates, equal up to the rounding that ``tie`` allows for)."""
    rank, n_columns = coordinates.shape
    subsets = itertools.combinations(range(n_columns), rank)
    best, best_log_volume = None, -np.inf
    chunk_size = max(1, _CHUNK_ENTRIES // rank ** 2)
    while chunk := list(itertools.islice(subsets, chunk_size)):
        chunk = np.array(chunk)
        log_volumes = np.linalg.slogdet(np.moveaxis(coordinates[:, chunk], 1, 0))[1]
        # Equal volumes (duplicates) differ by rounding: the first near-maximum
        # wins, and a later chunk must beat it by more than rounding.
        top = int(np.argmax(log_volumes >= log_volumes.max() - tie))
        if log_volumes[top] > best_log_volume + tie:
            best, best_log_volume = chunk[top], log_volumes[top]
    return best


def _dominant_subset(coordinates, chosen, tie):
    """Maxvol exchange from the basis ``chosen`` until no single swap grows the
    volume by more than a relative ``tie`` (every coordinate in the basis at most
    1 + tie in magnitude)."""
    chosen = chosen.copy()
    # Each accepted swap multiplies the volume by more than 1 + tie, so the loop
    # ends; the bound only protects against a pathological floating-point case.
    for _ in range(10 * coordinates.shape[1]):
        in_basis = np.linalg.solve(coordinates[:, chosen], coordinates)
        position, column = np.unravel_index(np.argmax(np.abs(in_basis)), in_basis.shape)
        if abs(in_basis[position, column]) <= 1.0 + tie:
            break
        chosen[position] = column
    return chosen


def relation_coefficients(X, basis, dependent):
    """``(C, c0)``: least-squares coefficients of each ``dependent`` column of ``X``
    on the ``basis`` columns plus a constant, ``X[:, dependent] ~ X[:, basis] @ C +
    c0``; coefficients below 1e-12 of a column's largest are set to 0, so that a
    relation names only the columns it needs. Sparse ``X``: the same least
    squares from the R factor of ``[X_basis, 1, X_dependent]`` accumulated over
    row chunks (never the dense columns of all the rows at once)."""
    if sp.issparse(X):
        r_factor = _chunked_r_factor(X, lambda block, rows: np.column_stack(
            [block[:, basis].toarray(), np.ones(block.shape[0]),
             block[:, dependent].toarray()]))
        k = len(basis) + 1
        solution = np.linalg.lstsq(r_factor[:k, :k], r_factor[:k, k:], rcond=None)[0]
    else:
        design = np.column_stack([X[:, basis], np.ones(X.shape[0])])
        solution = np.linalg.lstsq(design, X[:, dependent], rcond=None)[0]
    C, c0 = solution[:-1], solution[-1]
    largest = np.abs(C).max(axis=0, initial=0.0)
    C = np.where(np.abs(C) > 1e-12 * largest, C, 0.0)
    return C, c0


# Dense values of a sparse matrix's row chunk in the chunked QR factorizations.
_SPARSE_CHUNK_ENTRIES = 2 ** 21


def _chunked_r_factor(X, dense_block):
    """The R factor of the QR factorization of the rows ``dense_block(X[rows], rows)``
    stacked over row chunks of sparse ``X`` (R of [R; next chunk], chunk after
    chunk): the inner products of the columns of the whole dense matrix, which
    is never formed."""
    X = X.tocsr()
    width = dense_block(X[:1], slice(0, 1)).shape[1]
    step = max(width, _SPARSE_CHUNK_ENTRIES // max(width, 1))
    r_factor = np.zeros((0, width))
    for start in range(0, X.shape[0], step):
        rows = slice(start, start + step)
        stacked = np.vstack([r_factor, dense_block(X[rows], rows)])
        # mode="r" returns R with the rows of ``stacked``; its first rows hold it.
        r_factor = scipy.linalg.qr(stacked, mode="r", check_finite=False)[0][:width]
    return r_factor


def _sparse_centred_factor(X, sample_weight=None):
    """A matrix whose columns have the inner products of the centred columns of
    sparse ``X`` divided by their magnitudes (what :func:`independent_columns`
    factorizes; with ``sample_weight``, those of the rows repeated), from
    :func:`_chunked_r_factor`."""
    X = X.tocsr()
    magnitude = abs(X).max(axis=0).toarray().ravel()
    scale = np.where(magnitude > 0, magnitude, 1.0)
    if sample_weight is None:
        mean = np.asarray(X.mean(axis=0)).ravel() / scale
        return _chunked_r_factor(X, lambda block, rows: block.toarray() / scale - mean)
    root = np.sqrt(sample_weight)
    mean = (X.T @ sample_weight) / sample_weight.sum() / scale
    return _chunked_r_factor(
        X, lambda block, rows: (block.toarray() / scale - mean) * root[rows, None])
