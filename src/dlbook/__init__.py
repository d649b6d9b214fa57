"""Helpers for the notebooks of the deep-learning course.

Import this package before TensorFlow and call :func:`setup` first::

    import dlbook
    dlbook.setup()
    import tensorflow as tf

Importing ``dlbook`` does not import TensorFlow, so :func:`setup` can still set
the environment variables TensorFlow reads when it loads.
"""

from .data import (
    DatasetUnavailableError,
    data_home,
    fetch_movie_reviews,
    load_cifar10_full,
    load_english_corpus,
    load_imdb_full,
    load_mnist_full,
    load_mnist_sample,
    load_movie_reviews,
    load_text8_full,
)
from .plots import plot_codes, plot_history, show_images
from .report import glue
from .runtime import TF_ENVIRONMENT, setup
from .stats import (
    binomial_se,
    compare_classifiers,
    compare_regressors,
    format_comparison,
    frechet_distance,
    mcnemar,
    p_range,
    paired_difference,
    seed_summary,
)
from .text import skipgram_pairs
from .timing import best_time
from .training import fit_seeds

__all__ = [
    "TF_ENVIRONMENT",
    "DatasetUnavailableError",
    "best_time",
    "binomial_se",
    "compare_classifiers",
    "compare_regressors",
    "data_home",
    "fetch_movie_reviews",
    "fit_seeds",
    "format_comparison",
    "frechet_distance",
    "glue",
    "load_cifar10_full",
    "load_english_corpus",
    "load_imdb_full",
    "load_mnist_full",
    "load_mnist_sample",
    "load_movie_reviews",
    "load_text8_full",
    "mcnemar",
    "p_range",
    "paired_difference",
    "plot_codes",
    "plot_history",
    "seed_summary",
    "setup",
    "show_images",
    "skipgram_pairs",
]
__version__ = "0.1.0"
