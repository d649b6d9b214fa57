"""Plots that several chapters share: training curves and grids of images."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _history_dict(history: Any) -> Mapping[str, Sequence[float]]:
    """Return the per-epoch metrics of a Keras ``History`` or of a plain dict."""
    values = getattr(history, "history", history)
    if not isinstance(values, Mapping):
        raise TypeError(
            "history must be a keras.callbacks.History (what model.fit returns) or a dict "
            f"mapping metric names to per-epoch values, got {type(history).__name__}"
        )
    return values


def plot_history(history: Any, metrics: Sequence[str] = ("loss",), *, title: str | None = None):
    """Plot training (and, if present, validation) curves, one panel per metric.

    Introduced in :doc:`/notebooks/04_first_network`.

    Parameters
    ----------
    history:
        What ``model.fit`` returns, or a dict such as ``{"loss": [...], "val_loss": [...]}``.
    metrics:
        Names of the metrics to plot, e.g. ``("loss", "accuracy")``. For each
        name ``m``, ``val_m`` is drawn too when the history has it.
    title:
        Optional title above the panels.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with epochs (counted from 1) on the x axis.

    Raises
    ------
    TypeError
        If ``history`` is neither a History nor a mapping.
    KeyError
        If a requested metric was not recorded; the message lists those that were.
    """
    import matplotlib.pyplot as plt

    values = _history_dict(history)
    if isinstance(metrics, str):
        metrics = (metrics,)
    missing = [m for m in metrics if m not in values]
    if missing or not metrics:
        raise KeyError(
            f"metrics {list(missing) or list(metrics)} not in the history; "
            f"recorded metrics are {sorted(values)}"
        )
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.2), squeeze=False)
    for ax, name in zip(axes[0], metrics, strict=True):
        epochs = np.arange(1, len(values[name]) + 1)
        ax.plot(epochs, values[name], "o-", ms=3, label="training")
        if f"val_{name}" in values:
            ax.plot(epochs, values[f"val_{name}"], "s--", ms=3, label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_images(images, labels: Sequence[Any] | None = None, *, ncols: int = 10,
                size: float = 0.9, cmap: str = "gray_r"):
    """Show a batch of 2-D images in a grid, each titled by its label.

    Introduced in :doc:`/notebooks/03_tensors`.

    Parameters
    ----------
    images:
        Array of shape ``(n, height, width)``; or ``(n, height * width)`` for
        square images that were flattened (as the dense networks use them); or a
        list of 2-D arrays, which may differ in size (crops, filters).
    labels:
        Optional sequence of ``n`` titles (digits, "7 (pred 1)", ...).
    ncols:
        Number of images per row.
    size:
        Width and height of one panel, in inches.
    cmap:
        Matplotlib colour map; by default ink is dark on a light background.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the images are not 2-D (or flattened squares), if there are none, or
        if the number of labels differs from the number of images.
    """
    import matplotlib.pyplot as plt

    if isinstance(images, np.ndarray) and images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(
                f"flattened images must be square (n, side*side); got shape {images.shape}"
            )
        images = images.reshape(-1, side, side)
    images = [np.asarray(image) for image in images]
    if not images:
        raise ValueError("images must hold at least one image (n >= 1), got none")
    bad = [np.shape(image) for image in images if np.ndim(image) != 2]
    if bad:
        raise ValueError(
            f"each image must be 2-D (height, width), got an image of shape {bad[0]}; "
            "pass an array (n, height, width) or a list of 2-D arrays"
        )
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"got {len(labels)} labels for {len(images)} images")
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}")

    n = len(images)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.15),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=8)
    fig.tight_layout(pad=0.2)
    return fig
