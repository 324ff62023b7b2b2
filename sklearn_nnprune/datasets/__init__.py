"""Data sets shipped with sklearn_nnprune."""

from ._elections import load_us_elections

__all__ = ["load_us_elections"]
