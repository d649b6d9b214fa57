"""Numbers in prose that come from the computation, never typed by hand."""

from __future__ import annotations

import numbers
from typing import Any

#: The MIME prefix under which myst-nb's ``glue(..., display=False)`` stores a value.
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value: Any, *, digits: int | None = None) -> Any:
    """Store ``value`` under ``name`` for the prose, without showing it in the notebook.

    The markdown then writes ``{glue:text}`name:.3f``` where the number
    belongs, and the built book inserts the value this cell computed, so the
    text cannot drift from the output. This is what myst-nb's own ``glue``
    with ``display=False`` stores, written here so that a reader's Colab
    (which has no myst-nb) runs the chapters too. NumPy scalars become Python
    numbers (myst-nb reads the stored text back with ``ast.literal_eval``), and
    ``digits`` rounds the stored number to what the prose prints: nbval then
    compares what a reader sees, not digits beyond it.

    Introduced in :doc:`/notebooks/01_ml_overview`.

    Returns
    -------
    The stored value (after conversion and rounding).

    Raises
    ------
    ValueError
        If ``name`` is not an identifier-like key.
    TypeError
        If ``value`` is not a number or a string, or ``digits`` is given for a string.
    """
    from IPython.display import display

    if not isinstance(name, str) or not name.replace("_", "a").replace("-", "a").isalnum():
        raise ValueError(f"name must be a key of letters, digits, '_' and '-', got {name!r}")
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = int(value)
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = float(value)
    elif not isinstance(value, str):
        raise TypeError(f"glue stores a number or a string, got {type(value).__name__}")
    if digits is not None:
        if isinstance(value, str):
            raise TypeError("digits rounds a number; a string is stored as it is")
        value = round(value, digits)
    display({GLUE_PREFIX + "text/plain": repr(value)}, raw=True,
            metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}})
    return value
