"""nbval, with printed numbers compared within a measured tolerance, not character by character.

Why: matrix-product libraries choose their blocking from the processor's
cache sizes, instruction set and thread count, so a reader's machine rounds
differently from ours, and training amplifies the last bit into the third
printed digit. Words, shapes and structure must still match exactly.

How a stored output and a new one are compared (:func:`compare_text`):

* both are split into *numbers* and the *text* between them (:func:`split`);
  the texts must be equal (runs of white space count as one space, because a
  number with one more digit shifts a fixed-width column) and the numbers must
  be as many;
* an integer (no decimal point, no exponent) must be equal, or within the
  cell's ``itol``;
* a decimal number may differ by one unit in its last printed place (a value
  a hair away from a rounding boundary prints either way), or by more if the
  cell's tolerance allows: ``|new - stored| <= max(atol, rtol * |stored|)``.

The default tolerance is :data:`DEFAULT`. A cell whose numbers come out of
training carries its own, measured under the perturbations of
tools/perturb.py by tools/portability.py and stored in the cell's metadata::

    "metadata": {"tolerance": {"atol": 0.01, "rtol": 0.02, "itol": 1,
                               "measured": {"atol": 0.003, "rtol": 0.006, "itol": 0, "runs": 4}}}

Loaded with ``-p nbval_numeric`` (pyproject.toml's ``addopts``), it changes
nothing unless ``--nbval`` collects notebooks.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import defaultdict
from collections.abc import Iterable

#: A number as printed by Python, NumPy, pandas or Keras: optional sign,
#: digits with an optional fraction, optional exponent; not part of a word
#: (``conv2d_1``, ``x86``, ``1e``) and not the tail of a longer number.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?!\w)")

#: Metadata key of a cell's tolerance.
METADATA_KEY = "tolerance"

_WHITESPACE = re.compile(r"\s+")


@dataclasses.dataclass(frozen=True)
class Tolerance:
    """How far a cell's printed numbers may move: absolute, relative, and for integers."""

    atol: float = 0.0
    rtol: float = 0.0
    itol: int = 0

    @classmethod
    def from_metadata(cls, metadata: dict) -> Tolerance:
        """The tolerance stored in a cell's metadata, or :data:`DEFAULT` if it has none.

        Raises ``ValueError`` with what was expected when the entry is malformed.
        """
        spec = metadata.get(METADATA_KEY)
        if spec is None:
            return DEFAULT
        if not isinstance(spec, dict):
            raise ValueError(f"cell metadata {METADATA_KEY!r} must be a mapping, got {spec!r}")
        unknown = set(spec) - {"atol", "rtol", "itol", "measured", "why"}
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)} in cell metadata {METADATA_KEY!r}; "
                             "expected atol, rtol, itol, measured, why")
        values = {k: spec.get(k, getattr(DEFAULT, k)) for k in ("atol", "rtol", "itol")}
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(
                    f"{METADATA_KEY}.{key} must be a non-negative number, got {value!r}"
                )
        if not float(values["itol"]).is_integer():
            raise ValueError(f"{METADATA_KEY}.itol must be a whole number, got {values['itol']!r}")
        return cls(float(values["atol"]), float(values["rtol"]), int(values["itol"]))


#: For cells without their own tolerance: numbers from deterministic code
#: (counts, shapes, data, closed-form results) differ at most by a rounding of
#: the last printed digit; a relative 1e-5 covers float32 sums rounded in
#: another order (about sqrt(n) * 6e-8 for the sums the book prints) when they
#: are printed with many digits. Measured: see book/setup.md.
DEFAULT = Tolerance(atol=0.0, rtol=1e-5, itol=0)


def split(text: str) -> tuple[list[str], list[str]]:
    """Split ``text`` into the texts between numbers, and the numbers.

    ``len(texts) == len(numbers) + 1``.
    """
    texts, numbers, last = [], [], 0
    for match in NUMBER.finditer(text):
        texts.append(text[last:match.start()])
        numbers.append(match.group())
        last = match.end()
    texts.append(text[last:])
    return texts, numbers


def is_integer(token: str) -> bool:
    """True for a printed integer (no decimal point, no exponent)."""
    return not any(c in token for c in ".eE")


def last_place(token: str) -> float:
    """One unit in the last printed place of a decimal: ``0.517`` -> 0.001, ``1.5e-03`` -> 1e-4."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def _normalise(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def compare_text(stored: str, new: str, tol: Tolerance = None) -> str | None:
    """``None`` if ``new`` matches ``stored`` within ``tol``; otherwise why it does not."""
    tol = DEFAULT if tol is None else tol
    if stored == new:
        return None
    stored_texts, stored_numbers = split(stored)
    new_texts, new_numbers = split(new)
    if len(stored_numbers) != len(new_numbers):
        return f"{len(stored_numbers)} numbers stored, {len(new_numbers)} now"
    for a, b in zip(stored_texts, new_texts, strict=True):  # as many, checked above
        if _normalise(a) != _normalise(b):
            return f"text differs: stored {a.strip()[:80]!r}, now {b.strip()[:80]!r}"
    for a, b in zip(stored_numbers, new_numbers, strict=True):
        problem = compare_number(a, b, tol)
        if problem:
            return problem
    return None


def compare_number(stored: str, new: str, tol: Tolerance) -> str | None:
    """``None`` if the printed number ``new`` is within ``tol`` of ``stored``; otherwise why not."""
    if is_integer(stored) and is_integer(new):
        if abs(int(stored) - int(new)) <= tol.itol:
            return None
        return f"integer {stored} stored, {new} now (itol {tol.itol})"
    x, y = float(stored), float(new)
    allowed = max(tol.atol, tol.rtol * abs(x), last_place(stored) * (1 + 1e-9))
    if abs(x - y) <= allowed or (math.isnan(x) and math.isnan(y)):
        return None
    return (f"number {stored} stored, {new} now: |difference| {abs(x - y):.3g} "
            f"> allowed {allowed:.3g} (atol {tol.atol:g}, rtol {tol.rtol:g}, "
            f"last place {last_place(stored):g})")


def number_pairs(stored: str, new: str) -> list[tuple[str, str]] | None:
    """The (stored, new) number pairs when the two texts agree outside numbers, else ``None``.

    tools/portability.py measures tolerances from these.
    """
    stored_texts, stored_numbers = split(stored)
    new_texts, new_numbers = split(new)
    if len(stored_numbers) != len(new_numbers):
        return None
    if any(_normalise(a) != _normalise(b)
           for a, b in zip(stored_texts, new_texts, strict=True)):
        return None
    return list(zip(stored_numbers, new_numbers, strict=True))


def flatten_outputs(outputs: Iterable, skip: Iterable[str],
                    sanitize=lambda s: s) -> dict[str, list]:
    """Outputs as nbval compares them: stream text by stream name, display data by MIME type."""
    flat = defaultdict(list)
    skip = set(skip)
    for output in outputs:
        if output.get("output_type") == "stream":
            flat[output["name"]].append(sanitize(output["text"]))
            continue
        for key, value in output.items():
            if key in skip:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in skip:
                        flat[mime].append(sanitize(data))
            else:
                flat[key].append(sanitize(value))
    return flat


def coalesced(outputs: list) -> list:
    """Outputs with each stream's pieces joined, as nbval does before comparing."""
    import copy

    from nbval.plugin import coalesce_streams

    return coalesce_streams(copy.deepcopy(outputs))


def compare_cell(stored: list, new: list, tol: Tolerance, skip: Iterable[str],
                 sanitize=lambda s: s) -> str | None:
    """Why a cell's ``new`` outputs differ from its ``stored`` ones beyond ``tol``, or ``None``."""
    ref = flatten_outputs(stored, skip, sanitize)
    test = flatten_outputs(new, skip, sanitize)
    if set(ref) != set(test):
        return f"output kinds differ: stored {sorted(ref)}, now {sorted(test)}"
    for key, ref_values in ref.items():
        test_values = test[key]
        if len(ref_values) != len(test_values):
            return f"{len(ref_values)} {key!r} outputs stored, {len(test_values)} now"
        for a, b in zip(ref_values, test_values, strict=True):
            if isinstance(a, str) and isinstance(b, str):
                problem = compare_text(a, b, tol)
            else:
                problem = None if a == b else f"{key!r} output differs"
            if problem:
                return f"{key}: {problem}\n--- stored ---\n{_clip(a)}\n--- now ---\n{_clip(b)}"
    return None


def _clip(value, limit: int = 2000) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + " [...]"


# ----------------------------------------------------------------------------- the nbval plugin

try:
    from nbval.plugin import IPyNbCell
except ImportError:  # the comparison functions above work without nbval
    IPyNbCell = None


if IPyNbCell is not None:

    class NumericNbCell(IPyNbCell):
        """nbval's notebook cell, comparing outputs with :func:`compare_cell`."""

        def compare_outputs(self, test, ref, skip_compare=None):
            skip = skip_compare or self.parent.skip_compare
            self.comparison_traceback = []
            try:
                tol = Tolerance.from_metadata(self.cell.metadata)
            except ValueError as error:
                self.comparison_traceback.append(str(error))
                return False
            problem = compare_cell(ref, test, tol, skip, self.sanitize)
            if problem:
                self.comparison_traceback.append(problem)
                self.comparison_traceback.append(
                    f"(compared by tests/nbval_numeric.py with {tol}; see book/setup.md)")
                return False
            return True

    def pytest_collection_modifyitems(items):
        """Give every cell that nbval collected this module's comparison."""
        for item in items:
            if type(item) is IPyNbCell:
                item.__class__ = NumericNbCell  # same state, one method overridden
