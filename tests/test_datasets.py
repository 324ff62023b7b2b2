import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch

from sklearn_nnprune.datasets import load_us_elections

KEYS = [
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
ELECTION_COLUMNS = [
    "year",
    "incumbent_party_candidate",
    "incumbent_party",
    "challenger",
    "challenger_party",
]


def test_bunch_keys_shapes_and_dtypes():
    b = load_us_elections()
    assert isinstance(b, Bunch)
    assert set(b.keys()) >= {
        "data",
        "target",
        "feature_names",
        "target_names",
        "frame",
        "DESCR",
        "years",
        "elections",
    }
    assert isinstance(b.data, np.ndarray)
    assert b.data.shape == (41, 13)
    assert b.data.dtype == np.float64
    assert set(np.unique(b.data)) == {0.0, 1.0}
    assert isinstance(b.target, np.ndarray)
    assert b.target.shape == (41,)
    assert np.issubdtype(b.target.dtype, np.integer)
    assert set(np.unique(b.target)) == {0, 1}
    assert b.feature_names == KEYS
    assert list(b.target_names) == ["lost", "won"]
    assert b.frame is None
    assert isinstance(b.DESCR, str)
    assert np.issubdtype(b.years.dtype, np.integer)
    assert b.years.shape == (41,)


def test_elections_table():
    b = load_us_elections()
    el = b.elections
    assert isinstance(el, pd.DataFrame)
    assert list(el.columns) == ELECTION_COLUMNS
    assert list(el.index) == list(range(41))
    np.testing.assert_array_equal(el["year"].to_numpy(), b.years)
    first = el.iloc[0]
    assert first["incumbent_party_candidate"] == "Stephen A. Douglas"
    assert first["challenger"] == "Abraham Lincoln"
    assert el["incumbent_party"].notna().all()
    assert el["challenger_party"].notna().all()


def test_years():
    years = load_us_elections().years
    assert years[0] == 1860
    assert years[-1] == 2024
    assert np.all(np.diff(years) > 0)
    assert 1868 not in years
    # every election 1860-2024 except 1868
    expected = [y for y in range(1860, 2025, 4) if y != 1868]
    np.testing.assert_array_equal(years, expected)


def test_as_frame():
    b = load_us_elections(as_frame=True)
    assert isinstance(b.data, pd.DataFrame)
    assert list(b.data.columns) == KEYS
    assert b.data.shape == (41, 13)
    assert all(pd.api.types.is_integer_dtype(t) for t in b.data.dtypes)
    assert isinstance(b.target, pd.Series)
    assert b.target.name == "incumbent_party_won"
    assert pd.api.types.is_integer_dtype(b.target.dtype)
    assert isinstance(b.frame, pd.DataFrame)
    assert list(b.frame.columns) == KEYS + ["incumbent_party_won"]
    assert b.frame.shape == (41, 14)
    pd.testing.assert_frame_equal(b.frame[KEYS], b.data)
    pd.testing.assert_series_equal(b.frame["incumbent_party_won"], b.target)

    # same values as the ndarray version
    a = load_us_elections()
    np.testing.assert_array_equal(b.data.to_numpy(), a.data)
    np.testing.assert_array_equal(b.target.to_numpy(), a.target)


def test_return_X_y():
    b = load_us_elections()
    X, y = load_us_elections(return_X_y=True)
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)
    np.testing.assert_array_equal(X, b.data)
    np.testing.assert_array_equal(y, b.target)

    X, y = load_us_elections(return_X_y=True, as_frame=True)
    assert isinstance(X, pd.DataFrame)
    assert isinstance(y, pd.Series)
    assert X.shape == (41, 13)
    assert y.shape == (41,)
    assert y.name == "incumbent_party_won"


def test_lichtman_rule():
    """Lichtman: the incumbent party loses when 6 or more keys are false."""
    b = load_us_elections()
    n_false = (b.data == 0).sum(axis=1)
    correct = ((n_false < 6).astype(int) == b.target)

    early = b.years <= 1980
    assert early.sum() == 30
    assert correct[early].sum() == 30
    assert (~early).sum() == 11
    assert correct[~early].sum() == 10
    # the only miss is 2024 (4 false keys, incumbent party lost)
    assert list(b.years[~correct]) == [2024]
    assert n_false[b.years == 2024][0] == 4


def test_descr():
    descr = load_us_elections().DESCR
    assert "Lichtman" in descr
    assert "Keilis-Borok" in descr
    assert "2005.06284" in descr
    for key in KEYS:
        assert key in descr


def test_fresh_copies():
    b1 = load_us_elections()
    b1.data[:] = -1
    b1.target[:] = -1
    b1.years[:] = -1
    b1.feature_names.append("bogus")
    b1.elections.loc[0, "challenger"] = "nobody"
    b2 = load_us_elections()
    assert set(np.unique(b2.data)) == {0.0, 1.0}
    assert set(np.unique(b2.target)) == {0, 1}
    assert b2.years[0] == 1860
    assert len(b2.feature_names) == 13
    assert b2.elections.loc[0, "challenger"] == "Abraham Lincoln"

    f1 = load_us_elections(as_frame=True)
    f1.data.iloc[0, 0] = 7
    f1.target.iloc[0] = 7
    f2 = load_us_elections(as_frame=True)
    assert f2.data.iloc[0, 0] in (0, 1)
    assert f2.target.iloc[0] in (0, 1)


@pytest.mark.parametrize("param", ["return_X_y", "as_frame"])
def test_invalid_bool_params(param):
    with pytest.raises(TypeError):
        load_us_elections(**{param: "yes"})
