"""Timing for the book's speed comparisons, which print ratios, never absolute times."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_time(function: Callable[..., Any], *args: Any, repeat: int = 5, **kwargs: Any) -> float:
    """The shortest of ``repeat`` wall-clock timings of ``function(*args, **kwargs)``, in seconds.

    The minimum is the least noisy estimate of how fast code *can* run: every
    slower run was slowed by something else (other processes, a first-call
    allocation, a cache miss). Use it for ratios between two implementations
    measured in the same run; absolute times depend on the machine.

    Introduced in :doc:`/notebooks/02_python_crash_course`.

    Raises
    ------
    TypeError
        If ``function`` is not callable.
    ValueError
        If ``repeat`` is not a positive integer.
    """
    if not callable(function):
        raise TypeError(f"function must be callable, got {type(function).__name__}")
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"repeat must be a positive int, got {repeat!r}")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best
