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


def plot_codes(codes, labels, *, title: str | None = None,
               axis_labels: Sequence[str] = ("code 1", "code 2"), class_name: str = "digit",
               size: float = 6):
    """Scatter two-dimensional codes, one point per example, coloured by its class.

    What an encoder does to the data, seen at once: points of one class close
    together and classes apart mean the code kept what tells them apart. A
    colour bar names the classes (integer labels, such as digits).

    Introduced in :doc:`/notebooks/18_autoencoders`.

    Parameters
    ----------
    codes:
        Array of shape ``(n, 2)``: each example's code.
    labels:
        ``n`` integer class labels, used for colour.
    title:
        Optional title of the panel.
    axis_labels:
        The names of the two code dimensions.
    class_name:
        What the labels are, for the colour bar.
    size:
        Marker area in points squared.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the codes are not ``(n, 2)`` with ``n >= 1``, or the labels are not ``n``
        integers.
    """
    import matplotlib.pyplot as plt

    codes = np.asarray(codes)
    labels = np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2 or len(codes) == 0:
        raise ValueError(f"codes must have shape (n, 2) with n >= 1, got {codes.shape}")
    if labels.shape != (len(codes),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be {len(codes)} integers (one per code), got shape "
                         f"{labels.shape} and dtype {labels.dtype}")
    fig, ax = plt.subplots(figsize=(5, 4.2))
    classes = np.unique(labels)
    points = ax.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=size)
    fig.colorbar(points, ax=ax, ticks=classes, label=class_name)
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    if title:
        ax.set_title(title)
    return fig
