"""Measure how far each printed number moves on other machines, and set tolerances from it.

Three steps (``make portability`` runs the first two)::

    python tools/portability.py run one-core tf-threads-4 ...   # execute under perturbations
    python tools/portability.py report [NAME ...]               # compare with the stored outputs
    python tools/portability.py apply                           # write measured tolerances

``run`` executes notebooks under perturbations of tools/perturb.py and writes
the executed copies to ``_build/portability/<perturbation>/`` (stored outputs
are never touched). Any other folder there is a *version* too: copy a
machine's executed notebooks into ``_build/portability/<machine>/`` to include
it. ``report`` compares the versions with the stored outputs as nbval does
(tests/nbval_numeric.py), lists every failure, every number that moved and
every cell whose text changed. ``apply`` writes, for every number that moved
between any two versions (the stored one included), a tolerance of
:data:`HEADROOM` times the largest movement (a decimal's rounded up to one
significant digit, an integer's to a whole number) into the cell's metadata
(the checker adds one unit of the last printed digit to it).

A version is used for a cell only if the cell's code is the same in that run
as in the notebook ("stale" otherwise), and only for cells that ran (a run
that stopped on an error leaves the rest unexecuted). :data:`HELD_OUT`
perturbations are never used by ``apply``: they test the tolerances.
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))

import nbformat  # noqa: E402
import nbval_numeric as nn  # noqa: E402
from perturb import PERTURBATIONS, SABOTAGES  # noqa: E402

RUNS = ROOT / "_build" / "portability"

#: A tolerance is this many times the largest movement measured: a handful of
#: perturbations sample the spread of readers' machines, and the largest of
#: n draws underestimates the range that other machines reach.
HEADROOM = 3

#: Perturbations kept out of ``apply``, to check the tolerances it wrote.
HELD_OUT = {"tf-threads-3"}

#: nbval's default keys that are never compared (see nbval.plugin.IPyNbFile).
SKIP = ("metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
        "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg")


def _ignored(cell) -> bool:
    tags = set(cell.metadata.get("tags", []))
    return bool(tags & {"nbval-ignore-output", "nbval-skip"})


def _sanitizer():
    """The sanitize patterns of tests/nbval_sanitize.cfg, parsed by nbval's own parser."""
    from nbval.plugin import get_sanitize_patterns

    patterns = [(re.compile(regex), replace) for regex, replace in
                get_sanitize_patterns((ROOT / "tests" / "nbval_sanitize.cfg").read_text())]

    def sanitize(value):
        if not isinstance(value, str):
            return value
        for pattern, replace in patterns:
            value = pattern.sub(replace, value)
        return value

    return sanitize


def run(names: list[str], notebooks: list[pathlib.Path]) -> None:
    """Execute ``notebooks`` under each perturbation into ``RUNS/<name>``.

    A run that fails is kept, partial: its outputs show where it broke.
    """
    for name in names:
        for path in notebooks:
            command = [sys.executable, str(ROOT / "tools" / "perturb.py"), name, "--",
                       sys.executable, str(ROOT / "tools" / "nbrun.py"), "--outdir",
                       str(RUNS / name), str(path)]
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            status = "ok" if result.returncode == 0 else "FAILED (error in a cell)"
            print(f"{name:22s} {path.name:32s} {status}", flush=True)


def _texts(cell) -> dict[str, list]:
    return nn.flatten_outputs(nn.coalesced(cell.outputs), SKIP, _sanitizer())


def measure(a_cell, b_cell) -> tuple[dict[str, dict], list[str]]:
    """How far each number of two versions of a cell moved.

    Returns ``({position: {"kind": "atol" | "rtol" | "itol", "moved": x, "after": text}},
    [what differed beyond numbers])``.
    """
    a, b = _texts(a_cell), _texts(b_cell)
    moved, structure = {}, []
    if set(a) != set(b):
        return moved, [f"output kinds {sorted(a)} -> {sorted(b)}"]
    for key in a:
        if len(a[key]) != len(b[key]):
            structure.append(f"{key}: {len(a[key])} outputs -> {len(b[key])}")
            continue
        if not all(isinstance(v, str) for v in a[key] + b[key]):
            if a[key] != b[key]:
                structure.append(f"{key} differs")
            continue
        a_positions = nn.positions(key, a[key])
        b_positions = nn.positions(key, b[key])
        wide = {p: {"atol": 1e300} if not nn.is_integer(x) else {"itol": 10**9}
                for p, x, _ in a_positions}
        problem = nn.compare_texts(key, a[key], b[key], wide)
        if problem:
            structure.append(f"{key}: {problem}")
            continue
        for (position, x, before), (_, y, _) in zip(a_positions, b_positions, strict=True):
            if nn.is_integer(x):
                if x != y:
                    moved[position] = {"kind": "itol", "moved": abs(nn.value(x) - nn.value(y)),
                                       "after": before, "unit": 1}
                continue
            fx, fy = nn.value(x), nn.value(y)
            if not (math.isfinite(fx) and math.isfinite(fy)):
                continue
            if x == y or abs(fx - fy) <= nn.DEFAULT_RTOL * abs(fx):
                continue
            # The whole difference counts, even one unit of the last digit: the value
            # behind it may have moved by up to two units, and further elsewhere.
            kind = "atol" if abs(fx) < 1 else "rtol"
            size = abs(fx - fy) if kind == "atol" else abs(fx - fy) / abs(fx)
            unit = nn.last_place(x) if kind == "atol" else nn.last_place(x) / abs(fx)
            moved[position] = {"kind": kind, "moved": size, "after": before,
                               "unit": float(f"{unit:.3g}")}
    return moved, structure


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def collect(names: list[str], notebooks: list[pathlib.Path]) -> dict:
    """``{(notebook, code cell index): {"moved": {position: ...}, "structure": [...],
    "fails": [...], "stale": [...], "runs": [names]}}``.

    "moved" is the largest movement of each number between any two versions of
    the cell (the stored one and each run's), so that the tolerance covers the
    others whichever version is stored next (after ``make refresh``).
    """
    table = {}
    sanitize = _sanitizer()
    for path in notebooks:
        stored_nb = nbformat.read(path, as_version=4)
        runs = {}
        for name in names:
            copy = RUNS / name / path.name
            if copy.is_file():
                cells = _code_cells(nbformat.read(copy, as_version=4))
                runs[name] = {c.get("id"): c for c in cells}
        for index, s in enumerate(_code_cells(stored_nb)):
            if _ignored(s) or s.execution_count is None:
                continue
            entry = {"moved": {}, "structure": [], "fails": [], "stale": [], "runs": []}
            versions = [("stored", s)]
            for name, cells in runs.items():
                n = cells.get(s.get("id"))  # by id: a cell added or removed shifts no other
                if n is None or n.source != s.source:
                    entry["stale"].append(name)
                    continue
                if n.execution_count is None:
                    entry["fails"].append(f"{name}: not executed (an earlier cell failed)")
                    continue
                versions.append((name, n))
                entry["runs"].append(name)
                problem = nn.compare_cell(nn.coalesced(s.outputs), nn.coalesced(n.outputs),
                                          nn.tolerances(s.metadata), SKIP, sanitize)
                if problem:
                    entry["fails"].append(f"{name}: {problem.splitlines()[0]}")
            for i, (name_a, a) in enumerate(versions):
                for name_b, b in versions[i + 1:]:
                    moved, structure = measure(a, b)
                    for position, m in moved.items():
                        old = entry["moved"].get(position)
                        if old is None or m["moved"] > old["moved"]:
                            entry["moved"][position] = m
                    entry["structure"] += [f"{name_a} vs {name_b}: {x}" for x in structure]
            if len(versions) > 1:
                table[(path.name, index)] = entry
    return table


def nice_ceiling(x: float) -> float:
    """``x`` rounded up to one significant digit: 0.0031 -> 0.004, 0.012 -> 0.02 (0 stays 0)."""
    if x <= 0:
        return 0.0
    unit = 10.0 ** math.floor(math.log10(x))
    return float(f"{math.ceil(round(x / unit, 9)) * unit:.12g}")


def suggested(moved: dict[str, dict]) -> dict[str, dict]:
    """The tolerance entry of each position that moved: HEADROOM times its movement."""
    entries = {}
    for position, m in sorted(moved.items(), key=lambda item: _position_order(item[0])):
        if m["kind"] == "itol":
            bound, measured = math.ceil(HEADROOM * m["moved"]), int(m["moved"])
        else:
            bound, measured = nice_ceiling(HEADROOM * m["moved"]), float(f"{m['moved']:.3g}")
        entries[position] = {m["kind"]: bound, "measured": measured, "after": m["after"],
                             "unit": m.get("unit", 0)}
    return entries


def _bound(entry: dict) -> float:
    return next(entry[k] for k in ("atol", "rtol", "itol") if k in entry)


def _position_order(position: str) -> tuple[str, int]:
    key, _, index = position.rpartition("#")
    return key, int(index)


def too_wide(entries: dict[str, dict] | None) -> list[str]:
    """The positions whose tolerance is wider than nbval_numeric.MAX (or MAX_UNITS units of
    the number's last printed digit, for a number printed with few digits) allows."""
    problems = []
    for position, entry in (entries or {}).items():
        for key, limit in nn.MAX.items():
            limit = max(limit, nn.MAX_UNITS * entry.get("unit", 0))
            if entry.get(key, 0) > limit * (1 + 1e-9):
                problems.append(f"{position} ({entry.get('after', '')!r}): {key} "
                                f"{entry[key]:g} > {limit:g}")
    return problems


def report(names: list[str], notebooks: list[pathlib.Path]) -> int:
    table = collect(names, notebooks)
    failing = moving = changed = 0
    for (nb, index), entry in sorted(table.items()):
        if entry["moved"]:
            moving += 1
            worst = ", ".join(f"{p} {m['kind']} {m['moved']:.3g}"
                              for p, m in entry["moved"].items())
            print(f"{nb} code cell {index}: moved {worst} (runs: {', '.join(entry['runs'])})")
        if entry["structure"]:
            changed += 1
            print(f"{nb} code cell {index}: TEXT CHANGED")
            for line in entry["structure"][:4]:
                print(f"    {line}")
        if entry["fails"]:
            failing += 1
            for line in entry["fails"]:
                print(f"    FAILS {line}")
    stale = sorted({name for e in table.values() for name in e["stale"]})
    print(f"{moving} cells moved, {changed} changed text, {failing} fail the stored tolerances; "
          f"runs: {', '.join(names)}")
    if stale:
        print(f"runs made from other code for some cells (not used there): {', '.join(stale)}")
    return 1 if failing else 0


def apply(names: list[str], notebooks: list[pathlib.Path]) -> int:
    """Write measured tolerances; return 1 if a cell's text changed or a tolerance is too wide."""
    table = collect(names, notebooks)
    problems = 0
    for path in notebooks:
        raw = json.loads(path.read_text())
        cells = [c for c in raw["cells"] if c["cell_type"] == "code"]
        changed = 0
        for index, cell in enumerate(cells):
            entry = table.get((path.name, index))
            if entry is None:
                continue
            for line in entry["structure"][:1]:
                problems += 1
                print(f"{path.name} code cell {index}: TEXT CHANGED between versions ({line}); "
                      "no tolerance can cover it: print something stable instead")
            wanted = suggested(entry["moved"])
            for problem in too_wide(wanted):
                problems += 1
                print(f"{path.name} code cell {index}: TOO WIDE, {problem}: not reproducible "
                      "across machines; print a stable summary instead (nbval_numeric.MAX)")
            old = cell["metadata"].get(nn.METADATA_KEY)
            # Entries set by hand carry a "why"; a measurement replaces one only if wider.
            for position, manual in (old or {}).get("numbers", {}).items():
                measured = wanted.get(position)
                if "why" in manual and not (measured and _bound(measured) > _bound(manual)):
                    wanted[position] = manual
            new = {"numbers": wanted, "runs": entry["runs"]} if wanted else None
            if new and old and "why" in old:
                new["why"] = old["why"]
            if new != old:
                if new is None:
                    cell["metadata"].pop(nn.METADATA_KEY, None)
                else:
                    cell["metadata"][nn.METADATA_KEY] = new
                changed += 1
        if changed:
            path.write_text(json.dumps(raw, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
            print(f"{path.name}: {changed} cells' tolerances written")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("run", "report", "apply"))
    parser.add_argument("versions", nargs="*",
                        help="perturbations to run (default: all), or folders of "
                             "_build/portability to compare (default: all but sabotages and, "
                             "for apply, the held-out)")
    parser.add_argument("--notebooks", nargs="+", type=pathlib.Path,
                        default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    args = parser.parse_args(argv)
    names = args.versions
    if args.step == "run":
        unknown = set(names) - set(PERTURBATIONS) - set(SABOTAGES)
        if unknown:
            parser.error(f"unknown perturbations {sorted(unknown)}; "
                         f"expected some of {sorted(PERTURBATIONS) + sorted(SABOTAGES)}")
        run(names or list(PERTURBATIONS), args.notebooks)
        return 0
    missing = [n for n in names if not (RUNS / n).is_dir()]
    if missing:
        parser.error(f"no folder {missing} in {RUNS}")
    if args.step == "apply" and set(names) & (set(SABOTAGES) | HELD_OUT):
        parser.error("apply measures machines: leave out sabotaged runs and the held-out "
                     f"perturbations {sorted(HELD_OUT)}")
    excluded = set(SABOTAGES) | (HELD_OUT if args.step == "apply" else set())
    names = names or sorted(p.name for p in RUNS.glob("*") if p.is_dir() and p.name not in excluded)
    if not names:
        parser.error(f"no runs in {RUNS}; run `python tools/portability.py run NAME...` first")
    if args.step == "report":
        return report(names, args.notebooks)
    return apply(names, args.notebooks)


if __name__ == "__main__":
    sys.exit(main())
