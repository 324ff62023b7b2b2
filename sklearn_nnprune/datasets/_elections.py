"""Loader for the US presidential elections / 13 Keys to the White House data."""

from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

_DATA_MODULE = __name__.rpartition(".")[0]  # "sklearn_nnprune.datasets"
_DATA_FILE = "us_elections_keys.csv"
_DESCR_FILE = "us_elections.rst"

_ELECTION_COLUMNS = [
    "year",
    "incumbent_party_candidate",
    "incumbent_party",
    "challenger",
    "challenger_party",
]
_KEY_COLUMNS = [
    "party_mandate",
    "no_nomination_contest",
    "incumbency",
    "no_third_party",
    "short_term_economy",
    "long_term_economy",
    "policy_change",
    "no_social_unrest",
    "no_scandal",
    "no_foreign_failure",
    "foreign_success",
    "incumbent_charisma",
    "challenger_not_charismatic",
]
_TARGET_COLUMN = "incumbent_party_won"
_TARGET_NAMES = ["lost", "won"]


def _read_csv():
    ref = resources.files(_DATA_MODULE).joinpath("data", _DATA_FILE)
    with ref.open("r", encoding="utf-8") as f:
        df = pd.read_csv(f)
    expected = _ELECTION_COLUMNS + _KEY_COLUMNS + [_TARGET_COLUMN]
    if list(df.columns) != expected:  # pragma: no cover - packaging error
        raise RuntimeError(
            f"{_DATA_FILE} has columns {list(df.columns)}, expected {expected}"
        )
    return df


def _read_descr():
    ref = resources.files(_DATA_MODULE).joinpath("descr", _DESCR_FILE)
    return ref.read_text(encoding="utf-8")


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {value!r}.")


def load_us_elections(*, return_X_y=False, as_frame=False):
    """Load and return the US presidential elections data set (classification).

    The 41 US presidential elections 1860-2024 (1868 excluded) described by
    A. J. Lichtman's 13 "Keys to the White House": true/false statements
    about the term of the party holding the White House (the *incumbent
    party*). A key is 1 when it is true, i.e. when it favours the
    incumbent party, and 0 when it is false. The task is to predict whether
    the incumbent party won the election.

    =================   ==============
    Classes                          2
    Samples total                   41
    Dimensionality                  13
    Features            binary (0 / 1)
    =================   ==============

    Lichtman's rule "the incumbent party loses when 6 or more keys are false"
    classifies 30 of the 30 elections 1860-1980 and 10 of the 11 elections
    1984-2024 correctly. See the ``DESCR`` attribute for the meaning of each
    key, the sources, and notes on individual elections.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, returns ``(data, target)`` instead of a Bunch object. See
        below for more information about the `data` and `target` objects.

    as_frame : bool, default=False
        If True, the data is a pandas DataFrame including columns with
        appropriate dtypes (integer 0/1 for the keys). The target is a
        pandas Series named ``"incumbent_party_won"``. If `return_X_y` is
        True, then (`data`, `target`) will be a pandas DataFrame and Series
        as described below.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {ndarray, DataFrame} of shape (41, 13)
            The data matrix, one row per election and one column per key
            (1 = the key is true, 0 = false). A float64 ndarray, or, if
            `as_frame=True`, a pandas DataFrame with integer columns.
        target : {ndarray, Series} of shape (41,)
            The classification target ``incumbent_party_won``: 1 if the party
            holding the White House won the election, 0 if it lost. An
            integer ndarray, or, if `as_frame=True`, a pandas Series.
        feature_names : list of str
            The names of the 13 keys, in column order.
        target_names : ndarray of shape (2,)
            The names of the target classes, ``["lost", "won"]``:
            ``target_names[target]`` tells whether the incumbent party lost
            (0) or won (1).
        frame : DataFrame of shape (41, 14) or None
            Only a DataFrame when `as_frame=True`: `data` and `target`
            side by side. None otherwise.
        DESCR : str
            The full description of the data set.
        years : ndarray of shape (41,)
            The election year of each row (integer), in increasing order.
        elections : DataFrame of shape (41, 5)
            One row per election, aligned with `data`, with the columns
            ``year``, ``incumbent_party_candidate``, ``incumbent_party``,
            ``challenger`` and ``challenger_party``, for labelling the
            elections.

    (data, target) : tuple if ``return_X_y`` is True
        A tuple of two objects. The first is the data matrix of shape
        (41, 13), the second the target of shape (41,). If `as_frame=True`,
        they are a pandas DataFrame and a pandas Series.

    Examples
    --------
    >>> from sklearn_nnprune.datasets import load_us_elections
    >>> elections = load_us_elections()
    >>> elections.data.shape
    (41, 13)
    >>> elections.feature_names[:3]
    ['party_mandate', 'no_nomination_contest', 'incumbency']
    >>> int(elections.years[0]), int(elections.years[-1])
    (1860, 2024)
    >>> elections.target_names[elections.target[:2]]
    array(['lost', 'won'], dtype='<U4')

    Lichtman's rule: the incumbent party wins when fewer than 6 keys are
    false.

    >>> n_false = (elections.data == 0).sum(axis=1)
    >>> prediction = (n_false < 6).astype(int)
    >>> int((prediction == elections.target).sum())
    40

    >>> X, y = load_us_elections(return_X_y=True, as_frame=True)
    >>> X.shape, y.name
    ((41, 13), 'incumbent_party_won')
    """
    _check_bool("return_X_y", return_X_y)
    _check_bool("as_frame", as_frame)

    df = _read_csv()

    feature_names = list(_KEY_COLUMNS)
    years = df["year"].to_numpy(dtype=np.int64, copy=True)
    elections = df[_ELECTION_COLUMNS].reset_index(drop=True)

    if as_frame:
        data = df[feature_names].astype(np.int64).reset_index(drop=True)
        target = df[_TARGET_COLUMN].astype(np.int64).reset_index(drop=True)
        frame = pd.concat([data, target], axis=1)
    else:
        data = df[feature_names].to_numpy(dtype=np.float64, copy=True)
        target = df[_TARGET_COLUMN].to_numpy(dtype=np.int64, copy=True)
        frame = None

    if return_X_y:
        return data, target

    return Bunch(
        data=data,
        target=target,
        feature_names=feature_names,
        target_names=np.array(_TARGET_NAMES),
        frame=frame,
        DESCR=_read_descr(),
        years=years,
        elections=elections,
    )
