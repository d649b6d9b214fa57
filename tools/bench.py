"""Benchmark the book: each notebook's execution time and peak memory, and the site build.

Each notebook runs in a child process (through tools/nbrun.py). The peak
resident memory of its kernel is the kernel process's high-water mark
(``VmHWM`` in ``/proc/<pid>/status``, Linux), read after every cell. Outputs
are not stored. Run it as ``make bench``; the
budget is 120 s per notebook and 30 minutes for the whole CI run.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 120


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


def bench_notebook(path: pathlib.Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--single", str(path)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


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
    args = parser.parse_args()
    if args.single:
        _single(args.single)
        return 0

    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    width = max(len(p.name) for p in notebooks)
    print(f"{'notebook':<{width}}  {'seconds':>8}  {'peak MiB':>8}")
    total, over = 0.0, []
    for path in notebooks:
        stats = bench_notebook(path)
        total += stats["seconds"]
        flag = "  over budget" if stats["seconds"] > BUDGET_SECONDS else ""
        if flag:
            over.append(path.name)
        print(f"{path.name:<{width}}  {stats['seconds']:8.1f}  {stats['peak_mib']:8.0f}{flag}")
    print(f"{'all notebooks':<{width}}  {total:8.1f}")
    venv_bin = str(pathlib.Path(sys.executable).parent)
    if not args.no_build and shutil.which("jupyter-book", path=venv_bin):
        print(f"{'site build (jupyter-book)':<{width}}  {bench_build():8.1f}")
    if over:
        print(f"over the {BUDGET_SECONDS} s budget: {', '.join(over)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
