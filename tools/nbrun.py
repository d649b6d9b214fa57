"""Execute notebooks top to bottom in a fresh kernel of *this* Python.

`make refresh` uses it to regenerate the stored outputs (``--inplace``), and
tools/bench.py uses it to time notebooks. The kernel is started from
``sys.executable`` rather than looked up by name, so a ``python3`` kernelspec
elsewhere on the machine can never run the notebooks in another environment.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import nbformat
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

TIMEOUT_PER_CELL = 600  # the same as nbval's --nbval-cell-timeout in the Makefile


def current_env_kernel() -> KernelManager:
    """A kernel manager whose kernel is ipykernel on the running interpreter."""
    km = KernelManager()
    km._kernel_spec = KernelSpec(  # the public route looks kernels up by name only
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name="Python 3 (ipykernel)",
        language="python",
    )
    return km


def execute(path: pathlib.Path, inplace: bool = False, km: KernelManager | None = None,
            on_cell_executed=None, outdir: pathlib.Path | None = None) -> float:
    """Run the notebook at ``path`` in its own folder; return the seconds it took.

    With ``inplace`` the executed notebook, with fresh outputs and execution
    counts 1..n, replaces the file; with ``outdir`` it is written there under
    the same name (tools/portability.py compares such copies). ``km`` and ``on_cell_executed`` (an
    nbclient hook) let tools/bench.py watch the kernel while it runs.
    """
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # a cell after a failure must not keep the stored outputs
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        nb,
        km=km or current_env_kernel(),
        timeout=TIMEOUT_PER_CELL,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_executed=on_cell_executed,
    )
    start = time.perf_counter()
    try:
        client.execute()
        seconds = time.perf_counter() - start
    except Exception:
        if outdir is not None:  # keep the partial run: its outputs show where it broke
            outdir.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, outdir / path.name)
        raise
    finally:
        if client.km is not None and client.km.has_kernel:
            # else each notebook's kernel lives until this process exits
            client.km.shutdown_kernel(now=True)
    if inplace:
        nbformat.write(nb, path)
    if outdir is not None:
        outdir.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, outdir / path.name)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--inplace", action="store_true", help="store the new outputs in the files")
    parser.add_argument("--outdir", type=pathlib.Path,
                        help="write the executed copies to this folder")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        if path.suffix != ".ipynb" or not path.is_file():
            parser.error(f"expected an existing .ipynb file, got {path}")
    for path in args.notebooks:
        seconds = execute(path, inplace=args.inplace, outdir=args.outdir)
        print(f"{path}: executed in {seconds:.1f} s{' (outputs stored)' if args.inplace else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
