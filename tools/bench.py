"""Benchmark the book: each notebook's execution time and peak memory, and the site build.

Each notebook runs in a child process (through tools/nbrun.py). The peak
resident memory of its kernel is the kernel process's high-water mark
(``VmHWM`` in ``/proc/<pid>/status``, Linux), read after every cell. Outputs
are not stored. Run it as ``make bench``; a chapter's budget is
:func:`budget_seconds` and :data:`BUDGET_MIB`, and 30 minutes for the whole CI run.

``--table PATH`` also writes the figures into a Markdown table, with the machine
they were measured on, keeping the rows of chapters not measured this time;
``make bench`` updates ``book/bench.md``, which the instructors' page includes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
#: A chapter's time budget on 2 cores, in seconds.
BUDGET_SECONDS = 90
#: The budget of the chapters added last (Parts VII-IX): from this chapter number on.
NEW_CHAPTERS_FROM, NEW_BUDGET_SECONDS = 19, 120
#: A chapter's peak memory budget: what mybinder.org allows before it restarts a kernel.
BUDGET_MIB = 2048


def _peak_rss_mib(pid: int) -> float:
    """The high-water mark of a process's resident memory, in MiB (Linux); 0 if unknown."""
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024          # the value is in kB
    except OSError:
        pass
    return 0.0


def _single(path: str) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    import nbrun

    km = nbrun.current_env_kernel()
    peak = [0.0]

    def watch(**_):
        pid = getattr(km.provisioner, "pid", None)
        if pid:
            peak[0] = max(peak[0], _peak_rss_mib(pid))

    seconds = nbrun.execute(pathlib.Path(path), km=km, on_cell_executed=watch)
    print(json.dumps({"seconds": seconds, "peak_mib": peak[0]}))


def budget_seconds(name: str) -> int:
    """The time budget of a chapter, from the number its file name starts with."""
    number = name.split("_", 1)[0]
    late = number.isdigit() and int(number) >= NEW_CHAPTERS_FROM
    return NEW_BUDGET_SECONDS if late else BUDGET_SECONDS


def bench_notebook(path: pathlib.Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--single", str(path)],
        capture_output=True, text=True, cwd=ROOT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{path.name} failed to run:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> str:
    """The CPU model and the number of cores the benchmark ran on (Linux; else the platform)."""
    model = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


#: A row of the table: the chapter's page, seconds and peak MiB.
TABLE_ROW = re.compile(r"^\| \{doc\}`/notebooks/(?P<name>[0-9a-z_]+)` \| (?P<seconds>[0-9.]+) \| "
                       r"(?P<mib>[0-9]+) \|$")


def read_table(path: pathlib.Path) -> dict[str, dict]:
    """The rows of a table that :func:`write_table` wrote, by notebook name (empty if none)."""
    if not path.exists():
        return {}
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = TABLE_ROW.match(line)
        if match:
            rows[match["name"]] = {"notebook": match["name"], "seconds": float(match["seconds"]),
                                   "peak_mib": float(match["mib"])}
    return rows


def write_table(path: pathlib.Path, rows: list[dict]) -> None:
    """Write the figures as a Markdown table (one row per chapter), saying where and when.

    Rows already in the file for chapters not measured now are kept, so
    ``make bench NB=...`` updates one chapter's row.
    """
    merged = read_table(path)
    merged.update({row["notebook"]: row for row in rows})
    existing = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    ordered = [merged[name] for name in sorted(merged) if name in existing]
    lines = [
        f"Measured by `make bench` on {machine()}, last updated "
        f"{datetime.date.today().isoformat()}:",
        "a chapter's run from top to bottom in a fresh kernel, and its kernel's peak resident",
        "memory.",
        "",
        "| chapter | seconds | peak memory (MiB) |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {{doc}}`/notebooks/{row['notebook']}` | {row['seconds']:.1f} | "
              f"{row['peak_mib']:.0f} |" for row in ordered]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def bench_build() -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [str(pathlib.Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT),
             "--path-output", out, "-W", "-n", "--keep-going", "-q"],
            check=True, capture_output=True, cwd=ROOT,
        )
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--single", help=argparse.SUPPRESS)
    parser.add_argument("--no-build", action="store_true", help="skip timing the site build")
    parser.add_argument("--table", type=pathlib.Path,
                        help="also write the figures as a Markdown table to this file")
    args = parser.parse_args()
    if args.single:
        _single(args.single)
        return 0

    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    width = max(len(p.name) for p in notebooks)
    print(f"{'notebook':<{width}}  {'seconds':>8}  {'peak MiB':>8}")
    total, over, rows = 0.0, [], []
    for path in notebooks:
        stats = bench_notebook(path)
        rows.append({"notebook": path.stem, **stats})
        total += stats["seconds"]
        flag = ("  over budget" if stats["seconds"] > budget_seconds(path.name)
                or stats["peak_mib"] > BUDGET_MIB else "")
        if flag:
            over.append(path.name)
        print(f"{path.name:<{width}}  {stats['seconds']:8.1f}  {stats['peak_mib']:8.0f}{flag}",
              flush=True)
    print(f"{'all notebooks':<{width}}  {total:8.1f}")
    if args.table:
        write_table(args.table, rows)
    venv_bin = str(pathlib.Path(sys.executable).parent)
    if not args.no_build and shutil.which("jupyter-book", path=venv_bin):
        print(f"{'site build (jupyter-book)':<{width}}  {bench_build():8.1f}")
    if over:
        print(f"over the budget ({BUDGET_SECONDS} s or {NEW_BUDGET_SECONDS} s, {BUDGET_MIB} MiB): "
              f"{', '.join(over)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
