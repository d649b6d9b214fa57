"""Training helpers: the same recipe run under several seeds.

One trained network is one draw: its initial weights, the order of its batches
and its dropout masks all come from the random seed. A claim about a *method*
("this network reaches about 0.78") needs several draws; chapter 08 is the
first to make one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def fit_seeds(build_model: Callable[[], Any], x: Any, y: Any, *, seeds: Iterable[int],
              **fit_kwargs: Any) -> list:
    """Train one fresh model per seed and return them, in the order of ``seeds``.

    For each seed: seed Python, NumPy and the backend
    (``keras.utils.set_random_seed``), build a new model with ``build_model()``
    and call its ``fit(x, y, **fit_kwargs)``. The first model is the one a
    chapter usually studies further; the others measure how much the seed
    matters (summarise their scores with :func:`dlbook.stats.seed_summary`).

    Introduced in :doc:`/notebooks/08_movie_reviews`.

    Raises
    ------
    TypeError
        If ``build_model`` is not callable.
    ValueError
        If ``seeds`` is empty, repeats a seed or holds something other than integers.
    """
    import keras

    if not callable(build_model):
        raise TypeError(f"build_model must be a function that returns a new compiled model, "
                        f"got {type(build_model).__name__}")
    seeds = list(seeds)
    if not seeds or len(set(seeds)) != len(seeds) or not all(
            isinstance(seed, int) and not isinstance(seed, bool) for seed in seeds):
        raise ValueError(f"seeds must be distinct integers, at least one, got {seeds}")
    models = []
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        model = build_model()
        model.fit(x, y, **fit_kwargs)
        models.append(model)
    return models
