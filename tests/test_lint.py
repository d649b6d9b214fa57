"""The code passes ruff, with the rules configured in pyproject.toml.

ruff is pinned in requirements.txt and runs from the venv next to this Python.
Notebooks are linted by the same configuration (`ruff check notebooks`), but
are not held to it here yet: their findings are being worked through.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

from test_hygiene import ROOT

#: What the fast tests lint: the package, the tests, the tools and the chapter template.
LINTED = ("src", "tests", "tools", "templates")

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
