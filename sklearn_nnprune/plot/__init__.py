"""Plots of pruned networks, following scikit-learn's Display objects.

matplotlib is an optional dependency (``pip install sklearn-nnprune[plot]``): this
module imports without it, and only ``plot()`` needs it.
"""

from ._displays import NetworkDisplay, PruningPathDisplay, SensitivityDisplay

__all__ = ["NetworkDisplay", "PruningPathDisplay", "SensitivityDisplay"]
