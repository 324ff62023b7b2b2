"""The library's version in a saved estimator, and a warning when it differs.

Every estimator's fitted state holds only numpy arrays and built-in values, so
that ``skops.io`` can save and load it without pickle; this mixin adds the
version of sklearn-nnprune that fitted it, checked when it is loaded (by pickle
or by skops, both of which call ``__setstate__``).
"""

import warnings

_VERSION_KEY = "_sklearn_nnprune_version"


class InconsistentNNPruneVersionWarning(UserWarning):
    """An estimator saved by one version of sklearn-nnprune is loaded by another."""


def _version():
    from . import __version__
    return __version__


class VersionedStateMixin:
    """Stores the library's version on save and warns once on a mismatch at load."""

    def __getstate__(self):
        return dict(super().__getstate__(), **{_VERSION_KEY: _version()})

    def __setstate__(self, state):
        state = dict(state)
        saved = state.pop(_VERSION_KEY, None)
        if saved is not None and saved != _version():
            warnings.warn(
                f"This {type(self).__name__} was saved by sklearn-nnprune {saved} and "
                f"is loaded by sklearn-nnprune {_version()}; it may not work or may "
                "predict differently. Refit it with this version, or load it with "
                f"sklearn-nnprune {saved}.", InconsistentNNPruneVersionWarning,
                stacklevel=2)
        super().__setstate__(state)
