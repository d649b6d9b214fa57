"""The code passes ruff, with the rules configured in pyproject.toml.

ruff is pinned in requirements.txt and runs from the venv next to this Python.
The chapters' code cells are held to the same rules as the package (ruff reads
notebooks itself), with the one exception pyproject.toml gives them: imports
after the setup cell.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

from test_hygiene import ROOT

#: What the fast tests lint: the package, tests, tools, chapter template and chapters.
LINTED = ("src", "tests", "tools", "templates", "notebooks")

RUFF = pathlib.Path(sys.executable).parent / "ruff"


def test_ruff_is_installed_from_the_pins():
    assert RUFF.is_file(), f"{RUFF} is missing: it is pinned in requirements.txt (`make install`)"


def test_ruff_finds_nothing():
    result = subprocess.run(
        [str(RUFF), "check", "--no-cache", "--output-format", "concise", *LINTED],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, (
        f"ruff check {' '.join(LINTED)} found problems (fix them; `ruff check --fix` does the "
        f"safe ones):\n{result.stdout}{result.stderr}"
    )
