"""nbval, with numbers that come out of training compared within a measured tolerance.

Why: matrix-product libraries choose their blocking from the processor's
cache sizes, instruction set and thread count, so a reader's machine rounds
differently from ours, and training amplifies the last bit into the third
printed digit. Everything else must still match exactly.

How a stored output and a new one are compared (:func:`compare_cell`):

* outputs are grouped as nbval groups them (stream text by stream name,
  display data by MIME type); each text is split into *numbers* and the
  *text* between them (:func:`split`). The texts must be equal, except that
  spaces and tabs at either end of each piece are ignored and a run of them
  counts as one (a number with one more digit shifts a fixed-width column);
  line breaks must match. A version string such as
  ``2.21.0``, a number glued to a unit (``12ms``) or to a name (``conv2d_1``)
  is text. Numbers must be as many, and each must keep its printed form:
  integer or decimal, the same number of decimals, exponent or not.
* every number has a *position*, ``"<output kind>#<index>"`` (``stdout#3`` is
  the fourth number printed to stdout). Without an entry for its position a
  number must be equal as printed, except that a decimal printed with three
  or more significant digits may differ by one unit in its last place (a
  value a hair away from a rounding boundary prints either way) or by a
  relative 1e-5 (float32 sums added in another order): :data:`DEFAULT_RTOL`.
* a position whose number comes out of training carries an entry in the
  cell's metadata, measured under the perturbations of tools/perturb.py by
  tools/portability.py::

      "metadata": {"tolerance": {
          "numbers": {"stdout#3": {"atol": 0.01, "measured": 0.003, "after": "val accuracy",
                                   "unit": 0.001},
                      "stdout#5": {"itol": 3, "measured": 1, "after": "stopped after "}},
          "runs": ["none", "one-core", "tf-threads-1", ...]}}

  ``atol`` bounds ``|new - stored|`` for numbers below 1 in size (accuracies,
  small losses), ``rtol`` the relative difference of the others (large losses,
  sums), each plus one unit in the last printed place; ``itol`` bounds an
  integer exactly (a best epoch, a count of errors). ``after`` is the text
  just before the number when the tolerance was measured: if the stored output
  no longer has it there, the entry is stale and the comparison fails with a
  message saying so. ``unit`` is one unit of the number's last printed digit,
  in the entry's own terms (relative for ``rtol``), for :data:`MAX_UNITS`.

A tolerance wider than :data:`MAX` (and than :data:`MAX_UNITS` units of the
number's last digit) means the number is not reproducible across machines;
such a number must not be printed as a fact (print a stable summary, move the
rest to a cell tagged ``nbval-ignore-output`` followed by an assertion), and
tests/test_nbval_numeric.py fails until it is not.

Loaded with ``-p nbval_numeric`` (pyproject.toml's ``addopts``), it changes
nothing unless ``--nbval`` collects notebooks.
"""

from __future__ import annotations

import copy
import math
import re
from collections import defaultdict
from collections.abc import Iterable

#: A printed number: optional sign; an integer with thousands separators, a
#: decimal or an integer; optional exponent. The group is atomic, so a number
#: is never cut short to fit: it must not be preceded by a letter, digit, "_"
#: or ".", nor followed by one, nor by "." and a digit (a version string).
NUMBER = re.compile(
    r"(?<![\w.])(?>[-+]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)"
    r"(?!\w|\.\d)",
    re.ASCII,
)

#: Relative difference allowed for every decimal with three or more
#: significant digits: float32 sums rounded in another order differ by about
#: sqrt(n) * 6e-8, below this for the sums the book prints.
DEFAULT_RTOL = 1e-5

#: The widest tolerance a position may have: an accuracy that moves by 0.05
#: between machines, a loss by 20 %, or a count by 10 is a different result,
#: not a rounding difference. A number printed with few digits may always
#: have :data:`MAX_UNITS` units of its last printed digit ("+0.9" may read
#: "+0.8" on another machine without changing a conclusion).
MAX = {"atol": 0.05, "rtol": 0.2, "itol": 10}
MAX_UNITS = 5

#: Metadata key of a cell's tolerances.
METADATA_KEY = "tolerance"

#: Characters of text before a number recorded as ``after``.
CONTEXT_CHARS = 24

_SPACES = re.compile(r"[ \t]+")
_ENTRY_KEYS = {"atol", "rtol", "itol", "measured", "after", "unit", "why"}


# ----------------------------------------------------------------------------- numbers


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


def value(token: str) -> float:
    """The value of a printed number (``"1,000"`` -> 1000.0)."""
    return float(token.replace(",", ""))


def form(token: str) -> tuple:
    """How a number is printed: integer, or decimal with its number of decimals and exponent."""
    if is_integer(token):
        return ("integer",)
    mantissa, e, _ = token.lower().partition("e")
    return ("decimal", len(mantissa.partition(".")[2]), bool(e))


def significant_digits(token: str) -> int:
    """Digits printed after the leading zeros: ``0.517`` -> 3, ``0.05`` -> 1, ``1.`` -> 1."""
    mantissa = token.lower().partition("e")[0]
    return len(re.sub(r"\D", "", mantissa).lstrip("0")) or 1


def last_place(token: str) -> float:
    """One unit in the last printed place of a decimal: ``0.517`` -> 0.001, ``1.5e-03`` -> 1e-4."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def _normalise(text: str) -> str:
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


# ----------------------------------------------------------------------------- tolerances


def tolerances(metadata: dict) -> dict[str, dict]:
    """The per-position tolerance entries stored in a cell's metadata (``{}`` if none).

    Raises ``ValueError`` with what was expected when the entry is malformed.
    """
    spec = metadata.get(METADATA_KEY)
    if spec is None:
        return {}
    if not isinstance(spec, dict) or not isinstance(spec.get("numbers"), dict):
        raise ValueError(f"cell metadata {METADATA_KEY!r} must be a mapping with a 'numbers' "
                         f"mapping of positions such as 'stdout#3' to entries, got {spec!r}")
    unknown = set(spec) - {"numbers", "runs", "why"}
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)} in cell metadata {METADATA_KEY!r}; "
                         "expected numbers, runs, why")
    for position, entry in spec["numbers"].items():
        where = f"{METADATA_KEY}.numbers[{position!r}]"
        if not re.fullmatch(r"[\w/.+-]+#\d+", position):
            raise ValueError(f"{where}: a position is '<output kind>#<index>', e.g. 'stdout#3'")
        if not isinstance(entry, dict) or set(entry) - _ENTRY_KEYS:
            raise ValueError(f"{where} must be a mapping with keys among {sorted(_ENTRY_KEYS)}, "
                             f"got {entry!r}")
        bounds = [k for k in ("atol", "rtol", "itol") if k in entry]
        if len(bounds) != 1:
            raise ValueError(f"{where} must have exactly one of atol, rtol, itol, got {bounds}")
        bound = entry[bounds[0]]
        if isinstance(bound, bool) or not isinstance(bound, (int, float)) or bound < 0:
            raise ValueError(f"{where}.{bounds[0]} must be a non-negative number, got {bound!r}")
        if bounds[0] == "itol" and not float(bound).is_integer():
            raise ValueError(f"{where}.itol must be a whole number, got {bound!r}")
    return spec["numbers"]


#: The MIME prefix of a value stored by ``dlbook.glue`` (myst-nb's glue): its text is
#: Python's repr of a rounded number, which drops trailing zeros (0.480 -> "0.48"), so
#: its number of decimals is not a printed form; the prose's format spec decides that.
GLUE_PREFIX = "application/papermill.record/"


def compare_number(stored: str, new: str, entry: dict | None = None, *,
                   glued: bool = False) -> str | None:
    """``None`` if the printed number ``new`` may replace ``stored`` under ``entry``, else why.

    ``glued`` compares a glued value: its number of decimals may differ (trailing zeros),
    and one unit is one unit in the longer of the two last places.
    """
    if glued:
        decimals = max(form(stored)[1:2] + form(new)[1:2], default=0)
        stored_form = form(stored)[:1] + form(stored)[2:]
        if stored_form != form(new)[:1] + form(new)[2:]:
            return f"{stored!r} stored, {new!r} now: printed in another form"
        if not is_integer(stored) and decimals:
            stored = f"{value(stored):.{decimals}f}" if "e" not in stored.lower() else stored
            new = f"{value(new):.{decimals}f}" if "e" not in new.lower() else new
    if form(stored) != form(new):
        return f"{stored!r} stored, {new!r} now: printed in another form"
    x, y = value(stored), value(new)
    if math.isnan(x) or math.isnan(y):
        return None if math.isnan(x) and math.isnan(y) else f"{stored} stored, {new} now"
    if entry is None:
        if stored == new or x == y:
            return None
        if is_integer(stored):
            return f"integer {stored} stored, {new} now"
        allowed = DEFAULT_RTOL * abs(x)
        if significant_digits(stored) >= 3:
            allowed = max(allowed, last_place(stored))
        why = "no tolerance stored for it"
    elif "itol" in entry:
        if not is_integer(stored):
            return f"{stored} is a decimal but its tolerance is an itol"
        if abs(x - y) <= entry["itol"]:
            return None
        return f"integer {stored} stored, {new} now: more than itol {entry['itol']} apart"
    else:
        bound = entry.get("atol", 0.0) + entry.get("rtol", 0.0) * abs(x)
        allowed = bound + last_place(stored)
        why = (f"atol {entry['atol']:g}" if "atol" in entry else f"rtol {entry['rtol']:g}") + (
            f" + one unit of {last_place(stored):g}")
    if abs(x - y) <= allowed * (1 + 1e-9):
        return None
    return (f"number {stored} stored, {new} now: |difference| {abs(x - y):.3g} "
            f"> {allowed:.3g} ({why})")


def positions(key: str, texts: list[str]) -> list[tuple[str, str, str]]:
    """``(position, number, text before it)`` for every number in one output kind's texts."""
    found = []
    for text in texts:
        between, numbers = split(text)
        for before, number in zip(between, numbers, strict=False):
            found.append((f"{key}#{len(found)}", number, _normalise(before)[-CONTEXT_CHARS:]))
    return found


def compare_texts(key: str, stored: list[str], new: list[str],
                  entries: dict[str, dict] | None = None) -> str | None:
    """Why one output kind's ``new`` texts differ from the ``stored`` ones, or ``None``."""
    entries = entries or {}
    counter = 0
    for a, b in zip(stored, new, strict=True):
        a_texts, a_numbers = split(a)
        b_texts, b_numbers = split(b)
        if len(a_numbers) != len(b_numbers):
            return f"{len(a_numbers)} numbers stored, {len(b_numbers)} now"
        for s, n in zip(a_texts, b_texts, strict=True):
            if _normalise(s) != _normalise(n):
                return f"text differs: stored {s.strip()[:80]!r}, now {n.strip()[:80]!r}"
        for index, (s, n) in enumerate(zip(a_numbers, b_numbers, strict=True)):
            position = f"{key}#{counter + index}"
            entry = entries.get(position)
            if entry and "after" in entry:
                before = _normalise(a_texts[index])[-CONTEXT_CHARS:]
                if before != entry["after"]:
                    return (f"stale tolerance metadata: {position} now follows {before!r}, not "
                            f"{entry['after']!r}; re-run tools/portability.py apply")
            problem = compare_number(s, n, entry, glued=key.startswith(GLUE_PREFIX))
            if problem:
                return f"{position}: {problem}"
        counter += len(a_numbers)
    return None


# ----------------------------------------------------------------------------- outputs


def flatten_outputs(outputs: Iterable, skip: Iterable[str],
                    sanitize=lambda s: s) -> dict[str, list]:
    """Outputs as nbval compares them: stream text by stream name, display data by MIME type."""
    flat = defaultdict(list)
    skip = set(skip)
    for output in outputs:
        if output.get("output_type") == "stream":
            if output["name"] not in skip:
                flat[output["name"]].append(sanitize(output["text"]))
            continue
        for key, data in output.items():
            if key in skip:
                continue
            if key == "data":
                for mime, item in data.items():
                    if mime not in skip:
                        flat[mime].append(sanitize(item))
            else:
                flat[key].append(sanitize(data))
    return flat


def coalesced(outputs: list) -> list:
    """Outputs with each stream's pieces joined, as nbval does before comparing."""
    from nbval.plugin import coalesce_streams

    return coalesce_streams(copy.deepcopy(outputs))


def compare_cell(stored: list, new: list, entries: dict[str, dict], skip: Iterable[str],
                 sanitize=lambda s: s) -> str | None:
    """Why a cell's ``new`` outputs differ from its ``stored`` ones, or ``None``."""
    ref = flatten_outputs(stored, skip, sanitize)
    test = flatten_outputs(new, skip, sanitize)
    if set(ref) != set(test):
        return f"output kinds differ: stored {sorted(ref)}, now {sorted(test)}"
    for key, ref_values in ref.items():
        test_values = test[key]
        if len(ref_values) != len(test_values):
            return f"{len(ref_values)} {key!r} outputs stored, {len(test_values)} now"
        if all(isinstance(v, str) for v in ref_values + test_values):
            problem = compare_texts(key, ref_values, test_values, entries)
        else:
            problem = None if ref_values == test_values else f"{key!r} output differs"
        if problem:
            return (f"{key}: {problem}\n--- stored ---\n{_clip(ref_values)}\n"
                    f"--- now ---\n{_clip(test_values)}")
    return None


def _clip(values, limit: int = 2000) -> str:
    text = "".join(v if isinstance(v, str) else repr(v) for v in values)
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
                entries = tolerances(self.cell.metadata)
            except ValueError as error:
                self.comparison_traceback.append(str(error))
                return False
            problem = compare_cell(ref, test, entries, skip, self.sanitize)
            if problem:
                self.comparison_traceback.append(problem)
                self.comparison_traceback.append(
                    "(compared by tests/nbval_numeric.py; see book/setup.md)")
                return False
            return True

    def pytest_collection_modifyitems(items):
        """Give every cell that nbval collected this module's comparison."""
        for item in items:
            if type(item) is IPyNbCell:
                item.__class__ = NumericNbCell  # same state, one method overridden
