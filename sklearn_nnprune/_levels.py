"""Weight levels: the nearest level of a weight, and per-unit level scales."""

import numpy as np

# Lloyd iterations when fitting the per-neuron scale of "binary"/"ternary"/int levels.
_SCALE_ITERATIONS = 50


def nearest_levels(values, levels):
    """Nearest level of each value. ``levels`` is a 1-D grid shared by all values,
    or an array of grids of shape ``values.shape + (n_levels,)`` (broadcastable)."""
    levels = np.asarray(levels)
    idx = np.abs(values[..., None] - levels).argmin(axis=-1)
    if levels.ndim == 1:
        return levels[idx]
    levels = np.broadcast_to(levels, values.shape + levels.shape[-1:])
    return np.take_along_axis(levels, idx[..., None], axis=-1)[..., 0]


def fit_level_scales(W, active, base):
    """Per-column scale s minimizing ``sum_i (w_ij - s_j q_ij)^2`` over the active
    weights, with q_ij the nearest base level of w_ij / s_j (Lloyd's iterations
    started from ``s = max |w|``). Columns without active weights get s = 1."""
    absW = np.where(active, np.abs(W), 0.0)
    s = absW.max(axis=0) / np.abs(base).max()
    s[s <= 0] = 1.0
    for _ in range(_SCALE_ITERATIONS):
        q = nearest_levels(W / s, base)
        num = (active * W * q).sum(axis=0)
        den = (active * q * q).sum(axis=0)
        new = np.where((den > 0) & (num > 0), num / np.where(den > 0, den, 1.0), s)
        if np.array_equal(new, s):
            break
        s = new
    return s
