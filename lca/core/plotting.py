"""The one figure style of every plot the package draws (matplotlib, no display), and its axis rule."""
from __future__ import annotations

import numpy as np


def figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt, *plt.subplots(figsize=(7, 4.2), layout="constrained")


def log_scale(values: np.ndarray) -> bool:
    """A log axis when every value is positive and they span more than two orders of magnitude."""
    return bool(values.min() > 0 and values.max() / values.min() > 100)
