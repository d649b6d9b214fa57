"""Reproducible notebook start-up: one call seeds everything and quiets TensorFlow."""

from __future__ import annotations

import contextlib
import os
import random
import sys
from collections.abc import Iterator

#: Environment variables that must be set before TensorFlow is first imported.
#: ``TF_ENABLE_ONEDNN_OPTS=0`` turns off oneDNN's graph rewrites, whose
#: floating-point results vary between processors; ``TF_CPP_MIN_LOG_LEVEL=3``
#: keeps TensorFlow's C++ log lines out of the notebooks' stored outputs.
#: TensorFlow's matrix products still call oneDNN's GEMM, which picks its
#: kernels by instruction set at run time, and XLA compiles for the host's
#: instruction set: capping both at AVX2 removes the largest difference between
#: x86-64 machines (AVX-512 kernels). It does not make numbers bitwise equal:
#: blocking still follows cache sizes and thread counts, so stored outputs are
#: compared with measured tolerances (tests/nbval_numeric.py).
#:
#: Introduced in :doc:`/book/setup`.
TF_ENVIRONMENT = {
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "XLA_FLAGS": "--xla_cpu_max_isa=AVX2",
}

#: The same idea for NumPy's and SciPy's OpenBLAS, which must see it before
#: NumPy is imported, so the Makefile and the test configuration set it (only
#: on CPUs with AVX2: the Haswell kernels need it), not :func:`setup`.
BLAS_ENVIRONMENT = {"OPENBLAS_CORETYPE": "Haswell"}

#: The variables of :data:`TF_ENVIRONMENT` that :func:`setup` always imposes;
#: the others are defaults that an environment may override (tools/perturb.py
#: does, to emulate other processors).
TF_REQUIRED = ("TF_ENABLE_ONEDNN_OPTS", "TF_CPP_MIN_LOG_LEVEL")

#: Matplotlib settings shared by every figure in the book (small PNGs, labelled grids).
RC_PARAMS = {
    "figure.figsize": (6.0, 3.6),
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "image.cmap": "gray_r",
}


@contextlib.contextmanager
def _silenced_stderr_fd() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the duration of the block.

    TensorFlow's native libraries write a few lines straight to file
    descriptor 2 while they load (before their own log level is read). A
    Jupyter kernel captures that descriptor into the notebook, so those lines
    would end up in the stored outputs. Python exceptions are unaffected:
    they propagate as usual.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable descriptor 2: nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def setup(seed: int = 42, *, tensorflow: bool = True, figures: bool = True) -> int:
    """Make a notebook reproducible; call it once, in the first code cell.

    It sets the TensorFlow environment variables in :data:`TF_ENVIRONMENT`
    (those not in :data:`TF_REQUIRED` only where unset; they take effect only
    if TensorFlow has not been imported yet), imports
    TensorFlow quietly, seeds Python's, NumPy's and TensorFlow's random number
    generators with ``keras.utils.set_random_seed``, enables TensorFlow's op
    determinism, and applies the book's Matplotlib style with PNG inline
    figures.

    Introduced in :doc:`/notebooks/01_ml_overview`.

    Parameters
    ----------
    seed:
        Non-negative integer used for every random number generator.
    tensorflow:
        Set to ``False`` in notebooks that never use TensorFlow; NumPy and
        Python are still seeded.
    figures:
        Set to ``False`` to leave Matplotlib's settings alone.

    Returns
    -------
    int
        The seed, so a notebook can print or reuse it.

    Raises
    ------
    TypeError, ValueError
        If ``seed`` is not a non-negative integer.
    RuntimeError
        If TensorFlow was already imported with different environment
        settings, which would make the notebook's outputs machine-dependent.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be a non-negative int, got {type(seed).__name__} {seed!r}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")

    if tensorflow and "tensorflow" in sys.modules:
        wrong = {k: os.environ.get(k) for k, v in TF_ENVIRONMENT.items()
                 if os.environ.get(k) != v and (k in TF_REQUIRED or k not in os.environ)}
        if wrong:
            raise RuntimeError(
                "TensorFlow was imported before dlbook.setup() with "
                f"{wrong}; expected {TF_ENVIRONMENT}. Restart the kernel and call "
                "dlbook.setup() before importing tensorflow or keras."
            )
    for key, value in TF_ENVIRONMENT.items():
        if key in TF_REQUIRED:
            os.environ[key] = value
        else:
            os.environ.setdefault(key, value)

    random.seed(seed)
    import numpy as np

    np.random.seed(seed)  # noqa: NPY002 (chapters that call np.random.* use the global generator)

    if tensorflow:
        with _silenced_stderr_fd():
            import keras
            import tensorflow as tf
        keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow at once
        tf.config.experimental.enable_op_determinism()

    if figures:
        _configure_matplotlib()
    return seed


def _configure_matplotlib() -> None:
    """Apply :data:`RC_PARAMS` and, inside IPython, PNG inline figures."""
    import matplotlib

    matplotlib.rcParams.update(RC_PARAMS)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing inline to configure
        return
    if get_ipython() is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png")
