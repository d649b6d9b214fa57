"""The time-and-memory table on the instructors' page (book/bench.md, written by `make bench`).

It must list every chapter of _toc.yml, and each within the budget that
tools/bench.py enforces. The figures are a record of the last full `make bench`,
not a measurement of the machine running the tests.
"""

from __future__ import annotations

import sys

from test_hygiene import ROOT, toc_files

sys.path.insert(0, str(ROOT / "tools"))
import bench

TABLE = ROOT / "book" / "bench.md"


def rows() -> dict[str, tuple[float, float]]:
    """The table's rows as {page: (seconds, peak MiB)}, in the table's order."""
    return {f"notebooks/{name}": (row["seconds"], row["peak_mib"])
            for name, row in bench.read_table(TABLE).items()}


def test_the_table_lists_every_chapter():
    chapters = [page for page in toc_files() if page.startswith("notebooks/")]
    assert list(rows()) == chapters, (
        "book/bench.md must list the chapters of _toc.yml in order: run `make bench`")


def test_every_chapter_is_within_budget():
    over = {page: figures for page, figures in rows().items()
            if figures[0] > bench.budget_seconds(page.split("/")[-1])
            or figures[1] > bench.BUDGET_MIB}
    assert not over, f"over budget (seconds, MiB) in the last `make bench`: {over}"
