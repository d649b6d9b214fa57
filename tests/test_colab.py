"""Colab: the first cell of every chapter installs the helpers when it runs on Colab.

The install line names the repository and branch that _config.yml names (one
source of truth), and runs only where ``google.colab`` is importable. Colab
itself cannot be reached from here, so the last test simulates it: it runs a
chapter's first cell with a fake ``google.colab`` module and lets the ``%pip``
line install from a local clone of this repository instead of GitHub.
"""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys

import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = [*sorted((ROOT / "notebooks").glob("*.ipynb")),
            ROOT / "templates" / "chapter_template.ipynb"]


def first_code_cell(path: pathlib.Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "".join(next(c for c in nb["cells"] if c["cell_type"] == "code")["source"])


def install_spec() -> str:
    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    return f'dlbook @ git+{repository["url"]}@{repository["branch"]}'


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_first_cell_installs_the_helpers_on_colab_only(path):
    source = first_code_cell(path)
    python = TransformerManager().transform_cell(source)
    magic = f"get_ipython().run_line_magic('pip', 'install --quiet \"{install_spec()}\"')"
    expected = f'if "google.colab" in sys.modules:\n    {magic}\n'
    assert expected in python, f"{path.name}: must install {install_spec()!r} on Colab only"
    assert python.index(expected) < python.index("import dlbook"), "install before importing dlbook"


class FakeShell:
    """Stands in for IPython: records the %pip line, runs pip on a local clone instead of GitHub."""

    def __init__(self, clone: pathlib.Path, target: pathlib.Path):
        self.clone, self.target, self.calls = clone, target, []

    def run_line_magic(self, name: str, line: str) -> None:
        self.calls.append((name, line))
        spec = re.search(r'"(dlbook @ git\+\S+)"', line).group(1)
        local = re.sub(r"git\+\S+@", f"git+file://{self.clone}@", spec)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--no-build-isolation", "--target", str(self.target), local], check=True)


@pytest.mark.slow
def test_simulated_colab_installs_dlbook_from_the_repository(tmp_path, monkeypatch):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    # the branch _config.yml names, at the commit under test (a CI clone may be detached)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "-B", _branch()], check=True)
    target = tmp_path / "site"
    shell = FakeShell(clone, target)
    python = TransformerManager().transform_cell(first_code_cell(CHAPTERS[0]))
    install_part = python[: python.index("import dlbook")]
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    exec(install_part, {"get_ipython": lambda: shell})
    assert shell.calls == [("pip", f'install --quiet "{install_spec()}"')]
    installed = list(target.glob("dlbook/__init__.py"))
    assert installed, "pip did not install the dlbook package from the clone"
    assert "def setup" in (target / "dlbook" / "runtime.py").read_text()


def test_not_on_colab_nothing_is_installed():
    calls = []
    python = TransformerManager().transform_cell(first_code_cell(CHAPTERS[0]))
    install_part = python[: python.index("import dlbook")]
    assert "google.colab" not in sys.modules
    shell = type("Shell", (), {"run_line_magic": lambda *args: calls.append(args)})()
    exec(install_part, {"get_ipython": lambda: shell})
    assert calls == []


def _branch() -> str:
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["branch"]
